//! Credentials from the ECS and EKS container endpoints
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `FULL_URI`). No proxy, and
//! they fail fast off their platform.

use super::{fetch, parse_credentials_json, Credentials};
use crate::environment::Environment;
use crate::error::without_userinfo;
use crate::transport::HttpClient;

/// ECS and EKS container credentials; `None` when neither variable is set.
pub(super) async fn credentials(
    env: &Environment,
    http: &HttpClient,
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

/// The AWS SDKs' rule for `AWS_CONTAINER_CREDENTIALS_FULL_URI`: https to
/// any host; plain http only to loopback or the ECS and EKS agents'
/// link-local addresses, where nothing on the network can read the answer.
pub(super) fn allowed_container_uri(uri: &str) -> Result<(), String> {
    let shown = without_userinfo(uri);
    let url: http::Uri = uri.parse().map_err(|e| format!("{shown:?} is not a URL: {e}"))?;
    if url.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(format!("{shown:?} is refused: it has user info"));
    }
    let host = url.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let allowed = match (url.scheme_str().unwrap_or_default(), host.parse::<std::net::IpAddr>()) {
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
