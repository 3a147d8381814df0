//! Blob bytes from GetDownloadUrlForLayer's presigned URLs: ranged GETs that
//! resume where a failed one stopped, a fresh URL when one has expired, and
//! files that get their name only once their digest is checked.

use super::remote::Repository;
use super::{tasks, Descriptor, Digest, ImageError, Progress, Transfer};
use aws_json_runtime::transport::Response;
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

/// How long a download may go without a byte before it is retried.
const STALL: Duration = Duration::from_secs(60);
/// Failed GETs of one range before the blob fails.
const ATTEMPTS: u32 = 8;

/// A blob's download URL, fetched when first needed and again when expired.
pub(crate) struct BlobUrl {
    repository: Repository,
    digest: Digest,
    /// The URL and how many were fetched before it.
    current: tokio::sync::Mutex<(Option<String>, u64)>,
}

impl BlobUrl {
    pub fn new(repository: &Repository, digest: &Digest) -> Self {
        Self { repository: repository.clone(), digest: digest.clone(), current: Default::default() }
    }

    async fn get(&self) -> Result<(String, u64), ImageError> {
        let mut current = self.current.lock().await;
        if current.0.is_none() {
            current.0 = Some(self.repository.download_url(&self.digest).await?);
            current.1 += 1;
        }
        Ok((current.0.clone().unwrap_or_default(), current.1))
    }

    /// Forgets the URL of `generation`, if no other task has yet.
    async fn expire(&self, generation: u64) {
        let mut current = self.current.lock().await;
        if current.1 == generation {
            current.0 = None;
        }
    }
}

/// Where fetched bytes go, in order.
pub(crate) trait Sink: Send {
    /// Takes the next bytes.
    fn put(&mut self, bytes: bytes::Bytes) -> impl std::future::Future<Output = Result<(), ImageError>> + Send;
}

/// A file, written from where it was positioned.
struct FileSink<'a> {
    file: tokio::fs::File,
    path: &'a Path,
}

impl Sink for FileSink<'_> {
    async fn put(&mut self, bytes: bytes::Bytes) -> Result<(), ImageError> {
        self.file.write_all(&bytes).await.map_err(ImageError::io(self.path))
    }
}

/// A channel to a [`ChannelReader`]: a blob streamed from its URL into an upload.
impl Sink for tokio::sync::mpsc::Sender<std::io::Result<bytes::Bytes>> {
    async fn put(&mut self, bytes: bytes::Bytes) -> Result<(), ImageError> {
        // A closed channel: the upload stopped, and says why itself.
        self.send(Ok(bytes)).await.map_err(|_| ImageError::Invalid("the upload reading this blob stopped".into()))
    }
}

/// Reads what a download task sends: bytes, or the error that ended it.
pub(crate) struct ChannelReader {
    receiver: tokio::sync::mpsc::Receiver<std::io::Result<bytes::Bytes>>,
    current: bytes::Bytes,
}

impl tokio::io::AsyncRead for ChannelReader {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        while self.current.is_empty() {
            match self.receiver.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                Poll::Ready(Some(Ok(bytes))) => self.current = bytes,
            }
        }
        let n = self.current.len().min(buf.remaining());
        buf.put_slice(&self.current.split_to(n));
        Poll::Ready(Ok(()))
    }
}

/// A reader of the whole blob, fetched by a task of its own (which ends when
/// the reader is dropped).
pub(crate) fn stream(repository: &Repository, descriptor: &Descriptor) -> ChannelReader {
    let (mut sender, receiver) = tokio::sync::mpsc::channel(8);
    let url = BlobUrl::new(repository, &descriptor.digest);
    let size = descriptor.size;
    tokio::spawn(async move {
        if let Err(e) = fetch_range(&url, (0, size), &mut sender, &|_| {}).await {
            let _ = sender.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    ChannelReader { receiver, current: bytes::Bytes::new() }
}

/// Writes bytes `start..end` of the blob into `sink`, resuming after any
/// failed or cut GET from the last byte written.
pub(crate) async fn fetch_range(
    url: &BlobUrl,
    (start, end): (u64, u64),
    sink: &mut impl Sink,
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<(), ImageError> {
    let mut position = start;
    let mut failures = 0;
    while position < end {
        // A GET that failed in a way worth another try says why.
        let Err(problem) = get_once(url, &mut position, end, sink, on_bytes).await? else { continue };
        failures += 1;
        if failures >= ATTEMPTS {
            let problem = format!("{failures} attempts failed, the last: {problem}");
            return Err(ImageError::Download { digest: url.digest.clone(), problem });
        }
        tokio::time::sleep(Duration::from_millis(100 << failures.min(5))).await;
    }
    Ok(())
}

/// One ranged GET of `position..end` into `sink`, moving `position` past
/// what it wrote. `Ok(Err(why))` is a failure worth another GET (no answer,
/// a stall, a cut answer, an expired URL, a 5xx); `Err` ends the download.
async fn get_once(
    url: &BlobUrl,
    position: &mut u64,
    end: u64,
    sink: &mut impl Sink,
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<Result<(), String>, ImageError> {
    let (link, generation) = url.get().await?;
    let request =
        url.repository.client.http_client().get(&link).header("range", format!("bytes={position}-{}", end - 1));
    let mut response = match tokio::time::timeout(STALL, request.send()).await {
        Err(_) => return Ok(Err(format!("no answer within {STALL:?}"))),
        // The transport's errors never hold the URL, which carries a signature.
        Ok(Err(e)) => return Ok(Err(e.report())),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let mut skip = match status {
        206 => match range_start(&response) {
            Some(first) if first != *position => {
                return Ok(Err(format!("asked for byte {position}, got bytes from {first}")))
            }
            _ => 0,
        },
        // A server that ignores Range sends it all: skip to the range.
        200 => *position,
        403 => {
            url.expire(generation).await;
            return Ok(Err("HTTP 403 (an expired URL is asked for again)".into()));
        }
        408 | 429 | 500..=599 => return Ok(Err(format!("HTTP {status}"))),
        _ => return Err(ImageError::Download { digest: url.digest.clone(), problem: format!("HTTP {status}") }),
    };
    while *position < end {
        let bytes = match tokio::time::timeout(STALL, response.chunk()).await {
            Err(_) => return Ok(Err(format!("no byte for {STALL:?}"))),
            Ok(Err(e)) => return Ok(Err(e.report())),
            Ok(Ok(None)) => return Ok(Err("the answer ended early".into())),
            Ok(Ok(Some(bytes))) => bytes,
        };
        let skipped = skip.min(bytes.len() as u64);
        skip -= skipped;
        let take = (bytes.len() - skipped as usize).min((end - *position) as usize);
        sink.put(bytes.slice(skipped as usize..skipped as usize + take)).await?;
        *position += take as u64;
        on_bytes(take as u64);
    }
    Ok(Ok(()))
}

/// The first byte of a `Content-Range: bytes FIRST-LAST/SIZE` header.
fn range_start(response: &Response) -> Option<u64> {
    let value = response.headers().get("content-range")?.to_str().ok()?;
    value.strip_prefix("bytes ")?.split('-').next()?.trim().parse().ok()
}

/// How one blob is fetched: connections at once, bytes per ranged GET.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranges {
    pub connections: usize,
    pub chunk: u64,
}

/// Downloads the blob `descriptor` names from `repository` to `path`, in
/// ranges over several connections; the file appears under `path` only once
/// its size and sha256 are checked.
pub(crate) async fn download_to(
    repository: &Repository,
    descriptor: &Descriptor,
    path: &Path,
    ranges: Ranges,
    transfer: &Transfer,
) -> Result<(), ImageError> {
    let digest = &descriptor.digest;
    let partial = Partial::create(
        path.with_file_name(format!(".{}.{}.partial", digest.hex(), std::process::id())),
        descriptor.size,
    )?;
    fetch_to_file(repository, descriptor, &partial.0, ranges, transfer).await?;
    verify(&partial.0, descriptor, "its download URL").await?;
    tokio::fs::rename(&partial.0, path).await.map_err(ImageError::io(path))
}

/// A blob's file while it downloads, removed unless renamed into place:
/// after a failure, and when the download is dropped unfinished (another
/// blob's failure cancels the rest), so only verified blobs stay.
struct Partial(PathBuf);

impl Partial {
    /// Creates the file, `size` bytes long. At once, not on the blocking
    /// pool: a create still running there when the download is dropped
    /// would make the file again after it was removed.
    fn create(path: PathBuf, size: u64) -> Result<Self, ImageError> {
        let file = std::fs::File::create(&path).map_err(ImageError::io(&path))?;
        let partial = Self(path);
        file.set_len(size).map_err(ImageError::io(&partial.0))?;
        Ok(partial)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        // Gone already once renamed into place.
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn fetch_to_file(
    repository: &Repository,
    descriptor: &Descriptor,
    partial: &Path,
    ranges: Ranges,
    transfer: &Transfer,
) -> Result<(), ImageError> {
    let chunk = ranges.chunk.max(1);
    let pieces: Vec<(u64, u64)> =
        (0..descriptor.size).step_by(chunk as usize).map(|s| (s, (s + chunk).min(descriptor.size))).collect();
    let url = Arc::new(BlobUrl::new(repository, &descriptor.digest));
    let done = Arc::new(AtomicU64::new(0));
    let partial = Arc::new(partial.to_owned());
    tasks::each(ranges.connections, pieces, |range| {
        let (url, done, partial, transfer, descriptor) =
            (url.clone(), done.clone(), partial.clone(), transfer.clone(), descriptor.clone());
        async move {
            let path = partial.as_path();
            let mut file = tokio::fs::OpenOptions::new().write(true).open(path).await.map_err(ImageError::io(path))?;
            file.seek(std::io::SeekFrom::Start(range.0)).await.map_err(ImageError::io(path))?;
            let on_bytes = |n| {
                let now = done.fetch_add(n, Ordering::Relaxed) + n;
                transfer.report(Progress::new(&descriptor.digest, now, descriptor.size));
            };
            let mut sink = FileSink { file, path };
            fetch_range(&url, range, &mut sink, &on_bytes).await?;
            sink.file.flush().await.map_err(ImageError::io(path))
        }
    })
    .await?;
    Ok(())
}

/// Checks that the file at `path` has the size and digest `descriptor` gives.
pub(crate) async fn verify(path: &Path, descriptor: &Descriptor, source: &str) -> Result<(), ImageError> {
    let mut file = tokio::fs::File::open(path).await.map_err(ImageError::io(path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer).await.map_err(ImageError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    let actual = Digest::from_hasher(hasher);
    let found = if size != descriptor.size {
        format!("{size} bytes, not {}", descriptor.size)
    } else if actual != descriptor.digest {
        format!("its bytes have digest {actual}")
    } else {
        return Ok(());
    };
    Err(ImageError::Mismatch { digest: descriptor.digest.clone(), found, source: source.to_owned() })
}
