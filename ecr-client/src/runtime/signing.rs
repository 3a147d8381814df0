//! SigV4 request signing, by AWS's own `aws-sigv4` crate.

use super::credentials::Credentials;
use aws_sigv4::http_request::{sign as sigv4_sign, SignableBody, SignableRequest, SigningSettings};
use std::error::Error;
use std::time::SystemTime;

/// The headers that sign a POST of `body` to `url` with `headers`:
/// `authorization`, `x-amz-date` and, with temporary credentials,
/// `x-amz-security-token`. The payload hash covers the exact body bytes.
pub(crate) fn sign(
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(&'static str, String)>, Box<dyn Error + Send + Sync>> {
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_owned),
        credentials.expires_at(),
        "ecr-client",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let request = SignableRequest::new("POST", url, headers.iter().copied(), SignableBody::Bytes(body))?;
    let (instructions, _signature) = sigv4_sign(request, &params)?.into_parts();
    let (signed_headers, _query) = instructions.into_parts();
    Ok(signed_headers.into_iter().map(|h| (h.name(), h.value().to_owned())).collect())
}
