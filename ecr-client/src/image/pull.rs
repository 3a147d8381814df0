//! An image from a repository into an OCI layout directory: the tag
//! resolved once, then everything by digest; blobs the layout already holds
//! (checked) are kept, the others downloaded in ranges over several
//! connections.

use super::download::{self, Ranges};
use super::remote::{self, ImageId, Repository};
use super::{tasks, ImageError, OciLayout, Platform, Progress, Reference, Summary, Transfer};
use crate::Client;

/// What to pull, and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PullOptions {
    /// From an index, only the image for this platform.
    pub platform: Option<Platform>,
    /// Connections per blob.
    pub connections: usize,
    /// Bytes per ranged GET.
    pub chunk_size: u64,
}

impl Default for PullOptions {
    fn default() -> Self {
        Self { platform: None, connections: 4, chunk_size: 8 * 1024 * 1024 }
    }
}

impl PullOptions {
    /// Only the image for `platform`, from an index.
    pub fn platform(mut self, platform: Option<Platform>) -> Self {
        self.platform = platform;
        self
    }

    /// `connections` ranged GETs at once per blob (at least one).
    pub fn connections(mut self, connections: usize) -> Self {
        self.connections = connections.max(1);
        self
    }

    /// Bytes per ranged GET (at least one).
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }
}

/// Pulls `source` into the layout directory `layout`, naming it in
/// `index.json` by its tag (none when pulled by digest alone).
pub async fn pull(
    client: &Client,
    source: &Reference,
    layout: &OciLayout,
    options: &PullOptions,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    let repository = Repository::of(client, source)?;
    let id = ImageId::of(source);
    let image = remote::resolve(&repository, &id, options.platform.as_ref()).await?;
    let mut missing = Vec::new();
    let mut summary = Summary {
        image_digest: image.root.digest.to_string(),
        manifests: image.manifests().len() as u64,
        ..Summary::default()
    };
    for blob in image.blobs() {
        let path = layout.blob_path(&blob.digest)?;
        if path.exists() && download::verify(&path, &blob, "the layout").await.is_ok() {
            summary.blobs_skipped += 1;
            transfer.report(Progress::skipped(&blob.digest, blob.size));
        } else {
            summary.blobs_moved += 1;
            summary.bytes_moved += blob.size;
            missing.push((blob, path));
        }
    }
    if transfer.dry_run {
        return Ok(summary);
    }
    layout.create_blob_dir()?;
    let ranges = Ranges { connections: options.connections.max(1), chunk: options.chunk_size.max(1) };
    tasks::each(transfer.jobs, missing, |(blob, path)| {
        let (repository, transfer) = (repository.clone(), transfer.clone());
        async move { download::download_to(&repository, &blob, &path, ranges, &transfer).await }
    })
    .await?;
    for manifest in image.manifests() {
        layout.write_manifest(manifest)?;
    }
    let name = match &id {
        ImageId::Tag(tag) => Some(tag.as_str()),
        ImageId::Digest(_) => source.tag.as_deref(),
    };
    layout.add_to_index(&image.root, name)?;
    Ok(summary)
}
