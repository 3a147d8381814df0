//! An image into a repository: the blobs it lacks (up to `jobs` at once),
//! then every manifest with PutImage, an index's children before the index.

use super::destination::Destination;
use super::{tasks, upload, ImageError, LocalImage, Manifest, Progress, Reference, Summary, Transfer};
use crate::Client;
use aws_json_runtime::SdkError;

/// Pushes `image` to `destination` (tagged with its tag, `latest` if it has
/// neither tag nor digest; a digest given must be the image's).
pub async fn push(
    client: &Client,
    image: &LocalImage,
    destination: &Reference,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    image.check()?;
    let tag = tag_for(image, destination)?;
    push_to(&Destination::private(client, destination)?, image, tag, transfer).await
}

/// Pushes `image` to `destination`, a `public.ecr.aws/ALIAS/REPO[:TAG]` of
/// the caller's own ECR Public registry, with ECR Public's layer
/// operations (tagged as [`push`] tags).
#[cfg(feature = "public")]
pub async fn push_public(
    client: &ecr_public_client::Client,
    image: &LocalImage,
    destination: &Reference,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    image.check()?;
    let tag = tag_for(image, destination)?;
    push_to(&Destination::public(client, destination).await?, image, tag, transfer).await
}

async fn push_to(
    repository: &Destination,
    image: &LocalImage,
    tag: Option<String>,
    transfer: &Transfer,
) -> Result<Summary, ImageError> {
    let blobs = image.blobs();
    let available = repository.available(&blobs).await?;
    let (present, missing): (Vec<_>, Vec<_>) = blobs.into_iter().partition(|d| available.contains(&d.digest));
    let summary = Summary {
        image_digest: image.root.digest.to_string(),
        blobs_skipped: present.len() as u64,
        blobs_moved: missing.len() as u64,
        bytes_moved: missing.iter().map(|d| d.size).sum(),
        manifests: image.manifests().len() as u64,
        ..Summary::default()
    };
    for blob in &present {
        transfer.report(Progress::skipped(&blob.digest, blob.size));
    }
    if transfer.dry_run {
        return Ok(summary);
    }
    let source = image.blobs.describe();
    tasks::each(transfer.jobs, missing, |descriptor| {
        let (repository, blobs, transfer, source) =
            (repository.clone(), image.blobs.clone(), transfer.clone(), source.clone());
        async move {
            let reader = blobs.open(&descriptor)?;
            upload::upload(&repository, &descriptor, reader, &source, &transfer).await
        }
    })
    .await?;
    for manifest in image.manifests() {
        let is_root = manifest.digest == image.root.digest;
        put_manifest(repository, manifest, if is_root { tag.as_deref() } else { None }).await?;
    }
    Ok(summary)
}

/// The tag to put the image under, checking a digest the reference gives.
fn tag_for(image: &LocalImage, destination: &Reference) -> Result<Option<String>, ImageError> {
    match (&destination.tag, &destination.digest) {
        (_, Some(digest)) if *digest != image.root.digest => Err(ImageError::Invalid(format!(
            "{destination} names digest {digest}, but the image's manifest has digest {}",
            image.root.digest
        ))),
        (tag, Some(_)) => Ok(tag.clone()),
        (Some(tag), None) => Ok(Some(tag.clone())),
        (None, None) => Ok(Some("latest".into())),
    }
}

/// PutImage of `manifest`'s exact bytes; already there is success.
async fn put_manifest(repository: &Destination, manifest: &Manifest, tag: Option<&str>) -> Result<(), ImageError> {
    let text = manifest.text().map_err(ImageError::Invalid)?;
    match repository.put_image(text, &manifest.media_type, &manifest.digest, tag).await {
        Ok(Some(put)) if put != manifest.digest.as_str() => Err(ImageError::Mismatch {
            digest: manifest.digest.clone(),
            found: format!("ECR stored it as {put}"),
            source: "PutImage".into(),
        }),
        Ok(_) => Ok(()),
        // The tag already names this very manifest.
        Err(SdkError::Service(e)) if e.code() == "ImageAlreadyExistsException" => Ok(()),
        Err(e) => Err(ImageError::Call(e)),
    }
}
