//! `ecr` behind a TLS server with a private CA (as a company proxy that
//! re-signs TLS is): reached with `--ca-bundle`, with `AWS_CA_BUNDLE` and
//! with a profile's `ca_bundle`, as the AWS CLI is; refused without them;
//! a bundle that cannot be read is named.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::tls_server::{certificates, TlsServer};

/// `ecr describe-repositories` against `server` in a clean environment
/// (`HOME` is `home`), one attempt of at most a second: the server never
/// answers, so a call that got through the handshake times out.
fn ecr(server: &TlsServer, home: &Path, env: &[(&str, &str)], flags: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_ecr")), server, home, env, flags)
}

/// The same with the AWS CLI: `aws ecr describe-repositories ...`.
fn aws(server: &TlsServer, home: &Path, env: &[(&str, &str)], flags: &[&str]) -> Output {
    let mut command = Command::new(support::aws_cli());
    command.arg("ecr");
    run(
        command,
        server,
        home,
        &[env, &[("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_RETRY_MODE", "standard")]].concat(),
        flags,
    )
}

fn run(mut command: Command, server: &TlsServer, home: &Path, env: &[(&str, &str)], flags: &[&str]) -> Output {
    command
        .args(["describe-repositories", "--endpoint-url", &server.url(), "--cli-read-timeout", "1"])
        .args(flags)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDBUNDLE")
        .env("AWS_SECRET_ACCESS_KEY", "bundle-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn the_ca_bundle_comes_from_the_flag_the_environment_or_the_profile() {
    let dir = support::scratch("ca-bundle");
    let (ca, cert, key) = certificates(&dir, "proxy");
    let log = dir.join("proxy.log");
    let server = TlsServer::start(&cert, &key, &log);
    let posts = || std::fs::read_to_string(&log).unwrap().matches("POST / HTTP/1.1").count();
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();

    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    let refused = ecr(&server, &home, &[], &[]);
    assert_eq!(refused.status.code(), Some(255));
    assert!(stderr(&refused).contains("UnknownIssuer"), "the system's roots do not vouch for it: {}", stderr(&refused));
    assert_eq!(posts(), 0, "nothing is sent over an unverified connection");

    let through_flag = ecr(&server, &home, &[], &["--ca-bundle", &ca]);
    assert!(stderr(&through_flag).contains("timed out"), "{}", stderr(&through_flag));
    assert_eq!(posts(), 1);
    let through_env = ecr(&server, &home, &[("AWS_CA_BUNDLE", &ca)], &[]);
    assert!(stderr(&through_env).contains("timed out"), "{}", stderr(&through_env));
    assert_eq!(posts(), 2);
    std::fs::write(home.join(".aws/config"), format!("[default]\nca_bundle = {ca}\n")).unwrap();
    let through_profile = ecr(&server, &home, &[], &[]);
    assert!(stderr(&through_profile).contains("timed out"), "{}", stderr(&through_profile));
    assert_eq!(posts(), 3);

    // The AWS CLI gets through with the same settings, and not without.
    std::fs::remove_file(home.join(".aws/config")).unwrap();
    let aws_refused = aws(&server, &home, &[], &[]);
    assert!(stderr(&aws_refused).contains("SSL"), "{}", stderr(&aws_refused));
    assert_eq!(posts(), 3);
    for (env, flags) in [(&[("AWS_CA_BUNDLE", ca.as_str())][..], &[][..]), (&[], &["--ca-bundle", ca.as_str()][..])] {
        aws(&server, &home, env, flags);
    }
    assert_eq!(posts(), 5, "the AWS CLI reached the server twice, as ecr did");
    std::fs::write(home.join(".aws/config"), format!("[default]\nca_bundle = {ca}\n")).unwrap();

    // The flag wins over the environment, which wins over the profile.
    let missing = dir.join("missing.pem").display().to_string();
    let flag_wins = ecr(&server, &home, &[("AWS_CA_BUNDLE", &ca)], &["--ca-bundle", &missing]);
    assert!(stderr(&flag_wins).contains(&format!("cannot read the CA bundle {missing}")), "{}", stderr(&flag_wins));
    let env_wins = ecr(&server, &home, &[("AWS_CA_BUNDLE", &missing)], &[]);
    assert!(stderr(&env_wins).contains(&format!("cannot read the CA bundle {missing}")), "{}", stderr(&env_wins));
    assert_eq!(posts(), 5);
}

#[test]
fn the_aws_clis_other_global_flags_are_served_or_refused_by_name() {
    let ecr = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_ecr")).args(args).env_clear().output().unwrap();
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    // Served: --no-cli-pager, --color, --cli-binary-format (tests/aws_cli_v2.rs
    // holds them against v2).
    for flags in [&["--no-cli-pager"][..], &["--color", "off"], &["--cli-binary-format", "raw-in-base64-out"]] {
        let help = ecr(&[&["describe-repositories", "--help"][..], flags].concat());
        assert!(help.status.success(), "{flags:?}: {}", stderr(&help));
    }
    for (flags, reason) in [
        (&["--no-verify-ssl"][..], "ecr always verifies TLS certificates"),
        (&["--no-sign-request"], "ECR answers signed requests only"),
        (&["--cli-auto-prompt"], "ecr has no interactive prompt"),
    ] {
        let refused = ecr(&[&["describe-repositories"][..], flags].concat());
        assert_eq!(refused.status.code(), Some(252), "{flags:?}");
        assert!(stderr(&refused).contains(reason), "{flags:?}: {}", stderr(&refused));
        assert!(!stderr(&refused).contains("unknown flag"), "{flags:?}: {}", stderr(&refused));
    }
}
