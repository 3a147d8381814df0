//! Region, endpoint and credentials loaded the way the AWS CLI loads them,
//! each source exercised for real: environment, shared files, a
//! credential_process, container credentials and IMDSv2 served over HTTP.

mod support;

use ecr_client::runtime::{CredentialsFuture, Environment, ProvideCredentials};
use ecr_client::{Client, Config, ConfigError, Credentials, SdkError};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use support::fault_server::{Reply, Server};
use support::{isolated, scratch};

const LIST: &str = r#"{"imageIds":[]}"#;

async fn call(client: &Client) -> Result<(), String> {
    client.list_images().repository_name("app").send().await.map(|_| ()).map_err(|e| e.to_string())
}

fn authorization(server: &Server) -> String {
    server.requests().last().and_then(|r| r.header("authorization").map(str::to_owned)).expect("a signed request")
}

#[tokio::test]
async fn environment_variables() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let env = isolated(&[
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENV".into()),
        ("AWS_SECRET_ACCESS_KEY", "secret".into()),
        ("AWS_SESSION_TOKEN", "session-token".into()),
        ("AWS_DEFAULT_REGION", "eu-west-3".into()),
        ("AWS_ENDPOINT_URL", ecr.url.clone()),
    ]);
    let client = Client::load_with(Config::builder(), &env).await.unwrap();
    assert_eq!(client.config().region(), "eu-west-3");
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDFROMENV/"), "{}", authorization(&ecr));
    assert!(authorization(&ecr).contains("/eu-west-3/ecr/aws4_request"));
    assert_eq!(ecr.requests()[0].header("x-amz-security-token"), Some("session-token"));
    assert!(authorization(&ecr).contains("x-amz-security-token"), "the token is signed");
}

#[tokio::test]
async fn explicit_settings_win_and_service_endpoint_beats_global() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let env = isolated(&[
        ("AWS_REGION", "eu-west-3".into()),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:1".into()),
        ("AWS_ENDPOINT_URL_ECR", ecr.url.clone()),
    ]);
    let builder = Config::builder().region("ap-south-1").credentials(Credentials::new("AKIDEXPLICIT", "s"));
    let client = Client::load_with(builder, &env).await.unwrap();
    assert_eq!((client.config().region(), client.endpoint()), ("ap-south-1", ecr.url.as_str()));
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDEXPLICIT/"));
}

#[tokio::test]
async fn shared_files_with_profiles() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let dir = scratch("profiles");
    std::fs::write(
        dir.join("config"),
        format!("[default]\nregion = us-east-1\n\n[profile dev]\nregion = sa-east-1\nendpoint_url = {}\n", ecr.url),
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s # a comment\n",
    )
    .unwrap();
    let env = isolated(&[
        ("AWS_PROFILE", "dev".into()),
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials").display().to_string()),
    ]);
    let client = Client::load_with(Config::builder(), &env).await.unwrap();
    assert_eq!(client.config().region(), "sa-east-1");
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDDEV/"), "{}", authorization(&ecr));

    // ~/.aws is found through HOME.
    std::fs::create_dir_all(dir.join("home/.aws")).unwrap();
    std::fs::write(dir.join("home/.aws/config"), "[default]\nregion = ca-central-1\n").unwrap();
    let env = isolated(&[("HOME", dir.join("home").display().to_string())]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    assert_eq!(client.config().region(), "ca-central-1");
}

#[tokio::test]
async fn credential_process() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let dir = scratch("process");
    let script = dir.join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"p\", \"SessionToken\": \"t\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config"),
        format!("[default]\nregion = us-west-2\ncredential_process = sh {}\n", script.display()),
    )
    .unwrap();
    let env = isolated(&[
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").display().to_string()),
    ]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDPROCESS/"));

    std::fs::write(
        dir.join("config"),
        "[default]\nregion = us-west-2\ncredential_process = sh -c 'echo locked >&2; exit 3'\n",
    )
    .unwrap();
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.starts_with("ListImages failed: no usable AWS credentials: profile \"default\""), "{err}");
    assert!(err.contains("credential_process: exited with exit status: 3: locked"), "{err}");
}

#[tokio::test]
async fn container_credentials() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let container = Server::start(vec![Reply::json(
        200,
        r#"{"AccessKeyId":"AKIDCONTAINER","SecretAccessKey":"c","Token":"ct","Expiration":"2099-01-01T00:00:00Z"}"#,
    )])
    .await;
    let env = isolated(&[
        ("AWS_REGION", "us-east-2".into()),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/v2/credentials", container.url)),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth".into()),
        ("HOME", scratch("container").display().to_string()),
    ]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDCONTAINER/"));
    let asked = container.requests();
    assert_eq!(asked.len(), 1, "fresh credentials are cached");
    assert!(asked[0].head.starts_with("GET /v2/credentials "), "{}", asked[0].head);
    assert_eq!(asked[0].header("authorization"), Some("container-auth"));
}

#[tokio::test]
async fn instance_metadata_v2() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    let imds = Server::start(vec![
        Reply::Answer(200, vec![], b"imds-session-token".to_vec()),
        Reply::Answer(200, vec![], b"my-role\n".to_vec()),
        Reply::json(200, r#"{"Code":"Success","AccessKeyId":"AKIDIMDS","SecretAccessKey":"i","Token":"it","Expiration":"2099-01-01T00:00:00Z"}"#),
    ])
    .await;
    let env = Environment::from_vars([
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone()),
        ("HOME", scratch("imds").display().to_string()),
    ]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    call(&client).await.unwrap();
    assert!(authorization(&ecr).contains("Credential=AKIDIMDS/"));
    let asked = imds.requests();
    assert!(asked[0].head.starts_with("PUT /latest/api/token "));
    assert_eq!(asked[0].header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
    assert!(asked[1].head.starts_with("GET /latest/meta-data/iam/security-credentials/ "));
    assert!(asked[2].head.starts_with("GET /latest/meta-data/iam/security-credentials/my-role "));
    assert_eq!(asked[2].header("x-aws-ec2-metadata-token"), Some("imds-session-token"));
}

#[tokio::test]
async fn nothing_configured_says_what_was_tried_without_hanging() {
    let closed = support::ClosedPort::new();
    let home = scratch("nothing");
    let env = Environment::from_vars([
        ("HOME", home.display().to_string()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed.url()),
    ]);
    let err = Client::load_with(Config::builder(), &env).await.unwrap_err();
    let ConfigError::MissingRegion(_) = &err else { panic!("{err:?}") };
    let text = err.to_string();
    assert!(text.contains("AWS_REGION, AWS_DEFAULT_REGION, and `region` in profile \"default\""), "{text}");
    assert!(text.contains(&home.join(".aws/config").display().to_string()), "{text}");

    let started = std::time::Instant::now();
    let client = Client::load_with(Config::builder().region("us-east-1").endpoint_url("http://127.0.0.1:9"), &env)
        .await
        .unwrap();
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(err, SdkError::Credentials(_)), "{err:?}");
    let text = err.to_string();
    for source in ["environment: AWS_ACCESS_KEY_ID", "profile \"default\"", "container:", "instance metadata:"] {
        assert!(text.contains(source), "{source} missing from: {text}");
    }
}

#[tokio::test]
async fn half_set_environment_credentials_are_an_error_not_skipped() {
    let env = isolated(&[("AWS_REGION", "us-east-1".into()), ("AWS_ACCESS_KEY_ID", "AKID".into())]);
    let client = Client::load_with(Config::builder().endpoint_url("http://127.0.0.1:9"), &env).await.unwrap();
    let err = call(&client).await.unwrap_err();
    assert!(err.contains("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"), "{err}");
}

/// A provider that counts its calls and hands out credentials expiring
/// after `lifetime`.
#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicU32>,
    lifetime: Duration,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let credentials = Credentials::new(format!("AKID{n}"), "s").with_expiry(SystemTime::now() + self.lifetime);
        Box::pin(async move { Ok(credentials) })
    }
}

#[tokio::test]
async fn custom_providers_are_cached_until_near_expiry() {
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    for (lifetime, expected_calls) in [(Duration::from_secs(3600), 1), (Duration::from_secs(60), 3)] {
        let calls = Arc::new(AtomicU32::new(0));
        let config = Config::builder()
            .region("us-east-1")
            .endpoint_url(&ecr.url)
            .credentials_provider(Counting { calls: calls.clone(), lifetime })
            .build()
            .unwrap();
        let client = Client::new(config).unwrap();
        for _ in 0..3 {
            call(&client).await.unwrap();
        }
        // Credentials expiring within 5 minutes are refreshed before use.
        assert_eq!(calls.load(Ordering::SeqCst), expected_calls, "lifetime {lifetime:?}");
    }
}

/// When the operation timeout cuts a credential fetch, the error names the
/// source it was waiting on, not only the timeout.
#[tokio::test]
async fn a_source_cut_by_the_operation_timeout_is_named() {
    let dir = scratch("credentials-cut-short");
    let sts = Server::start(vec![Reply::Silence]).await;
    std::fs::write(
        dir.join("config"),
        "[profile slow]\ncredential_process = sleep 30\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = keys\n",
    )
    .unwrap();
    std::fs::write(dir.join("credentials"), "[keys]\naws_access_key_id = AKID\naws_secret_access_key = s\n").unwrap();
    for (profile, named) in [
        ("slow", "credential_process of profile \"slow\""),
        ("role", "AssumeRole arn:aws:iam::123456789012:role/Deploy (profile \"role\")"),
    ] {
        let env = isolated(&[
            ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials").display().to_string()),
            ("AWS_PROFILE", profile.into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL_STS", sts.url.clone()),
            ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9".into()),
        ]);
        let builder = Config::builder().operation_timeout(Duration::from_millis(700));
        let client = Client::load_with(builder, &env).await.unwrap();
        let started = std::time::Instant::now();
        let error = call(&client).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{profile}: cut at the operation timeout");
        assert!(error.contains(named) && error.contains("operation timeout (700ms)"), "{profile}: {error}");
    }
}

/// The IMDSv2 session token is asked for once and reused while its TTL
/// lasts, even as the role's credentials are fetched again.
#[tokio::test]
async fn the_instance_metadata_session_token_is_reused() {
    let ecr = Server::start(vec![Reply::json(200, LIST), Reply::json(200, LIST)]).await;
    // Credentials that are due for a refresh at once (within five minutes
    // of expiry), so the second call fetches them again.
    let soon = ecr_client::DateTime::from(SystemTime::now() + Duration::from_secs(120)).to_string();
    let creds = format!(
        r#"{{"Code":"Success","AccessKeyId":"AKIDIMDS","SecretAccessKey":"i","Token":"it","Expiration":"{soon}"}}"#
    );
    let imds = Server::start(vec![
        Reply::Answer(200, vec![], b"imds-session-token".to_vec()),
        Reply::Answer(200, vec![], b"my-role".to_vec()),
        Reply::json(200, &creds),
        Reply::Answer(200, vec![], b"my-role".to_vec()),
        Reply::json(200, &creds),
    ])
    .await;
    let env = Environment::from_vars([
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone()),
        ("HOME", scratch("imds-reuse").display().to_string()),
    ]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    let heads: Vec<String> = imds.requests().iter().map(|r| r.head.lines().next().unwrap_or("").to_owned()).collect();
    assert_eq!(heads.iter().filter(|h| h.starts_with("PUT /latest/api/token")).count(), 1, "{heads:?}");
    assert_eq!(heads.iter().filter(|h| h.contains("security-credentials/my-role")).count(), 2, "{heads:?}");
}

/// A transient STS failure (a 500, then throttling) is retried; the role
/// is assumed on the third attempt.
#[tokio::test]
async fn sts_is_retried_after_transient_failures() {
    let dir = scratch("credentials-sts-retry");
    let ok = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
              <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
              <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
    let throttled =
        "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    let sts = Server::start(vec![
        Reply::Answer(500, vec![], b"<ErrorResponse/>".to_vec()),
        Reply::Answer(400, vec![], throttled.into()),
        Reply::Answer(200, vec![], ok.into()),
    ])
    .await;
    let ecr = Server::start(vec![Reply::json(200, LIST)]).await;
    std::fs::write(dir.join("config"), "[profile role]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = keys\n")
        .unwrap();
    std::fs::write(dir.join("credentials"), "[keys]\naws_access_key_id = AKID\naws_secret_access_key = s\n").unwrap();
    let env = isolated(&[
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials").display().to_string()),
        ("AWS_PROFILE", "role".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ENDPOINT_URL_STS", sts.url.clone()),
    ]);
    let client = Client::load_with(Config::builder().endpoint_url(&ecr.url), &env).await.unwrap();
    call(&client).await.unwrap();
    assert_eq!(sts.requests().len(), 3);
    assert!(authorization(&ecr).contains("Credential=ASIAROLE/"));
    assert!(sts.requests()[2].header("authorization").is_some_and(|a| a.contains("Credential=AKID/")));
}
