//! An image from one repository to another (other regions and accounts
//! too): the blobs the destination lacks stream from the source's download
//! URLs straight into the destination's uploads, never touching disk.

use super::remote::{self, ImageId, Repository};
use super::{push, ImageError, PullOptions, Reference, Summary, Transfer};
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
    let repository = Repository::of(source_client, source)?;
    let image = remote::resolve(&repository, &ImageId::of(source), options.platform.as_ref()).await?;
    let destination = match (&destination.tag, &destination.digest, &source.tag) {
        (None, None, Some(tag)) => destination.with_tag(tag),
        _ => destination.clone(),
    };
    push(destination_client, &image, &destination, transfer).await
}
