//! `docker-credential-ecr-login` end to end: the protocol against moto, and
//! the cache against a local server that counts the calls it gets.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use base64::Engine as _;
use serde_json::{json, Value};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};
use support::fault_server::{Reply, Server};

const SECRET_KEY: &str = "helper-secret-key-sentinel";
const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// Runs the helper with `action`, `stdin`, throwaway credentials, the cache
/// in `cache` and its debug log on; `env` adds or overrides variables.
fn helper(action: &str, stdin: &str, cache: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docker-credential-ecr-login"));
    command
        .arg(action)
        .env_clear()
        .env("HOME", cache)
        .env("AWS_ACCESS_KEY_ID", "AKIDHELPER")
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ECR_CACHE_DIR", cache.join("ecr-cache"))
        .env("AWS_ECR_HELPER_DEBUG", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json_out(output: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status.code());
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_no_secret(output: &Output, secrets: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    for secret in secrets.iter().chain([&SECRET_KEY]) {
        assert!(!stderr.contains(secret), "stderr holds a secret: {stderr}");
    }
}

#[test]
fn get_and_list_against_moto() {
    let dir = support::scratch("helper-moto");
    // moto has no ECR Public: `list`'s ECR Public token fails at once (see
    // ecr_public.rs for that part).
    let closed = support::ClosedPort::new().url();
    let moto = [("AWS_ENDPOINT_URL", support::moto_url()), ("AWS_ENDPOINT_URL_ECR_PUBLIC", closed.as_str())];
    let got = helper("get", &format!("https://{REGISTRY}\n"), &dir, &moto);
    let answer = json_out(&got);
    assert_eq!(answer["ServerURL"], format!("https://{REGISTRY}"));
    assert_eq!(answer["Username"], "AWS");
    let password = answer["Secret"].as_str().unwrap().to_owned();
    assert!(password.len() > 8);
    assert_no_secret(&got, &[&password]);

    let listed = json_out(&helper("list", "", &dir, &moto));
    assert_eq!(listed[format!("https://{REGISTRY}")], "AWS", "{listed}");

    let other = helper("get", "docker.io\n", &dir, &moto);
    assert_eq!(other.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&other.stdout).trim(), "credentials not found in native keychain");
    // As the Go helper: store and erase are refused, unless
    // AWS_ECR_IGNORE_CREDS_STORAGE=true asks to pretend they worked.
    for action in ["store", "erase"] {
        let input = if action == "store" { r#"{"ServerURL":"x","Username":"u","Secret":"s"}"# } else { "x" };
        let refused = helper(action, input, &dir, &moto);
        assert_eq!(refused.status.code(), Some(1), "{action}");
        assert_eq!(String::from_utf8_lossy(&refused.stdout).trim(), "not implemented");
        let ignored = [moto[0], moto[1], ("AWS_ECR_IGNORE_CREDS_STORAGE", "true")];
        let done = helper(action, input, &dir, &ignored);
        assert!(done.status.success() && done.stdout.is_empty(), "{action} is accepted and does nothing");
    }

    // With no region (nothing to call), list still shows the cache.
    let no_region = helper("list", "", &dir, &[("AWS_REGION", ""), moto[0], moto[1]]);
    assert!(no_region.status.success(), "{}", String::from_utf8_lossy(&no_region.stdout));
    assert_eq!(json_out(&no_region)[format!("https://{REGISTRY}")], "AWS");
}

fn token_reply(password: &str, lifetime: Duration) -> Reply {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{password}"));
    let expires = (SystemTime::now() + lifetime).duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let body = json!({"authorizationData": [{
        "authorizationToken": token,
        "expiresAt": expires,
        "proxyEndpoint": format!("https://{REGISTRY}"),
    }]});
    Reply::json(200, &body.to_string())
}

#[test]
fn the_cache_saves_calls_until_half_the_lifetime_is_gone() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let twelve_hours = Duration::from_secs(12 * 3600);
        let server = Server::start(vec![
            token_reply("password-one", twelve_hours),
            token_reply("password-two", twelve_hours),
            token_reply("password-three", twelve_hours),
            token_reply("password-four", twelve_hours),
        ])
        .await;
        let dir = support::scratch("helper-cache");
        let run = |env: Vec<(&'static str, String)>| {
            let (dir, url) = (dir.clone(), server.url.clone());
            tokio::task::spawn_blocking(move || {
                let mut vars: Vec<(&str, &str)> = vec![("AWS_ENDPOINT_URL", url.as_str())];
                vars.extend(env.iter().map(|(k, v)| (*k, v.as_str())));
                helper("get", REGISTRY, &dir, &vars)
            })
        };
        let secret = |output: &Output| json_out(output)["Secret"].as_str().unwrap().to_owned();

        let first = run(vec![]).await.unwrap();
        assert_eq!(secret(&first), "password-one");
        assert_eq!(server.requests().len(), 1);
        let second = run(vec![]).await.unwrap();
        assert_eq!(secret(&second), "password-one", "served from the cache");
        assert_eq!(server.requests().len(), 1, "a second get makes no call");
        assert!(String::from_utf8_lossy(&second.stderr).contains("using the cached token"));
        for output in [&first, &second] {
            assert_no_secret(output, &["password-one"]);
        }

        // The file is the Go helper's: keyed by region, a hash of the access
        // key id and the registry; private.
        let file = dir.join("ecr-cache/cache.json");
        let mut cache: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(cache["Version"], "1.0");
        let keys: Vec<String> = cache["Registries"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].starts_with("us-east-1-") && keys[0].ends_with("-123456789012"), "{keys:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(dir.join("ecr-cache")).unwrap().permissions().mode() & 0o777, 0o700);
        }

        // Past half its lifetime (fetched 7 of 12 hours ago): refreshed.
        let entry = &mut cache["Registries"][&keys[0]];
        let now = SystemTime::now();
        let rfc3339 = |t: SystemTime| ecr_client::DateTime::from(t).to_string();
        entry["RequestedAt"] = json!(rfc3339(now - Duration::from_secs(7 * 3600)));
        entry["ExpiresAt"] = json!(rfc3339(now + Duration::from_secs(5 * 3600)));
        std::fs::write(&file, cache.to_string()).unwrap();
        let refreshed = run(vec![]).await.unwrap();
        assert_eq!(secret(&refreshed), "password-two");
        assert_eq!(server.requests().len(), 2, "a stale entry is refreshed");
        assert_eq!(secret(&run(vec![]).await.unwrap()), "password-two", "and the new one is cached");
        assert_eq!(server.requests().len(), 2);

        // Other credentials never share an entry.
        let other = run(vec![("AWS_ACCESS_KEY_ID", "AKIDSOMEONEELSE".into())]).await.unwrap();
        assert_eq!(secret(&other), "password-three");
        assert_eq!(server.requests().len(), 3);

        // Disabled: every get calls.
        let disabled = vec![("AWS_ECR_DISABLE_CACHE", "1".to_owned())];
        assert_eq!(secret(&run(disabled).await.unwrap()), "password-four");
        assert_eq!(server.requests().len(), 4);
    });
}

#[test]
fn a_failed_call_is_not_found_and_names_no_secret() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let server = Server::start(vec![Reply::error(400, "AccessDeniedException", "not allowed")]).await;
        let dir = support::scratch("helper-denied");
        let url = server.url.clone();
        let output =
            tokio::task::spawn_blocking(move || helper("get", REGISTRY, &dir, &[("AWS_ENDPOINT_URL", url.as_str())]))
                .await
                .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "credentials not found in native keychain");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("AccessDeniedException"), "the cause is logged: {stderr}");
        assert_no_secret(&output, &[]);
    });
}
