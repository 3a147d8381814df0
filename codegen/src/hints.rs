//! The hints file: facts about a service that the OpenAPI conversion lost.
//! Everything else comes from the document itself.

use crate::error::{parse_json, Error};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Facts the document cannot say. All fields are optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hints {
    /// Free text for humans (where the facts came from).
    #[serde(rename = "_comment")]
    pub comment: Option<String>,
    /// The `X-Amz-Target` prefix (`AmazonEC2ContainerRegistry_V20150921`),
    /// for documents that name none: each operation's target is then
    /// `<prefix>.<operationId>`.
    #[serde(rename = "targetPrefix")]
    pub target_prefix: Option<String>,
    /// The awsJson protocol version, `1.0` or `1.1` (default `1.1`).
    #[serde(rename = "jsonVersion")]
    pub json_version: Option<String>,
    /// Names of string shapes that are blobs (base64 on the wire).
    pub blobs: Vec<String>,
    /// Members (`Shape.member`) that hold secrets: redacted in `Debug`.
    pub sensitive: Vec<String>,
    /// Path of a hand-written endpoint resolver (a Rust path such as
    /// `crate::endpoint::resolve`) implementing the service's endpoint rules.
    #[serde(rename = "endpointResolver")]
    pub endpoint_resolver: Option<String>,
    /// Error codes that standard retries would retry but that, for this
    /// service, mean something else (e.g. a quota, not throttling).
    #[serde(rename = "nonRetryableErrors")]
    pub non_retryable_errors: Vec<String>,
    /// Pagination the generator cannot infer, by operation name. It infers
    /// `nextToken` in and out, `maxResults` as page size, and the output's
    /// only list as the items; a hint overrides any of them.
    pub paginators: BTreeMap<String, PaginatorHint>,
    /// Waiters by name: poll an operation until a state says done.
    pub waiters: BTreeMap<String, WaiterHint>,
}

/// A waiter: which operation to poll, where its state is, and which values
/// end the wait.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterHint {
    /// The operation polled.
    pub operation: String,
    /// Dotted path to the state in the output, e.g. `imageScanStatus.status`.
    pub path: String,
    /// States that mean success.
    pub success: Vec<String>,
    /// States that mean failure.
    #[serde(default)]
    pub failure: Vec<String>,
    /// Seconds between polls, at least (botocore's `delay`).
    pub delay: u64,
    /// Polls before giving up (botocore's `maxAttempts`): with `delay`, the
    /// default maximum wait.
    #[serde(rename = "maxAttempts")]
    pub max_attempts: u64,
}

/// How one operation pages, where inference needs help. All optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaginatorHint {
    /// Input member carrying the token (default `nextToken`).
    #[serde(rename = "inputToken")]
    pub input_token: Option<String>,
    /// Output member carrying the next token (default `nextToken`).
    #[serde(rename = "outputToken")]
    pub output_token: Option<String>,
    /// Input member limiting a page (default `maxResults`, if present).
    #[serde(rename = "pageSize")]
    pub page_size: Option<String>,
    /// `false` for an operation that pages by token but that the service's
    /// model gives no paginator: no paginator is inferred for it (so a
    /// command line does not page it, as the AWS CLI does not).
    pub paginates: Option<bool>,
    /// Dotted path to the list of items in the output, e.g.
    /// `imageScanFindings.findings`, or several such paths when the service
    /// pages several lists at once.
    pub items: Option<ItemsHint>,
}

/// One list of items, or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ItemsHint {
    /// One dotted path.
    One(String),
    /// Several dotted paths, each to a list.
    Many(Vec<String>),
}

impl ItemsHint {
    /// The paths, in order.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            ItemsHint::One(path) => vec![path],
            ItemsHint::Many(paths) => paths.iter().map(String::as_str).collect(),
        }
    }
}

impl Hints {
    /// Parses a hints file; errors name the offending key.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let hints: Hints = parse_json(text, "hints")?;
        if let Some(version) = &hints.json_version {
            if version != "1.0" && version != "1.1" {
                return Err(Error::at(
                    "hints #/jsonVersion",
                    format!("expected \"1.0\" or \"1.1\", found {version:?}"),
                ));
            }
        }
        if let Some(path) = &hints.endpoint_resolver {
            if syn::parse_str::<syn::Path>(path).is_err() {
                return Err(Error::at("hints #/endpointResolver", format!("expected a Rust path, found {path:?}")));
            }
        }
        Ok(hints)
    }
}
