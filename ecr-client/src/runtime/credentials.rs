//! Credentials and where they come from: the AWS CLI's order of sources
//! (environment, shared profile files with `credential_process`, web
//! identity, container credentials, EC2 instance metadata), a trait to bring
//! your own, and a cache that refreshes temporary credentials before they
//! expire, one fetch for all callers.

use super::environment::Environment;
use super::profile::Profile;
use super::wire::DateTime;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// AWS credentials. `Debug` never shows the secret key or session token.
/// Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(Arc<Keys>);

#[derive(PartialEq, Eq)]
struct Keys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials (an access key pair).
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self(Arc::new(Keys {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
            expires_at: None,
        }))
    }

    /// Adds a session token (temporary credentials); it is sent and signed
    /// as `X-Amz-Security-Token`.
    pub fn with_session_token(self, token: impl Into<String>) -> Self {
        self.edit(|k| k.session_token = Some(token.into()))
    }

    /// Sets when temporary credentials stop working.
    pub fn with_expiry(self, expires_at: SystemTime) -> Self {
        self.edit(|k| k.expires_at = Some(expires_at))
    }

    fn edit(self, change: impl FnOnce(&mut Keys)) -> Self {
        let mut keys = Arc::try_unwrap(self.0).unwrap_or_else(|shared| Keys {
            access_key_id: shared.access_key_id.clone(),
            secret_access_key: shared.secret_access_key.clone(),
            session_token: shared.session_token.clone(),
            expires_at: shared.expires_at,
        });
        change(&mut keys);
        Self(Arc::new(keys))
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When temporary credentials expire.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.0.expires_at
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.0.access_key_id)
            .field("secret_access_key", &super::Redacted)
            .field("session_token", &self.0.session_token.as_ref().map(|_| super::Redacted))
            .field("expires_at", &self.0.expires_at.map(DateTime::from))
            .finish()
    }
}

/// Why no credentials could be had: the source at fault (or every source
/// tried, and why each did not apply), and the operation that needed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
    operation: Option<&'static str>,
}

impl CredentialsError {
    /// An error with this explanation.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), operation: None }
    }

    /// The same error, as the failure of `operation`.
    pub(crate) fn during(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// The operation that could not be signed, when the error comes from a
    /// call.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.operation {
            write!(f, "{operation} failed: ")?;
        }
        write!(f, "no usable AWS credentials: {}", self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type CredentialsFuture<'a> = Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implement it to bring your own; the client
/// caches what it returns until shortly before `expires_at`.
///
/// Its `Debug` is printed in the client's: show where credentials come
/// from, never a secret.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Fetches credentials.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);
/// After a failed refresh while the current credentials still work, the
/// next refresh waits this long, so a broken source is not asked on every
/// call.
const RETRY_REFRESH_AFTER: Duration = Duration::from_secs(10);

/// A provider with its last answer cached until near expiry. Concurrent
/// callers share one fetch.
#[derive(Clone)]
pub(crate) struct CachedProvider {
    provider: Arc<dyn ProvideCredentials>,
    state: Arc<Mutex<Cache>>,
    /// Held while fetching: callers that find the cache stale queue here and
    /// then find it fresh.
    fetching: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Cache {
    credentials: Option<Credentials>,
    /// When a refresh last failed while the credentials were still valid.
    failed_refresh: Option<SystemTime>,
}

impl CachedProvider {
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self { provider, state: Arc::default(), fetching: Arc::default() }
    }

    /// Cached credentials while fresh, else new ones from the provider
    /// (fetched once for all concurrent callers). If a refresh fails while
    /// the cached credentials have not expired, those are used (with a
    /// warning); once they have, the failure is the answer.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        if let Some(credentials) = self.usable_without_fetch() {
            return Ok(credentials);
        }
        let _fetching = self.fetching.lock().await;
        if let Some(credentials) = self.usable_without_fetch() {
            return Ok(credentials);
        }
        let result = self.provider.provide_credentials().await;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(credentials) => {
                tracing::debug!(provider = ?self.provider, expires_at = ?credentials.expires_at().map(DateTime::from), "loaded credentials");
                *state = Cache { credentials: Some(credentials.clone()), failed_refresh: None };
                Ok(credentials)
            }
            Err(e) => match state.credentials.clone().filter(|c| !expired(c, SystemTime::now())) {
                Some(current) => {
                    tracing::warn!(error = %e, "refreshing credentials failed; using the current ones until they expire");
                    state.failed_refresh = Some(SystemTime::now());
                    Ok(current)
                }
                None => Err(e),
            },
        }
    }

    fn usable_without_fetch(&self) -> Option<Credentials> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let credentials = state.credentials.as_ref()?;
        let now = SystemTime::now();
        let fresh = credentials.expires_at().is_none_or(|at| now + REFRESH_BEFORE_EXPIRY < at);
        let resting =
            state.failed_refresh.is_some_and(|at| now < at + RETRY_REFRESH_AFTER) && !expired(credentials, now);
        (fresh || resting).then(|| credentials.clone())
    }
}

/// The source, and the expiry of what is cached; never the credentials.
impl fmt::Debug for CachedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let cached =
            state.credentials.as_ref().map(|c| (c.access_key_id().to_owned(), c.expires_at().map(DateTime::from)));
        f.debug_struct("CachedProvider")
            .field("provider", &self.provider)
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}

fn expired(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expires_at().is_some_and(|at| at <= now)
}

/// Default time a `credential_process` may run before it is stopped.
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// The AWS CLI's order of credential sources, tried until one answers:
/// environment variables, the shared profile (keys or
/// `credential_process`), web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` with
/// `AWS_ROLE_ARN`, as EKS sets them), container credentials, then EC2
/// instance metadata. A source that is configured but fails is the answer:
/// the chain never falls through to another identity.
pub struct DefaultCredentialsChain {
    env: Environment,
    region: Option<String>,
    process_timeout: Duration,
    /// For STS, container and instance metadata; why not, if it cannot be
    /// built.
    http: Result<reqwest::Client, String>,
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("env", &self.env)
            .field("region", &self.region)
            .field("process_timeout", &self.process_timeout)
            .finish_non_exhaustive()
    }
}

impl DefaultCredentialsChain {
    /// The chain, reading the given environment.
    pub fn new(env: Environment) -> Self {
        // Metadata endpoints answer in milliseconds or not at all: off EC2
        // and ECS they must fail fast, not hang. STS gets the same bound.
        let builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(5))
            .no_proxy();
        Self { env, region: None, process_timeout: DEFAULT_PROCESS_TIMEOUT, http: super::tls::http_client(builder) }
    }

    /// The region whose STS endpoint web identity uses (default: the
    /// environment's or profile's region, else STS's global endpoint).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// How long a `credential_process` may run before it is stopped
    /// (default 60 s).
    pub fn with_process_timeout(mut self, timeout: Duration) -> Self {
        self.process_timeout = timeout;
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // Each source either answers, says why it does not apply (pushed to
        // `tried`), or fails: a source that is configured but broken is the
        // answer, not a reason to fall through to the next.
        let mut tried = Vec::new();
        if let Some(found) = environment_credentials(&self.env, &mut tried).map_err(CredentialsError::new)? {
            return Ok(found);
        }
        let profile = Profile::load(&self.env).map_err(CredentialsError::new)?;
        if let Some(found) = self.profile_credentials(&profile, &mut tried).await.map_err(CredentialsError::new)? {
            return Ok(found);
        }
        if let Some(found) = self.web_identity(&profile, &mut tried).await.map_err(CredentialsError::new)? {
            return Ok(found);
        }
        if let Some(found) = self.container_credentials(&mut tried).await.map_err(CredentialsError::new)? {
            return Ok(found);
        }
        if let Some(found) = self.instance_metadata_credentials(&mut tried).await.map_err(CredentialsError::new)? {
            return Ok(found);
        }
        Err(CredentialsError::new(format!("tried {}", tried.join("; "))))
    }

    fn http(&self, source: &str) -> Result<&reqwest::Client, String> {
        self.http.as_ref().map_err(|e| format!("{source}: cannot build an HTTP client: {e}"))
    }

    async fn profile_credentials(
        &self,
        profile: &Profile,
        tried: &mut Vec<String>,
    ) -> Result<Option<Credentials>, String> {
        let label = format!("profile {:?} in {}", profile.name, profile.describe_sources());
        if !profile.found {
            tried.push(format!("{label}: no such profile"));
            return Ok(None);
        }
        if let (Some(id), Some(secret)) = (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
            let credentials = Credentials::new(id, secret);
            return Ok(Some(match profile.get("aws_session_token") {
                Some(token) => credentials.with_session_token(token),
                None => credentials,
            }));
        }
        if let Some(command) = profile.get("credential_process") {
            return super::process::credentials(command, self.process_timeout)
                .await
                .map(Some)
                .map_err(|e| format!("{label}: credential_process: {e}"));
        }
        if profile.get("web_identity_token_file").is_some() {
            return Ok(None); // web identity, next
        }
        let needs_sdk = ["role_arn", "sso_session", "sso_start_url"];
        if let Some(key) = needs_sdk.iter().find(|k| profile.get(k).is_some()) {
            return Err(format!(
                "{label} uses {key}, which this client does not resolve itself: enable the `aws-config` feature \
                 (AwsConfigCredentials) or use credentials the AWS CLI exports"
            ));
        }
        tried.push(format!("{label}: no aws_access_key_id/aws_secret_access_key or credential_process"));
        Ok(None)
    }

    /// `AssumeRoleWithWebIdentity` from the environment's (or else the
    /// profile's) token file and role.
    async fn web_identity(&self, profile: &Profile, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        let from_env = (self.env.var("AWS_WEB_IDENTITY_TOKEN_FILE"), self.env.var("AWS_ROLE_ARN"));
        let (settings, token_file, role_arn, session_name) = match from_env {
            (Some(file), Some(role)) => {
                ("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN", file, role, self.env.var("AWS_ROLE_SESSION_NAME"))
            }
            (Some(_), None) => {
                return Err("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not".into())
            }
            (None, Some(_)) => {
                return Err("web identity: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not".into())
            }
            (None, None) => match (profile.get("web_identity_token_file"), profile.get("role_arn")) {
                (Some(file), Some(role)) => {
                    ("the profile's web_identity_token_file and role_arn", file, role, profile.get("role_session_name"))
                }
                (Some(_), None) => {
                    return Err(format!(
                        "web identity: profile {:?} has web_identity_token_file but no role_arn",
                        profile.name
                    ))
                }
                _ => {
                    tried.push("web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set".into());
                    return Ok(None);
                }
            },
        };
        let region = self
            .region
            .as_deref()
            .or_else(|| self.env.var("AWS_REGION"))
            .or_else(|| self.env.var("AWS_DEFAULT_REGION"))
            .or_else(|| profile.get("region"));
        let request = super::web_identity::Request {
            sts_endpoint: super::web_identity::sts_endpoint(&self.env, region),
            role_arn,
            token_file,
            session_name,
        };
        let http = self.http("web identity")?;
        request.assume_role(http).await.map(Some).map_err(|e| format!("web identity ({settings}): {e}"))
    }

    /// ECS and EKS container credentials.
    async fn container_credentials(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        let url = match (
            self.env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            self.env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        ) {
            (Some(relative), _) => format!("http://169.254.170.2{relative}"),
            (None, Some(full)) => {
                allowed_container_uri(full)
                    .map_err(|why| format!("container: AWS_CONTAINER_CREDENTIALS_FULL_URI {why}"))?;
                full.to_owned()
            }
            (None, None) => {
                tried.push("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI are not set".into());
                return Ok(None);
            }
        };
        let token = match (
            self.env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
            self.env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        ) {
            (Some(file), _) => Some(
                std::fs::read_to_string(file)
                    .map_err(|e| format!("container: cannot read {file}: {e}"))?
                    .trim()
                    .to_owned(),
            ),
            (None, token) => token.map(str::to_owned),
        };
        let mut request = self.http("container")?.get(&url);
        if let Some(token) = token {
            request = request.header("authorization", token);
        }
        let body = fetch(request).await.map_err(|e| format!("container: {url}: {e}"))?;
        parse_credentials_json(&body, "Token").map(Some).map_err(|e| format!("container: {url}: {e}"))
    }

    /// EC2 instance metadata, version 2 (session token first).
    async fn instance_metadata_credentials(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        if self.env.flag("AWS_EC2_METADATA_DISABLED") == Some(true) {
            tried.push("instance metadata: disabled by AWS_EC2_METADATA_DISABLED".into());
            return Ok(None);
        }
        let base =
            self.env.var("AWS_EC2_METADATA_SERVICE_ENDPOINT").unwrap_or("http://169.254.169.254").trim_end_matches('/');
        let shown = super::config::without_userinfo(base);
        let http = self.http("instance metadata")?;
        let token_request =
            http.put(format!("{base}/latest/api/token")).header("x-aws-ec2-metadata-token-ttl-seconds", "21600");
        let token = match fetch(token_request).await {
            Ok(token) => token,
            Err(e) => {
                tried.push(format!("instance metadata: {shown}: {e}"));
                return Ok(None);
            }
        };
        let get = |path: String| http.get(format!("{base}{path}")).header("x-aws-ec2-metadata-token", token.trim());
        let roles = fetch(get("/latest/meta-data/iam/security-credentials/".into()))
            .await
            .map_err(|e| format!("instance metadata: no instance role: {e}"))?;
        let role = roles
            .lines()
            .next()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or("instance metadata: no instance role")?;
        let body = fetch(get(format!("/latest/meta-data/iam/security-credentials/{role}")))
            .await
            .map_err(|e| format!("instance metadata: role {role}: {e}"))?;
        parse_credentials_json(&body, "Token").map(Some).map_err(|e| format!("instance metadata: role {role}: {e}"))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
fn environment_credentials(env: &Environment, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
    match (env.var("AWS_ACCESS_KEY_ID"), env.var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => {
            let credentials = Credentials::new(id, secret);
            Ok(Some(match env.var("AWS_SESSION_TOKEN") {
                Some(token) => credentials.with_session_token(token),
                None => credentials,
            }))
        }
        (Some(_), None) => Err("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into()),
        (None, Some(_)) => Err("environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into()),
        (None, None) => {
            tried.push("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into());
            Ok(None)
        }
    }
}

/// The AWS SDKs' rule for `AWS_CONTAINER_CREDENTIALS_FULL_URI`: https to
/// any host; plain http only to loopback or the ECS and EKS agents'
/// link-local addresses, where nothing on the network can read the answer.
fn allowed_container_uri(uri: &str) -> Result<(), String> {
    let shown = super::config::without_userinfo(uri);
    let url = reqwest::Url::parse(uri).map_err(|e| format!("{shown:?} is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{shown:?} is refused: it has user info"));
    }
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let allowed = match (url.scheme(), host.parse::<std::net::IpAddr>()) {
        ("https", _) => !host.is_empty(),
        ("http", Ok(std::net::IpAddr::V4(ip))) => {
            ip.is_loopback() || [[169, 254, 170, 2], [169, 254, 170, 23]].contains(&ip.octets())
        }
        ("http", Ok(std::net::IpAddr::V6(ip))) => {
            ip.is_loopback() || ip == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23)
        }
        ("http", Err(_)) => host.eq_ignore_ascii_case("localhost"),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "{shown:?} is refused: use https, or http to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ))
    }
}

/// `{"AccessKeyId", "SecretAccessKey", <token_key>, "Expiration"}`, the form
/// container, instance metadata and credential processes answer in. Errors
/// describe the answer, never quote it.
pub(crate) fn parse_credentials_json(text: &str, token_key: &str) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("answer is not JSON (at line {} column {})", e.line(), e.column()))?;
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).filter(|v| !v.is_empty());
    if let Some(code) = field("Code").filter(|c| *c != "Success") {
        return Err(format!("answer has Code {code:?}: {}", field("Message").unwrap_or("no message")));
    }
    let (Some(id), Some(secret)) = (field("AccessKeyId"), field("SecretAccessKey")) else {
        return Err("answer lacks AccessKeyId or SecretAccessKey".into());
    };
    let mut credentials = Credentials::new(id, secret);
    if let Some(token) = field(token_key) {
        credentials = credentials.with_session_token(token);
    }
    if let Some(expiration) = field("Expiration") {
        let at = DateTime::parse_rfc3339(expiration)
            .ok_or_else(|| format!("Expiration {expiration:?} is not an RFC 3339 time"))?;
        credentials = credentials.with_expiry(at.into());
    }
    Ok(credentials)
}

/// The largest answer a credentials endpoint may send: real ones are under
/// 2 KiB.
pub(crate) const MAX_CREDENTIALS_ANSWER: usize = 64 * 1024;

/// Sends a request for a small text answer: its body if the status is 2xx.
pub(crate) async fn fetch(request: reqwest::RequestBuilder) -> Result<String, String> {
    let (status, body) = fetch_answer(request).await?;
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    Ok(body)
}

/// Sends a request for a small text answer: its status and body, refusing
/// a body over [`MAX_CREDENTIALS_ANSWER`].
pub(crate) async fn fetch_answer(request: reqwest::RequestBuilder) -> Result<(u16, String), String> {
    let mut response = request.send().await.map_err(|e| super::error::chain(&e))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| super::error::chain(&e))? {
        if body.len() + chunk.len() > MAX_CREDENTIALS_ANSWER {
            return Err(format!("the answer is larger than {MAX_CREDENTIALS_ANSWER} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let body = String::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_owned())?;
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("AKIDVISIBLE", "very-secret").with_session_token("token-secret");
        let text = format!("{credentials:?}");
        assert!(text.contains("AKIDVISIBLE"));
        assert!(!text.contains("very-secret") && !text.contains("token-secret"), "{text}");
    }

    #[test]
    fn credential_json_forms() {
        let c = parse_credentials_json(
            r#"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#,
            "Token",
        )
        .unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("A", "S", Some("T")));
        assert_eq!(c.expires_at(), Some(DateTime::from_secs(1_893_456_000).into()));
        assert!(parse_credentials_json(r#"{"Code":"Failure","Message":"no role"}"#, "Token")
            .unwrap_err()
            .contains("no role"));
        assert!(parse_credentials_json("<html>", "Token").unwrap_err().contains("not JSON"));
        // A body that is almost JSON is described, not quoted.
        let e = parse_credentials_json(r#"{"SecretAccessKey":"SENTINEL"#, "Token").unwrap_err();
        assert!(!e.contains("SENTINEL"), "{e}");
        assert!(parse_credentials_json(r#"{"AccessKeyId":"A"}"#, "Token").unwrap_err().contains("lacks"));
        assert!(parse_credentials_json(r#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}"#, "Token")
            .unwrap_err()
            .contains("not an RFC 3339 time"));
    }
}

#[cfg(test)]
mod uri_tests {
    use super::allowed_container_uri;

    #[test]
    fn container_uris_as_the_sdks_allow_them() {
        for ok in [
            "https://creds.example/x",
            "http://127.0.0.1:8080/x",
            "http://127.9.9.9/x",
            "http://localhost/x",
            "http://169.254.170.2/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/x",
            "http://[::1]:9/x",
        ] {
            assert_eq!(allowed_container_uri(ok), Ok(()), "{ok}");
        }
        for refused in ["http://10.0.0.1/x", "http://169.254.169.254/x", "http://evil.example/x", "ftp://127.0.0.1/x"] {
            assert!(allowed_container_uri(refused).unwrap_err().contains("is refused"), "{refused}");
        }
        let e = allowed_container_uri("https://user:SENTINEL@creds.example/x").unwrap_err();
        assert!(e.contains("user info") && !e.contains("SENTINEL"), "{e}");
    }
}
