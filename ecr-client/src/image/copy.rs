//! An image from one repository to another (other regions and accounts
//! too): the blobs the destination lacks stream from the source's download
//! URLs straight into the destination's uploads, never touching disk.

use super::remote::{self, ImageId, Repository};
use super::{push, ImageError, LocalImage, PullOptions, Reference, Summary, Transfer};
use crate::Client;

/// Copies `source` (through `source_client`) to `destination` (through
/// `destination_client`), under the destination's tag, else the source's.
/// Digests are preserved: the manifests are put byte for byte.
pub async fn copy(
    source_client: &Client,
    source: &Reference,
    destination_client: &Client,
    destination: &Reference,
    options: &PullOptions,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    let (image, destination) = resolve(source_client, source, destination, options).await?;
    push(destination_client, &image, &destination, transfer).await
}

/// Copies `source` (through `source_client`) to `destination`, a
/// `public.ecr.aws/ALIAS/REPO[:TAG]` of the caller's own ECR Public
/// registry, tagged as [`copy`] tags.
#[cfg(feature = "public")]
pub async fn copy_public(
    source_client: &Client,
    source: &Reference,
    destination_client: &ecr_public_client::Client,
    destination: &Reference,
    options: &PullOptions,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    let (image, destination) = resolve(source_client, source, destination, options).await?;
    super::push_public(destination_client, &image, &destination, transfer).await
}

/// The source image, and the destination with the source's tag when it
/// names none.
async fn resolve(
    source_client: &Client,
    source: &Reference,
    destination: &Reference,
    options: &PullOptions,
) -> Result<(LocalImage, Reference), ImageError> {
    let repository = Repository::of(source_client, source)?;
    let image = remote::resolve(&repository, &ImageId::of(source), options.platform.as_ref()).await?;
    let destination = match (&destination.tag, &destination.digest, &source.tag) {
        (None, None, Some(tag)) => destination.with_tag(tag),
        _ => destination.clone(),
    };
    Ok((image, destination))
}
