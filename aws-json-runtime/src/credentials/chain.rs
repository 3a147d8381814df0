//! The default chain of credential sources, in botocore's order.

use super::assume_role::{self, Base, CredentialSource, Sts};
use super::file_cache::FileCache;
use super::instance_metadata::{self, ImdsToken};
use super::sso::SsoProfile;
use super::web_identity::WebIdentity;
use super::{
    container, env_vars, process, query, Credentials, CredentialsError, CredentialsFuture, ProvideCredentials,
};
use crate::environment::Environment;
use crate::profile::{get, Profile, ProfileFiles, Settings};
use crate::transport::{HttpClient, HttpClientBuilder};
use std::fmt;
use std::time::Duration;

pub use super::assume_role::MfaPrompt;

/// Default time a `credential_process` may run before it is stopped.
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// botocore's (and so the AWS CLI's) order of credential sources, tried
/// until one answers:
///
/// 1. the environment's `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, unless
///    a profile is named explicitly ([`Self::with_profile`]);
/// 2. the profile's assumed role (`role_arn` with `source_profile` or
///    `credential_source`);
/// 3. web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`, or
///    the profile's `web_identity_token_file` and `role_arn`);
/// 4. SSO (`sso_session`, or the legacy `sso_start_url`);
/// 5. the credentials file's keys for the profile;
/// 6. the profile's `credential_process`;
/// 7. the config file's keys for the profile;
/// 8. container credentials (ECS, EKS);
/// 9. EC2 instance metadata.
///
/// A profile named by `AWS_PROFILE` or explicitly must exist. A source that
/// is configured but fails, or is configured by halves, is the answer: the
/// chain never falls through to another identity.
pub struct DefaultCredentialsChain {
    env: Environment,
    profile: Option<String>,
    region: Option<String>,
    process_timeout: Duration,
    mfa: Option<MfaPrompt>,
    /// For container and instance metadata: never through a proxy.
    metadata_http: Result<HttpClient, String>,
    /// For STS, SSO and SSO-OIDC: through the environment's proxy, as
    /// service calls go.
    api_http: Result<HttpClient, String>,
    imds_token: ImdsToken,
    /// The source a fetch is waiting on, for [`ProvideCredentials::pending`].
    stage: std::sync::Mutex<Option<String>>,
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("process_timeout", &self.process_timeout)
            .field("mfa_prompt", &self.mfa.is_some())
            .finish_non_exhaustive()
    }
}

impl DefaultCredentialsChain {
    /// The chain, reading the given environment.
    pub fn new(env: Environment) -> Self {
        // Metadata endpoints answer in milliseconds or not at all: off EC2
        // and ECS they must fail fast, not hang.
        let metadata = HttpClient::builder()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(5))
            .no_proxy()
            .build();
        Self {
            env,
            profile: None,
            region: None,
            process_timeout: DEFAULT_PROCESS_TIMEOUT,
            mfa: None,
            metadata_http: metadata,
            api_http: api_client().build(),
            imds_token: ImdsToken::default(),
            stage: std::sync::Mutex::default(),
        }
    }

    /// Uses this profile, as `--profile` does: it must exist, and the
    /// environment's keys are not used (a profile named by `AWS_PROFILE`
    /// leaves them first).
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The region whose STS endpoint assumed roles and web identity use
    /// (default: the environment's or profile's region, else `us-east-1`).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Trusts the certificates of this PEM file instead of the system's for
    /// STS and SSO, as the AWS CLI's `ca_bundle` does.
    pub fn with_ca_bundle(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.api_http = api_client().ca_bundle(Some(path.into())).build();
        self
    }

    /// How long a `credential_process` may run before it is stopped
    /// (default 60 s).
    pub fn with_process_timeout(mut self, timeout: Duration) -> Self {
        self.process_timeout = timeout;
        self
    }

    /// Asks for MFA codes, for roles with `mfa_serial`. Without one, such a
    /// role is an error naming the device.
    pub fn with_mfa_prompt(mut self, prompt: MfaPrompt) -> Self {
        self.mfa = Some(prompt);
        self
    }

    /// Notes the source about to be asked.
    fn at(&self, stage: String) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = Some(stage);
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let profile = Profile::load(&self.env, self.profile.as_deref()).map_err(CredentialsError::new)?;
        self.load_profile(&profile).await.map_err(CredentialsError::new)
    }

    async fn load_profile(&self, profile: &Profile) -> Result<Credentials, String> {
        // Each source answers, says why it does not apply (pushed to
        // `tried`), or fails: a source configured but broken is the answer.
        let mut tried = Vec::new();
        let env = (!profile.explicit).then_some(&self.env);
        match env {
            Some(env) => {
                if let Some(found) = env_vars::credentials(env, &mut tried)? {
                    return Ok(found);
                }
            }
            None => tried.push(format!("environment: not read, profile {:?} was named explicitly", profile.name)),
        }
        if assume_role::assumes_role(&profile.settings) {
            return self.assumed_role(profile).await;
        }
        if let Some(found) =
            self.profile_sources(&profile.files, &profile.name, env, &profile.settings, &mut tried).await?
        {
            return Ok(found);
        }
        if let Some(found) = self.container(&mut tried).await? {
            return Ok(found);
        }
        if let Some(found) = self.instance_metadata(&mut tried).await? {
            return Ok(found);
        }
        Err(format!("tried {}", tried.join("; ")))
    }

    /// The sources one profile configures itself, botocore's
    /// `ProfileProviderBuilder`: web identity, SSO, the credentials file's
    /// keys, `credential_process`, the config file's keys. `env` is read for
    /// web identity unless a profile was named explicitly (or this is a
    /// `source_profile`).
    async fn profile_sources(
        &self,
        files: &ProfileFiles,
        name: &str,
        env: Option<&Environment>,
        top: &Settings,
        tried: &mut Vec<String>,
    ) -> Result<Option<Credentials>, String> {
        let settings = files.merged(name);
        let label = format!("profile {name:?} in {}", files.describe_sources());
        if let Some(web) = WebIdentity::configured(env, &settings)? {
            let region = self.sts_region(top);
            let endpoint = self.sts_endpoint(top, &region);
            self.at(format!("AssumeRoleWithWebIdentity for profile {name:?} at {endpoint}"));
            return web.assume_role(self.api_http("web identity")?, &endpoint, &region).await.map(Some);
        }
        if let Some(sso) = SsoProfile::configured(files, name)? {
            let http = self.api_http("SSO")?;
            self.at(format!("SSO for profile {name:?}"));
            return sso.credentials(&self.env, top, http).await.map(Some).map_err(|e| format!("{label}: {e}"));
        }
        let credentials_file = files.credentials_path().map(|p| p.display().to_string()).unwrap_or_default();
        if let Some(found) = static_keys(files.in_credentials_file(name), &credentials_file)? {
            return Ok(Some(found));
        }
        if settings.contains_key("login_session") {
            return Err(format!(
                "{label} uses login_session (aws login), which this client does not support: use an sso_session \
                 profile, or credentials the AWS CLI exports (aws configure export-credentials)"
            ));
        }
        if let Some(command) = get(&settings, "credential_process") {
            self.at(format!("credential_process of profile {name:?}"));
            return process::credentials(command, self.process_timeout)
                .await
                .map(Some)
                .map_err(|e| format!("{label}: credential_process: {e}"));
        }
        let config_file = files.config_path().map(|p| p.display().to_string()).unwrap_or_default();
        if let Some(found) = static_keys(files.in_config_file(name), &config_file)? {
            return Ok(Some(found));
        }
        if files.exists(name) {
            tried.push(format!("{label}: no keys, credential_process, role, SSO or web identity"));
        } else {
            tried.push(format!("{label}: no such profile"));
        }
        Ok(None)
    }

    /// The profile's role, assumed through its chain of source profiles. A
    /// role the AWS CLI's cache holds is not assumed again, nor are the
    /// roles beneath it.
    async fn assumed_role(&self, profile: &Profile) -> Result<Credentials, String> {
        let plan = assume_role::plan(&profile.files, &profile.name)?;
        let region = self.sts_region(&profile.settings);
        let endpoint = self.sts_endpoint(&profile.settings, &region);
        let cache = FileCache::cli(&self.env);
        let sts = Sts {
            http: self.api_http("STS")?,
            endpoint: &endpoint,
            region: &region,
            cache: cache.as_ref(),
            mfa: self.mfa.as_ref(),
        };
        let cached = plan.roles.iter().enumerate().find_map(|(i, role)| Some((i, role.cached(cache.as_ref())?)));
        let (mut index, mut credentials) = match cached {
            Some(found) => found,
            None => (plan.roles.len(), self.base_credentials(&plan.base, profile).await?),
        };
        while index > 0 {
            index -= 1;
            let role = &plan.roles[index];
            self.at(format!("AssumeRole {} (profile {:?}) at {endpoint}", role.role_arn, role.profile));
            credentials = role.assume(&credentials, &sts).await?;
        }
        Ok(credentials)
    }

    /// The credentials the innermost role is assumed with.
    async fn base_credentials(&self, base: &Base, profile: &Profile) -> Result<Credentials, String> {
        let mut tried = Vec::new();
        let found = match base {
            Base::Profile(name) => {
                let found = self.profile_sources(&profile.files, name, None, &profile.settings, &mut tried).await?;
                return found
                    .ok_or_else(|| format!("the source profile {name:?} has no credentials ({})", tried.join("; ")));
            }
            Base::Source(CredentialSource::Environment, _) => env_vars::credentials(&self.env, &mut tried)?,
            Base::Source(CredentialSource::EcsContainer, _) => self.container(&mut tried).await?,
            Base::Source(CredentialSource::Ec2InstanceMetadata, _) => self.instance_metadata(&mut tried).await?,
        };
        found.ok_or_else(|| {
            let Base::Source(source, name) = base else { unreachable!("profiles returned above") };
            format!("no credentials in credential_source {source:?} of profile {name:?}: {}", tried.join("; "))
        })
    }

    /// The region STS calls are made in: the client's, else the
    /// environment's or the profile's, else `us-east-1`.
    fn sts_region(&self, profile: &Settings) -> String {
        self.region
            .as_deref()
            .or_else(|| self.env.var("AWS_REGION"))
            .or_else(|| self.env.var("AWS_DEFAULT_REGION"))
            .or_else(|| get(profile, "region"))
            .unwrap_or("us-east-1")
            .to_owned()
    }

    fn sts_endpoint(&self, profile: &Settings, region: &str) -> String {
        query::endpoint(&self.env, "STS", get(profile, "endpoint_url"), "sts", region)
    }

    async fn container(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        self.at("container credentials".into());
        container::credentials(&self.env, http(&self.metadata_http, "container")?, tried).await
    }

    async fn instance_metadata(&self, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
        self.at("instance metadata".into());
        let client = http(&self.metadata_http, "instance metadata")?;
        instance_metadata::credentials(&self.env, client, &self.imds_token, tried).await
    }

    fn api_http(&self, source: &str) -> Result<&HttpClient, String> {
        http(&self.api_http, source)
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }

    fn pending(&self) -> Option<String> {
        self.stage.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The HTTP client for STS and SSO: quick to connect, bounded in all.
fn api_client() -> HttpClientBuilder {
    HttpClient::builder().connect_timeout(Duration::from_secs(5)).timeout(Duration::from_secs(30))
}

/// An HTTP client, or why `source` has none.
fn http<'a>(client: &'a Result<HttpClient, String>, source: &str) -> Result<&'a HttpClient, String> {
    client.as_ref().map_err(|e| format!("{source}: cannot build an HTTP client: {e}"))
}

/// A file's keys for a profile, as botocore's shared-credentials and
/// config-file providers read them: an access key id needs its secret in
/// the same section (`None` if there is no access key id).
fn static_keys(section: Option<&Settings>, file: &str) -> Result<Option<Credentials>, String> {
    let Some(section) = section else { return Ok(None) };
    let Some(id) = section.get("aws_access_key_id") else { return Ok(None) };
    let secret = section.get("aws_secret_access_key").ok_or_else(|| {
        format!("partial credentials found in {file}: aws_access_key_id without aws_secret_access_key")
    })?;
    let credentials = Credentials::new(id, secret);
    let token = get(section, "aws_security_token").or_else(|| get(section, "aws_session_token"));
    Ok(Some(match token {
        Some(token) => credentials.with_session_token(token),
        None => credentials,
    }))
}
