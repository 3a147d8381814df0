//! Throwaway release programs for the benchmarks that set the official SDK
//! beside `ecr-client`: built in `target/NAME` (a workspace of their own,
//! so the SDK never enters this one's lock file), and the stub server each
//! runs as `PROGRAM serve` in a process of its own.

use crate::regen::workspace_root;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Builds `source` as `target/NAME/target/release/NAME`, with `ecr-client`
/// from this workspace and `dependencies` (Cargo.toml lines) beside it.
pub fn build(name: &str, dependencies: &str, source: &str) -> Result<PathBuf, String> {
    let root = workspace_root();
    let dir = root.join("target").join(name);
    fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let client_path = root.join("ecr-client").display().to_string();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         ecr-client = {{ path = {client_path:?}, features = [\"image\"] }}\n{dependencies}\n\n[workspace]\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(dir.join("src/main.rs"), source).map_err(|e| e.to_string())?;
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release"])
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the benchmark program did not build in {}", dir.display()));
    }
    Ok(dir.join("target/release").join(name))
}

/// The stub server of `program`, stopped when dropped.
pub struct Stub {
    child: Child,
    /// Where it listens.
    pub url: String,
}

impl Stub {
    /// Runs `program serve`, which prints its port.
    pub fn start(program: &std::path::Path) -> Result<Self, String> {
        let mut child = Command::new(program)
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the stub server: {e}"))?;
        let mut port = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut port).map_err(|e| e.to_string())?;
        Ok(Self { url: format!("http://127.0.0.1:{}", port.trim()), child })
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
