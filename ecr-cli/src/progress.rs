//! Progress on stderr for long work (pages fetched, a waiter's state), shown
//! only when stderr is a terminal and erased when the work ends.

use std::io::{IsTerminal as _, Write as _};

/// One line of progress, rewritten in place.
pub struct Progress {
    enabled: bool,
    shown: bool,
}

impl Progress {
    /// Progress on stderr, if it is a terminal.
    pub fn on_stderr() -> Self {
        Self { enabled: std::io::stderr().is_terminal(), shown: false }
    }

    /// Replaces the line with `line`.
    pub fn show(&mut self, line: &str) {
        if self.enabled {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K{line}");
            let _ = stderr.flush();
            self.shown = true;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
