//! Any text as `~/.aws/config` and `~/.aws/credentials` (split at the first
//! NUL), every profile resolved as the credential chain would.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (config, credentials) = text.split_once('\0').unwrap_or((&text, ""));
    let _ = ecr_client::runtime::fuzz::profiles(config, credentials);
});
