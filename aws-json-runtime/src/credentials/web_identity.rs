//! Web identity credentials (EKS IAM roles for service accounts): the token
//! file's JWT exchanged for temporary credentials with STS's unsigned
//! `AssumeRoleWithWebIdentity`. The token is read again at every refresh,
//! since the file rotates. Settings come, one by one, from the environment
//! (unless a profile was named explicitly) or else the profile, as botocore
//! takes them.

use super::query::StsCall;
use super::Credentials;
use crate::environment::Environment;
use crate::profile::{get, Settings};
use crate::transport::HttpClient;
use std::time::{SystemTime, UNIX_EPOCH};

/// The web identity settings in force; `None` if no token file is named.
pub(super) struct WebIdentity {
    token_file: String,
    role_arn: String,
    session_name: Option<String>,
    /// Where the settings came from, for messages.
    origin: String,
}

impl WebIdentity {
    /// Reads the settings. A token file without a role is an error; so is
    /// `AWS_ROLE_ARN` without a token file (botocore would go on to other
    /// sources, and so to another identity than the role the environment
    /// names).
    pub fn configured(env: Option<&Environment>, profile: &Settings) -> Result<Option<WebIdentity>, String> {
        // Each setting from its variable, else the profile, and where from.
        let setting = |key: &'static str, var: &'static str| match env.and_then(|env| env.var(var)) {
            Some(value) => Some((value.to_owned(), var)),
            None => get(profile, key).map(|value| (value.to_owned(), key)),
        };
        let role = setting("role_arn", "AWS_ROLE_ARN");
        let Some((token_file, token_origin)) = setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE") else {
            if env.and_then(|env| env.var("AWS_ROLE_ARN")).is_some() {
                return Err("web identity: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not".into());
            }
            return Ok(None);
        };
        let Some((role_arn, role_origin)) = role else {
            return Err(format!(
                "web identity: {token_origin} is set but AWS_ROLE_ARN is not, nor the profile's role_arn"
            ));
        };
        Ok(Some(WebIdentity {
            token_file,
            role_arn,
            session_name: setting("role_session_name", "AWS_ROLE_SESSION_NAME").map(|(name, _)| name),
            origin: format!("{token_origin} and {role_origin}"),
        }))
    }

    /// Exchanges the token for credentials at `sts_endpoint`. Errors name the
    /// file, role and endpoint, and never carry the token.
    pub async fn assume_role(
        &self,
        http: &HttpClient,
        sts_endpoint: &str,
        region: &str,
    ) -> Result<Credentials, String> {
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            format!("web identity ({}): cannot read the token file {}: {e}", self.origin, self.token_file)
        })?;
        let session_name = self.session_name.clone().unwrap_or_else(|| {
            let millis = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
            format!("ecr-client-{millis}")
        });
        let call = StsCall {
            endpoint: sts_endpoint,
            region,
            action: "AssumeRoleWithWebIdentity",
            params: vec![
                ("RoleArn", self.role_arn.clone()),
                ("RoleSessionName", session_name),
                ("WebIdentityToken", token.trim().to_owned()),
            ],
            signed_by: None,
        };
        let about = format!("role {}", self.role_arn);
        let answer =
            call.credentials(http, &about).await.map_err(|e| format!("web identity ({}): {e}", self.origin))?;
        Ok(answer.credentials)
    }
}
