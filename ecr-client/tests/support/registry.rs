//! The strict ECR stand-in (`data/registry_server.py`), one per test, and
//! image layouts made for tests: random layers, OCI and Docker manifests,
//! indexes, written as a directory or a tarball.

use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

/// The stand-in, stopped when dropped (its stdin closes).
pub struct Registry {
    pub url: String,
    server: super::PythonServer,
}

impl Registry {
    pub fn start() -> Self {
        // From either crate of the workspace.
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ecr-client/tests/data/registry_server.py");
        let server = super::PythonServer::start(Path::new("python3"), &script);
        Self { url: server.url.clone(), server }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> Value {
        let (status, answer) = self.server.request(method, path, body);
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{path} answered {status} {answer:?}: {e}"))
    }

    /// Faults and settings (see the script's docstring).
    pub fn set(&self, settings: Value) {
        self.call("POST", "/__settings", &settings.to_string());
    }

    /// Counters: calls per operation, parts, blob GETs, bytes served.
    pub fn stats(&self) -> Value {
        self.call("GET", "/__stats", "")
    }

    /// Calls of `operation` so far.
    pub fn calls(&self, operation: &str) -> u64 {
        self.stats()["calls"][operation].as_u64().unwrap_or(0)
    }

    /// Zeroes the counters; repositories stay.
    pub fn reset_stats(&self) {
        self.call("POST", "/__reset_stats", "");
    }
}

/// Bytes that do not compress and differ per seed.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut block = Sha256::digest(seed.to_le_bytes());
    while out.len() < len {
        out.extend_from_slice(&block);
        block = Sha256::digest(block);
    }
    out.truncate(len);
    out
}

pub fn digest_of(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A layout under construction: blobs by digest, `index.json` entries.
#[derive(Default, Clone)]
pub struct Layout {
    pub blobs: Vec<(String, Vec<u8>)>,
    pub entries: Vec<Value>,
}

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

impl Layout {
    pub fn blob(&mut self, bytes: Vec<u8>) -> Value {
        let digest = digest_of(&bytes);
        let size = bytes.len();
        if !self.blobs.iter().any(|(d, _)| *d == digest) {
            self.blobs.push((digest.clone(), bytes));
        }
        json!({"digest": digest, "size": size})
    }

    /// An image manifest of `kind` (OCI or Docker) over layers of these
    /// sizes; returns its descriptor.
    pub fn image(&mut self, kind: &str, seed: u64, layer_sizes: &[usize], platform: &str) -> Value {
        let (config_type, layer_type) = if kind == DOCKER_MANIFEST {
            ("application/vnd.docker.container.image.v1+json", "application/vnd.docker.image.rootfs.diff.tar.gzip")
        } else {
            ("application/vnd.oci.image.config.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip")
        };
        let (os, arch) = platform.split_once('/').unwrap();
        let layers: Vec<Value> = layer_sizes
            .iter()
            .enumerate()
            .map(|(i, size)| {
                let mut layer = self.blob(noise(seed * 100 + i as u64, *size));
                layer["mediaType"] = layer_type.into();
                layer
            })
            .collect();
        // One diff id per layer, as tools check (these layers are not
        // compressed tars, so their own digests stand in).
        let diff_ids: Vec<&Value> = layers.iter().map(|l| &l["digest"]).collect();
        let config =
            json!({"architecture": arch, "os": os, "rootfs": {"type": "layers", "diff_ids": diff_ids}, "seed": seed});
        let mut config = self.blob(serde_json::to_vec_pretty(&config).unwrap());
        config["mediaType"] = config_type.into();
        // Pretty-printed with a trailing newline: digests must be of these
        // exact bytes, whatever their formatting.
        let manifest = json!({"schemaVersion": 2, "mediaType": kind, "config": config, "layers": layers});
        let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap();
        bytes.push(b'\n');
        let mut descriptor = self.blob(bytes);
        descriptor["mediaType"] = kind.into();
        descriptor["platform"] = json!({"os": os, "architecture": arch});
        descriptor
    }

    /// An index (or manifest list) of `children`.
    pub fn index(&mut self, kind: &str, children: Vec<Value>) -> Value {
        let index = json!({"schemaVersion": 2, "mediaType": kind, "manifests": children});
        let mut descriptor = self.blob(serde_json::to_vec(&index).unwrap());
        descriptor["mediaType"] = kind.into();
        descriptor
    }

    /// Names `descriptor` in `index.json`.
    pub fn name(&mut self, mut descriptor: Value, name: &str) {
        descriptor.as_object_mut().unwrap().remove("platform");
        descriptor["annotations"] = json!({"org.opencontainers.image.ref.name": name});
        self.entries.push(descriptor);
    }

    pub fn write_dir(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        let index = json!({"schemaVersion": 2, "manifests": self.entries});
        std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
        for (digest, bytes) in &self.blobs {
            std::fs::write(dir.join("blobs/sha256").join(&digest[7..]), bytes).unwrap();
        }
        dir.to_owned()
    }
}

/// Every blob file of a layout directory, by name, with its bytes.
pub fn blob_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("blobs/sha256"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}
