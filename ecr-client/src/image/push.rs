//! An image into a repository: the blobs it lacks (up to `jobs` at once),
//! then every manifest with PutImage, an index's children before the index.

use super::remote::Repository;
use super::{tasks, upload, ImageError, LocalImage, Manifest, Progress, Reference, Summary, Transfer};
use crate::errors::PutImageError;
use crate::types::PutImageRequest;
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
    let repository = Repository::of(client, destination)?;
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
        put_manifest(&repository, manifest, if is_root { tag.as_deref() } else { None }).await?;
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
async fn put_manifest(repository: &Repository, manifest: &Manifest, tag: Option<&str>) -> Result<(), ImageError> {
    let request = PutImageRequest {
        image_digest: Some(manifest.digest.to_string()),
        image_manifest: manifest.text().map_err(ImageError::Invalid)?.to_owned(),
        image_manifest_media_type: Some(manifest.media_type.clone()),
        image_tag: tag.map(str::to_owned),
        registry_id: repository.registry_id.clone(),
        repository_name: repository.name.clone(),
    };
    match repository.client.send(request).await {
        Ok(answer) => {
            let put = answer.image.and_then(|i| i.image_id).and_then(|id| id.image_digest);
            match put {
                Some(put) if put != manifest.digest.as_str() => Err(ImageError::Mismatch {
                    digest: manifest.digest.clone(),
                    found: format!("ECR stored it as {put}"),
                    source: "PutImage".into(),
                }),
                _ => Ok(()),
            }
        }
        // The tag already names this very manifest.
        Err(SdkError::Service(PutImageError::ImageAlreadyExistsException(_))) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
