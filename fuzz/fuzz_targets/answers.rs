//! Any answer to any operation: status, headers and body read as the client
//! reads them, into an output or a typed error.
#![no_main]

use ecr_client::operations::{read_answer, OPERATION_NAMES};
use libfuzzer_sys::fuzz_target;

/// Statuses worth telling apart; the first byte picks one or gives its own.
const STATUSES: [u16; 8] = [200, 200, 400, 500, 503, 301, 404, 429];

fuzz_target!(|data: &[u8]| {
    let [op, status, header_count, rest @ ..] = data else { return };
    let operation = OPERATION_NAMES[usize::from(*op) % OPERATION_NAMES.len()];
    let status = STATUSES.get(usize::from(*status)).copied().unwrap_or(100 + u16::from(*status));
    // Up to three `name:value` header lines, then the body.
    let text_end = rest.iter().position(|b| *b == 0).unwrap_or(0);
    let head = String::from_utf8_lossy(&rest[..text_end]);
    let headers: Vec<(&str, &str)> =
        head.lines().take(usize::from(*header_count % 4)).filter_map(|line| line.split_once(':')).collect();
    let body = &rest[(text_end + 1).min(rest.len())..];
    read_answer(operation, status, &headers, body).expect("every listed operation reads answers");
});
