//! Test support: one moto server (a real ECR emulator) per test process.
//!
//! moto comes from a virtualenv at `target/moto-venv` (created here on first
//! use when missing; `.ci/run` creates it up front) or from `$MOTO_SERVER`.
//! The server listens on a 127.0.0.1 port it picks itself and is stopped
//! when the test process exits: a small Python wrapper runs it and stops it
//! when its stdin closes.

#![allow(dead_code)]

pub mod capture;
pub mod fault_server;
pub mod registry;
pub mod tls_server;

use ecr_client::{Client, Config, ConfigBuilder, Credentials};
use std::io::{BufRead, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The moto version the tests are written against.
pub const MOTO: &str = "moto[server]==5.2.5";

/// The AWS CLI the differential tests compare with.
pub const AWS_CLI: &str = "awscli==1.46.3";

struct Server {
    url: String,
    // Held for the life of the process: when it exits, the wrapper's stdin
    // closes and the wrapper stops moto.
    _wrapper: Mutex<(Child, ChildStdin)>,
}

/// The URL of this process's moto server, started on first use.
pub fn moto_url() -> &'static str {
    static SERVER: OnceLock<Server> = OnceLock::new();
    &SERVER.get_or_init(start_moto).url
}

/// A client for the moto server with throwaway credentials.
pub fn client() -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDTESTING", "testing-secret"))
        .endpoint_url(moto_url())
        .build()
        .expect("test config is valid");
    Client::new(config).expect("client builds")
}

/// A client for a local test server at `url`, with throwaway credentials;
/// `configure` adjusts the builder (retries, timeouts, ...).
pub fn local_client(url: &str, configure: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    let builder =
        Config::builder().region("us-east-1").credentials(Credentials::new("AKIDLOCAL", "secret")).endpoint_url(url);
    Client::new(configure(builder).build().expect("test config is valid")).expect("client builds")
}

/// A local port where connections are refused for as long as this lives:
/// its socket is bound but never listens, so no other server can take the
/// port (a port found free and released could be taken at once).
pub struct ClosedPort(tokio::net::TcpSocket);

impl ClosedPort {
    /// Binds a fresh 127.0.0.1 port without listening on it.
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.bind(([127, 0, 0, 1], 0).into()).expect("bind 127.0.0.1:0");
        ClosedPort(socket)
    }

    /// The port number.
    pub fn port(&self) -> u16 {
        self.0.local_addr().expect("a bound socket").port()
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }
}

/// Whether `program` is on `PATH`. When it is not, a test that needs it
/// says on stderr that it is skipped and why, and returns; under `CI` it
/// fails instead, since CI installs every program the tests use.
pub fn has_program(program: &str, why: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{program} is not installed, and CI must run {why}");
        // Straight to the process's stderr: the test harness captures
        // `eprintln!`, and a skip must show.
        let _ = writeln!(std::io::stderr(), "skipped: {why} needs {program}, which is not installed");
    }
    found
}

/// A fresh directory for one test's files, under this process's scratch
/// root (`$TMPDIR/ecr-client-tests-PID`).
pub fn scratch(name: &str) -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let root = ROOT.get_or_init(|| {
        remove_roots_of_ended_processes();
        std::env::temp_dir().join(format!("{SCRATCH_PREFIX}{}", std::process::id()))
    });
    let dir = root.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SCRATCH_PREFIX: &str = "ecr-client-tests-";

/// A test process cannot clean up after itself (the harness has no
/// teardown), so the next one removes the roots of processes that are gone:
/// image tests write hundreds of MiB, which would pile up run after run.
fn remove_roots_of_ended_processes() {
    if !Path::new("/proc/self").exists() {
        return; // No way to tell which processes are gone.
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name.to_str().and_then(|n| n.strip_prefix(SCRATCH_PREFIX));
        if pid.is_some_and(|pid| pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Variables that keep a test off the real machine's metadata service,
/// plus `extra`.
pub fn isolated(extra: &[(&str, String)]) -> ecr_client::runtime::Environment {
    let mut vars = vec![("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned())];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    ecr_client::runtime::Environment::from_vars(vars)
}

/// A repository name no other test in this run uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A local test server: a Python script of `tests/data` that serves on a
/// 127.0.0.1 port it prints first, and stops when its stdin closes (when
/// this is dropped).
pub struct PythonServer {
    pub url: String,
    pub child: Child,
    _stdin: ChildStdin,
}

impl PythonServer {
    /// Runs `script` with `python`.
    pub fn start(python: &Path, script: &Path) -> Self {
        let mut child = Command::new(python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} runs {}: {e}", python.display(), script.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).unwrap();
        let port: u16 = line.trim().parse().unwrap_or_else(|_| panic!("{} printed {line:?}", script.display()));
        Self { url: format!("http://127.0.0.1:{port}"), child, _stdin: stdin }
    }

    /// Runs `script` with the Python of the test virtualenv (moto, botocore
    /// and the AWS CLI's own modules at hand).
    pub fn start_in_venv(script: &Path) -> Self {
        Self::start(&aws_cli().with_file_name("python"), script)
    }

    /// One HTTP/1.1 request to the server: the answer's status and body.
    pub fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(self.url.trim_start_matches("http://")).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default().to_owned();
        (status, body)
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crate is in a workspace").to_path_buf()
}

/// Runs moto in a small Python wrapper that binds port 0 itself and prints
/// the port it got. Probing for a free port and handing it to moto would
/// leave a window in which another server of this process (a fault server)
/// can take the port, and the tests would then talk to the wrong server.
const MOTO_WRAPPER: &str = "import sys\n\
from moto.server import ThreadedMotoServer\n\
server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n\
server.start()\n\
print(server.get_host_and_port()[1], flush=True)\n\
sys.stdin.read()\n\
server.stop()\n";

fn start_moto() -> Server {
    let python = moto_python();
    let mut child = Command::new(&python)
        .args(["-c", MOTO_WRAPPER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start moto with {}: {e}", python.display()));
    let stdin = child.stdin.take().expect("piped stdin");
    let mut line = String::new();
    let read = std::io::BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line);
    let port: u16 = match (read, line.trim().parse()) {
        (Ok(_), Ok(port)) => port,
        _ => panic!("moto did not report its port (got {line:?}, exit status {:?})", child.try_wait()),
    };
    Server { url: format!("http://127.0.0.1:{port}"), _wrapper: Mutex::new((child, stdin)) }
}

/// The AWS CLI v2, installed by `.ci/run` into `target/awscli2-venv` from
/// its source (it is not on PyPI); `None`, with a note why, when it is not
/// there (under `CI` a failure).
pub fn aws_cli_v2() -> Option<PathBuf> {
    let aws = workspace_root().join("target/awscli2-venv/bin/aws");
    if aws.is_file() {
        return Some(aws);
    }
    let why = "comparing ecr with the AWS CLI v2";
    assert!(std::env::var_os("CI").is_none(), "{} is not installed, and CI must run {why}", aws.display());
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {why} needs {} (.ci/run installs it from ../shared/oracles/awscli-2.36.7-ecr.tar.gz)",
        aws.display()
    );
    None
}

/// The AWS CLI (v1) in the moto virtualenv, installed on first use
/// (`.ci/run` installs it up front).
pub fn aws_cli() -> PathBuf {
    let python = moto_python();
    let aws = python.with_file_name("aws");
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        if !aws.exists() {
            let ok = run(Command::new(&python).args(["-m", "pip", "install", "--quiet", AWS_CLI]));
            assert!(ok, "pip install {AWS_CLI} failed");
        }
    });
    aws
}

/// The Python that has moto, installing moto when needed.
fn moto_python() -> PathBuf {
    if let Some(server) = std::env::var_os("MOTO_SERVER") {
        // The interpreter installed next to that `moto_server`.
        return PathBuf::from(server).with_file_name("python");
    }
    let venv = workspace_root().join("target/moto-venv");
    let (python, server) = (venv.join("bin/python"), venv.join("bin/moto_server"));
    if !server.exists() {
        // Several test processes may get here at once: one installs, the
        // others wait for its lock directory to go away.
        let lock = workspace_root().join("target/moto-venv.lock");
        std::fs::create_dir_all(workspace_root().join("target")).expect("target dir");
        if std::fs::create_dir(&lock).is_ok() {
            let ok = run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
                && run(Command::new(&python).args(["-m", "pip", "install", "--quiet", MOTO]));
            let _ = std::fs::remove_dir(&lock);
            assert!(ok, "could not install {MOTO} into {}", venv.display());
        } else {
            let deadline = Instant::now() + Duration::from_secs(600);
            while lock.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
    assert!(server.exists(), "{} is missing", server.display());
    python
}

fn run(command: &mut Command) -> bool {
    match command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn() {
        Ok(mut child) => {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut err);
            }
            let ok = child.wait().map(|s| s.success()).unwrap_or(false);
            if !ok {
                eprintln!("{command:?} failed:\n{err}");
            }
            ok
        }
        Err(e) => {
            eprintln!("cannot run {command:?}: {e}");
            false
        }
    }
}

/// The error of a failed `ecr`, laid out as AWS CLI v2 lays it out (a blank
/// line, then `ecr: [ERROR]: …`; the usage lines beside a command line that
/// cannot be parsed), checking the exit code and that stdout is empty: the
/// error up to the blank line that ends it (botocore's validation errors
/// take a second line).
pub fn cli_failure(output: &std::process::Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.starts_with('\n') && stderr.ends_with('\n'), "v2's layout: {stderr:?}");
    assert_eq!(stderr.matches("ecr: [ERROR]: ").count(), 1, "one error: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&output.stdout));
    let error = &stderr[stderr.find("ecr: [ERROR]: ").expect("counted")..];
    error.split("\n\n").next().unwrap_or_default().trim_end().to_owned()
}
