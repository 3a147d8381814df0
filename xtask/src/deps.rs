//! `cargo xtask deps [msrv|updated|minimal]...`: the dependencies as a user
//! resolves them, not only as the checked-in `Cargo.lock` pins them.
//!
//! - `msrv`: no package a default build of a published crate compiles
//!   declares a `rust-version` newer than the workspace's (clippy's
//!   `incompatible_msrv` lint checks the workspace's own code against it);
//!   the newest any feature or test needs is printed beside it.
//! - `updated`: a copy of the workspace, `cargo update`d to the newest
//!   compatible versions, checks (every target, every feature) with
//!   warnings denied: what a new project depending on these crates gets.
//! - `minimal`: a copy resolved with `-Z direct-minimal-versions` (each
//!   direct dependency at the lowest version this workspace declares; cargo
//!   on stable with `RUSTC_BOOTSTRAP=1`), checked the same way: the
//!   declared floors really build.
//!
//! The copies live in `target/deps/`; the checked-in lockfile is never
//! touched, so the tests keep running on it.

use crate::regen::workspace_root;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Bound;
use std::path::Path;
use std::process::Command;

/// The crates that publish, as `cargo -p` names them.
const PUBLISHED: [&str; 4] = ["aws-json-runtime", "ecr-client", "ecr-public-client", "ecr"];

pub fn run(args: &[String]) -> Result<(), String> {
    let all = ["msrv", "updated", "minimal"].map(String::from);
    for check in if args.is_empty() { &all[..] } else { args } {
        match check.as_str() {
            "msrv" => msrv()?,
            "updated" => resolved_copy("updated", &["update"])?,
            "minimal" => resolved_copy("minimal", &["update", "-Z", "direct-minimal-versions"])?,
            other => return Err(format!("deps: unknown check {other:?} (msrv, updated or minimal)")),
        }
    }
    Ok(())
}

fn msrv() -> Result<(), String> {
    let root = workspace_root();
    let metadata: Value =
        serde_json::from_str(&cargo_output(&root, &["metadata", "--format-version", "1", "--locked"])?)
            .map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = metadata["packages"].as_array().ok_or("cargo metadata: no packages")?;
    let declared = |name: &str, version: &str| {
        packages
            .iter()
            .find(|p| p["name"] == name && p["version"] == version)
            .and_then(|p| p["rust_version"].as_str())
            .map(str::to_owned)
    };
    let ours = declared("ecr-client", env!("CARGO_PKG_VERSION")).ok_or("ecr-client declares no rust-version")?;

    let tree = |extra: &[&str]| -> Result<BTreeMap<Version, BTreeSet<String>>, String> {
        let mut args = vec!["tree", "--locked", "--edges", "normal,build", "--prefix", "none", "--format", "{p}"];
        for package in PUBLISHED {
            args.extend(["-p", package]);
        }
        args.extend(extra);
        let mut needs: BTreeMap<Version, BTreeSet<String>> = BTreeMap::new();
        for line in cargo_output(&root, &args)?.lines() {
            // "name v1.2.3", then "(path)" for a workspace crate (whose
            // rust-version is the one checked against) or "(*)".
            if line.contains(" (/") {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(name), Some(version)) = (words.next(), words.next().and_then(|v| v.strip_prefix('v'))) else {
                continue;
            };
            if let Some(rust) = declared(name, version) {
                needs.entry(Version::parse(&rust)?).or_default().insert(format!("{name} {version}"));
            }
        }
        Ok(needs)
    };
    let default = tree(&[])?;
    let everything = tree(&["--all-features", "--edges", "dev"])?;
    let newest = |needs: &BTreeMap<Version, BTreeSet<String>>| {
        let list = |who: &BTreeSet<String>| who.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
        needs.last_key_value().map(|(v, who)| format!("{v} ({})", list(who))).unwrap_or_default()
    };
    println!("msrv: the workspace declares {ours}; a default build needs {}", newest(&default));
    println!("msrv: with every feature and the tests: {}", newest(&everything));
    let too_new: Vec<String> = default
        .range((Bound::Excluded(Version::parse(&ours)?), Bound::Unbounded))
        .flat_map(|(v, who)| who.iter().map(move |p| format!("{p} needs {v}")))
        .collect();
    if !too_new.is_empty() {
        return Err(format!("rust-version {ours} is too old for: {}", too_new.join("; ")));
    }
    Ok(())
}

/// Copies the workspace to `target/deps/<name>`, runs `cargo <resolve>`
/// there, prints what moved against the checked-in lockfile, and checks
/// every target with every feature, warnings denied.
fn resolved_copy(name: &str, resolve: &[&str]) -> Result<(), String> {
    let root = workspace_root();
    let copy = root.join("target/deps").join(name);
    let _ = fs::remove_dir_all(&copy);
    copy_tree(&root, &copy)?;
    cargo_status(&copy, resolve)?;
    let moved = lock_diff(&root.join("Cargo.lock"), &copy.join("Cargo.lock"))?;
    println!("deps {name}: {} packages at other versions than Cargo.lock's", moved.len());
    for line in &moved {
        println!("  {line}");
    }
    cargo_status(&copy, &["check", "--workspace", "--all-targets", "--all-features", "--locked"])?;
    println!("deps {name}: every target checks with warnings denied");
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            copy_tree(&source, &dest)?;
        } else {
            // Symlinks are followed: the copy holds what they point to.
            fs::copy(&source, &dest).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// `name old -> new` for each package whose versions differ between two
/// lockfiles.
fn lock_diff(before: &Path, after: &Path) -> Result<Vec<String>, String> {
    let versions = |path: &Path| -> Result<BTreeMap<String, Vec<String>>, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut name = None;
        for line in text.lines() {
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_owned());
            } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
                map.entry(n).or_default().push(v.trim_matches('"').to_owned());
            }
        }
        Ok(map)
    };
    let (before, after) = (versions(before)?, versions(after)?);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let none = Vec::new();
    Ok(names
        .into_iter()
        .filter_map(|n| {
            let (b, a) = (before.get(n).unwrap_or(&none), after.get(n).unwrap_or(&none));
            (b != a).then(|| format!("{n} {} -> {}", or_none(b), or_none(a)))
        })
        .collect())
}

fn or_none(versions: &[String]) -> String {
    if versions.is_empty() {
        "(none)".into()
    } else {
        versions.join(", ")
    }
}

/// A `rust-version`: major, minor, patch (missing parts are 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Version([u32; 3]);

impl Version {
    fn parse(text: &str) -> Result<Self, String> {
        let mut parts = [0; 3];
        for (slot, part) in parts.iter_mut().zip(text.split('.')) {
            *slot = part.parse().map_err(|_| format!("not a rust-version: {text:?}"))?;
        }
        Ok(Version(parts))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [major, minor, patch] = self.0;
        write!(f, "{major}.{minor}.{patch}")
    }
}

fn cargo_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        // One target directory for both copies: crates resolved alike build once.
        .env("CARGO_TARGET_DIR", workspace_root().join("target/deps/target"))
        .env("RUSTFLAGS", "-D warnings");
    // Only a resolve with `-Z` needs unstable cargo: a build under
    // RUSTC_BOOTSTRAP would let crates probing for nightly take its paths.
    if args.contains(&"-Z") {
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    command
}

fn cargo_status(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = cargo_command(dir, args).status().map_err(|e| format!("cannot run cargo: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("cargo {} failed in {}", args.join(" "), dir.display()))
}

fn cargo_output(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("cargo {}: {e}", args.join(" ")))
}
