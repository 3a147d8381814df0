//! Moving images against the strict ECR stand-in (`data/registry_server.py`):
//! round trips byte for byte, skipped blobs, refused corrupt input, and
//! every injected fault ending in a complete, verified image.

mod support;

use ecr_client::image::{self, ImageError, OciLayout, Platform, PullOptions, Reference, Transfer};
use serde_json::json;
use std::path::Path;
use support::registry::{
    blob_files, digest_of, Layout, Registry, DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST,
};

const MIB: usize = 1024 * 1024;

fn client(registry: &Registry, region: &str) -> ecr_client::Client {
    support::local_client(&registry.url, |b| b.region(region))
}

async fn create(client: &ecr_client::Client, name: &str) {
    client.create_repository().repository_name(name).send().await.expect("repository created");
}

fn reference(text: &str) -> Reference {
    Reference::parse(text).unwrap()
}

/// One image of each kind, written as a layout; returns its entry names.
fn layouts(dir: &Path) -> (Layout, Vec<(&'static str, String)>) {
    let mut layout = Layout::default();
    let mut names = Vec::new();
    // 23 MiB: three parts of 10 MiB, the last 3 MiB.
    let oci = layout.image(OCI_MANIFEST, 1, &[23 * MIB, 1000, 17], "linux/amd64");
    names.push(("oci", oci["digest"].as_str().unwrap().to_owned()));
    layout.name(oci, "oci");
    let docker = layout.image(DOCKER_MANIFEST, 2, &[300_000, 5], "linux/amd64");
    names.push(("docker", docker["digest"].as_str().unwrap().to_owned()));
    layout.name(docker, "docker");
    let amd = layout.image(OCI_MANIFEST, 3, &[2 * MIB, 1000], "linux/amd64");
    let arm = layout.image(OCI_MANIFEST, 4, &[2 * MIB, 1000], "linux/arm64");
    let index = layout.index(OCI_INDEX, vec![amd, arm]);
    names.push(("index", index["digest"].as_str().unwrap().to_owned()));
    layout.name(index, "index");
    let amd = layout.image(DOCKER_MANIFEST, 5, &[70_000], "linux/amd64");
    let arm = layout.image(DOCKER_MANIFEST, 6, &[80_000], "linux/arm64");
    let list = layout.index(DOCKER_LIST, vec![amd, arm]);
    names.push(("list", list["digest"].as_str().unwrap().to_owned()));
    layout.name(list, "list");
    layout.write_dir(dir);
    (layout, names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_image_pushes_and_pulls_back_byte_identical() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-kinds");
    let (source, names) = layouts(&dir.join("source"));
    let layout = OciLayout::new(dir.join("source"));
    for (name, digest) in &names {
        let image = layout.image(Some(name)).unwrap();
        let pushed = image::push(&client, &image, &reference(&format!("app:{name}")), &Transfer::default()).await;
        let pushed = pushed.unwrap_or_else(|e| panic!("push {name}: {e}"));
        assert_eq!(&pushed.image_digest, digest, "{name}");
    }
    // Parts in ECR's size: the 23 MiB layer went as 10 + 10 + 3 MiB.
    assert!(registry.stats()["parts"].as_u64().unwrap() >= 3);

    let pulled = OciLayout::new(dir.join("pulled"));
    for (name, digest) in &names {
        let summary = image::pull(
            &client,
            &reference(&format!("app:{name}")),
            &pulled,
            &PullOptions::default(),
            &Transfer::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("pull {name}: {e}"));
        assert_eq!(&summary.image_digest, digest, "{name}");
    }
    // Every blob and manifest, byte for byte, and nothing else.
    assert_eq!(blob_files(&dir.join("pulled")), blob_files(&dir.join("source")));
    assert_eq!(source.blobs.len(), blob_files(&dir.join("pulled")).len());
    // index.json names each by its tag, with its digest.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("pulled/index.json")).unwrap()).unwrap();
    for (name, digest) in &names {
        let entry = index["manifests"].as_array().unwrap().iter().find(|e| e["annotations"][image::REF_NAME] == *name);
        assert_eq!(entry.unwrap()["digest"], *digest.as_str(), "{name}");
    }
    // The pulled layout pushes again, with nothing to upload.
    registry.reset_stats();
    let again = OciLayout::new(dir.join("pulled"));
    for (name, digest) in &names {
        let summary = image::push(
            &client,
            &again.image(Some(name)).unwrap(),
            &reference(&format!("app:{name}")),
            &Transfer::default(),
        )
        .await
        .unwrap();
        assert_eq!((&summary.image_digest, summary.blobs_moved), (digest, 0), "{name}");
    }
    assert_eq!(registry.calls("UploadLayerPart"), 0);
    assert_eq!(registry.calls("InitiateLayerUpload"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_by_platform_takes_one_image_and_a_missing_platform_says_which_exist() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "multi").await;
    let dir = support::scratch("images-platform");
    let (_, names) = layouts(&dir.join("source"));
    let image = OciLayout::new(dir.join("source")).image(Some("index")).unwrap();
    image::push(&client, &image, &reference("multi:v1"), &Transfer::default()).await.unwrap();
    let arm = image.root.children().iter().find(|c| c.platform.as_ref().unwrap().architecture == "arm64").unwrap();
    let options = PullOptions::default().platform(Some(Platform::parse("linux/arm64").unwrap()));
    let pulled = OciLayout::new(dir.join("arm"));
    let summary = image::pull(&client, &reference("multi:v1"), &pulled, &options, &Transfer::default()).await.unwrap();
    assert_eq!(summary.image_digest, arm.digest.as_str());
    assert_ne!(summary.image_digest, names.iter().find(|n| n.0 == "index").unwrap().1);
    // The arm image alone: its manifest, config and two layers.
    assert_eq!(blob_files(&dir.join("arm")).len(), 4);
    let options = PullOptions::default().platform(Some(Platform::parse("windows/amd64").unwrap()));
    let error =
        image::pull(&client, &reference("multi:v1"), &pulled, &options, &Transfer::default()).await.unwrap_err();
    assert_eq!(error.to_string(), "multi:v1 has no image for windows/amd64 (it has: linux/amd64, linux/arm64)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_blob_fails_the_push_naming_its_digest_and_nothing_is_put() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-corrupt");
    let mut layout = Layout::default();
    let descriptor = layout.image(OCI_MANIFEST, 9, &[12 * MIB, 400], "linux/amd64");
    layout.name(descriptor, "v1");
    layout.write_dir(&dir);
    // Same size, one byte changed, in the big layer.
    let (digest, bytes) = layout.blobs.iter().find(|(_, b)| b.len() == 12 * MIB).unwrap();
    let mut corrupted = bytes.clone();
    corrupted[11 * MIB] ^= 1;
    std::fs::write(dir.join("blobs/sha256").join(&digest[7..]), &corrupted).unwrap();
    let image = OciLayout::new(&dir).image(None).unwrap();
    let error = image::push(&client, &image, &reference("app:v1"), &Transfer::default().jobs(1)).await.unwrap_err();
    assert!(matches!(error, ImageError::Mismatch { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{digest} from {}: the bytes do not match it (its bytes have digest {})",
            dir.display(),
            digest_of(&corrupted)
        )
    );
    assert_eq!(registry.calls("PutImage"), 0);
    assert_eq!(registry.calls("CompleteLayerUpload"), 1, "only the small layer or config completed");

    // A blob the manifest names but the layout lacks: refused before any call.
    std::fs::remove_file(dir.join("blobs/sha256").join(&digest[7..])).unwrap();
    let error = OciLayout::new(&dir).image(None).unwrap_err();
    assert!(error.to_string().contains(&format!("lacks blob {digest}")), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_in_a_complete_verified_image() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-faults");
    let mut layout = Layout::default();
    let descriptor = layout.image(OCI_MANIFEST, 11, &[25 * MIB, 6 * MIB, 3000], "linux/amd64");
    layout.name(descriptor.clone(), "v1");
    layout.write_dir(&dir.join("source"));
    registry.set(json!({
        "fail_part_every": 4,
        "drop_part_answers": 2,
        "throttle_put_image": 2,
        "expire_urls": 3,
    }));
    let image = OciLayout::new(dir.join("source")).image(None).unwrap();
    let pushed = image::push(&client, &image, &reference("app:v1"), &Transfer::default()).await.unwrap();
    assert_eq!(pushed.image_digest, descriptor["digest"].as_str().unwrap());
    let stats = registry.stats();
    assert!(stats["parts_failed"].as_u64().unwrap() >= 1, "{stats}");
    assert_eq!(stats["calls"]["PutImage"], 3, "two throttled, then put: {stats}");

    let pulled = OciLayout::new(dir.join("pulled"));
    let options = PullOptions::default().chunk_size(4 * MIB as u64);
    image::pull(&client, &reference("app:v1"), &pulled, &options, &Transfer::default()).await.unwrap();
    assert_eq!(blob_files(&dir.join("pulled")), blob_files(&dir.join("source")));
    let stats = registry.stats();
    // Expired URLs were asked for again, and the big layer came in ranges.
    assert!(stats["calls"]["GetDownloadUrlForLayer"].as_u64().unwrap() > 3, "{stats}");
    assert!(stats["ranged_gets"].as_u64().unwrap() >= 7, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_whose_urls_always_expire_leaves_nothing_but_verified_blobs() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-expired");
    let mut layout = Layout::default();
    let descriptor = layout.image(OCI_MANIFEST, 12, &[9 * MIB, 5 * MIB, 3 * MIB, 2000], "linux/amd64");
    layout.name(descriptor, "v1");
    layout.write_dir(&dir.join("source"));
    let image = OciLayout::new(dir.join("source")).image(None).unwrap();
    image::push(&client, &image, &reference("app:v1"), &Transfer::default()).await.unwrap();

    registry.set(json!({"expire_urls": 1_000_000}));
    let pulled = dir.join("pulled");
    let options = PullOptions::default().chunk_size(MIB as u64);
    let error = image::pull(&client, &reference("app:v1"), &OciLayout::new(&pulled), &options, &Transfer::default())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("expired URL"), "{error}");
    // Every file left, hidden ones included, is a whole blob under its digest.
    let blobs: Vec<_> = std::fs::read_dir(pulled.join("blobs/sha256")).unwrap().map(|e| e.unwrap().path()).collect();
    for path in &blobs {
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(digest_of(&std::fs::read(path).unwrap()), format!("sha256:{name}"), "{}", path.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_across_regions_and_accounts_keeps_digests_and_moves_only_what_is_missing() {
    let registry = Registry::start();
    let east = client(&registry, "us-east-1");
    let west = client(&registry, "us-west-2");
    create(&east, "app").await;
    west.create_repository().repository_name("mirror").registry_id("210987654321").send().await.unwrap();
    let dir = support::scratch("images-copy");
    let (_, names) = layouts(&dir);
    for (name, _) in &names {
        let image = OciLayout::new(&dir).image(Some(name)).unwrap();
        image::push(&east, &image, &reference(&format!("app:{name}")), &Transfer::default()).await.unwrap();
    }
    let destination = "210987654321.dkr.ecr.us-west-2.amazonaws.com/mirror";
    for (name, digest) in &names {
        let copied = image::copy(
            &east,
            &reference(&format!("app:{name}")),
            &west,
            &reference(destination),
            &PullOptions::default(),
            &Transfer::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("copy {name}: {e}"));
        assert_eq!(&copied.image_digest, digest);
        assert!(copied.blobs_moved > 0);
    }
    // The destination now has everything: a second copy moves no byte.
    registry.reset_stats();
    for (name, _) in &names {
        let copied = image::copy(
            &east,
            &reference(&format!("app:{name}")),
            &west,
            &reference(destination),
            &PullOptions::default(),
            &Transfer::default(),
        )
        .await
        .unwrap();
        assert_eq!((copied.blobs_moved, copied.bytes_moved), (0, 0), "{name}");
    }
    assert_eq!(registry.stats()["bytes_served"], 0);
    // And what it holds pulls back byte for byte.
    let pulled = OciLayout::new(dir.join("pulled"));
    for (name, _) in &names {
        image::pull(
            &west,
            &reference(&format!("{destination}:{name}")),
            &pulled,
            &PullOptions::default(),
            &Transfer::default(),
        )
        .await
        .unwrap();
    }
    let mut source = blob_files(&dir);
    source.retain(|(name, _)| blob_files(&dir.join("pulled")).iter().any(|(n, _)| n == name));
    assert_eq!(blob_files(&dir.join("pulled")), source);
    assert_eq!(source.len(), blob_files(&dir).len());
    // A reference into another region than the client's is refused by name.
    let error = image::pull(
        &east,
        &reference(&format!("{destination}:oci")),
        &pulled,
        &PullOptions::default(),
        &Transfer::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.to_string(), format!("{destination}:oci is in us-west-2, but the client is for us-east-1"));
}

/// A `docker save` tarball as Docker wrote them before version 25.
fn docker_save(path: &Path, layers: &[Vec<u8>], diff_ids: &[String]) {
    let config = serde_json::to_vec(
        &json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}),
    )
    .unwrap();
    let names: Vec<String> = (0..layers.len()).map(|i| format!("layer{i}/layer.tar")).collect();
    let manifest =
        serde_json::to_vec(&json!([{"Config": "config.json", "RepoTags": ["app:saved"], "Layers": names}])).unwrap();
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, bytes).unwrap();
    };
    add("manifest.json", &manifest);
    add("config.json", &config);
    for (name, layer) in names.iter().zip(layers) {
        add(name, layer);
    }
    builder.finish().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_docker_save_tarball_pushes_with_gzipped_layers_checked_against_its_diff_ids() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-docker-save");
    let layers = vec![support::registry::noise(1, 3 * MIB), support::registry::noise(2, 10)];
    let diff_ids: Vec<String> = layers.iter().map(|l| digest_of(l)).collect();
    docker_save(&dir.join("saved.tar"), &layers, &diff_ids);
    let image = OciLayout::open(dir.join("saved.tar")).unwrap().image(Some("saved")).unwrap();
    assert_eq!(image.root.media_type, image::DOCKER_MANIFEST);
    let pushed = image::push(&client, &image, &reference("app:saved"), &Transfer::default()).await.unwrap();
    assert_eq!(pushed.blobs_moved, 3);
    let error = OciLayout::open(dir.join("saved.tar")).unwrap().image(Some("other")).unwrap_err();
    assert!(error.to_string().ends_with("manifest.json has no image named \"other\" (names: app:saved)"), "{error}");

    // A layer that is not the one the config names: refused, naming both.
    let wrong = vec![diff_ids[0].clone(), digest_of(b"something else")];
    docker_save(&dir.join("wrong.tar"), &layers, &wrong);
    let error = OciLayout::open(dir.join("wrong.tar")).unwrap().image(None).unwrap_err();
    assert!(matches!(error, ImageError::Mismatch { .. }), "{error:?}");
    assert!(error.to_string().contains(&format!("layer layer1/layer.tar has digest {}", diff_ids[1])), "{error}");
}

/// moto, a second opinion for the push half: it keeps no layer bytes and
/// computes digests its own way, but takes the same calls in the same order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_takes_a_push_and_serves_the_manifest_back() {
    let client = support::client();
    let name = support::unique_name("image-push");
    create(&client, &name).await;
    let dir = support::scratch("images-moto");
    let mut layout = Layout::default();
    let descriptor = layout.image(DOCKER_MANIFEST, 31, &[6 * MIB, 100], "linux/amd64");
    layout.name(descriptor.clone(), "v1");
    layout.write_dir(&dir);
    let image = OciLayout::new(&dir).image(None).unwrap();
    let pushed = image::push(&client, &image, &reference(&format!("{name}:v1")), &Transfer::default()).await.unwrap();
    assert_eq!(pushed.image_digest, descriptor["digest"].as_str().unwrap());
    assert_eq!(pushed.blobs_moved, 3);
    let got = client
        .batch_get_image()
        .repository_name(&name)
        .image_ids(vec![ecr_client::types::ImageIdentifier::builder().image_tag("v1").build()])
        .send()
        .await
        .unwrap();
    let manifest = got.images.unwrap()[0].image_manifest.clone().unwrap();
    assert_eq!(manifest.as_bytes(), &image.root.bytes[..], "the manifest's bytes, unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reaches_every_blobs_size_and_dropping_a_push_stops_its_uploads() {
    let registry = Registry::start();
    let client = client(&registry, "us-east-1");
    create(&client, "app").await;
    let dir = support::scratch("images-progress");
    let mut layout = Layout::default();
    let descriptor = layout.image(OCI_MANIFEST, 41, &[21 * MIB, 7], "linux/amd64");
    layout.name(descriptor, "v1");
    layout.write_dir(&dir);
    let image = OciLayout::new(&dir).image(None).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::new()));
    let transfer = {
        let seen = seen.clone();
        Transfer::default().progress(move |p| {
            let mut seen = seen.lock().unwrap();
            let last: &mut (u64, u64) = seen.entry(p.digest.to_string()).or_default();
            assert!(p.done >= last.0 && p.done <= p.total, "progress only grows, up to the size");
            *last = (p.done, p.total);
        })
    };
    image::push(&client, &image, &reference("app:v1"), &transfer).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "config and two layers: {seen:?}");
    assert!(seen.values().all(|(done, total)| done == total), "{seen:?}");

    // A slow registry; the push is dropped after its first part.
    registry.set(json!({"part_delay_ms": 700}));
    client.create_repository().repository_name("slow").send().await.unwrap();
    let (slow, transfer) = (reference("slow:v1"), Transfer::default());
    let push = image::push(&client, &image, &slow, &transfer);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(1000), push).await.is_err());
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let parts = registry.stats()["parts"].as_u64().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    assert_eq!(registry.stats()["parts"].as_u64().unwrap(), parts, "no part is sent after the push is dropped");
    assert_eq!(registry.calls("PutImage"), 1, "only the first push's");
}
