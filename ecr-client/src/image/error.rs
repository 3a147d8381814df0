//! Why moving an image failed.

use super::Digest;
use aws_json_runtime::{OperationError, SdkError, ServiceError};
use std::fmt;
use std::path::PathBuf;

/// Why a push, pull or copy failed. Each says what and where: the
/// reference, file, blob digest or call.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImageError {
    /// A reference, option, layout or manifest that cannot be used.
    Invalid(String),
    /// A blob's or manifest's bytes are not the ones its digest names.
    Mismatch {
        /// The digest expected.
        digest: Digest,
        /// What was found instead (another digest, or a size).
        found: String,
        /// Where the bytes came from.
        source: String,
    },
    /// A call to ECR failed.
    Call(SdkError<ServiceError>),
    /// A batch call answered with a failure for the image asked for.
    Refused {
        /// The operation, e.g. `BatchGetImage`.
        operation: &'static str,
        /// The failure code, e.g. `ImageNotFound`.
        code: String,
        /// What it was about, and why.
        reason: String,
    },
    /// The image is in ECR's archive storage class (or on its way back):
    /// its layers cannot be downloaded until it is restored.
    Archived {
        /// The repository.
        repository: String,
        /// The image's digest.
        digest: Digest,
        /// Its `imageStatus`: `ARCHIVED`, or `ACTIVATING` while restored.
        status: String,
    },
    /// A download URL could not be fetched.
    Download {
        /// The blob.
        digest: Digest,
        /// What happened (never the URL: it carries a signature).
        problem: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What happened.
        error: std::io::Error,
    },
}

impl ImageError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |error| Self::Io { path, error }
    }

    /// Whether the failure is the service's answer (an `SdkError::Service`).
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Call(SdkError::Service(e)) => Some(e),
            _ => None,
        }
    }
}

/// Any operation's error, erased to the service error it carries.
impl<E: OperationError> From<SdkError<E>> for ImageError {
    fn from(error: SdkError<E>) -> Self {
        Self::Call(error.map_service(|e| e.service_error().clone()))
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(problem) => f.write_str(problem),
            Self::Mismatch { digest, found, source } => {
                write!(f, "{digest} from {source}: the bytes do not match it ({found})")
            }
            Self::Call(e) => e.fmt(f),
            Self::Refused { operation, code, reason } => write!(f, "{operation} failed: {code}: {reason}"),
            Self::Archived { repository, digest, status } if status == "ACTIVATING" => write!(
                f,
                "{repository}@{digest} is being restored from the archive (ACTIVATING): pull it once \
                 `ecr describe-images --repository-name {repository} --image-ids imageDigest={digest}` says ACTIVE"
            ),
            Self::Archived { repository, digest, status } => write!(
                f,
                "{repository}@{digest} is archived ({status}): restore it with `ecr update-image-storage-class \
                 --repository-name {repository} --image-id imageDigest={digest} --target-storage-class STANDARD`, \
                 then pull it once it is ACTIVE"
            ),
            Self::Download { digest, problem } => write!(f, "downloading {digest}: {problem}"),
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for ImageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Call(e) => Some(e),
            Self::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}
