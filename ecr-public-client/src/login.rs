//! Registry login from ECR Public's `GetAuthorizationToken`: the user name
//! and password in the base64 token, for `public.ecr.aws`.

use crate::types::{AuthorizationData, GetAuthorizationTokenResponse};
use crate::DateTime;
use base64::Engine as _;
use std::fmt;

/// The registry every ECR Public repository is served from.
pub const REGISTRY: &str = "public.ecr.aws";

/// Credentials for `public.ecr.aws`, decoded from [`AuthorizationData`].
/// `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryLogin {
    /// The user name (`AWS`).
    pub username: String,
    /// The password: a secret, valid until `expires_at`.
    pub password: String,
    /// When the password stops working.
    pub expires_at: Option<DateTime>,
}

impl fmt::Debug for RegistryLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryLogin")
            .field("username", &self.username)
            .field("password", &aws_json_runtime::Redacted)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why authorization data cannot be decoded. Never quotes the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginError(&'static str);

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the ECR Public authorization data: {}", self.0)
    }
}

impl std::error::Error for LoginError {}

impl AuthorizationData {
    /// Decodes the token into a user name and password.
    pub fn login(&self) -> Result<RegistryLogin, LoginError> {
        let token = self.authorization_token.as_deref().ok_or(LoginError("no authorizationToken"))?;
        // Not even the decoder's message: it quotes an offending byte.
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token.trim())
            .map_err(|_| LoginError("authorizationToken is not base64"))?;
        let decoded = String::from_utf8(decoded).map_err(|_| LoginError("authorizationToken is not UTF-8"))?;
        let (username, password) =
            decoded.split_once(':').ok_or(LoginError("authorizationToken is not user:password"))?;
        Ok(RegistryLogin { username: username.to_owned(), password: password.to_owned(), expires_at: self.expires_at })
    }
}

impl GetAuthorizationTokenResponse {
    /// The login the answer holds.
    pub fn login(&self) -> Result<RegistryLogin, LoginError> {
        self.authorization_data.as_ref().ok_or(LoginError("no authorizationData"))?.login()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(token: &str) -> AuthorizationData {
        AuthorizationData {
            authorization_token: Some(token.into()),
            expires_at: Some(DateTime::from_secs(1_705_072_146)),
        }
    }

    #[test]
    fn decodes_user_password_and_expiry() {
        let token = base64::engine::general_purpose::STANDARD.encode("AWS:pass:with:colons");
        let login = data(&token).login().unwrap();
        assert_eq!((login.username.as_str(), login.password.as_str()), ("AWS", "pass:with:colons"));
        assert_eq!(login.expires_at, Some(DateTime::from_secs(1_705_072_146)));
        assert!(!format!("{login:?}").contains("pass:with"));
    }

    #[test]
    fn bad_data_is_a_clear_error_without_the_secret() {
        assert!(data("not base64!!").login().unwrap_err().to_string().contains("is not base64"));
        let no_colon = base64::engine::general_purpose::STANDARD.encode("secretwithoutcolon");
        let err = data(&no_colon).login().unwrap_err().to_string();
        assert!(err.contains("not user:password") && !err.contains("secretwithoutcolon"), "{err}");
        assert!(AuthorizationData::default().login().unwrap_err().to_string().contains("no authorizationToken"));
        let empty = GetAuthorizationTokenResponse::default();
        assert!(empty.login().unwrap_err().to_string().contains("no authorizationData"));
    }
}
