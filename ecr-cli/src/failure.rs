//! Why a command failed: one line for stderr, and the exit code the AWS CLI
//! would give.

use ecr_client::runtime::{OperationError, SdkError};

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong, in one line.
    pub message: String,
}

impl Failure {
    /// Bad usage: an unknown flag, a missing or malformed value.
    pub const USAGE: u8 = 252;
    /// No usable configuration or credentials.
    pub const CONFIGURATION: u8 = 253;
    /// The service answered with an error.
    pub const SERVICE: u8 = 254;
    /// Anything else: the network, a garbled answer, a failed wait.
    pub const OTHER: u8 = 255;

    /// A failure with `code`; the message is kept to one line.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        let message: String = message.into();
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Self { code, message }
    }

    /// Bad usage.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Self::USAGE, message)
    }

    /// A name the command table does not have.
    pub fn unknown(name: &str) -> Self {
        Self::usage(format!("unknown operation or waiter {name:?}"))
    }

    /// A failed call, sorted the way the AWS CLI sorts it.
    pub fn from_sdk<E: OperationError>(error: SdkError<E>) -> Self {
        match &error {
            SdkError::Service(e) => {
                let e = e.service_error();
                let mut message =
                    format!("An error occurred ({}) when calling the {} operation", e.code(), e.operation());
                if let Some(text) = e.message() {
                    message += &format!(": {text}");
                }
                if let Some(id) = e.request_id() {
                    message += &format!(" (request id {id})");
                }
                Self::new(Self::SERVICE, message)
            }
            SdkError::InvalidInput(e) => Self::usage(e.to_string()),
            SdkError::Credentials(e) => Self::new(Self::CONFIGURATION, e.to_string()),
            _ => Self::new(Self::OTHER, error.to_string()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
