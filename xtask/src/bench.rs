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
        let options = Options { out: out.clone(), ..Options::parse(&[])? };
        let start = Instant::now();
        regen::run(options)?;
        times.push(start.elapsed());
    }
    let _ = std::fs::remove_dir_all(&out);
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
