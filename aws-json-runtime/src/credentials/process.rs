//! Running a profile's `credential_process`: bounded in time and output,
//! and never left behind. The command runs in a process group of its own,
//! which is killed whole when it times out, writes too much, or the call
//! waiting for it is dropped.

use super::{parse_credentials_json, Credentials};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};

/// The most a credential process may write to stdout (real answers are
/// well under 2 KiB).
pub(crate) const MAX_STDOUT: usize = 64 * 1024;
/// How much of its stderr an error shows.
const STDERR_SHOWN: usize = 512;

/// Runs `command` through the shell and reads its JSON answer.
pub(crate) async fn credentials(command: &str, timeout: Duration) -> Result<Credentials, String> {
    let (shell, flag) = if cfg!(windows) { ("cmd", "/C") } else { ("sh", "-c") };
    let mut child = tokio::process::Command::new(shell);
    child.args([flag, command]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    #[cfg(unix)]
    child.process_group(0);
    let mut child = child.spawn().map_err(|e| format!("could not start: {e}"))?;
    let mut group = ProcessGroup(child.id());
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let run = async {
        let (stdout, stderr, status) = tokio::join!(read_stdout(stdout), read_stderr(stderr), child.wait());
        let status = status.map_err(|e| format!("could not wait for it: {e}"))?;
        let stdout = stdout?;
        if !status.success() {
            return Err(format!("exited with {status}: {}", stderr.trim()));
        }
        let text = String::from_utf8(stdout).map_err(|_| "wrote output that is not UTF-8".to_owned())?;
        read_output(&text)
    };
    let result = match tokio::time::timeout(timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(format!("did not finish within {timeout:?} and was stopped")),
    };
    if result.is_ok() {
        // It answered: whatever it left running (an agent) is its business.
        group.0 = None;
    }
    result
}

/// A credential process's answer: `{"Version": 1, "AccessKeyId": ...}`.
pub(super) fn read_output(text: &str) -> Result<Credentials, String> {
    let version =
        serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| v.get("Version").and_then(|v| v.as_i64()));
    if version != Some(1) {
        return Err("expected a JSON object with \"Version\": 1".into());
    }
    parse_credentials_json(text, "SessionToken")
}

/// All of stdout, or an error once it passes [`MAX_STDOUT`].
async fn read_stdout(pipe: Option<impl AsyncRead + Unpin>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if let Some(pipe) = pipe {
        let read = pipe.take(MAX_STDOUT as u64 + 1).read_to_end(&mut out).await;
        read.map_err(|e| format!("could not read its output: {e}"))?;
    }
    if out.len() > MAX_STDOUT {
        return Err(format!("wrote more than {MAX_STDOUT} bytes to stdout"));
    }
    Ok(out)
}

/// The start of stderr; the rest is read and dropped, so the process never
/// blocks on a full pipe.
async fn read_stderr(pipe: Option<impl AsyncRead + Unpin>) -> String {
    let Some(mut pipe) = pipe else { return String::new() };
    let (mut kept, mut buffer) = (Vec::new(), [0u8; 4096]);
    while let Ok(n @ 1..) = pipe.read(&mut buffer).await {
        let room = (STDERR_SHOWN + 1).saturating_sub(kept.len());
        kept.extend_from_slice(&buffer[..n.min(room)]);
    }
    let text = String::from_utf8_lossy(&kept);
    match text.char_indices().nth(STDERR_SHOWN) {
        Some((cut, _)) => format!("{}… (cut short)", &text[..cut]),
        None => text.into_owned(),
    }
}

/// Kills the process group when dropped, unless disarmed after a success:
/// on a timeout, an error or a dropped call, nothing it started outlives it.
struct ProcessGroup(Option<u32>);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(id) = self.0.and_then(|id| i32::try_from(id).ok()) {
            // SAFETY: kill(2) has no memory effects; -id names the group the
            // child leads (process_group(0) made its id the group id).
            unsafe {
                libc::kill(-id, libc::SIGKILL);
            }
        }
    }
}
