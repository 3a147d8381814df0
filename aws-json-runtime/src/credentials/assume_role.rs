//! Assumed roles: a profile's `role_arn`, with credentials from its
//! `source_profile` (chains of any length, a profile its own source) or its
//! `credential_source`, exchanged with STS's `AssumeRole`, resolved as
//! botocore resolves them. What STS gives is kept in the AWS CLI's cache
//! under its key, so `aws` and this client share one assumption (and one
//! MFA prompt).

use super::file_cache::{format_time, parse_time, python_json_object, python_json_string, sha1_hex, FileCache};
use super::query::StsCall;
use super::Credentials;
use crate::profile::{get, ProfileFiles, Settings};
use crate::transport::HttpClient;
use crate::wire::DateTime;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Asks for the current code of an MFA device, given its serial number (or
/// ARN). Called while credentials load, so it may block on a terminal.
#[derive(Clone)]
pub struct MfaPrompt(Arc<AskForCode>);

type AskForCode = dyn Fn(&str) -> Result<String, String> + Send + Sync;

impl MfaPrompt {
    /// A prompt that calls `ask` with the device's serial number and gives
    /// the code it returns (or why there is none).
    pub fn new(ask: impl Fn(&str) -> Result<String, String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(ask))
    }

    fn ask(&self, serial: &str) -> Result<String, String> {
        (self.0)(serial)
    }
}

impl std::fmt::Debug for MfaPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaPrompt")
    }
}

/// Cached credentials with less than this left are assumed anew, as the
/// AWS CLI does.
const CACHE_EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Whether a profile assumes a role itself (with `web_identity_token_file`
/// it is web identity's).
pub(super) fn assumes_role(settings: &Settings) -> bool {
    settings.contains_key("role_arn") && !settings.contains_key("web_identity_token_file")
}

/// Whether a profile holds either static key (botocore's test).
fn has_static_keys(settings: &Settings) -> bool {
    settings.contains_key("aws_access_key_id") || settings.contains_key("aws_secret_access_key")
}

/// The sources `credential_source` may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CredentialSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl CredentialSource {
    fn named(name: &str) -> Option<Self> {
        match name {
            "Environment" => Some(Self::Environment),
            "Ec2InstanceMetadata" => Some(Self::Ec2InstanceMetadata),
            "EcsContainer" => Some(Self::EcsContainer),
            _ => None,
        }
    }
}

/// Where the first role's source credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Base {
    /// The profile's own sources (not its role, not the environment).
    Profile(String),
    /// A `credential_source` of this profile.
    Source(CredentialSource, String),
}

/// One `AssumeRole`, as a profile configures it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Role {
    pub profile: String,
    pub role_arn: String,
    external_id: Option<String>,
    mfa_serial: Option<String>,
    session_name: Option<String>,
    duration_seconds: Option<i64>,
}

/// The roles to assume, outermost (the profile in use) first, and the
/// credentials the innermost one is assumed with.
#[derive(Debug)]
pub(super) struct Plan {
    pub roles: Vec<Role>,
    pub base: Base,
}

/// Walks `top`'s `source_profile` chain as botocore does, checking it
/// before anything is sent: a profile with both `source_profile` and
/// `credential_source` or neither, a missing source profile, an unknown
/// `credential_source`, and a cycle are errors naming the profiles.
pub(super) fn plan(files: &ProfileFiles, top: &str) -> Result<Plan, String> {
    let mut visited = vec![top.to_owned()];
    let mut roles = Vec::new();
    let mut current = top.to_owned();
    loop {
        let settings = files.merged(&current);
        let role = Role {
            profile: current.clone(),
            role_arn: settings.get("role_arn").cloned().unwrap_or_default(),
            external_id: get(&settings, "external_id").map(str::to_owned),
            mfa_serial: get(&settings, "mfa_serial").map(str::to_owned),
            session_name: get(&settings, "role_session_name").map(str::to_owned),
            duration_seconds: get(&settings, "duration_seconds").and_then(|d| d.trim().parse().ok()),
        };
        roles.push(role);
        match (get(&settings, "source_profile"), get(&settings, "credential_source")) {
            (Some(_), Some(_)) => {
                return Err(format!("the profile {current:?} contains both source_profile and credential_source"))
            }
            (None, None) => {
                return Err(format!(
                    "the profile {current:?} has role_arn but neither source_profile nor credential_source"
                ))
            }
            (None, Some(source)) => {
                let source = CredentialSource::named(source).ok_or_else(|| {
                    format!(
                        "the credential_source {source:?} of profile {current:?} is not valid: use Environment, \
                         Ec2InstanceMetadata or EcsContainer"
                    )
                })?;
                return Ok(Plan { roles, base: Base::Source(source, current) });
            }
            (Some(source), None) => {
                if !files.exists(source) {
                    return Err(format!(
                        "the source_profile {source:?} of profile {current:?} does not exist in {}",
                        files.describe_sources()
                    ));
                }
                let source_settings = files.merged(source);
                if visited.iter().any(|v| v == source) {
                    // A profile may be its own source only to use its own keys.
                    if source != current || !has_static_keys(&source_settings) {
                        return Err(format!(
                            "a loop in source_profile: profile {source:?} is reached again (visited: {})",
                            visited.join(" → ")
                        ));
                    }
                }
                visited.push(source.to_owned());
                if has_static_keys(&source_settings) || !assumes_role(&source_settings) {
                    return Ok(Plan { roles, base: Base::Profile(source.to_owned()) });
                }
                current = source.to_owned();
            }
        }
    }
}

/// Where and how STS is called.
pub(super) struct Sts<'a> {
    pub http: &'a HttpClient,
    pub endpoint: &'a str,
    pub region: &'a str,
    pub cache: Option<&'a FileCache>,
    pub mfa: Option<&'a MfaPrompt>,
}

impl Role {
    /// Unexpired credentials the AWS CLI's cache holds for this role.
    pub fn cached(&self, cache: Option<&FileCache>) -> Option<Credentials> {
        read_cached(&cache?.read(&self.cache_key())?)
    }

    /// Assumes the role with `source`, and caches what STS gives.
    pub async fn assume(&self, source: &Credentials, sts: &Sts<'_>) -> Result<Credentials, String> {
        let about = format!("AssumeRole {} (profile {:?})", self.role_arn, self.profile);
        let mut params = vec![("RoleArn", self.role_arn.clone()), ("RoleSessionName", self.session_name())];
        if let Some(id) = &self.external_id {
            params.push(("ExternalId", id.clone()));
        }
        if let Some(duration) = self.duration_seconds {
            params.push(("DurationSeconds", duration.to_string()));
        }
        if let Some(serial) = &self.mfa_serial {
            let prompt = sts.mfa.ok_or_else(|| {
                format!("{about} needs a code of the MFA device {serial}, and nothing is set to ask for it")
            })?;
            let code = prompt.ask(serial).map_err(|e| format!("{about}: no MFA code for {serial}: {e}"))?;
            params.push(("SerialNumber", serial.clone()));
            params.push(("TokenCode", code.trim().to_owned()));
        }
        let call = StsCall {
            endpoint: sts.endpoint,
            region: sts.region,
            action: "AssumeRole",
            params,
            signed_by: Some(source),
        };
        let answer = call.credentials(sts.http, &about).await?;
        if let Some(cache) = sts.cache {
            let entry = self.cache_entry(&answer.credentials, answer.assumed_role_arn, answer.assumed_role_id);
            if let Err(e) = cache.write(&self.cache_key(), &entry) {
                tracing::debug!(error = %e, "assumed-role credentials not cached");
            }
        }
        Ok(answer.credentials)
    }

    fn session_name(&self) -> String {
        self.session_name.clone().unwrap_or_else(|| {
            format!("ecr-client-session-{}", SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs())
        })
    }

    /// The AWS CLI's key: SHA-1 of the call's arguments as sorted JSON, the
    /// session name left out when it is generated.
    fn cache_key(&self) -> String {
        let mut members = Vec::new();
        if let Some(duration) = self.duration_seconds {
            members.push(("DurationSeconds", duration.to_string()));
        }
        if let Some(id) = &self.external_id {
            members.push(("ExternalId", python_json_string(id)));
        }
        members.push(("RoleArn", python_json_string(&self.role_arn)));
        if let Some(name) = &self.session_name {
            members.push(("RoleSessionName", python_json_string(name)));
        }
        if let Some(serial) = &self.mfa_serial {
            members.push(("SerialNumber", python_json_string(serial)));
        }
        sha1_hex(&python_json_object(&members)).replace([':', '/'], "_")
    }

    /// The cache file's JSON, as the AWS CLI writes it.
    fn cache_entry(&self, credentials: &Credentials, arn: Option<String>, id: Option<String>) -> String {
        let expiration = credentials.expires_at().map(DateTime::from).map(format_time).unwrap_or_default();
        let mut keys = vec![
            ("AccessKeyId", python_json_string(credentials.access_key_id())),
            ("SecretAccessKey", python_json_string(credentials.secret_access_key())),
            ("SessionToken", python_json_string(credentials.session_token().unwrap_or_default())),
            ("Expiration", python_json_string(&expiration.replace('Z', "UTC"))),
        ];
        if let Some(account) = arn.as_deref().and_then(|arn| arn.split(':').nth(4)).filter(|a| !a.is_empty()) {
            keys.push(("AccountId", python_json_string(account)));
        }
        let user = [("AssumedRoleId", id), ("Arn", arn)]
            .into_iter()
            .filter_map(|(k, v)| Some((k, python_json_string(&v?))))
            .collect::<Vec<_>>();
        python_json_object(&[
            ("Credentials", python_json_object(&keys)),
            ("AssumedRoleUser", python_json_object(&user)),
        ])
    }
}

/// Credentials of an AWS CLI cache entry (`{"Credentials": {...}}`) with
/// more than the expiry window left.
pub(super) fn read_cached(entry: &serde_json::Value) -> Option<Credentials> {
    let keys = entry.get("Credentials")?;
    let field = |name: &str| keys.get(name).and_then(|v| v.as_str());
    let expires_at: SystemTime = parse_time(field("Expiration")?)?.into();
    if expires_at < SystemTime::now() + CACHE_EXPIRY_WINDOW {
        return None;
    }
    Some(
        Credentials::new(field("AccessKeyId")?, field("SecretAccessKey")?)
            .with_session_token(field("SessionToken")?)
            .with_expiry(expires_at),
    )
}
