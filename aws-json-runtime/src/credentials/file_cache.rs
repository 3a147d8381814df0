//! The AWS CLI's JSON file caches, shared with it: `~/.aws/cli/cache`
//! (assumed-role credentials) and `~/.aws/sso/cache` (SSO tokens). A file is
//! `KEY.json`, its key a SHA-1 in hex of what identifies the entry, written
//! as Python's `json.dumps` writes it; files are replaced atomically (a
//! temporary file created exclusively beside it, mode 0600, then renamed).

use crate::environment::Environment;
pub(super) use crate::python_json::{python_json_object, python_json_string};
use crate::wire::DateTime;
use sha1::{Digest, Sha1};
use std::io::Write;
use std::path::PathBuf;

/// One cache directory.
pub(super) struct FileCache {
    dir: PathBuf,
}

impl FileCache {
    /// `~/.aws/cli/cache`, where the AWS CLI keeps assumed-role credentials.
    pub fn cli(env: &Environment) -> Option<Self> {
        env.home().map(|home| Self { dir: home.join(".aws").join("cli").join("cache") })
    }

    /// `~/.aws/sso/cache`, where `aws sso login` keeps its tokens.
    pub fn sso(env: &Environment) -> Option<Self> {
        env.home().map(|home| Self { dir: home.join(".aws").join("sso").join("cache") })
    }

    /// The file that holds `key`.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The entry, if its file exists and is JSON.
    pub fn read(&self, key: &str) -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Replaces the entry with `json`.
    pub fn write(&self, key: &str, json: &str) -> Result<(), String> {
        create_private_dir(&self.dir)?;
        let target = self.path(key);
        let temp = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temp).and_then(|mut file| {
            file.write_all(json.as_bytes())?;
            file.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temp, &target));
        renamed.map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write {}: {e}", target.display())
        })
    }
}

fn create_private_dir(dir: &PathBuf) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// SHA-1 in hex, the AWS CLI's cache file names.
pub(super) fn sha1_hex(text: &str) -> String {
    Sha1::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A cached timestamp as the AWS CLI writes it (`2026-01-01T00:00:00UTC`,
/// `...Z`, `...+00:00`, with or without fractions).
pub(super) fn parse_time(text: &str) -> Option<DateTime> {
    let text = text.trim();
    match text.strip_suffix("UTC") {
        Some(rest) => DateTime::parse_rfc3339(&format!("{rest}Z")),
        None => DateTime::parse_rfc3339(text),
    }
}

/// `2026-01-01T00:00:00Z`.
pub(super) fn format_time(time: DateTime) -> String {
    let (year, month, day, hour, minute, second) = time.utc_fields();
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_names() {
        // sha1("") is well known.
        assert_eq!(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    #[test]
    fn cached_times() {
        let at = DateTime::from_secs(1_893_456_000);
        for text in ["2030-01-01T00:00:00UTC", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00+00:00"] {
            assert_eq!(parse_time(text), Some(at), "{text}");
        }
        assert_eq!(format_time(at), "2030-01-01T00:00:00Z");
    }
}
