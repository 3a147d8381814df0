//! A differential corpus of command lines: every `aws ecr` line of the AWS
//! CLI's own examples (`awscli/examples/ecr/*.rst` of the installed awscli
//! v1, read at test time), plus the `--query` and paging idioms scripts
//! use. Each runs through `aws ecr` and `ecr` against one moto whose clock
//! is frozen (`data/frozen_moto.py`). Before every run moto is reset,
//! reseeded and given the same repositories, images and policies, so both
//! tools meet the same state and the same ids.
//!
//! - AWS CLI v2 (the reference): json under two time zones (one with a
//!   half-hour offset), text, table, yaml and yaml-stream; ISO 8601
//!   timestamps, v2's default.
//! - AWS CLI v1 (1.46.3): json, text and table, with the profile's
//!   `cli_timestamp_format = none` (v1's spelling, which `ecr` reads as
//!   v2's `wire`), where the two agree.
//!
//! Compared: stdout byte for byte; the exit code (v1 exits 255 for a
//! service error and a value that cannot be used, v2 and `ecr` 254 and
//! 252); for a service error, the first line of stderr with the program's
//! name set aside. Where `ecr` differs on purpose, the test says how and
//! checks it.

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
    "get-authorization-token --query authorizationData[0].expiresAt",
    // Abbreviated flags, as both CLIs take them.
    "describe-repositories --repository-name ubuntu --out text",
    "describe-images --repository-name ubuntu --image-id imageTag=precise",
    "put-lifecycle-policy --repository-name ubuntu --lifecycle-policy file://policy.json",
    "describe-images --repository-name ubuntu --m 1",
    // A file under the home directory.
    "set-repository-policy --repository-name ubuntu --policy-text file://~/my-policy.json",
    // Paged answers rebuilt around the paginator's result keys.
    "describe-image-scan-findings --repository-name ubuntu --image-id imageTag=precise",
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
    // Findings to page through (moto's scan finds one).
    let precise = ecr_client::types::ImageIdentifier::builder().image_tag("precise").build();
    client.start_image_scan().repository_name("ubuntu").image_id(precise).send().await.unwrap();
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

/// Where and how a line runs: its directory (the examples' files), its
/// home (the profile's settings) and its time zone.
struct Setting<'a> {
    dir: &'a Path,
    home: &'a Path,
    zone: &'a str,
}

fn run(program: &Path, prefix: &[&str], argv: &[String], output: &str, url: &str, at: &Setting) -> Output {
    Command::new(program)
        .args(prefix)
        .args(argv)
        .args(["--output", output, "--endpoint-url", url])
        .current_dir(at.dir)
        .env_clear()
        .env("HOME", at.home)
        .env("TZ", at.zone)
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

/// The first line of stderr with the program's name set aside.
fn message(stderr: &[u8]) -> String {
    let line = first_line(stderr);
    ["ecr: ", "aws: "].iter().find_map(|p| line.strip_prefix(p)).unwrap_or(&line).to_owned()
}

/// Which AWS CLI a line is compared with.
#[derive(Clone, Copy, PartialEq)]
enum Version {
    V1,
    V2,
}

/// What differs between the two runs of one line, if anything.
fn difference(ours: &Output, theirs: &Output, version: Version) -> Option<String> {
    let (code, their_code) = (ours.status.code(), theirs.status.code());
    let service_error = code == Some(254) && their_code == Some(if version == Version::V1 { 255 } else { 254 });
    // v1 exits 255 for a value it cannot use, v2 and ecr 252; the message
    // must then be the AWS CLI's own.
    let v1_message = first_line(&theirs.stderr);
    let same_message = message(&ours.stderr).strip_prefix("[ERROR]: An error occurred (ParamValidation): ")
        == Some(v1_message.as_str());
    let bad_value = version == Version::V1 && code == Some(252) && their_code == Some(255) && same_message;
    // v1's argparse exits 2 where v2's exits 252.
    let v1_usage = version == Version::V1 && code == Some(252) && their_code == Some(2);
    if code != their_code && !service_error && !bad_value && !v1_usage {
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
        let (mut ours, mut theirs) = (message(&ours.stderr), message(&theirs.stderr));
        if version == Version::V1 {
            // v1 retries as its legacy mode does (4 times), v2 and ecr as
            // the standard mode (2): the count is set aside.
            let retries = regex_lite::Regex::new(r" \(reached max retries: \d+\)").unwrap();
            ours = retries.replace(&ours, "").into_owned();
            theirs = format!("[ERROR]: {}", retries.replace(&theirs, ""));
        }
        if ours != theirs {
            return Some(format!("stderr differs\n  ecr: {ours}\n  aws: {theirs}"));
        }
    }
    None
}

/// The corpus: the examples' lines (those that are one command) and the
/// idioms, and the lines skipped.
fn corpus() -> (Vec<(String, Vec<String>)>, Vec<String>) {
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
    (lines, skipped)
}

/// Runs the corpus through `aws` (`version`) and `ecr` in each of `runs`
/// (an output format and a time zone), failing with every difference.
fn compare(aws: &Path, version: Version, profile: &str, runs: &[(&str, &str)]) {
    let server = Frozen::start();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = support::scratch(&format!("cli-corpus-{}", aws.display()).replace('/', "-"));
    example_files(&dir);
    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    example_files(&home);
    std::fs::write(home.join(".aws/config"), format!("[default]\n{profile}")).unwrap();
    let ecr = PathBuf::from(env!("CARGO_BIN_EXE_ecr"));
    let (lines, skipped) = corpus();

    let mut failures = Vec::new();
    let mut purposeful = 0;
    for (file, argv) in &lines {
        for (output, zone) in runs {
            let at = Setting { dir: &dir, home: &home, zone };
            server.prepare(&runtime);
            let theirs = run(aws, &["ecr"], argv, output, &server.url, &at);
            server.prepare(&runtime);
            let ours = run(&ecr, &[], argv, output, &server.url, &at);
            let Some(difference) = difference(&ours, &theirs, version) else { continue };
            if let Some((_, why)) = DIFFERENT_ON_PURPOSE.iter().find(|(command, _)| argv[0] == *command) {
                purposeful += 1;
                check_purposeful(argv, why, &ours, &theirs, version);
                continue;
            }
            failures.push(format!("{file}: TZ={zone} ecr {} --output {output}: {difference}", argv.join(" ")));
        }
    }
    let all = lines.len() * runs.len();
    assert!(failures.is_empty(), "{} of {all} runs differ:\n\n{}", failures.len(), failures.join("\n\n"));
    let _ = writeln!(
        std::io::stderr(),
        "{} lines compared in {runs:?}; {purposeful} runs differ on purpose; skipped: {skipped:?}",
        lines.len()
    );
}

#[test]
fn the_aws_clis_examples_and_idioms_print_as_v2_prints_them() {
    let Some(aws) = support::aws_cli_v2() else { return };
    // Without the zone files both would print UTC, and prove nothing of zones.
    let zones = Path::new("/usr/share/zoneinfo/Asia/Kolkata").exists();
    assert!(zones || std::env::var_os("CI").is_none(), "CI must have tzdata (.ci/run installs it)");
    if !zones {
        let _ = writeln!(std::io::stderr(), "skipped: time zones need tzdata, which is not installed");
        return;
    }
    let runs = [
        ("json", "America/New_York"),
        ("json", "Asia/Kolkata"),
        ("text", "America/New_York"),
        ("table", "Asia/Kolkata"),
        ("yaml", "America/New_York"),
        ("yaml-stream", "Asia/Kolkata"),
    ];
    compare(&aws, Version::V2, "", &runs);
}

#[test]
fn the_aws_clis_examples_and_idioms_print_as_v1_prints_them_with_wire_timestamps() {
    let runs = [("json", "UTC"), ("text", "UTC"), ("table", "UTC")];
    compare(&support::aws_cli(), Version::V1, "cli_timestamp_format = none\n", &runs);
}

/// A difference the corpus expects, checked to be the one it says.
fn check_purposeful(argv: &[String], why: &str, ours: &Output, theirs: &Output, version: Version) {
    match why {
        // v2 dropped get-login; ecr keeps v1's command for old scripts.
        "prints no password" if version == Version::V2 => {
            assert!(ours.status.success() && theirs.status.code() == Some(252), "{argv:?}");
            assert!(message(&theirs.stderr).contains("Found invalid choice 'get-login'"), "{argv:?}");
        }
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
