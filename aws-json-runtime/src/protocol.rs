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

/// The JSON body of a request, and its SHA-256 (for the signature).
pub(crate) fn serialize<T: Serialize>(operation: &'static str, input: &T) -> Result<super::wire::Body, InvalidInput> {
    super::wire::with_blobs_spliced(|| serde_json::to_vec(input))
        .map_err(|e| InvalidInput::unserializable(operation, &e))
}

/// An answer as it came off the wire, and whether its body can hold secrets
/// (then no part of it goes into an error).
pub(crate) struct Received<'a> {
    pub operation: &'static str,
    pub answer: &'a Answer,
    pub secret: bool,
}

/// The output of a 2xx answer; an empty body is an empty object.
pub(crate) fn parse_output<T: DeserializeOwned>(received: &Received<'_>) -> Result<T, ResponseError> {
    let (operation, answer) = (received.operation, received.answer);
    let body: &[u8] = if answer.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &answer.body };
    serde_json::from_slice(body).map_err(|e| {
        let problem = if received.secret {
            // serde_json's messages can quote a value ("invalid type: string ...").
            let kind = match e.classify() {
                serde_json::error::Category::Data => "a member of the wrong type or value",
                serde_json::error::Category::Syntax => "a JSON syntax error",
                _ => "a body cut short",
            };
            format!("is not a valid {operation} response: {kind} at line {} column {}", e.line(), e.column())
        } else {
            format!("is not a valid {operation} response: {e}")
        };
        response_error(received, problem)
    })
}

/// A 3xx answer: never followed (the request is signed for this host and
/// may carry a session token), always an error naming where it pointed.
pub(crate) fn redirect_error(received: &Received<'_>) -> ResponseError {
    let location = header(received.answer, "location")
        .map_or("no Location".to_owned(), |l| format!("Location {:?}", super::error::without_userinfo(&l)));
    let mut error = response_error(received, format!("is a redirect ({location}); redirects are not followed"));
    error.body_start = Some(String::new());
    error
}

/// The service error in a non-2xx answer, or why the answer is not one.
pub(crate) fn parse_error(received: &Received<'_>) -> Result<ServiceError, ResponseError> {
    let (operation, answer) = (received.operation, received.answer);
    let mut fields = match serde_json::from_slice::<serde_json::Value>(&answer.body) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let from_header = header(answer, "x-amzn-errortype");
    let from_body = ["code", "__type"].iter().find_map(|k| fields.get(*k).and_then(|v| v.as_str()).map(str::to_owned));
    let code = from_header.or(from_body).map(|raw| error_code(&raw).to_owned()).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Err(response_error(received, "is an error without an AWS error code".into()));
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

fn response_error(received: &Received<'_>, problem: String) -> ResponseError {
    let answer = received.answer;
    let body_start = (!received.secret).then(|| {
        let text = String::from_utf8_lossy(&answer.body);
        match text.char_indices().nth(BODY_START_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.into_owned(),
        }
    });
    ResponseError { operation: received.operation, status: answer.status, problem, body_start, attempts: 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(answer: &Answer) -> Received<'_> {
        Received { operation: "Op", answer, secret: false }
    }

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
        let a = answer(400, &[("x-amzn-requestid", "req-1")], r#"{"__type":"ns#Bad","message":"m"}"#);
        let e = parse_error(&open(&a)).unwrap();
        assert_eq!((e.code(), e.message(), e.request_id(), e.status()), ("Bad", Some("m"), Some("req-1"), 400));

        let a = answer(400, &[], r#"{"code":"Bad","Message":"M","lastValidByteReceived":5}"#);
        let e = parse_error(&open(&a)).unwrap();
        assert_eq!((e.code(), e.message()), ("Bad", Some("M")));
        assert_eq!(e.field("lastValidByteReceived"), Some(&serde_json::json!(5)));

        let a = answer(500, &[("x-amzn-errortype", "ServerException:http://x")], "");
        let e = parse_error(&open(&a)).unwrap();
        assert_eq!((e.code(), e.message()), ("ServerException", None));

        // The header wins over the body.
        let a = answer(400, &[("X-Amzn-ErrorType", "FromHeader")], r#"{"__type":"FromBody"}"#);
        assert_eq!(parse_error(&open(&a)).unwrap().code(), "FromHeader");
    }

    #[test]
    fn answers_that_are_not_aws_errors_say_what_they_are() {
        let html = answer(502, &[], "<html><body>502 Bad Gateway</body></html>");
        let text =
            parse_error(&Received { operation: "ListImages", answer: &html, secret: false }).unwrap_err().to_string();
        assert!(text.contains("ListImages failed: HTTP 502") && text.contains("without an AWS error code"), "{text}");
        assert!(text.contains("<html><body>502 Bad Gateway"), "{text}");
        let e = parse_error(&open(&answer(503, &[], ""))).unwrap_err();
        assert!(e.to_string().contains("(empty body)"), "{e}");
    }

    #[test]
    fn outputs_parse_and_bad_bodies_are_clear_errors() {
        #[derive(serde::Deserialize, Debug)]
        struct Out {
            #[serde(rename = "n")]
            _n: Option<i64>,
        }
        parse_output::<Out>(&open(&answer(200, &[], ""))).unwrap();
        parse_output::<Out>(&open(&answer(200, &[], r#"{"n":1,"unknown":true}"#))).unwrap();
        let e = parse_output::<Out>(&open(&answer(200, &[], r#"{"n":1"#))).unwrap_err();
        assert!(e.to_string().contains("is not a valid Op response: EOF while parsing"), "{e}");
        let long = "x".repeat(10_000);
        let e = parse_output::<Out>(&open(&answer(200, &[], &long))).unwrap_err();
        assert!(e.body_start().unwrap().chars().count() <= BODY_START_CHARS + 1, "body is cut short");
    }

    #[test]
    fn answers_that_can_hold_secrets_are_never_quoted() {
        #[derive(serde::Deserialize, Debug)]
        struct Out {
            #[serde(rename = "token")]
            _token: Option<i64>,
        }
        for body in [r#"{"token":"SENTINEL-TOKEN""#, r#"{"token":"SENTINEL-TOKEN"}"#, "SENTINEL-TOKEN"] {
            let a = answer(200, &[], body);
            let e = parse_output::<Out>(&Received { operation: "GetToken", answer: &a, secret: true }).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(text.contains("is not a valid GetToken response") && text.contains("line 1 column"), "{text}");
            assert!(!text.contains("SENTINEL"), "{text}");
            assert_eq!(e.body_start(), None);
        }
        let a = answer(500, &[], "SENTINEL-TOKEN");
        let e = parse_error(&Received { operation: "GetToken", answer: &a, secret: true }).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SENTINEL"), "{e}");
    }

    #[test]
    fn redirects_name_status_and_location_without_user_info() {
        let a = answer(307, &[("location", "https://user:SENTINEL@elsewhere.example/x")], "moved");
        let text = redirect_error(&open(&a)).to_string();
        assert!(text.contains("HTTP 307") && text.contains("https://***@elsewhere.example/x"), "{text}");
        assert!(text.contains("redirects are not followed") && !text.contains("SENTINEL"), "{text}");
    }
}
