//! Any command line for `ecr` (words split at NUL), `file://` and
//! `fileb://` values kept inside a scratch directory of seed files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = ecr_fuzz_common::scratch("cli");
    let text = String::from_utf8_lossy(data);
    let args: Vec<String> = text
        .split('\0')
        .take(64)
        .map(|word| {
            // A path anywhere could be a FIFO or a device: only names in
            // the scratch directory are read.
            for scheme in ["file://", "fileb://"] {
                if let Some(path) = word.strip_prefix(scheme) {
                    let name = path.rsplit('/').next().unwrap_or_default();
                    return format!("{scheme}{}", dir.join(name).display());
                }
            }
            word.to_owned()
        })
        .collect();
    let _ = ecr_cli::parsing::parse(&args);
});
