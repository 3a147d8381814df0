//! Requests are what botocore sends: for every operation, with every input
//! member set, the same target, content type, URL and JSON body, and the
//! same SigV4 signature over the same bytes with the same credentials and
//! time; and answers with every output member set, as botocore's serializer
//! writes its output shapes, parse with nothing lost. The cases come from
//! botocore (`tests/data/wire.py`).
//!
//! Bodies are compared as parsed JSON (botocore writes `", "` separators,
//! the client writes compact JSON); the signature is computed over
//! botocore's exact bytes, since a signature covers bytes.

use crate::{types, Ecr};
use aws_json_runtime::{signing, Credentials, Operation, Service as _};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::{Duration, UNIX_EPOCH};

type Check = fn(&Value, &Value) -> Result<(), String>;

/// Every operation's input type, by operation name.
const OPERATIONS: &[(&str, Check)] = &[
    ("BatchCheckLayerAvailability", check::<types::BatchCheckLayerAvailabilityRequest>),
    ("BatchDeleteImage", check::<types::BatchDeleteImageRequest>),
    ("BatchGetImage", check::<types::BatchGetImageRequest>),
    ("BatchGetRepositoryScanningConfiguration", check::<types::BatchGetRepositoryScanningConfigurationRequest>),
    ("CompleteLayerUpload", check::<types::CompleteLayerUploadRequest>),
    ("CreatePullThroughCacheRule", check::<types::CreatePullThroughCacheRuleRequest>),
    ("CreateRepository", check::<types::CreateRepositoryRequest>),
    ("CreateRepositoryCreationTemplate", check::<types::CreateRepositoryCreationTemplateRequest>),
    ("DeleteLifecyclePolicy", check::<types::DeleteLifecyclePolicyRequest>),
    ("DeletePullThroughCacheRule", check::<types::DeletePullThroughCacheRuleRequest>),
    ("DeleteRegistryPolicy", check::<types::DeleteRegistryPolicyRequest>),
    ("DeleteRepository", check::<types::DeleteRepositoryRequest>),
    ("DeleteRepositoryCreationTemplate", check::<types::DeleteRepositoryCreationTemplateRequest>),
    ("DeleteRepositoryPolicy", check::<types::DeleteRepositoryPolicyRequest>),
    ("DeleteSigningConfiguration", check::<types::DeleteSigningConfigurationRequest>),
    ("DeregisterPullTimeUpdateExclusion", check::<types::DeregisterPullTimeUpdateExclusionRequest>),
    ("DescribeImageReplicationStatus", check::<types::DescribeImageReplicationStatusRequest>),
    ("DescribeImageScanFindings", check::<types::DescribeImageScanFindingsRequest>),
    ("DescribeImageSigningStatus", check::<types::DescribeImageSigningStatusRequest>),
    ("DescribeImages", check::<types::DescribeImagesRequest>),
    ("DescribePullThroughCacheRules", check::<types::DescribePullThroughCacheRulesRequest>),
    ("DescribeRegistry", check::<types::DescribeRegistryRequest>),
    ("DescribeReplicationBackfillResults", check::<types::DescribeReplicationBackfillResultsRequest>),
    ("DescribeRepositories", check::<types::DescribeRepositoriesRequest>),
    ("DescribeRepositoryCreationTemplates", check::<types::DescribeRepositoryCreationTemplatesRequest>),
    ("GetAccountSetting", check::<types::GetAccountSettingRequest>),
    ("GetAuthorizationToken", check::<types::GetAuthorizationTokenRequest>),
    ("GetDownloadUrlForLayer", check::<types::GetDownloadUrlForLayerRequest>),
    ("GetLifecyclePolicy", check::<types::GetLifecyclePolicyRequest>),
    ("GetLifecyclePolicyPreview", check::<types::GetLifecyclePolicyPreviewRequest>),
    ("GetRegistryPolicy", check::<types::GetRegistryPolicyRequest>),
    ("GetRegistryScanningConfiguration", check::<types::GetRegistryScanningConfigurationRequest>),
    ("GetRepositoryPolicy", check::<types::GetRepositoryPolicyRequest>),
    ("GetSigningConfiguration", check::<types::GetSigningConfigurationRequest>),
    ("InitiateLayerUpload", check::<types::InitiateLayerUploadRequest>),
    ("ListImageReferrers", check::<types::ListImageReferrersRequest>),
    ("ListImages", check::<types::ListImagesRequest>),
    ("ListPullTimeUpdateExclusions", check::<types::ListPullTimeUpdateExclusionsRequest>),
    ("ListReplicationBackfills", check::<types::ListReplicationBackfillsRequest>),
    ("ListTagsForResource", check::<types::ListTagsForResourceRequest>),
    ("PutAccountSetting", check::<types::PutAccountSettingRequest>),
    ("PutImage", check::<types::PutImageRequest>),
    ("PutImageScanningConfiguration", check::<types::PutImageScanningConfigurationRequest>),
    ("PutImageTagMutability", check::<types::PutImageTagMutabilityRequest>),
    ("PutLifecyclePolicy", check::<types::PutLifecyclePolicyRequest>),
    ("PutRegistryPolicy", check::<types::PutRegistryPolicyRequest>),
    ("PutRegistryScanningConfiguration", check::<types::PutRegistryScanningConfigurationRequest>),
    ("PutReplicationConfiguration", check::<types::PutReplicationConfigurationRequest>),
    ("PutSigningConfiguration", check::<types::PutSigningConfigurationRequest>),
    ("RegisterPullTimeUpdateExclusion", check::<types::RegisterPullTimeUpdateExclusionRequest>),
    ("SetRepositoryPolicy", check::<types::SetRepositoryPolicyRequest>),
    ("StartImageScan", check::<types::StartImageScanRequest>),
    ("StartLifecyclePolicyPreview", check::<types::StartLifecyclePolicyPreviewRequest>),
    ("StartReplicationBackfill", check::<types::StartReplicationBackfillRequest>),
    ("StopReplicationBackfill", check::<types::StopReplicationBackfillRequest>),
    ("TagResource", check::<types::TagResourceRequest>),
    ("UntagResource", check::<types::UntagResourceRequest>),
    ("UpdateImageStorageClass", check::<types::UpdateImageStorageClassRequest>),
    ("UpdatePullThroughCacheRule", check::<types::UpdatePullThroughCacheRuleRequest>),
    ("UpdateRepositoryCreationTemplate", check::<types::UpdateRepositoryCreationTemplateRequest>),
    ("UploadLayerPart", check::<types::UploadLayerPartRequest>),
    ("ValidatePullThroughCacheRule", check::<types::ValidatePullThroughCacheRuleRequest>),
];

#[test]
fn every_operation_matches_botocore() {
    let data: Value = serde_json::from_str(include_str!("../tests/data/wire.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), OPERATIONS.len(), "one botocore case per operation");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["operation"].as_str().unwrap();
        let check =
            OPERATIONS.iter().find(|(op, _)| *op == name).unwrap_or_else(|| panic!("no input type for {name}")).1;
        if let Err(e) = check(case, &data) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check<I>(case: &Value, data: &Value) -> Result<(), String>
where
    I: Operation<Service = Ecr> + DeserializeOwned,
    I::Output: serde::Serialize,
{
    let header = |name: &str| case["headers"][name].as_str().unwrap_or_default().to_owned();
    let body = case["body"].as_str().unwrap();

    // Same input: the typed input read from botocore's body writes the same JSON.
    let input: I = serde_json::from_str(body).map_err(|e| format!("botocore's body does not parse: {e}"))?;
    let ours = serde_json::to_value(&input).unwrap();
    let theirs: Value = serde_json::from_str(body).unwrap();
    if ours != theirs {
        return Err(format!("body differs:\n ours   {ours}\n theirs {theirs}"));
    }

    // Same method, URL, target and content type.
    let config = crate::Config::builder().region("us-east-1").credentials(Credentials::new("A", "B")).build().unwrap();
    let url = format!("{}/", aws_json_runtime::endpoint::resolve(&Ecr::META, &config).unwrap().url);
    let expected = [
        ("method", "POST".to_owned(), case["method"].as_str().unwrap().to_owned()),
        ("url", url.clone(), case["url"].as_str().unwrap().to_owned()),
        ("x-amz-target", I::TARGET.to_owned(), header("x-amz-target")),
        ("content-type", Ecr::META.content_type.to_owned(), header("content-type")),
    ];
    for (what, ours, theirs) in expected {
        if ours != theirs {
            return Err(format!("{what}: ours {ours:?}, botocore {theirs:?}"));
        }
    }

    // Same signature over the same bytes, credentials and time.
    let credentials =
        Credentials::new(data["accessKeyId"].as_str().unwrap(), data["secretAccessKey"].as_str().unwrap())
            .with_session_token(data["sessionToken"].as_str().unwrap());
    let time = UNIX_EPOCH + Duration::from_secs(1_705_072_146); // 2024-01-12T15:09:06Z, as wire.py fixes it
    let headers = [("content-type", Ecr::META.content_type), ("x-amz-target", I::TARGET)];
    let to = signing::Destination::of(&url.parse().unwrap());
    let signer = signing::Signer::default();
    let signed = signer.sign(&credentials, "us-east-1", Ecr::META.signing_name, &to, &headers, body.as_bytes(), time);
    for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
        let ours = signed.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        if ours != header(name) {
            return Err(format!("{name}: ours {ours:?}, botocore {:?}", header(name)));
        }
    }

    // An answer as botocore's own serializer writes its output shape parses,
    // and nothing of it is lost: written back, it is the same JSON.
    let answer = case["answer"].as_str().unwrap();
    let output: I::Output =
        serde_json::from_str(answer).map_err(|e| format!("botocore's answer does not parse: {e}"))?;
    let (ours, theirs) = (serde_json::to_value(&output).unwrap(), serde_json::from_str::<Value>(answer).unwrap());
    if !same_json(&ours, &theirs) {
        return Err(format!("answer read back differs:\n ours   {ours}\n theirs {theirs}"));
    }
    Ok(())
}

/// JSON equality with numbers compared by value (`1704164645` is
/// `1704164645.0`, as a timestamp may be written either way).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
