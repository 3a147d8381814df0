//! Credentials and where they come from: the AWS CLI's order of sources
//! (environment, shared profile files with `credential_process`, container
//! credentials, EC2 instance metadata), a trait to bring your own, and a
//! cache that refreshes temporary credentials before they expire.

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

/// Why no credentials could be had: every source tried, and why each failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    /// An error with this explanation.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no usable AWS credentials: {}", self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type CredentialsFuture<'a> = Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implement it to bring your own; the client
/// caches what it returns until shortly before `expires_at`.
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

/// A provider with its last answer cached until near expiry.
#[derive(Debug, Clone)]
pub(crate) struct CachedProvider {
    provider: Arc<dyn ProvideCredentials>,
    cached: Arc<Mutex<Option<Credentials>>>,
}

impl CachedProvider {
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self { provider, cached: Arc::default() }
    }

    /// Cached credentials while fresh, else new ones from the provider.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let fresh = |c: &Credentials| c.expires_at().is_none_or(|at| SystemTime::now() + REFRESH_BEFORE_EXPIRY < at);
        if let Some(credentials) = self.cached.lock().unwrap_or_else(|e| e.into_inner()).as_ref().filter(|c| fresh(c)) {
            return Ok(credentials.clone());
        }
        let credentials = self.provider.provide_credentials().await?;
        tracing::debug!(provider = ?self.provider, expires_at = ?credentials.expires_at().map(DateTime::from), "loaded credentials");
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(credentials.clone());
        Ok(credentials)
    }
}

/// The AWS CLI's order of credential sources, tried until one answers.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    env: Environment,
    /// For container and instance metadata; why not, if it cannot be built.
    http: Result<reqwest::Client, String>,
}

impl DefaultCredentialsChain {
    /// The chain, reading the given environment.
    pub fn new(env: Environment) -> Self {
        // Metadata endpoints answer in milliseconds or not at all: off EC2
        // and ECS they must fail fast, not hang.
        let builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(2))
            .no_proxy();
        Self { env, http: super::client::http_client(builder) }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // Each source either answers, says why it does not apply (pushed to
        // `tried`), or fails: a source that is configured but broken is the
        // answer, not a reason to fall through to the next.
        let mut tried = Vec::new();
        if let Some(found) = environment_credentials(&self.env, &mut tried).map_err(CredentialsError::new)? {
            return Ok(found);
        }
        if let Some(found) = self.profile_credentials(&mut tried).await.map_err(CredentialsError::new)? {
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

    async fn profile_credentials(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        let profile = Profile::load(&self.env)?;
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
            return credential_process(command)
                .await
                .map(Some)
                .map_err(|e| format!("{label}: credential_process: {e}"));
        }
        let needs_sdk = ["role_arn", "sso_session", "sso_start_url", "web_identity_token_file"];
        if let Some(key) = needs_sdk.iter().find(|k| profile.get(k).is_some()) {
            return Err(format!(
                "{label} uses {key}, which this client does not resolve itself: enable the `aws-config` feature \
                 (AwsConfigCredentials) or use credentials the AWS CLI exports"
            ));
        }
        tried.push(format!("{label}: no aws_access_key_id/aws_secret_access_key or credential_process"));
        Ok(None)
    }

    /// ECS and EKS container credentials.
    async fn container_credentials(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        let url = match (
            self.env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            self.env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        ) {
            (Some(relative), _) => format!("http://169.254.170.2{relative}"),
            (None, Some(full)) => full.to_owned(),
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
        let http = self.http.as_ref().map_err(|e| format!("container: cannot build an HTTP client: {e}"))?;
        let mut request = http.get(&url);
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
        let http = self.http.as_ref().map_err(|e| format!("instance metadata: cannot build an HTTP client: {e}"))?;
        let token_request =
            http.put(format!("{base}/latest/api/token")).header("x-aws-ec2-metadata-token-ttl-seconds", "21600");
        let token = match fetch(token_request).await {
            Ok(token) => token,
            Err(e) => {
                tried.push(format!("instance metadata: {base}: {e}"));
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

/// Runs a profile's `credential_process` and reads its JSON answer.
async fn credential_process(command: &str) -> Result<Credentials, String> {
    let (shell, flag) = if cfg!(windows) { ("cmd", "/C") } else { ("sh", "-c") };
    let mut child = std::process::Command::new(shell);
    child.args([flag, command]).stdin(std::process::Stdio::null());
    // The process may take a moment (a password manager); keep the runtime free.
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .map_err(|e| format!("could not run: {e}"))?
        .map_err(|e| format!("could not run: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("exited with {}: {}", output.status, stderr.trim()));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version =
        serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v.get("Version").and_then(|v| v.as_i64()));
    if version != Some(1) {
        return Err("expected a JSON object with \"Version\": 1".into());
    }
    parse_credentials_json(&text, "SessionToken")
}

/// `{"AccessKeyId", "SecretAccessKey", <token_key>, "Expiration"}`, the form
/// container, instance metadata and credential processes answer in.
fn parse_credentials_json(text: &str, token_key: &str) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("answer is not JSON: {e}"))?;
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

async fn fetch(request: reqwest::RequestBuilder) -> Result<String, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    Ok(text)
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
        assert!(parse_credentials_json(r#"{"AccessKeyId":"A"}"#, "Token").unwrap_err().contains("lacks"));
        assert!(parse_credentials_json(r#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}"#, "Token")
            .unwrap_err()
            .contains("not an RFC 3339 time"));
    }
}
