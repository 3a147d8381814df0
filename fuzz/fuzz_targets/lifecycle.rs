//! Any text as a lifecycle policy: parsed, and written back if it parses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(policy) = ecr_client::lifecycle::LifecyclePolicy::from_json(&String::from_utf8_lossy(data)) {
        let _ = policy.to_json();
    }
});
