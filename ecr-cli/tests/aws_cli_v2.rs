//! `ecr` against the AWS CLI v2 itself, where v2 defines the behaviour: the
//! exit code of every class of failure, abbreviated flags, v2's global
//! flags, the pager on a terminal and `cli_timestamp_format`. Each case runs
//! through both against the same moto; the AWS CLI v2 is installed by
//! `.ci/run` (a test without it says it skipped, and fails under `CI`).

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A home whose profile `default` holds `profile`.
fn home(name: &str, profile: &str) -> PathBuf {
    let home = support::scratch(name);
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), format!("[default]\n{profile}")).unwrap();
    home
}

/// `program` with `args` against moto, in `home`, with `variables` over the
/// usual ones.
fn run(program: &[&str], args: &[&str], home: &Path, variables: &[(&str, &str)]) -> Output {
    Command::new(program[0])
        .args(&program[1..])
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDV2")
        .env("AWS_SECRET_ACCESS_KEY", "v2-secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TZ", "Asia/Kolkata")
        .envs(variables.iter().copied())
        .output()
        .unwrap()
}

/// The first line of stderr that says something, the program's name set
/// aside.
fn first_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    line.replacen("aws: ", "ecr: ", 1).replacen("usage: aws ", "usage: ecr ", 1)
}

/// How a shell sees the exit: the code, or 128 + the signal.
fn exit(output: &Output) -> i32 {
    use std::os::unix::process::ExitStatusExt as _;
    output.status.code().or(output.status.signal().map(|s| 128 + s)).unwrap_or(-1)
}

fn v2() -> Option<Vec<String>> {
    support::aws_cli_v2().map(|aws| vec![aws.display().to_string(), "ecr".to_owned()])
}

const ECR: &str = env!("CARGO_BIN_EXE_ecr");

#[test]
fn every_class_of_failure_exits_as_v2_exits() {
    let Some(aws) = v2() else { return };
    let aws: Vec<&str> = aws.iter().map(String::as_str).collect();
    let home = self::home("v2-exits", "");
    let moto = support::moto_url();
    let bad_format = self::home("v2-exits-bad-format", "cli_timestamp_format = epoch\n");
    // (what, arguments, variables, home, the same first line too)
    type Case<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a Path, bool);
    let cases: Vec<Case> = vec![
        ("usage: unknown flag", vec!["describe-repositories", "--bogus", "x"], vec![], &home, true),
        ("usage: ambiguous flag", vec!["describe-repositories", "--no", "--endpoint-url", moto], vec![], &home, true),
        ("usage: required flag", vec!["describe-images", "--endpoint-url", moto], vec![], &home, true),
        (
            "usage: not a number",
            vec!["describe-images", "--repository-name", "x", "--max-items", "x", "--endpoint-url", moto],
            vec![],
            &home,
            true,
        ),
        ("usage: unknown command", vec!["describe-everything"], vec![], &home, false),
        (
            "usage: below a minimum",
            vec!["describe-images", "--repository-name", "", "--endpoint-url", moto],
            vec![],
            &home,
            true,
        ),
        (
            "configuration: no credentials",
            vec!["describe-repositories", "--endpoint-url", moto],
            vec![("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")],
            &home,
            false,
        ),
        (
            "configuration: cli_timestamp_format",
            vec!["describe-repositories", "--endpoint-url", moto],
            vec![],
            &bad_format,
            true,
        ),
        ("general: unknown profile", vec!["describe-repositories", "--profile", "nope"], vec![], &home, true),
        ("general: malformed region", vec!["describe-repositories", "--region", "bad region!"], vec![], &home, false),
        (
            "service",
            vec!["describe-repositories", "--repository-names", "no-such-repo", "--endpoint-url", moto],
            vec![],
            &home,
            true,
        ),
        (
            "general: network",
            vec!["describe-repositories", "--endpoint-url", "http://127.0.0.1:1", "--cli-connect-timeout", "2"],
            vec![],
            &home,
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (what, args, variables, home, same_line) in &cases {
        let theirs = run(&aws, args, home, variables);
        let ours = run(&[ECR], args, home, variables);
        if exit(&ours) != exit(&theirs) || (*same_line && first_line(&ours) != first_line(&theirs)) {
            failures.push(format!(
                "{what}: ecr {args:?}\n  ecr exits {}: {}\n  aws exits {}: {}",
                exit(&ours),
                first_line(&ours),
                exit(&theirs),
                first_line(&theirs)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ctrl-C in a call that waits: both end as an interrupted program does
/// (130 to the shell).
#[test]
fn an_interrupted_call_exits_as_v2_exits() {
    let Some(aws) = v2() else { return };
    // A server that takes connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let home = self::home("v2-interrupt", "");
    let mut exits = Vec::new();
    for program in [vec![aws[0].as_str(), "ecr"], vec![ECR]] {
        let mut child = Command::new(program[0])
            .args(&program[1..])
            .args(["describe-repositories", "--endpoint-url", &url])
            .env_clear()
            .env("HOME", &home)
            .env("AWS_ACCESS_KEY_ID", "AKIDV2")
            .env("AWS_SECRET_ACCESS_KEY", "v2-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Until the request has arrived.
        let (_connection, _) = listener.accept().unwrap();
        // SAFETY: kill sends a signal to the child this test started.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt as _;
        exits.push(status.code().or(status.signal().map(|s| 128 + s)));
    }
    assert_eq!(exits, [Some(130), Some(130)], "aws, then ecr");
}

/// Every flag of a sample of commands given by prefixes, unambiguous and
/// not, as v2 takes them: the same exit, first line and stdout.
#[test]
fn abbreviated_flags_are_taken_as_v2_takes_them() {
    let Some(aws) = v2() else { return };
    let aws: Vec<&str> = aws.iter().map(String::as_str).collect();
    let home = self::home("v2-prefixes", "");
    let moto = support::moto_url();
    // Every line's answer is the same whatever else the shared moto holds.
    let lines: &[&[&str]] = &[
        &["describe-repositories", "--repository-names", "nope", "--out", "text"],
        &["describe-repositories", "--repository-name", "nope"],
        &["describe-repositories", "--repository-names", "nope", "--max-i", "1"],
        &["describe-repositories", "--ma", "1"],
        &["describe-repositories", "--p", "1"],
        &["describe-repositories", "--pa", "1"],
        &["describe-repositories", "--repository-names", "nope", "--page", "1"],
        &["describe-images", "--repository-name", "nope", "--image-id", "imageTag=x"],
        &["describe-images", "--repository-n", "nope", "--f", "tagStatus=TAGGED"],
        &["describe-images", "--repo", "nope"],
        &["describe-images", "--repository-name=nope", "--max=3"],
        &[
            "create-repository",
            "--repository-name",
            "prefixes-v2",
            "--image-scanning",
            "scanOnPush=true",
            "--query",
            "repository.imageScanningConfiguration",
        ],
        &[
            "create-repository",
            "--repository-name",
            "prefixes-v2",
            "--image-tag",
            "MUTABLE",
            "--query",
            "repository.imageTagMutability",
        ],
        &["put-image-scanning-configuration", "--no", "x"],
        &["describe-repositories", "--repository-names", "nope", "--cli-i", "{}"],
        &["describe-repositories", "--q", "length(repositories[?repositoryName=='none'])", "--no-p"],
        &["describe-repositories", "--debu", "--query", "length(repositories[?repositoryName=='none'])", "--no-cli-p"],
    ];
    let mut failures = Vec::new();
    for line in lines {
        let args: Vec<&str> = line.iter().copied().chain(["--endpoint-url", moto]).collect();
        // Each meets the same state: what one creates is gone before the other.
        let delete = ["delete-repository", "--repository-name", "prefixes-v2", "--endpoint-url", moto];
        let theirs = run(&aws, &args, &home, &[]);
        let _ = run(&[ECR], &delete, &home, &[]);
        let ours = run(&[ECR], &args, &home, &[]);
        let _ = run(&[ECR], &delete, &home, &[]);
        // --debug logs differ in kind; its acceptance is what counts.
        let same_line = !line.contains(&"--debu") && first_line(&ours) == first_line(&theirs);
        let same = exit(&ours) == exit(&theirs) && ours.stdout == theirs.stdout;
        if !same || !(same_line || line.contains(&"--debu")) {
            failures.push(format!(
                "ecr {line:?}\n  ecr exits {}: {} {}\n  aws exits {}: {} {}",
                exit(&ours),
                first_line(&ours),
                String::from_utf8_lossy(&ours.stdout),
                exit(&theirs),
                first_line(&theirs),
                String::from_utf8_lossy(&theirs.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// v2's global flags that change nothing `ecr` does are taken; the one that
/// asks for an interactive prompt is refused by name.
#[test]
fn v2s_global_flags_are_served_or_refused_by_name() {
    let Some(aws) = v2() else { return };
    let aws: Vec<&str> = aws.iter().map(String::as_str).collect();
    let home = self::home("v2-globals", "");
    let moto = support::moto_url();
    for flags in [
        &["--no-cli-auto-prompt"][..],
        &["--no-cli-pager"],
        &["--cli-binary-format", "raw-in-base64-out"],
        &["--cli-binary-format", "base64"],
        &["--cli-error-format", "legacy"],
    ] {
        let args: Vec<&str> = [
            "describe-repositories",
            "--query",
            "length(repositories[?repositoryName=='none'])",
            "--endpoint-url",
            moto,
        ]
        .into_iter()
        .chain(flags.iter().copied())
        .collect();
        let (theirs, ours) = (run(&aws, &args, &home, &[]), run(&[ECR], &args, &home, &[]));
        assert!(theirs.status.success() && ours.status.success(), "{flags:?}: {}", first_line(&ours));
        assert_eq!(ours.stdout, theirs.stdout, "{flags:?}");
    }
    let prompt = run(&[ECR], &["describe-repositories", "--cli-auto-prompt"], &home, &[]);
    assert_eq!(exit(&prompt), 252);
    assert!(first_line(&prompt).contains("--cli-auto-prompt is refused"), "{}", first_line(&prompt));
    // A blob flag takes base64 as v2 does (v2 exits 255 for a value that is
    // not; ecr calls it bad usage, 252), and raw bytes when told.
    let blob = ["upload-layer-part", "--repository-name", "x", "--upload-id", "u", "--part-first-byte", "0"];
    let blob: Vec<&str> = blob.into_iter().chain(["--part-last-byte", "3", "--endpoint-url", moto]).collect();
    let with = |word: &'static str, more: &[&'static str]| {
        let args: Vec<&str> =
            blob.iter().copied().chain(["--layer-part-blob", word]).chain(more.iter().copied()).collect();
        run(&[ECR], &args, &home, &[])
    };
    let bad = with("not base64!", &[]);
    assert_eq!(exit(&bad), 252, "{}", first_line(&bad));
    assert!(first_line(&bad).contains("Invalid base64: \"not base64!\""), "{}", first_line(&bad));
    let raw = with("not base64!", &["--cli-binary-format", "raw-in-base64-out"]);
    assert!(!first_line(&raw).contains("Invalid base64"), "{}", first_line(&raw));
}

/// On a terminal (under `script`) the answer goes through the pager v2
/// would run, in v2's order of settings; off a terminal, never.
#[test]
fn answers_page_on_a_terminal_as_in_v2() {
    let Some(aws) = v2() else { return };
    if !support::has_program("script", "the pager on a terminal") {
        return;
    }
    let moto = support::moto_url();
    let profile_pager = self::home("v2-pager", "cli_pager = sed s/^/PROFILE:/\n");
    let on_terminal = |program: &str, flags: &str, variables: &[(&str, &str)]| {
        let command = format!(
            "{program} describe-repositories --query \"length(repositories[?repositoryName=='none'])\" --endpoint-url {moto} {flags} 2>/dev/null"
        );
        let output = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &profile_pager)
            .env("AWS_ACCESS_KEY_ID", "AKIDV2")
            .env("AWS_SECRET_ACCESS_KEY", "v2-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .envs(variables.iter().copied())
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let aws = format!("{} ecr", aws[0]);
    // Flags, variables, and what each line of the answer starts with.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("", &[("AWS_PAGER", "sed s/^/AWS_PAGER:/"), ("PAGER", "sed s/^/PAGER:/")], "AWS_PAGER:"),
        ("", &[], "PROFILE:"),
        ("", &[("AWS_PAGER", "")], ""),
        ("--no-cli-pager", &[("AWS_PAGER", "sed s/^/AWS_PAGER:/")], ""),
        ("--output text", &[("AWS_PAGER", "sed 's/^/QUOTED ARG:/'")], "QUOTED ARG:"),
    ];
    for (flags, variables, marker) in cases {
        let (theirs, ours) = (on_terminal(&aws, flags, variables), on_terminal(ECR, flags, variables));
        assert_eq!(ours, theirs, "{flags} {variables:?}");
        assert_eq!(ours.starts_with(marker) && !marker.is_empty(), !marker.is_empty(), "{ours}");
    }
    // Piped, no pager runs, whatever is set.
    let home = self::home("v2-pager-piped", "");
    let args =
        ["describe-repositories", "--query", "length(repositories[?repositoryName=='none'])", "--endpoint-url", moto];
    let piped = run(&[ECR], &args, &home, &[("AWS_PAGER", "sed s/^/PAGED:/")]);
    assert!(!String::from_utf8_lossy(&piped.stdout).contains("PAGED"));
}

/// `cli_timestamp_format = wire` prints what the service sent, in v2's
/// spelling as in v1's (`none`); `iso8601` and no setting, ISO 8601.
#[test]
fn cli_timestamp_format_is_read_as_v2_reads_it() {
    let Some(aws) = v2() else { return };
    let aws: Vec<&str> = aws.iter().map(String::as_str).collect();
    let moto = support::moto_url();
    let name = support::unique_name("v2-timestamps");
    let home = self::home("v2-timestamps", "");
    let created = run(&[ECR], &["create-repository", "--repository-name", &name, "--endpoint-url", moto], &home, &[]);
    assert!(created.status.success(), "{}", first_line(&created));
    let args = ["describe-repositories", "--repository-names", &name, "--endpoint-url", moto];
    for setting in ["", "cli_timestamp_format = wire\n", "cli_timestamp_format = iso8601\n"] {
        let home = self::home("v2-timestamps-setting", setting);
        for output in ["json", "text", "yaml"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            let (theirs, ours) = (run(&aws, &args, &home, &[]), run(&[ECR], &args, &home, &[]));
            assert!(theirs.status.success(), "{}", first_line(&theirs));
            assert_eq!(String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&theirs.stdout), "{setting}");
        }
    }
    // v1's spelling of wire, which v2 refuses: ecr reads it as wire.
    let none = self::home("v2-timestamps-none", "cli_timestamp_format = none\n");
    let wire = self::home("v2-timestamps-wire", "cli_timestamp_format = wire\n");
    assert_eq!(run(&[ECR], &args, &none, &[]).stdout, run(&aws, &args, &wire, &[]).stdout);
    let _ = run(&[ECR], &["delete-repository", "--repository-name", &name, "--endpoint-url", moto], &home, &[]);
}
