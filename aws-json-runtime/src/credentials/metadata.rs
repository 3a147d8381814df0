//! Credentials from the machine: ECS and EKS container endpoints, and EC2
//! instance metadata (IMDSv2, its session token reused until near its TTL).
//! Neither goes through a proxy, and both fail fast off their platform.

use super::{fetch, parse_credentials_json, Credentials};
use crate::config::without_userinfo;
use crate::environment::Environment;
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

/// ECS and EKS container credentials; `None` when neither variable is set.
pub(super) async fn container(
    env: &Environment,
    http: &reqwest::Client,
    tried: &mut Vec<String>,
) -> Result<Option<Credentials>, String> {
    let url = match (env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        (Some(relative), _) => format!("http://169.254.170.2{relative}"),
        (None, Some(full)) => {
            allowed_container_uri(full)
                .map_err(|why| format!("container: AWS_CONTAINER_CREDENTIALS_FULL_URI {why}"))?;
            full.to_owned()
        }
        (None, None) => {
            tried.push("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI are not set".into());
            return Ok(None);
        }
    };
    let token = match (env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
    {
        (Some(file), _) => Some(
            std::fs::read_to_string(file).map_err(|e| format!("container: cannot read {file}: {e}"))?.trim().to_owned(),
        ),
        (None, token) => token.map(str::to_owned),
    };
    let mut request = http.get(&url);
    if let Some(token) = token {
        request = request.header("authorization", token);
    }
    let shown = without_userinfo(&url);
    let body = fetch(request).await.map_err(|e| format!("container: {shown}: {e}"))?;
    parse_credentials_json(&body, "Token").map(Some).map_err(|e| format!("container: {shown}: {e}"))
}

/// EC2 instance metadata, version 2; `None` when disabled or unreachable.
pub(super) async fn instance_metadata(
    env: &Environment,
    http: &reqwest::Client,
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

/// The AWS SDKs' rule for `AWS_CONTAINER_CREDENTIALS_FULL_URI`: https to
/// any host; plain http only to loopback or the ECS and EKS agents'
/// link-local addresses, where nothing on the network can read the answer.
pub(super) fn allowed_container_uri(uri: &str) -> Result<(), String> {
    let shown = without_userinfo(uri);
    let url = reqwest::Url::parse(uri).map_err(|e| format!("{shown:?} is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{shown:?} is refused: it has user info"));
    }
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let allowed = match (url.scheme(), host.parse::<std::net::IpAddr>()) {
        ("https", _) => !host.is_empty(),
        ("http", Ok(std::net::IpAddr::V4(ip))) => {
            ip.is_loopback() || [[169, 254, 170, 2], [169, 254, 170, 23]].contains(&ip.octets())
        }
        ("http", Ok(std::net::IpAddr::V6(ip))) => {
            ip.is_loopback() || ip == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23)
        }
        ("http", Err(_)) => host.eq_ignore_ascii_case("localhost"),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "{shown:?} is refused: use https, or http to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
        ))
    }
}

#[cfg(test)]
mod uri_tests {
    use super::allowed_container_uri;

    #[test]
    fn container_uris_as_the_sdks_allow_them() {
        for ok in [
            "https://creds.example/x",
            "http://127.0.0.1:8080/x",
            "http://127.9.9.9/x",
            "http://localhost/x",
            "http://169.254.170.2/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/x",
            "http://[::1]:9/x",
        ] {
            assert_eq!(allowed_container_uri(ok), Ok(()), "{ok}");
        }
        for refused in ["http://10.0.0.1/x", "http://169.254.169.254/x", "http://evil.example/x", "ftp://127.0.0.1/x"] {
            assert!(allowed_container_uri(refused).unwrap_err().contains("is refused"), "{refused}");
        }
        let e = allowed_container_uri("https://user:SENTINEL@creds.example/x").unwrap_err();
        assert!(e.contains("user info") && !e.contains("SENTINEL"), "{e}");
    }
}
