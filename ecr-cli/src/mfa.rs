//! Asking for an MFA code on the terminal, as the AWS CLI's `getpass` does:
//! the prompt and the typed code go through `/dev/tty` (so pipes on stdin
//! and stdout are untouched), with echo off while typing. Without a
//! terminal, as `getpass` falls back: the prompt on stderr, the code from a
//! line of stdin.

use ecr_client::runtime::MfaPrompt;
use std::io::{BufRead as _, Write as _};

/// A prompt that asks `Enter MFA code for SERIAL: ` on the terminal.
pub fn terminal_prompt() -> MfaPrompt {
    MfaPrompt::new(|serial| ask(&format!("Enter MFA code for {serial}: ")))
}

fn ask(prompt: &str) -> Result<String, String> {
    let Ok(tty) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty") else {
        return ask_on_stdin(prompt);
    };
    let mut writer = &tty;
    writer.write_all(prompt.as_bytes()).and_then(|()| writer.flush()).map_err(|e| format!("/dev/tty: {e}"))?;
    let echo = EchoOff::new(&tty);
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    drop(echo);
    let _ = writer.write_all(b"\n");
    read.map_err(|e| format!("/dev/tty: {e}"))?;
    let code = line.trim();
    if code.is_empty() {
        return Err("no code was typed".into());
    }
    Ok(code.to_owned())
}

/// No terminal: the prompt on stderr, the code from stdin.
fn ask_on_stdin(prompt: &str) -> Result<String, String> {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "Warning: no terminal; the code will be read from stdin and echoed.\n{prompt}");
    let _ = stderr.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("stdin: {e}"))?;
    let code = line.trim();
    if code.is_empty() {
        return Err("no terminal, and no code on stdin".into());
    }
    Ok(code.to_owned())
}

/// Echo turned off on a terminal for as long as this lives.
struct EchoOff {
    #[cfg(unix)]
    restore: Option<(std::os::fd::RawFd, libc::termios)>,
}

impl EchoOff {
    #[cfg(unix)]
    fn new(tty: &std::fs::File) -> Self {
        use std::os::fd::AsRawFd as _;
        let fd = tty.as_raw_fd();
        // SAFETY: termios is plain data; tcgetattr fills it or fails, and
        // the fd stays open for this value's life (it borrows the file).
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Self { restore: None };
        }
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL;
        // SAFETY: as above; a failure leaves echo on, which is harmless.
        let set = unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) } == 0;
        Self { restore: set.then_some((fd, saved)) }
    }

    #[cfg(not(unix))]
    fn new(_: &std::fs::File) -> Self {
        Self {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some((fd, saved)) = self.restore.take() {
            // SAFETY: restores what tcgetattr read, on the same open fd.
            unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &saved) };
        }
    }
}
