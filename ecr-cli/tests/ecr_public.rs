//! ECR Public end to end, against `data/public_server.py`, a strict
//! stand-in (moto has no ECR Public) that checks every request's signature
//! (service `ecr-public`), target and body against botocore's model: the
//! generated client's 23 operations, and the credential helper's
//! `public.ecr.aws` logins and their cache.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use base64::Engine as _;
use ecr_public_client::types::{ImageIdentifier, RepositoryCatalogDataInput, Tag};
use ecr_public_client::{Blob, Client, Config, Credentials};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The stand-in, stopped when dropped (its stdin closes).
struct PublicServer {
    url: String,
    server: support::PythonServer,
}

impl PublicServer {
    fn start() -> Self {
        // botocore's model of ECR Public comes from the test venv.
        let server = support::PythonServer::start_in_venv(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/public_server.py"),
        );
        Self { url: server.url.clone(), server }
    }

    /// Every request so far: operation, key, region, service, body.
    fn log(&self) -> Vec<Value> {
        let (status, answer) = self.server.request("GET", "/__log", "");
        serde_json::from_str::<Vec<Value>>(&answer)
            .unwrap_or_else(|e| panic!("/__log answered {status} {answer:?}: {e}"))
    }

    fn operations(&self) -> Vec<String> {
        self.log().iter().map(|r| r["operation"].as_str().unwrap().to_owned()).collect()
    }

    fn client(&self, key: &str) -> Client {
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new(key, format!("secret-of-{key}")))
            .endpoint_url(&self.url)
            .build()
            .unwrap();
        Client::new(config).unwrap()
    }
}

fn digest(bytes: &[u8]) -> String {
    support::registry::digest_of(bytes)
}

#[tokio::test]
async fn every_operation_is_signed_for_ecr_public_and_answers() {
    let server = PublicServer::start();
    let client = server.client("AKIDPUBLIC");
    let logo = Blob::from(vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3]);
    let catalog = RepositoryCatalogDataInput::builder()
        .description("A stand-in repository")
        .architectures(vec!["x86-64".into(), "ARM 64".into()])
        .logo_image_blob(logo)
        .build();
    let created = client
        .create_repository()
        .repository_name("team/app")
        .catalog_data(catalog)
        .tags(vec![Tag::builder().key("team").value("a").build()])
        .send()
        .await
        .unwrap();
    let repository = created.repository.unwrap();
    assert_eq!(repository.repository_uri.as_deref(), Some("public.ecr.aws/standin/team/app"));
    assert!(created.catalog_data.unwrap().logo_url.is_some(), "the logo arrived as a blob");
    let arn = repository.repository_arn.unwrap();

    for name in ["b-repo", "c-repo", "d-repo"] {
        client.create_repository().repository_name(name).send().await.unwrap();
    }
    // Pages of one, followed by the paginator to the end.
    let names: Vec<String> = client
        .describe_repositories()
        .max_results(1)
        .into_paginator()
        .collect_items()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.repository_name)
        .collect();
    assert_eq!(names, ["b-repo", "c-repo", "d-repo", "team/app"]);

    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    client.set_repository_policy().repository_name("team/app").policy_text(policy).send().await.unwrap();
    let got = client.get_repository_policy().repository_name("team/app").send().await.unwrap();
    assert_eq!(got.policy_text.as_deref(), Some(policy));
    client.delete_repository_policy().repository_name("team/app").send().await.unwrap();
    let gone = client.get_repository_policy().repository_name("team/app").send().await.unwrap_err();
    assert_eq!(gone.code(), Some("RepositoryPolicyNotFoundException"), "{gone}");

    client
        .tag_resource()
        .resource_arn(&arn)
        .tags(vec![Tag::builder().key("env").value("test").build()])
        .send()
        .await
        .unwrap();
    client.untag_resource().resource_arn(&arn).tag_keys(vec!["team".into()]).send().await.unwrap();
    let tags = client.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].key.as_deref(), Some("env"));

    let catalog = client.get_repository_catalog_data().repository_name("team/app").send().await.unwrap();
    assert_eq!(catalog.catalog_data.unwrap().description.as_deref(), Some("A stand-in repository"));
    let about = RepositoryCatalogDataInput::builder().about_text("About").build();
    client.put_repository_catalog_data().repository_name("team/app").catalog_data(about).send().await.unwrap();
    client.put_registry_catalog_data().display_name("Renamed").send().await.unwrap();
    let registry = client.get_registry_catalog_data().send().await.unwrap().registry_catalog_data;
    assert_eq!(registry.display_name.as_deref(), Some("Renamed"));
    let registries = client.describe_registries().send().await.unwrap().registries;
    assert_eq!(registries[0].aliases[0].name, "standin");

    // A layer in two parts, then an image naming it.
    let layer: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
    let upload = client.initiate_layer_upload().repository_name("team/app").send().await.unwrap();
    let upload_id = upload.upload_id.unwrap();
    for (first, part) in [(0, &layer[..1000]), (1000, &layer[1000..])] {
        client
            .upload_layer_part()
            .repository_name("team/app")
            .upload_id(&upload_id)
            .part_first_byte(first)
            .part_last_byte(first + part.len() as i64 - 1)
            .layer_part_blob(Blob::from(part.to_vec()))
            .send()
            .await
            .unwrap();
    }
    let completed = client
        .complete_layer_upload()
        .repository_name("team/app")
        .upload_id(&upload_id)
        .layer_digests(vec![digest(&layer)])
        .send()
        .await
        .unwrap();
    assert_eq!(completed.layer_digest, Some(digest(&layer)), "the parts arrived byte for byte, in order");
    let available = client
        .batch_check_layer_availability()
        .repository_name("team/app")
        .layer_digests(vec![digest(&layer), digest(b"absent")])
        .send()
        .await
        .unwrap();
    assert_eq!(available.layers.unwrap().len(), 1);
    assert_eq!(available.failures.unwrap().len(), 1);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[{{"digest":"{}"}}]}}"#,
        digest(&layer)
    );
    let put =
        client.put_image().repository_name("team/app").image_manifest(&manifest).image_tag("v1").send().await.unwrap();
    assert_eq!(put.image.unwrap().image_id.unwrap().image_digest, Some(digest(manifest.as_bytes())));
    let images = client.describe_images().repository_name("team/app").send().await.unwrap().image_details.unwrap();
    assert_eq!(images[0].image_tags.as_deref(), Some(&["v1".to_owned()][..]));
    let tags = client.describe_image_tags().repository_name("team/app").send().await.unwrap();
    assert_eq!(tags.image_tag_details.unwrap()[0].image_tag.as_deref(), Some("v1"));

    let full = client.delete_repository().repository_name("team/app").send().await.unwrap_err();
    assert_eq!(full.code(), Some("RepositoryNotEmptyException"), "{full}");
    let deleted = client
        .batch_delete_image()
        .repository_name("team/app")
        .image_ids(vec![ImageIdentifier::builder().image_tag("v1").build()])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.image_ids.unwrap().len(), 1);
    client.delete_repository().repository_name("team/app").send().await.unwrap();

    let login = client.get_authorization_token().send().await.unwrap().login().unwrap();
    assert_eq!((login.username.as_str(), login.password.as_str()), ("AWS", "public-password-of-AKIDPUBLIC"));
    assert!(!format!("{login:?}").contains("public-password"), "Debug hides the password");

    // Every operation was called, each signed for ecr-public in us-east-1
    // by the client's key (the stand-in refuses any other signature).
    let log = server.log();
    let mut called: Vec<&str> = log.iter().map(|r| r["operation"].as_str().unwrap()).collect();
    called.sort_unstable();
    called.dedup();
    assert_eq!(called.len(), 23, "{called:?}");
    for record in &log {
        assert_eq!((record["service"].as_str(), record["region"].as_str()), (Some("ecr-public"), Some("us-east-1")));
        assert_eq!(record["key"], "AKIDPUBLIC");
    }
    let create = log.iter().find(|r| r["operation"] == "CreateRepository").unwrap();
    let sent_logo = create["body"]["catalogData"]["logoImageBlob"].as_str().unwrap();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(sent_logo).unwrap(), b"\x89PNG\x00\x01\x02\x03");
}

#[tokio::test]
async fn the_stand_in_refuses_what_ecr_public_would() {
    let server = PublicServer::start();
    // Signed with a secret that is not the key's: refused, typed.
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDPUBLIC", "wrong-secret"))
        .endpoint_url(&server.url)
        .build()
        .unwrap();
    let wrong = Client::new(config).unwrap().describe_registries().send().await.unwrap_err();
    assert!(wrong.to_string().contains("InvalidSignatureException"), "{wrong}");
    // Client-side validation stops a bad name before it is sent.
    let client = server.client("AKIDPUBLIC");
    let invalid = client.create_repository().repository_name("A").send().await.unwrap_err();
    assert!(invalid.to_string().contains("repositoryName"), "{invalid}");
    let missing = client.describe_repositories().repository_names(vec!["nope".into()]).send().await.unwrap_err();
    assert_eq!(missing.code(), Some("RepositoryNotFoundException"), "{missing}");
    // The badly signed call was refused before anything was done or logged;
    // the invalid one never left the client.
    assert_eq!(server.operations(), ["DescribeRepositories"]);
}

/// Runs the helper with `action` and `stdin` against the stand-in, with
/// the key `AKIDHELPER` and its cache in `home`.
fn helper(server: &PublicServer, action: &str, stdin: &str, home: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docker-credential-ecr-login"))
        .arg(action)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDHELPER")
        .env("AWS_SECRET_ACCESS_KEY", "secret-of-AKIDHELPER")
        // The caller's own region is elsewhere: ECR Public is us-east-1's.
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_ECR_PUBLIC", &server.url)
        .env("AWS_ECR_HELPER_DEBUG", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_helper_logs_in_to_public_ecr_aws_and_caches_as_the_go_helper() {
    let server = PublicServer::start();
    let home = support::scratch("helper-public");
    for server_url in ["public.ecr.aws", "https://public.ecr.aws/standin/app", "ecr-public.aws.com"] {
        let got = helper(&server, "get", server_url, &home);
        let stderr = String::from_utf8_lossy(&got.stderr);
        assert!(got.status.success(), "{server_url}: {stderr}");
        let answer: Value = serde_json::from_slice(&got.stdout).unwrap();
        assert_eq!(answer["ServerURL"], server_url);
        assert_eq!(answer["Username"], "AWS");
        assert_eq!(answer["Secret"], "public-password-of-AKIDHELPER");
        assert!(!stderr.contains("public-password"), "no secret in the log: {stderr}");
    }
    // One GetAuthorizationToken, in us-east-1; the other two from the cache.
    let log = server.log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (log[0]["operation"].as_str(), log[0]["region"].as_str()),
        (Some("GetAuthorizationToken"), Some("us-east-1"))
    );

    // Under the Go helper's key, for the Go helper's registry name.
    let file: Value = serde_json::from_slice(&std::fs::read(home.join(".ecr/cache.json")).unwrap()).unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"AKIDHELPER"));
    let entry = &file["Registries"][format!("ecr-public-{hash}")];
    assert_eq!(entry["ProxyEndpoint"], "https://public.ecr.aws", "{file}");
    assert_eq!(entry["Service"], "ecr-public");

    let listed = helper(&server, "list", "", &home);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed["https://public.ecr.aws"], "AWS", "{listed}");

    let other = helper(&server, "get", "public.ecr.aws.example.com", &home);
    assert_eq!(other.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&other.stdout).trim(), "credentials not found in native keychain");
}

/// Runs `program` with `args` against the stand-in, with the key
/// `AKIDPARITY` and a clean environment; the profile asks v1 for v2's
/// timestamps (`cli_timestamp_format = iso8601`), `ecr`'s default.
fn run_cli(server: &PublicServer, program: &mut Command, args: &[&str]) -> Output {
    static HOME: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| {
        let home = support::scratch("public-parity-home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(home.join(".aws/config"), "[default]\ncli_timestamp_format = iso8601\n").unwrap();
        home
    });
    program
        .args(args)
        .args(["--endpoint-url", &server.url])
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDPARITY")
        .env("AWS_SECRET_ACCESS_KEY", "secret-of-AKIDPARITY")
        // The AWS CLI v1 reads only AWS_DEFAULT_REGION; ecr reads both.
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

/// `ecr public ARGS` and `aws ecr-public ARGS`.
fn both(server: &PublicServer, args: &[&str]) -> (Output, Output) {
    let mut ours = Command::new(env!("CARGO_BIN_EXE_ecr"));
    ours.arg("public");
    let mut theirs = Command::new(support::aws_cli());
    theirs.arg("ecr-public");
    (run_cli(server, &mut ours, args), run_cli(server, &mut theirs, args))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `ecr public` prints what `aws ecr-public` (v1) prints, byte for byte, in
/// JSON and text (and table for reads); a command that changes state runs through each tool on a
/// repository of its own, and the outputs differ by that name alone.
#[test]
fn ecr_public_prints_what_aws_ecr_public_prints() {
    let server = PublicServer::start();
    let dir = support::scratch("public-parity");
    let manifest = dir.join("manifest.json");
    std::fs::write(
        &manifest,
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#,
    )
    .unwrap();
    let manifest = format!("file://{}", manifest.display());
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    let changes: &[&[&str]] = &[
        &["create-repository", "--repository-name", "NAME", "--catalog-data", "description=An app,aboutText=About"],
        &["put-repository-catalog-data", "--repository-name", "NAME", "--catalog-data", "usageText=Run it"],
        &["set-repository-policy", "--repository-name", "NAME", "--policy-text", policy],
        &["put-image", "--repository-name", "NAME", "--image-tag", "v1", "--image-manifest", &manifest],
        &[
            "tag-resource",
            "--resource-arn",
            "arn:aws:ecr-public::123456789012:repository/NAME",
            "--tags",
            "Key=team,Value=a",
        ],
        &["untag-resource", "--resource-arn", "arn:aws:ecr-public::123456789012:repository/NAME", "--tag-keys", "team"],
        &["delete-repository-policy", "--repository-name", "NAME"],
        &["put-registry-catalog-data", "--display-name", "Stand in"],
    ];
    for args in changes {
        let with = |name: &str| -> Vec<String> { args.iter().map(|a| a.replace("NAME", name)).collect() };
        let (ours_args, theirs_args) = (with("by-ecr"), with("by-aws"));
        let mut ours = Command::new(env!("CARGO_BIN_EXE_ecr"));
        let ours = run_cli(&server, ours.arg("public"), &ours_args.iter().map(String::as_str).collect::<Vec<_>>());
        let mut theirs = Command::new(support::aws_cli());
        let theirs =
            run_cli(&server, theirs.arg("ecr-public"), &theirs_args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(theirs.status.success(), "aws {args:?}: {}", text(&theirs.stderr));
        assert!(ours.status.success(), "ecr {args:?}: {}", text(&ours.stderr));
        assert_eq!(text(&ours.stdout).replace("by-ecr", "by-aws"), text(&theirs.stdout), "ecr public {args:?}");
    }
    let reads: &[&[&str]] = &[
        &["describe-repositories"],
        &["describe-repositories", "--repository-names", "by-ecr"],
        &["describe-repositories", "--max-items", "1"],
        &["describe-registries"],
        &["get-registry-catalog-data"],
        &["get-repository-catalog-data", "--repository-name", "by-aws"],
        &["describe-images", "--repository-name", "by-ecr"],
        &["describe-image-tags", "--repository-name", "by-ecr"],
        &["list-tags-for-resource", "--resource-arn", "arn:aws:ecr-public::123456789012:repository/by-ecr"],
        &["batch-check-layer-availability", "--repository-name", "by-ecr", "--layer-digests", "sha256:00"],
    ];
    for args in reads {
        for output in ["json", "text", "table"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            let (ours, theirs) = both(&server, &args);
            assert!(theirs.status.success(), "aws {args:?}: {}", text(&theirs.stderr));
            assert!(ours.status.success(), "ecr {args:?}: {}", text(&ours.stderr));
            assert_eq!(text(&ours.stdout), text(&theirs.stdout), "ecr public {args:?}");
        }
    }
    // Errors: the AWS CLI's message, laid out as v2 lays it out; v1 exits
    // 255 for every failure, ecr 254 for a service error (as v2 does).
    for args in [
        &["get-repository-policy", "--repository-name", "by-ecr"][..],
        &["delete-repository", "--repository-name", "by-ecr"],
    ] {
        let (ours, theirs) = both(&server, args);
        assert_eq!((ours.status.code(), theirs.status.code()), (Some(254), Some(255)), "{args:?}");
        let theirs = text(&theirs.stderr);
        assert_eq!(text(&ours.stderr), format!("\necr: [ERROR]: {}\n", theirs.trim()));
    }
    // get-login-password: the password of the caller's token.
    let (ours, theirs) = both(&server, &["get-login-password"]);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    assert_eq!(text(&ours.stdout), "public-password-of-AKIDPARITY\n");
    // Everything reached the stand-in signed for ecr-public.
    assert!(server.log().iter().all(|r| r["service"] == "ecr-public" && r["key"] == "AKIDPARITY"));
}

#[test]
fn ecr_public_help_and_usage_errors_name_ecr_public() {
    let ecr = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_ecr")).args(args).env_clear().output().unwrap();
    let overview = text(&ecr(&["public", "--help"]).stdout);
    assert!(overview.starts_with("usage: ecr public [global flags] <command> [flags]"), "{overview}");
    assert!(overview.contains("describe-registries") && overview.contains("get-login-password"), "{overview}");
    assert!(!overview.contains("push"), "ECR's own commands are not listed: {overview}");
    let help = text(&ecr(&["public", "describe-registries", "--help"]).stdout);
    assert!(help.starts_with("usage: ecr public describe-registries [flags]"), "{help}");
    assert!(text(&ecr(&["--help"]).stdout).contains("`ecr public --help` lists them"));
    let unknown = ecr(&["public", "list-images"]);
    assert_eq!(unknown.status.code(), Some(252));
    assert!(
        text(&unknown.stderr).contains("Found invalid choice 'list-images' (see `ecr public --help`)"),
        "{}",
        text(&unknown.stderr)
    );
    let wait = ecr(&["public", "wait", "x"]);
    assert_eq!(wait.status.code(), Some(252), "ECR Public has no waiters: {}", text(&wait.stderr));
}

/// `ecr ARGS` against the stand-in as `AKIDPUSH`, whose region is not
/// ECR Public's.
fn ecr_as_pusher(server: &PublicServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecr"))
        .args(args)
        .env_clear()
        .env("HOME", support::scratch("public-push-home"))
        .env("AWS_ACCESS_KEY_ID", "AKIDPUSH")
        .env("AWS_SECRET_ACCESS_KEY", "secret-of-AKIDPUSH")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_ECR_PUBLIC", &server.url)
        .output()
        .unwrap()
}

fn summary(output: &Output) -> Value {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output.stdout)))
}

#[tokio::test]
async fn ecr_push_to_public_ecr_aws_uses_ecr_publics_layer_operations() {
    use support::registry::{Layout, OCI_INDEX, OCI_MANIFEST};
    let server = PublicServer::start();
    server.client("AKIDPUSH").create_repository().repository_name("team/app").send().await.unwrap();
    let dir = support::scratch("public-push");
    let mut layout = Layout::default();
    // 12 MiB: two parts of the 10 MiB the stand-in asks for.
    let image = layout.image(OCI_MANIFEST, 31, &[12 * 1024 * 1024, 3000], "linux/amd64");
    let image_digest = image["digest"].as_str().unwrap().to_owned();
    layout.name(image.clone(), "v1");
    let other = layout.image(OCI_MANIFEST, 32, &[5000], "linux/arm64");
    let index = layout.index(OCI_INDEX, vec![image, other]);
    let index_digest = index["digest"].as_str().unwrap().to_owned();
    layout.name(index, "multi");
    let src = layout.write_dir(&dir.join("src"));
    let source = |name: &str| format!("{}:{name}", src.display());

    let pushed = summary(&ecr_as_pusher(&server, &["push", &source("v1"), "public.ecr.aws/standin/team/app:v1"]));
    assert_eq!(pushed["imageDigest"], image_digest.as_str());
    assert_eq!((pushed["layersUploaded"].as_u64(), pushed["layersSkipped"].as_u64()), (Some(3), Some(0)));
    let log = server.log();
    let operations: Vec<&str> = log.iter().skip(1).map(|r| r["operation"].as_str().unwrap()).collect();
    assert_eq!(operations[..2], ["DescribeRegistries", "BatchCheckLayerAvailability"]);
    assert_eq!(operations.iter().filter(|o| **o == "UploadLayerPart").count(), 4, "{operations:?}");
    assert_eq!(operations.iter().filter(|o| **o == "CompleteLayerUpload").count(), 3, "{operations:?}");
    assert_eq!(operations.last(), Some(&"PutImage"));
    for record in &log[1..] {
        assert_eq!((record["service"].as_str(), record["region"].as_str()), (Some("ecr-public"), Some("us-east-1")));
        assert_eq!(record["key"], "AKIDPUSH");
        if record["operation"] != "DescribeRegistries" {
            // The alias's registry, by its id; the repository without the alias.
            assert_eq!(
                (record["body"]["registryId"].as_str(), record["body"]["repositoryName"].as_str()),
                (Some("123456789012"), Some("team/app"))
            );
        }
    }
    // The manifest went as its bytes are, under the tag.
    let put = &log.last().unwrap()["body"];
    let manifest = std::fs::read(src.join("blobs/sha256").join(&image_digest[7..])).unwrap();
    assert_eq!(put["imageManifest"].as_str().unwrap().as_bytes(), manifest.as_slice());
    assert_eq!((put["imageTag"].as_str(), put["imageDigest"].as_str()), (Some("v1"), Some(image_digest.as_str())));

    // An index and its children: the blobs there are skipped.
    let multi = summary(&ecr_as_pusher(&server, &["push", &source("multi"), "public.ecr.aws/standin/team/app:multi"]));
    assert_eq!(multi["imageDigest"], index_digest.as_str());
    assert_eq!((multi["layersUploaded"].as_u64(), multi["layersSkipped"].as_u64()), (Some(2), Some(3)));
    let images = server.client("AKIDPUSH").describe_images().repository_name("team/app").send().await.unwrap();
    let mut tags: Vec<(String, String)> = images
        .image_details
        .unwrap()
        .into_iter()
        .flat_map(|d| {
            let digest = d.image_digest.unwrap();
            d.image_tags.unwrap_or_default().into_iter().map(move |t| (t, digest.clone()))
        })
        .collect();
    tags.sort();
    assert_eq!(tags, [("multi".to_owned(), index_digest.clone()), ("v1".to_owned(), image_digest.clone())]);

    // An alias that is not the caller's: refused after DescribeRegistries
    // alone, naming the aliases the caller has.
    let before = server.log().len();
    let foreign = ecr_as_pusher(&server, &["push", &source("v1"), "public.ecr.aws/someone-else/team/app:v1"]);
    assert_eq!(foreign.status.code(), Some(252), "{}", text(&foreign.stderr));
    let message = text(&foreign.stderr);
    assert!(
        message.contains("\"someone-else\" is not an alias of your ECR Public registry (its aliases: standin)"),
        "{message}"
    );
    let after: Vec<String> =
        server.log()[before..].iter().map(|r| r["operation"].as_str().unwrap().to_owned()).collect();
    assert_eq!(after, ["DescribeRegistries"]);

    // ECR Public's API reads no images: pull and copy from it are refused by name.
    let pull =
        ecr_as_pusher(&server, &["pull", "public.ecr.aws/standin/team/app:v1", &dir.join("out").display().to_string()]);
    assert_eq!(pull.status.code(), Some(252), "{}", text(&pull.stderr));
    assert!(
        text(&pull.stderr).contains("public.ecr.aws/standin/team/app:v1 is in ECR Public"),
        "{}",
        text(&pull.stderr)
    );
}

#[tokio::test]
async fn an_image_copies_from_ecr_to_ecr_public_without_touching_disk() {
    use ecr_client::image::{self, OciLayout, PullOptions, Reference, Transfer};
    use support::registry::{Layout, Registry, OCI_MANIFEST};
    let (public, private) = (PublicServer::start(), Registry::start());
    let ecr = ecr_client::Client::new(
        ecr_client::Config::builder()
            .region("us-east-1")
            .credentials(ecr_client::Credentials::new("AKIDCOPY", "secret"))
            .endpoint_url(&private.url)
            .build()
            .unwrap(),
    )
    .unwrap();
    ecr.create_repository().repository_name("src").send().await.unwrap();
    let dir = support::scratch("public-copy");
    let mut layout = Layout::default();
    let descriptor = layout.image(OCI_MANIFEST, 41, &[70_000, 10], "linux/amd64");
    let digest = descriptor["digest"].as_str().unwrap().to_owned();
    layout.name(descriptor, "v1");
    let local = OciLayout::new(layout.write_dir(&dir)).image(Some("v1")).unwrap();
    let transfer = Transfer::default();
    image::push(&ecr, &local, &Reference::parse("src:v1").unwrap(), &transfer).await.unwrap();

    let to = public.client("AKIDCOPY");
    to.create_repository().repository_name("app").send().await.unwrap();
    let source = Reference::parse("src:v1").unwrap();
    let destination = Reference::parse("public.ecr.aws/standin/app").unwrap();
    let copied =
        image::copy_public(&ecr, &source, &to, &destination, &PullOptions::default(), &transfer).await.unwrap();
    assert_eq!((copied.image_digest.as_str(), copied.blobs_moved), (digest.as_str(), 3));
    // Under the source's tag, as a copy to ECR is.
    let put = public.log().into_iter().find(|r| r["operation"] == "PutImage").unwrap();
    assert_eq!(
        (put["body"]["imageTag"].as_str(), put["body"]["imageDigest"].as_str()),
        (Some("v1"), Some(digest.as_str()))
    );

    // And the other way round is refused: ECR Public's API reads no images.
    let back = image::copy(&ecr, &destination.with_tag("v1"), &ecr, &source, &PullOptions::default(), &transfer).await;
    let error = back.unwrap_err().to_string();
    assert!(error.contains("is in ECR Public, whose API reads no images"), "{error}");
}
