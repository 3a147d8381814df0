//! Any bytes as a document: an error naming where, or Rust that parses,
//! for the client and for the command layer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Not UTF-8 is a named error too, through the byte entry point.
        let _ = codegen::generate(&String::from_utf8_lossy(data), None, "fuzz");
        return;
    };
    ecr_fuzz_common::generate_and_parse(text, None);
});
