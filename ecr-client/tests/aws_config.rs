//! The `aws-config` feature: the official SDK's providers, its default
//! chain included, sign this client's requests.
#![cfg(feature = "aws-config")]

mod support;

use aws_credential_types::provider::{error::CredentialsError as SdkError, future, ProvideCredentials};
use ecr_client::runtime::AwsConfigCredentials;
use ecr_client::{Client, Config};
use support::fault_server::{Reply, Server};

const LIST: &str = r#"{"imageIds":[]}"#;

async fn signed_by(provider: AwsConfigCredentials, server: &Server) -> Result<String, String> {
    let config =
        Config::builder().region("us-east-1").endpoint_url(&server.url).credentials_provider(provider).build().unwrap();
    let client = Client::new(config).unwrap();
    client.list_images().repository_name("app").send().await.map_err(|e| e.to_string())?;
    Ok(server.requests().last().unwrap().header("authorization").unwrap().to_owned())
}

#[tokio::test]
async fn sdk_providers_sign_requests() {
    let server = Server::start(vec![Reply::json(200, LIST)]).await;
    let sdk = aws_credential_types::Credentials::new("AKIDFROMSDK", "secret", Some("token".into()), None, "test");
    let authorization = signed_by(AwsConfigCredentials::from_provider(sdk), &server).await.unwrap();
    assert!(authorization.contains("Credential=AKIDFROMSDK/"), "{authorization}");
    assert_eq!(server.requests()[0].header("x-amz-security-token"), Some("token"));
}

#[derive(Debug)]
struct Failing;

impl ProvideCredentials for Failing {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(SdkError::not_loaded("the SSO session has expired")))
    }
}

#[tokio::test]
async fn sdk_errors_are_reported() {
    let server = Server::start(vec![Reply::json(200, LIST)]).await;
    let err = signed_by(AwsConfigCredentials::from_provider(Failing), &server).await.unwrap_err();
    assert!(err.starts_with("ListImages failed: no usable AWS credentials: aws-config:"), "{err}");
    assert!(err.contains("the SSO session has expired"), "{err}");
    assert!(server.requests().is_empty(), "nothing is sent unsigned");
}

#[tokio::test]
async fn the_default_chain_reads_the_environment() {
    // The only test here that reads the process environment.
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDDEFAULTCHAIN");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "secret");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let server = Server::start(vec![Reply::json(200, LIST)]).await;
    let authorization = signed_by(AwsConfigCredentials::default_chain().await, &server).await.unwrap();
    assert!(authorization.contains("Credential=AKIDDEFAULTCHAIN/"), "{authorization}");
}
