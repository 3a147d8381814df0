//! `ecr push`, `ecr pull` and `ecr copy`: images moved with ECR's API alone
//! (`ecr_client::image`), a JSON summary on stdout, progress on a terminal.

use crate::parsing::globals::Globals;
use crate::Failure;
use ecr_client::image::{self, ImageError, LocalImage, OciLayout, Platform, PullOptions, Reference, Summary, Transfer};
use ecr_client::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A parsed `push`, `pull` or `copy`.
#[derive(Debug)]
pub struct Move {
    /// What moves where.
    pub kind: Kind,
    /// `--jobs N`: blobs at once.
    pub jobs: usize,
    /// `--dry-run`: say what would move.
    pub dry_run: bool,
    /// `--platform OS/ARCH[/VARIANT]`, for pull and copy.
    pub platform: Option<Platform>,
}

/// The three moves.
#[derive(Debug)]
pub enum Kind {
    /// `push SOURCE DEST`.
    Push {
        /// A layout directory or tarball, with the `index.json` name after `:`.
        source: Source,
        /// Where to.
        destination: Reference,
    },
    /// `pull SOURCE DEST [--format oci|docker]`.
    Pull {
        /// What to pull.
        source: Reference,
        /// A layout directory, or the tarball to write.
        destination: PathBuf,
        /// `--format docker`: a tarball for `docker load`.
        docker: bool,
    },
    /// `copy SOURCE DEST [--all-tags]`.
    Copy {
        /// From.
        source: Reference,
        /// To.
        destination: Reference,
        /// Every tag of the source repository.
        all_tags: bool,
    },
}

/// A local image: a path and, optionally, the `index.json` name in it.
#[derive(Debug)]
pub struct Source {
    /// The directory or tarball.
    pub path: PathBuf,
    /// The name after `:`.
    pub name: Option<String>,
}

impl Source {
    /// `PATH` if it exists as written, else `PATH:NAME`.
    fn parse(text: &str) -> Result<Self, String> {
        if Path::new(text).exists() {
            return Ok(Self { path: text.into(), name: None });
        }
        match text.rsplit_once(':') {
            Some((path, name)) if Path::new(path).exists() && !name.is_empty() => {
                Ok(Self { path: path.into(), name: Some(name.to_owned()) })
            }
            _ => Err(format!(
                "push: {text:?} is neither an image layout directory nor a tarball (DIR, DIR:NAME, FILE.tar)"
            )),
        }
    }
}

/// Parses the words and flags after `push`, `pull` or `copy`: `positional`
/// holds the command name first; `flags` each flag with its words.
pub fn parse(positional: &[String], flags: Vec<(String, Vec<String>)>) -> Result<Move, String> {
    let command = positional[0].as_str();
    let mut words: Vec<String> = positional[1..].to_vec();
    let (mut jobs, mut dry_run, mut platform, mut docker, mut all_tags) = (4, false, None, false, false);
    for (name, mut values) in flags {
        // Words after a flag that takes none are positional.
        let value = |values: &mut Vec<String>| -> Result<String, String> {
            if values.is_empty() {
                return Err(format!("{command}: --{name} needs a value"));
            }
            Ok(values.remove(0))
        };
        match (command, name.as_str()) {
            (_, "dry-run") => dry_run = true,
            (_, "jobs") => {
                let text = value(&mut values)?;
                jobs =
                    text.parse().ok().filter(|n| (1..=64).contains(n)).ok_or_else(|| {
                        format!("{command}: --jobs must be a whole number from 1 to 64, not {text:?}")
                    })?;
            }
            ("pull" | "copy", "platform") => platform = Some(Platform::parse(&value(&mut values)?)?),
            ("pull", "format") => {
                docker = match value(&mut values)?.as_str() {
                    "oci" => false,
                    "docker" => true,
                    other => return Err(format!("pull: --format must be oci or docker, not {other:?}")),
                }
            }
            ("copy", "all-tags") => all_tags = true,
            (_, other) => return Err(format!("{command}: unknown flag --{other} (see `ecr {command} --help`)")),
        }
        words.extend(values);
    }
    let [source, destination] = words.as_slice() else {
        return Err(format!("usage: ecr {command} SOURCE DEST (see `ecr {command} --help`)"));
    };
    let kind = match command {
        "push" => Kind::Push { source: Source::parse(source)?, destination: Reference::parse(destination)? },
        "pull" => Kind::Pull { source: Reference::parse(source)?, destination: destination.into(), docker },
        _ => {
            let source = Reference::parse(source)?;
            if all_tags && (source.tag.is_some() || source.digest.is_some()) {
                return Err(format!("copy: --all-tags copies every tag of a repository; {source} names one image"));
            }
            Kind::Copy { source, destination: Reference::parse(destination)?, all_tags }
        }
    };
    Ok(Move { kind, jobs, dry_run, platform })
}

/// Runs a move and prints its summary.
pub async fn run(globals: &Globals, parsed: Move) -> Result<(), Failure> {
    let meter = Meter::on_stderr();
    let transfer = {
        let meter = meter.clone();
        Transfer::default().jobs(parsed.jobs).dry_run(parsed.dry_run).progress(move |p| meter.update(p))
    };
    let options = PullOptions::default().platform(parsed.platform.clone());
    let (summary, uploaded, images) = match &parsed.kind {
        Kind::Push { source, destination } => {
            let layout = OciLayout::open(&source.path).map_err(failure)?;
            let local = layout.image(source.name.as_deref()).map_err(failure)?;
            let to = Destination::of(globals, destination).await?;
            (to.push(&local, destination, &transfer).await.map_err(failure)?, true, None)
        }
        Kind::Pull { source, destination, docker } => {
            let client = client_for(globals, source).await?;
            (pull(&client, source, destination, *docker, &options, &transfer).await?, false, None)
        }
        Kind::Copy { source, destination, all_tags } => {
            let from = client_for(globals, source).await?;
            let to = Destination::of(globals, destination).await?;
            if *all_tags {
                let (total, images) = copy_all_tags(&from, source, &to, destination, &options, &transfer).await?;
                (total, true, Some(images))
            } else {
                (to.copy(&from, source, destination, &options, &transfer).await.map_err(failure)?, true, None)
            }
        }
    };
    meter.finish();
    // Written member by member: the digest first, then the counts.
    let mut members = match images {
        Some(images) => vec![("images", images)],
        None => vec![("imageDigest", summary.image_digest.into())],
    };
    let (moved, bytes) =
        if uploaded { ("layersUploaded", "bytesUploaded") } else { ("layersDownloaded", "bytesDownloaded") };
    members.push((moved, summary.blobs_moved.into()));
    members.push(("layersSkipped", summary.blobs_skipped.into()));
    members.push((bytes, summary.bytes_moved.into()));
    if parsed.dry_run {
        members.push(("dryRun", true.into()));
    }
    let fields: Vec<String> = members.iter().map(|(name, value)| format!("{}:{value}", Value::from(*name))).collect();
    let title = match parsed.kind {
        Kind::Push { .. } => "Push",
        Kind::Pull { .. } => "Pull",
        Kind::Copy { .. } => "Copy",
    };
    crate::output::print_json(&format!("{{{}}}", fields.join(",")), globals, title)
}

async fn pull(
    client: &Client,
    source: &Reference,
    destination: &Path,
    docker: bool,
    options: &PullOptions,
    transfer: &Transfer,
) -> Result<Summary, Failure> {
    if !docker {
        return image::pull(client, source, &OciLayout::new(destination), options, transfer).await.map_err(failure);
    }
    // A layout beside the tarball, removed once the tarball is written.
    let staging = PathBuf::from(format!("{}.layout.partial", destination.display()));
    let layout = OciLayout::new(&staging);
    let result = async {
        let summary = image::pull(client, source, &layout, options, transfer).await?;
        if !transfer.dry_run {
            let digest = image::Digest::parse(&summary.image_digest).map_err(ImageError::Invalid)?;
            let tag = source.tag.as_ref().map(|t| format!("{}:{t}", source.repository));
            layout.save_docker_archive(&digest, tag.as_deref(), destination)?;
        }
        Ok(summary)
    }
    .await;
    let _ = std::fs::remove_dir_all(&staging);
    result.map_err(failure)
}

/// Copies every tag of `source`'s repository, one image after the other.
async fn copy_all_tags(
    from: &Client,
    source: &Reference,
    to: &Destination,
    destination: &Reference,
    options: &PullOptions,
    transfer: &Transfer,
) -> Result<(Summary, Value), Failure> {
    let mut request = from.list_images().repository_name(&source.repository).filter(
        ecr_client::types::ListImagesFilter::builder().tag_status(ecr_client::types::TagStatus::Tagged).build(),
    );
    if let Some(id) = source.registry_id() {
        request = request.registry_id(id);
    }
    let ids = request.into_paginator().collect_items().await.map_err(Failure::from_sdk)?;
    let mut tags: Vec<String> = ids.into_iter().filter_map(|id| id.image_tag).collect();
    tags.sort();
    tags.dedup();
    let mut total = Summary::default();
    let mut images = Vec::new();
    for tag in tags {
        let copied = to
            .copy(from, &source.with_tag(&tag), &destination.with_tag(&tag), options, transfer)
            .await
            .map_err(failure)?;
        images.push(json!({"imageTag": tag, "imageDigest": copied.image_digest}));
        total.blobs_moved += copied.blobs_moved;
        total.blobs_skipped += copied.blobs_skipped;
        total.bytes_moved += copied.bytes_moved;
    }
    Ok((total, images.into()))
}

/// Where a push or copy goes: a private repository, or one of ECR Public.
enum Destination {
    Ecr(Client),
    Public(ecr_public_client::Client),
}

impl Destination {
    /// A client of the service `destination` is in.
    async fn of(globals: &Globals, destination: &Reference) -> Result<Self, Failure> {
        Ok(match destination.public_alias() {
            Some(_) => Self::Public(public_client(globals).await?),
            None => Self::Ecr(client_for(globals, destination).await?),
        })
    }

    async fn push(
        &self,
        image: &LocalImage,
        destination: &Reference,
        transfer: &Transfer,
    ) -> Result<Summary, ImageError> {
        match self {
            Self::Ecr(to) => image::push(to, image, destination, transfer).await,
            Self::Public(to) => image::push_public(to, image, destination, transfer).await,
        }
    }

    async fn copy(
        &self,
        from: &Client,
        source: &Reference,
        destination: &Reference,
        options: &PullOptions,
        transfer: &Transfer,
    ) -> Result<Summary, ImageError> {
        match self {
            Self::Ecr(to) => image::copy(from, source, to, destination, options, transfer).await,
            Self::Public(to) => image::copy_public(from, source, to, destination, options, transfer).await,
        }
    }
}

/// A client of ECR Public, which serves its API in us-east-1 (as the
/// credential helper calls it), the rest as for every command.
async fn public_client(globals: &Globals) -> Result<ecr_public_client::Client, Failure> {
    crate::session::public_client_with(globals, ecr_client::Config::builder().region("us-east-1")).await
}

/// A client for the registry `reference` names: its region and FIPS-ness
/// from the host, the rest as for every command. A host's region wins over
/// `--region`, which chooses the region of references without one (in a
/// copy across regions, the source's).
async fn client_for(globals: &Globals, reference: &Reference) -> Result<Client, Failure> {
    match reference.registry() {
        Some(registry) => {
            let builder = ecr_client::Config::builder().region(&registry.region).use_fips(registry.fips);
            crate::session::client_with(&Globals { region: None, ..globals.clone() }, builder).await
        }
        None => crate::session::client_with(globals, ecr_client::Config::builder()).await,
    }
}

/// The exit code and message of a failed move: bad input 252, the
/// service's refusal 254, a digest mismatch or the network 255.
fn failure(error: ImageError) -> Failure {
    match error {
        ImageError::Invalid(message) => Failure::usage(message),
        ImageError::Call(e) => Failure::from_sdk(e),
        ImageError::Refused { .. } | ImageError::Archived { .. } => Failure::new(Failure::SERVICE, error.to_string()),
        other => Failure::new(Failure::OTHER, other.to_string()),
    }
}

/// A bar per blob in flight and one for the totals, redrawn at most ten
/// times a second, on stderr when it is a terminal; erased before the
/// summary.
#[derive(Clone)]
struct Meter(Arc<Mutex<MeterState>>);

struct MeterState {
    on_terminal: bool,
    /// Done and total bytes by digest, in the order blobs started.
    blobs: Vec<(String, u64, u64)>,
    /// Lines drawn last time (the cursor is below them).
    lines: usize,
    drawn: Option<Instant>,
}

/// Bars shown for blobs in flight, at most.
const BLOB_BARS: usize = 8;

impl Meter {
    fn on_stderr() -> Self {
        use std::io::IsTerminal as _;
        let state =
            MeterState { on_terminal: std::io::stderr().is_terminal(), blobs: Vec::new(), lines: 0, drawn: None };
        Self(Arc::new(Mutex::new(state)))
    }

    /// Erases the bars for good: what follows is the summary.
    fn finish(&self) {
        if let Ok(mut state) = self.0.lock() {
            state.draw(String::new(), 0);
            state.on_terminal = false;
        }
    }

    fn update(&self, progress: &image::Progress) {
        let Ok(mut state) = self.0.lock() else { return };
        if !state.on_terminal {
            return;
        }
        let digest = progress.digest.to_string();
        match state.blobs.iter_mut().find(|(d, _, _)| *d == digest) {
            Some(blob) => (blob.1, blob.2) = (progress.done, progress.total),
            None => state.blobs.push((digest, progress.done, progress.total)),
        }
        let due = state.drawn.is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if !due && progress.done != progress.total {
            return;
        }
        let mut text = String::new();
        let in_flight = state.blobs.iter().filter(|(_, done, total)| done < total && *done > 0);
        let mut lines = 0;
        for (digest, done, total) in in_flight.take(BLOB_BARS) {
            let short = digest.get(..19).unwrap_or(digest);
            text += &format!("  {short} {} {} of {}\n", bar(*done, *total, 20), mib(*done), mib(*total));
            lines += 1;
        }
        let (done, total) = state.blobs.iter().fold((0, 0), |(d, t), (_, bd, bt)| (d + bd, t + bt));
        let finished = state.blobs.iter().filter(|(_, d, t)| d == t).count();
        text += &format!(
            "{} {finished}/{} blobs, {} of {}\n",
            bar(done, total, 30),
            state.blobs.len(),
            mib(done),
            mib(total)
        );
        state.draw(text, lines + 1);
        state.drawn = Some(Instant::now());
    }
}

impl MeterState {
    /// Replaces the lines drawn last time by `text` of `lines` lines.
    fn draw(&mut self, text: String, lines: usize) {
        if !self.on_terminal {
            return;
        }
        use std::io::Write as _;
        let mut stderr = std::io::stderr().lock();
        // Up to the first line drawn, then clear to the end of the screen.
        let up = if self.lines > 0 { format!("\x1b[{}F", self.lines) } else { String::new() };
        let _ = write!(stderr, "{up}\x1b[J{text}");
        let _ = stderr.flush();
        self.lines = lines;
    }
}

fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 { width } else { ((done as f64 / total as f64) * width as f64) as usize }.min(width);
    format!("[{}{}]", "#".repeat(filled), " ".repeat(width - filled))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
