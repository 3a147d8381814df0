//! The awsJson protocol: request bodies, successful answers, and the error
//! forms services use (`__type` or `code` in the body, with or without a
//! `namespace#` prefix and `:url` suffix, or the `X-Amzn-ErrorType` header).

use super::error::{InvalidInput, ResponseError, ServiceError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An answer as it came off the wire.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: bytes::Bytes,
}

/// How much of an unexpected body an error shows.
const BODY_START_CHARS: usize = 256;

/// The JSON body of a request.
pub(crate) fn serialize<T: Serialize>(operation: &'static str, input: &T) -> Result<Vec<u8>, InvalidInput> {
    serde_json::to_vec(input).map_err(|e| InvalidInput::unserializable(operation, &e))
}

/// The output of a 2xx answer; an empty body is an empty object.
pub(crate) fn parse_output<T: DeserializeOwned>(operation: &'static str, answer: &Answer) -> Result<T, ResponseError> {
    let body: &[u8] = if answer.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &answer.body };
    serde_json::from_slice(body)
        .map_err(|e| response_error(operation, answer, format!("is not a valid {operation} response: {e}")))
}

/// The service error in a non-2xx answer, or why the answer is not one.
pub(crate) fn parse_error(operation: &'static str, answer: &Answer) -> Result<ServiceError, ResponseError> {
    let mut fields = match serde_json::from_slice::<serde_json::Value>(&answer.body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let from_header = header(answer, "x-amzn-errortype");
    let from_body = ["code", "__type"].iter().find_map(|k| fields.get(*k).and_then(|v| v.as_str()).map(str::to_owned));
    let code = from_header.or(from_body).map(|raw| error_code(&raw).to_owned()).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Err(response_error(operation, answer, "is an error without an AWS error code".into()));
    };
    let message =
        ["message", "Message"].iter().find_map(|k| fields.get(*k).and_then(|v| v.as_str()).map(str::to_owned));
    for key in ["code", "__type", "message", "Message"] {
        fields.remove(key);
    }
    Ok(ServiceError {
        operation,
        code,
        message,
        status: answer.status,
        request_id: header(answer, "x-amzn-requestid"),
        fields,
        attempts: 1,
    })
}

/// `aws.ns#Name:http://...` → `Name`.
pub(crate) fn error_code(raw: &str) -> &str {
    let name = raw.rsplit_once('#').map_or(raw, |(_, name)| name);
    name.split_once(':').map_or(name, |(name, _)| name).trim()
}

fn header(answer: &Answer, name: &str) -> Option<String> {
    answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned).filter(|v| !v.is_empty())
}

fn response_error(operation: &'static str, answer: &Answer, problem: String) -> ResponseError {
    let text = String::from_utf8_lossy(&answer.body);
    let body_start = match text.char_indices().nth(BODY_START_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    };
    ResponseError { operation, status: answer.status, problem, body_start, attempts: 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Answer {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        Answer { status, headers: map, body: bytes::Bytes::from(body.to_owned()) }
    }

    #[test]
    fn error_codes_lose_namespace_and_suffix() {
        assert_eq!(error_code("RepositoryNotFoundException"), "RepositoryNotFoundException");
        assert_eq!(error_code("com.amazonaws.ecr#RepositoryNotFoundException"), "RepositoryNotFoundException");
        assert_eq!(
            error_code("com.amazonaws.ecr#RepositoryNotFoundException:http://internal.amazon.com/coral/"),
            "RepositoryNotFoundException"
        );
        assert_eq!(error_code("ThrottlingException:http://x"), "ThrottlingException");
    }

    #[test]
    fn every_error_form_parses() {
        let e =
            parse_error("Op", &answer(400, &[("x-amzn-requestid", "req-1")], r#"{"__type":"ns#Bad","message":"m"}"#))
                .unwrap();
        assert_eq!((e.code(), e.message(), e.request_id(), e.status()), ("Bad", Some("m"), Some("req-1"), 400));

        let e =
            parse_error("Op", &answer(400, &[], r#"{"code":"Bad","Message":"M","lastValidByteReceived":5}"#)).unwrap();
        assert_eq!((e.code(), e.message()), ("Bad", Some("M")));
        assert_eq!(e.field("lastValidByteReceived"), Some(&serde_json::json!(5)));

        let e = parse_error("Op", &answer(500, &[("x-amzn-errortype", "ServerException:http://x")], "")).unwrap();
        assert_eq!((e.code(), e.message()), ("ServerException", None));

        // The header wins over the body.
        let e =
            parse_error("Op", &answer(400, &[("X-Amzn-ErrorType", "FromHeader")], r#"{"__type":"FromBody"}"#)).unwrap();
        assert_eq!(e.code(), "FromHeader");
    }

    #[test]
    fn answers_that_are_not_aws_errors_say_what_they_are() {
        let html = "<html><body>502 Bad Gateway</body></html>";
        let e = parse_error("ListImages", &answer(502, &[], html)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("ListImages failed: HTTP 502") && text.contains("without an AWS error code"), "{text}");
        assert!(text.contains("<html><body>502 Bad Gateway"), "{text}");
        let e = parse_error("ListImages", &answer(503, &[], "")).unwrap_err();
        assert!(e.to_string().contains("(empty body)"), "{e}");
    }

    #[test]
    fn outputs_parse_and_bad_bodies_are_clear_errors() {
        #[derive(serde::Deserialize, Debug)]
        struct Out {
            #[serde(rename = "n")]
            _n: Option<i64>,
        }
        parse_output::<Out>("Op", &answer(200, &[], "")).unwrap();
        parse_output::<Out>("Op", &answer(200, &[], r#"{"n":1,"unknown":true}"#)).unwrap();
        let e = parse_output::<Out>("Op", &answer(200, &[], r#"{"n":1"#)).unwrap_err();
        assert!(e.to_string().contains("is not a valid Op response: EOF while parsing"), "{e}");
        let long = "x".repeat(10_000);
        let e = parse_output::<Out>("Op", &answer(200, &[], &long)).unwrap_err();
        assert!(e.body_start().chars().count() <= BODY_START_CHARS + 1, "body is cut short");
    }
}
