//! A differential corpus of command lines: every `aws ecr` line of the AWS
//! CLI's own examples (`awscli/examples/ecr/*.rst` of the installed awscli,
//! read at test time), plus the `--query` and paging idioms scripts use.
//! Each runs through `aws ecr` (v1) and `ecr`, in json, text and table,
//! against one moto whose clock is frozen (`data/frozen_moto.py`). Before
//! every run moto is reset, reseeded and given the same repositories,
//! images and policies, so both tools meet the same state and the same ids.
//!
//! Compared: stdout byte for byte; the exit code (the AWS CLI v1 exits 255
//! for a service error, `ecr` 254 as v2 does; for a value that cannot be
//! used, v1 255 and `ecr` 252 as v2, with the AWS CLI's message); for a
//! service error, the first line of stderr (`ecr` adds its name before and
//! the request id after). Where `ecr` differs on purpose, the test says
//! how and checks it.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use ecr_client::{Client, Config, Credentials};
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Lines scripts use that the examples lack.
const IDIOMS: &[&str] = &[
    "describe-repositories --query repositories[].repositoryUri",
    "describe-images --repository-name cluster-autoscaler --query sort_by(imageDetails,&imagePushedAt)[-1].imageTags[0]",
    "describe-repositories --query repositories[?imageTagMutability==`IMMUTABLE`].repositoryName",
    "describe-repositories --query length(repositories)",
    "describe-repositories --query repositories[].{Name:repositoryName,Uri:repositoryUri}",
    "describe-repositories --max-items 2",
    "describe-repositories --page-size 1",
    "describe-repositories --repository-names no-such-repo",
    "list-images --repository-name ubuntu --query imageIds[*].imageDigest",
    "describe-images --repository-name ubuntu --query imageDetails[0].[imageDigest,imageSizeInBytes]",
    "get-lifecycle-policy --repository-name hello-world --query lifecyclePolicyText",
    "list-tags-for-resource --resource-arn arn:aws:ecr:us-east-1:123456789012:repository/hello-world",
    "describe-images --repository-name ubuntu --query imageDetails[].imageTags[]",
];

/// Commands `ecr` answers otherwise on purpose, and why.
const DIFFERENT_ON_PURPOSE: &[(&str, &str)] = &[
    // v1 prints `docker login -u AWS -p PASSWORD ...`: the password on a
    // command line, where `ps` and shell history see it. `ecr get-login`
    // prints the registry and expiry as JSON, never the password.
    ("get-login", "prints no password"),
];

struct Frozen {
    url: String,
    server: support::PythonServer,
}

impl Frozen {
    fn start() -> Self {
        let server = support::PythonServer::start_in_venv(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/frozen_moto.py"),
        );
        Self { url: server.url.clone(), server }
    }

    fn post(&self, path: &str) {
        let (status, answer) = self.server.request("POST", path, "");
        assert_eq!(status, 200, "{path}: {answer}");
    }

    /// The same state every time: reset, reseeded, then set up.
    fn prepare(&self, runtime: &tokio::runtime::Runtime) {
        self.post("/moto-api/reset");
        self.post("/moto-api/seed?a=42");
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDCORPUS", "corpus-secret"))
            .endpoint_url(&self.url)
            .build()
            .unwrap();
        runtime.block_on(set_up(&Client::new(config).unwrap()));
    }
}

/// Manifests put into the repositories the examples name.
fn manifest(seed: u32) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"sha256:{:064x}"}},"layers":[]}}"#,
        7000 + seed,
        seed
    )
}

const POLICY: &str = r#"{"rules":[{"rulePriority":1,"description":"Expire images older than 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
const REPOSITORY_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;

async fn set_up(client: &Client) {
    for name in [
        "cluster-autoscaler",
        "ubuntu",
        "hello-world",
        "sample-repo",
        "project-a/amazon-ecs-sample",
        "hello-repository",
        "layer-test",
    ] {
        client.create_repository().repository_name(name).send().await.unwrap();
    }
    for (repository, tag, seed) in [
        ("cluster-autoscaler", "v1.13.6", 1),
        ("ubuntu", "precise", 2),
        ("ubuntu", "trusty", 3),
        ("sample-repo", "latest", 4),
    ] {
        client
            .put_image()
            .repository_name(repository)
            .image_tag(tag)
            .image_manifest(manifest(seed))
            .send()
            .await
            .unwrap();
    }
    for repository in ["hello-world", "project-a/amazon-ecs-sample"] {
        client.put_lifecycle_policy().repository_name(repository).lifecycle_policy_text(POLICY).send().await.unwrap();
    }
    client
        .set_repository_policy()
        .repository_name("cluster-autoscaler")
        .policy_text(REPOSITORY_POLICY)
        .send()
        .await
        .unwrap();
    let tag = ecr_client::types::Tag::builder().key("team").value("infra").build();
    client
        .tag_resource()
        .resource_arn("arn:aws:ecr:us-east-1:123456789012:repository/hello-world")
        .tags(vec![tag])
        .send()
        .await
        .unwrap();
}

/// The files the examples' `file://` values name, in the directory they run in.
fn example_files(dir: &Path) {
    std::fs::write(dir.join("hello-world.manifest.json"), manifest(9)).unwrap();
    std::fs::write(dir.join("policy.json"), POLICY).unwrap();
    std::fs::write(dir.join("my-policy.json"), REPOSITORY_POLICY).unwrap();
}

/// The example lines, split as a shell splits them.
fn examples() -> Vec<(String, Vec<String>)> {
    let python = support::aws_cli().with_file_name("python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cli_examples.py");
    let output = Command::new(python).arg(script).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let found: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    found
        .into_iter()
        .map(|e| {
            let argv = e["argv"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
            (e["file"].as_str().unwrap().to_owned(), argv)
        })
        .collect()
}

fn run(program: &Path, prefix: &[&str], argv: &[String], output: &str, url: &str, dir: &Path) -> Output {
    Command::new(program)
        .args(prefix)
        .args(argv)
        .args(["--output", output, "--endpoint-url", url])
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDCORPUS")
        .env("AWS_SECRET_ACCESS_KEY", "corpus-secret")
        // The AWS CLI v1 reads only AWS_DEFAULT_REGION; ecr reads both.
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_owned()
}

/// What differs between the two runs of one line, if anything.
fn difference(ours: &Output, theirs: &Output) -> Option<String> {
    let (code, their_code) = (ours.status.code(), theirs.status.code());
    let service_error = code == Some(254) && their_code == Some(255);
    // v1 exits 255 for a value it cannot use, v2 and ecr 252; the message
    // must then be the AWS CLI's own.
    let same_message = first_line(&ours.stderr).strip_prefix("ecr: ") == Some(first_line(&theirs.stderr).as_str());
    let bad_value = code == Some(252) && their_code == Some(255) && same_message;
    if code != their_code && !service_error && !bad_value {
        return Some(format!(
            "exit {code:?} against {their_code:?}\n  ecr: {}\n  aws: {}",
            first_line(&ours.stderr),
            first_line(&theirs.stderr)
        ));
    }
    if ours.stdout != theirs.stdout {
        return Some(format!(
            "stdout differs\n--- ecr\n{}\n--- aws\n{}",
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout)
        ));
    }
    if service_error {
        let (ours, theirs) = (first_line(&ours.stderr), first_line(&theirs.stderr));
        let stripped = ours.strip_prefix("ecr: ").and_then(|l| l.rsplit_once(" (request id ")).map(|(m, _)| m);
        if stripped != Some(theirs.as_str()) {
            return Some(format!("stderr differs\n  ecr: {ours}\n  aws: {theirs}"));
        }
    }
    None
}

#[test]
fn the_aws_clis_examples_and_idioms_print_alike_in_every_format() {
    let server = Frozen::start();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = support::scratch("cli-corpus");
    example_files(&dir);
    let aws = support::aws_cli();
    let ecr = PathBuf::from(env!("CARGO_BIN_EXE_ecr"));

    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    let mut skipped = Vec::new();
    for (file, argv) in examples() {
        // A line of a shell pipeline or with placeholders is not one command.
        if argv.iter().any(|a| a == "|" || a.contains('<')) {
            skipped.push(format!("{file}: {}", argv.join(" ")));
            continue;
        }
        lines.push((file, argv));
    }
    let examples = lines.len();
    lines.extend(IDIOMS.iter().map(|l| ("idiom".to_owned(), l.split(' ').map(str::to_owned).collect())));
    assert!(examples >= 30 && lines.len() >= 40, "{examples} example lines, {} in all", lines.len());

    let mut failures = Vec::new();
    let mut purposeful = 0;
    for (file, argv) in &lines {
        for output in ["json", "text", "table"] {
            server.prepare(&runtime);
            let theirs = run(&aws, &["ecr"], argv, output, &server.url, &dir);
            server.prepare(&runtime);
            let ours = run(&ecr, &[], argv, output, &server.url, &dir);
            let Some(difference) = difference(&ours, &theirs) else { continue };
            if let Some((_, why)) = DIFFERENT_ON_PURPOSE.iter().find(|(command, _)| argv[0] == *command) {
                purposeful += 1;
                check_purposeful(argv, why, &ours, &theirs);
                continue;
            }
            failures.push(format!("{file}: ecr {} --output {output}: {difference}", argv.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} runs differ:\n\n{}", failures.len(), lines.len() * 3, failures.join("\n\n"));
    let _ = writeln!(
        std::io::stderr(),
        "{} lines ({examples} from the examples) compared in 3 formats; {purposeful} runs differ on purpose; \
         skipped: {skipped:?}",
        lines.len()
    );
}

/// A difference the corpus expects, checked to be the one it says.
fn check_purposeful(argv: &[String], why: &str, ours: &Output, theirs: &Output) {
    match why {
        "prints no password" => {
            assert!(ours.status.success() && theirs.status.success(), "{argv:?}");
            let ours = String::from_utf8_lossy(&ours.stdout);
            let password = String::from_utf8_lossy(&theirs.stdout);
            let password = password.split_whitespace().skip_while(|w| *w != "-p").nth(1).unwrap_or_default();
            assert!(!password.is_empty() && !ours.contains(password), "{ours}");
        }
        other => panic!("no check for {other}"),
    }
}
