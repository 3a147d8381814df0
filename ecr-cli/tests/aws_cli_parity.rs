//! `ecr` prints what the AWS CLI prints: the same commands run through both
//! against the same moto server, stdout compared byte for byte, in JSON, text
//! and table. The AWS CLI v1 (from PyPI) is installed into the moto
//! virtualenv on first use; `.ci/run` installs it up front, and v2 beside
//! it. v1 is given `cli_timestamp_format = iso8601`, which makes its
//! timestamps v2's and `ecr`'s default.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The tests share one moto. `query_results_are_the_aws_clis` lists every
/// repository, so it runs alone (a write lock); the others, which create
/// repositories, run beside each other (read locks).
static REPOSITORIES: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn creating_repositories() -> std::sync::RwLockReadGuard<'static, ()> {
    REPOSITORIES.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn aws_cli() -> PathBuf {
    support::aws_cli()
}

/// A home whose profile prints timestamps as v2 does, in either CLI.
fn home(name: &str, profile: &str) -> PathBuf {
    let home = support::scratch(name);
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), format!("[default]\ncli_timestamp_format = iso8601\n{profile}")).unwrap();
    home
}

fn run(program: &mut Command, args: &[&str]) -> Output {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| self::home("parity-home", ""));
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

/// A `file://` URI of a manifest that differs by `i` alone, written in `dir`.
fn manifest_file(dir: &std::path::Path, i: u32) -> String {
    let file = dir.join(format!("{i}.json"));
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{i},"digest":"sha256:{i:064x}"}},"layers":[]}}"#
    );
    std::fs::write(&file, manifest).unwrap();
    format!("file://{}", file.display())
}

/// Both succeed with `args` and print the same bytes.
fn assert_prints_alike(args: &[&str]) {
    let (ours, theirs) = both(args);
    assert!(theirs.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&theirs.stderr));
    assert!(ours.status.success(), "ecr {args:?}: {}", String::from_utf8_lossy(&ours.stderr));
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "ecr {args:?} prints what aws ecr prints"
    );
}

#[test]
fn json_and_text_output_are_the_aws_clis() {
    let _shared = creating_repositories();
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
        for output in ["json", "text", "table"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            assert_prints_alike(&args);
        }
    }
    // Errors: the AWS CLI's message laid out as v2 lays it out; the AWS CLI
    // v1 exits 255 for every failure, ecr 254 for a service error (as v2).
    // The request id is in --debug's log, as there.
    let (ours, theirs) = both(&["describe-repositories", "--repository-names", "no-such-repo"]);
    assert_eq!(ours.status.code(), Some(254));
    let (ours, theirs) = (String::from_utf8_lossy(&ours.stderr), String::from_utf8_lossy(&theirs.stderr));
    assert_eq!(ours, format!("\necr: [ERROR]: {}\n", theirs.trim()));
    let debug = run(
        &mut Command::new(env!("CARGO_BIN_EXE_ecr")),
        &["describe-repositories", "--repository-names", "no-such-repo", "--debug"],
    );
    assert!(String::from_utf8_lossy(&debug.stderr).contains("request_id=\""), "the request id is logged");
}

/// A listing of several pages (`--page-size` forces them), some images
/// tagged and some not, so pages differ in their columns: text output is
/// written page by page as the AWS CLI writes it, and `--max-items` ends
/// with its `NEXTTOKEN` line, byte for byte (the token included); the
/// tokens resume in the other tool.
#[test]
fn paged_text_output_and_tokens_are_the_aws_clis() {
    let _shared = creating_repositories();
    let name = support::unique_name("parity-pages");
    let dir = support::scratch("parity-pages");
    let ecr = || Command::new(env!("CARGO_BIN_EXE_ecr"));
    assert!(run(&mut ecr(), &["create-repository", "--repository-name", &name]).status.success());
    for i in 0..23 {
        let uri = manifest_file(&dir, i);
        let mut args = vec!["put-image", "--repository-name", &name, "--image-manifest", &uri];
        let tag = format!("t{i}");
        // The first page's images and every third one after untagged: a
        // page of untagged rows has no tag column, a mixed page has one.
        if i >= 5 && i % 3 != 0 {
            args.extend(["--image-tag", &tag]);
        }
        let put = run(&mut ecr(), &args);
        assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    }
    let listings: &[&[&str]] = &[
        &["list-images", "--repository-name", &name, "--page-size", "5"],
        &["list-images", "--repository-name", &name, "--page-size", "5", "--max-items", "12"],
        &["list-images", "--repository-name", &name, "--page-size", "5", "--max-items", "10"],
        &["describe-images", "--repository-name", &name, "--page-size", "4", "--max-items", "9"],
    ];
    for args in listings {
        for output in ["text", "json"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            assert_prints_alike(&args);
        }
    }
    // A token from one resumes in the other, both ways, to the same rest.
    let first = ["list-images", "--repository-name", &name, "--page-size", "5", "--max-items", "7"];
    let (ours, theirs) = both(&first);
    let token = |out: &Output| -> String {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["NextToken"].as_str().unwrap().to_owned()
    };
    assert_eq!(token(&ours), token(&theirs), "the same token, byte for byte");
    let resumed = |program: &mut Command, token: &str| {
        let mut args = vec!["list-images", "--repository-name", &name, "--page-size", "5", "--starting-token", token];
        args.push("--output");
        args.push("text");
        String::from_utf8(run(program, &args).stdout).unwrap()
    };
    let mut aws = Command::new(aws_cli());
    aws.arg("ecr");
    let theirs_in_ours = resumed(&mut ecr(), &token(&theirs));
    let ours_in_theirs = resumed(&mut aws, &token(&ours));
    assert_eq!(theirs_in_ours, ours_in_theirs);
    assert_eq!(theirs_in_ours.lines().count(), 23 - 7, "{theirs_in_ours}");
}

/// `--query` as scripts use it, through both tools over one moto: the
/// result printed byte for byte in JSON and text, on single answers and on
/// paged ones (JSON applies it to the merged answer, text to each page and
/// the closing token, as the AWS CLI does). A bad expression is a usage
/// error naming it.
#[test]
fn query_results_are_the_aws_clis() {
    let _alone = REPOSITORIES.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    let name = support::unique_name("parity-query");
    let dir = support::scratch("parity-query");
    let ecr = || Command::new(env!("CARGO_BIN_EXE_ecr"));
    assert!(run(&mut ecr(), &["create-repository", "--repository-name", &name]).status.success());
    for i in 0..7 {
        let uri = manifest_file(&dir, i);
        let tag = format!("v{i}");
        let put =
            run(&mut ecr(), &["put-image", "--repository-name", &name, "--image-manifest", &uri, "--image-tag", &tag]);
        assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    }
    let mine = format!("repositories[?repositoryName=='{name}'] | [0].repositoryArn");
    let queries: &[&[&str]] = &[
        &["describe-repositories", "--query", "repositories[].repositoryUri"],
        &["describe-repositories", "--query", &mine],
        &["describe-repositories", "--query", "length(repositories) > `0`"],
        &["describe-repositories", "--repository-names", &name, "--query", "repositories[0]"],
        &[
            "describe-repositories",
            "--query",
            "repositories[].{uri: repositoryUri, name: repositoryName, scan: imageScanningConfiguration}",
        ],
        &["describe-repositories", "--query", "{total: length(repositories), zfirst: repositories[0].repositoryName}"],
        &[
            "describe-images",
            "--repository-name",
            &name,
            "--query",
            "sort_by(imageDetails,&imagePushedAt)[-1].imageTags[0]",
        ],
        &["describe-images", "--repository-name", &name, "--query", "imageDetails[].[imageTags[0], imageSizeInBytes]"],
        &["list-images", "--repository-name", &name, "--query", "imageIds[?imageTag=='v3'].imageDigest"],
        &["list-images", "--repository-name", &name, "--query", "imageIds[].imageTag | sort(@)"],
        &["list-images", "--repository-name", &name, "--query", "nothingHere"],
        &["list-images", "--repository-name", &name, "--page-size", "2", "--query", "imageIds[].imageTag"],
        &[
            "list-images",
            "--repository-name",
            &name,
            "--page-size",
            "2",
            "--max-items",
            "3",
            "--query",
            "imageIds[].imageTag",
        ],
    ];
    for args in queries {
        for output in ["json", "text", "table"] {
            let args: Vec<&str> = args.iter().copied().chain(["--output", output]).collect();
            assert_prints_alike(&args);
        }
    }
    // A bad expression: refused before any call, naming it (v1 exits 255
    // for it, ecr 252 as v2 does for usage errors).
    let (ours, theirs) = both(&["describe-repositories", "--query", "repositories[?"]);
    assert_eq!((ours.status.code(), theirs.status.code()), (Some(252), Some(255)));
    let ours = String::from_utf8_lossy(&ours.stderr);
    assert!(ours.contains("Bad value for --query repositories[?"), "{ours}");
    assert!(String::from_utf8_lossy(&theirs.stderr).contains("Bad value for --query repositories[?"));
}

/// Without `--output`, the format is `AWS_DEFAULT_OUTPUT`'s, else the
/// profile's `output`, as the AWS CLI takes it: a script that relies on
/// `output = text` in `~/.aws/config` prints the same through `ecr`.
#[test]
fn the_format_comes_from_the_environment_and_the_profile_as_in_the_aws_cli() {
    let _shared = creating_repositories();
    let name = support::unique_name("parity-format");
    let home = home(
        "parity-format-home",
        "output = table\n[profile texty]\noutput = text\ncli_timestamp_format = iso8601\n\
         aws_access_key_id = AKIDTEXTY\naws_secret_access_key = texty-secret\n",
    );
    let run_in_home = |program: &mut Command, args: &[&str], variables: &[(&str, &str)]| {
        program
            .args(args)
            .args(["--endpoint-url", support::moto_url()])
            .env_clear()
            .env("HOME", &home)
            .env("AWS_ACCESS_KEY_ID", "AKIDPARITY")
            .env("AWS_SECRET_ACCESS_KEY", "parity-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(variables.iter().copied())
            .output()
            .unwrap()
    };
    let created = run_in_home(
        &mut Command::new(env!("CARGO_BIN_EXE_ecr")),
        &["create-repository", "--repository-name", &name],
        &[],
    );
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let describe = ["describe-repositories", "--repository-names", name.as_str()];
    // Flags, variables, and how the AWS CLI's output begins.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        (&[], &[], "-"),
        (&[], &[("AWS_DEFAULT_OUTPUT", "text")], "REPOSITORIES"),
        (&["--output", "json"], &[("AWS_DEFAULT_OUTPUT", "text")], "{"),
        (&["--profile", "texty"], &[], "REPOSITORIES"),
        (&["--profile", "texty"], &[("AWS_DEFAULT_OUTPUT", "table")], "-"),
    ];
    for (flags, variables, starts) in cases {
        let args: Vec<&str> = describe.iter().chain(flags).copied().collect();
        let ours = run_in_home(&mut Command::new(env!("CARGO_BIN_EXE_ecr")), &args, variables);
        let mut aws = Command::new(aws_cli());
        aws.arg("ecr");
        let theirs = run_in_home(&mut aws, &args, variables);
        let (ours_out, theirs_out) = (String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&theirs.stdout));
        assert!(theirs.status.success(), "aws {args:?} {variables:?}: {}", String::from_utf8_lossy(&theirs.stderr));
        assert!(theirs_out.starts_with(starts), "aws {args:?} {variables:?}: {theirs_out}");
        assert_eq!(ours_out, theirs_out, "ecr {args:?} {variables:?}");
    }
}

/// On a terminal the AWS CLI colours its table (`--color auto`) and, when
/// the table is wider than the terminal, turns single-row sections
/// vertical: `ecr` under `script` at two widths, with colour on and off,
/// prints the same bytes to stdout as v1 and v2 (the terminal's own CRLFs
/// included; stderr, where `ecr` shows paging progress on a terminal, is
/// set aside; the pager off, `AWS_PAGER=`, as v2 would page).
#[test]
fn tables_on_a_terminal_are_the_aws_clis() {
    if !support::has_program("script", "tables on a terminal") {
        return;
    }
    let _shared = creating_repositories();
    let name = support::unique_name("parity-terminal");
    let home = home("parity-terminal-home", "");
    assert!(run(&mut Command::new(env!("CARGO_BIN_EXE_ecr")), &["create-repository", "--repository-name", &name])
        .status
        .success());
    let on_terminal = |program: &str, columns: u32, color: &str| {
        let command = format!(
            "stty cols {columns} rows 50; {program} describe-repositories --repository-names {name} --output table \
             --color {color} --endpoint-url {} 2>/dev/null",
            support::moto_url()
        );
        let output = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("AWS_ACCESS_KEY_ID", "AKIDPARITY")
            .env("AWS_SECRET_ACCESS_KEY", "parity-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .output()
            .expect("script (util-linux) runs");
        assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stdout));
        output.stdout
    };
    let mut clis = vec![format!("{} ecr", aws_cli().display())];
    clis.extend(support::aws_cli_v2().map(|v2| format!("{} ecr", v2.display())));
    for (columns, color, aws) in [60, 300].into_iter().flat_map(|c| {
        let clis = &clis;
        ["auto", "off"].into_iter().flat_map(move |color| clis.iter().map(move |aws| (c, color, aws)))
    }) {
        {
            let theirs = on_terminal(aws, columns, color);
            let ours = on_terminal(env!("CARGO_BIN_EXE_ecr"), columns, color);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "{columns} columns, --color {color}: {aws}"
            );
            let text = String::from_utf8_lossy(&theirs);
            assert_eq!(text.contains("\x1b["), color == "auto", "colour on a terminal with auto: {text}");
        }
    }
    // A row of columns under one header line at 300 columns; vertical, a
    // name and its value to a line, at 60.
    let headers_on_one_line = |columns| {
        let text = String::from_utf8_lossy(&on_terminal(env!("CARGO_BIN_EXE_ecr"), columns, "off")).into_owned();
        text.lines().any(|line| line.contains("createdAt") && line.contains("repositoryName"))
    };
    assert!(headers_on_one_line(300) && !headers_on_one_line(60));
}
