//! Any text as the answer of every credential source: container and
//! instance metadata, credential_process, STS, the SSO portal, the AWS
//! CLI's cache.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ecr_client::runtime::fuzz::credential_answers(&String::from_utf8_lossy(data));
});
