//! Errors: what a call can fail with, each saying in words which operation
//! failed, what happened and, where the service answered, its code, message,
//! HTTP status and request id.

use std::error::Error as StdError;
use std::fmt;

/// `scheme://user:pass@host/...` → `scheme://***@host/...`, for messages.
pub(crate) fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// Why a call failed. `E` is the operation's own error enum, with one variant
/// per error the service documents for it.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The service answered with an error.
    Service(E),
    /// The request was not sent because its input is not valid.
    InvalidInput(InvalidInput),
    /// The request could not be sent, or no answer arrived.
    Transport(TransportError),
    /// An answer arrived that is not what the protocol promises.
    Response(ResponseError),
    /// No credentials to sign the request with.
    Credentials(super::CredentialsError),
}

impl<E: OperationError> SdkError<E> {
    /// The service's error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error code (`RepositoryNotFoundException`), if any.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.service_error().code())
    }

    /// The service's error, owned, if the service answered with one.
    pub fn into_service_error(self) -> Result<E, Self> {
        match self {
            Self::Service(e) => Ok(e),
            other => Err(other),
        }
    }

    /// The same failure with the service's error turned into another type
    /// (say, every operation's into one): the other kinds kept as they are.
    pub fn map_service<F>(self, f: impl FnOnce(E) -> F) -> SdkError<F> {
        match self {
            Self::Service(e) => SdkError::Service(f(e)),
            Self::InvalidInput(e) => SdkError::InvalidInput(e),
            Self::Transport(e) => SdkError::Transport(e),
            Self::Response(e) => SdkError::Response(e),
            Self::Credentials(e) => SdkError::Credentials(e),
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(e) => e.fmt(f),
            Self::InvalidInput(e) => e.fmt(f),
            Self::Transport(e) => e.fmt(f),
            Self::Response(e) => e.fmt(f),
            Self::Credentials(e) => e.fmt(f),
        }
    }
}

/// Transparent: `Display` is the inner error's, and so is `source()`, so
/// reporters that walk the chain (`anyhow`, `eyre`) print each cause once.
impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Service(e) => e.source(),
            Self::InvalidInput(e) => e.source(),
            Self::Transport(e) => e.source(),
            Self::Response(e) => e.source(),
            Self::Credentials(e) => e.source(),
        }
    }
}

impl<E> From<InvalidInput> for SdkError<E> {
    fn from(e: InvalidInput) -> Self {
        Self::InvalidInput(e)
    }
}

/// Implemented by every generated operation error enum.
pub trait OperationError: StdError + Sized + Send + Sync + 'static {
    /// Sorts a service error into the operation's variant for its code.
    fn from_service_error(error: ServiceError) -> Self;
    /// The details every variant carries.
    fn service_error(&self) -> &ServiceError;
}

/// An error the service answered with.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    pub(crate) operation: &'static str,
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) status: u16,
    pub(crate) request_id: Option<String>,
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
    pub(crate) attempts: u32,
}

impl ServiceError {
    /// The operation that failed, e.g. `CreateRepository`.
    /// The operation, e.g. `CreateRepository`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The error code without namespace, e.g. `RepositoryNotFoundException`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The service's message, if it sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The request id AWS assigned (`x-amzn-RequestId`), for support cases.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// A member of the error body beyond code and message (for example
    /// `lastValidByteReceived`), as JSON.
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.get(name)
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.code)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        write!(f, " (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;
        write_attempts(f, self.attempts)
    }
}

impl StdError for ServiceError {}

/// A service error is an operation error of its own: for code that treats
/// the errors of several operations alike.
impl OperationError for ServiceError {
    fn from_service_error(error: ServiceError) -> Self {
        error
    }

    fn service_error(&self) -> &ServiceError {
        self
    }
}

/// A request that was not sent because its input is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    operation: &'static str,
    member: String,
    problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Missing,
    Invalid(String),
}

impl InvalidInput {
    pub(crate) fn missing(operation: &'static str, member: impl Into<String>) -> Self {
        Self { operation, member: member.into(), problem: Problem::Missing }
    }

    /// An input problem found by the client: `member` (wire name or path)
    /// of `operation` and what is wrong with it.
    pub fn new(operation: &'static str, member: &str, problem: impl Into<String>) -> Self {
        Self::constraint(operation, member.to_owned(), problem.into())
    }

    pub(crate) fn constraint(operation: &'static str, member: String, problem: String) -> Self {
        Self { operation, member, problem: Problem::Invalid(problem) }
    }

    pub(crate) fn unserializable(operation: &'static str, error: &serde_json::Error) -> Self {
        Self::constraint(operation, String::new(), format!("cannot be serialized: {error}"))
    }

    /// The same problem, said of `operation` (a request builder builds its
    /// input through the input's own builder). For generated code.
    #[doc(hidden)]
    pub fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = operation;
        self
    }

    /// What is wrong, as one sentence without the operation; a missing
    /// member in botocore's words (`Missing required parameter in
    /// imageIds[0]: "imageTag"`), which the AWS CLI prints.
    pub fn problem(&self) -> String {
        match &self.problem {
            Problem::Invalid(problem) => problem.clone(),
            Problem::Missing => {
                let (parent, member) = match self.member.rsplit_once('.') {
                    Some((parent, member)) => (parent, member),
                    None => ("input", self.member.as_str()),
                };
                format!("Missing required parameter in {parent}: \"{member}\"")
            }
        }
    }

    /// The operation, e.g. `CreateRepository`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The member at fault, by wire name, with its path inside the input
    /// (`imageIds[3].imageTag`); empty when the input as a whole is at fault.
    pub fn member(&self) -> &str {
        &self.member
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (operation, member) = (self.operation, &self.member);
        let at = if member.is_empty() { operation.to_owned() } else { format!("{operation}.{member}") };
        match &self.problem {
            Problem::Missing => write!(f, "{at} is required but was not set; the request was not sent"),
            Problem::Invalid(problem) => write!(f, "{at}: {problem}; the request was not sent"),
        }
    }
}

impl StdError for InvalidInput {}

/// What went wrong on the way to the service or back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made.
    Connect,
    /// A timeout fired.
    Timeout,
    /// The connection failed while sending or receiving.
    Io,
    /// The request could not be built or signed.
    Request,
    /// The whole operation, retries included, took longer than allowed.
    OperationTimeout(std::time::Duration),
    /// The answer's body is larger than the configured limit (bytes).
    BodyTooLarge(u64),
}

/// The request could not be sent, or no complete answer arrived.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) operation: &'static str,
    pub(crate) kind: TransportErrorKind,
    pub(crate) url: String,
    pub(crate) attempts: u32,
    pub(crate) source: Box<dyn StdError + Send + Sync>,
}

impl TransportError {
    /// What kind of failure it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether a timeout fired (an attempt's or the whole operation's).
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Timeout | TransportErrorKind::OperationTimeout(_))
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The underlying error (from the HTTP stack, usually a
    /// [`crate::transport::Error`]), to downcast. `Display` already includes its
    /// chain, so `source()` does not return it again.
    pub fn cause(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect to".to_owned(),
            TransportErrorKind::Timeout => "timed out waiting for".to_owned(),
            TransportErrorKind::Io => "connection failed while talking to".to_owned(),
            TransportErrorKind::Request => "could not build the request for".to_owned(),
            TransportErrorKind::OperationTimeout(limit) => {
                format!("gave up after the operation timeout ({limit:?}) on")
            }
            TransportErrorKind::BodyTooLarge(limit) => format!("refused an answer larger than {limit} bytes from"),
        };
        // The transport's own message is terse; the cause chain says what happened.
        write!(f, "{} failed: {what} {}: {}", self.operation, self.url, chain(&*self.source))?;
        write_attempts(f, self.attempts)
    }
}

impl StdError for TransportError {}

/// An error and its causes, `: `-separated, each once.
pub(crate) fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// An answer that does not follow the protocol: a body that is not JSON, not
/// the expected shape, an error without a code, or a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) problem: String,
    /// The start of the body; `None` when withheld because the operation's
    /// answers can carry secrets.
    pub(crate) body_start: Option<String>,
    pub(crate) attempts: u32,
}

impl ResponseError {
    /// A problem with an answer whose body is beside the point.
    pub(crate) fn new(operation: &'static str, status: u16, problem: String) -> Self {
        Self { operation, status, problem, body_start: Some(String::new()), attempts: 1 }
    }

    /// The operation the answer is to, e.g. `ListImages`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The start of the body, for diagnosis; `None` when it is withheld
    /// because the operation's answers can carry secrets (a
    /// GetAuthorizationToken answer holds a registry password).
    pub fn body_start(&self) -> Option<&str> {
        self.body_start.as_deref()
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: HTTP {} answer {}", self.operation, self.status, self.problem)?;
        match self.body_start.as_deref() {
            None => f.write_str(" (body not shown: these answers can carry secrets)")?,
            Some("") => f.write_str(" (empty body)")?,
            Some(start) => write!(f, "; body starts with: {start:?}")?,
        }
        write_attempts(f, self.attempts)
    }
}

impl StdError for ResponseError {}

/// `; gave up after N attempts` when the call was retried.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, "; gave up after {attempts} attempts")?;
    }
    Ok(())
}
