//! `cargo xtask image-bench`: what moving images costs, with the official
//! SDK beside `ecr-client` in the same run. A throwaway release program does
//! the work against a stub ECR in a process of its own (its CPU is not
//! counted):
//! - the blob path: CPU time of one UploadLayerPart of a 10 MiB part, on
//!   `ecr-client`, on `aws-sdk-ecr`, and a bare reqwest POST of the same
//!   base64'd JSON body (the floor), as MB/s of layer bytes per CPU-second;
//! - memory: peak RSS of `ecr_client::image::push` of a 100 MiB and a 2 GiB
//!   image (4 jobs, 10 MiB parts);
//! - pull: wall time of one 96 MiB blob over 1 and 4 ranged connections,
//!   each held to 25 MB/s after 20 ms of latency, and the peak RSS.

use crate::bench_program::{self, Stub};
use std::fs;
use std::path::Path;
use std::process::Command;

const PROGRAM: &str = r##"use std::io::{Read, Write};
use std::time::{Duration, Instant};

const PART: usize = 10 * 1024 * 1024;
const UPLOAD: &str = "0b5c3ff2-8f5d-4b8e-9d0e-0c1f6f2a1a11";
const PULL_BLOB: usize = 96 * 1024 * 1024;

fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len).map(|_| { state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (state >> 33) as u8 }).collect()
}

fn hex_digest(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(bytes);
    format!("sha256:{}", hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// A stub ECR: every upload accepted, one image to pull whose one blob is
/// served in ranges at 25 MB/s per connection after 20 ms.
fn serve() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    println!("{port}");
    std::io::stdout().flush().unwrap();
    let blob: &'static [u8] = Box::leak(noise(PULL_BLOB, 9).into_boxed_slice());
    let blob_digest: &'static str = Box::leak(hex_digest(blob).into_boxed_str());
    let config: &'static [u8] = b"{\"architecture\":\"amd64\",\"os\":\"linux\"}";
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{blob_digest}","size":{}}}]}}"#,
        hex_digest(config), config.len(), blob.len()
    );
    let manifest: &'static str = Box::leak(manifest.into_boxed_str());
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || answer(stream, port, blob, blob_digest, config, manifest));
    }
}

fn answer(mut stream: std::net::TcpStream, port: u16, blob: &[u8], blob_digest: &str, config: &[u8], manifest: &str) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let header = |name: &str| head.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()));
        let length: usize = header("content-length:").map_or(0, |v| v.parse().unwrap());
        let target = header("x-amz-target:").unwrap_or_default();
        // (The head is lowercased: targets are matched so.)
        // Bodies are read and dropped; only small ones are kept to look into.
        let mut kept = buffer[end + 4..].to_vec();
        let mut left = length.saturating_sub(kept.len());
        kept.truncate(length);
        while left > 0 {
            match stream.read(&mut chunk[..left.min(1 << 20)]) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if kept.len() < 65536 { kept.extend_from_slice(&chunk[..n]); }
                    left -= n;
                }
            }
        }
        buffer.clear();
        let text = String::from_utf8_lossy(&kept).into_owned();
        let digest_in = |text: &str| text.find("sha256:").map(|i| text[i..i + 71].to_owned()).unwrap_or_default();
        if head.starts_with("get ") {
            let range = header("range:").unwrap_or_default();
            let (start, last) = range.trim_start_matches("bytes=").split_once('-').map(|(a, b)| (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap())).unwrap();
            let body = if head.starts_with("get /config") { config } else { &blob[start..=last.min(blob.len() - 1)] };
            std::thread::sleep(Duration::from_millis(20));
            let reply = format!("HTTP/1.1 206 Partial Content\r\ncontent-length: {}\r\ncontent-range: bytes {start}-{}/{}\r\n\r\n", body.len(), start + body.len() - 1, body.len());
            if stream.write_all(reply.as_bytes()).is_err() { return; }
            let began = Instant::now();
            for (i, piece) in body.chunks(64 * 1024).enumerate() {
                if stream.write_all(piece).is_err() { return; }
                let due = Duration::from_secs_f64(((i + 1) * 64 * 1024) as f64 / 25e6);
                if let Some(wait) = due.checked_sub(began.elapsed()) { std::thread::sleep(wait); }
            }
            continue;
        }
        let body = match target.rsplit('.').next().unwrap_or_default() {
            "initiatelayerupload" => format!(r#"{{"uploadId":"{UPLOAD}","partSize":{PART}}}"#),
            "uploadlayerpart" => format!(r#"{{"uploadId":"{UPLOAD}","lastByteReceived":0}}"#),
            "completelayerupload" => format!(r#"{{"uploadId":"{UPLOAD}","layerDigest":"{}"}}"#, digest_in(&text)),
            "batchchecklayeravailability" => r#"{"layers":[],"failures":[]}"#.to_owned(),
            "putimage" => format!(r#"{{"image":{{"imageId":{{"imageDigest":"{}"}}}}}}"#, digest_in(&text[text.find("imageDigest").unwrap_or(0)..])),
            "batchgetimage" => {
                let digest = hex_digest(manifest.as_bytes());
                serde_json::json!({"images": [{"imageId": {"imageDigest": digest}, "imageManifest": manifest, "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json"}], "failures": []}).to_string()
            }
            "getdownloadurlforlayer" => {
                let wanted = digest_in(&text);
                let path = if wanted == blob_digest { "blob" } else { "config" };
                format!(r#"{{"downloadUrl":"http://127.0.0.1:{port}/{path}","layerDigest":"{wanted}"}}"#)
            }
            _ => "{}".to_owned(),
        };
        let reply = format!("HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{body}", body.len());
        if stream.write_all(reply.as_bytes()).is_err() { return; }
    }
}

fn cpu_seconds() -> f64 {
    let usage = rusage();
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn rusage() -> libc::rusage {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    }
}

fn client(url: &str) -> ecr_client::Client {
    let config = ecr_client::Config::builder()
        .region("us-east-1")
        .credentials(ecr_client::Credentials::new("AKIDBENCH", "secret"))
        .endpoint_url(url)
        .build()
        .unwrap();
    ecr_client::Client::new(config).unwrap()
}

async fn upload(which: &str, url: &str, parts: usize) -> f64 {
    let part = noise(PART, 1);
    // Each client as its users hand it a part: ecr-client shares bytes
    // (what ecr_client::image does), the SDK's Blob owns a Vec.
    let shared = ecr_client::Blob::new(part.clone());
    let ecr = client(url);
    let sdk = aws_sdk_ecr::Client::from_conf(
        aws_sdk_ecr::Config::builder()
            .behavior_version(aws_sdk_ecr::config::BehaviorVersion::latest())
            .region(aws_sdk_ecr::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ecr::config::Credentials::new("AKIDBENCH", "secret", None, None, "bench"))
            .endpoint_url(url)
            .build(),
    );
    // The client's own HTTP client: the same connection pool and settings.
    let http = ecr.http_client().clone();
    let body = {
        use base64::Engine as _;
        format!(r#"{{"layerPartBlob":"{}","partFirstByte":0,"partLastByte":{},"repositoryName":"app","uploadId":"{UPLOAD}"}}"#, base64::engine::general_purpose::STANDARD.encode(&part), PART - 1)
    };
    let once = |_: ()| async {
        match which {
            "ecr-client" => {
                ecr.upload_layer_part().repository_name("app").upload_id(UPLOAD).part_first_byte(0).part_last_byte(PART as i64 - 1).layer_part_blob(shared.clone()).send().await.unwrap();
            }
            "aws-sdk-ecr" => {
                sdk.upload_layer_part().repository_name("app").upload_id(UPLOAD).part_first_byte(0).part_last_byte(PART as i64 - 1).layer_part_blob(aws_sdk_ecr::primitives::Blob::new(part.clone())).send().await.unwrap();
            }
            _ => {
                http.post(url).header("x-amz-target", "AmazonEC2ContainerRegistry_V20150921.UploadLayerPart").body(body.clone()).send().await.unwrap().bytes().await.unwrap();
            }
        }
    };
    once(()).await;
    let start = cpu_seconds();
    for _ in 0..parts { once(()).await; }
    (parts * PART) as f64 / 1e6 / (cpu_seconds() - start)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args[1].as_str() {
        "serve" => serve(),
        "upload" => {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let rate = runtime.block_on(upload(&args[2], &args[3], args[4].parse().unwrap()));
            println!("{rate:.0}");
        }
        "layout" => {
            // An OCI layout of SIZE MiB in layers of at most 256 MiB.
            let (dir, mib) = (std::path::Path::new(&args[2]), args[3].parse::<usize>().unwrap());
            std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
            let config = br#"{"architecture":"amd64","os":"linux"}"#.to_vec();
            let write = |bytes: &[u8]| {
                let digest = hex_digest(bytes);
                std::fs::write(dir.join("blobs/sha256").join(&digest[7..]), bytes).unwrap();
                serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": bytes.len()})
            };
            let config = write(&config);
            let layers: Vec<_> = (0..mib.div_ceil(256)).map(|i| write(&noise((mib - i * 256).min(256) << 20, i as u64))).collect();
            let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config, "layers": layers})).unwrap();
            let mut entry = write(&manifest);
            entry["mediaType"] = "application/vnd.oci.image.manifest.v1+json".into();
            std::fs::write(dir.join("index.json"), serde_json::json!({"schemaVersion": 2, "manifests": [entry]}).to_string()).unwrap();
        }
        "push" => {
            if args.get(4).is_some_and(|a| a == "mmap") {
                // What `ecr` sets before moving images.
                // SAFETY: allocator settings, before any other thread exists.
                unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20); }
            }
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let image = ecr_client::image::OciLayout::new(&args[3]).image(None).unwrap();
                let to = ecr_client::image::Reference::parse("app:v1").unwrap();
                ecr_client::image::push(&client(&args[2]), &image, &to, &ecr_client::image::Transfer::default()).await.unwrap();
            });
            println!("{}", rusage().ru_maxrss / 1024);
        }
        "pull" => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
            let connections: usize = args[3].parse().unwrap();
            let _ = std::fs::remove_dir_all(&args[4]);
            let start = Instant::now();
            runtime.block_on(async {
                let layout = ecr_client::image::OciLayout::new(&args[4]);
                let options = ecr_client::image::PullOptions::default().connections(connections);
                let from = ecr_client::image::Reference::parse("app:v1").unwrap();
                ecr_client::image::pull(&client(&args[2]), &from, &layout, &options, &ecr_client::image::Transfer::default()).await.unwrap();
            });
            println!("{:.2} {}", start.elapsed().as_secs_f64(), rusage().ru_maxrss / 1024);
        }
        other => panic!("unknown mode {other}"),
    }
}
"##;

pub fn run(args: &[String]) -> Result<(), String> {
    let parts: usize = match args {
        [] => 30,
        [flag, n] if flag == "--parts" => n.parse().map_err(|_| format!("--parts takes a number, not {n:?}"))?,
        _ => return Err("usage: cargo xtask image-bench [--parts N]".into()),
    };
    let dependencies = "aws-sdk-ecr = \"1\"\nlibc = \"0.2\"\nsha2 = \"0.11\"\nbase64 = \"0.23\"\nserde_json = \"1\"\n\
         reqwest = { version = \"0.13\", default-features = false }\n\
         tokio = { version = \"1\", features = [\"rt\", \"rt-multi-thread\", \"net\", \"time\"] }";
    let program = bench_program::build("image-bench", dependencies, PROGRAM)?;
    let stub = Stub::start(&program)?;
    // Layouts and pulls go beside the program's project.
    let dir = crate::regen::workspace_root().join("target/image-bench");
    measure(&program, &stub.url, &dir, parts)
}

fn output(program: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program).args(args).output().map_err(|e| format!("cannot run the benchmark: {e}"))?;
    if !out.status.success() {
        return Err(format!("{args:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn measure(program: &Path, url: &str, dir: &Path, parts: usize) -> Result<(), String> {
    println!("blob path: one UploadLayerPart of a 10 MiB part, {parts} in turn, layer MB per CPU-second:");
    let mut rates = Vec::new();
    for which in ["ecr-client", "aws-sdk-ecr", "bare-post"] {
        let rate: f64 = output(program, &["upload", which, url, &parts.to_string()])?.parse().map_err(|_| "no rate")?;
        rates.push(rate);
        let what = match which {
            "bare-post" => "bare reqwest POST of the same body (floor)",
            other => other,
        };
        println!("  {what}: {rate:.0} MB/s");
    }
    println!("  ecr-client / aws-sdk-ecr: {:.2}x", rates[0] / rates[1]);
    println!("push of an image (4 jobs, 10 MiB parts), peak RSS; glibc's defaults, and as `ecr` sets them (M_MMAP_THRESHOLD 1 MiB):");
    for mib in [100, 2048] {
        let layout = dir.join(format!("layout-{mib}"));
        if !layout.join("index.json").exists() {
            output(program, &["layout", &layout.display().to_string(), &mib.to_string()])?;
        }
        let plain = output(program, &["push", url, &layout.display().to_string()])?;
        let mmap = output(program, &["push", url, &layout.display().to_string(), "mmap"])?;
        println!("  {mib} MiB image: {plain} MiB; as ecr: {mmap} MiB");
    }
    println!("pull of a 96 MiB blob, each connection held to 25 MB/s after 20 ms:");
    let mut times = Vec::new();
    for connections in [1, 4] {
        let line =
            output(program, &["pull", url, &connections.to_string(), &dir.join("pulled").display().to_string()])?;
        let (seconds, rss) = line.split_once(' ').ok_or("no figures")?;
        times.push(seconds.parse::<f64>().map_err(|_| "no time")?);
        println!("  {connections} connection(s): {seconds} s, peak RSS {rss} MiB");
    }
    println!("  4 connections / 1: {:.2}x as fast", times[0] / times[1]);
    let _ = fs::remove_dir_all(dir.join("pulled"));
    Ok(())
}
