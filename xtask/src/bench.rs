//! `cargo xtask bench`: wall time of a whole regen of the ECR document, from
//! reading the document to writing the files (into a scratch directory).

use crate::regen::{self, Options};
use std::time::{Duration, Instant};

pub fn run(args: &[String]) -> Result<(), String> {
    let runs = match args {
        [] => 20,
        [flag, n] if flag == "--runs" => match n.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("--runs takes a whole number of at least 1, not {n:?}")),
        },
        _ => return Err("usage: cargo xtask bench [--runs N]".into()),
    };
    let out = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        // A fresh directory each run, so every run writes every file.
        let _ = std::fs::remove_dir_all(&out);
        let options = Options { out: out.clone(), cli_out: Some(out.join("cli")), ..Options::parse(&[])? };
        let start = Instant::now();
        regen::run(options)?;
        times.push(start.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
    print_line_counts()?;
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / runs as f64;
    println!(
        "regen of {} ({} runs{}): min {:.1} ms, median {:.1} ms, mean {:.1} ms, max {:.1} ms",
        regen::ECR_SPEC,
        runs,
        if cfg!(debug_assertions) { ", DEBUG build: use --release for real figures" } else { ", release" },
        ms(times[0]),
        ms(times[runs / 2]),
        mean,
        ms(times[runs - 1]),
    );
    Ok(())
}

/// Lines of the checked-in generated code: what the compiler sees, and the
/// test-only part apart.
fn print_line_counts() -> Result<(), String> {
    let dir = regen::workspace_root().join(regen::ECR_OUT);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    entries.sort();
    let (mut library, mut tests) = (0, 0);
    for path in entries {
        let lines = std::fs::read_to_string(&path).map_err(|e| e.to_string())?.lines().count();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        println!("  {name}: {lines} lines");
        if name == "serde_tests.rs" {
            tests += lines;
        } else {
            library += lines;
        }
    }
    println!("generated: {library} lines of library code, {tests} lines of tests (the API listing apart)");
    let listing = std::fs::read_to_string(dir.join(regen::LISTING)).unwrap_or_default();
    let operations = listing.lines().filter(|l| l.starts_with("operation ")).count();
    if operations > 0 {
        let per = (library + tests) as f64 / operations as f64;
        println!("{operations} operations: {per:.1} generated lines per operation");
    }
    Ok(())
}
