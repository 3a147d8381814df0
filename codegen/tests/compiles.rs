//! The generated code compiles, with `#![deny(warnings)]`, against the
//! runtime crate (`aws-json-runtime`), and its generated serde round-trip
//! tests pass: every snapshot, and two real documents generated on the spot:
//! another AWS service (DynamoDB Streams, awsJson 1.0) and ECR's Swagger 2.0
//! document of 2018 (whose hints name ECR's endpoint rules in `ecr_client`).
//! One crate holds them all, so the dependencies are built once.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::process::Command;

#[test]
fn snapshots_and_another_service_compile_and_pass_their_serde_tests() {
    let mut lib = String::new();
    for name in common::SNAPSHOT_FIXTURES {
        let snapshot = common::tests_dir().join("snapshots").join(name).join("mod.rs");
        writeln!(lib, "#[path = {snapshot:?}]\npub mod {name};").unwrap();
    }
    // Real documents generated on the spot: another service, and ECR's
    // Swagger 2.0 document of 2018.
    let generated = [("streams.dynamodb", "streams_dynamodb"), ("ecr.swagger2", "ecr_swagger2")];
    let stdout = compile_check("crate", &lib, &generated);
    // The round trips of all the services ran (keywords alone has 6 types).
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert!(passed > 40, "expected the generated serde tests to run, got:\n{stdout}");
}

/// A service with no enums, lists, paginators or waiters: nothing the
/// generated code holds for such things may go unused with a warning.
#[test]
fn a_minimal_service_compiles_without_warnings() {
    let stdout = compile_check("minimal", "", &[("minimal", "minimal")]);
    assert!(stdout.contains("test result: ok."), "{stdout}");
}

/// Builds a crate of `lib` plus the `generated` fixtures
/// (fixture, module) with `#![deny(warnings)]`, runs its tests, and returns
/// their output. The crates share a target directory, so dependencies are
/// built once.
fn compile_check(name: &str, lib: &str, generated: &[(&str, &str)]) -> String {
    let root = common::workspace_root();
    let krate = root.join("target/compile-check").join(name);
    let _ = fs::remove_dir_all(&krate);
    fs::create_dir_all(&krate).unwrap();

    // What a generated crate depends on: the runtime (with the helpers its
    // serde tests call) and serde; ecr-client for the ECR fixture's endpoint
    // rules. The workspace's lock file, so versions match.
    let path = |dir: &str| root.join(dir).display().to_string();
    let manifest = format!(
        "[package]\nname = \"compile-check-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n\
         [lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = [\"cfg(fuzzing)\"] }}\n\n[dependencies]\n\
         aws-json-runtime = {{ path = {runtime:?}, features = [\"testing\"] }}\n\
         ecr-client = {{ path = {ecr:?} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\n[workspace]\n",
        runtime = path("aws-json-runtime"),
        ecr = path("ecr-client"),
    );
    fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    let mut source = String::from("#![deny(warnings)]\n");
    source.push_str(lib);
    for (fixture, module) in generated {
        let dir = krate.join(module);
        fs::create_dir_all(&dir).unwrap();
        for file in common::generate(fixture) {
            fs::write(dir.join(&file.path), &file.contents).unwrap();
        }
        writeln!(source, "pub mod {module};").unwrap();
    }
    fs::write(krate.join("lib.rs"), source).unwrap();

    let output = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--lib", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/compile-check/target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "generated code does not compile or its tests fail:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
