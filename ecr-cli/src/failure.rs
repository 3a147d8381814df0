//! Why a command failed: the message, written to stderr as AWS CLI v2
//! writes it, and the exit code it would give.

use ecr_client::runtime::{OperationError, SdkError};

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong: one line, but where the AWS CLI takes more (a
    /// validation error, an error page's lines).
    pub message: String,
    /// Whether stderr shows the usage too, and where.
    pub usage: Usage,
}

/// Where the AWS CLI shows its usage lines beside an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Not at all.
    None,
    /// After the error: the command line could not be parsed.
    After,
    /// Before it: flags that name no option.
    Before,
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
        Self { code, message, usage: Usage::None }
    }

    /// Bad usage: a value the command cannot use.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Self::USAGE, format!("An error occurred (ParamValidation): {}", message.into()))
    }

    /// A command line that cannot be parsed, shown with the usage lines.
    pub fn command_line(message: impl Into<String>) -> Self {
        let message: String = message.into();
        match message.strip_prefix(crate::parsing::UNKNOWN_OPTIONS) {
            Some(_) => Self { usage: Usage::Before, ..Self::new(Self::USAGE, message) },
            None => Self { usage: Usage::After, ..Self::usage(message) },
        }
    }

    /// What stderr shows, as AWS CLI v2 lays it out, for `program`.
    pub fn rendered(&self, program: &str) -> String {
        let usage = format!(
            "usage: {program} [options] <command> <subcommand> [<subcommand> ...] [parameters]\n\
             To see help text, you can run:\n\n  {program} help\n  {program} <command> help\n  \
             {program} <command> <subcommand> help\n"
        );
        let error = format!("\n{program}: [ERROR]: {}\n", self.message);
        match self.usage {
            Usage::None => error,
            Usage::After => format!("{error}\n{usage}"),
            Usage::Before => format!("\n{usage}\n{error}"),
        }
    }

    /// A name the command table does not have.
    pub fn unknown(name: &str) -> Self {
        Self::usage(format!("unknown operation or waiter {name:?}"))
    }

    /// A failed call of an operation's command, whose client checks inputs
    /// as the AWS CLI does: an input it refused is reported in its words.
    pub fn from_call<E: OperationError>(error: SdkError<E>) -> Self {
        match error {
            SdkError::InvalidInput(e) => Self {
                code: Self::USAGE,
                // On two lines, as botocore's ParamValidationError.
                message: format!("An error occurred (ParamValidation): Parameter validation failed:\n{}", e.problem()),
                usage: Usage::None,
            },
            other => Self::from_sdk(other),
        }
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
                // The request id is in --debug's log, as in the AWS CLI's.
                Self::new(Self::SERVICE, message)
            }
            // An error status the service gave without an error code: the
            // AWS CLI words it as a service error named by the status.
            SdkError::Response(e) if e.status() >= 400 => {
                let retries = match e.attempts() {
                    1 => String::new(),
                    n => format!(" (reached max retries: {})", n - 1),
                };
                // Its lines kept, as the AWS CLI prints them; any other
                // control character escaped, so no answer drives the terminal.
                let body: String = e
                    .body_start()
                    .map_or("(withheld)", str::trim)
                    .chars()
                    .flat_map(|c| match c.is_control() && c != '\n' && c != '\t' {
                        true => c.escape_default().collect::<Vec<_>>(),
                        false => vec![c],
                    })
                    .collect();
                let message = format!(
                    "An error occurred ({}) when calling the {} operation{retries}: {body}",
                    e.status(),
                    e.operation()
                );
                Self { code: Self::SERVICE, message, usage: Usage::None }
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
