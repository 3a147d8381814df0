//! The credential helper's inputs: a `get` line (the server URL) and its
//! cache file, read from a scratch directory.
#![no_main]

use ecr_cli::helper::cache::Cache;
use ecr_client::image::Registry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (server, cache_file) = text.split_once('\0').unwrap_or((&text, ""));
    let _ = Registry::from_server(server.trim());
    let dir = ecr_fuzz_common::scratch("helper");
    if std::fs::write(dir.join("cache.json"), cache_file).is_ok() {
        let _ = Cache::listing(dir.clone()).list();
        let _ = Cache::new(dir, "us-east-1", "AKID").get("123456789012");
    }
});
