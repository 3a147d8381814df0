//! A throwaway crate of generated clients on the runtime crate, for the
//! tasks that compile them (`corpus --compile`, `semver`): a module per
//! client (`mod.rs` and its siblings), this workspace's lock file, and a
//! workspace of its own.

use crate::regen::workspace_root;
use std::fs;
use std::path::Path;

/// Writes crate `name` at `version` into `dir`, its `lib.rs` opening with
/// `doc`, declaring `pub mod MODULE` for each of `modules`, then `tail`.
pub fn write(
    dir: &Path,
    name: &str,
    version: &str,
    doc: &str,
    modules: &[(String, &[codegen::File])],
    tail: &str,
) -> Result<(), String> {
    let root = workspace_root();
    let src = dir.join("src");
    let _ = fs::remove_dir_all(&src);
    let mut lib = format!("//! {doc}\n#![allow(missing_docs)]\n");
    for (module, files) in modules {
        let module_dir = src.join(module);
        fs::create_dir_all(&module_dir).map_err(|e| format!("cannot create {}: {e}", module_dir.display()))?;
        for file in *files {
            fs::write(module_dir.join(&file.path), &file.contents)
                .map_err(|e| format!("cannot write {}: {e}", file.path))?;
        }
        lib.push_str(&format!("#[rustfmt::skip]\npub mod {module};\n"));
    }
    lib.push_str(tail);
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = false\n\n\
         [lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = [\"cfg(fuzzing)\"] }}\n\n\
         [dependencies]\naws-json-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
         [workspace]\n",
        root.join("aws-json-runtime").display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(src.join("lib.rs"), lib).map_err(|e| e.to_string())?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}
