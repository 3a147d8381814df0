//! What the fuzz targets share: generation checked to give Rust that
//! parses, and scratch directories.

use std::path::PathBuf;

/// Generates the client and the command layer from `document`; whatever
/// generates must be Rust that parses.
pub fn generate_and_parse(document: &str, hints: Option<&str>) {
    let client = codegen::generate(document, hints, "fuzz");
    let cli = codegen::generate_cli(document, hints, "fuzz", "fuzz_client");
    for files in [client, cli].into_iter().flatten() {
        for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
            if let Err(e) = syn::parse_file(&file.contents) {
                panic!("generated {} does not parse: {e}", file.path);
            }
        }
    }
}

/// A directory of this process's own for a target's files, with a few
/// seed files (`a.json`, `b.txt`, `empty`).
pub fn scratch(target: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecr-fuzz-{target}-{}", std::process::id()));
    if !dir.exists() {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("a.json"), r#"{"rules":[{"rulePriority":1}]}"#);
        let _ = std::fs::write(dir.join("b.txt"), "imageTag=v1,imageDigest=sha256:00");
        let _ = std::fs::write(dir.join("empty"), "");
    }
    dir
}
