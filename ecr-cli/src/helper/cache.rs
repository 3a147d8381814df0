//! The token cache, in the Go helper's format so both can share it:
//! `~/.ecr/cache.json` (or `$AWS_ECR_CACHE_DIR/cache.json`), entries keyed
//! by region, a hash of the access key id and the registry, so different
//! credentials never share an entry. Written atomically (a temporary file
//! renamed over it), the directory mode 0700 and the file 0600.

use base64::Engine as _;
use ecr_client::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::SystemTime;

const FILE: &str = "cache.json";
const VERSION: &str = "1.0";

/// One cached token. `Debug` never shows it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Entry {
    /// The base64 `user:password` token.
    pub authorization_token: String,
    /// When it was fetched (RFC 3339).
    pub requested_at: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
    /// The registry's URL.
    pub proxy_endpoint: String,
    /// `ecr` (the Go helper also caches `ecr-public`).
    #[serde(default)]
    pub service: String,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("requested_at", &self.requested_at)
            .field("expires_at", &self.expires_at)
            .field("proxy_endpoint", &self.proxy_endpoint)
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// Whether more than half of its lifetime is left at `now`.
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        let (Some(requested), Some(expires)) =
            (DateTime::parse_rfc3339(&self.requested_at), DateTime::parse_rfc3339(&self.expires_at))
        else {
            return false;
        };
        let (requested, expires) = (SystemTime::from(requested), SystemTime::from(expires));
        let Ok(lifetime) = expires.duration_since(requested) else { return false };
        now < expires - lifetime / 2
    }
}

/// The cache file of one identity and region.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    prefix: String,
}

impl Cache {
    /// The cache for `region` and the credentials with `access_key_id`, in
    /// `dir`.
    pub fn new(dir: PathBuf, region: &str, access_key_id: &str) -> Self {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(access_key_id.as_bytes()));
        Self { dir, prefix: format!("{region}-{hash}-") }
    }

    /// The cache directory the environment names: `AWS_ECR_CACHE_DIR`, else
    /// `~/.ecr`; none when `AWS_ECR_DISABLE_CACHE` is set.
    pub fn dir(env: &ecr_client::runtime::Environment) -> Option<PathBuf> {
        if env.var("AWS_ECR_DISABLE_CACHE").is_some() {
            return None;
        }
        let home = env.var("HOME").map(PathBuf::from);
        match env.var("AWS_ECR_CACHE_DIR") {
            Some(dir) => match (dir.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => Some(home.join(rest)),
                _ => Some(PathBuf::from(dir)),
            },
            None => Some(home?.join(".ecr")),
        }
    }

    /// The entry for `registry` (an account id), if cached.
    pub fn get(&self, registry: &str) -> Option<Entry> {
        let entries = self.load().ok()?;
        serde_json::from_value(entries.get(&format!("{}{registry}", self.prefix))?.clone()).ok()
    }

    /// Every entry of the file, of any identity.
    pub fn list(&self) -> Vec<Entry> {
        let entries = self.load().unwrap_or_default();
        entries.values().filter_map(|v| serde_json::from_value(v.clone()).ok()).collect()
    }

    /// Stores `entry` for `registry`, keeping every other entry.
    pub fn set(&self, registry: &str, entry: &Entry) -> Result<(), String> {
        // A file that cannot be read is replaced, as the Go helper does.
        let mut entries = self.load().unwrap_or_default();
        let value = serde_json::to_value(entry).map_err(|e| e.to_string())?;
        entries.insert(format!("{}{registry}", self.prefix), value);
        let file = serde_json::json!({ "Registries": entries, "Version": VERSION });
        self.write(&serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?)
    }

    fn load(&self) -> Result<Map<String, Value>, String> {
        let path = self.dir.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let file: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        if file.get("Version").and_then(Value::as_str) != Some(VERSION) {
            return Err(format!("{} is not a version {VERSION} cache", path.display()));
        }
        match file.get("Registries") {
            Some(Value::Object(entries)) => Ok(entries.clone()),
            Some(Value::Null) | None => Ok(Map::new()),
            Some(_) => Err(format!("{} has no Registries object", path.display())),
        }
    }

    /// Writes the file whole: a private temporary file, renamed over it.
    fn write(&self, bytes: &[u8]) -> Result<(), String> {
        let dir = &self.dir;
        let shown = dir.display();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| format!("cannot create {shown}: {e}"))?;
        let temp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temp).and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temp, dir.join(FILE)));
        renamed.map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write {}: {e}", dir.join(FILE).display())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn entry(requested: SystemTime, lifetime: Duration) -> Entry {
        Entry {
            authorization_token: "QVdTOnNlY3JldA==".into(),
            requested_at: DateTime::from(requested).to_string(),
            expires_at: DateTime::from(requested + lifetime).to_string(),
            proxy_endpoint: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com".into(),
            service: "ecr".into(),
        }
    }

    #[test]
    fn fresh_while_more_than_half_the_lifetime_is_left() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let e = entry(start, Duration::from_secs(12 * 3600));
        assert!(e.is_fresh(start + Duration::from_secs(6 * 3600 - 1)));
        assert!(!e.is_fresh(start + Duration::from_secs(6 * 3600)));
        let garbled = Entry { expires_at: "soon".into(), ..e.clone() };
        assert!(!garbled.is_fresh(start));
        assert!(!format!("{e:?}").contains("QVdT"));
    }

    #[test]
    fn go_helper_keys_and_file_modes() {
        let dir = std::env::temp_dir().join(format!("ecr-cache-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::new(dir.join("nested"), "us-east-1", "AKIDEXAMPLE");
        let other = Cache::new(dir.join("nested"), "us-east-1", "AKIDOTHER");
        let e = entry(SystemTime::now(), Duration::from_secs(3600));
        cache.set("123456789012", &e).unwrap();
        assert_eq!(cache.get("123456789012"), Some(e.clone()));
        assert_eq!(other.get("123456789012"), None, "other credentials never share an entry");
        other.set("123456789012", &e).unwrap();
        assert_eq!(cache.list().len(), 2);
        let text = std::fs::read_to_string(dir.join("nested/cache.json")).unwrap();
        let file: Value = serde_json::from_str(&text).unwrap();
        // sha256("AKIDEXAMPLE"), base64, as the Go helper's checksum().
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"AKIDEXAMPLE"));
        let key = format!("us-east-1-{hash}-123456789012");
        assert_eq!(file["Version"], "1.0");
        assert_eq!(file["Registries"][&key]["ProxyEndpoint"], e.proxy_endpoint.as_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(dir.join("nested")), 0o700);
            assert_eq!(mode(dir.join("nested/cache.json")), 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("nested")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        std::fs::write(dir.join("nested/cache.json"), "{garbled").unwrap();
        assert_eq!(cache.get("123456789012"), None);
        cache.set("123456789012", &e).unwrap();
        assert_eq!(cache.get("123456789012"), Some(e));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
