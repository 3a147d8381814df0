//! `cargo xtask cli-bench`: wall time per invocation of `ecr` beside the
//! AWS CLI v2 and v1 doing the same (`describe-repositories` against moto,
//! with and without `--query`, and `--version`), and the size of the
//! binaries as shipped (the `dist` profile: LTO, stripped). v2 is the one
//! in `target/awscli2-venv` (`.ci/run` installs it from its source; it is
//! not on PyPI); without it its column says so.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The versions the figures are taken with.
const MOTO: &str = "moto[server]==5.2.5";
const AWS_CLI: &str = "awscli==1.46.3";

pub fn run(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => 20,
        [flag, n] if flag == "--runs" => n.parse().map_err(|_| format!("--runs takes a number, not {n:?}"))?,
        _ => return Err("usage: cargo xtask cli-bench [--runs N]".into()),
    };
    let root = crate::regen::workspace_root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--profile", "dist", "-p", "ecr", "--bins"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --profile dist -p ecr failed".into());
    }
    let venv = python_tools(&root)?;
    let moto = Moto::start(&venv)?;
    let ecr = root.join("target/dist/ecr");
    let aws = venv.join("bin/aws");
    let home = std::env::temp_dir().join(format!("xtask-cli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let command = |program: &Path, prefix: &[&str], args: &[&str]| {
        let mut command = Command::new(program);
        command
            .args(prefix)
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_ACCESS_KEY_ID", "AKIDBENCH")
            .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    let describe = ["describe-repositories", "--endpoint-url", moto.url.as_str()];
    let query = [
        &describe[..],
        &["--query", "repositories[?starts_with(repositoryName, 'bench')].repositoryUri", "--output", "text"],
    ]
    .concat();
    for name in ["bench-a", "bench-b", "bench-c"] {
        let created =
            command(&ecr, &[], &["create-repository", "--repository-name", name, "--endpoint-url", &moto.url])
                .status()
                .map_err(|e| e.to_string())?;
        if !created.success() {
            return Err("ecr create-repository failed against moto".into());
        }
    }
    let v2 = root.join("target/awscli2-venv/bin/aws");
    let v2 = v2.exists().then_some(v2);
    println!("wall time per invocation, median of {runs} (min), against moto on 127.0.0.1:");
    println!("{:<32} {:>18} {:>18} {:>18} {:>9} {:>9}", "", "ecr", "aws ecr (v2)", "aws ecr (v1)", "ecr/v2", "ecr/v1");
    let cases: [(&str, &[&str]); 3] = [
        ("describe-repositories", &describe),
        ("... --query ... --output text", &query),
        ("--version", &["--version"]),
    ];
    for (label, args) in cases {
        let ours = time(runs, || command(&ecr, &[], args))?;
        let v2 = v2.as_ref().map(|v2| time(runs, || command(v2, &["ecr"], args))).transpose()?;
        let v1 = time(runs, || command(&aws, &["ecr"], args))?;
        let shown = |(median, least): (f64, f64)| format!("{median:>10.1} ms ({least:>4.1})");
        println!(
            "{label:<32} {} {:>18} {} {:>9} {:>9.3}",
            shown(ours),
            v2.map_or_else(|| "not installed".to_owned(), shown),
            shown(v1),
            v2.map_or_else(|| "-".to_owned(), |v2| format!("{:.3}", ours.0 / v2.0)),
            ours.0 / v1.0
        );
    }
    println!("\nbinaries (profile dist: LTO, opt-level s, stripped):");
    for binary in ["ecr", "docker-credential-ecr-login"] {
        let path = root.join("target/dist").join(binary);
        let size = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        println!("{binary:<32} {:>6.2} MiB", size as f64 / (1024.0 * 1024.0));
    }
    let _ = std::fs::remove_dir_all(&home);
    Ok(())
}

/// Median and least wall time of `runs` runs, in milliseconds; each run
/// must succeed.
fn time(runs: usize, mut command: impl FnMut() -> Command) -> Result<(f64, f64), String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut command = command();
        let start = Instant::now();
        let status = command.status().map_err(|e| format!("cannot run {command:?}: {e}"))?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if !status.success() {
            return Err(format!("{command:?} failed: {status}"));
        }
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], times[0]))
}

/// The virtualenv with moto and the AWS CLI, installed when missing.
fn python_tools(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/moto-venv");
    let run = |command: &mut Command| command.status().map(|s| s.success()).unwrap_or(false);
    if !venv.join("bin/moto_server").exists() {
        if !run(Command::new("python3").args(["-m", "venv"]).arg(&venv)) {
            return Err("python3 -m venv failed".into());
        }
        if !run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", MOTO])) {
            return Err(format!("pip install {MOTO} failed"));
        }
    }
    if !venv.join("bin/aws").exists() && !run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", AWS_CLI]))
    {
        return Err(format!("pip install {AWS_CLI} failed"));
    }
    Ok(venv)
}

/// A moto server on a free port, stopped when dropped.
struct Moto {
    url: String,
    child: Child,
}

impl Moto {
    fn start(venv: &Path) -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let child = Command::new(venv.join("bin/moto_server"))
            .args(["-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start moto_server: {e}"))?;
        let moto = Moto { url: format!("http://127.0.0.1:{port}"), child };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("moto_server did not listen within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(moto)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
