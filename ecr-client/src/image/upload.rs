//! One blob into a repository: InitiateLayerUpload, UploadLayerPart in the
//! part size ECR gives, CompleteLayerUpload. A part whose answer was lost or
//! that failed resumes from the `lastValidByteReceived` ECR reports, never
//! from the start.

use super::destination::{CallError, Destination};
use super::{Descriptor, Digest, ImageError, Progress, Reference, Transfer};
use crate::Client;
use aws_json_runtime::SdkError;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt as _};

/// The part size when InitiateLayerUpload gives none (ECR's own).
const DEFAULT_PART_SIZE: usize = 10 * 1024 * 1024;
/// Resumes of one part without progress before giving up.
const MAX_RESUMES: u32 = 5;

/// Uploads the blob `descriptor` names from `reader` into `destination`'s
/// repository. Its bytes are checked against the digest and size as they
/// are read; on a mismatch the upload is not completed.
pub async fn push_blob(
    client: &Client,
    destination: &Reference,
    descriptor: &Descriptor,
    reader: impl AsyncRead + Unpin,
    transfer: &Transfer,
) -> Result<(), ImageError> {
    upload(&Destination::private(client, destination)?, descriptor, reader, "the reader", transfer).await
}

pub(crate) async fn upload(
    destination: &Destination,
    descriptor: &Descriptor,
    mut reader: impl AsyncRead + Unpin,
    source: &str,
    transfer: &Transfer,
) -> Result<(), ImageError> {
    let digest = &descriptor.digest;
    if descriptor.size == 0 {
        return Err(ImageError::Invalid(format!("blob {digest} is empty: ECR refuses 0-byte blobs")));
    }
    let (upload_id, part_size) = destination.initiate_upload().await.map_err(ImageError::Call)?;
    let upload_id = upload_id
        .ok_or_else(|| ImageError::Invalid(format!("blob {digest}: InitiateLayerUpload answered no uploadId")))?;
    let part_size = part_size.and_then(|s| usize::try_from(s).ok()).filter(|s| *s > 0).unwrap_or(DEFAULT_PART_SIZE);

    let mut hasher = Sha256::new();
    let mut read = 0u64;
    // Bytes sent but not acknowledged (after a resume), starting at `acked`.
    let mut carry = bytes::Bytes::new();
    let mut acked = 0u64;
    let mut resumes = 0;
    let mut at_end = false;
    loop {
        let mut buffer = Vec::with_capacity(part_size);
        buffer.extend_from_slice(&carry);
        while !at_end && buffer.len() < part_size {
            let start = buffer.len();
            buffer.resize(part_size, 0);
            let n = reader.read(&mut buffer[start..]).await.map_err(|error| ImageError::Download {
                digest: digest.clone(),
                problem: format!("reading it from {source}: {error}"),
            })?;
            buffer.truncate(start + n);
            hasher.update(&buffer[start..]);
            read += n as u64;
            at_end = n == 0;
            if read > descriptor.size {
                return Err(mismatch(descriptor, format!("more than its {} bytes", descriptor.size), source));
            }
        }
        if buffer.is_empty() {
            break;
        }
        // Shared with the request, not copied.
        let part = bytes::Bytes::from(buffer);
        let len = part.len() as u64;
        let next = match destination.upload_part(&upload_id, acked, part.clone()).await {
            Ok(()) => acked + len,
            Err(SdkError::Service(e)) if e.code() == "InvalidLayerPartException" => {
                // What ECR holds: the part may have arrived although its answer did not.
                let last_valid = e.field("lastValidByteReceived").and_then(serde_json::Value::as_i64);
                match last_valid.map(|b| (b + 1) as u64) {
                    Some(next) if (acked..=acked + len).contains(&next) && resumes < MAX_RESUMES => {
                        resumes += 1;
                        next
                    }
                    _ => return Err(ImageError::Call(SdkError::Service(e))),
                }
            }
            // Failed after the client's own retries: the part again, a few
            // times more (ECR says where to resume if it got in after all).
            Err(e) if transient(&e) && resumes < MAX_RESUMES => {
                resumes += 1;
                tokio::time::sleep(std::time::Duration::from_millis(200 << resumes)).await;
                acked
            }
            Err(e) => return Err(ImageError::Call(e)),
        };
        if next > acked {
            resumes = 0;
        }
        // A slice keeps the whole part alive: none when all of it got in.
        carry = if next == acked + len { bytes::Bytes::new() } else { part.slice((next - acked) as usize..) };
        acked = next;
        transfer.report(Progress::new(digest, acked, descriptor.size));
    }
    if read != descriptor.size {
        return Err(mismatch(descriptor, format!("{read} bytes, not {}", descriptor.size), source));
    }
    let actual = Digest::from_hasher(hasher);
    if &actual != digest {
        return Err(mismatch(descriptor, format!("its bytes have digest {actual}"), source));
    }
    match destination.complete_upload(&upload_id, digest).await {
        Ok(Some(confirmed)) if confirmed != digest.as_str() => Err(ImageError::Mismatch {
            digest: digest.clone(),
            found: format!("ECR computed {confirmed}"),
            source: "CompleteLayerUpload".into(),
        }),
        Ok(_) => Ok(()),
        Err(SdkError::Service(e)) if e.code() == "LayerAlreadyExistsException" => Ok(()),
        Err(e) => Err(ImageError::Call(e)),
    }
}

/// A failure worth sending the part again for: no answer, or a 5xx.
fn transient(error: &CallError) -> bool {
    match error {
        SdkError::Transport(_) => true,
        SdkError::Service(e) => e.status() >= 500,
        _ => false,
    }
}

fn mismatch(descriptor: &Descriptor, found: String, source: &str) -> ImageError {
    ImageError::Mismatch { digest: descriptor.digest.clone(), found, source: source.to_owned() }
}
