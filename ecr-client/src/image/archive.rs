//! Tarballs of image layouts: an index of where each member's bytes are in
//! an OCI archive or a `docker save` tarball (read in place, never
//! unpacked), and the tarball `docker load` takes, written from a layout.

use super::ImageError;
use std::collections::BTreeMap;
use std::io::{Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

/// Where a member's bytes are: offset and size.
pub(crate) type Members = BTreeMap<String, (u64, u64)>;

/// The regular files of the tarball at `path`, by normalized name.
pub(crate) fn index(path: &Path) -> Result<Members, ImageError> {
    let file = std::fs::File::open(path).map_err(ImageError::io(path))?;
    let bad = |e: std::io::Error| ImageError::Invalid(format!("{}: not a readable tar archive: {e}", path.display()));
    let mut archive = tar::Archive::new(file);
    let mut members = Members::new();
    for entry in archive.entries_with_seek().map_err(bad)? {
        let entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(bad)?.to_string_lossy().trim_start_matches("./").to_owned();
        members.insert(name, (entry.raw_file_position(), entry.size()));
    }
    Ok(members)
}

/// A reader of the member at `offset`, `size` bytes long.
pub(crate) fn open_member(path: &Path, (offset, size): (u64, u64)) -> Result<super::BlobReader, ImageError> {
    use tokio::io::AsyncReadExt as _;
    let mut file = std::fs::File::open(path).map_err(ImageError::io(path))?;
    file.seek(SeekFrom::Start(offset)).map_err(ImageError::io(path))?;
    Ok(Box::pin(tokio::fs::File::from_std(file).take(size)))
}

/// Reads a member whole.
pub(crate) fn read_member(path: &Path, (offset, size): (u64, u64)) -> Result<Vec<u8>, ImageError> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).map_err(ImageError::io(path))?;
    file.seek(SeekFrom::Start(offset)).map_err(ImageError::io(path))?;
    let mut bytes = Vec::new();
    file.take(size).read_to_end(&mut bytes).map_err(ImageError::io(path))?;
    Ok(bytes)
}

/// Writes the layout directory `layout` as a tarball at `path` (written
/// beside it, renamed when complete), with `extra` members first (such as
/// `manifest.json` for `docker load`).
pub(crate) fn write(layout: &Path, path: &Path, extra: &[(&str, Vec<u8>)]) -> Result<(), ImageError> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    let result = (|| {
        let file = std::fs::File::create(&partial)?;
        let mut builder = tar::Builder::new(std::io::BufWriter::new(file));
        builder.mode(tar::HeaderMode::Deterministic);
        for (name, bytes) in extra {
            let mut header = tar::Header::new_ustar();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            builder.append_data(&mut header, name, bytes.as_slice())?;
        }
        for name in ["oci-layout", "index.json"] {
            builder.append_path_with_name(layout.join(name), name)?;
        }
        let mut blobs: Vec<_> = std::fs::read_dir(layout.join("blobs/sha256"))?.collect::<Result<_, _>>()?;
        blobs.sort_by_key(|e| e.file_name());
        for blob in blobs {
            let name = blob.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                builder.append_path_with_name(blob.path(), format!("blobs/sha256/{name}"))?;
            }
        }
        builder.into_inner()?.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match result {
        Ok(()) => std::fs::rename(&partial, path).map_err(ImageError::io(path)),
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(ImageError::Io { path: path.to_owned(), error })
        }
    }
}
