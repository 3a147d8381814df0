//! Calls to the services credentials come from (STS, SSO, SSO-OIDC): their
//! endpoints, transient failures retried with backoff, and STS's Query
//! protocol (a form `POST`, signed or not, answered in XML).

use super::{fetch_answer, Credentials};
use crate::environment::Environment;
use crate::error::without_userinfo;
use crate::signing::{percent_encode, Destination, Signer};
use crate::transport::{parse_url, HttpClient, RequestBuilder};
use crate::wire::DateTime;
use std::time::{Duration, SystemTime};

/// Attempts of a credential call, as the standard retry mode makes them.
const MAX_ATTEMPTS: u32 = 3;

/// A service's endpoint: `AWS_ENDPOINT_URL_<ID>`, then `AWS_ENDPOINT_URL`,
/// then the profile's `endpoint_url` (botocore's order), else
/// `https://{prefix}.{region}.{dns suffix}`.
pub(super) fn endpoint(
    env: &Environment,
    service_id: &str,
    profile_endpoint: Option<&str>,
    prefix: &str,
    region: &str,
) -> String {
    if let Some(url) =
        env.var(&format!("AWS_ENDPOINT_URL_{service_id}")).or_else(|| env.var("AWS_ENDPOINT_URL")).or(profile_endpoint)
    {
        return url.trim_end_matches('/').to_owned();
    }
    let suffix = crate::partition::partition_of(region).dns_suffix(false);
    format!("https://{prefix}.{region}.{suffix}")
}

/// Sends what `build` makes, again after a transient failure (a connection
/// that failed or was reset, 5xx, throttling, `IDPCommunicationError`),
/// waiting 0.2 s then 0.4 s (with jitter). Gives the last status and body.
pub(super) async fn send_with_retries(build: impl Fn() -> RequestBuilder) -> Result<(u16, String), String> {
    let mut attempt = 1;
    loop {
        let result = fetch_answer(build()).await;
        let transient = match &result {
            Ok((status, body)) => {
                *status >= 500
                    || *status == 429
                    || [
                        "Throttling",
                        "ThrottlingException",
                        "TooManyRequestsException",
                        "IDPCommunicationError",
                        "RequestLimitExceeded",
                    ]
                    .iter()
                    .any(|code| body.contains(&format!("<Code>{code}</Code>")) || body.contains(&format!("\"{code}\"")))
            }
            Err(_) => true,
        };
        if !transient || attempt >= MAX_ATTEMPTS {
            return result;
        }
        let jitter = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().subsec_nanos() % 100;
        tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1) + u64::from(jitter))).await;
        attempt += 1;
    }
}

/// One STS call: an action and its parameters.
pub(super) struct StsCall<'a> {
    pub endpoint: &'a str,
    pub region: &'a str,
    pub action: &'a str,
    pub params: Vec<(&'a str, String)>,
    /// Signs the call; `None` for the unsigned `AssumeRoleWithWebIdentity`.
    pub signed_by: Option<&'a Credentials>,
}

impl StsCall<'_> {
    /// Sends the call, and reads the `Credentials` of its answer. Errors
    /// name the endpoint and what `about` says (the role), never a secret.
    pub async fn credentials(&self, http: &HttpClient, about: &str) -> Result<StsCredentials, String> {
        let mut body = format!("Action={}&Version=2011-06-15", self.action);
        for (name, value) in &self.params {
            body.push('&');
            body.push_str(name);
            body.push('=');
            percent_encode(&mut body, value);
        }
        let url = format!("{}/", self.endpoint);
        let shown = without_userinfo(&url);
        let parsed = parse_url(&url).map_err(|e| format!("STS endpoint {shown:?} is not a URL: {e}"))?;
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let signer = Signer::default();
        let (status, answer) = send_with_retries(|| {
            let mut request = http.post(parsed.clone()).header("content-type", content_type).body(body.clone());
            if let Some(credentials) = self.signed_by {
                let headers = [("content-type", content_type)];
                let to = Destination::of(&parsed);
                for (name, value) in
                    signer.sign(credentials, self.region, "sts", &to, &headers, body.as_bytes(), SystemTime::now())
                {
                    request = request.header(name, value);
                }
            }
            request
        })
        .await
        .map_err(|e| format!("STS at {shown}: {e}"))?;
        read_answer(status, &answer, &shown, about)
    }
}

/// Reads STS's answer (its XML) into credentials. Errors name the
/// endpoint (`shown`) and what `about` says, and never quote a secret.
pub(super) fn read_answer(status: u16, answer: &str, shown: &str, about: &str) -> Result<StsCredentials, String> {
    if !(200..300).contains(&status) {
        let code = element(answer, "Code").unwrap_or_else(|| "no error code".into());
        let message = element(answer, "Message").unwrap_or_default();
        return Err(format!("STS at {shown} refused {about} (HTTP {status}): {code}: {message}"));
    }
    let credentials = element_block(answer, "Credentials")
        .ok_or_else(|| format!("STS at {shown} answered without Credentials for {about}"))?;
    let field =
        |name| element(credentials, name).ok_or_else(|| format!("STS at {shown}: the answer for {about} lacks {name}"));
    let expiration = field("Expiration")?;
    let expires_at = DateTime::parse_rfc3339(&expiration)
        .ok_or_else(|| format!("STS at {shown}: Expiration {expiration:?} is not an RFC 3339 time"))?;
    let user = element_block(answer, "AssumedRoleUser");
    Ok(StsCredentials {
        credentials: Credentials::new(field("AccessKeyId")?, field("SecretAccessKey")?)
            .with_session_token(field("SessionToken")?)
            .with_expiry(expires_at.into()),
        assumed_role_arn: user.and_then(|u| element(u, "Arn")),
        assumed_role_id: user.and_then(|u| element(u, "AssumedRoleId")),
    })
}

/// What STS answered.
pub(super) struct StsCredentials {
    pub credentials: Credentials,
    pub assumed_role_arn: Option<String>,
    pub assumed_role_id: Option<String>,
}

/// The text of the first `<name>…</name>`, with XML's entities decoded.
fn element(xml: &str, name: &str) -> Option<String> {
    element_block(xml, name).map(unescape)
}

/// The raw content of the first `<name>…</name>`.
fn element_block<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..end].trim())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}
