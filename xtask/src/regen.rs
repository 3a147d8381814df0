//! `cargo xtask regen`: run the generator and write (or check) its files.

use std::fs;
use std::path::{Path, PathBuf};

/// The document the project is built from, relative to the workspace root.
pub const ECR_SPEC: &str = "specs/amazonaws.com/ecr/2015-09-21/openapi.json";
/// Where the generated client module lives, relative to the workspace root.
pub const ECR_OUT: &str = "ecr-client/src/generated";
/// Where the generated command layer of the `ecr` tool lives.
pub const ECR_CLI_OUT: &str = "ecr-cli/src/generated";

/// A service the workspace generates: its document (the hints file is the
/// `hints.json` beside it), where its client module goes, where the command
/// layer on it goes, and the crate that layer calls into.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    /// The OpenAPI document, relative to the workspace root.
    pub spec: &'static str,
    /// The client module's directory.
    pub client_out: &'static str,
    /// The command layer's directory, if the service has a command line.
    pub cli_out: Option<&'static str>,
    /// The crate the command layer calls into.
    pub client_crate: &'static str,
}

/// Every service `cargo xtask regen` generates (and `--check` checks), in
/// turn.
pub const SERVICES: &[Generated] = &[
    Generated { spec: ECR_SPEC, client_out: ECR_OUT, cli_out: Some(ECR_CLI_OUT), client_crate: "ecr_client" },
    Generated {
        spec: "specs/amazonaws.com/ecr-public/2020-10-30/openapi.json",
        client_out: "ecr-public-client/src/generated",
        cli_out: Some("ecr-cli/src/generated_public"),
        client_crate: "ecr_public_client",
    },
];

/// What `regen` was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Compare instead of writing.
    pub check: bool,
    /// The OpenAPI document.
    pub spec: PathBuf,
    /// The hints file; by default `hints.json` beside the document, if any.
    pub hints: Option<PathBuf>,
    /// The output directory.
    pub out: PathBuf,
    /// The command layer's output directory, if one is generated: by
    /// default the service's, none when only `--out` is given.
    pub cli_out: Option<PathBuf>,
    /// The crate the command layer calls into.
    pub client_crate: String,
    /// Take a document's breaking changes instead of keeping the shapes
    /// the checked-in API listing has.
    pub accept_breaking: bool,
}

/// The API listing's file in a client module's directory: the review
/// artefact and the lock of the next regen (see `codegen::listing`).
pub const LISTING: &str = "api-listing.txt";

impl Options {
    /// The job of generating `service`.
    pub fn of(service: &Generated, check: bool) -> Self {
        let root = workspace_root();
        Options {
            check,
            spec: root.join(service.spec),
            hints: None,
            out: root.join(service.client_out),
            cli_out: service.cli_out.map(|out| root.join(out)),
            client_crate: service.client_crate.to_owned(),
            accept_breaking: false,
        }
    }

    /// Parses `regen`'s arguments into its jobs: every service of
    /// [`SERVICES`], or the one document `--spec`/`--out` name.
    pub fn parse_all(args: &[String]) -> Result<Vec<Self>, String> {
        let custom = args.iter().any(|a| a != "--check" && a != "--accept-breaking");
        if custom {
            return Ok(vec![Self::parse(args)?]);
        }
        let check = args.iter().any(|a| a == "--check");
        let accept_breaking = args.iter().any(|a| a == "--accept-breaking");
        Ok(SERVICES.iter().map(|service| Self { accept_breaking, ..Self::of(service, check) }).collect())
    }

    /// Parses `regen`'s arguments for one document; paths are relative to
    /// the current directory, defaults (the first service's) to the
    /// workspace root.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self::of(&SERVICES[0], false);
        let (mut out_given, mut cli_out_given) = (false, false);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().map(PathBuf::from).ok_or_else(|| format!("{name} needs a path"));
            match arg.as_str() {
                "--check" => options.check = true,
                "--accept-breaking" => options.accept_breaking = true,
                "--spec" => options.spec = value("--spec")?,
                "--hints" => options.hints = Some(value("--hints")?),
                "--out" => (options.out, out_given) = (value("--out")?, true),
                "--cli-out" => (options.cli_out, cli_out_given) = (Some(value("--cli-out")?), true),
                other => return Err(format!("regen: unknown argument {other:?}")),
            }
        }
        if out_given && !cli_out_given {
            options.cli_out = None;
        }
        Ok(options)
    }
}

/// Runs every job; with `--check`, fails naming every stale file of every
/// service.
pub fn run_all(jobs: Vec<Options>) -> Result<(), String> {
    let failures: Vec<String> = jobs.into_iter().filter_map(|job| run(job).err()).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// Generates from `options.spec` under the lock of the API listing in
/// `options.out`, says what changed in the API, and writes or checks the
/// client module, its listing and the command layer.
pub fn run(options: Options) -> Result<(), String> {
    let (client, cli) = generate(&options)?;
    let mut stale = sync(&options.out, &client, options.check)?;
    if let (Some(cli_out), Some(cli)) = (&options.cli_out, cli) {
        stale.extend(sync(cli_out, &cli, options.check)?);
    }
    if options.check && !stale.is_empty() {
        return Err(format!("generated code is not up to date, run `cargo xtask regen`:\n  {}", stale.join("\n  ")));
    }
    Ok(())
}

/// The client module's files with its API listing, and the command
/// layer's files if one is generated.
pub fn generate(options: &Options) -> Result<(Vec<codegen::File>, Option<Vec<codegen::File>>), String> {
    let (service, source) = read_locked(options)?;
    let mut client = codegen::emit_client(&service, &source).map_err(|e| format!("{source}: {e}"))?;
    client.push(codegen::File { path: LISTING.into(), contents: codegen::listing::render(&service) });
    let cli = match options.cli_out {
        Some(_) => {
            Some(codegen::emit_cli(&service, &source, &options.client_crate).map_err(|e| format!("{source}: {e}"))?)
        }
        None => None,
    };
    Ok((client, cli))
}

/// The document's IR under the lock of the checked-in listing (none yet:
/// no lock), with the generator's warnings and the API's changes printed.
fn read_locked(options: &Options) -> Result<(codegen::ir::Service, String), String> {
    let (spec, hints, source) = read_inputs(options)?;
    let listing_path = options.out.join(LISTING);
    let shown = display_path(&listing_path);
    let previous = match fs::read_to_string(&listing_path) {
        Ok(text) => Some(codegen::listing::Listing::parse(&text, &shown).map_err(|e| e.to_string())?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    let (service, changes) = codegen::read_locked(&spec, hints.as_deref(), previous.as_ref(), options.accept_breaking)
        .map_err(|e| format!("{source}: {e}"))?;
    for warning in &service.warnings {
        eprintln!("warning: {source}: {warning}");
    }
    if !changes.is_empty() {
        eprintln!("{source}: the API changed against {shown}:\n{}", changes.report());
    }
    Ok((service, source))
}

/// The document's and hints' text, and how headers name the document.
fn read_inputs(options: &Options) -> Result<(String, Option<String>, String), String> {
    let source = display_path(&options.spec);
    let spec = fs::read(&options.spec).map_err(|e| format!("cannot read {source}: {e}"))?;
    let spec = codegen::decode(&spec, &source).map_err(|e| e.to_string())?;
    let hints_path = options.hints.clone().or_else(|| {
        let beside = options.spec.with_file_name("hints.json");
        beside.exists().then_some(beside)
    });
    let hints = match &hints_path {
        Some(path) => {
            let shown = display_path(path);
            let bytes = fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
            Some(codegen::decode(&bytes, &shown).map_err(|e| e.to_string())?.to_owned())
        }
        None => None,
    };
    Ok((spec.to_owned(), hints, source))
}

/// Writes the files whose contents differ (or, with `check`, only lists
/// them), and removes generated files the generator no longer makes.
/// Returns the paths that were (or would be) changed.
fn sync(out: &Path, files: &[codegen::File], check: bool) -> Result<Vec<String>, String> {
    let mut changed = Vec::new();
    if !check {
        fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    }
    for file in files {
        let path = out.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        changed.push(display_path(&path));
        if !check {
            fs::write(&path, &file.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    for leftover in leftovers(out, files) {
        changed.push(format!("{} (no longer generated)", display_path(&leftover)));
        if !check {
            fs::remove_file(&leftover).map_err(|e| format!("cannot remove {}: {e}", leftover.display()))?;
        }
    }
    Ok(changed)
}

/// Files in `out` that carry the generated header but are not in `files`.
fn leftovers(out: &Path, files: &[codegen::File]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(out) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| !files.iter().any(|f| p.file_name().is_some_and(|n| n == f.path.as_str())))
        .filter(|p| fs::read_to_string(p).is_ok_and(|t| t.starts_with("// @generated")))
        .collect();
    found.sort();
    found
}

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `path` relative to the workspace root (with `..` when outside it), never
/// absolute, so headers and messages do not depend on where the checkout
/// lives.
fn display_path(path: &Path) -> String {
    let absolute =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    relative(&workspace_root(), &absolute).display().to_string()
}

/// The path from directory `from` to `to`, both absolute.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..].iter().map(|_| "..").collect();
    path.extend(&to[common..]);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the checked-in generated code of any service
    /// is stale.
    #[test]
    fn checked_in_code_is_up_to_date() {
        let jobs = Options::parse_all(&["--check".to_owned()]).unwrap();
        assert_eq!(jobs.len(), SERVICES.len());
        assert!(jobs.iter().all(|j| j.check));
        if let Err(message) = run_all(jobs) {
            panic!("{message}");
        }
    }

    #[test]
    fn the_services_table_gives_the_jobs_and_a_named_document_one() {
        let jobs = Options::parse_all(&[]).unwrap();
        let root = workspace_root();
        assert_eq!(jobs[0].spec, root.join(ECR_SPEC));
        assert_eq!(jobs[0].cli_out, Some(root.join(ECR_CLI_OUT)));
        assert_eq!(jobs[0].client_crate, "ecr_client");
        let custom = Options::parse_all(&["--out".into(), "/tmp/x".into(), "--check".into()]).unwrap();
        assert_eq!(custom.len(), 1);
        assert_eq!(
            (custom[0].out.as_path(), custom[0].cli_out.as_ref(), custom[0].check),
            (Path::new("/tmp/x"), None, true)
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let options = Options::parse(&[]).unwrap();
        assert_eq!(generate(&options).unwrap(), generate(&options).unwrap());
    }

    #[test]
    fn check_names_stale_and_leftover_files_and_write_fixes_them() {
        let dir = std::env::temp_dir().join(format!("xtask-regen-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let args = |check: bool| {
            let mut a = vec!["--out".to_owned(), dir.display().to_string()];
            if check {
                a.push("--check".into());
            }
            Options::parse(&a).unwrap()
        };
        let err = run(args(true)).unwrap_err();
        assert!(err.contains("types.rs") && err.contains("mod.rs"), "{err}");
        run(args(false)).unwrap();
        run(args(true)).unwrap();
        fs::write(dir.join("types.rs"), "// edited\n").unwrap();
        fs::write(dir.join("old.rs"), "// @generated by an earlier version\n").unwrap();
        let err = run(args(true)).unwrap_err();
        assert!(err.contains("types.rs") && err.contains("old.rs (no longer generated)"), "{err}");
        assert!(!err.contains("mod.rs"), "unchanged files are not named: {err}");
        run(args(false)).unwrap();
        run(args(true)).unwrap();
        assert!(!dir.join("old.rs").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn headers_name_documents_relative_to_the_workspace() {
        let root = workspace_root();
        assert_eq!(display_path(&root.join(ECR_SPEC)), ECR_SPEC);
        let outside = root.parent().unwrap().join("shared/specs/x.json");
        assert_eq!(display_path(&outside), "../shared/specs/x.json");
        let far = Path::new("/tmp/elsewhere/doc.json");
        let shown = display_path(far);
        assert!(!shown.starts_with('/') && shown.ends_with("elsewhere/doc.json"), "{shown}");
        // Followed from the workspace root, it leads to the document.
        let mut resolved = root.clone();
        for part in Path::new(&shown).components() {
            match part {
                std::path::Component::ParentDir => assert!(resolved.pop(), "{shown}"),
                other => resolved.push(other),
            }
        }
        assert_eq!(resolved, far);
    }

    #[test]
    fn bad_bytes_are_named() {
        let dir = std::env::temp_dir().join(format!("xtask-bytes-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let cases: [(&str, &[u8], &str); 3] = [
            ("bom.json", b"\xEF\xBB\xBF{}", "starts with a UTF-8 byte order mark"),
            ("latin1.json", b"{\"a\": \"caf\xE9\"}", "is not UTF-8: byte 0xE9 at offset 10"),
            ("array.json", b"[1, 2]", "expected a JSON object at the top level, found an array"),
        ];
        for (name, bytes, expected) in cases {
            fs::write(dir.join(name), bytes).unwrap();
            let options = Options {
                check: true,
                spec: dir.join(name),
                hints: None,
                out: dir.join("out"),
                cli_out: None,
                client_crate: "ecr_client".into(),
                accept_breaking: false,
            };
            let error = generate(&options).unwrap_err();
            assert!(error.contains(expected), "{name}: {error}");
            assert!(error.starts_with("../"), "named relative to the workspace, never absolute: {error}");
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(Options::parse(&["--spec".to_owned()]).unwrap_err().contains("--spec needs a path"));
        assert!(Options::parse(&["--frobnicate".to_owned()]).unwrap_err().contains("unknown argument"));
        let missing = Options { spec: "no/such/file.json".into(), ..Options::parse(&[]).unwrap() };
        assert!(run(missing).unwrap_err().contains("no/such/file.json: No such file"));
    }
}
