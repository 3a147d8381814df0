//! `cargo xtask semver`: the generated API survives a regen. ECR's client
//! is generated twice, from today's document and from a copy with one
//! member, one enum value, one error and one operation added, into two
//! crates of the same name under `target/semver/`; `cargo semver-checks`
//! then compares them as a minor release and must find nothing breaking.

use crate::regen::{workspace_root, ECR_SPEC};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;
use std::process::Command;

/// What the newer document adds, by name (each must be new).
const NEW_MEMBER: &str = "archivedAt";
const NEW_VALUE: &str = "IMMUTABLE_WITH_EXCLUSION";
const NEW_ERROR: &str = "RepositoryArchivedException";
const NEW_OPERATION: &str = "DescribeRegistryUsage";

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("semver: unknown argument {arg:?} (it takes none)"));
    }
    let root = workspace_root();
    let spec_path = root.join(ECR_SPEC);
    let text = fs::read_to_string(&spec_path).map_err(|e| format!("cannot read {ECR_SPEC}: {e}"))?;
    let today: Value = serde_json::from_str(&text).map_err(|e| format!("{ECR_SPEC}: {e}"))?;
    let newer = with_additions(today.clone())?;
    let hints = hints_without_resolver(&spec_path.with_file_name("hints.json"))?;

    let dir = root.join("target/semver");
    let _ = fs::remove_dir_all(&dir);
    for (name, document) in [("today", &today), ("newer", &newer)] {
        write_crate(&dir.join(name), &document.to_string(), &hints)?;
    }
    println!("generated target/semver/today and target/semver/newer (+ {NEW_MEMBER}, {NEW_VALUE}, {NEW_ERROR}, {NEW_OPERATION})");
    let status = Command::new(env!("CARGO"))
        .args(["semver-checks", "check-release", "--release-type", "minor", "--manifest-path"])
        .arg(dir.join("newer/Cargo.toml"))
        .arg("--baseline-root")
        .arg(dir.join("today"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo semver-checks (cargo install --locked cargo-semver-checks): {e}"))?;
    if status.success() {
        println!("cargo semver-checks: no breaking change between today's document and the newer one");
        Ok(())
    } else {
        Err("cargo semver-checks found a breaking change (see above), or could not run".into())
    }
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
/// runtime crate (the client is its `generated` module, re-exported).
fn write_crate(dir: &Path, document: &str, hints: &str) -> Result<(), String> {
    let files = codegen::generate(document, Some(hints), ECR_SPEC).map_err(|e| e.to_string())?;
    let doc = "ECR's generated client alone, for `cargo xtask semver`.";
    let tail = "pub use generated::*;\n";
    crate::generated_crate::write(dir, "ecr-client-semver", "1.0.0", doc, &[("generated".into(), &files)], tail)
}
