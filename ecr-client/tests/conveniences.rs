//! ECR conveniences: registry login from GetAuthorizationToken, and batch
//! calls beyond 100 image ids.

mod support;

use ecr_client::types::{BatchDeleteImageRequest, BatchGetImageRequest, ImageIdentifier};
use support::fault_server::{Reply, Server};

fn tag(t: &str) -> ImageIdentifier {
    ImageIdentifier::builder().image_tag(t).build()
}

fn manifest(i: usize) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":"sha256:{:064x}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":"sha256:{:064x}"}}]}}"#,
        i,
        100_000 + i
    )
}

#[tokio::test]
async fn batches_beyond_100_ids_against_moto() {
    let client = support::client();
    let repository = support::unique_name("batch");
    client.create_repository().repository_name(&repository).send().await.unwrap();
    for i in 0..230 {
        client
            .put_image()
            .repository_name(&repository)
            .image_manifest(manifest(i))
            .image_tag(format!("t{i}"))
            .send()
            .await
            .unwrap();
    }
    let mut ids: Vec<ImageIdentifier> = (0..230).map(|i| tag(&format!("t{i}"))).collect();
    ids.push(tag("missing-1"));
    ids.push(tag("missing-2"));

    let got = client
        .batch_get_image_chunked(
            BatchGetImageRequest::builder().repository_name(&repository).image_ids(ids.clone()).build().unwrap(),
        )
        .await
        .unwrap();
    let images = got.images.unwrap();
    assert_eq!(images.len(), 230);
    assert_eq!(images[229].image_manifest.as_deref(), Some(manifest(229).as_str()), "in order");
    let failures = got.failures.unwrap();
    assert_eq!(failures.len(), 2, "failures of every chunk are merged");

    let deleted = client
        .batch_delete_image_chunked(
            BatchDeleteImageRequest::builder().repository_name(&repository).image_ids(ids).build().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(deleted.image_ids.unwrap().len(), 230);
    assert_eq!(deleted.failures.unwrap().len(), 2);
    assert_eq!(
        client.list_images().repository_name(&repository).send().await.unwrap().image_ids.unwrap_or_default(),
        vec![]
    );
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}

#[tokio::test]
async fn chunks_hold_at_most_100_ids_and_an_error_stops_the_batch() {
    let server = Server::start(vec![Reply::json(200, r#"{"imageIds":[],"failures":[]}"#)]).await;
    let client = support::local_client(&server.url, |b| b);
    let ids: Vec<ImageIdentifier> = (0..250).map(|i| tag(&format!("t{i}"))).collect();
    let input = BatchDeleteImageRequest::builder().repository_name("app").image_ids(ids).build().unwrap();
    client.batch_delete_image_chunked(input.clone()).await.unwrap();
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["imageIds"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);

    let failing = Server::start(vec![
        Reply::json(200, r#"{"imageIds":[]}"#),
        Reply::error(400, "RepositoryNotFoundException", "gone"),
    ])
    .await;
    let err = support::local_client(&failing.url, |b| b).batch_delete_image_chunked(input).await.unwrap_err();
    assert_eq!(err.code(), Some("RepositoryNotFoundException"));
    assert_eq!(failing.requests().len(), 2, "no call after the failing one");
}

#[tokio::test]
async fn registry_login_against_moto() {
    let client = support::client();
    let answer = client.get_authorization_token().send().await.unwrap();
    let logins = answer.logins().unwrap();
    assert_eq!(logins.len(), 1);
    let login = &logins[0];
    assert_eq!(login.username, "AWS");
    assert!(!login.password.is_empty());
    assert!(login.registry.starts_with("123456789012.dkr.ecr.us-east-1.amazonaws.com"), "{}", login.registry);
    assert!(!format!("{login:?}").contains(&login.password));
}

/// Enum values the client does not know are opaque: their text, nothing to
/// match on; a known value is its variant however it was made.
#[test]
fn unknown_enum_values_are_opaque_and_known_ones_are_their_variant() {
    use ecr_client::types::EncryptionType;
    let parsed: EncryptionType = serde_json::from_str("\"KMS\"").unwrap();
    let from_str: EncryptionType = "KMS".parse().unwrap();
    assert_eq!(parsed, EncryptionType::Kms);
    assert_eq!(from_str, EncryptionType::Kms);
    assert_eq!(EncryptionType::from("KMS"), EncryptionType::Kms);
    // A value this version does not know (today's document knows KMS_DSSE).
    let newer: EncryptionType = serde_json::from_str("\"KMS_QUANTUM\"").unwrap();
    assert!(matches!(newer, EncryptionType::Unknown(_)));
    assert_eq!(newer.as_str(), "KMS_QUANTUM");
    assert_eq!(serde_json::to_string(&newer).unwrap(), "\"KMS_QUANTUM\"");
    if let EncryptionType::Unknown(value) = &newer {
        assert_eq!((value.as_str(), value.to_string()), ("KMS_QUANTUM", "KMS_QUANTUM".to_owned()));
    }
    assert_eq!(EncryptionType::from("KMS_DSSE"), EncryptionType::KmsDsse);
    // What a required value the service left out becomes.
    assert_eq!(EncryptionType::default().as_str(), "");
    // Ordered by text, so a variant a newer version adds cannot reorder
    // values: AES256 < KMS < KMS_DSSE < KMS_QUANTUM, known or not.
    let mut values = vec![newer.clone(), EncryptionType::KmsDsse, EncryptionType::Kms, EncryptionType::Aes256];
    values.sort();
    assert_eq!(values, [EncryptionType::Aes256, EncryptionType::Kms, EncryptionType::KmsDsse, newer]);
}
