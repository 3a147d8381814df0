//! Credentials and where they come from: the types, a trait to bring your
//! own, a cache that refreshes temporary credentials before they expire (one
//! fetch for all callers), and the sources of botocore's default chain, one
//! to a module.

mod assume_role;
mod chain;
mod container;
mod env_vars;
mod file_cache;
pub(crate) mod fuzz;
mod instance_metadata;
mod process;
mod query;
mod sso;
mod web_identity;

pub use chain::{DefaultCredentialsChain, MfaPrompt, DEFAULT_PROCESS_TIMEOUT};

use super::wire::DateTime;
use crate::transport::RequestBuilder;
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

    /// What a fetch under way is waiting for (`credential_process of
    /// profile "ci"`, `AssumeRole arn:…`), so that when a deadline cuts it
    /// the error can name the source. `None` by default.
    fn pending(&self) -> Option<String> {
        None
    }
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

    /// What the provider's fetch under way is waiting for.
    pub fn pending(&self) -> Option<String> {
        self.provider.pending()
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
pub(crate) async fn fetch(request: RequestBuilder) -> Result<String, String> {
    let (status, body) = fetch_answer(request).await?;
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    Ok(body)
}

/// Sends a request for a small text answer: its status and body, refusing
/// a body over [`MAX_CREDENTIALS_ANSWER`].
pub(crate) async fn fetch_answer(request: RequestBuilder) -> Result<(u16, String), String> {
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
