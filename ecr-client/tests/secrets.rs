//! Sentinel secrets in every place a secret can come from (environment
//! variables, profile files, a credential_process, container and instance
//! metadata, STS, a GetAuthorizationToken answer), then every output the
//! client makes is searched for them: `Debug` of every public type reachable
//! from a client, every error's `Display`, `Debug` and source chain, and
//! tracing output at TRACE level. Alone in its binary: it sets process
//! environment variables and installs a global tracing subscriber.

mod support;

use ecr_client::runtime::{DefaultCredentialsChain, Environment};
use ecr_client::{Client, Config, Credentials};
use std::error::Error;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use support::capture::Capture;
use support::fault_server::{Reply, Server};

/// Every planted secret contains this; nothing else does.
const SENTINEL: &str = "SENTINEL";

const LIST: &str = r#"{"imageIds":[]}"#;

fn credentials_json(id: &str, token_key: &str) -> String {
    format!(
        r#"{{"Code":"Success","AccessKeyId":"{id}","SecretAccessKey":"SENTINEL-{id}-SECRET","{token_key}":"SENTINEL-{id}-TOKEN","Expiration":"2099-01-01T00:00:00Z","Version":1}}"#
    )
}

/// Everything the client printed, one entry per output.
#[derive(Default)]
struct Outputs(Vec<(String, String)>);

impl Outputs {
    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.0.push((format!("Debug of {what}"), format!("{value:?} {value:#?}")));
    }

    fn error(&mut self, what: &str, error: &(dyn Error + 'static)) {
        let mut text = format!("{error} / {error:?}");
        let mut source = error.source();
        while let Some(cause) = source {
            let _ = write!(text, " / caused by {cause} / {cause:?}");
            source = cause.source();
        }
        self.0.push((format!("error of {what}"), text));
    }
}

/// Calls every way that reaches a secret, and records what comes out.
async fn exercise(client: &Client, what: &str, out: &mut Outputs) {
    out.debug(&format!("{what}: client"), client);
    out.debug(&format!("{what}: config"), client.config());
    match client.list_images().repository_name("app").send().await {
        Ok(images) => out.debug(&format!("{what}: ListImages output"), &images),
        Err(e) => out.error(&format!("{what}: ListImages"), &e),
    }
    // The token endpoint answers badly first, then well.
    for _ in 0..2 {
        match client.get_authorization_token().send().await {
            Ok(answer) => {
                out.debug(&format!("{what}: GetAuthorizationToken output"), &answer);
                match answer.logins() {
                    Ok(logins) => out.debug(&format!("{what}: logins"), &logins),
                    Err(e) => out.error(&format!("{what}: logins"), &e),
                }
            }
            Err(e) => out.error(&format!("{what}: GetAuthorizationToken"), &e),
        }
    }
    // Again, now that the client caches the credentials.
    out.debug(&format!("{what}: client after calls"), client);
}

/// An ECR stand-in: ListImages, then a garbled and a good token answer.
async fn ecr() -> Server {
    // The token is base64 of `AWS:SENTINEL-REGISTRY-PASSWORD`.
    let good = r#"{"authorizationData":[{"authorizationToken":"QVdTOlNFTlRJTkVMLVJFR0lTVFJZLVBBU1NXT1JE","proxyEndpoint":"https://1.dkr.ecr.us-east-1.amazonaws.com","expiresAt":1.7e9}]}"#;
    let garbled =
        r#"{"authorizationData":[{"authorizationToken":"SENTINEL-AUTH-TOKEN","expiresAt":"SENTINEL-not-a-time"}"#;
    Server::start(vec![Reply::json(200, LIST), Reply::json(200, garbled), Reply::json(200, good)]).await
}

#[tokio::test]
async fn no_secret_reaches_any_output() {
    let log = Arc::new(Mutex::new(String::new()));
    tracing::subscriber::set_global_default(Capture(log.clone())).unwrap();
    let mut out = Outputs::default();
    let dir = support::scratch("secrets");

    // 1. Client::from_env() over the process environment, with unrelated
    //    secrets and a variable that is not UTF-8 beside the credentials.
    let server = ecr().await;
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDENV");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "SENTINEL-ENV-SECRET");
    std::env::set_var("AWS_SESSION_TOKEN", "SENTINEL-ENV-TOKEN");
    std::env::set_var("DATABASE_PASSWORD", "SENTINEL-DATABASE-PASSWORD");
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::set_var("AWS_ENDPOINT_URL_ECR", &server.url);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::env::set_var("NOT_UTF8", std::ffi::OsStr::from_bytes(b"\xffSENTINEL-NOT-UTF8"));
    }
    let client = Client::from_env().await.expect("from_env skips variables that are not UTF-8");
    exercise(&client, "from_env", &mut out).await;
    out.debug("Environment::from_process", &Environment::from_process());
    out.debug("DefaultCredentialsChain", &DefaultCredentialsChain::new(Environment::from_process()));
    assert_eq!(server.requests()[0].header("x-amz-security-token"), Some("SENTINEL-ENV-TOKEN"), "the env was used");

    // 2. A client from the builder.
    let server = ecr().await;
    let credentials =
        Credentials::new("AKIDBUILDER", "SENTINEL-BUILDER-SECRET").with_session_token("SENTINEL-BUILDER-TOKEN");
    let builder = Config::builder().region("us-east-1").endpoint_url(&server.url).credentials(credentials.clone());
    out.debug("ConfigBuilder", &builder);
    out.debug("Credentials", &credentials);
    exercise(&Client::new(builder.build().unwrap()).unwrap(), "builder", &mut out).await;

    // 3. Every credential source, from an environment of its own.
    let container = Server::start(vec![Reply::json(200, &credentials_json("AKIDCONTAINER", "Token"))]).await;
    let imds = Server::start(vec![
        Reply::Answer(200, vec![], b"SENTINEL-IMDS-SESSION".to_vec()),
        Reply::Answer(200, vec![], b"role".to_vec()),
        Reply::json(200, &credentials_json("AKIDIMDS", "Token")),
    ])
    .await;
    let sts_answer = "<R><Credentials><AccessKeyId>AKIDSTS</AccessKeyId><SecretAccessKey>SENTINEL-STS-SECRET</SecretAccessKey>\
                      <SessionToken>SENTINEL-STS-TOKEN</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></R>";
    let sts = Server::start(vec![Reply::Answer(200, vec![], sts_answer.into())]).await;
    let assumed = sts_answer.replace("AKIDSTS", "AKIDROLE").replace("SENTINEL-STS", "SENTINEL-ROLE");
    let sts_for_roles = Server::start(vec![Reply::Answer(200, vec![], assumed.into())]).await;
    // SSO: an expired cached token is refreshed with SSO-OIDC, then
    // exchanged at the portal; both tokens and the keys are sentinels.
    let oidc_answer =
        r#"{"accessToken":"SENTINEL-SSO-NEW-ACCESS","expiresIn":3600,"refreshToken":"SENTINEL-SSO-NEW-REFRESH"}"#;
    let portal_answer = r#"{"roleCredentials":{"accessKeyId":"AKIDSSO","secretAccessKey":"SENTINEL-SSO-SECRET","sessionToken":"SENTINEL-SSO-TOKEN","expiration":4070908800000}}"#;
    let sso = Server::start(vec![Reply::json(200, oidc_answer), Reply::json(200, portal_answer)]).await;
    let sso_cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&sso_cache).unwrap();
    // The AWS CLI's file name for sso-session `corp`: SHA-1 of the name.
    std::fs::write(
        sso_cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"startUrl":"https://corp.example/start","region":"us-east-1","accessToken":"SENTINEL-SSO-OLD-ACCESS","expiresAt":"2020-01-01T00:00:00Z","clientId":"client","clientSecret":"SENTINEL-SSO-CLIENT-SECRET","registrationExpiresAt":"2099-01-01T00:00:00Z","refreshToken":"SENTINEL-SSO-OLD-REFRESH"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("jwt"), "SENTINEL-WEB-IDENTITY-JWT").unwrap();
    std::fs::write(dir.join("process.sh"), format!("echo '{}'\n", credentials_json("AKIDPROCESS", "SessionToken")))
        .unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[keys]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = SENTINEL-PROFILE-SECRET\n\
         aws_session_token = SENTINEL-PROFILE-TOKEN\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("config"),
        format!(
            "[profile process]\ncredential_process = sh {}\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\n\
             source_profile = keys\n[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n\
             [sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = us-east-1\n",
            dir.join("process.sh").display()
        ),
    )
    .unwrap();
    let files = [
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials").display().to_string()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("HOME", dir.display().to_string()),
    ];
    let sources: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("profile keys", vec![("AWS_PROFILE", "keys".into())]),
        ("credential_process", vec![("AWS_PROFILE", "process".into())]),
        (
            "container",
            vec![
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container.url.clone()),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "SENTINEL-CONTAINER-AUTH".into()),
            ],
        ),
        ("instance metadata", vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.clone())]),
        ("assumed role", vec![("AWS_PROFILE", "role".into()), ("AWS_ENDPOINT_URL_STS", sts_for_roles.url.clone())]),
        // The same role again: now from the AWS CLI's cache file.
        (
            "assumed role, cached",
            vec![("AWS_PROFILE", "role".into()), ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9".into())],
        ),
        (
            "SSO",
            vec![
                ("AWS_PROFILE", "sso".into()),
                ("AWS_ENDPOINT_URL_SSO", sso.url.clone()),
                ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url.clone()),
            ],
        ),
        (
            "web identity",
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", dir.join("jwt").display().to_string()),
                ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r".into()),
                ("AWS_ENDPOINT_URL_STS", sts.url.clone()),
            ],
        ),
    ];
    for (source, vars) in sources {
        let server = ecr().await;
        let mut vars: Vec<(&str, String)> = vars;
        vars.extend(files.iter().cloned());
        vars.push(("AWS_ENDPOINT_URL_ECR", server.url.clone()));
        vars.push(("OTHER_SECRET", "SENTINEL-OTHER".into()));
        let env = Environment::from_vars(vars);
        out.debug(&format!("{source}: Environment"), &env);
        let client = Client::load_with(Config::builder(), &env).await.unwrap();
        exercise(&client, source, &mut out).await;
        let signed = server.requests()[0].header("x-amz-security-token").map(str::to_owned);
        assert!(signed.is_some_and(|t| t.contains(SENTINEL)), "{source}: the planted credentials were used");
    }

    assert!(dir.join(".aws/cli/cache").read_dir().unwrap().count() == 1, "the assumed role was cached");
    let token_file = std::fs::read_to_string(sso_cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json")).unwrap();
    assert!(token_file.contains("SENTINEL-SSO-NEW-REFRESH"), "the refreshed SSO token was written back");

    // 4. SSO refusals, which see the tokens: the portal refuses the
    //    refreshed token, then the cached one has expired for good.
    let refusing = Server::start(vec![Reply::json(401, r#"{"message":"no"}"#)]).await;
    for round in ["portal refuses", "token expired"] {
        let mut vars: Vec<(&str, String)> = files.to_vec();
        vars.extend([
            ("AWS_PROFILE", "sso".to_owned()),
            ("AWS_ENDPOINT_URL_SSO", refusing.url.clone()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", refusing.url.clone()),
            ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9".into()),
        ]);
        if round == "token expired" {
            std::fs::write(
                sso_cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
                r#"{"accessToken":"SENTINEL-SSO-EXPIRED","expiresAt":"2020-01-01T00:00:00Z"}"#,
            )
            .unwrap();
        }
        let client = Client::load_with(Config::builder(), &Environment::from_vars(vars)).await.unwrap();
        let error = client.list_images().repository_name("app").send().await.unwrap_err();
        assert!(error.to_string().contains("aws sso login"), "{round}: {error}");
        out.error(&format!("SSO: {round}"), &error);
    }

    // 5. Configuration errors that see a secret.
    let typo_file = dir.join("typo");
    std::fs::write(&typo_file, "[default]\naws_secret_access_key: SENTINEL-TYPO-SECRET\n").unwrap();
    let env =
        Environment::from_vars([("AWS_SHARED_CREDENTIALS_FILE", typo_file.display().to_string()), files[2].clone()]);
    let typo = Client::load_with(Config::builder(), &env).await.unwrap_err();
    out.error("a profile line with a typo", &typo);
    assert!(typo.to_string().contains("aws_secret_access_key"), "{typo}");
    let userinfo = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "s"))
        .endpoint_url("https://admin:SENTINEL-URL-PASSWORD@proxy.example/")
        .build()
        .unwrap_err();
    out.error("an endpoint with user info", &userinfo);

    // Positive controls: the outputs are real and name what they should.
    let everything: String = out.0.iter().map(|(what, text)| format!("{what}: {text}\n")).collect();
    assert!(everything.contains("AKIDENV") && everything.contains("AKIDPROFILE"), "access key ids show");
    assert!(everything.contains("is not a valid GetAuthorizationToken response"), "the garbled answer was seen");
    assert!(everything.contains("password: ** redacted **"), "the logins were decoded");
    let log = log.lock().unwrap().clone();
    assert!(log.contains("operation=\"GetAuthorizationToken\"") && log.contains("loaded credentials"), "{log}");

    for (what, text) in out.0.iter().chain([("tracing at TRACE".to_owned(), log.clone())].iter()) {
        if let Some(at) = text.find(SENTINEL) {
            let start = text[..at].char_indices().rev().nth(120).map_or(0, |(i, _)| i);
            panic!("a secret reached {what}: …{}…", &text[start..(at + 40).min(text.len())]);
        }
    }
}
