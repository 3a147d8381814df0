//! `cargo xtask startup [--iterations N]`: what it costs to build a client
//! and make one call, on `ecr-client` and on the official SDK
//! (`aws-sdk-ecr`, configured as explicitly), against the same local stub
//! server. A throwaway release program does the work; the stub runs in a
//! process of its own, so only the client's work is counted:
//! - instructions, counted exactly by valgrind's callgrind (the program
//!   doing one client and one call, less the same program doing none);
//! - CPU time per fresh client and call, averaged over N in one process.

use crate::bench_program::{self, Stub};
use std::path::Path;
use std::process::Command;

const PROGRAM: &str = r##"use std::io::{Read, Write};

/// Answers every request on every connection with an empty ListImages page.
fn serve() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || answer(stream));
    }
}

fn answer(mut stream: std::net::TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length = head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
        while buffer.len() < end + 4 + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..end + 4 + length);
        let body = r#"{"imageIds":[]}"#;
        let reply = format!("HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{body}", body.len());
        if stream.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

async fn ecr_client(url: &str) {
    let config = ecr_client::Config::builder()
        .region("us-east-1")
        .credentials(ecr_client::Credentials::new("AKIDBENCH", "secret"))
        .endpoint_url(url)
        .build()
        .unwrap();
    let client = ecr_client::Client::new(config).unwrap();
    client.list_images().repository_name("app").send().await.unwrap();
}

async fn aws_sdk_ecr(url: &str) {
    use aws_sdk_ecr::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_ecr::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDBENCH", "secret", None, None, "bench"))
        .endpoint_url(url)
        .build();
    let client = aws_sdk_ecr::Client::from_conf(config);
    client.list_images().repository_name("app").send().await.unwrap();
}

fn cpu_micros() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "serve" {
        return serve();
    }
    let (which, url, iterations) = (args[1].as_str(), args[2].as_str(), args[3].parse::<u32>().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let start = cpu_micros();
    runtime.block_on(async {
        for _ in 0..iterations {
            match which {
                "ecr-client" => ecr_client(url).await,
                "aws-sdk-ecr" => aws_sdk_ecr(url).await,
                other => panic!("unknown client {other}"),
            }
        }
    });
    if iterations > 0 {
        println!("{:.1}", (cpu_micros() - start) / f64::from(iterations));
    }
}
"##;

const CLIENTS: [&str; 2] = ["ecr-client", "aws-sdk-ecr"];

pub fn run(args: &[String]) -> Result<(), String> {
    let iterations = match args {
        [] => 200,
        [flag, n] if flag == "--iterations" => {
            n.parse().map_err(|_| format!("--iterations takes a number, not {n:?}"))?
        }
        _ => return Err("usage: cargo xtask startup [--iterations N]".into()),
    };
    let dependencies = "aws-sdk-ecr = \"1\"\nlibc = \"0.2\"\n\
         tokio = { version = \"1\", features = [\"rt\", \"net\", \"time\"] }";
    let program = bench_program::build("startup", dependencies, PROGRAM)?;
    let stub = Stub::start(&program)?;
    measure(&program, &stub.url, iterations)
}

fn measure(program: &Path, url: &str, iterations: u32) -> Result<(), String> {
    let mut instructions = Vec::new();
    for client in CLIENTS {
        let baseline = callgrind(program, client, url, 0)?;
        let one_call = callgrind(program, client, url, 1)?;
        instructions.push(one_call.saturating_sub(baseline));
    }
    println!("client construction + one ListImages call, in a fresh process, against a local stub:");
    for (client, count) in CLIENTS.iter().zip(&instructions) {
        println!("  {client}: {:.2} million instructions (callgrind)", *count as f64 / 1e6);
    }
    println!("  ratio: {:.3} of the official SDK's", instructions[0] as f64 / instructions[1] as f64);
    println!("average CPU time of a fresh client + one call, {iterations} in one process:");
    for client in CLIENTS {
        let output = Command::new(program)
            .args([client, url, &iterations.to_string()])
            .output()
            .map_err(|e| format!("cannot run the benchmark: {e}"))?;
        let micros = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        println!("  {client}: {micros} µs");
    }
    Ok(())
}

/// Instructions the program executes (callgrind's "Collected" count).
fn callgrind(program: &Path, client: &str, url: &str, iterations: u32) -> Result<u64, String> {
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(program)
        .args([client, url, &iterations.to_string()])
        .output()
        .map_err(|e| format!("cannot run valgrind (apt-get install valgrind): {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    log.lines()
        .find_map(|line| line.split_once("Collected :").map(|(_, n)| n.trim().parse::<u64>()))
        .and_then(Result::ok)
        .ok_or_else(|| format!("callgrind gave no instruction count for {client}:\n{log}"))
}
