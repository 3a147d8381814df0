//! An image to push: its manifests in memory (they are small), its blobs
//! opened one at a time when they are uploaded.

use super::{Descriptor, Digest, ImageError, Manifest};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::AsyncRead;

/// A blob's bytes, read once from the start.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// Where an image's blobs are: a layout directory, an archive, memory.
pub trait OpenBlob: Send + Sync {
    /// A reader of the blob `descriptor` names (its bytes are checked
    /// against its digest and size as they are read).
    fn open(&self, descriptor: &Descriptor) -> Result<BlobReader, ImageError>;

    /// Where blobs come from, for messages (e.g. a path).
    fn describe(&self) -> String;
}

/// An image ready to push: the top manifest, every child manifest an index
/// names, and where the blobs are.
#[derive(Clone)]
pub struct LocalImage {
    /// The top manifest (an image manifest, or an index).
    pub root: Manifest,
    /// An index's child manifests by digest.
    pub children: BTreeMap<Digest, Manifest>,
    /// The blobs.
    pub blobs: Arc<dyn OpenBlob>,
}

impl std::fmt::Debug for LocalImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalImage")
            .field("root", &self.root.digest)
            .field("children", &self.children.keys().collect::<Vec<_>>())
            .field("blobs", &self.blobs.describe())
            .finish()
    }
}

impl LocalImage {
    /// Every manifest, children first (the order they must be put in).
    pub fn manifests(&self) -> Vec<&Manifest> {
        self.root.children().iter().filter_map(|d| self.children.get(&d.digest)).chain([&self.root]).collect()
    }

    /// Every blob of every manifest, each once, in first-named order.
    pub fn blobs(&self) -> Vec<Descriptor> {
        let mut seen = std::collections::BTreeSet::new();
        self.manifests()
            .into_iter()
            .flat_map(|m| m.blobs())
            .filter(|d| seen.insert(d.digest.clone()))
            .cloned()
            .collect()
    }

    /// Checks that an index's children are all here.
    pub fn check(&self) -> Result<(), ImageError> {
        for child in self.root.children() {
            if !self.children.contains_key(&child.digest) {
                return Err(ImageError::Invalid(format!(
                    "index {} names manifest {}, which {} lacks",
                    self.root.digest,
                    child.digest,
                    self.blobs.describe()
                )));
            }
        }
        Ok(())
    }
}
