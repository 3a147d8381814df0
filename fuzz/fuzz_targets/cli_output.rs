//! Any answer body, to any command, written as `ecr` writes it: its
//! timestamps made ISO 8601 (or kept), then as yaml and as text. It must
//! return (the output, or an error naming the garbled answer), never panic
//! or spin.
#![no_main]

use ecr_cli::output::timestamp::TimestampFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[which, format], body)) = data.split_first_chunk::<2>() else { return };
    let command = &ecr_cli::COMMANDS[usize::from(which) % ecr_cli::COMMANDS.len()];
    let format = if format % 2 == 0 { TimestampFormat::Iso8601 } else { TimestampFormat::Wire };
    let Ok(answer) = ecr_cli::output::arrived(command, body, format) else { return };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&answer.to_json()) else { return };
    let _ = ecr_cli::output::yaml::to_yaml(&value);
    let _ = ecr_cli::output::text::text(&value);
});
