//! Tracing output of a call: it names the operation, attempts, statuses and
//! request ids, and never a secret. Alone in its file: tracing caches which
//! call sites are enabled process-wide, and tests running in parallel with
//! no subscriber would race that cache.

mod support;

use ecr_client::{Client, Config, Credentials};
use std::sync::Arc;
use support::capture::Capture;
use support::fault_server::{Reply, Server};

const LIST: &str = r#"{"imageIds":[]}"#;

async fn call(client: &Client) -> Result<(), String> {
    client.list_images().repository_name("app").send().await.map(|_| ()).map_err(|e| e.to_string())
}

#[tokio::test]
async fn traces_name_the_call_and_never_show_secrets() {
    let ecr =
        Server::start(vec![Reply::error(503, "ServiceUnavailableException", "busy"), Reply::json(200, LIST)]).await;
    let log = Arc::new(std::sync::Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(Capture(log.clone()));
    let credentials = Credentials::new("AKIDTRACED", "the-secret-key").with_session_token("the-session-token");
    let client = Client::new(
        Config::builder().region("us-east-1").endpoint_url(&ecr.url).credentials(credentials.clone()).build().unwrap(),
    )
    .unwrap();
    call(&client).await.unwrap();
    println!("{credentials:?} {client:?}");
    let log = log.lock().unwrap().clone();
    assert!(log.contains("operation=\"ListImages\""), "{log}");
    assert!(log.contains("attempt=2") && log.contains("status=503"), "{log}");
    assert!(log.contains("req-ServiceUnavailableException"), "request ids are logged: {log}");
    let shown = format!("{log} {credentials:?} {client:?}");
    assert!(!shown.contains("the-secret-key") && !shown.contains("the-session-token"), "{shown}");
}
