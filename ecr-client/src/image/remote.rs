//! One repository in ECR, as moving images sees it: which blobs it has, its
//! manifests by tag or digest, and download URLs for its blobs.

use super::{
    Contents, Descriptor, Digest, ImageError, LocalImage, Manifest, Platform, Reference, MANIFEST_MEDIA_TYPES,
};
use crate::types::{BatchGetImageRequest, GetDownloadUrlForLayerRequest, ImageIdentifier, ImageStatus};
use crate::Client;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A repository of a registry, reached through a client of its region.
#[derive(Debug, Clone)]
pub(crate) struct Repository {
    pub client: Client,
    pub name: String,
    pub registry_id: Option<String>,
}

impl Repository {
    /// The repository `reference` names; its registry's region must be the client's.
    pub fn of(client: &Client, reference: &Reference) -> Result<Self, ImageError> {
        check_private(client, reference)?;
        Ok(Self {
            client: client.clone(),
            name: reference.repository.clone(),
            registry_id: reference.registry_id().map(str::to_owned),
        })
    }

    /// The manifest of `id` (a tag or a digest), any media type, its bytes
    /// checked against the digest ECR gives and the one asked for.
    pub async fn manifest(&self, id: &ImageId) -> Result<Manifest, ImageError> {
        let identifier = match id {
            ImageId::Tag(tag) => ImageIdentifier { image_tag: Some(tag.clone()), image_digest: None },
            ImageId::Digest(digest) => ImageIdentifier { image_digest: Some(digest.to_string()), image_tag: None },
        };
        let answer = self
            .client
            .send(BatchGetImageRequest {
                accepted_media_types: Some(MANIFEST_MEDIA_TYPES.iter().map(|t| (*t).to_owned()).collect()),
                image_ids: vec![identifier],
                registry_id: self.registry_id.clone(),
                repository_name: self.name.clone(),
            })
            .await?;
        let what = format!("{}{id}", self.name);
        let Some(image) = answer.images.unwrap_or_default().into_iter().next() else {
            let failure = answer.failures.unwrap_or_default().into_iter().next();
            let (code, reason) =
                failure.map(|f| (f.failure_code.map(|c| c.as_str().to_owned()), f.failure_reason)).unwrap_or_default();
            return Err(ImageError::Refused {
                operation: "BatchGetImage",
                code: code.unwrap_or_else(|| "ImageNotFound".into()),
                reason: format!("{what}: {}", reason.unwrap_or_else(|| "no such image".into())),
            });
        };
        let bytes = image
            .image_manifest
            .ok_or_else(|| ImageError::Invalid(format!("{what}: BatchGetImage answered no manifest")))?
            .into_bytes();
        let manifest =
            Manifest::parse(bytes, image.image_manifest_media_type.as_deref()).map_err(ImageError::Invalid)?;
        let claimed = image.image_id.and_then(|id| id.image_digest);
        let expected = match id {
            ImageId::Digest(digest) => Some(digest.to_string()),
            ImageId::Tag(_) => claimed,
        };
        if let Some(expected) = expected.filter(|d| *d != manifest.digest.as_str()) {
            return Err(ImageError::Mismatch {
                digest: Digest::parse(&expected).map_err(ImageError::Invalid)?,
                found: format!("the manifest's bytes have digest {}", manifest.digest),
                source: format!("BatchGetImage of {what}"),
            });
        }
        Ok(manifest)
    }

    /// A fresh download URL for `digest`.
    pub async fn download_url(&self, digest: &Digest) -> Result<String, ImageError> {
        let answer = self
            .client
            .send(GetDownloadUrlForLayerRequest {
                layer_digest: digest.to_string(),
                registry_id: self.registry_id.clone(),
                repository_name: self.name.clone(),
            })
            .await?;
        answer.download_url.ok_or_else(|| ImageError::Download {
            digest: digest.clone(),
            problem: "GetDownloadUrlForLayer answered no downloadUrl".into(),
        })
    }
}

/// Checks that `reference` is a private repository `client` reaches: in
/// the client's region, not in ECR Public.
pub(crate) fn check_private(client: &Client, reference: &Reference) -> Result<(), ImageError> {
    if reference.public_alias().is_some() {
        return Err(ImageError::Invalid(format!(
            "{reference} is in ECR Public, whose API reads no images and takes pushes only through its own \
             client (image::push_public)"
        )));
    }
    if let Some(registry) = reference.registry() {
        let region = client.config().region();
        if registry.region != region {
            return Err(ImageError::Invalid(format!(
                "{reference} is in {}, but the client is for {region}",
                registry.region
            )));
        }
    }
    Ok(())
}

/// A manifest in a repository, by tag or by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageId {
    Tag(String),
    Digest(Digest),
}

impl ImageId {
    /// What `reference` names: its digest if it has one, else its tag, else `latest`.
    pub fn of(reference: &Reference) -> Self {
        match (&reference.digest, &reference.tag) {
            (Some(digest), _) => Self::Digest(digest.clone()),
            (None, Some(tag)) => Self::Tag(tag.clone()),
            (None, None) => Self::Tag("latest".into()),
        }
    }
}

/// As it follows a repository name: `:TAG` or `@DIGEST`.
impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tag(tag) => write!(f, ":{tag}"),
            Self::Digest(digest) => write!(f, "@{digest}"),
        }
    }
}

/// A repository's blobs as a source to push from: each streamed from its
/// download URL.
struct RemoteBlobs(Repository);

impl super::OpenBlob for RemoteBlobs {
    fn open(&self, descriptor: &Descriptor) -> Result<super::BlobReader, ImageError> {
        Ok(Box::pin(super::download::stream(&self.0, descriptor)))
    }

    fn describe(&self) -> String {
        format!("repository {} in {}", self.0.name, self.0.client.config().region())
    }
}

/// The image `id` names in `repository`: its manifest and, for an index,
/// its children (or only the child for `platform`), all by digest once the
/// tag is resolved. Its blobs stream from their download URLs.
pub(crate) async fn resolve(
    repository: &Repository,
    id: &ImageId,
    platform: Option<&Platform>,
) -> Result<LocalImage, ImageError> {
    let mut root = repository.manifest(id).await?;
    let mut children = BTreeMap::new();
    if let (Some(platform), Contents::Index(entries)) = (platform, &root.contents) {
        let chosen = entries.iter().find(|e| e.platform.as_ref().is_some_and(|p| p.serves(platform)));
        let Some(chosen) = chosen else {
            let offered: Vec<String> =
                entries.iter().filter_map(|e| e.platform.as_ref().map(|p| p.to_string())).collect();
            return Err(ImageError::Invalid(format!(
                "{}{id} has no image for {platform} (it has: {})",
                repository.name,
                offered.join(", ")
            )));
        };
        root = repository.manifest(&ImageId::Digest(chosen.digest.clone())).await?;
    }
    for child in root.children() {
        let manifest = repository.manifest(&ImageId::Digest(child.digest.clone())).await?;
        if let Contents::Index(_) = manifest.contents {
            return Err(ImageError::Invalid(format!(
                "index {} names another index ({}): nested indexes are not supported",
                root.digest, child.digest
            )));
        }
        children.insert(child.digest.clone(), manifest);
    }
    let digests: Vec<&Digest> = std::iter::once(&root.digest).chain(children.keys()).collect();
    refuse_archived(repository, &digests).await?;
    Ok(LocalImage { root, children, blobs: Arc::new(RemoteBlobs(repository.clone())) })
}

/// Fails before any blob moves when one of `digests` is archived (or
/// being restored): ECR serves no layer of it, and the error names the
/// command that restores it. A caller who may not call DescribeImages
/// (pulling needs only BatchGetImage and GetDownloadUrlForLayer) is not
/// refused for that: the pull goes on unchecked.
async fn refuse_archived(repository: &Repository, digests: &[&Digest]) -> Result<(), ImageError> {
    for batch in digests.chunks(100) {
        let ids = batch.iter().map(|d| ImageIdentifier::builder().image_digest(d.as_str()).build()).collect();
        let mut request = repository.client.describe_images().repository_name(&repository.name).image_ids(ids);
        if let Some(id) = &repository.registry_id {
            request = request.registry_id(id);
        }
        let details = match request.send().await {
            Ok(answer) => answer.image_details.unwrap_or_default(),
            Err(error) => {
                tracing::debug!(%error, "DescribeImages failed: whether the image is archived is not checked");
                return Ok(());
            }
        };
        for detail in details {
            let archived = matches!(detail.image_status, Some(ImageStatus::Archived | ImageStatus::Activating));
            if let (true, Some(status), Some(digest)) = (archived, detail.image_status, detail.image_digest) {
                return Err(ImageError::Archived {
                    repository: repository.name.clone(),
                    digest: Digest::parse(&digest).map_err(ImageError::Invalid)?,
                    status: status.as_str().to_owned(),
                });
            }
        }
    }
    Ok(())
}
