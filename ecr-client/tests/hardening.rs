//! The client in hostile or broken surroundings, each case against a real
//! component: local HTTP servers that redirect, check signatures or play
//! STS, container and instance metadata; real child processes that hang,
//! flood or fail; real files.

mod support;

use ecr_client::runtime::{CredentialsFuture, DefaultCredentialsChain, Environment, ProvideCredentials};
use ecr_client::{Client, Config, ConfigError, Credentials, SdkError};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::fault_server::{Reply, Request, Server};
use support::{isolated, scratch};

const LIST: &str = r#"{"imageIds":[]}"#;

async fn call(client: &Client) -> Result<(), String> {
    client.list_images().repository_name("app").send().await.map(|_| ()).map_err(|e| e.to_string())
}

fn config_with_process(dir: &Path, command: &str) -> Environment {
    std::fs::write(dir.join("config"), format!("[default]\nregion = us-west-2\ncredential_process = {command}\n"))
        .unwrap();
    isolated(&[
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").display().to_string()),
    ])
}

const PROCESS_ANSWER: &str = r#"{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "p"}"#;

// ---------------------------------------------------------------- redirects

#[tokio::test]
async fn redirects_are_errors_and_never_followed() {
    for status in [301u16, 302, 307, 308] {
        let elsewhere = Server::start(vec![Reply::json(200, r#"{"repositories":[]}"#)]).await;
        let location = format!("{}/stolen", elsewhere.url);
        let ecr = Server::start(vec![Reply::Answer(status, vec![("location", location.clone())], Vec::new())]).await;
        let credentials = Credentials::new("AKIDREDIRECT", "s").with_session_token("session-token");
        let client = support::local_client(&ecr.url, |b| b.credentials(credentials));
        let err = client.describe_repositories().send().await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, SdkError::Response(_)), "{status}: {err:?}");
        assert!(text.contains(&format!("HTTP {status}")) && text.contains(&location), "{text}");
        assert!(text.contains("redirects are not followed"), "{text}");
        assert_eq!(ecr.requests().len(), 1, "a redirect is not retried");
        assert!(elsewhere.requests().is_empty(), "{status}: the session token went to another host");
    }
}

// ---------------------------------------------------------------- endpoints

/// The request line's path, and whether the signature over the request as
/// received is the one AWS's own signer (aws-sigv4) makes.
fn signature_is_valid(request: &Request, secret: &str) -> (String, bool) {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let path = request.head.lines().next().unwrap().split(' ').nth(1).unwrap().to_owned();
    let host = request.header("host").unwrap();
    let amz_date = request.header("x-amz-date").unwrap();
    let time = chrono_like(amz_date);
    let headers = [
        ("content-type", request.header("content-type").unwrap()),
        ("x-amz-target", request.header("x-amz-target").unwrap()),
    ];
    let identity = aws_credential_types::Credentials::new("AKIDPATH", secret, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("ecr")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://{host}{path}");
    let signable =
        SignableRequest::new("POST", &url, headers.iter().copied(), SignableBody::Bytes(&request.body)).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let expected = instructions.headers().find(|(n, _)| *n == "authorization").unwrap().1.to_owned();
    (path, request.header("authorization") == Some(expected.as_str()))
}

/// `20240112T150906Z` as a time.
fn chrono_like(amz_date: &str) -> SystemTime {
    let n = |range: std::ops::Range<usize>| amz_date[range].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = days * 86_400 + n(9..11) * 3600 + n(11..13) * 60 + n(13..15);
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

#[tokio::test]
async fn an_endpoint_path_is_sent_and_signed_as_given() {
    for (suffix, sent) in [("/base/path", "/base/path"), ("/base/path/", "/base/path/"), ("", "/")] {
        let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
        let client = support::local_client(&format!("{}{suffix}", ecr.url), |b| {
            b.credentials(Credentials::new("AKIDPATH", "path-secret"))
        });
        call(&client).await.unwrap();
        let (path, valid) = signature_is_valid(&ecr.requests()[0], "path-secret");
        assert_eq!(path, sent);
        assert!(valid, "{suffix:?}: the signature does not cover the path sent");
    }
}

#[test]
fn endpoint_urls_with_user_info_or_a_query_are_refused() {
    let build = |url: &str| {
        Config::builder().region("us-east-1").credentials(Credentials::new("AKID", "s")).endpoint_url(url).build()
    };
    let err = build("https://user:SENTINEL-PASSWORD@proxy.example:8443/").unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, ConfigError::InvalidEndpoint(..)), "{text}");
    assert!(text.contains("user info") && text.contains("https://***@proxy.example:8443/"), "{text}");
    assert!(!text.contains("SENTINEL"), "{text}");
    let err = build("https://SENTINEL-USER@proxy.example/").unwrap_err().to_string();
    assert!(!err.contains("SENTINEL"), "{err}");
    let err = build("https://proxy.example/?x=1").unwrap_err().to_string();
    assert!(err.contains("query string"), "{err}");
}

// ---------------------------------------------------------------- credential_process

#[tokio::test]
async fn concurrent_first_calls_share_one_credentials_fetch() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let dir = scratch("single-flight");
    let runs = dir.join("runs");
    let command = format!("sh -c 'echo run >> {}; sleep 0.3; echo '\\''{PROCESS_ANSWER}'\\'''", runs.display());
    let env = config_with_process(&dir, &command);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { call(&client).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 1, "credential_process ran more than once");
    assert_eq!(ecr.requests().len(), 64);
}

/// Whether a process is gone (or a zombie, dead but not yet reaped).
fn is_dead(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn wait_until_dead(pids_file: &Path) {
    let pids = std::fs::read_to_string(pids_file).unwrap();
    let pids: Vec<&str> = pids.lines().collect();
    assert_eq!(pids.len(), 2, "the script recorded itself and its child: {pids:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pids.iter().all(|p| is_dead(p)) {
        assert!(Instant::now() < deadline, "still running: {pids:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A command that records its pid and a child's, then hangs.
fn hanging_command(pids: &Path) -> String {
    format!("sh -c 'echo $$ >> {0}; sleep 300 & echo $! >> {0}; wait'", pids.display())
}

#[tokio::test]
async fn a_hung_credential_process_times_out_alone_and_leaves_nothing_running() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let dir = scratch("hung");
    let env = config_with_process(&dir, &hanging_command(&dir.join("pids")));
    let chain = DefaultCredentialsChain::new(env.clone()).with_process_timeout(Duration::from_millis(1500));
    let client =
        Client::load_with(Config::builder().endpoint_url(&ecr.url).credentials_provider(chain), &env).await.unwrap();
    let started = Instant::now();
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert!(matches!(err, SdkError::Credentials(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("ListImages failed: no usable AWS credentials: profile \"default\""), "{text}");
    assert!(text.contains("credential_process: did not finish within 1.5s and was stopped"), "{text}");
    assert!(!text.contains(&ecr.url), "the endpoint is not blamed: {text}");
    assert!(ecr.requests().is_empty());
    wait_until_dead(&dir.join("pids"));
}

#[tokio::test]
async fn a_dropped_call_stops_its_credential_process() {
    let dir = scratch("dropped");
    let env = config_with_process(&dir, &hanging_command(&dir.join("pids")));
    let client = Client::load_with(Config::builder().endpoint_url("http://127.0.0.1:9"), &env).await.unwrap();
    let pids = dir.join("pids");
    let mut call = Box::pin(call(&client));
    // Poll the call until the process has started, then drop it.
    let started = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            tokio::select! {
                _ = &mut call => panic!("the call ended before it was dropped"),
                _ = tokio::time::sleep(Duration::from_millis(50)) => {
                    if std::fs::read_to_string(&pids).is_ok_and(|p| p.lines().count() == 2) { break; }
                }
            }
        }
    })
    .await;
    assert!(started.is_ok(), "the credential process never started");
    drop(call);
    wait_until_dead(&pids);
}

#[tokio::test]
async fn credential_process_output_is_bounded() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let dir = scratch("flood");
    let env = config_with_process(&dir, "sh -c 'yes SENTINEL-FLOOD'");
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("wrote more than 65536 bytes to stdout"), "{err}");
    assert!(!err.contains("SENTINEL-FLOOD"), "{err}");

    let env = config_with_process(&dir, "sh -c 'yes SENTINEL-NOISE | head -c 100000 >&2; exit 4'");
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("exited with exit status: 4") && err.contains("(cut short)"), "{err}");
    assert!(err.len() < 2000, "stderr is cut short: {} bytes", err.len());
}

// ---------------------------------------------------------------- refresh

/// Hands out credentials from a script of answers, counting the calls.
#[derive(Debug)]
struct Scripted {
    answers: Vec<Result<Credentials, &'static str>>,
    calls: AtomicU32,
}

impl ProvideCredentials for Scripted {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) as usize;
        let answer = self.answers[n.min(self.answers.len() - 1)].clone();
        Box::pin(async move { answer.map_err(ecr_client::runtime::CredentialsError::new) })
    }
}

#[tokio::test]
async fn a_failed_refresh_serves_valid_credentials_and_an_expired_one_fails() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    // Valid for two more minutes: inside the five-minute refresh window.
    let soon = Credentials::new("AKIDSOON", "s").with_expiry(SystemTime::now() + Duration::from_secs(120));
    let provider = Arc::new(Scripted { answers: vec![Ok(soon), Err("the source is down")], calls: AtomicU32::new(0) });
    let client = support::local_client(&ecr.url, |b| b.credentials_provider(ArcProvider(provider.clone())));
    call(&client).await.unwrap();
    call(&client).await.unwrap(); // the refresh fails: the current credentials still work
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    assert!(ecr.requests().iter().all(|r| r.header("authorization").unwrap().contains("AKIDSOON/")));
    call(&client).await.unwrap(); // resting after the failure: not asked again at once
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);

    let expired = Credentials::new("AKIDOLD", "s").with_expiry(SystemTime::now() - Duration::from_secs(1));
    let provider =
        Arc::new(Scripted { answers: vec![Ok(expired), Err("the source is down")], calls: AtomicU32::new(0) });
    let client = support::local_client(&ecr.url, |b| b.credentials_provider(ArcProvider(provider)));
    call(&client).await.unwrap(); // an answer is used once, even if already stale
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("ListImages failed: no usable AWS credentials: the source is down"), "{err}");
}

#[derive(Debug)]
struct ArcProvider(Arc<Scripted>);

impl ProvideCredentials for ArcProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.0.provide_credentials()
    }
}

// ---------------------------------------------------------------- metadata

#[tokio::test]
async fn metadata_answers_are_capped_and_full_uris_checked() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let huge = Server::start(vec![Reply::Answer(200, vec![], vec![b'x'; 1 << 20])]).await;
    let env = isolated(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/creds", huge.url))]);
    let client = Client::load_with(Config::builder().region("us-east-1").endpoint_url(&ecr.url), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("container:") && err.contains("larger than 65536 bytes"), "{err}");

    let imds = Server::start(vec![Reply::Answer(200, vec![], vec![b'x'; 1 << 20])]).await;
    let env = Environment::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone())]);
    let client = Client::load_with(Config::builder().region("us-east-1").endpoint_url(&ecr.url), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("instance metadata:") && err.contains("larger than 65536 bytes"), "{err}");

    // Plain http off loopback is refused before anything is sent.
    for uri in ["http://192.0.2.10/creds", "http://attacker.example/creds"] {
        let env = isolated(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.to_owned())]);
        let client =
            Client::load_with(Config::builder().region("us-east-1").endpoint_url(&ecr.url), &env).await.unwrap();
        let err = call(&client).await.unwrap_err();
        assert!(err.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") && err.contains("is refused"), "{err}");
    }
}

// ---------------------------------------------------------------- web identity

const STS_ANSWER: &str = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>
      <SecretAccessKey>web-secret</SecretAccessKey>
      <SessionToken>web-session&amp;token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>"#;

fn form(request: &Request) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let mut out = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    String::from_utf8(request.body.clone())
        .unwrap()
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

#[tokio::test]
async fn web_identity_from_the_environment_assumes_the_role() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let sts =
        Server::start(vec![Reply::Answer(200, vec![("content-type", "text/xml".into())], STS_ANSWER.into())]).await;
    let imds = Server::start(vec![Reply::json(200, "{}")]).await;
    let dir = scratch("web-identity");
    std::fs::write(dir.join("token"), "eyJhbGciOiJSUzI1NiJ9.payload+/=.sig\n").unwrap();
    let env = Environment::from_vars([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", dir.join("token").display().to_string()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app".into()),
        ("AWS_ROLE_SESSION_NAME", "my session".into()),
        ("AWS_ENDPOINT_URL_STS", sts.url.clone()),
        ("AWS_ENDPOINT_URL_ECR", ecr.url.clone()),
        ("AWS_REGION", "eu-west-1".into()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone()),
    ]);
    let client = Client::load_with(Config::builder(), &env).await.unwrap();
    call(&client).await.unwrap();

    let asked = &sts.requests()[0];
    assert!(asked.head.starts_with("POST / "), "{}", asked.head);
    assert_eq!(asked.header("content-type"), Some("application/x-www-form-urlencoded; charset=utf-8"));
    assert!(asked.header("authorization").is_none(), "AssumeRoleWithWebIdentity is not signed");
    let form = form(asked);
    let get = |k: &str| form.iter().find(|(name, _)| name == k).map(|(_, v)| v.as_str());
    assert_eq!(get("Action"), Some("AssumeRoleWithWebIdentity"));
    assert_eq!(get("Version"), Some("2011-06-15"));
    assert_eq!(get("RoleArn"), Some("arn:aws:iam::123456789012:role/app"));
    assert_eq!(get("RoleSessionName"), Some("my session"));
    assert_eq!(get("WebIdentityToken"), Some("eyJhbGciOiJSUzI1NiJ9.payload+/=.sig"));

    let signed = &ecr.requests()[0];
    assert!(signed.header("authorization").unwrap().contains("Credential=ASIAWEBIDENTITY/"));
    assert_eq!(signed.header("x-amz-security-token"), Some("web-session&token"));
    assert!(imds.requests().is_empty(), "instance metadata was asked");
}

#[tokio::test]
async fn web_identity_failures_never_fall_through_to_another_identity() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let imds = Server::start(vec![Reply::json(200, "{}")]).await;
    let refusal = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>\
                   <Message>Token expired</Message></Error></ErrorResponse>";
    let sts = Server::start(vec![Reply::Answer(400, vec![], refusal.into())]).await;
    let dir = scratch("web-identity-refused");
    std::fs::write(dir.join("token"), "SENTINEL-JWT").unwrap();
    let base = |extra: &[(&str, String)]| {
        let mut vars = vec![
            ("AWS_ENDPOINT_URL_STS", sts.url.clone()),
            ("AWS_ENDPOINT_URL_ECR", ecr.url.clone()),
            ("AWS_REGION", "eu-west-1".into()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone()),
        ];
        vars.extend(extra.iter().cloned());
        Environment::from_vars(vars)
    };
    let token = ("AWS_WEB_IDENTITY_TOKEN_FILE", dir.join("token").display().to_string());
    let role = ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/app".to_owned());

    let client = Client::load_with(Config::builder(), &base(&[token.clone(), role.clone()])).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"), "{err}");
    assert!(err.contains("InvalidIdentityToken: Token expired") && err.contains("role/app"), "{err}");
    assert!(!err.contains("SENTINEL-JWT"), "{err}");

    for half in [token, role] {
        let client = Client::load_with(Config::builder(), &base(std::slice::from_ref(&half))).await.unwrap();
        let err = call(&client).await.unwrap_err();
        assert!(err.contains(&format!("{} is set but", half.0)), "{err}");
    }
    assert!(imds.requests().is_empty(), "fell through to instance metadata");
    assert!(ecr.requests().is_empty());
}

// ---------------------------------------------------------------- error reports

/// What `anyhow` and `eyre` print: the error, then each `source()`.
fn report(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\nCaused by: {cause}"));
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn error_reports_name_each_cause_once() {
    let closed = support::ClosedPort::new();
    let client = support::local_client(&closed.url(), |b| b.retry(ecr_client::RetryConfig::disabled()));
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    let text = report(&err);
    assert!(text.contains("could not connect") && text.contains("Connection refused"), "{text}");
    for repeated in ["ListImages failed", "Connection refused", "error sending request"] {
        assert_eq!(text.matches(repeated).count(), 1, "{repeated:?} is printed more than once:\n{text}");
    }
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert!(transport.cause().to_string().contains("error sending request"), "the cause can still be reached");

    let ecr = Server::start(vec![Reply::error(400, "RepositoryNotFoundException", "no such repository")]).await;
    let err = support::local_client(&ecr.url, |b| b).list_images().repository_name("app").send().await.unwrap_err();
    assert_eq!(report(&err).matches("no such repository").count(), 1, "{}", report(&err));
}

/// Timeouts too long to add to a clock (`Duration::MAX`) mean no limit;
/// they once overflowed `Instant + Duration` and panicked.
#[tokio::test]
async fn the_longest_timeouts_saturate() {
    let server = Server::start(vec![Reply::json(200, r#"{"imageIds":[]}"#)]).await;
    let client = support::local_client(&server.url, |b| {
        b.operation_timeout(Duration::MAX).attempt_timeout(Duration::MAX).connect_timeout(Duration::MAX)
    });
    client.list_images().repository_name("app").send().await.expect("a call with no limits succeeds");
}
