//! Content digests: `sha256:` and 64 lowercase hex digits, the only
//! algorithm ECR stores blobs and manifests under.

use sha2::{Digest as _, Sha256};
use std::fmt;

/// A `sha256:<hex>` content digest, checked when made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    /// Parses `sha256:` followed by 64 lowercase hex digits.
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some(hex) = text.strip_prefix("sha256:") else {
            return Err(match text.split_once(':') {
                Some((algorithm, _)) => format!("digest {text:?} uses {algorithm:?}; ECR stores sha256 digests only"),
                None => format!("digest {text:?} is not algorithm:hex (sha256:…)"),
            });
        };
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(format!("digest {text:?} is not sha256: followed by 64 lowercase hex digits"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self::from_hasher(Sha256::new_with_prefix(bytes))
    }

    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        Self(format!("sha256:{}", hex(&hasher.finalize())))
    }

    /// The 64 hex digits, as blob files are named in an OCI layout.
    pub fn hex(&self) -> &str {
        &self.0["sha256:".len()..]
    }

    /// The whole digest, `sha256:…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_bytes_and_parse() {
        let empty = Digest::of(b"");
        assert_eq!(empty.as_str(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(Digest::parse(empty.as_str()), Ok(empty.clone()));
        assert_eq!(empty.hex().len(), 64);
        for bad in ["", "sha256:", "sha512:00", "e3b0", &empty.as_str().to_uppercase(), &format!("{empty}0")] {
            assert!(Digest::parse(bad).is_err(), "{bad}");
        }
    }
}
