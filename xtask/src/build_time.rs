//! `cargo xtask build-time [--aws-sdk]`: clean debug and release build times
//! (wall, and CPU over every process the build ran) and crates compiled of a
//! small program that lists a repository's images, on `ecr-client` (and
//! with `--aws-sdk`, the same program on `aws-sdk-ecr` + `aws-config`, for
//! comparison). Each build starts from an empty target directory.

use crate::regen::workspace_root;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const ECR_CLIENT_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ecr_client::Config::builder()
        .region("us-east-1")
        .credentials(ecr_client::Credentials::new("AKID", "secret"))
        .build()?;
    let client = ecr_client::Client::new(config)?;
    let images = client.list_images().repository_name("app").send().await?;
    println!("{:?}", images.image_ids);
    Ok(())
}
"#;

const AWS_SDK_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_ecr::Client::new(&config);
    let images = client.list_images().repository_name("app").send().await?;
    println!("{:?}", images.image_ids);
    Ok(())
}
"#;

pub fn run(args: &[String]) -> Result<(), String> {
    let with_sdk = match args {
        [] => false,
        [flag] if flag == "--aws-sdk" => true,
        _ => return Err("usage: cargo xtask build-time [--aws-sdk]".into()),
    };
    let root = workspace_root();
    let client_path = root.join("ecr-client").display().to_string();
    let mut programs = vec![(
        "ecr-client",
        format!("ecr-client = {{ path = {client_path:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"),
        ECR_CLIENT_MAIN,
    )];
    if with_sdk {
        programs.push((
            "aws-sdk-ecr",
            "aws-config = \"1\"\naws-sdk-ecr = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n"
                .into(),
            AWS_SDK_MAIN,
        ));
    }
    for (name, deps, main) in programs {
        let dir = root.join("target/build-time").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!("[package]\nname = \"bt\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}\n[workspace]\n");
        fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
        cargo(&dir, &["fetch", "--quiet"])?;
        for profile in ["debug", "release"] {
            let _ = fs::remove_dir_all(dir.join("target"));
            let args: &[&str] =
                if profile == "release" { &["build", "--quiet", "--release"] } else { &["build", "--quiet"] };
            let (start, cpu_before) = (Instant::now(), children_cpu_seconds());
            cargo(&dir, args)?;
            let seconds = start.elapsed().as_secs_f64();
            let cpu = children_cpu_seconds() - cpu_before;
            let binary = dir.join("target").join(profile).join("bt");
            let size = fs::metadata(&binary).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(f64::NAN);
            let crates = crates_compiled(&dir.join("target").join(profile));
            println!(
                "{name}: clean {profile} build {seconds:.1} s wall, {cpu:.1} s CPU, {crates} crates, binary {size:.1} MiB"
            );
        }
    }
    Ok(())
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("cargo {} failed in {}", args.join(" "), dir.display()))
}

/// CPU seconds (user and system) of the waited-for children of this
/// process and theirs, from `/proc/self/stat` (cutime and cstime, in the
/// kernel's clock ticks: 100 a second on Linux); NaN elsewhere.
fn children_cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the command name, which is in parentheses: state is the
    // first, cutime the 14th and cstime the 15th.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (tick(13) + tick(14)) / 100.0
}

/// How many crates a build compiled: the distinct crate names of the
/// `.fingerprint` directory (one entry per unit, build scripts included).
fn crates_compiled(profile_dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(profile_dir.join(".fingerprint")) else { return 0 };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.rsplit_once('-')).map(|(name, _)| name.to_owned()))
        .collect();
    names.sort();
    names.dedup();
    names.len()
}
