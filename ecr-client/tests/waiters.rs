//! Waiters against a local server that walks through scan and preview
//! states, and against moto.

mod support;

use ecr_client::errors::DescribeImageScanFindingsError;
use ecr_client::runtime::WaitError;
use ecr_client::types::ImageIdentifier;
use ecr_client::{Client, SdkError};
use std::time::{Duration, Instant};
use support::fault_server::{Reply, Server};

fn scan(status: &str) -> Reply {
    Reply::json(200, &format!(r#"{{"imageScanStatus":{{"status":"{status}","description":"scan is {status}"}}}}"#))
}

fn preview(status: &str) -> Reply {
    Reply::json(200, &format!(r#"{{"repositoryName":"app","status":"{status}"}}"#))
}

fn client(server: &Server) -> Client {
    support::local_client(&server.url, |b| b)
}

fn image() -> ImageIdentifier {
    ImageIdentifier::builder().image_tag("v1").build()
}

const FAST: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(20));

#[tokio::test]
async fn a_scan_in_progress_completes() {
    let server = Server::start(vec![scan("IN_PROGRESS"), scan("IN_PROGRESS"), scan("COMPLETE")]).await;
    let done = client(&server)
        .describe_image_scan_findings()
        .repository_name("app")
        .image_id(image())
        .wait_until_image_scan_complete()
        .delays(FAST.0, FAST.1)
        .wait()
        .await
        .unwrap();
    assert_eq!(done.image_scan_status.unwrap().status.unwrap().as_str(), "COMPLETE");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn continuous_scanning_reports_active_which_counts_as_complete() {
    let server = Server::start(vec![scan("PENDING"), scan("ACTIVE")]).await;
    let client = client(&server);
    let waiter = client.describe_image_scan_findings().repository_name("app").image_id(image());
    let done = waiter.wait_until_image_scan_complete().delays(FAST.0, FAST.1).wait().await.unwrap();
    assert_eq!(done.image_scan_status.unwrap().status.unwrap().as_str(), "ACTIVE");
}

#[tokio::test]
async fn a_failed_scan_ends_the_wait_with_the_last_answer() {
    let server = Server::start(vec![scan("IN_PROGRESS"), scan("FAILED"), scan("COMPLETE")]).await;
    let err = client(&server)
        .describe_image_scan_findings()
        .repository_name("app")
        .image_id(image())
        .wait_until_image_scan_complete()
        .delays(FAST.0, FAST.1)
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "waiter ImageScanComplete failed: the state is FAILED");
    let WaitError::Failed { state, last, .. } = err else { panic!("{err:?}") };
    assert_eq!(state, "FAILED");
    assert_eq!(last.image_scan_status.unwrap().description.as_deref(), Some("scan is FAILED"));
    assert_eq!(server.requests().len(), 2, "no poll after the failure");
}

#[tokio::test]
async fn the_maximum_wait_is_kept() {
    let server = Server::start(vec![scan("IN_PROGRESS")]).await;
    let started = Instant::now();
    let err = client(&server)
        .describe_image_scan_findings()
        .repository_name("app")
        .image_id(image())
        .wait_until_image_scan_complete()
        .delays(Duration::from_millis(20), Duration::from_millis(80))
        .max_wait(Duration::from_millis(300))
        .wait()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let text = err.to_string();
    assert!(
        text.starts_with("waiter ImageScanComplete gave up after") && text.ends_with("the last state was IN_PROGRESS"),
        "{text}"
    );
    let WaitError::TimedOut { polls, last, .. } = err else { panic!() };
    assert!(polls >= 3, "polled {polls} times");
    assert_eq!(last.image_scan_status.unwrap().status.unwrap().as_str(), "IN_PROGRESS");
    assert_eq!(server.requests().len() as u32, polls);
}

#[tokio::test]
async fn lifecycle_policy_previews() {
    let server = Server::start(vec![preview("IN_PROGRESS"), preview("COMPLETE")]).await;
    let done = client(&server)
        .get_lifecycle_policy_preview()
        .repository_name("app")
        .wait_until_lifecycle_policy_preview_complete()
        .delays(FAST.0, FAST.1)
        .wait()
        .await
        .unwrap();
    assert_eq!(done.status.unwrap().as_str(), "COMPLETE");

    let server = Server::start(vec![preview("FAILED")]).await;
    let err = client(&server)
        .get_lifecycle_policy_preview()
        .repository_name("app")
        .wait_until_lifecycle_policy_preview_complete()
        .wait()
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::Failed { ref state, .. } if state == "FAILED"), "{err:?}");
}

#[tokio::test]
async fn operation_errors_end_the_wait() {
    let server = Server::start(vec![Reply::error(400, "ScanNotFoundException", "no scan for v1")]).await;
    let err = client(&server)
        .describe_image_scan_findings()
        .repository_name("app")
        .image_id(image())
        .wait_until_image_scan_complete()
        .wait()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("waiter ImageScanComplete: DescribeImageScanFindings failed: ScanNotFoundException"),
        "{err}"
    );
    assert!(
        matches!(
            err,
            WaitError::Operation(_, SdkError::Service(DescribeImageScanFindingsError::ScanNotFoundException(_)))
        ),
        "{err:?}"
    );

    let err = client(&server).describe_image_scan_findings().wait_until_image_scan_complete().wait().await.unwrap_err();
    assert!(matches!(err, WaitError::Operation(_, SdkError::InvalidInput(_))), "{err:?}");
    assert_eq!(server.requests().len(), 1, "an invalid input is never sent");
}

#[tokio::test]
async fn against_moto_a_started_scan_completes() {
    let client = support::client();
    let name = support::unique_name("wait");
    client.create_repository().repository_name(&name).send().await.unwrap();
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000002"},"layers":[]}"#;
    client.put_image().repository_name(&name).image_manifest(manifest).image_tag("v1").send().await.unwrap();
    client.start_image_scan().repository_name(&name).image_id(image()).send().await.unwrap();
    let done = client
        .describe_image_scan_findings()
        .repository_name(&name)
        .image_id(image())
        .wait_until_image_scan_complete()
        .max_wait(Duration::from_secs(30))
        .wait()
        .await
        .unwrap();
    assert!(done.image_scan_findings.is_some());
    client.delete_repository().repository_name(&name).force(true).send().await.unwrap();
}
