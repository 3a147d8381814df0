//! IAM Identity Center (SSO) profiles: the token `aws sso login` cached in
//! `~/.aws/sso/cache` is exchanged for role credentials with the SSO
//! portal's `GetRoleCredentials`. A token of an `sso_session` near expiry is
//! refreshed with SSO-OIDC's `CreateToken` and written back, as the AWS CLI
//! does; a legacy profile's (`sso_start_url` in the profile) is not.

use super::file_cache::{format_time, parse_time, python_json_object, python_json_string, sha1_hex, FileCache};
use super::query::{endpoint, send_with_retries};
use super::Credentials;
use crate::environment::Environment;
use crate::error::without_userinfo;
use crate::profile::{get, ProfileFiles, Settings};
use crate::signing::percent_encode;
use crate::transport::HttpClient;
use crate::wire::DateTime;
use std::time::{Duration, SystemTime};

/// A token with less than this left is refreshed first (the AWS CLI's window).
const REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// An SSO profile's settings, its session's merged in.
pub(super) struct SsoProfile {
    profile: String,
    session: Option<String>,
    start_url: String,
    region: String,
    account_id: String,
    role_name: String,
}

impl SsoProfile {
    /// The profile's SSO settings; `None` if it names neither
    /// `sso_account_id` nor `sso_role_name`. Missing or conflicting ones are
    /// errors, as in botocore.
    pub fn configured(files: &ProfileFiles, profile: &str) -> Result<Option<SsoProfile>, String> {
        let mut settings = files.merged(profile);
        if !settings.contains_key("sso_account_id") && !settings.contains_key("sso_role_name") {
            return Ok(None);
        }
        let session = get(&settings, "sso_session").map(str::to_owned);
        if let Some(name) = &session {
            let values = files.sso_session(name).ok_or_else(|| {
                format!("profile {profile:?} names sso_session {name:?}, which has no [sso-session {name}] section")
            })?;
            for (key, value) in values {
                match settings.get(key) {
                    Some(mine) if mine != value => {
                        return Err(format!(
                            "the value of {key} differs between profile {profile:?} ({mine}) and sso-session \
                             {name:?} ({value})"
                        ))
                    }
                    _ => {
                        settings.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        let required = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];
        let missing: Vec<&str> = required.iter().copied().filter(|k| get(&settings, k).is_none()).collect();
        if !missing.is_empty() {
            return Err(format!(
                "the profile {profile:?} is configured to use SSO but is missing: {}",
                missing.join(", ")
            ));
        }
        let value = |k: &str| get(&settings, k).unwrap_or_default().to_owned();
        Ok(Some(SsoProfile {
            profile: profile.to_owned(),
            session,
            start_url: value("sso_start_url"),
            region: value("sso_region"),
            account_id: value("sso_account_id"),
            role_name: value("sso_role_name"),
        }))
    }

    /// Role credentials for the cached token (refreshed first if it is an
    /// `sso_session`'s and near expiry).
    pub async fn credentials(
        &self,
        env: &Environment,
        profile_settings: &Settings,
        http: &HttpClient,
    ) -> Result<Credentials, String> {
        let cache = FileCache::sso(env).ok_or("SSO: no home directory to find ~/.aws/sso/cache in")?;
        let token = self.token(&cache, env, profile_settings, http).await?;
        let portal = endpoint(env, "SSO", get(profile_settings, "endpoint_url"), "portal.sso", &self.region);
        let mut url = format!("{portal}/federation/credentials?account_id=");
        percent_encode(&mut url, &self.account_id);
        url.push_str("&role_name=");
        percent_encode(&mut url, &self.role_name);
        let shown = without_userinfo(&portal);
        let (status, body) = send_with_retries(|| http.get(&url).header("x-amz-sso_bearer_token", &token))
            .await
            .map_err(|e| format!("SSO portal at {shown}: {e}"))?;
        let about = format!("role {} in account {}", self.role_name, self.account_id);
        if status == 401 || status == 403 {
            return Err(format!(
                "SSO portal at {shown} refused the token for {about} (HTTP {status}): the SSO session has expired or \
                 is otherwise invalid; {}",
                self.login_hint()
            ));
        }
        if !(200..300).contains(&status) {
            return Err(format!("SSO portal at {shown}: HTTP {status} for {about}"));
        }
        read_role_credentials(&body, &shown, &about)
    }

    fn login_hint(&self) -> String {
        match &self.session {
            Some(session) => format!("run `aws sso login --sso-session {session}`"),
            None => format!("run `aws sso login --profile {}`", self.profile),
        }
    }

    /// The cached access token, refreshed and written back when near expiry.
    async fn token(
        &self,
        cache: &FileCache,
        env: &Environment,
        profile_settings: &Settings,
        http: &HttpClient,
    ) -> Result<String, String> {
        let key = sha1_hex(self.session.as_deref().unwrap_or(&self.start_url));
        let path = cache.path(&key);
        let Some(token) = cache.read(&key) else {
            return Err(format!("SSO: no cached token in {}; {}", path.display(), self.login_hint()));
        };
        let text = |name: &str| text_member(&token, name);
        let (Some(access), Some(expires)) = (text("accessToken"), text("expiresAt").and_then(parse_time)) else {
            return Err(format!("SSO: the cached token in {} is invalid; {}", path.display(), self.login_hint()));
        };
        let now = SystemTime::now();
        let expires: SystemTime = expires.into();
        if self.session.is_some() && expires < now + REFRESH_WINDOW {
            match self.refresh(&token, env, profile_settings, http).await {
                Ok(Some((fresh, json))) => {
                    if let Err(e) = cache.write(&key, &json) {
                        tracing::warn!(error = %e, "the refreshed SSO token was not saved");
                    }
                    return Ok(fresh);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "refreshing the SSO token failed"),
            }
        }
        if expires <= now {
            return Err(format!("SSO: the cached token in {} has expired; {}", path.display(), self.login_hint()));
        }
        Ok(access.to_owned())
    }

    /// A new token from SSO-OIDC with the cached refresh token; `None` if
    /// the cache has no usable registration for it.
    async fn refresh(
        &self,
        token: &serde_json::Value,
        env: &Environment,
        profile_settings: &Settings,
        http: &HttpClient,
    ) -> Result<Option<(String, String)>, String> {
        let text = |name: &str| text_member(token, name);
        let (Some(refresh), Some(client_id), Some(client_secret), Some(registration)) =
            (text("refreshToken"), text("clientId"), text("clientSecret"), text("registrationExpiresAt"))
        else {
            return Ok(None);
        };
        if parse_time(registration).is_none_or(|at| SystemTime::from(at) <= SystemTime::now()) {
            return Ok(None);
        }
        let oidc = endpoint(env, "SSO_OIDC", get(profile_settings, "endpoint_url"), "oidc", &self.region);
        let shown = without_userinfo(&oidc);
        let body = serde_json::json!({
            "clientId": client_id, "clientSecret": client_secret, "grantType": "refresh_token", "refreshToken": refresh,
        })
        .to_string();
        let url = format!("{oidc}/token");
        let (status, answer) =
            send_with_retries(|| http.post(&url).header("content-type", "application/json").body(body.clone()))
                .await
                .map_err(|e| format!("SSO-OIDC at {shown}: {e}"))?;
        if !(200..300).contains(&status) {
            return Err(format!("SSO-OIDC at {shown}: CreateToken answered HTTP {status}"));
        }
        let answer: serde_json::Value =
            serde_json::from_str(&answer).map_err(|_| format!("SSO-OIDC at {shown}: the answer is not JSON"))?;
        let access = answer.get("accessToken").and_then(|v| v.as_str()).filter(|v| !v.is_empty());
        let expires_in = answer.get("expiresIn").and_then(|v| v.as_i64());
        let (Some(access), Some(expires_in)) = (access, expires_in) else {
            return Err(format!("SSO-OIDC at {shown}: the answer lacks accessToken or expiresIn"));
        };
        let expires_at = DateTime::from(SystemTime::now()).secs().saturating_add(expires_in.clamp(0, 86_400 * 366));
        let mut members = vec![
            ("startUrl", python_json_string(&self.start_url)),
            ("region", python_json_string(&self.region)),
            ("accessToken", python_json_string(access)),
            ("expiresAt", python_json_string(&format_time(DateTime::from_secs(expires_at)))),
            ("clientId", python_json_string(client_id)),
            ("clientSecret", python_json_string(client_secret)),
            ("registrationExpiresAt", python_json_string(registration)),
        ];
        let new_refresh = answer.get("refreshToken").and_then(|v| v.as_str()).unwrap_or(refresh);
        members.push(("refreshToken", python_json_string(new_refresh)));
        Ok(Some((access.to_owned(), python_json_object(&members))))
    }
}

/// `GetRoleCredentials`' answer: `{"roleCredentials": {...}}`, the expiry in
/// epoch milliseconds. Errors name the portal and role, never a value.
pub(super) fn read_role_credentials(body: &str, shown: &str, about: &str) -> Result<Credentials, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|_| format!("SSO portal at {shown}: the answer is not JSON"))?;
    let keys = value.get("roleCredentials").ok_or_else(|| format!("SSO portal at {shown}: no roleCredentials"))?;
    let field = |name: &str| {
        keys.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("SSO portal at {shown}: the answer for {about} lacks {name}"))
    };
    let millis = keys
        .get("expiration")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| format!("SSO portal at {shown}: the answer for {about} lacks expiration"))?;
    let expires_at =
        DateTime::from_secs_and_nanos(millis.div_euclid(1000), (millis.rem_euclid(1000) * 1_000_000) as u32)
            .ok_or_else(|| format!("SSO portal at {shown}: expiration {millis} is out of range"))?;
    Ok(Credentials::new(field("accessKeyId")?, field("secretAccessKey")?)
        .with_session_token(field("sessionToken")?)
        .with_expiry(expires_at.into()))
}

/// A non-empty string member of a cached token.
fn text_member<'a>(token: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    token.get(name).and_then(|v| v.as_str()).filter(|v| !v.is_empty())
}
