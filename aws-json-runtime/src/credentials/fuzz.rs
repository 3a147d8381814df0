//! The credential sources' readers of untrusted text, for the fuzz targets:
//! shared config files (with role chains, SSO and web identity settings),
//! and every answer a credential source can give.

use super::{assume_role, container, file_cache, parse_credentials_json, process, query, sso, web_identity};
use crate::profile::ProfileFiles;
use crate::wire::DateTime;
use std::path::PathBuf;

/// Reads a config and a credentials file, then every profile they define
/// as the chain would: its role chain, SSO and web identity settings, keys.
/// What each gave, as text; never a panic.
pub fn profiles(config: &str, credentials: &str) -> String {
    let files = ProfileFiles::parse(
        Some((PathBuf::from("config"), config.to_owned())),
        Some((PathBuf::from("credentials"), credentials.to_owned())),
    );
    let files = match files {
        Ok(files) => files,
        Err(e) => return e,
    };
    let mut out = String::new();
    // Bounded: a file of many profiles is still one input.
    for name in files.names().take(16) {
        let settings = files.merged(name);
        if assume_role::assumes_role(&settings) {
            out.push_str(&format!("{:?}\n", assume_role::plan(&files, name).map(|plan| plan.roles.len())));
        }
        out.push_str(&format!("{:?}\n", sso::SsoProfile::configured(&files, name).map(|sso| sso.is_some())));
        out.push_str(&format!("{:?}\n", web_identity::WebIdentity::configured(None, &settings).map(|w| w.is_some())));
        out.push_str(&format!("{}\n", files.describe_sources()));
    }
    out
}

/// Reads `text` as each credential source's answer: container and instance
/// metadata, a credential process, STS (as a 200 and as an error), the SSO
/// portal, and an AWS CLI cache entry.
pub fn credential_answers(text: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("{:?}\n", parse_credentials_json(text, "Token").map(|c| c.expires_at())));
    out.push_str(&format!("{:?}\n", process::read_output(text).map(|c| c.expires_at())));
    for status in [200, 403] {
        let read = query::read_answer(status, text, "sts", "a role").map(|a| (a.assumed_role_arn, a.assumed_role_id));
        out.push_str(&format!("{read:?}\n"));
    }
    out.push_str(&format!("{:?}\n", sso::read_role_credentials(text, "portal", "a role").map(|c| c.expires_at())));
    if let Ok(entry) = serde_json::from_str(text) {
        out.push_str(&format!("{:?}\n", assume_role::read_cached(&entry).map(|c| c.expires_at())));
    }
    let _ = container::allowed_container_uri(text);
    out
}

/// A timestamp as the AWS CLI's caches hold it.
pub fn cached_time(text: &str) -> Option<DateTime> {
    file_cache::parse_time(text)
}
