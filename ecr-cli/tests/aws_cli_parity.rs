//! `ecr` prints what the AWS CLI prints: the same commands run through both
//! against the same moto server, stdout compared byte for byte, in JSON and
//! in text. The AWS CLI (v1, from PyPI) is installed into the moto
//! virtualenv on first use; `.ci/run` installs it up front.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

fn aws_cli() -> PathBuf {
    support::aws_cli()
}

fn run(program: &mut Command, args: &[&str]) -> Output {
    let home = support::scratch("parity-home");
    program
        .args(args)
        .args(["--endpoint-url", support::moto_url()])
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDPARITY")
        .env("AWS_SECRET_ACCESS_KEY", "parity-secret")
        // The AWS CLI v1 reads only AWS_DEFAULT_REGION; ecr reads both.
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn both(args: &[&str]) -> (Output, Output) {
    let ours = run(&mut Command::new(env!("CARGO_BIN_EXE_ecr")), args);
    let mut aws = Command::new(aws_cli());
    aws.arg("ecr");
    (ours, run(&mut aws, args))
}

#[test]
fn json_and_text_output_are_the_aws_clis() {
    let name = support::unique_name("parity");
    let dir = support::scratch("parity");
    let manifest = dir.join("manifest.json");
    std::fs::write(
        &manifest,
        r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"},"layers":[]}"#,
    )
    .unwrap();
    let manifest = format!("file://{}", manifest.display());
    let created = run(
        &mut Command::new(env!("CARGO_BIN_EXE_ecr")),
        &["create-repository", "--repository-name", &name, "--tags", "Key=team,Value=infra"],
    );
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let put = run(
        &mut Command::new(env!("CARGO_BIN_EXE_ecr")),
        &["put-image", "--repository-name", &name, "--image-tag", "v1", "--image-manifest", &manifest],
    );
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    let arn = format!("arn:aws:ecr:us-east-1:123456789012:repository/{name}");
    let commands: &[&[&str]] = &[
        &["describe-repositories", "--repository-names", &name],
        &["list-images", "--repository-name", &name],
        &["describe-images", "--repository-name", &name],
        &["batch-get-image", "--repository-name", &name, "--image-ids", "imageTag=v1"],
        &["list-tags-for-resource", "--resource-arn", &arn],
        &["describe-registry"],
    ];
    for args in commands {
        for output in ["json", "text"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            let (ours, theirs) = both(&args);
            assert!(theirs.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&theirs.stderr));
            assert!(ours.status.success(), "ecr {args:?}: {}", String::from_utf8_lossy(&ours.stderr));
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&theirs.stdout),
                "ecr {args:?} prints what aws ecr prints"
            );
        }
    }
    // Errors: the AWS CLI's message, plus the request id; the AWS CLI v1
    // exits 255 for every failure, ecr 254 for a service error (as v2).
    let (ours, theirs) = both(&["describe-repositories", "--repository-names", "no-such-repo"]);
    let (ours, theirs) = (String::from_utf8_lossy(&ours.stderr), String::from_utf8_lossy(&theirs.stderr));
    let theirs = theirs.trim();
    assert!(ours.starts_with(&format!("ecr: {theirs} (request id ")), "{ours}\n{theirs}");
}
