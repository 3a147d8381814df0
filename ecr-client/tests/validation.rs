//! Client-side validation against the document's constraints: for each kind
//! of constraint, a value that fails (and is never sent) and one that
//! passes (and is), on real operations.

mod support;

use ecr_client::types::{ImageIdentifier, ImageTagMutability};
use ecr_client::{Client, SdkError};
use support::fault_server::{Reply, Server};

async fn setup(validate: bool) -> (Server, Client) {
    let server = Server::start(vec![Reply::json(200, "{}")]).await;
    let client = support::local_client(&server.url, |b| b.validate_input(validate));
    (server, client)
}

/// The validation error's text, checking nothing was sent.
fn rejected<T: std::fmt::Debug, E: std::error::Error>(result: Result<T, SdkError<E>>, server: &Server) -> String {
    let err = result.unwrap_err();
    assert!(matches!(err, SdkError::InvalidInput(_)), "{err:?}");
    assert!(server.requests().is_empty(), "an invalid request was sent");
    err.to_string()
}

#[tokio::test]
async fn patterns_are_searched_not_anchored() {
    let (server, client) = setup(true).await;
    let err = rejected(client.create_repository().repository_name("UPPER_CASE").send().await, &server);
    assert_eq!(
        err,
        "CreateRepository.repositoryName: \"UPPER_CASE\" does not match pattern [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*; the request was not sent"
    );
    let err = rejected(client.list_images().repository_name("app").registry_id("12345").send().await, &server);
    assert!(err.starts_with("ListImages.registryId: \"12345\" does not match pattern [0-9]{12}"), "{err}");
    // Smithy patterns are not anchored: twelve digits anywhere match, and
    // "My_Repo" contains a match ("y"); the service itself rejects it.
    client.list_images().repository_name("app").registry_id("id-123456789012").send().await.unwrap();
    client.create_repository().repository_name("My_Repo").send().await.unwrap();
    client.create_repository().repository_name("team/my-repo").send().await.unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn string_lengths() {
    let (server, client) = setup(true).await;
    let err = rejected(client.describe_images().repository_name("a").send().await, &server);
    assert_eq!(err, "DescribeImages.repositoryName: \"a\" is shorter than 2 characters; the request was not sent");
    let long = "a".repeat(257);
    let err = rejected(client.describe_images().repository_name(long).send().await, &server);
    assert!(err.contains("\"aaaaaaaa") && err.contains("(257 characters) is longer than 256 characters"), "{err}");
    client.describe_images().repository_name("a".repeat(256)).send().await.unwrap();
}

#[tokio::test]
async fn numeric_ranges() {
    let (server, client) = setup(true).await;
    let err = rejected(client.list_images().repository_name("app").max_results(0).send().await, &server);
    assert_eq!(err, "ListImages.maxResults: 0 is below the minimum 1; the request was not sent");
    let err = rejected(client.list_images().repository_name("app").max_results(1001).send().await, &server);
    assert_eq!(err, "ListImages.maxResults: 1001 is above the maximum 1000; the request was not sent");
    client.list_images().repository_name("app").max_results(1000).send().await.unwrap();
}

#[tokio::test]
async fn list_lengths_and_nested_paths() {
    let (server, client) = setup(true).await;
    let err = rejected(client.batch_get_image().repository_name("app").image_ids(vec![]).send().await, &server);
    assert_eq!(err, "BatchGetImage.imageIds: 0 items, fewer than the minimum 1; the request was not sent");
    let tag = |t: &str| ImageIdentifier::builder().image_tag(t).build();
    let many: Vec<_> = (0..101).map(|i| tag(&format!("t{i}"))).collect();
    let err = rejected(client.batch_get_image().repository_name("app").image_ids(many).send().await, &server);
    assert_eq!(err, "BatchGetImage.imageIds: 101 items, more than the maximum 100; the request was not sent");
    let err = rejected(
        client
            .batch_delete_image()
            .repository_name("app")
            .image_ids(vec![tag("ok"), tag(&"x".repeat(301))])
            .send()
            .await,
        &server,
    );
    assert!(err.starts_with("BatchDeleteImage.imageIds[1].imageTag: \"xxx"), "{err}");
    assert!(err.contains("is longer than 300 characters"), "{err}");
    client.batch_get_image().repository_name("app").image_ids(vec![tag("v1")]).send().await.unwrap();
}

#[tokio::test]
async fn blob_sizes() {
    let (server, client) = setup(true).await;
    let upload = |bytes: Vec<u8>| {
        client
            .upload_layer_part()
            .repository_name("app")
            .upload_id("0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e")
            .part_first_byte(0)
            .part_last_byte(bytes.len() as i64 - 1)
            .layer_part_blob(bytes)
            .send()
    };
    let err = rejected(upload(vec![0; 20 * 1024 * 1024 + 1]).await, &server);
    assert_eq!(
        err,
        "UploadLayerPart.layerPartBlob: 20971521 bytes is more than the maximum 20971520; the request was not sent"
    );
    upload(vec![0; 1024]).await.unwrap();
}

#[tokio::test]
async fn enums_stay_open_and_validation_can_be_turned_off() {
    let (server, client) = setup(true).await;
    // A value this version does not know still goes to the service.
    let mutability = ImageTagMutability::from("IMMUTABLE_WITH_EXCLUSION");
    client.put_image_tag_mutability().repository_name("app").image_tag_mutability(mutability).send().await.unwrap();
    assert_eq!(server.requests().len(), 1);

    let (server, client) = setup(false).await;
    client.create_repository().repository_name("My_Repo").send().await.unwrap();
    assert_eq!(server.requests().len(), 1, "with validation off the service decides");
}
