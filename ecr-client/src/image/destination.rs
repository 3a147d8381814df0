//! A repository as a push sees it: which blobs it has, layer uploads and
//! PutImage, through ECR's API or ECR Public's. The two have the same
//! operations with the same members, so each call is written once and
//! expanded for either client; their errors are erased to the service's
//! code, which is what a push decides on.

use super::{Descriptor, Digest, ImageError, Reference};
use crate::Client;
use aws_json_runtime::{OperationError, SdkError, ServiceError};
use std::collections::BTreeSet;

/// Digests BatchCheckLayerAvailability takes in one call.
const CHECK_BATCH: usize = 100;

/// A failed call, erased to the service error it carries.
pub(crate) type CallError = SdkError<ServiceError>;

/// The client a destination is reached through.
#[derive(Debug, Clone)]
enum Api {
    Ecr(Client),
    #[cfg(feature = "public")]
    Public(ecr_public_client::Client),
}

/// `$body` with `$client` bound to the destination's client, whichever
/// service it is of, and `$request` the request `$make` begins with the
/// repository and (when known) the registry id set.
macro_rules! call {
    ($destination:expr, |$client:ident| $make:ident, |$request:ident| $body:expr) => {
        match &$destination.api {
            Api::Ecr($client) => call!(@begun $destination, $client, $make, $request, $body),
            #[cfg(feature = "public")]
            Api::Public($client) => call!(@begun $destination, $client, $make, $request, $body),
        }
    };
    (@begun $destination:expr, $client:ident, $make:ident, $request:ident, $body:expr) => {{
        let $request = $client.$make().repository_name(&$destination.name);
        let $request = match &$destination.registry_id {
            Some(id) => $request.registry_id(id),
            None => $request,
        };
        $body
    }};
}

/// A repository to push to.
#[derive(Debug, Clone)]
pub(crate) struct Destination {
    api: Api,
    name: String,
    registry_id: Option<String>,
}

impl Destination {
    /// The private repository `reference` names; its registry's region must
    /// be the client's.
    pub fn private(client: &Client, reference: &Reference) -> Result<Self, ImageError> {
        super::remote::check_private(client, reference)?;
        Ok(Self {
            api: Api::Ecr(client.clone()),
            name: reference.repository.clone(),
            registry_id: reference.registry_id().map(str::to_owned),
        })
    }

    /// The ECR Public repository `public.ecr.aws/ALIAS/REPO` names. The
    /// alias must be one of the caller's own registry's (DescribeRegistries
    /// lists only those): an image is never pushed anywhere but where the
    /// reference says.
    #[cfg(feature = "public")]
    pub async fn public(client: &ecr_public_client::Client, reference: &Reference) -> Result<Self, ImageError> {
        let Some(alias) = reference.public_alias() else {
            return Err(ImageError::Invalid(format!(
                "{reference} is not in ECR Public (public.ecr.aws/ALIAS/REPO); push it with image::push"
            )));
        };
        let registries = client.describe_registries().into_paginator().collect_items().await?;
        let owner = registries.iter().find(|r| r.aliases.iter().any(|a| a.name == alias));
        let Some(owner) = owner else {
            let mut owned: Vec<&str> =
                registries.iter().flat_map(|r| r.aliases.iter().map(|a| a.name.as_str())).collect();
            owned.sort_unstable();
            return Err(ImageError::Invalid(format!(
                "{reference}: {alias:?} is not an alias of your ECR Public registry (its aliases: {})",
                if owned.is_empty() { "none".to_owned() } else { owned.join(", ") }
            )));
        };
        Ok(Self {
            api: Api::Public(client.clone()),
            name: reference.repository.clone(),
            registry_id: Some(owner.registry_id.clone()),
        })
    }

    /// Which of `blobs` the repository has.
    pub async fn available(&self, blobs: &[Descriptor]) -> Result<BTreeSet<Digest>, ImageError> {
        let mut available = BTreeSet::new();
        for chunk in blobs.chunks(CHECK_BATCH) {
            let digests: Vec<String> = chunk.iter().map(|d| d.digest.to_string()).collect();
            let found: Vec<String> = call!(self, |client| batch_check_layer_availability, |request| {
                let answer = request.layer_digests(digests).send().await?;
                answer
                    .layers
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|l| l.layer_availability.as_ref().is_some_and(|a| a.as_str() == "AVAILABLE"))
                    .filter_map(|l| l.layer_digest)
                    .collect()
            });
            available.extend(found.iter().filter_map(|d| Digest::parse(d).ok()));
        }
        Ok(available)
    }

    /// InitiateLayerUpload: the upload id and the part size, if given.
    pub async fn initiate_upload(&self) -> Result<(Option<String>, Option<i64>), CallError> {
        call!(self, |client| initiate_layer_upload, |request| {
            let answer = request.send().await.map_err(erased)?;
            Ok((answer.upload_id, answer.part_size))
        })
    }

    /// UploadLayerPart of `part`, the bytes from `first` on.
    pub async fn upload_part(&self, upload_id: &str, first: u64, part: bytes::Bytes) -> Result<(), CallError> {
        let last = first + part.len() as u64 - 1;
        call!(self, |client| upload_layer_part, |request| {
            let request = request.upload_id(upload_id).part_first_byte(first as i64).part_last_byte(last as i64);
            request.layer_part_blob(part).send().await.map(drop).map_err(erased)
        })
    }

    /// CompleteLayerUpload: the digest the service computed, if it says.
    pub async fn complete_upload(&self, upload_id: &str, digest: &Digest) -> Result<Option<String>, CallError> {
        call!(self, |client| complete_layer_upload, |request| {
            let request = request.upload_id(upload_id).layer_digests(vec![digest.to_string()]);
            request.send().await.map(|a| a.layer_digest).map_err(erased)
        })
    }

    /// PutImage of `manifest` (its exact text) under `digest` and `tag`:
    /// the digest the service stored it as, if it says.
    pub async fn put_image(
        &self,
        manifest: &str,
        media_type: &str,
        digest: &Digest,
        tag: Option<&str>,
    ) -> Result<Option<String>, CallError> {
        call!(self, |client| put_image, |request| {
            let request = request.image_manifest(manifest).image_manifest_media_type(media_type);
            let request = request.image_digest(digest.as_str());
            let request = match tag {
                Some(tag) => request.image_tag(tag),
                None => request,
            };
            let answer = request.send().await.map_err(erased)?;
            Ok(answer.image.and_then(|i| i.image_id).and_then(|id| id.image_digest))
        })
    }
}

fn erased<E: OperationError>(error: SdkError<E>) -> CallError {
    error.map_service(|e| e.service_error().clone())
}
