//! Client configuration: region, credentials, endpoint and timeouts.

use super::retry::RetryConfig;
use std::fmt;
use std::time::Duration;

/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time one attempt may take, from sending to the end of the body.
/// Generous enough for a 20 MiB layer part on a slow link; calls never hang.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest answer body accepted: far above any ECR answer, far below
/// what would hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// Default time a whole operation may take, retries and waits included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(180);

/// AWS credentials. `Debug` never shows the secret key or session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials (an access key pair).
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self { access_key_id: access_key_id.into(), secret_access_key: secret_access_key.into(), session_token: None }
    }

    /// Adds a session token (temporary credentials); it is sent and signed
    /// as `X-Amz-Security-Token`.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &super::Redacted)
            .field("session_token", &self.session_token.as_ref().map(|_| super::Redacted))
            .finish()
    }
}

/// Everything a client needs to call a service. Build one with
/// [`Config::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) credentials: Credentials,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) max_response_bytes: u64,
}

impl Config {
    /// A builder with default timeouts and nothing else set.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The region requests are sent to and signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint override, if one is set.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }
}

/// Builds a [`Config`]; region and credentials are required.
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<Credentials>,
    endpoint_url: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    max_response_bytes: Option<u64>,
}

impl ConfigBuilder {
    /// The region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The credentials requests are signed with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends every request to this URL instead of the region's endpoint
    /// (a local emulator, a VPC endpoint, a proxy).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Uses the region's FIPS 140 endpoint.
    pub fn use_fips(mut self, fips: bool) -> Self {
        self.use_fips = fips;
        self
    }

    /// Uses the region's dual-stack (IPv4 and IPv6) endpoint.
    pub fn use_dual_stack(mut self, dual_stack: bool) -> Self {
        self.use_dual_stack = dual_stack;
        self
    }

    /// Retry settings (default: AWS standard mode, 3 attempts);
    /// [`RetryConfig::disabled`] turns retries off.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Time allowed for a whole operation, every attempt and the waits
    /// between them included (default 180 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The largest answer body accepted, in bytes (default 64 MiB); a larger
    /// one is an error, not an allocation.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Time allowed to establish a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt, from sending the request to the end of
    /// the answer's body (default 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let region = self.region.filter(|r| !r.is_empty()).ok_or(ConfigError::MissingRegion)?;
        if !region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ConfigError::InvalidRegion(region));
        }
        let credentials = self.credentials.ok_or(ConfigError::MissingCredentials)?;
        let endpoint_url = match self.endpoint_url {
            Some(url) => {
                let parsed =
                    reqwest::Url::parse(&url).map_err(|e| ConfigError::InvalidEndpoint(url.clone(), e.to_string()))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                    return Err(ConfigError::InvalidEndpoint(
                        url,
                        "expected an http:// or https:// URL with a host".into(),
                    ));
                }
                Some(url.trim_end_matches('/').to_owned())
            }
            None => None,
        };
        Ok(Config {
            region,
            credentials,
            endpoint_url,
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
            retry: self.retry.unwrap_or_default(),
            max_response_bytes: self.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
        })
    }
}

/// A configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region was set.
    MissingRegion,
    /// The region is not a region name.
    InvalidRegion(String),
    /// No credentials were set.
    MissingCredentials,
    /// The endpoint URL cannot be used (the URL, and why).
    InvalidEndpoint(String, String),
    /// No endpoint can be had for the settings (FIPS with a custom endpoint,
    /// a partition without FIPS, ...): the endpoint rules' own words.
    Endpoint(String),
    /// The HTTP client could not be built.
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingRegion => f.write_str("no region is configured: set one with ConfigBuilder::region"),
            Self::InvalidRegion(r) => write!(f, "invalid region {r:?}: expected a name like us-east-1"),
            Self::MissingCredentials => {
                f.write_str("no credentials are configured: set them with ConfigBuilder::credentials")
            }
            Self::InvalidEndpoint(url, why) => write!(f, "invalid endpoint URL {url:?}: {why}"),
            Self::Endpoint(why) => write!(f, "no endpoint: {why}"),
            Self::Http(why) => write!(f, "cannot build the HTTP client: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}
