//! `ecr push`, `ecr pull` and `ecr copy`, the built binary against the
//! strict ECR stand-in, with skopeo (an independent implementation of the
//! image formats) reading what `ecr pull` writes and writing what `ecr push`
//! reads.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use support::registry::{blob_files, Layout, Registry, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST};

const MIB: usize = 1024 * 1024;

/// Runs `ecr` against the stand-in, as a user whose keys sign for it.
fn ecr(registry: &Registry, args: &[&str]) -> Output {
    let home = support::scratch("images-home");
    Command::new(env!("CARGO_BIN_EXE_ecr"))
        .args(args)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "AKIDIMAGES")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", &registry.url)
        .output()
        .expect("ecr runs")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

/// The error of a failure with exit `code` (v2's layout).
fn failure(output: &Output, code: i32) -> String {
    support::cli_failure(output, code)
}

fn skopeo(args: &[&str]) -> Output {
    let output = Command::new("skopeo").args(["--insecure-policy"]).args(args).output().expect("skopeo runs");
    assert!(output.status.success(), "skopeo {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn layout(dir: &Path) -> (String, String) {
    let mut layout = Layout::default();
    let image = layout.image(OCI_MANIFEST, 21, &[12 * MIB, 2000, 30], "linux/amd64");
    let image_digest = image["digest"].as_str().unwrap().to_owned();
    layout.name(image, "v1");
    let amd = layout.image(DOCKER_MANIFEST, 22, &[40_000], "linux/amd64");
    let arm = layout.image(DOCKER_MANIFEST, 23, &[50_000], "linux/arm64");
    let index = layout.index(OCI_INDEX, vec![amd, arm]);
    let index_digest = index["digest"].as_str().unwrap().to_owned();
    layout.name(index, "multi");
    layout.write_dir(dir);
    (image_digest, index_digest)
}

#[test]
fn push_pull_and_copy_print_their_summaries_and_skip_what_is_there() {
    let registry = Registry::start();
    let dir = support::scratch("cli-images");
    let (digest, index_digest) = layout(&dir.join("src"));
    json(&ecr(&registry, &["create-repository", "--repository-name", "app"]));
    let source = format!("{}:v1", dir.join("src").display());

    // --dry-run says what would move, and moves nothing.
    let dry = json(&ecr(&registry, &["push", &source, "app:v1", "--dry-run"]));
    assert_eq!((dry["layersUploaded"].as_u64(), dry["dryRun"].as_bool()), (Some(4), Some(true)), "{dry}");
    assert_eq!(registry.calls("InitiateLayerUpload") + registry.calls("PutImage"), 0);

    let pushed = json(&ecr(&registry, &["push", "--jobs", "2", &source, "app:v1"]));
    assert_eq!(pushed["imageDigest"], digest.as_str());
    assert_eq!((pushed["layersUploaded"].as_u64(), pushed["layersSkipped"].as_u64()), (Some(4), Some(0)));
    let bytes: u64 = (12 * MIB + 2000 + 30) as u64;
    assert!(pushed["bytesUploaded"].as_u64().unwrap() > bytes, "layers and config: {pushed}");

    registry.reset_stats();
    let again = json(&ecr(&registry, &["push", &source, "app:v1"]));
    assert_eq!((again["layersUploaded"].as_u64(), again["layersSkipped"].as_u64()), (Some(0), Some(4)));
    assert_eq!(registry.calls("UploadLayerPart"), 0);

    let text =
        ecr(&registry, &["--output", "text", "push", &format!("{}:multi", dir.join("src").display()), "app:multi"]);
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let line = String::from_utf8(text.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains(&index_digest), "{line}");

    // Pull into a layout directory: the same bytes.
    let pulled = dir.join("pulled");
    let summary = json(&ecr(&registry, &["pull", "app:v1", pulled.to_str().unwrap()]));
    assert_eq!(
        (summary["imageDigest"].as_str(), summary["layersDownloaded"].as_u64()),
        (Some(digest.as_str()), Some(4))
    );
    let summary = json(&ecr(&registry, &["pull", "app:multi", pulled.to_str().unwrap()]));
    assert_eq!(summary["imageDigest"], index_digest.as_str());
    assert_eq!(blob_files(&pulled), blob_files(&dir.join("src")));

    // Copy every tag to another region: digests kept.
    let west = "123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror";
    json(&ecr(&registry, &["--region", "us-west-2", "create-repository", "--repository-name", "mirror"]));
    let copied = json(&ecr(&registry, &["copy", "--all-tags", "app", west]));
    let images = copied["images"].as_array().unwrap();
    assert_eq!(images.len(), 2, "{copied}");
    assert_eq!(images[0], serde_json::json!({"imageTag": "multi", "imageDigest": index_digest}));
    assert_eq!(images[1], serde_json::json!({"imageTag": "v1", "imageDigest": digest}));
    let copied = json(&ecr(&registry, &["copy", "app:v1", &format!("{west}:again")]));
    assert_eq!((copied["layersUploaded"].as_u64(), copied["bytesUploaded"].as_u64()), (Some(0), Some(0)));
    // `--region` chooses the source's region; the destination's host its own.
    let copied = json(&ecr(&registry, &["--region", "us-east-1", "copy", "app:v1", &format!("{west}:explicit")]));
    assert_eq!(copied["imageDigest"], digest.as_str());
    let found = json(&ecr(&registry, &["--region", "us-west-2", "list-images", "--repository-name", "mirror"]));
    let explicit = serde_json::json!({"imageTag": "explicit", "imageDigest": digest});
    assert!(found["imageIds"].as_array().unwrap().contains(&explicit), "it landed in us-west-2: {found}");
}

#[test]
fn failures_have_the_aws_cli_exit_codes_and_name_what_failed() {
    let registry = Registry::start();
    let dir = support::scratch("cli-images-failures");
    let (_, _) = layout(&dir.join("src"));
    let source = format!("{}:v1", dir.join("src").display());
    // Bad usage and references: 252, before any call.
    let error = failure(&ecr(&registry, &["push", &source, "App:v1"]), 252);
    assert!(error.contains("\"App\" is not an ECR repository name"), "{error}");
    let error = failure(&ecr(&registry, &["push", &source, "docker.io/library/app"]), 252);
    assert!(error.contains("is not an ECR registry host"), "{error}");
    let error = failure(&ecr(&registry, &["push", &source]), 252);
    assert!(error.contains("usage: ecr push SOURCE DEST"), "{error}");
    let error = failure(&ecr(&registry, &["push", "/nonexistent/layout", "app"]), 252);
    assert!(error.contains("neither an image layout directory nor a tarball"), "{error}");
    let error = failure(&ecr(&registry, &["pull", "app", "out", "--format", "zip"]), 252);
    assert!(error.contains("--format must be oci or docker"), "{error}");
    let error = failure(&ecr(&registry, &["push", &format!("{}:nope", dir.join("src").display()), "app"]), 252);
    assert!(error.contains("no image named \"nope\" (names: v1, multi)"), "{error}");
    assert_eq!(registry.stats()["calls"], serde_json::json!({}));
    // The service's refusal: 254.
    let error = failure(&ecr(&registry, &["push", &source, "missing:v1"]), 254);
    assert!(error.contains("RepositoryNotFoundException"), "{error}");
    json(&ecr(&registry, &["create-repository", "--repository-name", "app"]));
    let error = failure(&ecr(&registry, &["pull", "app:absent", dir.join("out").to_str().unwrap()]), 254);
    assert!(error.contains("ImageNotFound"), "{error}");
    // A corrupted blob: 255, naming its digest.
    let big = blob_files(&dir.join("src")).into_iter().find(|(_, b)| b.len() == 12 * MIB).unwrap();
    let path = dir.join("src/blobs/sha256").join(&big.0);
    let mut bytes = big.1.clone();
    bytes[100] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let error = failure(&ecr(&registry, &["push", &source, "app:v1"]), 255);
    assert!(error.contains(&format!("sha256:{}", big.0)) && error.contains("do not match"), "{error}");
    assert_eq!(registry.calls("PutImage"), 0);
}

#[test]
fn skopeo_reads_what_ecr_pull_writes_and_writes_what_ecr_push_reads() {
    if !support::has_program("skopeo", "the skopeo interoperability test") {
        return;
    }
    let registry = Registry::start();
    let dir = support::scratch("cli-images-skopeo");
    let (digest, index_digest) = layout(&dir.join("src"));
    json(&ecr(&registry, &["create-repository", "--repository-name", "app"]));
    json(&ecr(&registry, &["push", &format!("{}:v1", dir.join("src").display()), "app:v1"]));
    json(&ecr(&registry, &["push", &format!("{}:multi", dir.join("src").display()), "app:multi"]));

    // skopeo copies what `ecr pull` wrote (checking every blob's digest),
    // and sees the same manifest.
    let pulled = dir.join("pulled");
    json(&ecr(&registry, &["pull", "app:v1", pulled.to_str().unwrap()]));
    let raw = skopeo(&["inspect", "--raw", &format!("oci:{}:v1", pulled.display())]).stdout;
    assert_eq!(support::registry::digest_of(&raw), digest);
    skopeo(&["copy", &format!("oci:{}:v1", pulled.display()), &format!("oci:{}:v1", dir.join("by-skopeo").display())]);
    json(&ecr(&registry, &["pull", "--platform", "linux/arm64", "app:multi", pulled.to_str().unwrap()]));

    // A tarball for `docker load`, which skopeo reads as a docker archive.
    let tarball = dir.join("v1.tar");
    json(&ecr(
        &registry,
        &["pull", "--format", "docker", "--platform", "linux/amd64", "app:multi", tarball.to_str().unwrap()],
    ));
    let inspected: Value =
        serde_json::from_slice(&skopeo(&["inspect", &format!("docker-archive:{}", tarball.display())]).stdout).unwrap();
    assert_eq!(inspected["RepoTags"], serde_json::json!([]), "{inspected}");
    assert_eq!(inspected["Architecture"], "amd64");
    assert!(!dir.join("v1.tar.layout.partial").exists());

    // skopeo writes an OCI archive; ecr pushes it; the digest is skopeo's.
    let archive = dir.join("skopeo.tar");
    skopeo(&[
        "copy",
        &format!("oci:{}:v1", dir.join("by-skopeo").display()),
        &format!("oci-archive:{}:v2", archive.display()),
    ]);
    let raw = skopeo(&["inspect", "--raw", &format!("oci-archive:{}:v2", archive.display())]).stdout;
    let pushed = json(&ecr(&registry, &["push", &format!("{}:v2", archive.display()), "app:v2"]));
    assert_eq!(pushed["imageDigest"], support::registry::digest_of(&raw).as_str());

    // skopeo's docker-archive is `docker save`'s format before Docker 25:
    // uncompressed layers. ecr pushes the Docker v2 schema 2 image of those
    // layers gzip'd: pulled back, they unzip to the very bytes.
    let old = dir.join("old.tar");
    skopeo(&[
        "copy",
        &format!("oci:{}:v1", dir.join("by-skopeo").display()),
        &format!("docker-archive:{}:app:old", old.display()),
    ]);
    let pushed = json(&ecr(&registry, &["push", old.to_str().unwrap(), "app:old"]));
    let back = dir.join("old-back");
    json(&ecr(&registry, &["pull", "app:old", back.to_str().unwrap()]));
    let blob = |dir: &Path, digest: &str| std::fs::read(dir.join("blobs/sha256").join(&digest[7..])).unwrap();
    let manifest: Value = serde_json::from_slice(&blob(&back, pushed["imageDigest"].as_str().unwrap())).unwrap();
    let original: Value = serde_json::from_slice(&blob(&dir.join("src"), &digest)).unwrap();
    assert_eq!(manifest["mediaType"], DOCKER_MANIFEST);
    assert_eq!(manifest["config"]["digest"], original["config"]["digest"], "the config is kept byte for byte");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    for (layer, source) in layers.iter().zip(original["layers"].as_array().unwrap()) {
        assert_eq!(layer["mediaType"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&blob(&back, layer["digest"].as_str().unwrap())[..]),
            &mut unzipped,
        )
        .unwrap();
        assert!(unzipped == blob(&dir.join("src"), source["digest"].as_str().unwrap()), "layer {}", source["digest"]);
    }
    // The index pushed as one: its digest unchanged by the round trip.
    let summary = json(&ecr(&registry, &["pull", "app:multi", dir.join("multi").to_str().unwrap()]));
    assert_eq!(summary["imageDigest"], index_digest.as_str());
    skopeo(&["inspect", "--raw", &format!("oci:{}:multi", dir.join("multi").display())]);
}

#[test]
fn progress_is_drawn_on_a_terminal_and_not_on_a_pipe() {
    if !support::has_program("script", "progress on a terminal") {
        return;
    }
    let registry = Registry::start();
    let dir = support::scratch("cli-images-progress");
    layout(&dir.join("src"));
    json(&ecr(&registry, &["create-repository", "--repository-name", "app"]));
    json(&ecr(&registry, &["create-repository", "--repository-name", "piped"]));
    let source = format!("{}:v1", dir.join("src").display());
    // On a pipe: the summary, and nothing on stderr.
    let piped = ecr(&registry, &["push", &source, "piped:v1"]);
    assert!(piped.status.success() && piped.stderr.is_empty(), "{}", String::from_utf8_lossy(&piped.stderr));
    // `script` gives it a terminal: a bar per blob in flight and one with
    // the totals, erased before the summary.
    // One blob at a time, each part answered late: every part is drawn.
    registry.set(serde_json::json!({"part_delay_ms": 300}));
    let command = format!("{} push --jobs 1 {source} app:v1", env!("CARGO_BIN_EXE_ecr"));
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("AWS_ACCESS_KEY_ID", "AKIDIMAGES")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", &registry.url)
        .env("HOME", support::scratch("images-progress-home"))
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("4/4 blobs, 12.0 MiB of 12.0 MiB") && screen.contains("[###"), "{screen:?}");
    let big = screen.lines().any(|l| l.contains("  sha256:") && l.ends_with(" of 12.0 MiB"));
    assert!(big, "a bar for the 12 MiB layer: {screen:?}");
    let summary = screen.find('{').unwrap();
    assert!(screen[..summary].ends_with("\x1b[J"), "the bars are erased before the summary: {screen:?}");
    assert!(screen.contains("\"layersUploaded\": 4"), "{screen:?}");
    assert!(screen.find("imageDigest") < screen.find("layersUploaded"), "the digest first: {screen:?}");
}

#[test]
fn an_immutable_tag_is_refused_by_the_service_and_a_dry_run_pull_writes_nothing() {
    let registry = Registry::start();
    let dir = support::scratch("cli-images-immutable");
    layout(&dir.join("src"));
    json(&ecr(&registry, &["create-repository", "--repository-name", "fixed", "--image-tag-mutability", "IMMUTABLE"]));
    json(&ecr(&registry, &["push", &format!("{}:v1", dir.join("src").display()), "fixed:v1"]));
    // The same image again: already there, success.
    json(&ecr(&registry, &["push", &format!("{}:v1", dir.join("src").display()), "fixed:v1"]));
    // Another image under the same tag: the service's refusal, 254.
    let error = failure(&ecr(&registry, &["push", &format!("{}:multi", dir.join("src").display()), "fixed:v1"]), 254);
    assert!(error.contains("ImageTagAlreadyExistsException"), "{error}");

    let out = dir.join("dry");
    let summary = json(&ecr(&registry, &["pull", "--dry-run", "fixed:v1", out.to_str().unwrap()]));
    assert_eq!((summary["layersDownloaded"].as_u64(), summary["dryRun"].as_bool()), (Some(4), Some(true)));
    assert!(!out.exists(), "a dry run writes nothing");
    assert_eq!(registry.stats()["blob_gets"], 0);
}

#[test]
fn an_archived_image_is_refused_before_any_blob_moves_naming_how_to_restore_it() {
    let registry = Registry::start();
    let dir = support::scratch("cli-images-archived");
    let (digest, _) = layout(&dir.join("src"));
    json(&ecr(&registry, &["create-repository", "--repository-name", "app"]));
    json(&ecr(&registry, &["push", &format!("{}:v1", dir.join("src").display()), "app:v1"]));
    let archived = json(&ecr(
        &registry,
        &[
            "update-image-storage-class",
            "--repository-name",
            "app",
            "--image-id",
            "imageTag=v1",
            "--target-storage-class",
            "ARCHIVE",
        ],
    ));
    assert_eq!(archived["imageStatus"], "ARCHIVED", "{archived}");

    let restore = format!(
        "`ecr update-image-storage-class --repository-name app --image-id imageDigest={digest} --target-storage-class STANDARD`"
    );
    let pulled = dir.join("pulled");
    let error = failure(&ecr(&registry, &["pull", "app:v1", pulled.to_str().unwrap()]), 254);
    assert!(error.contains(&format!("app@{digest} is archived (ARCHIVED)")) && error.contains(&restore), "{error}");
    json(&ecr(&registry, &["create-repository", "--repository-name", "mirror"]));
    let error = failure(&ecr(&registry, &["copy", "app:v1", "mirror:v1"]), 254);
    assert!(error.contains(&restore), "{error}");
    let stats = registry.stats();
    assert_eq!((stats["calls"].get("GetDownloadUrlForLayer"), stats["blob_gets"].as_u64()), (None, Some(0)), "{stats}");
    assert!(!pulled.join("blobs").exists() || blob_files(&pulled).is_empty(), "no blob moved");

    // Restored, it pulls.
    let restored = json(&ecr(
        &registry,
        &[
            "update-image-storage-class",
            "--repository-name",
            "app",
            "--image-id",
            &format!("imageDigest={digest}"),
            "--target-storage-class",
            "STANDARD",
        ],
    ));
    assert_eq!(restored["imageStatus"], "ACTIVE");
    let summary = json(&ecr(&registry, &["pull", "app:v1", pulled.to_str().unwrap()]));
    assert_eq!(summary["imageDigest"], digest.as_str());
}

#[test]
fn a_tag_its_exclusion_filter_exempts_is_overwritten_and_another_is_refused() {
    let registry = Registry::start();
    let dir = support::scratch("cli-images-exclusions");
    let (_, index_digest) = layout(&dir.join("src"));
    let source = |name: &str| format!("{}:{name}", dir.join("src").display());
    let created = json(&ecr(
        &registry,
        &[
            "create-repository",
            "--repository-name",
            "pinned",
            "--image-tag-mutability",
            "IMMUTABLE_WITH_EXCLUSION",
            "--image-tag-mutability-exclusion-filters",
            "filterType=WILDCARD,filter=latest*",
        ],
    ));
    assert_eq!(created["repository"]["repositoryName"], "pinned");
    for tag in ["v1", "latest", "latest-amd64"] {
        json(&ecr(&registry, &["push", &source("v1"), &format!("pinned:{tag}")]));
    }
    // Another image: the exempt tags move, the pinned one is refused.
    for tag in ["latest", "latest-amd64"] {
        let pushed = json(&ecr(&registry, &["push", &source("multi"), &format!("pinned:{tag}")]));
        assert_eq!(pushed["imageDigest"], index_digest.as_str());
    }
    let error = failure(&ecr(&registry, &["push", &source("multi"), "pinned:v1"]), 254);
    assert!(error.contains("ImageTagAlreadyExistsException"), "{error}");
    let listed = json(&ecr(&registry, &["list-images", "--repository-name", "pinned"]));
    let moved: Vec<&str> = listed["imageIds"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|id| id["imageDigest"] == index_digest.as_str())
        .map(|id| id["imageTag"].as_str().unwrap())
        .collect();
    assert_eq!(moved, ["latest", "latest-amd64"]);
}
