//! Which identity signs: the AWS CLI is the oracle. Every configuration
//! below (shared files, environment, `--profile`) is given to `aws ecr
//! describe-repositories`, `ecr describe-repositories`, a library client
//! made by `Client::load_with`, and the credential helper's `get`, each in a
//! fresh home directory, against one local server (`data/identity_server.py`)
//! that plays ECR, STS, the SSO portal, SSO-OIDC, IMDSv2 and a container
//! endpoint, checks every signature, and records which key signed the ECR
//! call and the STS calls. They must agree, or all refuse before sending.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use ecr_client::runtime::Environment;
use ecr_client::{Client, Config, DateTime};
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::SystemTime;

/// The identity server, stopped when dropped.
struct IdentityServer {
    url: String,
    server: support::PythonServer,
}

impl IdentityServer {
    fn start() -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/identity_server.py");
        let server = support::PythonServer::start(Path::new("python3"), &script);
        IdentityServer { url: server.url.clone(), server }
    }

    fn call(&self, method: &str, path: &str) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
            let mut stream = tokio::net::TcpStream::connect(self.url.trim_start_matches("http://")).await.unwrap();
            let request =
                format!("{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
        })
    }

    /// The records since the last call, and clears them.
    fn take_log(&self) -> Vec<Value> {
        let log = serde_json::from_str(&self.call("GET", "/__log")).expect("the log is JSON");
        self.call("POST", "/__reset");
        log
    }
}

impl Drop for IdentityServer {
    fn drop(&mut self) {
        let _ = self.server.child.kill();
        let _ = self.server.child.wait();
    }
}

/// One configuration.
#[derive(Clone, Default)]
struct Case {
    name: &'static str,
    config: &'static str,
    credentials: &'static str,
    env: Vec<(&'static str, &'static str)>,
    /// `--profile` (explicit); the helper, which has no such flag, is then
    /// left out.
    profile_flag: Option<&'static str>,
    /// Files under the home directory: (path, contents).
    files: Vec<(&'static str, &'static str)>,
    /// What stdin carries (an MFA code when there is no terminal).
    stdin: &'static str,
    /// The helper runs under Docker with no terminal to ask an MFA code on,
    /// so it refuses where the AWS CLI asks (as the Go helper does).
    helper_refuses: bool,
}

/// What a run did, as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The ECR call's signing key, and every credential call before it.
    Signed { ecr: Vec<String>, calls: Vec<String> },
    /// Exit non-zero and nothing sent to ECR (credential calls may have
    /// been made: an SSO refusal, a wrong MFA code).
    Refused { calls: Vec<String> },
    /// Anything else: failed after signing, or succeeded unsigned.
    Odd(String),
}

fn outcome(success: bool, log: &[Value], detail: &str) -> Outcome {
    let mut ecr = Vec::new();
    let mut calls = Vec::new();
    for entry in log {
        let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or("-").to_owned();
        match text("kind").as_str() {
            "ecr" => ecr.push(format!("{} token {}", text("key"), text("token"))),
            "sts" => {
                let session = text("session");
                let session = if session.starts_with("botocore-session-") || session.starts_with("ecr-client-session-")
                {
                    "<generated>".into()
                } else {
                    session
                };
                calls.push(format!(
                    "sts by {} role {} external {} serial {} code {} duration {} session {session}",
                    text("key"),
                    text("RoleArn"),
                    text("ExternalId"),
                    text("SerialNumber"),
                    text("TokenCode"),
                    text("DurationSeconds"),
                ));
            }
            "sts-web-identity" => calls.push(format!("web identity role {}", text("RoleArn"))),
            "sso" => calls.push(format!("sso {} {} {}", text("token"), text("account"), text("role"))),
            "oidc" => calls.push(format!("oidc {}", text("refreshToken"))),
            "imds" => calls.push("imds".into()),
            "container" => calls.push("container".into()),
            other => return Outcome::Odd(format!("{other}: {entry} ({detail})")),
        }
    }
    match (success, ecr.is_empty()) {
        (true, false) => Outcome::Signed { ecr, calls },
        (false, true) => Outcome::Refused { calls },
        _ => Outcome::Odd(format!("success {success}, ECR calls {ecr:?}, credential calls {calls:?}: {detail}")),
    }
}

/// A fresh home directory holding the case's files.
fn home_for(case: &Case, tool: &str) -> PathBuf {
    let home = support::scratch(&format!("identity-{}-{tool}", case.name));
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    let fill = |text: &str| fill(text, &home);
    std::fs::write(aws.join("config"), fill(case.config)).unwrap();
    std::fs::write(aws.join("credentials"), fill(case.credentials)).unwrap();
    for (path, contents) in &case.files {
        let path = home.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fill(contents)).unwrap();
        #[cfg(unix)]
        if path.extension().is_some_and(|e| e == "sh") {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    home
}

/// `{home}`, `{future}` (in an hour) and `{past}` (an hour ago) filled in.
fn fill(text: &str, home: &Path) -> String {
    let at = |offset: i64| {
        let now = DateTime::from(SystemTime::now()).secs();
        let (y, mo, d, h, mi, s) = utc(now + offset);
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    };
    text.replace("{home}", &home.display().to_string()).replace("{future}", &at(3600)).replace("{past}", &at(-3600))
}

/// UTC fields of epoch seconds (civil from days, Hinnant).
fn utc(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The variables every run gets: the home, and every credential service
/// pointed at the server.
fn base_env(server: &IdentityServer, home: &Path) -> Vec<(String, String)> {
    let url = &server.url;
    vec![
        ("HOME".into(), home.display().to_string()),
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("AWS_ENDPOINT_URL_STS".into(), url.clone()),
        ("AWS_ENDPOINT_URL_SSO".into(), url.clone()),
        ("AWS_ENDPOINT_URL_SSO_OIDC".into(), url.clone()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT".into(), format!("{url}/")),
    ]
}

fn case_env(case: &Case, server: &IdentityServer, home: &Path) -> Vec<(String, String)> {
    let mut env = base_env(server, home);
    for (name, value) in &case.env {
        env.push((name.to_string(), fill(value, home).replace("{url}", &server.url)));
    }
    env
}

fn run_command(mut command: Command, stdin: &str) -> (bool, String) {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), stderr.lines().last().unwrap_or_default().to_owned())
}

fn cli(program: &Path, case: &Case, server: &IdentityServer, tool: &str) -> Outcome {
    cli_in(&home_for(case, tool), program, case, server, tool)
}

/// Runs `aws ecr` or `ecr` in `home`.
fn cli_in(home: &Path, program: &Path, case: &Case, server: &IdentityServer, tool: &str) -> Outcome {
    let mut command = Command::new(program);
    if tool == "aws" {
        command.arg("ecr");
    }
    command.args(["describe-repositories", "--endpoint-url", &server.url, "--region", "us-east-1"]);
    if let Some(profile) = case.profile_flag {
        command.args(["--profile", profile]);
    }
    command.env_clear().envs(case_env(case, server, home));
    let (success, last_line) = run_command(command, case.stdin);
    outcome(success, &server.take_log(), &last_line)
}

fn library(case: &Case, server: &IdentityServer) -> Outcome {
    let home = home_for(case, "library");
    let env = Environment::from_vars(case_env(case, server, &home));
    let mut builder = Config::builder().region("us-east-1").endpoint_url(&server.url);
    if let Some(profile) = case.profile_flag {
        builder = builder.profile(profile);
    }
    if case.stdin.contains("123456") {
        builder = builder.mfa_prompt(ecr_client::runtime::MfaPrompt::new(|_| Ok("123456".into())));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = runtime.block_on(async {
        let client = Client::load_with(builder, &env).await.map_err(|e| e.to_string())?;
        client.describe_repositories().send().await.map(|_| ()).map_err(|e| e.to_string())
    });
    let detail = result.as_ref().err().cloned().unwrap_or_default();
    outcome(result.is_ok(), &server.take_log(), &detail)
}

fn helper(case: &Case, server: &IdentityServer) -> Outcome {
    let home = home_for(case, "helper");
    let mut command = Command::new(env!("CARGO_BIN_EXE_docker-credential-ecr-login"));
    command
        .arg("get")
        .env_clear()
        .envs(case_env(case, server, &home))
        .env("AWS_ENDPOINT_URL_ECR", &server.url)
        .env("AWS_ECR_DISABLE_CACHE", "true");
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(b"123456789012.dkr.ecr.us-east-1.amazonaws.com");
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    outcome(output.status.success(), &server.take_log(), stdout.trim())
}

const PROCESS: &str = "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"secret-of-AKIDPROCESS\"}'\n";
const SSO_SESSION: &str = "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";
/// The AWS CLI's token file for sso-session `corp`: SHA-1 of the name.
const CORP_TOKEN: &str = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
/// A legacy profile's: SHA-1 of its start URL, `https://old.awsapps.com/start`.
const LEGACY_TOKEN: &str = ".aws/sso/cache/33d5ca4bf3b1a62edb96b47f7c203034a43ac435.json";

fn cases() -> Vec<Case> {
    let env_keys = vec![("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "secret-of-AKIDENV")];
    let with_env = |mut extra: Vec<(&'static str, &'static str)>| {
        extra.extend(env_keys.clone());
        extra
    };
    let prod = "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = secret-of-AKIDPROD\n";
    let base_keys = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secret-of-AKIDBASE\n";
    let role = "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = base\n";
    vec![
        Case { name: "env-keys", env: env_keys.clone(), ..Case::default() },
        Case { name: "env-and-explicit-profile", env: env_keys.clone(), credentials: prod, profile_flag: Some("prod"), ..Case::default() },
        Case { name: "env-and-aws-profile", env: with_env(vec![("AWS_PROFILE", "prod")]), credentials: prod, ..Case::default() },
        Case { name: "aws-default-profile-wins", env: vec![("AWS_PROFILE", "prod"), ("AWS_DEFAULT_PROFILE", "other")], credentials: "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = secret-of-AKIDPROD\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = secret-of-AKIDOTHER\n", ..Case::default() },
        Case { name: "typo-in-aws-profile", env: vec![("AWS_PROFILE", "prdo")], credentials: prod, ..Case::default() },
        Case { name: "missing-explicit-profile", credentials: prod, profile_flag: Some("missing"), ..Case::default() },
        Case { name: "bare-section-in-config", env: vec![("AWS_PROFILE", "bare")], config: "[bare]\naws_access_key_id = AKIDBARE\naws_secret_access_key = secret-of-AKIDBARE\n", ..Case::default() },
        Case { name: "profile-prefix-in-credentials", env: vec![("AWS_PROFILE", "x")], credentials: "[profile x]\naws_access_key_id = AKIDX\naws_secret_access_key = secret-of-AKIDX\n", ..Case::default() },
        Case { name: "default-in-credentials", credentials: "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secret-of-AKIDDEFAULT\n", ..Case::default() },
        Case { name: "default-in-config", config: "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = secret-of-AKIDCONFIG\n", ..Case::default() },
        Case { name: "profile-default-in-config", config: "[profile default]\naws_access_key_id = AKIDPD\naws_secret_access_key = secret-of-AKIDPD\n", ..Case::default() },
        Case { name: "nothing-but-instance-metadata", ..Case::default() },
        Case { name: "container", env: vec![("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{url}/container")], ..Case::default() },
        Case { name: "role-from-static-source", config: role, credentials: base_keys, env: vec![("AWS_PROFILE", "role")], ..Case::default() },
        Case {
            name: "role-chain",
            config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = base\n",
            credentials: base_keys,
            env: vec![("AWS_PROFILE", "a")],
            ..Case::default()
        },
        Case {
            name: "role-its-own-source",
            credentials: "[selfish]\nrole_arn = arn:aws:iam::123456789012:role/Self\nsource_profile = selfish\naws_access_key_id = AKIDSELF\naws_secret_access_key = secret-of-AKIDSELF\n",
            env: vec![("AWS_PROFILE", "selfish")],
            ..Case::default()
        },
        Case {
            name: "role-beside-static-keys",
            config: "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = base\naws_access_key_id = AKIDBOTH\naws_secret_access_key = secret-of-AKIDBOTH\n",
            credentials: base_keys,
            env: vec![("AWS_PROFILE", "both")],
            ..Case::default()
        },
        Case { name: "role-and-env-keys-aws-profile", config: role, credentials: base_keys, env: with_env(vec![("AWS_PROFILE", "role")]), ..Case::default() },
        Case { name: "role-and-env-keys-explicit", config: role, credentials: base_keys, env: env_keys.clone(), profile_flag: Some("role"), ..Case::default() },
        Case {
            name: "credential-source-environment",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/FromEnv\ncredential_source = Environment\n",
            env: env_keys.clone(),
            profile_flag: Some("r"),
            ..Case::default()
        },
        Case {
            name: "credential-source-instance",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/FromInstance\ncredential_source = Ec2InstanceMetadata\n",
            env: vec![("AWS_PROFILE", "r")],
            ..Case::default()
        },
        Case {
            name: "credential-source-container",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/FromContainer\ncredential_source = EcsContainer\n",
            env: vec![("AWS_PROFILE", "r"), ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{url}/container")],
            ..Case::default()
        },
        Case {
            name: "credential-source-unknown",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/X\ncredential_source = Ec2Instance\n",
            env: vec![("AWS_PROFILE", "r")],
            ..Case::default()
        },
        Case {
            name: "source-profile-and-credential-source",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/X\nsource_profile = base\ncredential_source = Environment\n",
            credentials: base_keys,
            env: with_env(vec![("AWS_PROFILE", "r")]),
            profile_flag: Some("r"),
            ..Case::default()
        },
        Case { name: "role-without-source", config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/X\n", env: vec![("AWS_PROFILE", "r")], ..Case::default() },
        Case {
            name: "source-profile-cycle",
            config: "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::2:role/B\nsource_profile = a\n",
            env: vec![("AWS_PROFILE", "a")],
            ..Case::default()
        },
        Case { name: "source-profile-missing", config: "[profile r]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = nowhere\n", env: vec![("AWS_PROFILE", "r")], ..Case::default() },
        Case { name: "source-profile-without-credentials", config: "[profile r]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n", env: vec![("AWS_PROFILE", "r")], ..Case::default() },
        Case {
            name: "role-with-external-id-duration-and-session",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Partner\nsource_profile = base\nexternal_id = ext-42\nduration_seconds = 1800\nrole_session_name = ci-run\n",
            credentials: base_keys,
            env: vec![("AWS_PROFILE", "r")],
            ..Case::default()
        },
        Case {
            name: "role-with-mfa",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
            credentials: base_keys,
            env: vec![("AWS_PROFILE", "r")],
            stdin: "123456\n",
            helper_refuses: true,
            ..Case::default()
        },
        Case { name: "split-keys-across-files", config: "[default]\naws_secret_access_key = secret-of-AKIDSPLIT\n", credentials: "[default]\naws_access_key_id = AKIDSPLIT\n", ..Case::default() },
        Case { name: "partial-keys-in-config", config: "[default]\naws_access_key_id = AKIDHALF\n", ..Case::default() },
        Case {
            name: "process-beats-config-keys",
            config: "[default]\ncredential_process = {home}/process.sh\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = secret-of-AKIDCONFIG\n",
            files: vec![("process.sh", PROCESS)],
            ..Case::default()
        },
        Case {
            name: "credentials-file-beats-process",
            config: "[default]\ncredential_process = {home}/process.sh\n",
            credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret-of-AKIDFILE\n",
            files: vec![("process.sh", PROCESS)],
            ..Case::default()
        },
        Case {
            name: "role-from-process-source",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = proc\n[profile proc]\ncredential_process = {home}/process.sh\n",
            files: vec![("process.sh", PROCESS)],
            env: vec![("AWS_PROFILE", "r")],
            ..Case::default()
        },
        Case {
            name: "sso-session-valid-token",
            config: SSO_SESSION,
            env: vec![("AWS_PROFILE", "sso")],
            files: vec![(CORP_TOKEN, "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-valid-cached\", \"expiresAt\": \"{future}\"}")],
            ..Case::default()
        },
        Case {
            name: "sso-session-refreshed",
            config: SSO_SESSION,
            env: vec![("AWS_PROFILE", "sso")],
            files: vec![(CORP_TOKEN, "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-stale\", \"expiresAt\": \"{past}\", \"clientId\": \"client\", \"clientSecret\": \"client-secret\", \"registrationExpiresAt\": \"{future}\", \"refreshToken\": \"refresh-good\"}")],
            ..Case::default()
        },
        Case {
            name: "sso-session-expired",
            config: SSO_SESSION,
            env: vec![("AWS_PROFILE", "sso")],
            files: vec![(CORP_TOKEN, "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-valid-but-expired\", \"expiresAt\": \"{past}\"}")],
            ..Case::default()
        },
        Case { name: "sso-session-no-token", config: SSO_SESSION, env: vec![("AWS_PROFILE", "sso")], ..Case::default() },
        Case {
            name: "sso-legacy",
            config: "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n",
            env: vec![("AWS_PROFILE", "old")],
            files: vec![(LEGACY_TOKEN, "{\"startUrl\": \"https://old.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-valid-legacy\", \"expiresAt\": \"{future}\"}")],
            ..Case::default()
        },
        Case {
            name: "role-from-sso-source",
            config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = sso\n[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
            env: vec![("AWS_PROFILE", "r")],
            files: vec![(CORP_TOKEN, "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"sso-valid-cached\", \"expiresAt\": \"{future}\"}")],
            ..Case::default()
        },
        Case {
            name: "web-identity-from-env",
            env: vec![("AWS_WEB_IDENTITY_TOKEN_FILE", "{home}/token"), ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod")],
            files: vec![("token", "web-token-ok")],
            ..Case::default()
        },
        Case {
            name: "web-identity-from-profile",
            config: "[profile w]\nweb_identity_token_file = {home}/token\nrole_arn = arn:aws:iam::123456789012:role/FromProfile\n",
            env: vec![("AWS_PROFILE", "w")],
            files: vec![("token", "web-token-ok")],
            ..Case::default()
        },
        Case { name: "env-session-token-pair", env: with_env(vec![("AWS_SESSION_TOKEN", "token-of-env")]), ..Case::default() },
    ]
}

#[test]
fn every_configuration_signs_as_the_aws_cli_would() {
    let aws = support::aws_cli();
    let ecr = PathBuf::from(env!("CARGO_BIN_EXE_ecr"));
    let cases = cases();
    assert!(cases.len() >= 30, "the issue asks for at least 30 configurations");
    let server = IdentityServer::start();
    let mut disagreements = Vec::new();
    let mut refused = 0;
    for case in &cases {
        let oracle = cli(&aws, case, &server, "aws");
        if let Outcome::Odd(what) = &oracle {
            disagreements.push(format!("{}: the AWS CLI did something unexpected: {what}", case.name));
            continue;
        }
        refused += usize::from(matches!(oracle, Outcome::Refused { .. }));
        let mut ours = vec![("ecr", cli(&ecr, case, &server, "ecr")), ("Client::load_with", library(case, &server))];
        if case.profile_flag.is_none() {
            // The helper's GetAuthorizationToken is its ECR call.
            ours.push(("docker-credential-ecr-login get", helper(case, &server)));
        }
        for (who, got) in ours {
            let expected = match who {
                "docker-credential-ecr-login get" if case.helper_refuses => Outcome::Refused { calls: Vec::new() },
                _ => oracle.clone(),
            };
            let agree = match (&expected, &got) {
                // Refusals agree whatever credential calls were made first.
                (Outcome::Refused { .. }, Outcome::Refused { .. }) => true,
                _ => expected == got,
            };
            if !agree {
                disagreements.push(format!("{}: {who}: {got:?}\n    expected: {expected:?}", case.name));
            }
        }
    }
    assert!(disagreements.is_empty(), "{} disagreement(s):\n{}", disagreements.len(), disagreements.join("\n"));
    assert!(refused >= 8 && refused < cases.len() - 15, "refusals: {refused} of {}", cases.len());
}

#[test]
fn outcome_reading_tells_refusals_from_signing() {
    let log: Vec<Value> = serde_json::from_str(r#"[{"kind":"sts","key":"AKIDBASE","RoleArn":"r","session":"botocore-session-1"},{"kind":"ecr","key":"ASIAX"}]"#).unwrap();
    let Outcome::Signed { ecr, calls } = outcome(true, &log, "") else { panic!("signed") };
    assert_eq!(ecr, ["ASIAX token -"]);
    assert!(calls[0].contains("by AKIDBASE") && calls[0].ends_with("<generated>"), "{calls:?}");
    assert!(matches!(outcome(false, &[], ""), Outcome::Refused { .. }));
    assert!(matches!(outcome(false, &log, ""), Outcome::Odd(_)));
}

fn mfa_role() -> Case {
    Case {
        name: "shared-cache",
        config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n\
                 mfa_serial = arn:aws:iam::123456789012:mfa/alice\nexternal_id = ext-\u{e9}\nduration_seconds = 1800\n",
        credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secret-of-AKIDBASE\n",
        env: vec![("AWS_PROFILE", "r")],
        stdin: "123456\n",
        ..Case::default()
    }
}

fn sts_calls(outcome: &Outcome) -> usize {
    match outcome {
        Outcome::Signed { calls, .. } => calls.iter().filter(|c| c.starts_with("sts ")).count(),
        other => panic!("expected a signed call: {other:?}"),
    }
}

#[test]
fn one_assumption_and_one_mfa_prompt_are_shared_with_the_aws_cli() {
    let aws = support::aws_cli();
    let ecr = PathBuf::from(env!("CARGO_BIN_EXE_ecr"));
    let server = IdentityServer::start();
    let case = mfa_role();
    // No code on stdin the second time: a prompt would fail the call.
    let second = Case { stdin: "", ..case.clone() };
    for (first_tool, first, then_tool, then) in [("aws", &aws, "ecr", &ecr), ("ecr", &ecr, "aws", &aws)] {
        let home = home_for(&case, &format!("{first_tool}-first"));
        let assumed = cli_in(&home, first, &case, &server, first_tool);
        assert_eq!(sts_calls(&assumed), 1, "{first_tool} assumes the role: {assumed:?}");
        let reused = cli_in(&home, then, &second, &server, then_tool);
        assert_eq!(sts_calls(&reused), 0, "{then_tool} uses {first_tool}'s cached role: {reused:?}");
        let (Outcome::Signed { ecr: a, .. }, Outcome::Signed { ecr: b, .. }) = (&assumed, &reused) else {
            unreachable!()
        };
        assert_eq!(a, b, "the same assumed-role keys sign both calls");
        let files: Vec<_> = std::fs::read_dir(home.join(".aws/cli/cache")).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "one cache entry, under one name: {files:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = files[0].metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{first_tool}'s cache file is private");
        }
    }
}

#[test]
fn an_mfa_code_typed_on_a_terminal_reaches_sts() {
    if !support::has_program("script", "the MFA prompt on a real terminal") {
        return;
    }
    let server = IdentityServer::start();
    let case = mfa_role();
    let home = home_for(&case, "terminal");
    let ecr = env!("CARGO_BIN_EXE_ecr");
    // The answer on the terminal, not in a pager (AWS CLI v2's `less`).
    let line = format!("{ecr} describe-repositories --endpoint-url {} --region us-east-1 --no-cli-pager", server.url);
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_clear()
        .envs(case_env(&case, &server, &home))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut screen = std::io::BufReader::new(child.stdout.take().unwrap());
    // The code is typed only once the prompt shows: typed-ahead input is
    // flushed when echo is turned off, as getpass does.
    let mut shown = Vec::new();
    let prompt = b"Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ";
    while !shown.windows(prompt.len()).any(|w| w == prompt) {
        let mut byte = [0u8; 1];
        let read = std::io::Read::read(&mut screen, &mut byte).unwrap();
        assert_eq!(read, 1, "the terminal closed before the prompt: {}", String::from_utf8_lossy(&shown));
        shown.push(byte[0]);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    stdin.write_all(b"123456\r").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut screen, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "ecr succeeds: {rest}");
    assert!(!rest.contains("123456"), "the code is not echoed: {rest:?}");
    let log = server.take_log();
    let sts: Vec<&Value> = log.iter().filter(|e| e["kind"] == "sts").collect();
    assert_eq!(sts.len(), 1, "{log:?}");
    assert_eq!(sts[0]["TokenCode"], "123456");
    assert_eq!(sts[0]["SerialNumber"], "arn:aws:iam::123456789012:mfa/alice");
    assert!(log.iter().any(|e| e["kind"] == "ecr"), "{log:?}");
}

/// Docker, compose and BuildKit start helpers side by side: eight at once on
/// a cold cache, each for another registry, must leave eight entries (each
/// rewrote the file from its own snapshot before the lock).
#[test]
fn helpers_started_together_keep_every_cache_entry() {
    let server = IdentityServer::start();
    let home = support::scratch("identity-helpers-together");
    let cache = home.join("ecr-cache");
    let accounts: Vec<String> = (1..=8).map(|i| format!("{i:012}")).collect();
    let children: Vec<Child> = accounts
        .iter()
        .map(|account| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_docker-credential-ecr-login"))
                .arg("get")
                .env_clear()
                .envs(base_env(&server, &home))
                .env("AWS_ACCESS_KEY_ID", "AKIDHELPER")
                .env("AWS_SECRET_ACCESS_KEY", "secret-of-AKIDHELPER")
                .env("AWS_ENDPOINT_URL_ECR", &server.url)
                .env("AWS_ECR_CACHE_DIR", &cache)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let host = format!("{account}.dkr.ecr.us-east-1.amazonaws.com");
            child.stdin.take().unwrap().write_all(host.as_bytes()).unwrap();
            child
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    }
    let file: Value = serde_json::from_str(&std::fs::read_to_string(cache.join("cache.json")).unwrap()).unwrap();
    let entries = file["Registries"].as_object().unwrap();
    for account in &accounts {
        assert!(entries.keys().any(|k| k.ends_with(&format!("-{account}"))), "{account} was lost: {entries:?}");
    }
    assert_eq!(entries.len(), 8);
}

/// STS calls go through `HTTP(S)_PROXY` as ECR calls do; instance metadata
/// never does (it answers only on the machine itself).
#[test]
fn credential_calls_take_the_proxy_and_metadata_does_not() {
    let server = IdentityServer::start();
    let case = Case {
        name: "proxy",
        config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/FromInstance\ncredential_source = Ec2InstanceMetadata\n",
        ..Case::default()
    };
    let home = home_for(&case, "ecr");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecr"));
    command
        .args(["describe-repositories", "--region", "us-east-1", "--profile", "r"])
        .args(["--endpoint-url", "http://ecr.example.invalid"])
        .env_clear()
        .envs(case_env(&case, &server, &home))
        .env("AWS_ENDPOINT_URL_STS", "http://sts.example.invalid")
        .env("HTTP_PROXY", &server.url);
    let (success, last_line) = run_command(command, "");
    assert!(success, "{last_line}");
    let log = server.take_log();
    let proxied = |kind: &str| log.iter().find(|e| e["kind"] == kind).map(|e| e["proxied"] == true);
    assert_eq!(proxied("imds"), Some(false), "instance metadata is asked directly: {log:?}");
    assert_eq!(proxied("sts"), Some(true), "STS goes through the proxy: {log:?}");
    assert_eq!(proxied("ecr"), Some(true), "ECR goes through the proxy: {log:?}");
}
