//! `ecr` end to end: the built binary against moto (a real ECR emulator)
//! and against a local server that pages as ECR does.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use std::process::{Command, Output};
use support::fault_server::{Reply, Server};

const SECRET: &str = "cli-test-secret-sentinel";

/// Runs `ecr` with `args`, throwaway credentials and a home of its own;
/// `env` adds or overrides variables.
fn ecr_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = support::scratch("ecr-home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecr"));
    command
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "AKIDCLITEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("ecr runs")
}

/// Runs `ecr` against moto.
fn ecr(args: &[&str]) -> Output {
    ecr_with(args, &[("AWS_ENDPOINT_URL", support::moto_url())])
}

fn stdout_json(output: &Output) -> Value {
    assert_success(output);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn assert_success(output: &Output) {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
}

/// The error of a failure with exit `code` (v2's layout).
fn failure(output: &Output, code: i32) -> String {
    support::cli_failure(output, code)
}

#[test]
fn repository_life_cycle_through_every_kind_of_flag() {
    let name = support::unique_name("cli-repo");
    let created = stdout_json(&ecr(&[
        "create-repository",
        "--repository-name",
        &name,
        "--image-tag-mutability",
        "IMMUTABLE",
        "--image-scanning-configuration",
        r#"{"scanOnPush": true}"#,
        "--tags",
        r#"[{"Key": "team", "Value": "infra"}]"#,
    ]));
    let repository = &created["repository"];
    assert_eq!(repository["repositoryName"], name.as_str());
    assert_eq!(repository["imageTagMutability"], "IMMUTABLE");
    assert_eq!(repository["imageScanningConfiguration"]["scanOnPush"], true);
    let arn = repository["repositoryArn"].as_str().unwrap().to_owned();
    // Timestamps come out as AWS CLI v2 prints them: ISO 8601, local time.
    let created_at = repository["createdAt"].as_str().unwrap_or_default();
    assert!(created_at.len() >= 25 && created_at.as_bytes()[10] == b'T', "{repository}");

    let described = stdout_json(&ecr(&["describe-repositories", "--repository-names", &name]));
    assert_eq!(described["repositories"][0]["repositoryArn"], arn.as_str());
    assert!(described.get("nextToken").is_none());

    assert_success(&ecr(&["tag-resource", "--resource-arn", &arn, "--tags", "Key=stage,Value=test"]));
    let tags = stdout_json(&ecr(&["list-tags-for-resource", "--resource-arn", &arn]));
    let mut tags: Vec<(String, String)> = tags["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["Key"].as_str().unwrap().into(), t["Value"].as_str().unwrap().into()))
        .collect();
    tags.sort();
    assert_eq!(tags, [("stage".into(), "test".into()), ("team".into(), "infra".into())]);

    let deleted = stdout_json(&ecr(&["delete-repository", "--repository-name", &name, "--force"]));
    assert_eq!(deleted["repository"]["repositoryName"], name.as_str());
    let gone = ecr(&["describe-repositories", "--repository-names", &name]);
    let line = failure(&gone, 254);
    assert!(
        line.contains("RepositoryNotFoundException") && line.contains("DescribeRepositories"),
        "operation and code: {line}"
    );
}

fn manifest(tag: &str) -> String {
    json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": format!("sha256:{:064x}", tag.len())},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32654, "digest": format!("sha256:{tag:0>64}")}]
    })
    .to_string()
}

#[test]
fn put_and_batch_get_an_image_from_a_file() {
    let name = support::unique_name("cli-image");
    assert_success(&ecr(&["create-repository", "--repository-name", &name]));
    let dir = support::scratch("cli-manifest");
    let file = dir.join("manifest.json");
    std::fs::write(&file, manifest("1")).unwrap();
    let uri = format!("file://{}", file.display());
    let put =
        stdout_json(&ecr(&["put-image", "--repository-name", &name, "--image-tag", "v1", "--image-manifest", &uri]));
    assert_eq!(put["image"]["imageId"]["imageTag"], "v1");
    let digest = put["image"]["imageId"]["imageDigest"].as_str().unwrap().to_owned();

    let got = stdout_json(&ecr(&["batch-get-image", "--repository-name", &name, "--image-ids", "imageTag=v1"]));
    let image = &got["images"][0];
    assert_eq!(image["imageId"]["imageDigest"], digest.as_str());
    assert_eq!(image["imageManifest"], manifest("1").as_str());
    assert_eq!(got["failures"], json!([]));

    // The same call with the whole input as JSON, from a file.
    let input = dir.join("input.json");
    std::fs::write(&input, json!({"repositoryName": name, "imageIds": [{"imageDigest": digest}]}).to_string()).unwrap();
    let again = stdout_json(&ecr(&["batch-get-image", "--cli-input-json", &format!("file://{}", input.display())]));
    assert_eq!(again["images"][0]["imageId"]["imageTag"], "v1");
}

#[test]
fn many_images_listed_whole_and_in_max_items_steps() {
    let name = support::unique_name("cli-many");
    assert_success(&ecr(&["create-repository", "--repository-name", &name]));
    let dir = support::scratch("cli-many");
    for i in 0..25 {
        let file = dir.join(format!("{i}.json"));
        std::fs::write(&file, manifest(&i.to_string())).unwrap();
        let uri = format!("file://{}", file.display());
        assert_success(&ecr(&[
            "put-image",
            "--repository-name",
            &name,
            "--image-tag",
            &format!("t{i}"),
            "--image-manifest",
            &uri,
        ]));
    }
    let all = stdout_json(&ecr(&["list-images", "--repository-name", &name, "--page-size", "10"]));
    let tags = |v: &Value| -> Vec<String> {
        v["imageIds"].as_array().unwrap().iter().map(|id| id["imageTag"].as_str().unwrap().to_owned()).collect()
    };
    let every = tags(&all);
    assert_eq!(every.len(), 25);
    assert!(all.get("NextToken").is_none());

    // --max-items hands out 10, 10, 5, each answer resuming the last.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for expected in [10, 10, 5] {
        let mut args = vec!["list-images", "--repository-name", &name, "--max-items", "10"];
        let resume;
        if let Some(t) = &token {
            resume = t.clone();
            args.extend(["--starting-token", &resume]);
        }
        let page = stdout_json(&ecr(&args));
        assert_eq!(tags(&page).len(), expected);
        seen.extend(tags(&page));
        token = page.get("NextToken").and_then(Value::as_str).map(str::to_owned);
    }
    assert_eq!(token, None, "the last step ends the listing");
    assert_eq!(seen, every, "the steps together are the whole listing, in order");
}

#[test]
fn login_password_and_login_details() {
    let password = ecr(&["get-login-password"]);
    assert_success(&password);
    let password = String::from_utf8(password.stdout).unwrap();
    assert!(password.ends_with('\n') && password.trim().len() > 8, "{password:?}");
    let login = stdout_json(&ecr(&["get-login"]));
    assert_eq!(login["username"], "AWS");
    assert!(login["registry"].as_str().unwrap().contains(".dkr.ecr.us-east-1."), "{login}");
    assert!(!login.to_string().contains(password.trim()), "get-login never prints the password");
}

#[test]
fn text_output_matches_the_aws_cli_shape() {
    let name = support::unique_name("cli-text");
    assert_success(&ecr(&["create-repository", "--repository-name", &name, "--tags", "Key=a,Value=b"]));
    let output = ecr(&["describe-repositories", "--repository-names", &name, "--output", "text"]);
    assert_success(&output);
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    // REPOSITORIES line: the scalars of the repository, keys sorted; then
    // its nested structures, each on a line named after its key.
    assert_eq!(lines[0][0], "REPOSITORIES", "{text}");
    assert!(lines[0].contains(&name.as_str()) && lines[0].contains(&"MUTABLE"), "{text}");
    assert!(lines.iter().any(|l| l[0] == "IMAGESCANNINGCONFIGURATION" && l[1] == "False"), "{text}");
    assert!(lines.iter().any(|l| l[0] == "ENCRYPTIONCONFIGURATION" && l[1] == "AES256"), "{text}");
}

#[test]
fn usage_errors_are_one_line_and_exit_252() {
    let cases: &[(&[&str], &str)] = &[
        (&["describe-repositoriez"], "argument operation: Found invalid choice 'describe-repositoriez'"),
        (&["create-repository"], "the following arguments are required: --repository-name"),
        (&["create-repository", "--repository-name", "r", "--bogus", "x"], "Unknown options: --bogus, x"),
        (&["create-repository", "--repository-name", "r", "--tags", "{not json"], "not valid JSON"),
        (
            &["create-repository", "--repository-name", "r", "--tags", r#"[{"Key": 1}]"#],
            "--tags[0].Key: expected string",
        ),
        (&["batch-get-image", "--repository-name", "r", "--image-ids", "imageTg=v1"], "unknown member \"imageTg\""),
        // The AWS CLI v1's `docker login` flags: refused with the way to log in.
        (&["get-login", "--no-include-email"], "ecr get-login-password | docker login --username AWS"),
        (
            &["put-image", "--repository-name", "r", "--image-manifest", "file:///no/such/file"],
            "Error parsing parameter '--image-manifest': Unable to load paramfile file:///no/such/file: [Errno 2] No \
             such file or directory: '/no/such/file'",
        ),
        // Bounded: an endless file is an error, not a hang.
        (
            &["put-image", "--repository-name", "r", "--image-manifest", "file:///dev/zero"],
            "Unable to load paramfile file:///dev/zero: it is larger than 64 MiB",
        ),
        (&["list-images", "--repository-name", "r", "--max-items", "zero"], "argument --max-items: invalid int value"),
        (&["list-images", "--repository-name", "r", "--max-items", "0"], "--max-items must be a whole number"),
        // What botocore checks, in its words; patterns are the service's.
        (
            &["create-repository", "--repository-name", "r"],
            "Invalid length for parameter repositoryName, value: 1, valid min length: 2",
        ),
        (&["delete-repository", "--repository-name", "r", "--force", "yes"], "takes no value"),
        (&["wait", "image-scan-finished"], "unknown waiter"),
        (&["--output", "xml", "describe-repositories"], "argument --output: Found invalid choice 'xml'"),
        (&["completion", "powershell"], "usage: ecr completion"),
        // Once a panic (exit 134 under panic = "abort").
        (&["--cli-read-timeout", "1e20", "describe-repositories"], "--cli-read-timeout must be at most"),
        (&["--cli-connect-timeout", "1e300", "describe-repositories"], "--cli-connect-timeout must be at most"),
        (&["--cli-read-timeout", "inf", "describe-repositories"], "must be a number of seconds"),
    ];
    for (args, expected) in cases {
        let output = ecr(args);
        let line = failure(&output, 252);
        assert!(line.contains(expected), "{args:?}: {line}");
    }
}

#[test]
fn configuration_and_transport_failures_have_their_exit_codes() {
    let no_region = ecr_with(&["describe-repositories"], &[("AWS_REGION", "")]);
    let line = failure(&no_region, 253);
    assert!(line.contains("--region") && line.contains("aws configure"), "{line}");
    assert!(!line.contains("ConfigBuilder"), "no library names for a shell user: {line}");
    let no_credentials =
        ecr_with(&["describe-repositories"], &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]);
    failure(&no_credentials, 253);
    // Nothing listens on port 1.
    let refused = ecr_with(
        &["describe-repositories", "--endpoint-url", "http://127.0.0.1:1", "--cli-connect-timeout", "2"],
        &[("AWS_MAX_ATTEMPTS", "1")],
    );
    let line = failure(&refused, 255);
    assert!(line.contains("DescribeRepositories"), "{line}");
}

#[test]
fn skeleton_help_version_and_bash_completion() {
    let skeleton = stdout_json(&ecr(&["batch-get-image", "--generate-cli-skeleton"]));
    assert_eq!(skeleton["imageIds"], json!([{"imageDigest": "", "imageTag": ""}]));
    let help = ecr(&["put-image", "--help"]);
    assert_success(&help);
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("Creates or updates the image manifest") && help.contains("--image-manifest (string, required)"),
        "{help}"
    );
    let version = ecr(&["--version"]);
    assert!(String::from_utf8(version.stdout).unwrap().starts_with("ecr 0.1.0"));

    // bash completes commands and then their flags.
    let script = ecr(&["completion", "bash"]);
    assert_success(&script);
    let dir = support::scratch("cli-completion");
    let file = dir.join("ecr.bash");
    std::fs::write(&file, &script.stdout).unwrap();
    let complete = |words: &str, index: usize| {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={index}; _ecr; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let output = Command::new("bash").args(["-c", &program]).output().unwrap();
        assert_success(&output);
        String::from_utf8(output.stdout).unwrap()
    };
    let expected = describe_ima();
    assert_eq!(complete("ecr describe-ima", 1).lines().collect::<Vec<_>>(), expected);
    let flags = complete("ecr put-image --image-t", 2);
    assert_eq!(flags.trim(), "--image-tag", "{flags}");
    let waiters = complete("ecr wait ", 2);
    assert!(waiters.contains("image-scan-complete") && waiters.contains("lifecycle-policy-preview-complete"));
}

/// Commands whose names start with `describe-ima`: what every shell should
/// complete `ecr describe-ima` to.
fn describe_ima() -> Vec<&'static str> {
    let expected: Vec<&str> =
        ecr_cli::COMMANDS.iter().map(|c| c.name).filter(|n| n.starts_with("describe-ima")).collect();
    assert!(expected.len() >= 2);
    expected
}

#[test]
fn fish_completes_commands_and_flags() {
    if !support::has_program("fish", "fish completion") {
        return;
    }
    let expected = describe_ima();
    let dir = support::scratch("cli-completion-fish");
    let fish_script = dir.join("ecr.fish");
    std::fs::write(&fish_script, ecr(&["completion", "fish"]).stdout).unwrap();
    let fish = |line: &str| {
        let program = format!("source {}; complete -C '{line}'", fish_script.display());
        let output = Command::new("fish").args(["-c", &program]).output().unwrap();
        assert_success(&output);
        let words: Vec<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect();
        words
    };
    let mut completed = fish("ecr describe-ima");
    completed.sort();
    assert_eq!(completed, expected, "fish orders by its own rules; the set is the same");
    assert_eq!(fish("ecr put-image --image-t"), ["--image-tag"]);
}

/// The tests that need fish, zsh or `script`, run again (this binary, one
/// test each) with a `PATH` that has none of them: without `CI` they pass,
/// saying they were skipped; with `CI` they fail.
#[test]
fn tests_needing_a_program_skip_without_it_and_fail_under_ci() {
    let this = std::env::current_exe().unwrap();
    let empty = support::scratch("cli-no-programs");
    for (test, program) in [
        ("fish_completes_commands_and_flags", "fish"),
        ("zsh_completes_commands_flags_and_waiters", "zsh"),
        ("progress_shows_on_a_terminal_only", "script"),
    ] {
        let run = |ci: bool| {
            let mut command = Command::new(&this);
            command.args(["--exact", test, "--test-threads=1"]).env("PATH", &empty).env_remove("CI");
            if ci {
                command.env("CI", "true");
            }
            command.output().unwrap()
        };
        let skipped = run(false);
        let said = String::from_utf8_lossy(&skipped.stderr);
        assert!(skipped.status.success(), "{test} passes without {program}: {said}");
        assert!(said.contains("skipped: ") && said.contains(&format!("needs {program}")), "{test}: {said}");
        let failed = run(true);
        let out = String::from_utf8_lossy(&failed.stdout);
        assert!(!failed.status.success(), "{test} fails under CI without {program}: {out}");
        assert!(out.contains(&format!("{program} is not installed")), "{test}: {out}");
    }
}

#[test]
fn zsh_completes_commands_flags_and_waiters() {
    if !support::has_program("zsh", "zsh completion") {
        return;
    }
    let dir = support::scratch("cli-completion-zsh");
    // zsh runs the function as its completion system would call it, with
    // `compadd` (a builtin only inside a completion widget) printing the
    // candidates it is given; zsh itself narrows them to the prefix.
    let zsh_script = dir.join("_ecr");
    std::fs::write(&zsh_script, ecr(&["completion", "zsh"]).stdout).unwrap();
    let zsh = |words: &str, current: usize| {
        let program = format!(
            "compdef() {{ print -r -- \"compdef $*\" }}; compadd() {{ print -rl -- ${{(P)2}} }}; source {}; \
             words=({words}); CURRENT={current}; _ecr",
            zsh_script.display()
        );
        let output = Command::new("zsh").args(["-f", "-c", &program]).output().unwrap();
        assert_success(&output);
        String::from_utf8(output.stdout).unwrap()
    };
    let commands = zsh("ecr ''", 2);
    let mut lines = commands.lines();
    assert_eq!(lines.next(), Some("compdef _ecr ecr"), "sourcing the script registers it");
    let mut all: Vec<&str> = ecr_cli::COMMANDS.iter().map(|c| c.name).collect();
    all.extend(["wait", "completion"]);
    let offered: Vec<&str> = lines.collect();
    for name in &all {
        assert!(offered.contains(name), "zsh offers {name}: {offered:?}");
    }
    let flags = zsh("ecr put-image --image-t", 3);
    assert!(flags.lines().any(|l| l == "--image-tag") && flags.lines().any(|l| l == "--region"), "{flags}");
    assert!(!flags.lines().any(|l| l == "--repository-names"), "put-image has no --repository-names: {flags}");
    let waiters = zsh("ecr wait ''", 3);
    assert!(waiters.contains("image-scan-complete") && waiters.contains("lifecycle-policy-preview-complete"));
    let waiter_flags = zsh("ecr wait image-scan-complete --", 4);
    assert!(waiter_flags.lines().any(|l| l == "--image-id"), "{waiter_flags}");
}

#[test]
fn every_page_is_merged_and_secrets_stay_out_of_debug_logs() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let page = |ids: &[&str], next: Option<&str>| {
            let ids: Vec<Value> = ids.iter().map(|t| json!({"imageTag": t})).collect();
            let mut body = json!({"imageIds": ids});
            if let Some(next) = next {
                body["nextToken"] = json!(next);
            }
            Reply::json(200, &body.to_string())
        };
        let server =
            Server::start(vec![page(&["a", "b"], Some("t1")), page(&[], Some("t2")), page(&["c"], None)]).await;
        let url = server.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            ecr_with(
                &["list-images", "--repository-name", "repo", "--page-size", "2", "--debug"],
                &[("AWS_ENDPOINT_URL", &url)],
            )
        })
        .await
        .unwrap();
        let merged = stdout_json(&output);
        assert_eq!(merged, json!({"imageIds": [{"imageTag": "a"}, {"imageTag": "b"}, {"imageTag": "c"}]}));
        let requests = server.requests();
        let bodies: Vec<Value> = requests.iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
        assert_eq!(bodies[0], json!({"repositoryName": "repo", "maxResults": 2}));
        assert_eq!(bodies[1], json!({"repositoryName": "repo", "maxResults": 2, "nextToken": "t1"}));
        assert_eq!(bodies[2]["nextToken"], "t2");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("ListImages"), "--debug logs the calls: {stderr}");
        assert!(!stderr.contains(SECRET), "no secret in the debug log");
        // Progress is for terminals only: a pipe gets the log and nothing else.
        assert!(!stderr.contains("pages,"), "{stderr}");
    });
}

#[test]
fn a_password_never_reaches_the_debug_log() {
    let output = ecr(&["get-login-password", "--debug"]);
    assert_success(&output);
    let password = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("GetAuthorizationToken"), "{stderr}");
    assert!(!stderr.contains(password.trim()) && !stderr.contains(SECRET), "{stderr}");
}

#[test]
fn wait_for_a_scan_against_moto_and_a_failed_scan_locally() {
    let name = support::unique_name("cli-wait");
    assert_success(&ecr(&["create-repository", "--repository-name", &name]));
    let dir = support::scratch("cli-wait");
    let file = dir.join("manifest.json");
    std::fs::write(&file, manifest("w")).unwrap();
    let uri = format!("file://{}", file.display());
    assert_success(&ecr(&["put-image", "--repository-name", &name, "--image-tag", "v1", "--image-manifest", &uri]));
    assert_success(&ecr(&["start-image-scan", "--repository-name", &name, "--image-id", "imageTag=v1"]));
    let waited = ecr(&["wait", "image-scan-complete", "--repository-name", &name, "--image-id", "imageTag=v1"]);
    assert_success(&waited);
    assert!(waited.stdout.is_empty() && waited.stderr.is_empty(), "a wait that succeeds prints nothing");

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let failed = json!({"imageScanStatus": {"status": "FAILED", "description": "unsupported image"}});
        let server = Server::start(vec![Reply::json(200, &failed.to_string())]).await;
        let url = server.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            let args = ["wait", "image-scan-complete", "--repository-name", "repo", "--image-id", "imageTag=v1"];
            ecr_with(&args, &[("AWS_ENDPOINT_URL", &url)])
        })
        .await
        .unwrap();
        let line = failure(&output, 255);
        assert!(line.contains("ImageScanComplete") && line.contains("FAILED"), "{line}");
        let sent: Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
        assert_eq!(sent, json!({"repositoryName": "repo", "imageId": {"imageTag": "v1"}}));

        // The other waiter, on the lifecycle policy preview.
        let complete = json!({"repositoryName": "repo", "status": "COMPLETE"});
        let server = Server::start(vec![Reply::json(200, &complete.to_string())]).await;
        let url = server.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            let args = ["wait", "lifecycle-policy-preview-complete", "--repository-name", "repo"];
            ecr_with(&args, &[("AWS_ENDPOINT_URL", &url)])
        })
        .await
        .unwrap();
        assert_success(&output);
        let sent = &server.requests()[0];
        assert_eq!(sent.header("x-amz-target"), Some("AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicyPreview"));
    });
}

#[test]
fn progress_shows_on_a_terminal_only() {
    if !support::has_program("script", "progress on a terminal") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let page = |tag: &str, next: Option<&str>| {
            let mut body = json!({"imageIds": [{"imageTag": tag}]});
            if let Some(next) = next {
                body["nextToken"] = json!(next);
            }
            Reply::json(200, &body.to_string())
        };
        let server = Server::start(vec![page("a", Some("t1")), page("b", None)]).await;
        let url = server.url.clone();
        // `script` gives the command a terminal; what it shows comes back.
        let output = tokio::task::spawn_blocking(move || {
            let command = format!("{} list-images --repository-name repo", env!("CARGO_BIN_EXE_ecr"));
            ecr_script(&command, &url)
        })
        .await
        .unwrap();
        let screen = String::from_utf8_lossy(&output.stdout);
        assert!(screen.contains("list-images: 2 pages, 2 items"), "{screen:?}");
        assert!(screen.contains("\r\x1b[2K"), "the line is erased when done: {screen:?}");
    });
}

/// Runs a shell command under `script`, which gives it a terminal.
fn ecr_script(command: &str, endpoint: &str) -> Output {
    let output = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("AWS_ACCESS_KEY_ID", "AKIDCLITEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", endpoint)
        // The answer on the terminal, not in v2's pager.
        .env("AWS_PAGER", "")
        .output()
        .expect("script (util-linux) runs");
    assert_success(&output);
    output
}

#[test]
fn profile_flag_selects_the_profile() {
    let home = support::scratch("cli-profile");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), "[profile elsewhere]\nregion = eu-west-1\n").unwrap();
    // An explicit profile turns the environment's keys off (as in the AWS
    // CLI): its own keys sign.
    std::fs::write(
        home.join(".aws/credentials"),
        "[elsewhere]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = s\n",
    )
    .unwrap();
    let home = home.display().to_string();
    let env = [("HOME", home.as_str()), ("AWS_REGION", ""), ("AWS_ENDPOINT_URL", support::moto_url())];
    let login = stdout_json(&ecr_with(&["get-login", "--profile", "elsewhere"], &env));
    assert!(login["registry"].as_str().unwrap().contains(".eu-west-1."), "{login}");
    // As v2: an unknown profile is a general error (255).
    let missing = ecr_with(&["get-login", "--profile", "nowhere"], &env);
    let line = failure(&missing, 255);
    assert!(line.contains("nowhere"), "{line}");
}

#[test]
fn no_paginate_timeouts_and_garbled_answers() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let first = json!({"imageIds": [{"imageTag": "a"}], "nextToken": "t1"});
        let paged = Server::start(vec![Reply::json(200, &first.to_string())]).await;
        let silent = Server::start(vec![Reply::Silence]).await;
        let garbled = Server::start(vec![Reply::json(200, "<html>not json</html>")]).await;
        // An error page without an error code, one that would drive the terminal.
        let page = "<html>\n<h1>Bad \u{1b}]0;owned\u{7}gateway</h1>\n</html>";
        let error_page = Server::start(vec![Reply::json(502, page)]).await;
        let urls = (paged.url.clone(), silent.url.clone(), garbled.url.clone(), error_page.url.clone());
        let (one_page, timed_out, not_json, bad_gateway) = tokio::task::spawn_blocking(move || {
            let list = ["list-images", "--repository-name", "repo", "--no-paginate"];
            let one_page = ecr_with(&list, &[("AWS_ENDPOINT_URL", &urls.0)]);
            let started = std::time::Instant::now();
            let timed_out = ecr_with(
                &["describe-registry", "--cli-read-timeout", "1"],
                &[("AWS_ENDPOINT_URL", &urls.1), ("AWS_MAX_ATTEMPTS", "1")],
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
            let not_json = ecr_with(&["describe-registry"], &[("AWS_ENDPOINT_URL", &urls.2)]);
            let bad_gateway =
                ecr_with(&["describe-registry"], &[("AWS_ENDPOINT_URL", &urls.3), ("AWS_MAX_ATTEMPTS", "1")]);
            (one_page, timed_out, not_json, bad_gateway)
        })
        .await
        .unwrap();
        // The first page as the service sent it, token included.
        assert_eq!(stdout_json(&one_page), first);
        assert_eq!(paged.requests().len(), 1);
        let line = failure(&timed_out, 255);
        assert!(line.contains("DescribeRegistry") && line.contains("timeout"), "{line}");
        let line = failure(&not_json, 255);
        assert!(line.contains("DescribeRegistry"), "{line}");
        // As the AWS CLI: a service error named by its status, the page's
        // lines kept; its control characters escaped.
        let error = failure(&bad_gateway, 254);
        let expected = "ecr: [ERROR]: An error occurred (502) when calling the DescribeRegistry operation: <html>\n\
                        <h1>Bad \\u{1b}]0;owned\\u{7}gateway</h1>\n</html>";
        assert_eq!(error, expected);
    });
}
