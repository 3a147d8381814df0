//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! `AWS_SESSION_TOKEN`.

use super::Credentials;
use crate::environment::Environment;

/// The environment's keys; `None` (with the reason pushed to `tried`) when
/// neither is set; an error when only one is.
pub(super) fn credentials(env: &Environment, tried: &mut Vec<String>) -> Result<Option<Credentials>, String> {
    match (env.var("AWS_ACCESS_KEY_ID"), env.var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => {
            let credentials = Credentials::new(id, secret);
            Ok(Some(match env.var("AWS_SECURITY_TOKEN").or_else(|| env.var("AWS_SESSION_TOKEN")) {
                Some(token) => credentials.with_session_token(token),
                None => credentials,
            }))
        }
        (Some(_), None) => Err("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into()),
        (None, Some(_)) => Err("environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into()),
        (None, None) => {
            tried.push("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".into());
            Ok(None)
        }
    }
}
