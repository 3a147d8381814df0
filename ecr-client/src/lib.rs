//! A typed, lean client for Amazon Elastic Container Registry (ECR), API
//! version 2015-09-21.
//!
//! The operations and data types are generated from the APIs.guru OpenAPI
//! document of ECR by `cargo xtask regen`; the runtime beneath them (signing,
//! sending, the wire format, errors) is written by hand.
//!
//! ```no_run
//! use ecr_client::{Client, Config, Credentials};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // Region, endpoint and credentials the way the AWS CLI finds them:
//! // environment, ~/.aws files, container credentials, instance metadata.
//! let client = Client::from_env().await?;
//! let images = client.list_images().repository_name("app").send().await?;
//! for id in images.image_ids.unwrap_or_default() {
//!     println!("{:?} {:?}", id.image_tag, id.image_digest);
//! }
//!
//! // Or everything explicit.
//! let config = Config::builder()
//!     .region("us-east-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
//!     .build()?;
//! let client = Client::new(config)?;
//! # Ok(())
//! # }
//! ```
//!
//! Errors name the operation, the service's error code and message, the
//! HTTP status and the request id; match on the operation's error enum in
//! [`errors`] to handle a specific one.
//!
//! Features: `image` moves images without Docker (`ecr_client::image`:
//! push, pull, copy, OCI layouts and tarballs); `public` adds pushes to
//! `public.ecr.aws`; `aws-config` plugs in the official credentials chain.
#![warn(missing_docs)]
// docs.rs: each item marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
mod generated;
mod batch;
pub mod endpoint;
#[cfg(feature = "image")]
pub mod image;
pub mod lifecycle;
pub mod login;
pub mod repository_policy;
#[cfg(test)]
mod wire_fidelity;

/// The runtime beneath the generated code (the `aws-json-runtime` crate):
/// configuration, credentials, signing, errors, paginators, waiters.
pub use aws_json_runtime as runtime;
pub use batch::MAX_IMAGE_IDS_PER_CALL;
pub use generated::{errors, operations, types, Client, Ecr};
pub use login::{LoginError, RegistryLogin};
pub use runtime::{Blob, Config, ConfigBuilder, ConfigError, Credentials, DateTime, RetryConfig, SdkError};

/// The workspace README's examples, compiled as doctests so they stay true
/// (one moves images, so with the `image` feature).
#[cfg(all(doctest, feature = "image"))]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The crate README's (its crates.io page), likewise.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
