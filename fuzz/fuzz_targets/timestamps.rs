//! Any text as a timestamp in every form read: RFC 3339, epoch seconds,
//! the AWS CLI's cached form; what parses converts to the clock and back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ecr_client::runtime::fuzz::timestamps(&String::from_utf8_lossy(data));
});
