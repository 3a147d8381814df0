//! The runtime of generated AWS JSON-protocol clients (awsJson 1.0 and
//! 1.1): configuration, credentials and region as the AWS CLI finds them,
//! SigV4 signing, sending and retries, the wire format, errors, paginators
//! and waiters.
//!
//! Nothing here knows a particular service: a service is described by the
//! generated [`ServiceMeta`], and an operation by the generated
//! [`Operation`] impl of its input type. Items marked hidden are for
//! generated code only and are not part of the API.
#![warn(missing_docs)]
// docs.rs: each item marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "aws-config")]
mod aws_config;
mod client;
mod config;
mod credentials;
#[doc(hidden)]
pub mod endpoint;
mod environment;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod paginator;
#[doc(hidden)]
pub mod partition;
mod profile;
mod protocol;
mod python_json;
mod retry;
mod service_client;
#[doc(hidden)]
pub mod signing;
mod tls;
pub mod transport;
mod validate;
mod waiter;

#[doc(hidden)]
pub mod wire;

#[cfg(feature = "aws-config")]
pub use self::aws_config::AwsConfigCredentials;
pub use client::Client;
pub use config::{Config, ConfigBuilder, ConfigError, InputChecks};
pub use credentials::{
    Credentials, CredentialsError, CredentialsFuture, DefaultCredentialsChain, MfaPrompt, ProvideCredentials,
    DEFAULT_PROCESS_TIMEOUT,
};
pub use endpoint::{Endpoint, EndpointParams, ResolveEndpoint};
pub use environment::Environment;
pub use error::{
    InvalidInput, OperationError, ResponseError, SdkError, ServiceError, TransportError, TransportErrorKind,
};
pub use paginator::{Items, Paginated, Paginator};
pub use profile::profile_setting;
pub use python_json::python_json_string;
pub use retry::RetryConfig;
pub use validate::{Check, Pattern, StringRule, Validate};
pub use waiter::{OnPoll, Poll, WaitError, WaitFor, Waiter, DEFAULT_MAX_DELAY};
pub use wire::{Blob, DateTime};

// Named by the macros generated crates expand, so they need not depend on
// these crates themselves.
#[doc(hidden)]
pub use bytes;

/// A value of a string enum that this version of the client does not know:
/// its text, and nothing to match on. Only parsing makes one, and never from
/// a known value, so `"KMS"` is always the `Kms` variant, however it was made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// For generated enums' parsing only: not API.
    #[doc(hidden)]
    pub fn new(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The value as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Static facts about a service, generated from its document.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ServiceMeta {
    /// Short name, e.g. `ecr`.
    pub name: &'static str,
    /// API version, e.g. `2015-09-21`.
    pub api_version: &'static str,
    /// SigV4 signing name.
    pub signing_name: &'static str,
    /// `application/x-amz-json-1.0` or `-1.1`.
    pub content_type: &'static str,
    /// Endpoint templates, in the document's order.
    pub endpoints: &'static [EndpointTemplate],
    /// The service's own endpoint rules, when its hints name them; they win
    /// over the templates.
    pub resolve_endpoint: Option<ResolveEndpoint>,
    /// Error codes never worth retrying for this service, even where the
    /// standard retry rules would retry them.
    pub non_retryable_errors: &'static [&'static str],
}

/// An endpoint URL template with a `{region}` placeholder.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct EndpointTemplate {
    /// e.g. `https://api.ecr.{region}.amazonaws.com`.
    pub url: &'static str,
    /// Regions the document says this template serves; empty for any.
    pub regions: &'static [&'static str],
}

impl ServiceMeta {
    /// Every fact at once, for generated code (which builds the facts in a
    /// `const`); not API.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        name: &'static str,
        api_version: &'static str,
        signing_name: &'static str,
        content_type: &'static str,
        endpoints: &'static [EndpointTemplate],
        resolve_endpoint: Option<ResolveEndpoint>,
        non_retryable_errors: &'static [&'static str],
    ) -> Self {
        Self { name, api_version, signing_name, content_type, endpoints, resolve_endpoint, non_retryable_errors }
    }
}

impl EndpointTemplate {
    /// A template for `url` serving `regions` (empty for any).
    pub const fn new(url: &'static str, regions: &'static [&'static str]) -> Self {
        Self { url, regions }
    }
}

/// A service: a marker type the generated code defines, carrying its facts.
pub trait Service: Send + Sync + 'static {
    /// The service's facts.
    const META: ServiceMeta;
}

/// An operation, implemented by the generated code on the operation's input
/// type, so `client.send(input)` knows where and how to send it.
pub trait Operation: serde::Serialize + Validate {
    /// The service the operation belongs to.
    type Service: Service;
    /// What a successful call returns.
    type Output: serde::de::DeserializeOwned;
    /// The errors the operation can return.
    type Error: OperationError;
    /// Operation name, e.g. `CreateRepository`.
    const NAME: &'static str;
    /// The `X-Amz-Target` header value.
    const TARGET: &'static str;
    /// Whether the output can hold a sensitive member: then no part of the
    /// answer's body ever appears in an error.
    const SECRET_OUTPUT: bool = false;
}

/// Stands in for a secret in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("** redacted **")
    }
}

/// A required member of a request, or an error naming what is missing.
#[doc(hidden)]
pub fn required<T>(value: Option<T>, operation: &'static str, member: &'static str) -> Result<T, InvalidInput> {
    value.ok_or_else(|| InvalidInput::missing(operation, member))
}

/// Serde, `Display`, `Default` and an order by text for a generated string
/// enum, through its `as_str` and `From<&str>`. For generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::wire::deserialize_str(deserializer).map(|s| Self::from(s.as_ref()))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// `Unknown("")`: what a required value the service left out becomes.
        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::from("")
            }
        }

        /// By text, so the order of two values stays the same when a newer
        /// version adds variants (a derived order would follow them).
        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
    };
}

/// `Display` and `Error` for a generated operation error enum, through its
/// [`OperationError`] impl. For generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! operation_error {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt($crate::OperationError::service_error(self), f)
            }
        }

        impl ::std::error::Error for $name {}

        impl $name {
            /// The error's details: code, message, status, request id.
            pub fn details(&self) -> &$crate::ServiceError {
                $crate::OperationError::service_error(self)
            }
        }
    };
}

/// `From` each operation's error enum into the service-wide one, sorting
/// the error again by its code: one the operation does not list, but the
/// document defines, gets its own variant there. For generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! any_error_from {
    ($any:ident: $($operation:ident),* $(,)?) => {
        $(
            impl ::std::convert::From<$operation> for $any {
                fn from(error: $operation) -> Self {
                    // A clone on the error path keeps the generated enums free
                    // of a by-value accessor.
                    $crate::OperationError::from_service_error(
                        $crate::OperationError::service_error(&error).clone(),
                    )
                }
            }
        )*
    };
}

#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;

/// The README's examples (the crates.io page), compiled as doctests so
/// they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
