//! Credentials from EC2 instance metadata (IMDSv2, its session token reused
//! until near its TTL). No proxy, and it fails fast off EC2.

use super::{fetch, parse_credentials_json, Credentials};
use crate::environment::Environment;
use crate::error::without_userinfo;
use crate::transport::HttpClient;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The IMDSv2 session token's lifetime asked for.
const IMDS_TOKEN_TTL: Duration = Duration::from_secs(21_600);

/// A reused IMDSv2 session token.
#[derive(Default)]
pub(super) struct ImdsToken(Mutex<Option<(String, Instant)>>);

impl ImdsToken {
    fn current(&self) -> Option<String> {
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref().filter(|(_, until)| Instant::now() < *until).map(|(token, _)| token.clone())
    }

    fn keep(&self, token: &str) {
        // A minute of margin: a token is never used just as it expires.
        let until = Instant::now() + IMDS_TOKEN_TTL - Duration::from_secs(60);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((token.to_owned(), until));
    }
}

/// EC2 instance metadata, version 2; `None` when disabled or unreachable.
pub(super) async fn credentials(
    env: &Environment,
    http: &HttpClient,
    session: &ImdsToken,
    tried: &mut Vec<String>,
) -> Result<Option<Credentials>, String> {
    if env.flag("AWS_EC2_METADATA_DISABLED") == Some(true) {
        tried.push("instance metadata: disabled by AWS_EC2_METADATA_DISABLED".into());
        return Ok(None);
    }
    let base = env.var("AWS_EC2_METADATA_SERVICE_ENDPOINT").unwrap_or("http://169.254.169.254").trim_end_matches('/');
    let shown = without_userinfo(base);
    let token = match session.current() {
        Some(token) => token,
        None => {
            let request = http
                .put(format!("{base}/latest/api/token"))
                .header("x-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL.as_secs().to_string());
            match fetch(request).await {
                Ok(token) => {
                    let token = token.trim().to_owned();
                    session.keep(&token);
                    token
                }
                Err(e) => {
                    tried.push(format!("instance metadata: {shown}: {e}"));
                    return Ok(None);
                }
            }
        }
    };
    let get = |path: String| http.get(format!("{base}{path}")).header("x-aws-ec2-metadata-token", &token);
    let roles = fetch(get("/latest/meta-data/iam/security-credentials/".into()))
        .await
        .map_err(|e| format!("instance metadata: no instance role: {e}"))?;
    let role =
        roles.lines().next().map(str::trim).filter(|r| !r.is_empty()).ok_or("instance metadata: no instance role")?;
    let body = fetch(get(format!("/latest/meta-data/iam/security-credentials/{role}")))
        .await
        .map_err(|e| format!("instance metadata: role {role}: {e}"))?;
    parse_credentials_json(&body, "Token").map(Some).map_err(|e| format!("instance metadata: role {role}: {e}"))
}
