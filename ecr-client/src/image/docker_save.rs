//! `docker save` tarballs from before Docker 25 (and skopeo's
//! `docker-archive:`): a `manifest.json` naming a config file and layer
//! tars, without index.json. ECR images carry gzip'd layers, so such a
//! tarball is pushed as the Docker v2 schema 2 image its layers make once
//! compressed; each layer is checked against the config's `diff_ids` as it
//! is compressed into a temporary file.

use super::{BlobReader, Descriptor, Digest, ImageError, LocalImage, Manifest, OciLayout, OpenBlob, DOCKER_MANIFEST};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const CONFIG_TYPE: &str = "application/vnd.docker.container.image.v1+json";
const LAYER_TYPE: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

#[derive(Deserialize)]
struct Config {
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    diff_ids: Vec<String>,
}

/// The image of `manifest.json` that `reference` names (a `RepoTags`
/// entry, or its tag), or its only one.
pub(crate) fn image(layout: &OciLayout, reference: Option<&str>) -> Result<LocalImage, ImageError> {
    let source = layout.describe();
    let invalid = |problem: String| ImageError::Invalid(format!("{source}: {problem}"));
    let entries: Vec<Entry> = serde_json::from_slice(&layout.read("manifest.json")?)
        .map_err(|e| invalid(format!("manifest.json is not a `docker save` manifest: {e}")))?;
    let entry = select(&entries, reference).map_err(invalid)?;
    let config_bytes = layout.read(&entry.config)?;
    let config: Config = serde_json::from_slice(&config_bytes)
        .map_err(|e| invalid(format!("{} is not an image config with rootfs.diff_ids: {e}", entry.config)))?;
    if config.rootfs.diff_ids.len() != entry.layers.len() {
        return Err(invalid(format!(
            "{} lists {} diff_ids for {} layers",
            entry.config,
            config.rootfs.diff_ids.len(),
            entry.layers.len()
        )));
    }
    let spool = Spool::new()?;
    let layers = compress_all(layout, entry, &config.rootfs.diff_ids, &spool)?;
    let config = Descriptor {
        media_type: CONFIG_TYPE.into(),
        digest: Digest::of(&config_bytes),
        size: config_bytes.len() as u64,
        platform: None,
    };
    let descriptor =
        |d: &Descriptor| serde_json::json!({"mediaType": d.media_type, "size": d.size, "digest": d.digest.as_str()});
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": descriptor(&config),
        "layers": layers.iter().map(descriptor).collect::<Vec<_>>(),
    });
    let bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    let root = Manifest::parse(bytes, None).map_err(ImageError::Invalid)?;
    let paths = layers.iter().enumerate().map(|(i, d)| (d.digest.clone(), spool.layer(i))).collect();
    let blobs = Spooled { _spool: spool, config: (config.digest, config_bytes), layers: paths, source };
    Ok(LocalImage { root, children: BTreeMap::new(), blobs: Arc::new(blobs) })
}

fn select<'a>(entries: &'a [Entry], reference: Option<&str>) -> Result<&'a Entry, String> {
    let tags = |e: &'a Entry| e.repo_tags.iter().flatten().map(String::as_str);
    let names = || entries.iter().flat_map(tags).collect::<Vec<_>>().join(", ");
    match (reference, entries) {
        (None, [only]) => Ok(only),
        (None, []) => Err("manifest.json lists no image".into()),
        (None, many) => Err(format!("manifest.json lists {} images; name one (names: {})", many.len(), names())),
        (Some(wanted), _) => entries
            .iter()
            .find(|e| tags(e).any(|t| t == wanted || t.rsplit_once(':').is_some_and(|(_, tag)| tag == wanted)))
            .ok_or_else(|| format!("manifest.json has no image named {wanted:?} (names: {})", names())),
    }
}

/// Compresses every layer into the spool, on as many threads as there are
/// cores; the descriptors of the gzip'd layers, in order.
fn compress_all(
    layout: &OciLayout,
    entry: &Entry,
    diff_ids: &[String],
    spool: &Spool,
) -> Result<Vec<Descriptor>, ImageError> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(entry.layers.len()).max(1);
    let mut results: Vec<Option<Result<Descriptor, ImageError>>> = (0..entry.layers.len()).map(|_| None).collect();
    let done: Vec<Vec<(usize, Result<Descriptor, ImageError>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(name) = entry.layers.get(i) else { break };
                        mine.push((i, compress(layout, name, &diff_ids[i], &spool.layer(i))));
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_default()).collect()
    });
    for (i, result) in done.into_iter().flatten() {
        results[i] = Some(result);
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| Err(ImageError::Invalid(format!("layer {} was not compressed", entry.layers[i]))))
        })
        .collect()
}

/// Gzips layer `name` into `path`, checking its bytes against `diff_id`.
fn compress(layout: &OciLayout, name: &str, diff_id: &str, path: &std::path::Path) -> Result<Descriptor, ImageError> {
    let mut input = layout.reader(name)?;
    let file = std::fs::File::create(path).map_err(ImageError::io(path))?;
    let output = Hashing { inner: std::io::BufWriter::new(file), hasher: Sha256::new(), bytes: 0 };
    let mut encoder = flate2::write::GzEncoder::new(output, flate2::Compression::default());
    let mut uncompressed = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = input
            .read(&mut buffer)
            .map_err(|e| ImageError::Invalid(format!("{}: reading {name}: {e}", layout.describe())))?;
        if n == 0 {
            break;
        }
        uncompressed.update(&buffer[..n]);
        encoder.write_all(&buffer[..n]).map_err(ImageError::io(path))?;
    }
    let mut output = encoder.finish().map_err(ImageError::io(path))?;
    output.inner.flush().map_err(ImageError::io(path))?;
    let actual = Digest::from_hasher(uncompressed);
    if actual.as_str() != diff_id {
        return Err(ImageError::Mismatch {
            digest: Digest::parse(diff_id)
                .map_err(|e| ImageError::Invalid(format!("{}: diff_id: {e}", layout.describe())))?,
            found: format!("layer {name} has digest {actual}"),
            source: layout.describe(),
        });
    }
    Ok(Descriptor {
        media_type: LAYER_TYPE.into(),
        digest: Digest::from_hasher(output.hasher),
        size: output.bytes,
        platform: None,
    })
}

/// A writer that hashes and counts what passes through.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A temporary directory of compressed layers, removed when dropped.
struct Spool {
    dir: PathBuf,
}

impl Spool {
    fn new() -> Result<Self, ImageError> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ecr-docker-save-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(ImageError::io(&dir))?;
        Ok(Self { dir })
    }

    /// Where the `i`th layer goes.
    fn layer(&self, i: usize) -> PathBuf {
        self.dir.join(format!("{i}.tar.gz"))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The config in memory, the compressed layers in the spool.
struct Spooled {
    // Held for its files; removed when the image is dropped.
    _spool: Spool,
    config: (Digest, Vec<u8>),
    layers: BTreeMap<Digest, PathBuf>,
    source: String,
}

impl OpenBlob for Spooled {
    fn open(&self, descriptor: &Descriptor) -> Result<BlobReader, ImageError> {
        if descriptor.digest == self.config.0 {
            return Ok(Box::pin(std::io::Cursor::new(self.config.1.clone())));
        }
        let path = self.layers.get(&descriptor.digest).ok_or_else(|| {
            ImageError::Invalid(format!("{}: no compressed layer {}", self.source, descriptor.digest))
        })?;
        let file = std::fs::File::open(path).map_err(ImageError::io(path))?;
        Ok(Box::pin(tokio::fs::File::from_std(file)))
    }

    fn describe(&self) -> String {
        self.source.clone()
    }
}
