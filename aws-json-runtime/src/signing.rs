//! SigV4 signing of awsJson requests: a `POST` with no query string and a
//! few fixed headers. The canonical request for that one shape is built
//! directly, and the derived signing key is cached per credentials, day,
//! region and service. `tests` checks the result against AWS's own signer
//! (aws-sigv4) across inputs, and `wire_fidelity` against botocore.

use super::credentials::Credentials;
use super::wire::DateTime;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::time::SystemTime;

/// Signs requests, remembering the last derived signing key. Deliberately
/// not `Debug`: it holds key material.
#[derive(Default)]
pub struct Signer {
    key: Mutex<Option<DerivedKey>>,
}

/// A signing key derived from a secret key: as secret as the key itself.
struct DerivedKey {
    credentials: Credentials,
    scope: String,
    key: [u8; 32],
}

/// Where requests go, in the two forms the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The `Host` header: the URL's authority without the scheme's default
    /// port, as HTTP clients send it.
    pub host: String,
    /// SigV4's canonical URI of the URL's path.
    pub canonical_uri: String,
}

impl Destination {
    pub fn of(url: &http::Uri) -> Self {
        let host = url.host().unwrap_or_default().to_owned();
        let default_port = match url.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        };
        let host = match url.port_u16() {
            Some(port) if Some(port) != default_port => format!("{host}:{port}"),
            _ => host,
        };
        Self { host, canonical_uri: canonical_uri(url.path()) }
    }
}

/// SigV4's canonical URI for services other than S3, as botocore and
/// aws-sigv4 make it: empty segments dropped, and the path as sent (already
/// percent-encoded) encoded once more.
fn canonical_uri(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out = String::from("/");
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        percent_encode(&mut out, segment);
    }
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Appends `text` with every byte but RFC 3986's unreserved ones
/// percent-encoded (as SigV4 and form bodies want).
pub fn percent_encode(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

impl Signer {
    /// The headers that sign a `POST` to `to` with `headers` (lowercase
    /// names) and `body`: `authorization`, `x-amz-date` and, with temporary
    /// credentials, `x-amz-security-token`.
    #[allow(clippy::too_many_arguments)]
    pub fn sign(
        &self,
        credentials: &Credentials,
        region: &str,
        service: &str,
        to: &Destination,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Vec<(&'static str, String)> {
        let payload: [u8; 32] = Sha256::digest(body).into();
        self.sign_hashed(credentials, region, service, to, headers, &payload, time)
    }

    /// Like [`Signer::sign`], for a body whose SHA-256 is `payload` (hashed
    /// as it was written, while in cache).
    #[allow(clippy::too_many_arguments)]
    pub fn sign_hashed(
        &self,
        credentials: &Credentials,
        region: &str,
        service: &str,
        to: &Destination,
        headers: &[(&str, &str)],
        payload: &[u8; 32],
        time: SystemTime,
    ) -> Vec<(&'static str, String)> {
        let (year, month, day, hour, minute, second) = DateTime::from(time).utc_fields();
        let date = format!("{year:04}{month:02}{day:02}");
        let amz_date = format!("{date}T{hour:02}{minute:02}{second:02}Z");
        let scope = format!("{date}/{region}/{service}/aws4_request");

        let mut canonical_headers: Vec<(&str, &str)> = headers.to_vec();
        canonical_headers.push(("host", &to.host));
        canonical_headers.push(("x-amz-date", &amz_date));
        if let Some(token) = credentials.session_token() {
            canonical_headers.push(("x-amz-security-token", token));
        }
        canonical_headers.sort_unstable_by_key(|(name, _)| *name);
        let signed_headers = canonical_headers.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(";");

        let mut canonical = String::with_capacity(512);
        canonical.push_str("POST\n");
        canonical.push_str(&to.canonical_uri);
        canonical.push_str("\n\n");
        for (name, value) in &canonical_headers {
            canonical.push_str(name);
            canonical.push(':');
            push_trimmed(&mut canonical, value);
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(&signed_headers);
        canonical.push('\n');
        canonical.push_str(&hex(payload));

        let string_to_sign =
            format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
        let signature = {
            let mut cached = self.key.lock().unwrap_or_else(|e| e.into_inner());
            let key = match cached.as_ref() {
                Some(derived) if derived.scope == scope && derived.credentials == *credentials => derived.key,
                _ => {
                    let key = signing_key(credentials.secret_access_key(), &date, region, service);
                    *cached = Some(DerivedKey { credentials: credentials.clone(), scope: scope.clone(), key });
                    key
                }
            };
            hex(&hmac_sha256(&key, string_to_sign.as_bytes()))
        };

        let mut signed = vec![
            (
                "authorization",
                format!(
                    "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
                    credentials.access_key_id()
                ),
            ),
            ("x-amz-date", amz_date),
        ];
        if let Some(token) = credentials.session_token() {
            signed.push(("x-amz-security-token", token.to_owned()));
        }
        signed
    }
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let key = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let key = hmac_sha256(&key, region.as_bytes());
    let key = hmac_sha256(&key, service.as_bytes());
    hmac_sha256(&key, b"aws4_request")
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length: this never fails.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SigV4's value canonicalization: trimmed, runs of spaces as one.
fn push_trimmed(out: &mut String, value: &str) {
    let mut last_space = false;
    for c in value.trim().chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use std::time::{Duration, UNIX_EPOCH};

    /// What aws-sigv4's general signer makes of the same request.
    fn reference(
        credentials: &Credentials,
        region: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Vec<(String, String)> {
        let identity = aws_credential_types::Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_owned),
            None,
            "test",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("ecr")
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let request = SignableRequest::new("POST", url, headers.iter().copied(), SignableBody::Bytes(body)).unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let mut out: Vec<_> = instructions.headers().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
        out.sort();
        out
    }

    #[test]
    fn agrees_with_aws_sigv4_across_inputs() {
        let signer = Signer::default();
        let plain = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let temporary = plain.clone().with_session_token("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==");
        let urls = [
            "https://api.ecr.us-east-1.amazonaws.com/",
            "http://127.0.0.1:5000/",
            "https://ecr.eu-west-1.api.aws:443/",
            "https://proxy.example:8443/base/path",
            "https://proxy.example/base/path/",
            "http://127.0.0.1:5000//a%20b/c+d/%7Ee/",
        ];
        let bodies: [&[u8]; 3] = [b"{}", br#"{"repositoryName":"app","maxResults":100}"#, &[0u8, 255, 10, 32]];
        for (i, (credentials, url)) in
            [&plain, &temporary].into_iter().flat_map(|c| urls.iter().map(move |u| (c, u))).enumerate()
        {
            for body in bodies {
                // Times across days and the key cache's day boundary.
                for offset in [0u64, 1, 86_399, 86_400, 31_000_000] {
                    let time = UNIX_EPOCH + Duration::from_secs(1_705_000_000 + offset + i as u64);
                    let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "Svc.Op")];
                    let parsed: http::Uri = url.parse().unwrap();
                    let mut ours: Vec<(String, String)> = signer
                        .sign(credentials, "us-east-1", "ecr", &Destination::of(&parsed), &headers, body, time)
                        .into_iter()
                        .map(|(n, v)| (n.to_owned(), v))
                        .collect();
                    ours.sort();
                    assert_eq!(ours, reference(credentials, "us-east-1", url, &headers, body, time), "{url} {time:?}");
                }
            }
        }
    }

    #[test]
    fn values_are_trimmed_and_spaces_collapsed() {
        let mut out = String::new();
        push_trimmed(&mut out, "  a   b c  ");
        assert_eq!(out, "a b c");
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
