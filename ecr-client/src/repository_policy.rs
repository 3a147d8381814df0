//! Repository policies for the common grants: pull from accounts, push from
//! accounts, pull for AWS Lambda. Repository policies name no `Resource`:
//! the repository is the resource.
//!
//! ```
//! use ecr_client::repository_policy::RepositoryPolicy;
//!
//! let text = RepositoryPolicy::new()
//!     .allow_pull(["111122223333"])
//!     .allow_push(["444455556666"])
//!     .allow_lambda_pull(Some("111122223333"))
//!     .to_json()
//!     .unwrap();
//! assert!(text.contains("arn:aws:iam::111122223333:root") && !text.contains("Resource"));
//! ```

use serde_json::{json, Value};
use std::fmt;

/// Actions a puller needs.
pub const PULL_ACTIONS: &[&str] =
    &["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
/// Actions a pusher needs (with those of a puller, for layer checks).
pub const PUSH_ACTIONS: &[&str] = &[
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];
/// Actions Lambda needs to run a container image.
pub const LAMBDA_ACTIONS: &[&str] = &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// A repository policy being put together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositoryPolicy {
    partition: Option<String>,
    pull: Vec<String>,
    push: Vec<String>,
    lambda: Option<Option<String>>,
}

/// A grant that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryPolicyError(String);

impl fmt::Display for RepositoryPolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid repository policy: {}", self.0)
    }
}

impl std::error::Error for RepositoryPolicyError {}

impl RepositoryPolicy {
    /// A policy granting nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The partition of account ARNs (default `aws`; `aws-cn`, `aws-us-gov`, ...).
    pub fn partition(mut self, partition: impl Into<String>) -> Self {
        self.partition = Some(partition.into());
        self
    }

    /// Lets these principals pull: 12-digit account ids, or principal ARNs.
    pub fn allow_pull<S: Into<String>>(mut self, principals: impl IntoIterator<Item = S>) -> Self {
        self.pull.extend(principals.into_iter().map(Into::into));
        self
    }

    /// Lets these principals push (and pull): account ids or principal ARNs.
    pub fn allow_push<S: Into<String>>(mut self, principals: impl IntoIterator<Item = S>) -> Self {
        self.push.extend(principals.into_iter().map(Into::into));
        self
    }

    /// Lets AWS Lambda pull, for functions of `source_account` if given.
    pub fn allow_lambda_pull(mut self, source_account: Option<&str>) -> Self {
        self.lambda = Some(source_account.map(str::to_owned));
        self
    }

    /// The policy as IAM JSON, for SetRepositoryPolicy.
    pub fn to_json(&self) -> Result<String, RepositoryPolicyError> {
        let partition = self.partition.as_deref().unwrap_or("aws");
        let mut statements = Vec::new();
        for (sid, principals, actions) in
            [("AllowPull", &self.pull, PULL_ACTIONS), ("AllowPush", &self.push, PUSH_ACTIONS)]
        {
            if principals.is_empty() {
                continue;
            }
            let arns = principals.iter().map(|p| principal_arn(partition, p)).collect::<Result<Vec<_>, _>>()?;
            statements.push(json!({"Sid": sid, "Effect": "Allow", "Principal": {"AWS": arns}, "Action": actions}));
        }
        if let Some(account) = &self.lambda {
            let mut statement = json!({"Sid": "LambdaECRImageRetrievalPolicy", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": LAMBDA_ACTIONS});
            if let Some(account) = account {
                check_account(account)?;
                statement["Condition"] =
                    json!({"StringLike": {"aws:sourceArn": format!("arn:{partition}:lambda:*:{account}:function:*")}});
            }
            statements.push(statement);
        }
        if statements.is_empty() {
            return Err(RepositoryPolicyError("it grants nothing".into()));
        }
        let policy: Value = json!({"Version": "2012-10-17", "Statement": statements});
        Ok(policy.to_string())
    }
}

fn principal_arn(partition: &str, principal: &str) -> Result<String, RepositoryPolicyError> {
    if principal.starts_with("arn:") {
        return Ok(principal.to_owned());
    }
    check_account(principal)?;
    Ok(format!("arn:{partition}:iam::{principal}:root"))
}

fn check_account(account: &str) -> Result<(), RepositoryPolicyError> {
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(RepositoryPolicyError(format!("{account:?} is neither a 12-digit account id nor an ARN")))
    }
}
