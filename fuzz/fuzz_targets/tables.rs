//! Any JSON answer drawn as `--output table`, coloured or not, at any
//! terminal width: it must return (a table, or the AWS CLI's error for
//! rows of differing lengths), never panic or spin.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&width, json)) = data.split_first() else { return };
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(json) else { return };
    let style = ecr_cli::output::table::Style { colorized: width % 2 == 1, terminal_width: usize::from(width) };
    let _ = ecr_cli::output::table::format("Operation", &answer, style);
});
