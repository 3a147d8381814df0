//! `--debug`: tracing events at DEBUG and above on stderr, one line each.
//! The client never puts a secret in an event (its tests plant sentinels
//! to make sure); TRACE, where the HTTP stack's internals are, is left out.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Installs the stderr writer for this process.
pub fn install() {
    let _ = tracing::subscriber::set_global_default(Stderr { next_span: AtomicU64::new(1) });
}

struct Stderr {
    next_span: AtomicU64,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => {
                let _ = write!(self.0, " {value:?}");
            }
            name => {
                let _ = write!(self.0, " {name}={value:?}");
            }
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => {
                let _ = write!(self.0, " {value}");
            }
            name => {
                let _ = write!(self.0, " {name}={value:?}");
            }
        }
    }
}

impl Subscriber for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::DEBUG
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("{} {}", elapsed(), span.metadata().name()));
        span.record(&mut line);
        let _ = writeln!(std::io::stderr(), "[debug] {}", line.0);
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut line = Line(format!("{} {} {}:", elapsed(), meta.level(), meta.target()));
        event.record(&mut line);
        let _ = writeln!(std::io::stderr(), "[debug] {}", line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Seconds since the first line, for reading timings off the log.
fn elapsed() -> String {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    format!("{:8.3}s", START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64())
}
