//! Moving images with the ECR API alone: IAM-signed calls, no Docker, no
//! daemon, no registry password.
//!
//! [`push`] uploads an image's missing blobs through InitiateLayerUpload,
//! UploadLayerPart and CompleteLayerUpload, then PutImage with the manifest
//! exactly as its bytes are. [`pull`] resolves a tag once with BatchGetImage
//! and fetches everything else by digest from GetDownloadUrlForLayer's URLs,
//! with ranged GETs over several connections. [`copy`] streams the blobs a
//! destination lacks from the source's URLs into the destination's uploads.
//! Every blob's sha256 is checked.
#![cfg_attr(
    feature = "public",
    doc = "With the `public` feature, [`push_public`] and [`copy_public`] push to `public.ecr.aws/ALIAS/REPO` \
           through ECR Public's layer operations."
)]
#![cfg_attr(
    not(feature = "public"),
    doc = "With the `public` feature, `push_public` and `copy_public` push to `public.ecr.aws/ALIAS/REPO` \
           through ECR Public's layer operations."
)]
//!
//! ```no_run
//! use ecr_client::image::{self, OciLayout, Reference, Transfer};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ecr_client::Client::from_env().await?;
//! let layout = OciLayout::new("./app-layout");
//! let source = layout.image(None)?;
//! let pushed = image::push(&client, &source, &Reference::parse("app:v1")?, &Transfer::default()).await?;
//! println!("{} ({} blobs uploaded)", pushed.image_digest, pushed.blobs_moved);
//! # Ok(())
//! # }
//! ```

mod archive;
mod copy;
mod destination;
mod digest;
mod docker_save;
mod download;
mod error;
mod layout;
mod local;
mod manifest;
mod pull;
mod push;
mod reference;
mod remote;
mod tasks;
mod upload;

pub use copy::copy;
#[cfg(feature = "public")]
pub use copy::copy_public;
pub use digest::Digest;
pub use error::ImageError;
pub use layout::{OciLayout, REF_NAME};
pub use local::{BlobReader, LocalImage, OpenBlob};
pub use manifest::{
    Contents, Descriptor, Manifest, Platform, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, MANIFEST_MEDIA_TYPES,
    MAX_MANIFEST_BYTES, OCI_INDEX, OCI_MANIFEST,
};
pub use pull::{pull, PullOptions};
pub use push::push;
#[cfg(feature = "public")]
pub use push::push_public;
pub use reference::{server_host, Host, Reference, Registry, PUBLIC_HOST};
pub use upload::push_blob;

use std::sync::Arc;

/// Called as bytes move.
pub type OnProgress = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Settings shared by push, pull and copy.
#[derive(Clone)]
#[non_exhaustive]
pub struct Transfer {
    /// Blobs moved at once.
    pub jobs: usize,
    /// Nothing is uploaded, downloaded or put: the summary says what would move.
    pub dry_run: bool,
    /// Called as bytes move.
    pub progress: Option<OnProgress>,
}

impl Default for Transfer {
    fn default() -> Self {
        Self { jobs: 4, dry_run: false, progress: None }
    }
}

impl std::fmt::Debug for Transfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transfer")
            .field("jobs", &self.jobs)
            .field("dry_run", &self.dry_run)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Transfer {
    /// `jobs` blobs at once (at least one).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Only say what would move.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Calls `report` as bytes move.
    pub fn progress(mut self, report: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(report));
        self
    }

    pub(crate) fn report(&self, progress: Progress) {
        if let Some(report) = &self.progress {
            report(&progress);
        }
    }
}

/// How far one blob has moved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The blob.
    pub digest: Digest,
    /// Bytes moved so far.
    pub done: u64,
    /// Its size.
    pub total: u64,
    /// Whether it was already there and moved no bytes.
    pub skipped: bool,
}

impl Progress {
    pub(crate) fn new(digest: &Digest, done: u64, total: u64) -> Self {
        Self { digest: digest.clone(), done, total, skipped: false }
    }

    pub(crate) fn skipped(digest: &Digest, total: u64) -> Self {
        Self { digest: digest.clone(), done: total, total, skipped: true }
    }
}

/// What a push, pull or copy did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Summary {
    /// The digest of the top manifest moved.
    pub image_digest: String,
    /// Blobs (layers and configs) moved.
    pub blobs_moved: u64,
    /// Blobs already where they were going.
    pub blobs_skipped: u64,
    /// Bytes of the blobs moved.
    pub bytes_moved: u64,
    /// Manifests put or written (an index and its children count each).
    pub manifests: u64,
}
