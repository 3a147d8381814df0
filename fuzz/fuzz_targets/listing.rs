//! Any bytes as the checked-in API listing that locks a regen: read, used
//! as the lock of a real document (kept members, dropped values, refused
//! changes), and the result reported and generated.
#![no_main]

use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = include_str!("../../codegen/tests/fixtures/collections.json");
const HINTS: &str = include_str!("../../codegen/tests/fixtures/collections.hints.json");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(previous) = codegen::listing::Listing::parse(&text, "fuzz") else { return };
    for accept_breaking in [false, true] {
        if let Ok((service, changes)) = codegen::read_locked(DOCUMENT, Some(HINTS), Some(&previous), accept_breaking) {
            let _ = changes.report();
            let _ = codegen::emit_client(&service, "fuzz");
        }
    }
});
