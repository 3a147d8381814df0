//! Any bytes as the hints file beside a real document.
#![no_main]

use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = include_str!("../../codegen/tests/fixtures/collections.json");

fuzz_target!(|data: &[u8]| {
    let hints = String::from_utf8_lossy(data);
    ecr_fuzz_common::generate_and_parse(DOCUMENT, Some(&hints));
});
