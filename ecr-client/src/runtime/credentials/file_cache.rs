//! The AWS CLI's JSON file caches, shared with it: `~/.aws/cli/cache`
//! (assumed-role credentials) and `~/.aws/sso/cache` (SSO tokens). A file is
//! `KEY.json`, its key a SHA-1 in hex of what identifies the entry, written
//! as Python's `json.dumps` writes it; files are replaced atomically (a
//! temporary file created exclusively beside it, mode 0600, then renamed).

use crate::runtime::environment::Environment;
use crate::runtime::wire::DateTime;
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

/// A JSON string as Python's `json.dumps` writes it (ASCII only: other
/// characters as `\uXXXX`, in surrogate pairs beyond the BMP), so that
/// hashes of it match the AWS CLI's.
pub(super) fn python_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// `{"k": v, ...}` with Python's default separators; values already JSON.
pub(super) fn python_json_object(members: &[(&str, String)]) -> String {
    let members: Vec<String> = members.iter().map(|(k, v)| format!("{}: {v}", python_json_string(k))).collect();
    format!("{{{}}}", members.join(", "))
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
    fn python_json_forms() {
        assert_eq!(python_json_string("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(python_json_string("é😀"), r#""\u00e9\ud83d\ude00""#);
        assert_eq!(
            python_json_object(&[("RoleArn", python_json_string("arn")), ("DurationSeconds", "900".into())]),
            r#"{"RoleArn": "arn", "DurationSeconds": 900}"#
        );
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
