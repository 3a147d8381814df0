//! The token cache, in the Go helper's format so both can share it:
//! `~/.ecr/cache.json` (or `$AWS_ECR_CACHE_DIR/cache.json`), entries keyed
//! by region, a hash of the access key id and the registry, so different
//! credentials never share an entry.
//!
//! Docker, compose and BuildKit run several helpers at once, so a write is
//! a read-modify-write under an exclusive lock (`cache.json.lock`, flock),
//! pruning expired entries, and lands atomically: a temporary file created
//! exclusively beside the cache (never through a planted link), mode 0600,
//! renamed over it. The directory is 0700; one that another user owns, or
//! that others may write to, is not used.

use base64::Engine as _;
use ecr_client::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const FILE: &str = "cache.json";
const LOCK: &str = "cache.json.lock";
/// How long a helper waits for another to finish writing before it leaves
/// the cache alone (the token is answered either way).
const LOCK_WAIT: Duration = Duration::from_secs(10);
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

    /// The ECR Public entry of the credentials with `access_key_id`, in
    /// `dir`: one per identity (ECR Public has one region), under the Go
    /// helper's key `ecr-public-HASH`; read and written with the empty
    /// registry name.
    pub fn public(dir: PathBuf, access_key_id: &str) -> Self {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(access_key_id.as_bytes()));
        Self { dir, prefix: format!("ecr-public-{hash}") }
    }

    /// The cache in `dir` for reading every entry, whoever's: what `list`
    /// shows.
    pub fn listing(dir: PathBuf) -> Self {
        Self { dir, prefix: String::new() }
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

    /// Why the directory must not be used, if it must not: owned by another
    /// user, or writable by group or others (anyone could then plant
    /// tokens or read them). A directory that does not exist yet is fine.
    pub fn untrusted(&self) -> Option<String> {
        let meta = match std::fs::symlink_metadata(&self.dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return Some(format!("cannot inspect {}: {e}", self.dir.display())),
        };
        let shown = self.dir.display();
        if !meta.is_dir() {
            return Some(format!("{shown} is not a directory"));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            // SAFETY: geteuid has no preconditions and cannot fail.
            let me = unsafe { libc::geteuid() };
            if meta.uid() != me {
                return Some(format!("{shown} belongs to user {}, not to this user ({me})", meta.uid()));
            }
            if meta.mode() & 0o022 != 0 {
                return Some(format!("{shown} may be written by others (mode {:o})", meta.mode() & 0o777));
            }
        }
        None
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

    /// Stores `entry` for `registry`, keeping every other unexpired entry,
    /// under the lock.
    pub fn set(&self, registry: &str, entry: &Entry) -> Result<(), String> {
        create_private_dir(&self.dir)?;
        let _lock = FileLock::acquire(&self.dir.join(LOCK))?;
        // A file that cannot be read is replaced, as the Go helper does.
        let mut entries = self.load().unwrap_or_default();
        let now = SystemTime::now();
        entries.retain(|_, value| {
            let expires = value.get("ExpiresAt").and_then(Value::as_str).and_then(DateTime::parse_rfc3339);
            expires.is_some_and(|at| SystemTime::from(at) > now)
        });
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

    /// Writes the file whole: a private temporary file, created exclusively
    /// (a link planted under its name is removed, never followed), renamed
    /// over it.
    fn write(&self, bytes: &[u8]) -> Result<(), String> {
        let dir = &self.dir;
        let temp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
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

fn create_private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// An exclusive `flock` on a file, released when dropped (or when the
/// process dies, so a crashed helper never leaves the cache locked).
struct FileLock(#[allow(dead_code)] std::fs::File);

impl FileLock {
    fn acquire(path: &Path) -> Result<Self, String> {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let file = options.open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd as _;
            let deadline = std::time::Instant::now() + LOCK_WAIT;
            // SAFETY: flock on an fd this function owns; no memory is shared.
            while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                if std::time::Instant::now() >= deadline {
                    return Err(format!("{} stayed locked for {LOCK_WAIT:?}", path.display()));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        Ok(Self(file))
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
        let mut left: Vec<String> = std::fs::read_dir(dir.join("nested"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["cache.json", "cache.json.lock"], "no temporary file is left behind");
        std::fs::write(dir.join("nested/cache.json"), "{garbled").unwrap();
        assert_eq!(cache.get("123456789012"), None);
        cache.set("123456789012", &e).unwrap();
        assert_eq!(cache.get("123456789012"), Some(e));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn expired_entries_are_pruned_and_a_planted_link_is_not_followed() {
        let dir = std::env::temp_dir().join(format!("ecr-cache-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::new(dir.clone(), "us-east-1", "AKIDEXAMPLE");
        let old = entry(SystemTime::now() - Duration::from_secs(7200), Duration::from_secs(3600));
        cache.set("111111111111", &old).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, dir.join(format!(".{FILE}.{}.tmp", std::process::id()))).unwrap();
        cache.set("222222222222", &entry(SystemTime::now(), Duration::from_secs(3600))).unwrap();
        assert_eq!(cache.get("111111111111"), None, "the expired entry was pruned");
        assert!(cache.get("222222222222").is_some());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_may_write_or_own_is_not_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("ecr-cache-trust-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::new(dir.clone(), "us-east-1", "AKIDEXAMPLE");
        assert_eq!(cache.untrusted(), None, "a directory yet to be made is fine");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(cache.untrusted(), None);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(cache.untrusted().unwrap().contains("written by others"), "{:?}", cache.untrusted());
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // As root, give it away to check the owner test too.
            std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
            assert!(cache.untrusted().unwrap().contains("belongs to user 65534"), "{:?}", cache.untrusted());
        } else {
            eprintln!("skipped: giving a directory to another user needs root");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
