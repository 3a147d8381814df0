//! Client configuration: region, credentials, endpoint, retries and
//! timeouts; set explicitly, or loaded the way the AWS CLI loads them.

use super::credentials::{CachedProvider, DefaultCredentialsChain, MfaPrompt, ProvideCredentials};
use super::environment::Environment;
use super::error::without_userinfo;
use super::profile::Profile;
use super::retry::RetryConfig;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time one attempt may take, from sending to the end of the body.
/// Generous enough for a 20 MiB layer part on a slow link; calls never hang.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time a whole operation may take, retries and waits included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(180);
/// Default largest answer body accepted: far above any ECR answer, far below
/// what would hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Everything a client needs to call a service. Build one with
/// [`Config::builder`], or let the client load it from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) region: String,
    pub(crate) credentials: CachedProvider,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) max_response_bytes: u64,
    pub(crate) validate_input: bool,
    pub(crate) input_checks: InputChecks,
    pub(crate) ca_bundle: Option<PathBuf>,
}

/// Which of the document's constraints an input is checked against before
/// sending (when [`ConfigBuilder::validate_input`] is on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputChecks {
    /// Required members, lengths, patterns and ranges.
    #[default]
    All,
    /// What the AWS CLI (botocore) checks: required members and minimums
    /// (length, items, value), reported in its words; maxima and patterns
    /// are left to the service, so a script sees the service's own error.
    Minimums,
}

impl Config {
    /// A builder with default timeouts and retries and nothing else set.
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

    /// The CA bundle whose certificates replace the system's, if one is set.
    pub fn ca_bundle(&self) -> Option<&std::path::Path> {
        self.ca_bundle.as_deref()
    }

    /// The credentials requests are signed with, from the same cache the
    /// client uses (so asking here and then calling fetches them once).
    pub async fn credentials(&self) -> Result<super::Credentials, super::CredentialsError> {
        self.credentials.get().await
    }
}

/// Builds a [`Config`]. Settings made here win over the environment.
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    profile: Option<String>,
    mfa_prompt: Option<MfaPrompt>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    endpoint_url: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    max_response_bytes: Option<u64>,
    validate_input: Option<bool>,
    input_checks: Option<InputChecks>,
    ca_bundle: Option<PathBuf>,
}

impl ConfigBuilder {
    /// The region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The shared-config profile to load from, as `--profile` names it: it
    /// must exist, and credentials in the environment are then not used
    /// (botocore's rule for an explicit profile; `AWS_PROFILE` leaves them
    /// first). Only [`ConfigBuilder::load_from`] reads profiles.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Asks for MFA codes when the profile's role has `mfa_serial` (the
    /// `ecr` command asks on the terminal, as the AWS CLI does). Only used
    /// by the default chain [`ConfigBuilder::load_from`] builds.
    pub fn mfa_prompt(mut self, prompt: MfaPrompt) -> Self {
        self.mfa_prompt = Some(prompt);
        self
    }

    /// Fixed credentials requests are signed with.
    pub fn credentials(self, credentials: super::Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// A source of credentials, asked again when what it gave expires.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Sends every request to this URL instead of the region's endpoint
    /// (a local emulator, a VPC endpoint, a proxy).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Trusts the certificates of this PEM file instead of the system's (a
    /// proxy that re-signs TLS, a private CA), as `--ca-bundle` does. The
    /// file is read when the first TLS connection needs it; one that cannot
    /// be read fails that call, naming the file.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Uses the region's FIPS 140 endpoint.
    pub fn use_fips(mut self, fips: bool) -> Self {
        self.use_fips = Some(fips);
        self
    }

    /// Uses the region's dual-stack (IPv4 and IPv6) endpoint.
    pub fn use_dual_stack(mut self, dual_stack: bool) -> Self {
        self.use_dual_stack = Some(dual_stack);
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

    /// Whether inputs are checked against the document's constraints
    /// (lengths, patterns, ranges) before sending (default: on).
    pub fn validate_input(mut self, validate: bool) -> Self {
        self.validate_input = Some(validate);
        self
    }

    /// Which of the document's constraints are checked before sending
    /// (default: all of them).
    pub fn input_checks(mut self, checks: InputChecks) -> Self {
        self.input_checks = Some(checks);
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

    /// Builds the configuration from explicit settings alone: region and
    /// credentials must be set.
    pub fn build(self) -> Result<Config, ConfigError> {
        let region =
            self.region.clone().ok_or(ConfigError::MissingRegion("ConfigBuilder::region was not called".into()))?;
        let credentials = self.credentials.clone().ok_or(ConfigError::MissingCredentials)?;
        let endpoint_url = self.endpoint_url.clone();
        self.finish(region, credentials, endpoint_url)
    }

    /// Fills what is not set explicitly from `env` the way the AWS CLI does:
    /// region from `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile;
    /// endpoint from `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, then
    /// the profile's `endpoint_url`; FIPS and dual-stack from
    /// `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` or the profile;
    /// the CA bundle from `AWS_CA_BUNDLE`, then the profile's `ca_bundle`;
    /// credentials from [`DefaultCredentialsChain`] (fetched at first use).
    pub fn load_from(mut self, env: &Environment, service: &str) -> Result<Config, ConfigError> {
        let profile = Profile::load(env, self.profile.as_deref()).map_err(ConfigError::Profile)?;
        let region = match self.region.clone() {
            Some(region) => region,
            None => env.var("AWS_REGION").or_else(|| env.var("AWS_DEFAULT_REGION")).or_else(|| profile.get("region")).map(str::to_owned).ok_or_else(|| {
                ConfigError::MissingRegion(format!(
                    "looked for ConfigBuilder::region, AWS_REGION, AWS_DEFAULT_REGION, and `region` in profile {:?} in {}",
                    profile.name,
                    profile.files.describe_sources()
                ))
            })?,
        };
        let service_var = format!(
            "AWS_ENDPOINT_URL_{}",
            service.to_ascii_uppercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        let endpoint_url = self.endpoint_url.clone().or_else(|| {
            env.var(&service_var)
                .or_else(|| env.var("AWS_ENDPOINT_URL"))
                .or_else(|| profile.get("endpoint_url"))
                .map(str::to_owned)
        });
        let flag =
            |var: &str, key: &str| env.flag(var).or_else(|| profile.get(key).and_then(super::environment::parse_bool));
        self.use_fips = self.use_fips.or_else(|| flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"));
        self.use_dual_stack =
            self.use_dual_stack.or_else(|| flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"));
        if let Some(attempts) = env.var("AWS_MAX_ATTEMPTS").or_else(|| profile.get("max_attempts")) {
            let attempts = attempts
                .parse()
                .map_err(|_| ConfigError::Invalid(format!("max attempts {attempts:?} is not a number")))?;
            self.retry = Some(self.retry.unwrap_or_default().with_max_attempts(attempts));
        }
        self.ca_bundle = self.ca_bundle.take().or_else(|| {
            env.var("AWS_CA_BUNDLE").or_else(|| profile.get("ca_bundle")).filter(|p| !p.is_empty()).map(PathBuf::from)
        });
        let credentials = self.credentials.clone().unwrap_or_else(|| {
            let mut chain = DefaultCredentialsChain::new(env.clone()).with_region(region.clone());
            if let Some(bundle) = &self.ca_bundle {
                chain = chain.with_ca_bundle(bundle);
            }
            if let Some(name) = &self.profile {
                chain = chain.with_profile(name);
            }
            if let Some(prompt) = self.mfa_prompt.clone() {
                chain = chain.with_mfa_prompt(prompt);
            }
            Arc::new(chain)
        });
        self.finish(region, credentials, endpoint_url)
    }

    fn finish(
        self,
        region: String,
        credentials: Arc<dyn ProvideCredentials>,
        endpoint_url: Option<String>,
    ) -> Result<Config, ConfigError> {
        if region.is_empty() || !region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ConfigError::InvalidRegion(region));
        }
        let endpoint_url = endpoint_url.as_deref().map(check_endpoint_url).transpose()?;
        Ok(Config {
            region,
            credentials: CachedProvider::new(credentials),
            endpoint_url,
            use_fips: self.use_fips.unwrap_or(false),
            use_dual_stack: self.use_dual_stack.unwrap_or(false),
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
            retry: self.retry.unwrap_or_default(),
            max_response_bytes: self.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            validate_input: self.validate_input.unwrap_or(true),
            input_checks: self.input_checks.unwrap_or_default(),
            ca_bundle: self.ca_bundle,
        })
    }
}

/// Checks a custom endpoint URL and returns it as the client shows it (no
/// trailing `/` on a bare host). Requests go to its path exactly as given,
/// as botocore sends them. Errors never repeat the URL's user info.
fn check_endpoint_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |why: &str| ConfigError::InvalidEndpoint(without_userinfo(url), why.to_owned());
    let parsed = crate::transport::parse_url(url).map_err(|e| invalid(&e.to_string()))?;
    let authority = parsed.authority().map_or("", |a| a.as_str());
    if authority.contains('@') {
        return Err(invalid(
            "user info (user:password@) is not allowed: it would be sent as a Basic header beside the signature",
        ));
    }
    // http::Uri drops a fragment: looked for in the text.
    if parsed.query().is_some() || url.contains('#') {
        return Err(invalid("a query string or fragment is not allowed: the signature covers no query"));
    }
    // Scheme and host in lower case, as they are compared and signed.
    let scheme = parsed.scheme_str().unwrap_or_default().to_ascii_lowercase();
    let path = if parsed.path() == "/" { "" } else { parsed.path() };
    Ok(format!("{scheme}://{}{path}", authority.to_ascii_lowercase()))
}

/// A configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region was set (and where one was looked for).
    MissingRegion(String),
    /// The region is not a region name.
    InvalidRegion(String),
    /// No credentials were set.
    MissingCredentials,
    /// The endpoint URL cannot be used (the URL without any user info, and
    /// why).
    InvalidEndpoint(String, String),
    /// No endpoint can be had for the settings (FIPS with a custom endpoint,
    /// a partition without FIPS, ...): the endpoint rules' own words.
    Endpoint(String),
    /// A shared config or credentials file cannot be read.
    Profile(String),
    /// A setting has an invalid value.
    Invalid(String),
    /// The HTTP client could not be built.
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingRegion(looked) => write!(f, "no region is configured: {looked}"),
            Self::InvalidRegion(r) => write!(f, "invalid region {r:?}: expected a name like us-east-1"),
            Self::MissingCredentials => {
                f.write_str("no credentials are configured: set them with ConfigBuilder::credentials")
            }
            Self::InvalidEndpoint(url, why) => write!(f, "invalid endpoint URL {url:?}: {why}"),
            Self::Endpoint(why) => write!(f, "no endpoint: {why}"),
            Self::Profile(why) => write!(f, "shared AWS config: {why}"),
            Self::Invalid(why) => write!(f, "invalid setting: {why}"),
            Self::Http(why) => write!(f, "cannot build the HTTP client: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}
