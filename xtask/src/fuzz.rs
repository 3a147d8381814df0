//! `cargo xtask fuzz [--seconds N] [--jobs J] [TARGET…]`: builds the fuzz
//! targets in `fuzz/` (cargo-fuzz, libFuzzer, no sanitizer: the code is
//! safe Rust, and speed finds more), seeds each corpus from the test data,
//! runs every target (or those named) for N seconds, J at a time, and
//! prints executions and findings per target. An input that panics, takes
//! over a second, or needs over 256 MiB is a finding; any finding fails.

use crate::regen::workspace_root;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Instant, SystemTime};

/// What one target did.
struct Run {
    target: String,
    seconds: f64,
    executions: u64,
    findings: Vec<PathBuf>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = 30u64;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut chosen = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut number = |flag: &str| {
            rest.next()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} takes a whole number above 0"))
        };
        match arg.as_str() {
            "--seconds" => seconds = number("--seconds")?,
            "--jobs" => jobs = number("--jobs")? as usize,
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            target => chosen.push(target.to_owned()),
        }
    }
    let fuzz = workspace_root().join("fuzz");
    let toolchain = Toolchain::find()?;
    let all = toolchain.cargo_fuzz(&fuzz).arg("list").output().map_err(|e| format!("cargo fuzz list: {e}"))?;
    let all: Vec<String> = String::from_utf8_lossy(&all.stdout).lines().map(str::to_owned).collect();
    if let Some(unknown) = chosen.iter().find(|t| !all.contains(t)) {
        return Err(format!("no fuzz target {unknown:?}; the targets are {}", all.join(", ")));
    }
    let targets = if chosen.is_empty() { all } else { chosen };
    eprintln!("building {} fuzz targets …", targets.len());
    let built = toolchain.cargo_fuzz(&fuzz).args(["build", "-s", "none"]).status().map_err(|e| e.to_string())?;
    if !built.success() {
        return Err("cargo fuzz build failed".into());
    }
    for target in &targets {
        seed(&fuzz, target)?;
    }
    let mut runs = Vec::new();
    for group in targets.chunks(jobs.max(1)) {
        let started: Vec<(String, Child, Instant, SystemTime)> = group
            .iter()
            .map(|target| {
                eprintln!("fuzzing {target} for {seconds} s …");
                let child = start(&toolchain, &fuzz, target, seconds)?;
                Ok((target.clone(), child, Instant::now(), SystemTime::now()))
            })
            .collect::<Result<_, String>>()?;
        for (target, mut child, at, since) in started {
            let status = child.wait().map_err(|e| format!("{target}: {e}"))?;
            let log = std::fs::read_to_string(log_path(&fuzz, &target)).unwrap_or_default();
            let executions = stat(&log, "stat::number_of_executed_units").unwrap_or(0);
            let mut findings = new_artifacts(&fuzz.join("artifacts").join(&target), since);
            if !status.success() && findings.is_empty() {
                // Died where libFuzzer could not save the input (a stack
                // overflow): a finding all the same.
                let last = log.lines().rev().find(|l| l.contains("Error") || l.contains("signal")).unwrap_or("");
                eprintln!("{target} died without saving an input: {last}");
                findings.push(PathBuf::from(format!("{target}: died without saving an input ({})", last.trim())));
            }
            runs.push(Run { target, seconds: at.elapsed().as_secs_f64(), executions, findings });
        }
    }
    report(&runs)
}

/// How to run cargo-fuzz: with nightly where `cargo +nightly` works, else
/// stable with `RUSTC_BOOTSTRAP=1` (libFuzzer needs unstable flags).
struct Toolchain {
    nightly: bool,
}

impl Toolchain {
    fn find() -> Result<Self, String> {
        let nightly = Command::new("cargo").args(["+nightly", "--version"]).output().is_ok_and(|o| o.status.success());
        let mut probe = Toolchain { nightly }.cargo_fuzz(Path::new("."));
        let installed = probe.arg("--version").output().is_ok_and(|o| o.status.success());
        if !installed {
            return Err("cargo-fuzz is not installed: cargo install cargo-fuzz --locked".into());
        }
        Ok(Toolchain { nightly })
    }

    fn cargo_fuzz(&self, dir: &Path) -> Command {
        let mut command = Command::new("cargo");
        if self.nightly {
            command.arg("+nightly");
        } else {
            command.env("RUSTC_BOOTSTRAP", "1");
        }
        command.arg("fuzz").current_dir(dir);
        command
    }
}

/// Where a run's output goes: a file, not a pipe, so that targets run side
/// by side never block on a pipe nobody reads yet.
fn log_path(fuzz: &Path, target: &str) -> PathBuf {
    fuzz.join("logs").join(format!("{target}.log"))
}

fn start(toolchain: &Toolchain, fuzz: &Path, target: &str, seconds: u64) -> Result<Child, String> {
    let artifacts = fuzz.join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(fuzz.join("logs")).map_err(|e| e.to_string())?;
    let log = std::fs::File::create(log_path(fuzz, target)).map_err(|e| format!("{target}: {e}"))?;
    toolchain
        .cargo_fuzz(fuzz)
        .args(["run", "-s", "none", target])
        .arg(fuzz.join("corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        // The limits a finding is: over a second, over 256 MiB.
        .args(["-timeout=1", "-rss_limit_mb=256", "-malloc_limit_mb=256", "-print_final_stats=1"])
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start cargo fuzz run {target}: {e}"))
}

/// A `stat::name: N` line of libFuzzer's final stats.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().find_map(|line| line.strip_prefix(name)?.trim_start_matches(':').trim().parse().ok())
}

/// Inputs libFuzzer saved since `since`: crashes, timeouts, out-of-memory.
fn new_artifacts(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.metadata().and_then(|m| m.modified()).is_ok_and(|at| at >= since))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn report(runs: &[Run]) -> Result<(), String> {
    println!("{:<20} {:>8} {:>14} {:>10}  findings", "target", "seconds", "executions", "per s");
    for run in runs {
        let rate = run.executions as f64 / run.seconds.max(0.001);
        println!(
            "{:<20} {:>8.0} {:>14} {:>10.0}  {}",
            run.target,
            run.seconds,
            run.executions,
            rate,
            run.findings.len()
        );
    }
    let total: u64 = runs.iter().map(|r| r.executions).sum();
    let findings: Vec<&PathBuf> = runs.iter().flat_map(|r| &r.findings).collect();
    println!("{:<20} {:>8} {:>14} {:>10}  {}", "total", "", total, "", findings.len());
    if findings.is_empty() {
        Ok(())
    } else {
        let list: Vec<String> = findings.iter().map(|p| format!("  {}", p.display())).collect();
        Err(format!(
            "{} finding(s); reproduce with `cargo fuzz run -s none TARGET FILE` in fuzz/:\n{}",
            findings.len(),
            list.join("\n")
        ))
    }
}

/// Fills an empty corpus with seeds: the generator's test documents and
/// hints, and small samples of every other input.
fn seed(fuzz: &Path, target: &str) -> Result<(), String> {
    let corpus = fuzz.join("corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    if std::fs::read_dir(&corpus).map_err(|e| e.to_string())?.next().is_some() {
        return Ok(());
    }
    let root = workspace_root();
    let fixtures = root.join("codegen/tests/fixtures");
    let files_ending = |dir: &Path, hints: bool| -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter(|p| p.to_string_lossy().ends_with(".hints.json") == hints)
            .filter_map(|p| std::fs::read(p).ok())
            .collect()
    };
    let samples: Vec<Vec<u8>> = match target {
        "spec" => files_ending(&fixtures, false),
        "hints" => files_ending(&fixtures, true),
        // The listing of the document the target locks, with a member, a
        // value and a type of another generation.
        "listing" => vec![
            codegen::listing::render(
                &codegen::read(
                    &std::fs::read_to_string(fixtures.join("collections.json")).map_err(|e| e.to_string())?,
                    std::fs::read_to_string(fixtures.join("collections.hints.json")).ok().as_deref(),
                )
                .map_err(|e| e.to_string())?,
            )
            .into_bytes(),
            b"struct PutThingsRequest\nmember PutThingsRequest.gone: Option<Vec<BTreeMap<String, i64>>> (sensitive, wire Gone)\nenum State PURPLE\nmember PutThingsRequest.deep: i32\n".to_vec(),
        ],
        "answers" => {
            let mut seeds: Vec<Vec<u8>> = (0u8..41)
                .map(|op| [vec![op, 0, 0, 0], br#"{"repositories":[{"repositoryName":"a","createdAt":1.7e9}]}"#.to_vec()].concat())
                .collect();
            seeds.push([&[3u8, 2, 1][..], b"x-amzn-errortype:LimitExceededException\0", br#"{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"m"}"#].concat());
            seeds.push([&[0u8, 5, 1][..], b"location:https://elsewhere/\0"].concat());
            seeds
        }
        "profiles" => vec![
            b"[default]\nregion = us-east-1\n[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::2:role/B\nsource_profile = base\nexternal_id = x\n\0[base]\naws_access_key_id = AKID\naws_secret_access_key = s\n".to_vec(),
            b"[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = us-east-1\n[profile w]\nweb_identity_token_file = /t\nrole_arn = arn:aws:iam::1:role/W\n[profile p]\ncredential_process = sh -c 'echo {}'\n  nested = value\n".to_vec(),
        ],
        "credential_answers" => vec![
            br#"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z","Version":1}"#.to_vec(),
            b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/R/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>".to_vec(),
            br#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1893456000000}}"#.to_vec(),
            br#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2030-01-01T00:00:00UTC"}}"#.to_vec(),
            b"<ErrorResponse><Error><Code>AccessDenied</Code><Message>no &amp; never</Message></Error></ErrorResponse>".to_vec(),
        ],
        "cli_args" => vec![
            b"describe-repositories\0--repository-names\0a\0b\0--output\0text".to_vec(),
            b"batch-get-image\0--repository-name\0r\0--image-ids\0imageTag=v1\0imageDigest=sha256:00\0--region\0us-east-1".to_vec(),
            b"create-repository\0--repository-name\0r\0--tags\0[{\"Key\":\"k\",\"Value\":\"v\"}]\0--image-scanning-configuration\0scanOnPush=true".to_vec(),
            b"put-lifecycle-policy\0--repository-name\0r\0--lifecycle-policy-text\0file://a.json\0--cli-read-timeout\x000.5".to_vec(),
            b"list-images\0--repository-name\0r\0--max-items\x003\0--starting-token\0eyJuZXh0VG9rZW4iOiBudWxsfQ==\0--cli-input-json\0file://a.json".to_vec(),
        ],
        // A command (its index) and the timestamp format, then an answer.
        "cli_output" => vec![
            [&[20u8, 0][..], br#"{"imageDetails":[{"imageTags":["v1","true","2024-01-12"],"imagePushedAt":1700086400.137,"imageSizeInBytes":7,"lastRecordedPullTime":"1.5e9"}],"nextToken":"x: y"}"#].concat(),
            [&[7u8, 1][..], br#"{"repositories":[{"repositoryName":"a #b","createdAt":-1e300,"imageScanningConfiguration":{"scanOnPush":false}}]}"#].concat(),
        ],
        "tables" => vec![
            [b"\x50".as_slice(), br#"{"repositories":[{"repositoryName":"app","createdAt":1.7e9,"encryptionConfiguration":{"encryptionType":"AES256"}},{"repositoryName":"\u6f22\u5b57"}]}"#].concat(),
            [b"\x15".as_slice(), br#"[["a","b"],["c"],{"k":[1,{"x":null}]},"s",true,0]"#].concat(),
        ],
        "helper" => vec![
            b"123456789012.dkr.ecr.us-east-1.amazonaws.com\0{\"Registries\":{\"us-east-1-x-123456789012\":{\"AuthorizationToken\":\"QVdTOnA=\",\"RequestedAt\":\"2026-01-01T00:00:00Z\",\"ExpiresAt\":\"2030-01-01T00:00:00Z\",\"ProxyEndpoint\":\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com\",\"Service\":\"ecr\"}},\"Version\":\"1.0\"}".to_vec(),
            b"https://111122223333.dkr-ecr.eu-west-1.on.aws/v2/\0".to_vec(),
        ],
        "lifecycle" => vec![
            br#"{"rules":[{"rulePriority":1,"description":"d","selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#.to_vec(),
            br#"{"rules":[{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"transition","targetStorageClass":"archive"}}]}"#.to_vec(),
        ],
        "images" => {
            let digest = |bytes: &[u8]| {
                use sha2::Digest as _;
                let hex: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
                format!("sha256:{hex}")
            };
            let layer = b"layer bytes".to_vec();
            let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec();
            let manifest = format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{}}}]}}"#,
                digest(&config), config.len(), digest(&layer), layer.len()
            );
            let index = format!(
                r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"annotations":{{"org.opencontainers.image.ref.name":"v1"}}}}]}}"#,
                digest(manifest.as_bytes()), manifest.len()
            );
            let blob = |bytes: &[u8]| (format!("blobs/sha256/{}", &digest(bytes)[7..]), bytes.to_vec());
            let oci = tar(&[("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()), ("index.json".into(), index.into_bytes()), blob(manifest.as_bytes()), blob(&config), blob(&layer)]);
            let saved = tar(&[
                ("manifest.json".into(), br#"[{"Config":"c.json","RepoTags":["app:v1"],"Layers":["l/layer.tar"]}]"#.to_vec()),
                ("c.json".into(), format!(r#"{{"rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#, digest(&layer)).into_bytes()),
                ("l/layer.tar".into(), layer.clone()),
            ]);
            vec![
                b"\x00123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1@sha256:0000000000000000000000000000000000000000000000000000000000000000".to_vec(),
                b"\x00app:latest".to_vec(),
                b"\x01linux/arm64/v8".to_vec(),
                [b"\x02".to_vec(), manifest.into_bytes()].concat(),
                [b"\x03".to_vec(), oci].concat(),
                [b"\x03".to_vec(), saved].concat(),
            ]
        }
        "timestamps" => ["2024-01-12T15:09:06Z", "2024-01-12T15:09:06.5+01:00", "1700086400.137", "1.7E9", "0e99", "2030-01-01T00:00:00UTC", "-1.5"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        _ => Vec::new(),
    };
    for (i, sample) in samples.iter().enumerate() {
        std::fs::write(corpus.join(format!("seed-{i}")), sample).map_err(|e| format!("{}: {e}", corpus.display()))?;
    }
    Ok(())
}

/// A ustar archive of `files` (names under 100 bytes), for seeds.
fn tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, bytes) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[124..135].copy_from_slice(format!("{:011o}", bytes.len()).as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
        header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}
