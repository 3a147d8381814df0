//! Fault injection against a real local HTTP server: retries, timeouts and
//! answers that break the protocol. No case may panic, and every error must
//! say what happened.

mod support;

use ecr_client::errors::ListImagesError;
use ecr_client::runtime::{RetryConfig, TransportErrorKind};
use ecr_client::{Client, Config, Credentials, SdkError};
use std::time::{Duration, Instant};
use support::fault_server::{Reply, Server};

const EMPTY_LIST: &str = r#"{"imageIds":[{"imageTag":"v1","imageDigest":"sha256:abc"}]}"#;

fn client(server: &Server, configure: impl FnOnce(ecr_client::ConfigBuilder) -> ecr_client::ConfigBuilder) -> Client {
    support::local_client(&server.url, |b| configure(b.attempt_timeout(Duration::from_secs(5))))
}

async fn list_images(client: &Client) -> Result<ecr_client::types::ListImagesResponse, SdkError<ListImagesError>> {
    client.list_images().repository_name("app").send().await
}

#[tokio::test]
async fn a_503_is_retried_and_the_retry_succeeds() {
    let server =
        Server::start(vec![Reply::error(503, "ServiceUnavailableException", "busy"), Reply::json(200, EMPTY_LIST)])
            .await;
    let images = list_images(&client(&server, |b| b)).await.unwrap();
    assert_eq!(images.image_ids.unwrap()[0].image_tag.as_deref(), Some("v1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // Each attempt is signed anew, with the same body.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].header("x-amz-target"), Some("AmazonEC2ContainerRegistry_V20150921.ListImages"));
    assert!(requests[1].header("authorization").unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/"));
}

#[tokio::test]
async fn throttling_is_retried() {
    let server =
        Server::start(vec![Reply::error(400, "ThrottlingException", "Rate exceeded"), Reply::json(200, EMPTY_LIST)])
            .await;
    list_images(&client(&server, |b| b)).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let server = Server::start(vec![Reply::error(400, "RepositoryNotFoundException", "no repo named app")]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let SdkError::Service(ListImagesError::RepositoryNotFoundException(details)) = &err else { panic!("{err:?}") };
    assert_eq!(details.attempts(), 1);
    assert_eq!(
        err.to_string(),
        "ListImages failed: RepositoryNotFoundException: no repo named app (HTTP 400, request id req-RepositoryNotFoundException)"
    );
}

#[tokio::test]
async fn ecr_quota_errors_are_not_retried_as_throttling() {
    let server = Server::start(vec![Reply::error(400, "LimitExceededException", "too many repositories")]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert_eq!(err.code(), Some("LimitExceededException"));
    assert_eq!(server.requests().len(), 1, "a quota does not go away by asking again");
}

#[tokio::test]
async fn exhausted_retries_say_how_many_attempts_were_made() {
    let server = Server::start(vec![Reply::error(500, "ServerException", "internal")]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    let text = err.to_string();
    assert!(text.ends_with("; gave up after 3 attempts"), "{text}");
    assert_eq!(err.into_service_error().unwrap().details().attempts(), 3);

    let server = Server::start(vec![Reply::error(500, "ServerException", "internal")]).await;
    let err =
        list_images(&client(&server, |b| b.retry(RetryConfig::standard().with_max_attempts(5)))).await.unwrap_err();
    assert_eq!(server.requests().len(), 5);
    assert!(err.to_string().ends_with("gave up after 5 attempts"), "{err}");

    let server = Server::start(vec![Reply::error(500, "ServerException", "internal")]).await;
    list_images(&client(&server, |b| b.retry(RetryConfig::disabled()))).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_raises_the_wait() {
    let mut busy = Reply::error(503, "ServiceUnavailableException", "busy");
    if let Reply::Answer(_, headers, _) = &mut busy {
        headers.push(("x-amz-retry-after", "600".into()));
    }
    let server = Server::start(vec![busy, Reply::json(200, EMPTY_LIST)]).await;
    let start = Instant::now();
    list_images(&client(&server, |b| b)).await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(600), "waited only {:?}", start.elapsed());
}

#[tokio::test]
async fn a_reset_connection_is_retried_then_reported() {
    let server = Server::start(vec![Reply::Reset, Reply::json(200, EMPTY_LIST)]).await;
    list_images(&client(&server, |b| b)).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = Server::start(vec![Reply::Reset]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.attempts(), 3);
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("ListImages failed: connection failed while talking to {}/", server.url)),
        "{text}"
    );
    assert!(text.ends_with("gave up after 3 attempts"), "{text}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = Server::start(vec![Reply::Silence]).await;
    let start = Instant::now();
    let err =
        list_images(&client(&server, |b| b.attempt_timeout(Duration::from_millis(300)).retry(RetryConfig::disabled())))
            .await
            .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert!(transport.is_timeout() && transport.kind() == TransportErrorKind::Timeout, "{err}");
    assert!(err.to_string().starts_with("ListImages failed: timed out waiting for"), "{err}");

    // The operation timeout bounds all attempts together.
    let err = list_images(&client(&server, |b| {
        b.attempt_timeout(Duration::from_secs(30)).operation_timeout(Duration::from_millis(400))
    }))
    .await
    .unwrap_err();
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::OperationTimeout(Duration::from_millis(400)));
    assert!(err.to_string().contains("gave up after the operation timeout (400ms)"), "{err}");
}

#[tokio::test]
async fn an_html_error_page_is_reported_with_its_start() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = Server::start(vec![Reply::Answer(502, vec![("content-type", "text/html".into())], page.into())]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "a 502 is transient, so it is retried");
    let SdkError::Response(response) = &err else { panic!("{err:?}") };
    assert_eq!(response.status(), 502);
    let text = err.to_string();
    assert!(text.starts_with("ListImages failed: HTTP 502 answer is an error without an AWS error code"), "{text}");
    assert!(text.contains("<title>502 Bad Gateway</title>"), "{text}");
}

#[tokio::test]
async fn truncated_json_is_a_clear_error_not_a_retry() {
    let server = Server::start(vec![Reply::json(200, r#"{"imageIds":[{"imageTag":"v"#)]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let text = err.to_string();
    assert!(text.starts_with("ListImages failed: HTTP 200 answer is not a valid ListImages response: EOF"), "{text}");
    assert!(text.contains(r#"body starts with: "{\"imageIds\""#), "{text}");

    let server = Server::start(vec![Reply::json(200, r#"{"imageIds": "not a list"}"#)]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    assert!(err.to_string().contains("invalid type: string \"not a list\", expected a sequence"), "{err}");
}

#[tokio::test]
async fn a_body_cut_short_is_an_io_error() {
    let server = Server::start(vec![Reply::CutShort { declared: 1000, body: b"{\"imageIds\":".to_vec() }]).await;
    let err = list_images(&client(&server, |b| b.retry(RetryConfig::disabled()))).await.unwrap_err();
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Io, "{err}");
}

#[tokio::test]
async fn a_huge_body_is_refused_not_buffered() {
    let huge = vec![b' '; 8 * 1024 * 1024];
    let server = Server::start(vec![Reply::Answer(200, vec![], huge)]).await;
    let err = list_images(&client(&server, |b| b.max_response_bytes(1024 * 1024))).await.unwrap_err();
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::BodyTooLarge(1024 * 1024));
    assert!(err.to_string().contains("refused an answer larger than 1048576 bytes"), "{err}");
    assert_eq!(server.requests().len(), 1, "not retried");

    // Within the default limit, a large body of garbage is a parse error.
    let server = Server::start(vec![Reply::Answer(200, vec![], vec![b'x'; 8 * 1024 * 1024])]).await;
    let err = list_images(&client(&server, |b| b)).await.unwrap_err();
    let SdkError::Response(response) = &err else { panic!("{err:?}") };
    assert!(response.body_start().unwrap().len() < 1024, "the error shows only the start of the body");
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let closed = support::ClosedPort::new();
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "secret"))
        .endpoint_url(closed.url())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = list_images(&Client::new(config).unwrap()).await.unwrap_err();
    let SdkError::Transport(transport) = &err else { panic!("{err:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(
        err.to_string().starts_with(&format!("ListImages failed: could not connect to {}/", closed.url())),
        "{err}"
    );
}

#[tokio::test]
async fn an_error_the_operation_does_not_list_is_still_typed() {
    use ecr_client::errors::{EcrError, ListImagesError};
    // The document defines LimitExceededException, but not for ListImages.
    let server = Server::start(vec![Reply::error(400, "LimitExceededException", "too many")]).await;
    let client = client(&server, |b| b);
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    let operation_error = err.into_service_error().unwrap();
    assert!(matches!(operation_error, ListImagesError::Unhandled(_)), "{operation_error:?}");
    let any = EcrError::from(operation_error);
    assert!(matches!(any, EcrError::LimitExceededException(_)), "{any:?}");
    assert!(any.is_limit_exceeded_exception() && !any.is_repository_not_found_exception());
    assert_eq!((any.details().code(), any.details().message()), ("LimitExceededException", Some("too many")));
    assert_eq!(
        any.to_string(),
        "ListImages failed: LimitExceededException: too many (HTTP 400, request id req-LimitExceededException)"
    );
}

#[tokio::test]
async fn an_answer_missing_a_required_member_is_still_an_answer() {
    use ecr_client::types::EncryptionType;
    let answers = [
        r#"{"repositories":[{"repositoryName":"app","encryptionConfiguration":{"kmsKey":"key-1"}}]}"#,
        r#"{"repositories":[{"repositoryName":"app","encryptionConfiguration":{"encryptionType":null,"kmsKey":"key-1"}}]}"#,
    ];
    for answer in answers {
        let server = Server::start(vec![Reply::json(200, answer)]).await;
        let output = client(&server, |b| b).describe_repositories().send().await.unwrap();
        let repository = &output.repositories.unwrap()[0];
        let encryption = repository.encryption_configuration.as_ref().unwrap();
        assert_eq!(encryption.encryption_type, EncryptionType::default(), "{answer}");
        assert_eq!(encryption.encryption_type.as_str(), "");
        assert_eq!(
            (repository.repository_name.as_deref(), encryption.kms_key.as_deref()),
            (Some("app"), Some("key-1"))
        );
    }
}
