//! OCI image layouts: a directory (`oci-layout`, `index.json`,
//! `blobs/sha256/…`) read and written, or a tarball of one (an OCI archive,
//! or what `docker save` writes since Docker 25) read in place.

use super::archive::{self, Members};
use super::{BlobReader, Contents, Descriptor, Digest, ImageError, LocalImage, Manifest, OpenBlob};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The annotation that names an `index.json` entry.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation containerd and Docker name images by.
const IMAGE_NAME: &str = "io.containerd.image.name";

/// An OCI image layout, in a directory or a tarball.
#[derive(Clone)]
pub struct OciLayout {
    tree: Arc<Tree>,
}

enum Tree {
    Directory(PathBuf),
    Archive { path: PathBuf, members: Members },
}

impl std::fmt::Debug for OciLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("OciLayout").field(&self.describe()).finish()
    }
}

#[derive(Deserialize)]
struct Entry {
    #[serde(flatten)]
    descriptor: Descriptor,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    manifests: Vec<Entry>,
}

impl OciLayout {
    /// The layout in directory `dir` (which pulling creates if needed).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { tree: Arc::new(Tree::Directory(dir.into())) }
    }

    /// The layout in the tarball at `path`, indexed once; its members are
    /// read in place.
    pub fn archive(path: impl Into<PathBuf>) -> Result<Self, ImageError> {
        let path = path.into();
        let members = archive::index(&path)?;
        Ok(Self { tree: Arc::new(Tree::Archive { path, members }) })
    }

    /// A directory or a tarball, whichever `path` is.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, ImageError> {
        let path = path.into();
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => Ok(Self::new(path)),
            Ok(_) => Self::archive(path),
            Err(error) => Err(ImageError::Io { path, error }),
        }
    }

    /// The directory, for a layout that is one.
    pub fn directory(&self) -> Option<&Path> {
        match &*self.tree {
            Tree::Directory(dir) => Some(dir),
            Tree::Archive { .. } => None,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match &*self.tree {
            Tree::Directory(dir) => dir.display().to_string(),
            Tree::Archive { path, .. } => path.display().to_string(),
        }
    }

    fn blob_name(digest: &Digest) -> String {
        format!("blobs/sha256/{}", digest.hex())
    }

    /// The size of member `name`, if it is there.
    pub(crate) fn size(&self, name: &str) -> Option<u64> {
        match &*self.tree {
            Tree::Directory(dir) => std::fs::metadata(dir.join(name)).ok().filter(|m| m.is_file()).map(|m| m.len()),
            Tree::Archive { members, .. } => members.get(name).map(|m| m.1),
        }
    }

    pub(crate) fn read(&self, name: &str) -> Result<Vec<u8>, ImageError> {
        let missing = || ImageError::Invalid(format!("{} has no {name}", self.describe()));
        match &*self.tree {
            Tree::Directory(dir) => {
                let path = dir.join(name);
                std::fs::read(&path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => missing(),
                    _ => ImageError::Io { path, error: e },
                })
            }
            Tree::Archive { path, members } => archive::read_member(path, *members.get(name).ok_or_else(missing)?),
        }
    }

    /// A blocking reader of member `name`.
    pub(crate) fn reader(&self, name: &str) -> Result<Box<dyn std::io::Read + Send>, ImageError> {
        use std::io::{Read as _, Seek as _};
        let missing = || ImageError::Invalid(format!("{} has no {name}", self.describe()));
        match &*self.tree {
            Tree::Directory(dir) => {
                let path = dir.join(name);
                Ok(Box::new(std::fs::File::open(&path).map_err(ImageError::io(&path))?))
            }
            Tree::Archive { path, members } => {
                let (offset, size) = *members.get(name).ok_or_else(missing)?;
                let mut file = std::fs::File::open(path).map_err(ImageError::io(path))?;
                file.seek(std::io::SeekFrom::Start(offset)).map_err(ImageError::io(path))?;
                Ok(Box::new(file.take(size)))
            }
        }
    }

    fn read_manifest(&self, descriptor: &Descriptor) -> Result<Manifest, ImageError> {
        let bytes = self.read(&Self::blob_name(&descriptor.digest))?;
        let media_type = Some(descriptor.media_type.as_str()).filter(|t| !t.is_empty());
        Manifest::parse_expecting(bytes, media_type, &descriptor.digest)
            .map_err(|problem| ImageError::Invalid(format!("{}: {problem}", self.describe())))
    }

    /// The image `index.json` names `reference` (an entry's
    /// `org.opencontainers.image.ref.name`, or the tag of its
    /// `io.containerd.image.name`), or its only entry when `reference` is
    /// none. Every manifest is read and checked against its digest, and
    /// every blob must be present with its size.
    ///
    /// A `docker save` tarball from before Docker 25 (a `manifest.json`
    /// without `index.json`, as skopeo's `docker-archive:` writes too) is
    /// read as the Docker v2 schema 2 image its layers make once gzip'd:
    /// that compresses every layer here, into temporary files.
    pub fn image(&self, reference: Option<&str>) -> Result<LocalImage, ImageError> {
        if self.size("index.json").is_none() && self.size("manifest.json").is_some() {
            return super::docker_save::image(self, reference);
        }
        let entry = self.entry(reference)?;
        let root = self.read_manifest(&entry)?;
        let mut children = BTreeMap::new();
        for child in root.children() {
            let manifest = self.read_manifest(child)?;
            if let Contents::Index(_) = manifest.contents {
                return Err(ImageError::Invalid(format!(
                    "{}: index {} names another index ({}): nested indexes are not supported",
                    self.describe(),
                    root.digest,
                    child.digest
                )));
            }
            children.insert(child.digest.clone(), manifest);
        }
        let image = LocalImage { root, children, blobs: Arc::new(self.clone()) };
        for manifest in image.manifests() {
            for blob in manifest.blobs() {
                match self.size(&Self::blob_name(&blob.digest)) {
                    None => {
                        return Err(ImageError::Invalid(format!(
                            "{} lacks blob {} (named by manifest {})",
                            self.describe(),
                            blob.digest,
                            manifest.digest
                        )))
                    }
                    Some(size) if size != blob.size => {
                        return Err(ImageError::Mismatch {
                            digest: blob.digest.clone(),
                            found: format!("{size} bytes, where manifest {} says {}", manifest.digest, blob.size),
                            source: self.describe(),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(image)
    }

    fn entry(&self, reference: Option<&str>) -> Result<Descriptor, ImageError> {
        let bytes = self.read("index.json")?;
        let index: Index = serde_json::from_slice(&bytes)
            .map_err(|e| ImageError::Invalid(format!("{}: index.json is not an OCI index: {e}", self.describe())))?;
        let name_of = |entry: &Entry| {
            entry.annotations.get(REF_NAME).cloned().or_else(|| {
                entry.annotations.get(IMAGE_NAME).and_then(|n| n.rsplit_once(':')).map(|(_, tag)| tag.to_owned())
            })
        };
        let names = || {
            let names: Vec<String> = index.manifests.iter().filter_map(name_of).collect();
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        };
        match reference {
            Some(wanted) => index
                .manifests
                .iter()
                .find(|e| {
                    name_of(e).as_deref() == Some(wanted)
                        || e.annotations.get(IMAGE_NAME).map(String::as_str) == Some(wanted)
                })
                .map(|e| e.descriptor.clone())
                .ok_or_else(|| {
                    ImageError::Invalid(format!(
                        "{}: index.json has no image named {wanted:?} (names: {})",
                        self.describe(),
                        names()
                    ))
                }),
            None => match &index.manifests[..] {
                [only] => Ok(only.descriptor.clone()),
                [] => Err(ImageError::Invalid(format!("{}: index.json lists no image", self.describe()))),
                many => Err(ImageError::Invalid(format!(
                    "{}: index.json lists {} images; name one as {}:NAME (names: {})",
                    self.describe(),
                    many.len(),
                    self.describe(),
                    names()
                ))),
            },
        }
    }

    /// Where a pulled blob goes.
    pub(crate) fn blob_path(&self, digest: &Digest) -> Result<PathBuf, ImageError> {
        Ok(self.writable()?.join(Self::blob_name(digest)))
    }

    /// Creates the layout's directories, for blobs to be written.
    pub(crate) fn create_blob_dir(&self) -> Result<(), ImageError> {
        let blobs = self.writable()?.join("blobs/sha256");
        std::fs::create_dir_all(&blobs).map_err(ImageError::io(&blobs))
    }

    fn writable(&self) -> Result<&Path, ImageError> {
        self.directory().ok_or_else(|| {
            ImageError::Invalid(format!("{} is a tarball; images are pulled into directories", self.describe()))
        })
    }

    /// Writes `manifest` as a blob.
    pub(crate) fn write_manifest(&self, manifest: &Manifest) -> Result<(), ImageError> {
        self.create_blob_dir()?;
        write_atomically(&self.blob_path(&manifest.digest)?, &manifest.bytes)
    }

    /// Names `manifest` in `index.json` (as `name`, replacing the entry of
    /// that name; unnamed entries are replaced by digest), and writes
    /// `oci-layout`.
    pub(crate) fn add_to_index(&self, manifest: &Manifest, name: Option<&str>) -> Result<(), ImageError> {
        let dir = self.writable()?;
        write_atomically(&dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        let path = dir.join("index.json");
        let mut index = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .filter(serde_json::Value::is_object)
                .ok_or_else(|| ImageError::Invalid(format!("{}: not a JSON object", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                serde_json::json!({"schemaVersion": 2, "mediaType": super::OCI_INDEX, "manifests": []})
            }
            Err(error) => return Err(ImageError::Io { path, error }),
        };
        let mut entry = serde_json::json!({
            "mediaType": manifest.media_type,
            "digest": manifest.digest.as_str(),
            "size": manifest.bytes.len(),
        });
        if let Some(name) = name {
            entry["annotations"] = serde_json::json!({ REF_NAME: name });
        }
        let entries = index["manifests"].as_array_mut().map(std::mem::take).unwrap_or_default();
        let mut kept: Vec<serde_json::Value> = entries
            .into_iter()
            .filter(|e| match name {
                Some(name) => e["annotations"][REF_NAME].as_str() != Some(name),
                None => {
                    e["annotations"][REF_NAME].is_string() || e["digest"].as_str() != Some(manifest.digest.as_str())
                }
            })
            .collect();
        kept.push(entry);
        index["manifests"] = kept.into();
        write_atomically(&path, &serde_json::to_vec(&index).unwrap_or_default())
    }
}

impl OciLayout {
    /// Writes this layout directory as a tarball `docker load` takes (and
    /// Docker 25's own format: the layout, plus `manifest.json` for the
    /// image `digest` names, tagged `repo_tag`). An index is refused: such a
    /// tarball holds single-platform images.
    pub fn save_docker_archive(&self, digest: &Digest, repo_tag: Option<&str>, path: &Path) -> Result<(), ImageError> {
        let dir = self.writable()?;
        let manifest = self.read_manifest(&Descriptor {
            media_type: String::new(),
            digest: digest.clone(),
            size: 0,
            platform: None,
        })?;
        let Contents::Image { config, layers } = &manifest.contents else {
            return Err(ImageError::Invalid(format!(
                "{digest} is an index: a tarball for `docker load` holds one platform's image (choose one with \
                 --platform)"
            )));
        };
        let docker_manifest = serde_json::json!([{
            "Config": Self::blob_name(&config.digest),
            "RepoTags": repo_tag.map(|t| vec![t]).unwrap_or_default(),
            "Layers": layers.iter().map(|l| Self::blob_name(&l.digest)).collect::<Vec<_>>(),
        }]);
        let bytes = serde_json::to_vec(&docker_manifest).unwrap_or_default();
        archive::write(dir, path, &[("manifest.json", bytes)])
    }
}

impl OpenBlob for OciLayout {
    fn open(&self, descriptor: &Descriptor) -> Result<BlobReader, ImageError> {
        let name = Self::blob_name(&descriptor.digest);
        match &*self.tree {
            Tree::Directory(dir) => {
                let path = dir.join(&name);
                let file = std::fs::File::open(&path).map_err(ImageError::io(&path))?;
                Ok(Box::pin(tokio::fs::File::from_std(file)))
            }
            Tree::Archive { path, members } => {
                let member = *members
                    .get(&name)
                    .ok_or_else(|| ImageError::Invalid(format!("{} has no {name}", path.display())))?;
                archive::open_member(path, member)
            }
        }
    }

    fn describe(&self) -> String {
        OciLayout::describe(self)
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ImageError> {
    let partial = path.with_file_name(format!(
        ".{}.{}.partial",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path)).map_err(|error| {
        let _ = std::fs::remove_file(&partial);
        ImageError::Io { path: path.to_owned(), error }
    })
}
