//! A typed, lean client for Amazon Elastic Container Registry Public (ECR
//! Public), API version 2020-10-30: the registry at `public.ecr.aws`.
//!
//! The operations and data types are generated from the APIs.guru OpenAPI
//! document of ECR Public by `cargo xtask regen`, over the same runtime as
//! `ecr-client` (`aws-json-runtime`). ECR Public's API is served from
//! `us-east-1` only.
//!
//! ```no_run
//! use ecr_public_client::{Client, Config};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::load(Config::builder().region("us-east-1")).await?;
//! let answer = client.describe_repositories().send().await?;
//! for repository in answer.repositories.unwrap_or_default() {
//!     println!("{:?}", repository.repository_uri);
//! }
//! let login = client.get_authorization_token().send().await?.login()?;
//! println!("docker login --username {} {}", login.username, ecr_public_client::login::REGISTRY);
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]
// docs.rs: each item marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod generated;
pub mod endpoint;
pub mod login;

/// The runtime beneath the generated code (the `aws-json-runtime` crate).
pub use aws_json_runtime as runtime;
pub use generated::{errors, operations, types, Client, EcrPublic};
pub use login::{LoginError, RegistryLogin};
pub use runtime::{Blob, Config, ConfigBuilder, ConfigError, Credentials, DateTime, RetryConfig, SdkError};

/// The README's examples (the crates.io page), compiled as doctests so
/// they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
