//! CPU cost of one call: the client (serialize, sign, send, parse) next to
//! the floor, a bare POST of the same body (the runtime's HTTP client) to the same server.
//! Both are measured in the same run as process CPU time per call; the
//! server runs in a child process so its CPU is not counted.
//!
//! `cargo bench -p ecr-client --bench per_call` (or with `-- CALLS ROUNDS`).

use ecr_client::{Client, Config, Credentials};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const SERVE: &str = "ECR_CLIENT_BENCH_SERVE";
const TARGET: &str = "AmazonEC2ContainerRegistry_V20150921.ListImages";

/// A realistic small answer: a page of 20 image ids.
fn answer_body() -> String {
    let ids: Vec<String> =
        (0..20).map(|i| format!(r#"{{"imageDigest":"sha256:{i:064x}","imageTag":"v1.{i}"}}"#)).collect();
    format!(r#"{{"imageIds":[{}],"nextToken":"token-for-the-next-page"}}"#, ids.join(","))
}

fn main() {
    if std::env::var_os(SERVE).is_some() {
        return serve();
    }
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let calls = args.first().copied().unwrap_or(2000);
    let rounds = args.get(1).copied().unwrap_or(7);

    let mut server = std::process::Command::new(std::env::current_exe().unwrap())
        .env(SERVE, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server process");
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut port).unwrap();
    let url = format!("http://127.0.0.1:{}", port.trim());

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (client_cpu, floor_cpu) = runtime.block_on(measure(&url, calls, rounds));
    let _ = server.kill();
    let _ = server.wait();

    println!("per call, median of {rounds} rounds of {calls} calls (process CPU time):");
    println!("  ecr-client list_images (serialize, sign, send, parse): {:.1} µs", client_cpu);
    println!("  bare POST of the same body (floor):                    {:.1} µs", floor_cpu);
    println!("  ratio: {:.2}x the floor", client_cpu / floor_cpu);
}

async fn measure(url: &str, calls: usize, rounds: usize) -> (f64, f64) {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "secret"))
        .endpoint_url(url)
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    // The floor's client: the HTTP client under ecr-client's, alone.
    let bare = aws_json_runtime::transport::HttpClient::builder().build().unwrap();
    let body = r#"{"repositoryName":"app","maxResults":100}"#;

    let call_client = || async {
        let page = client.list_images().repository_name("app").max_results(100).send().await.unwrap();
        assert_eq!(page.image_ids.map(|ids| ids.len()), Some(20));
    };
    let call_bare = || async {
        let response = bare
            .post(format!("{url}/"))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", TARGET)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.bytes().await.unwrap().len() > 1000);
    };
    for _ in 0..200 {
        call_client().await;
        call_bare().await;
    }
    let (mut client_times, mut floor_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        // Interleaved rounds, so drift in the machine's load hits both.
        let start = cpu_time();
        for _ in 0..calls {
            call_client().await;
        }
        client_times.push((cpu_time() - start).as_secs_f64() * 1e6 / calls as f64);
        let start = cpu_time();
        for _ in 0..calls {
            call_bare().await;
        }
        floor_times.push((cpu_time() - start).as_secs_f64() * 1e6 / calls as f64);
    }
    (median(client_times), median(floor_times))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// CPU time of this process, all threads.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The server process: HTTP/1.1 keep-alive, the same answer to everything.
fn serve() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    let body = answer_body();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: bench\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let started = Instant::now();
    for stream in listener.incoming().flatten() {
        let response = response.clone();
        std::thread::spawn(move || answer(stream, response.as_bytes()));
        if started.elapsed() > Duration::from_secs(600) {
            break;
        }
    }
}

fn answer(stream: TcpStream, response: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() || writer.write_all(response).is_err() {
            return;
        }
    }
}
