//! Web identity credentials (EKS IAM roles for service accounts): the token
//! file's JWT exchanged for temporary credentials with STS's
//! `AssumeRoleWithWebIdentity`, an unsigned Query-protocol call whose answer
//! is XML. The token is read again at every refresh, since the file rotates.

use super::credentials::{fetch_answer, Credentials};
use super::environment::Environment;
use super::signing::percent_encode;
use super::wire::DateTime;
use std::time::{SystemTime, UNIX_EPOCH};

/// One `AssumeRoleWithWebIdentity` call.
pub(crate) struct Request<'a> {
    pub sts_endpoint: String,
    pub role_arn: &'a str,
    pub token_file: &'a str,
    /// `AWS_ROLE_SESSION_NAME`, else one is made up.
    pub session_name: Option<&'a str>,
}

/// STS's endpoint: `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL` if set, else
/// the region's (the SDKs' default is regional), else the global one.
pub(crate) fn sts_endpoint(env: &Environment, region: Option<&str>) -> String {
    if let Some(url) = env.var("AWS_ENDPOINT_URL_STS").or_else(|| env.var("AWS_ENDPOINT_URL")) {
        return url.trim_end_matches('/').to_owned();
    }
    match region {
        Some(region) => format!("https://sts.{region}.{}", super::partition::partition_of(region).dns_suffix(false)),
        None => "https://sts.amazonaws.com".into(),
    }
}

impl Request<'_> {
    /// Exchanges the token for credentials. Errors name the file, role and
    /// endpoint, and never carry the token.
    pub async fn assume_role(&self, http: &reqwest::Client) -> Result<Credentials, String> {
        let token = std::fs::read_to_string(self.token_file)
            .map_err(|e| format!("cannot read the token file {}: {e}", self.token_file))?;
        let session_name = match self.session_name {
            Some(name) => name.to_owned(),
            None => {
                let millis = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
                format!("ecr-client-{millis}")
            }
        };
        let mut body = String::from("Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
        for (name, value) in
            [("RoleArn", self.role_arn), ("RoleSessionName", &session_name), ("WebIdentityToken", token.trim())]
        {
            body.push('&');
            body.push_str(name);
            body.push('=');
            percent_encode(&mut body, value);
        }
        let url = format!("{}/", self.sts_endpoint);
        let shown = super::config::without_userinfo(&url);
        let request = http.post(&url).header("content-type", "application/x-www-form-urlencoded").body(body);
        let (status, answer) = fetch_answer(request).await.map_err(|e| format!("STS at {shown}: {e}"))?;
        let role = self.role_arn;
        if !(200..300).contains(&status) {
            let code = element(&answer, "Code").unwrap_or_else(|| "no error code".into());
            let message = element(&answer, "Message").unwrap_or_default();
            return Err(format!("STS at {shown} refused role {role} (HTTP {status}): {code}: {message}"));
        }
        let credentials = element_block(&answer, "Credentials")
            .ok_or_else(|| format!("STS at {shown} answered without Credentials for role {role}"))?;
        let field = |name| {
            element(credentials, name).ok_or_else(|| format!("STS at {shown}: the answer for role {role} lacks {name}"))
        };
        let expiration = field("Expiration")?;
        let expires_at = DateTime::parse_rfc3339(&expiration)
            .ok_or_else(|| format!("STS at {shown}: Expiration {expiration:?} is not an RFC 3339 time"))?;
        Ok(Credentials::new(field("AccessKeyId")?, field("SecretAccessKey")?)
            .with_session_token(field("SessionToken")?)
            .with_expiry(expires_at.into()))
    }
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
