//! With the `aws-config` feature: any credentials provider of the official
//! AWS SDK, such as its full default chain (SSO, web identity, assume-role,
//! ...), as a [`ProvideCredentials`] for this client.

use super::credentials::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};
use aws_credential_types::provider::{ProvideCredentials as SdkProvideCredentials, SharedCredentialsProvider};

/// Credentials from an `aws-config` provider.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use aws_json_runtime::{AwsConfigCredentials, Config};
/// let config = Config::builder()
///     .region("eu-west-1")
///     .credentials_provider(AwsConfigCredentials::default_chain().await)
///     .build()?;
/// // then `Client::new(config)` of any generated service, e.g. ecr_client's.
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AwsConfigCredentials(SharedCredentialsProvider);

/// Names the source only: the provider inside may cache credentials.
impl std::fmt::Debug for AwsConfigCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AwsConfigCredentials(aws-config)")
    }
}

impl AwsConfigCredentials {
    /// aws-config's default credentials chain, as the official SDK uses it.
    pub async fn default_chain() -> Self {
        let chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder().build().await;
        Self(SharedCredentialsProvider::new(chain))
    }

    /// Any aws-config credentials provider.
    pub fn from_provider(provider: impl SdkProvideCredentials + 'static) -> Self {
        Self(SharedCredentialsProvider::new(provider))
    }
}

impl ProvideCredentials for AwsConfigCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let sdk = self.0.provide_credentials().await.map_err(|e| {
                // The SDK's Display is terse; the cause chain says what happened.
                let mut message = format!("aws-config: {e}");
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                CredentialsError::new(message)
            })?;
            let mut credentials = Credentials::new(sdk.access_key_id(), sdk.secret_access_key());
            if let Some(token) = sdk.session_token() {
                credentials = credentials.with_session_token(token);
            }
            if let Some(expiry) = sdk.expiry() {
                credentials = credentials.with_expiry(expiry);
            }
            Ok(credentials)
        })
    }
}
