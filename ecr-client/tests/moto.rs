//! End to end against moto, a real ECR emulator on 127.0.0.1: every call is
//! serialized, SigV4-signed, sent over HTTP and parsed back.

mod support;

use ecr_client::errors::{
    BatchDeleteImageError, CreateRepositoryError, DeleteRepositoryError, DescribeRepositoriesError, ListImagesError,
};
use ecr_client::types::{CreateRepositoryRequest, ImageIdentifier, ImageTagMutability, Tag, TagStatus};
use ecr_client::SdkError;
use std::time::{Duration, SystemTime};

/// A small image manifest (Docker v2 schema 2).
fn manifest(layer_byte: u8) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:{:064x}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":"sha256:{:064x}"}}]}}"#,
        1, layer_byte
    )
}

#[tokio::test]
async fn repository_lifecycle_with_typed_errors() {
    let client = support::client();
    let name = support::unique_name("lifecycle");

    let created = client
        .create_repository()
        .repository_name(&name)
        .image_tag_mutability(ImageTagMutability::Immutable)
        .tags(vec![Tag::builder().key("team").value("core").build()])
        .send()
        .await
        .unwrap();
    let repo = created.repository.expect("a repository");
    assert_eq!(repo.repository_name.as_deref(), Some(name.as_str()));
    assert_eq!(repo.image_tag_mutability, Some(ImageTagMutability::Immutable));
    assert_eq!(repo.registry_id.as_deref(), Some("123456789012"));
    assert!(repo.repository_arn.unwrap().ends_with(&format!(":repository/{name}")));
    let created_at = SystemTime::from(repo.created_at.expect("a creation time"));
    let age = SystemTime::now().duration_since(created_at).unwrap_or_default();
    assert!(age < Duration::from_secs(600), "created_at is now, not {created_at:?}");

    let described = client.describe_repositories().repository_names(vec![name.clone()]).send().await.unwrap();
    let repos = described.repositories.unwrap();
    assert_eq!(repos.len(), 1);
    assert_eq!(repos[0].repository_name.as_deref(), Some(name.as_str()));

    let again = client.create_repository().repository_name(&name).send().await.unwrap_err();
    let SdkError::Service(CreateRepositoryError::RepositoryAlreadyExistsException(details)) = &again else {
        panic!("expected RepositoryAlreadyExistsException, got {again:?}");
    };
    assert_eq!(details.status(), 400);
    assert!(details.message().unwrap().contains(&name), "{details}");
    let text = again.to_string();
    assert!(text.starts_with("CreateRepository failed: RepositoryAlreadyExistsException: "), "{text}");

    let deleted = client.delete_repository().repository_name(&name).send().await.unwrap();
    assert_eq!(deleted.repository.unwrap().repository_name.as_deref(), Some(name.as_str()));

    let gone = client.describe_repositories().repository_names(vec![name.clone()]).send().await.unwrap_err();
    assert!(
        matches!(gone, SdkError::Service(DescribeRepositoriesError::RepositoryNotFoundException(_))),
        "expected RepositoryNotFoundException, got {gone:?}"
    );
    let gone = client.delete_repository().repository_name(&name).send().await.unwrap_err();
    assert_eq!(gone.code(), Some("RepositoryNotFoundException"));
    assert!(matches!(gone, SdkError::Service(DeleteRepositoryError::RepositoryNotFoundException(_))));
}

#[tokio::test]
async fn images_are_put_listed_and_deleted() {
    let client = support::client();
    let name = support::unique_name("images");
    client.create_repository().repository_name(&name).send().await.unwrap();

    let mut digests = Vec::new();
    for (tag, byte) in [("v1", 1u8), ("v2", 2)] {
        let put = client
            .put_image()
            .repository_name(&name)
            .image_manifest(manifest(byte))
            .image_tag(tag)
            .send()
            .await
            .unwrap();
        let image = put.image.expect("the image");
        assert_eq!(image.image_manifest.as_deref(), Some(manifest(byte).as_str()), "manifest comes back byte for byte");
        assert_eq!(image.image_id.as_ref().and_then(|id| id.image_tag.as_deref()), Some(tag));
        digests.push(image.image_id.unwrap().image_digest.expect("a digest"));
    }
    assert_ne!(digests[0], digests[1]);

    let listed = client.list_images().repository_name(&name).send().await.unwrap();
    let mut tags: Vec<_> = listed.image_ids.unwrap().into_iter().filter_map(|id| id.image_tag).collect();
    tags.sort();
    assert_eq!(tags, ["v1", "v2"]);

    let untagged = client
        .list_images()
        .repository_name(&name)
        .filter(ecr_client::types::ListImagesFilter::builder().tag_status(TagStatus::Untagged).build())
        .send()
        .await
        .unwrap();
    assert_eq!(untagged.image_ids.unwrap_or_default(), vec![]);

    let deleted = client
        .batch_delete_image()
        .repository_name(&name)
        .image_ids(vec![
            ImageIdentifier::builder().image_tag("v1").build(),
            ImageIdentifier::builder().image_tag("missing").build(),
        ])
        .send()
        .await
        .unwrap();
    let deleted_ids = deleted.image_ids.unwrap();
    assert_eq!(deleted_ids.len(), 1);
    assert_eq!(deleted_ids[0].image_digest.as_deref(), Some(digests[0].as_str()));
    let failures = deleted.failures.unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].image_id.as_ref().unwrap().image_tag.as_deref(), Some("missing"));
    assert!(failures[0].failure_code.is_some());

    let listed = client.list_images().repository_name(&name).send().await.unwrap();
    let ids = listed.image_ids.unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].image_tag.as_deref(), Some("v2"));

    let not_empty = client.delete_repository().repository_name(&name).send().await.unwrap_err();
    assert_eq!(not_empty.code(), Some("RepositoryNotEmptyException"), "{not_empty}");
    client.delete_repository().repository_name(&name).force(true).send().await.unwrap();

    let err = client.list_images().repository_name(&name).send().await.unwrap_err();
    assert!(matches!(err, SdkError::Service(ListImagesError::RepositoryNotFoundException(_))), "{err:?}");
    let err = client
        .batch_delete_image()
        .repository_name(&name)
        .image_ids(vec![ImageIdentifier::builder().image_tag("v2").build()])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Service(BatchDeleteImageError::RepositoryNotFoundException(_))), "{err:?}");
}

#[tokio::test]
async fn a_whole_input_struct_can_be_sent() {
    let client = support::client();
    let name = support::unique_name("struct");
    let input =
        CreateRepositoryRequest::builder().repository_name(&name).image_tag_mutability("MUTABLE").build().unwrap();
    let created = client.send(input).await.unwrap();
    assert_eq!(created.repository.unwrap().image_tag_mutability, Some(ImageTagMutability::Mutable));
    client.delete_repository().repository_name(&name).send().await.unwrap();
}

#[tokio::test]
async fn a_missing_required_member_fails_before_sending() {
    // An endpoint nothing listens on: the request must never get that far.
    let config = ecr_client::Config::builder()
        .region("us-east-1")
        .credentials(ecr_client::Credentials::new("AKID", "secret"))
        .endpoint_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let client = ecr_client::Client::new(config).unwrap();
    let err = client.put_image().image_manifest("{}").send().await.unwrap_err();
    assert!(matches!(err, SdkError::InvalidInput(_)), "{err:?}");
    assert_eq!(err.to_string(), "PutImage.repositoryName is required but was not set; the request was not sent");
}

/// Requests own a clone of the client: their futures are `'static`, so
/// they spawn onto the runtime, and the builder outlives the client it
/// came from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_futures_are_static_and_spawn() {
    let name = support::unique_name("spawned");
    let request = {
        let client = support::client();
        client.create_repository().repository_name(&name)
    };
    tokio::spawn(request.send()).await.unwrap().expect("created from a spawned task");
    let listings: Vec<_> =
        (0..4).map(|_| tokio::spawn(support::client().list_images().repository_name(&name).send())).collect();
    for listing in listings {
        assert_eq!(listing.await.unwrap().unwrap().image_ids.unwrap_or_default().len(), 0);
    }
}
