//! Registry login from `GetAuthorizationToken`: the user name and password
//! in the base64 token, the registry host from `proxyEndpoint`, and the
//! expiry, as `docker login` needs them.

use crate::types::{AuthorizationData, GetAuthorizationTokenResponse};
use crate::DateTime;
use base64::Engine as _;
use std::fmt;

/// Credentials for a registry, decoded from [`AuthorizationData`].
/// `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryLogin {
    /// The user name (`AWS` for ECR).
    pub username: String,
    /// The password: a secret, valid until `expires_at`.
    pub password: String,
    /// The registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`.
    pub registry: String,
    /// The registry URL as the service gave it (`https://...`).
    pub proxy_endpoint: String,
    /// When the password stops working.
    pub expires_at: Option<DateTime>,
}

impl fmt::Debug for RegistryLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryLogin")
            .field("username", &self.username)
            .field("password", &aws_json_runtime::Redacted)
            .field("registry", &self.registry)
            .field("proxy_endpoint", &self.proxy_endpoint)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why authorization data cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginError(String);

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the ECR authorization data: {}", self.0)
    }
}

impl std::error::Error for LoginError {}

impl AuthorizationData {
    /// Decodes the token into a user name and password, and the endpoint
    /// into a registry host.
    pub fn login(&self) -> Result<RegistryLogin, LoginError> {
        let token = self.authorization_token.as_deref().ok_or_else(|| LoginError("no authorizationToken".into()))?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token.trim())
            // Not even the decoder's message: it quotes an offending byte.
            .map_err(|_| LoginError("authorizationToken is not base64".into()))?;
        // The error messages never include the token or its content.
        let decoded = String::from_utf8(decoded).map_err(|_| LoginError("authorizationToken is not UTF-8".into()))?;
        let (username, password) =
            decoded.split_once(':').ok_or_else(|| LoginError("authorizationToken is not user:password".into()))?;
        let proxy_endpoint = self.proxy_endpoint.clone().ok_or_else(|| LoginError("no proxyEndpoint".into()))?;
        let registry = proxy_endpoint
            .split_once("://")
            .map_or(proxy_endpoint.as_str(), |(_, rest)| rest)
            .trim_end_matches('/')
            .to_owned();
        if registry.is_empty() {
            return Err(LoginError(format!("proxyEndpoint {proxy_endpoint:?} names no host")));
        }
        Ok(RegistryLogin {
            username: username.to_owned(),
            password: password.to_owned(),
            registry,
            proxy_endpoint,
            expires_at: self.expires_at,
        })
    }
}

impl GetAuthorizationTokenResponse {
    /// Every registry login in the answer.
    pub fn logins(&self) -> Result<Vec<RegistryLogin>, LoginError> {
        self.authorization_data.iter().flatten().map(AuthorizationData::login).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(token: &str, endpoint: &str) -> AuthorizationData {
        AuthorizationData {
            authorization_token: Some(token.into()),
            proxy_endpoint: Some(endpoint.into()),
            expires_at: Some(DateTime::from_secs(1_705_072_146)),
        }
    }

    #[test]
    fn decodes_user_password_host_and_expiry() {
        let token = base64::engine::general_purpose::STANDARD.encode("AWS:pass:with:colons");
        let login = data(&token, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com").login().unwrap();
        assert_eq!((login.username.as_str(), login.password.as_str()), ("AWS", "pass:with:colons"));
        assert_eq!(login.registry, "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assert_eq!(login.expires_at, Some(DateTime::from_secs(1_705_072_146)));
        assert!(!format!("{login:?}").contains("pass:with"));
    }

    #[test]
    fn bad_data_is_a_clear_error_without_the_secret() {
        let err = data("not base64!!", "https://r").login().unwrap_err();
        assert!(err.to_string().contains("is not base64"), "{err}");
        let no_colon = base64::engine::general_purpose::STANDARD.encode("secretwithoutcolon");
        let err = data(&no_colon, "https://r").login().unwrap_err().to_string();
        assert!(err.contains("not user:password") && !err.contains("secretwithoutcolon"), "{err}");
        let token = base64::engine::general_purpose::STANDARD.encode("AWS:p");
        assert!(data(&token, "https://").login().unwrap_err().to_string().contains("names no host"));
        assert!(AuthorizationData::default().login().unwrap_err().to_string().contains("no authorizationToken"));
    }
}
