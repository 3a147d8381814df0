//! Shared by the generator's integration tests: fixtures and paths.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The fixtures that have checked-in snapshots.
pub const SNAPSHOT_FIXTURES: &[&str] = &["keywords", "collections", "swagger2"];

pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is in a workspace").to_path_buf()
}

/// A fixture document and its hints, if it has any.
pub fn fixture(name: &str) -> (String, Option<String>) {
    let dir = tests_dir().join("fixtures");
    let spec = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("fixture exists");
    let hints = std::fs::read_to_string(dir.join(format!("{name}.hints.json"))).ok();
    (spec, hints)
}

/// The generated files of a fixture.
pub fn generate(name: &str) -> Vec<codegen::File> {
    let (spec, hints) = fixture(name);
    codegen::generate(&spec, hints.as_deref(), &format!("codegen/tests/fixtures/{name}.json"))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The ECR document the project is built from.
pub fn ecr() -> (String, String) {
    let dir = workspace_root().join("specs/amazonaws.com/ecr/2015-09-21");
    (
        std::fs::read_to_string(dir.join("openapi.json")).expect("ECR document"),
        std::fs::read_to_string(dir.join("hints.json")).expect("ECR hints"),
    )
}
