//! Manifests as bytes plus what pushing and pulling need from them: the
//! media type, the blobs an image manifest names, the children an index
//! names. The bytes are never re-serialized: a manifest's digest is theirs.

use super::Digest;
use serde::Deserialize;

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Every manifest media type pushed and pulled, as `acceptedMediaTypes`.
pub const MANIFEST_MEDIA_TYPES: [&str; 4] = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST];

/// ECR's largest manifest.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// A content descriptor: what a manifest says of a blob or child manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The media type of what it points to.
    #[serde(default)]
    pub media_type: String,
    /// The digest of the bytes.
    #[serde(deserialize_with = "digest")]
    pub digest: Digest,
    /// The size in bytes.
    pub size: u64,
    /// For an index's children: the platform the image runs on.
    #[serde(default)]
    pub platform: Option<Platform>,
}

/// The platform of an index entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Platform {
    /// e.g. `amd64`.
    pub architecture: String,
    /// e.g. `linux`.
    pub os: String,
    /// e.g. `v8`.
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// Parses `OS/ARCH[/VARIANT]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('/').collect();
        match parts[..] {
            [os, architecture] | [os, architecture, _] if !os.is_empty() && !architecture.is_empty() => Ok(Self {
                os: os.to_owned(),
                architecture: architecture.to_owned(),
                variant: parts.get(2).filter(|v| !v.is_empty()).map(|v| (*v).to_owned()),
            }),
            _ => Err(format!("platform {text:?} is not OS/ARCH[/VARIANT], e.g. linux/arm64/v8")),
        }
    }

    /// Whether this platform serves `wanted` (a variant left out matches any).
    pub fn serves(&self, wanted: &Platform) -> bool {
        self.os == wanted.os
            && self.architecture == wanted.architecture
            && (wanted.variant.is_none() || self.variant == wanted.variant)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

fn digest<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
    let text = String::deserialize(deserializer)?;
    Digest::parse(&text).map_err(serde::de::Error::custom)
}

/// What a manifest points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// An image: its config and layers (blobs).
    Image {
        /// The config blob.
        config: Descriptor,
        /// The layer blobs, in order.
        layers: Vec<Descriptor>,
    },
    /// An index or manifest list: its child manifests.
    Index(Vec<Descriptor>),
}

/// A manifest: its exact bytes, their digest, its media type and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The digest of `bytes`.
    pub digest: Digest,
    /// The media type (from the manifest's `mediaType`, else the one given).
    pub media_type: String,
    /// The bytes as they were received or read.
    pub bytes: Vec<u8>,
    /// What it points to.
    pub contents: Contents,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    schema_version: Option<u64>,
    media_type: Option<String>,
    config: Option<Descriptor>,
    layers: Option<Vec<Descriptor>>,
    manifests: Option<Vec<Descriptor>>,
}

impl Manifest {
    /// Reads `bytes` as a manifest whose media type is its own `mediaType`
    /// or, lacking that, `media_type` (a descriptor's or the registry's).
    pub fn parse(bytes: Vec<u8>, media_type: Option<&str>) -> Result<Self, String> {
        let digest = Digest::of(&bytes);
        let fail = |problem: String| format!("manifest {digest}: {problem}");
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(fail(format!("{} bytes, more than ECR's 4 MiB", bytes.len())));
        }
        let fields: Fields = serde_json::from_slice(&bytes).map_err(|e| fail(format!("not a manifest: {e}")))?;
        if fields.schema_version != Some(2) {
            return Err(fail(match fields.schema_version {
                Some(1) => "Docker schema 1 manifests are not supported (ECR stopped accepting them)".into(),
                other => format!("schemaVersion {other:?}, expected 2"),
            }));
        }
        let inferred = match (&fields.manifests, &fields.config) {
            (Some(_), _) => OCI_INDEX,
            _ => OCI_MANIFEST,
        };
        let media_type = fields.media_type.as_deref().or(media_type).unwrap_or(inferred).to_owned();
        let contents = match media_type.as_str() {
            OCI_INDEX | DOCKER_MANIFEST_LIST => {
                Contents::Index(fields.manifests.ok_or_else(|| fail(format!("a {media_type} without manifests")))?)
            }
            OCI_MANIFEST | DOCKER_MANIFEST => Contents::Image {
                config: fields.config.ok_or_else(|| fail(format!("a {media_type} without config")))?,
                layers: fields.layers.unwrap_or_default(),
            },
            other => return Err(fail(format!("media type {other:?} is not a manifest this tool moves"))),
        };
        Ok(Self { digest, media_type, bytes, contents })
    }

    /// Like [`Manifest::parse`], and the bytes must have `expected` digest.
    pub fn parse_expecting(bytes: Vec<u8>, media_type: Option<&str>, expected: &Digest) -> Result<Self, String> {
        let manifest = Self::parse(bytes, media_type)?;
        if &manifest.digest != expected {
            return Err(format!("manifest {expected}: its bytes have digest {}", manifest.digest));
        }
        Ok(manifest)
    }

    /// The blobs an image manifest names (config first); none for an index.
    pub fn blobs(&self) -> Vec<&Descriptor> {
        match &self.contents {
            Contents::Image { config, layers } => std::iter::once(config).chain(layers).collect(),
            Contents::Index(_) => Vec::new(),
        }
    }

    /// The children an index names; none for an image manifest.
    pub fn children(&self) -> &[Descriptor] {
        match &self.contents {
            Contents::Index(children) => children,
            Contents::Image { .. } => &[],
        }
    }

    /// The manifest as text, as PutImage carries it.
    pub fn text(&self) -> Result<&str, String> {
        std::str::from_utf8(&self.bytes).map_err(|_| format!("manifest {}: not UTF-8", self.digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_errors() {
        let d = format!("sha256:{}", "b".repeat(64));
        let image =
            format!(r#"{{"schemaVersion":2,"config":{{"mediaType":"x","digest":"{d}","size":3}},"layers":[]}}"#);
        let parsed = Manifest::parse(image.clone().into_bytes(), None).unwrap();
        assert_eq!(parsed.media_type, OCI_MANIFEST);
        assert_eq!(parsed.blobs().len(), 1);
        let parsed = Manifest::parse(image.into_bytes(), Some(DOCKER_MANIFEST)).unwrap();
        assert_eq!(parsed.media_type, DOCKER_MANIFEST);
        let index = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"digest":"{d}","size":3,"platform":{{"os":"linux","architecture":"arm64"}}}}]}}"#
        );
        let parsed = Manifest::parse(index.into_bytes(), None).unwrap();
        assert_eq!(parsed.children()[0].platform.as_ref().unwrap().to_string(), "linux/arm64");
        for bad in [
            "",
            "{}",
            r#"{"schemaVersion":1}"#,
            r#"{"schemaVersion":2,"mediaType":"text/plain"}"#,
            r#"{"schemaVersion":2,"config":{"digest":"md5:1","size":1}}"#,
        ] {
            let error = Manifest::parse(bad.as_bytes().to_vec(), None).unwrap_err();
            assert!(error.starts_with("manifest sha256:"), "{error}");
        }
    }

    #[test]
    fn platforms() {
        let arm = Platform::parse("linux/arm64/v8").unwrap();
        assert!(arm.serves(&Platform::parse("linux/arm64").unwrap()));
        assert!(!Platform::parse("linux/arm64").unwrap().serves(&arm));
        for bad in ["linux", "/amd64", "a/b/c/d", ""] {
            assert!(Platform::parse(bad).is_err(), "{bad}");
        }
    }
}
