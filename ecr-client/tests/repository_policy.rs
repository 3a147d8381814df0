//! Repository policy helpers: valid IAM JSON, no Resource element, accepted
//! by moto's SetRepositoryPolicy.

mod support;

use ecr_client::repository_policy::{RepositoryPolicy, LAMBDA_ACTIONS, PULL_ACTIONS, PUSH_ACTIONS};
use serde_json::{json, Value};

fn parsed(policy: &RepositoryPolicy) -> Value {
    serde_json::from_str(&policy.to_json().unwrap()).unwrap()
}

#[test]
fn grants_are_written_as_iam_statements_without_resource() {
    let policy = RepositoryPolicy::new()
        .allow_pull(["111122223333", "arn:aws:iam::999988887777:role/ci"])
        .allow_push(["444455556666"])
        .allow_lambda_pull(Some("111122223333"));
    let value = parsed(&policy);
    assert_eq!(value["Version"], "2012-10-17");
    let statements = value["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3);
    assert_eq!(
        statements[0]["Principal"]["AWS"],
        json!(["arn:aws:iam::111122223333:root", "arn:aws:iam::999988887777:role/ci"])
    );
    assert_eq!(statements[0]["Action"], json!(PULL_ACTIONS));
    assert_eq!(statements[1]["Principal"]["AWS"], json!(["arn:aws:iam::444455556666:root"]));
    assert_eq!(statements[1]["Action"], json!(PUSH_ACTIONS));
    assert_eq!(statements[2]["Principal"]["Service"], "lambda.amazonaws.com");
    assert_eq!(statements[2]["Action"], json!(LAMBDA_ACTIONS));
    assert_eq!(statements[2]["Condition"]["StringLike"]["aws:sourceArn"], "arn:aws:lambda:*:111122223333:function:*");
    assert!(statements.iter().all(|s| s["Effect"] == "Allow" && s.get("Resource").is_none()));

    let china = parsed(&RepositoryPolicy::new().partition("aws-cn").allow_pull(["111122223333"]));
    assert_eq!(china["Statement"][0]["Principal"]["AWS"][0], "arn:aws-cn:iam::111122223333:root");
}

#[test]
fn bad_grants_are_errors() {
    let err = RepositoryPolicy::new().allow_pull(["1234"]).to_json().unwrap_err().to_string();
    assert_eq!(err, "invalid repository policy: \"1234\" is neither a 12-digit account id nor an ARN");
    assert_eq!(
        RepositoryPolicy::new().to_json().unwrap_err().to_string(),
        "invalid repository policy: it grants nothing"
    );
    assert!(RepositoryPolicy::new().allow_lambda_pull(Some("abc")).to_json().is_err());
}

#[tokio::test]
async fn moto_accepts_the_policy() {
    let client = support::client();
    let repository = support::unique_name("grants");
    client.create_repository().repository_name(&repository).send().await.unwrap();
    let text = RepositoryPolicy::new().allow_pull(["111122223333"]).allow_lambda_pull(None).to_json().unwrap();
    client.set_repository_policy().repository_name(&repository).policy_text(&text).send().await.unwrap();
    let stored = client.get_repository_policy().repository_name(&repository).send().await.unwrap().policy_text.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&stored).unwrap(), serde_json::from_str::<Value>(&text).unwrap());
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}
