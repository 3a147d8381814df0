//! Entry points for the fuzz targets (`fuzz/` at the workspace root): every
//! reader of untrusted input in this crate, reachable without a network or
//! files. Hidden: not part of the API, and free to change.

pub use super::credentials::fuzz::{cached_time, credential_answers, profiles};
use super::protocol::{self, Answer, Received};
use super::{Operation, OperationError};

/// Reads an answer to `I` as the client does: the output of a 2xx (its
/// `Debug`), a redirect's error, or the typed error of any other status.
pub fn answer<I: Operation>(status: u16, headers: &[(&str, &str)], body: &[u8]) -> String
where
    I::Output: std::fmt::Debug,
{
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_bytes(value.as_bytes()))
        {
            map.append(name, value);
        }
    }
    let answer = Answer { status, headers: map, body: bytes::Bytes::copy_from_slice(body) };
    let received = Received { operation: I::NAME, answer: &answer, secret: I::SECRET_OUTPUT };
    match status {
        200..=299 => match protocol::parse_output::<I::Output>(&received) {
            Ok(output) => format!("{output:?}"),
            Err(e) => e.to_string(),
        },
        300..=399 => protocol::redirect_error(&received).to_string(),
        _ => match protocol::parse_error(&received) {
            Ok(e) => I::Error::from_service_error(e).to_string(),
            Err(e) => e.to_string(),
        },
    }
}

/// Parses `text` as every timestamp form the crate reads (RFC 3339, epoch
/// seconds, the AWS CLI's cached form) and converts what parses to the
/// system clock and back to text.
pub fn timestamps(text: &str) -> String {
    let mut out = String::new();
    let forms = [super::DateTime::parse_rfc3339(text), super::DateTime::parse_epoch_seconds(text), cached_time(text)];
    for time in forms.into_iter().flatten() {
        let system = std::time::SystemTime::from(time);
        out.push_str(&format!("{time} {} {:?}\n", time.to_epoch_seconds(), super::DateTime::from(system)));
    }
    out
}
