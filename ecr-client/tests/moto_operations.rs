//! Every operation moto implements, end to end with assertions on what
//! comes back, and the modeled errors each family of operations raises.

mod support;

use ecr_client::errors::{
    BatchGetImageError, DeleteLifecyclePolicyError, DescribeImagesError, GetLifecyclePolicyError,
    GetRegistryPolicyError, GetRepositoryPolicyError, PutImageError,
};
use ecr_client::types::{
    ImageIdentifier, ImageScanningConfiguration, ImageTagMutability, LayerAvailability, RegistryScanningRule,
    ReplicationConfiguration, ReplicationDestination, ReplicationRule, ScanFrequency, ScanType,
    ScanningRepositoryFilter, ScanningRepositoryFilterType, Tag,
};
use ecr_client::{Client, SdkError};
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

async fn new_repository(client: &Client, prefix: &str) -> String {
    let name = support::unique_name(prefix);
    client.create_repository().repository_name(&name).send().await.unwrap();
    name
}

/// Uploads a blob through InitiateLayerUpload, UploadLayerPart and
/// CompleteLayerUpload, returning its digest.
async fn upload_blob(client: &Client, repository: &str, blob: &[u8]) -> String {
    let started = client.initiate_layer_upload().repository_name(repository).send().await.unwrap();
    let upload_id = started.upload_id.expect("an upload id");
    assert!(started.part_size.is_some_and(|size| size > 0));
    let part = client
        .upload_layer_part()
        .repository_name(repository)
        .upload_id(&upload_id)
        .part_first_byte(0)
        .part_last_byte(blob.len() as i64 - 1)
        .layer_part_blob(blob.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(part.upload_id.as_deref(), Some(upload_id.as_str()));
    assert_eq!(part.last_byte_received, Some(blob.len() as i64 - 1));
    let digest = sha256(blob);
    let completed = client
        .complete_layer_upload()
        .repository_name(repository)
        .upload_id(&upload_id)
        .layer_digests(vec![digest.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(completed.layer_digest.as_deref(), Some(digest.as_str()));
    digest
}

#[tokio::test]
async fn push_an_image_through_the_api_and_pull_it_back() {
    let client = support::client();
    let repository = new_repository(&client, "push").await;
    let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec();
    let layer: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let config_digest = upload_blob(&client, &repository, &config).await;
    let layer_digest = upload_blob(&client, &repository, &layer).await;

    let availability = client
        .batch_check_layer_availability()
        .repository_name(&repository)
        .layer_digests(vec![layer_digest.clone(), config_digest.clone()])
        .send()
        .await
        .unwrap();
    let layers = availability.layers.unwrap();
    assert_eq!(layers.len(), 2);
    assert!(layers.iter().all(|l| l.layer_availability == Some(LayerAvailability::Available)), "{layers:?}");

    let manifest = format!(
        "{{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n  \"config\": {{\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"size\": {}, \"digest\": \"{config_digest}\"}},\n  \"layers\": [{{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"size\": {}, \"digest\": \"{layer_digest}\"}}]\n}}",
        config.len(),
        layer.len()
    );
    let pushed = client
        .put_image()
        .repository_name(&repository)
        .image_manifest(&manifest)
        .image_manifest_media_type("application/vnd.oci.image.manifest.v1+json")
        .image_tag("1.0")
        .send()
        .await
        .unwrap();
    let digest = pushed.image.unwrap().image_id.unwrap().image_digest.unwrap();

    let pulled = client
        .batch_get_image()
        .repository_name(&repository)
        .image_ids(vec![ImageIdentifier::builder().image_tag("1.0").build()])
        .accepted_media_types(vec!["application/vnd.oci.image.manifest.v1+json".into()])
        .send()
        .await
        .unwrap();
    let images = pulled.images.unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].image_manifest.as_deref(), Some(manifest.as_str()), "manifest byte-identical");
    assert_eq!(images[0].image_id.as_ref().unwrap().image_digest.as_deref(), Some(digest.as_str()));

    let details = client.describe_images().repository_name(&repository).send().await.unwrap().image_details.unwrap();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].image_tags.as_deref(), Some(&["1.0".to_owned()][..]));
    assert_eq!(details[0].image_digest.as_deref(), Some(digest.as_str()));
    assert!(details[0].image_size_in_bytes.is_some_and(|size| size > 0));
    let pushed_at = std::time::SystemTime::from(details[0].image_pushed_at.unwrap());
    assert!(std::time::SystemTime::now().duration_since(pushed_at).unwrap_or_default().as_secs() < 600);

    // Modeled errors: an unknown image, and a tag an immutable repository keeps.
    let missing = ImageIdentifier::builder().image_tag("nope").build();
    let err = client
        .describe_images()
        .repository_name(&repository)
        .image_ids(vec![missing.clone()])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Service(DescribeImagesError::ImageNotFoundException(_))), "{err:?}");
    let pulled = client.batch_get_image().repository_name(&repository).image_ids(vec![missing]).send().await.unwrap();
    assert_eq!(pulled.failures.unwrap()[0].image_id.as_ref().unwrap().image_tag.as_deref(), Some("nope"));

    client
        .put_image_tag_mutability()
        .repository_name(&repository)
        .image_tag_mutability(ImageTagMutability::Immutable)
        .send()
        .await
        .unwrap();
    // A different image (moto's digest covers only the layer digests, so
    // the layers must differ).
    let other = manifest.replace(&layer_digest, &config_digest);
    let err = client
        .put_image()
        .repository_name(&repository)
        .image_manifest(other)
        .image_tag("1.0")
        .send()
        .await
        .unwrap_err();
    // ECR answers ImageTagAlreadyExistsException; moto 5.2.5 answers
    // ImageAlreadyExistsException. Either way the client types it.
    let SdkError::Service(
        PutImageError::ImageTagAlreadyExistsException(details) | PutImageError::ImageAlreadyExistsException(details),
    ) = &err
    else {
        panic!("{err:?}")
    };
    assert!(details.message().unwrap().contains("tag '1.0'"), "{details}");

    let err = client
        .batch_get_image()
        .repository_name("no-such-repo")
        .image_ids(vec![ImageIdentifier::builder().image_tag("1.0").build()])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Service(BatchGetImageError::RepositoryNotFoundException(_))), "{err:?}");
    client.delete_repository().repository_name(&repository).force(true).send().await.unwrap();
}

#[tokio::test]
async fn repository_policies() {
    let client = support::client();
    let repository = new_repository(&client, "policy").await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;
    let set = client.set_repository_policy().repository_name(&repository).policy_text(policy).send().await.unwrap();
    assert_eq!(set.repository_name.as_deref(), Some(repository.as_str()));
    let got = client.get_repository_policy().repository_name(&repository).send().await.unwrap();
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(as_json(got.policy_text.as_deref().unwrap()), as_json(policy));
    let deleted = client.delete_repository_policy().repository_name(&repository).send().await.unwrap();
    assert_eq!(as_json(deleted.policy_text.as_deref().unwrap()), as_json(policy));
    let err = client.get_repository_policy().repository_name(&repository).send().await.unwrap_err();
    assert!(
        matches!(err, SdkError::Service(GetRepositoryPolicyError::RepositoryPolicyNotFoundException(_))),
        "{err:?}"
    );
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}

#[tokio::test]
async fn lifecycle_policies() {
    let client = support::client();
    let repository = new_repository(&client, "lifecycle").await;
    let policy = r#"{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
    let put =
        client.put_lifecycle_policy().repository_name(&repository).lifecycle_policy_text(policy).send().await.unwrap();
    assert_eq!(put.lifecycle_policy_text.as_deref(), Some(policy));
    let got = client.get_lifecycle_policy().repository_name(&repository).send().await.unwrap();
    assert_eq!(got.lifecycle_policy_text.as_deref(), Some(policy));
    assert!(got.last_evaluated_at.is_some());
    let deleted = client.delete_lifecycle_policy().repository_name(&repository).send().await.unwrap();
    assert_eq!(deleted.lifecycle_policy_text.as_deref(), Some(policy));
    let err = client.get_lifecycle_policy().repository_name(&repository).send().await.unwrap_err();
    assert!(matches!(err, SdkError::Service(GetLifecyclePolicyError::LifecyclePolicyNotFoundException(_))), "{err:?}");
    let err = client.delete_lifecycle_policy().repository_name(&repository).send().await.unwrap_err();
    assert!(
        matches!(err, SdkError::Service(DeleteLifecyclePolicyError::LifecyclePolicyNotFoundException(_))),
        "{err:?}"
    );
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}

#[tokio::test]
async fn tags() {
    let client = support::client();
    let repository = new_repository(&client, "tags").await;
    let arn = client
        .describe_repositories()
        .repository_names(vec![repository.clone()])
        .send()
        .await
        .unwrap()
        .repositories
        .unwrap()[0]
        .repository_arn
        .clone()
        .unwrap();
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    client.tag_resource().resource_arn(&arn).tags(vec![tag("team", "core"), tag("env", "dev")]).send().await.unwrap();
    let listed = client.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    let mut pairs: Vec<_> = listed.iter().map(|t| (t.key.clone().unwrap(), t.value.clone().unwrap())).collect();
    pairs.sort();
    assert_eq!(pairs, [("env".to_owned(), "dev".to_owned()), ("team".to_owned(), "core".to_owned())]);
    client.untag_resource().resource_arn(&arn).tag_keys(vec!["env".into()]).send().await.unwrap();
    let listed = client.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(listed, vec![tag("team", "core")]);
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}

#[tokio::test]
async fn image_scanning() {
    let client = support::client();
    let repository = new_repository(&client, "scan").await;
    let configured = client
        .put_image_scanning_configuration()
        .repository_name(&repository)
        .image_scanning_configuration(ImageScanningConfiguration::builder().scan_on_push(true).build())
        .send()
        .await
        .unwrap();
    assert_eq!(configured.image_scanning_configuration.unwrap().scan_on_push, Some(true));
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001"},"layers":[]}"#;
    client.put_image().repository_name(&repository).image_manifest(manifest).image_tag("scan-me").send().await.unwrap();
    let image = ImageIdentifier::builder().image_tag("scan-me").build();
    let started = client.start_image_scan().repository_name(&repository).image_id(image.clone()).send().await.unwrap();
    assert_eq!(started.image_id.unwrap().image_tag.as_deref(), Some("scan-me"));
    let findings =
        client.describe_image_scan_findings().repository_name(&repository).image_id(image).send().await.unwrap();
    let status = findings.image_scan_status.unwrap().status.unwrap();
    assert_eq!(status.as_str(), "COMPLETE");
    let scan = findings.image_scan_findings.unwrap();
    assert!(scan.finding_severity_counts.is_some() && scan.image_scan_completed_at.is_some(), "{scan:?}");

    let batch = client
        .batch_get_repository_scanning_configuration()
        .repository_names(vec![repository.clone(), "missing-repo".into()])
        .send()
        .await
        .unwrap();
    let configurations = batch.scanning_configurations.unwrap();
    assert_eq!(configurations.len(), 1);
    assert_eq!(configurations[0].repository_name.as_deref(), Some(repository.as_str()));
    assert!(configurations[0].repository_arn.as_deref().unwrap().ends_with(&format!("repository/{repository}")));
    // (scanOnPush here follows the registry's scanning rules, which the
    // registry test changes concurrently; the repository's own setting was
    // checked on PutImageScanningConfiguration above.)
    assert!(configurations[0].scan_frequency.is_some());
    assert_eq!(batch.failures.unwrap()[0].repository_name.as_deref(), Some("missing-repo"));
    client.delete_repository().repository_name(&repository).force(true).send().await.unwrap();
}

/// Registry settings are global to moto's account: one test owns them.
#[tokio::test]
async fn registry_policy_scanning_and_replication() {
    let client = support::client();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"replicate","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*"}]}"#;
    let put = client.put_registry_policy().policy_text(policy).send().await.unwrap();
    assert_eq!(put.registry_id.as_deref(), Some("123456789012"));
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let got = client.get_registry_policy().send().await.unwrap();
    assert_eq!(as_json(got.policy_text.as_deref().unwrap()), as_json(policy));
    client.delete_registry_policy().send().await.unwrap();
    let err = client.get_registry_policy().send().await.unwrap_err();
    assert!(matches!(err, SdkError::Service(GetRegistryPolicyError::RegistryPolicyNotFoundException(_))), "{err:?}");

    let filter = ScanningRepositoryFilter::builder()
        .filter("prod-*")
        .filter_type(ScanningRepositoryFilterType::Wildcard)
        .build();
    let rule = RegistryScanningRule::builder()
        .scan_frequency(ScanFrequency::ContinuousScan)
        .repository_filters(vec![filter])
        .build();
    let put = client
        .put_registry_scanning_configuration()
        .scan_type(ScanType::Enhanced)
        .rules(vec![rule.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(put.registry_scanning_configuration.unwrap().scan_type, Some(ScanType::Enhanced));
    let got = client.get_registry_scanning_configuration().send().await.unwrap();
    assert_eq!(got.registry_id.as_deref(), Some("123456789012"));
    let configuration = got.scanning_configuration.unwrap();
    assert_eq!((configuration.scan_type, configuration.rules), (Some(ScanType::Enhanced), Some(vec![rule])));

    let destination = ReplicationDestination::builder().region("eu-west-1").registry_id("123456789012").build();
    let rule = ReplicationRule::builder().destinations(vec![destination]).build();
    let replication = ReplicationConfiguration::builder().rules(vec![rule]).build();
    let put =
        client.put_replication_configuration().replication_configuration(replication.clone()).send().await.unwrap();
    assert_eq!(put.replication_configuration.as_ref(), Some(&replication));
    let registry = client.describe_registry().send().await.unwrap();
    assert_eq!(registry.registry_id.as_deref(), Some("123456789012"));
    assert_eq!(registry.replication_configuration, Some(replication));
}

#[tokio::test]
async fn authorization_token() {
    use base64::Engine as _;
    let client = support::client();
    let answer = client.get_authorization_token().send().await.unwrap();
    let data = &answer.authorization_data.unwrap()[0];
    let token = data.authorization_token.as_deref().unwrap();
    let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(token).unwrap()).unwrap();
    let (user, password) = decoded.split_once(':').unwrap();
    assert_eq!(user, "AWS");
    assert!(!password.is_empty());
    assert!(data
        .proxy_endpoint
        .as_deref()
        .unwrap()
        .starts_with("https://123456789012.dkr.ecr.us-east-1.amazonaws.com"));
    assert!(data.expires_at.is_some());
    let shown = format!("{data:?}");
    assert!(!shown.contains(token) && shown.contains("redacted"), "{shown}");
}
