//! Paginators: against a local server that pages the way ECR does (moto
//! ignores maxResults), and against moto.

mod support;

use ecr_client::errors::ListImagesError;
use ecr_client::types::ImageIdentifier;
use ecr_client::{Client, SdkError};
use support::fault_server::{Reply, Server};

fn page(tags: &[&str], token: Option<&str>) -> Reply {
    let ids: Vec<String> = tags.iter().map(|t| format!(r#"{{"imageTag":"{t}"}}"#)).collect();
    let token = token.map(|t| format!(r#","nextToken":"{t}""#)).unwrap_or_default();
    Reply::json(200, &format!(r#"{{"imageIds":[{}]{token}}}"#, ids.join(",")))
}

fn client(server: &Server) -> Client {
    support::local_client(&server.url, |b| b.retry(ecr_client::RetryConfig::disabled()))
}

fn body(server: &Server, index: usize) -> serde_json::Value {
    serde_json::from_slice(&server.requests()[index].body).unwrap()
}

fn tags(ids: Vec<ImageIdentifier>) -> Vec<String> {
    ids.into_iter().map(|id| id.image_tag.unwrap()).collect()
}

#[tokio::test]
async fn pages_follow_the_token_with_the_page_size() {
    let server =
        Server::start(vec![page(&["a", "b"], Some("t1")), page(&["c", "d"], Some("t2")), page(&["e"], None)]).await;
    let client = client(&server);
    let mut pages = client.list_images().repository_name("app").into_paginator().page_size(2);
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        seen.push(tags(page.unwrap().image_ids.unwrap()));
    }
    assert_eq!(seen, [vec!["a", "b"], vec!["c", "d"], vec!["e"]]);
    assert_eq!(body(&server, 0), serde_json::json!({"repositoryName": "app", "maxResults": 2}));
    assert_eq!(body(&server, 1), serde_json::json!({"repositoryName": "app", "maxResults": 2, "nextToken": "t1"}));
    assert_eq!(body(&server, 2)["nextToken"], "t2");
    assert!(pages.next().await.is_none(), "done stays done");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn items_flatten_the_pages() {
    let server =
        Server::start(vec![page(&["a", "b"], Some("t1")), page(&[], Some("t2")), page(&["c"], Some(""))]).await;
    let items = client(&server).list_images().repository_name("app").into_paginator().collect_items().await.unwrap();
    assert_eq!(tags(items), ["a", "b", "c"], "an empty page is passed over, an empty token ends");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_repeated_token_is_an_error_not_a_loop() {
    let server = Server::start(vec![page(&["a"], Some("same")), page(&["b"], Some("same")), page(&["c"], None)]).await;
    let mut items = client(&server).list_images().repository_name("app").into_paginator().items();
    assert_eq!(items.next().await.unwrap().unwrap().image_tag.as_deref(), Some("a"));
    assert_eq!(items.next().await.unwrap().unwrap().image_tag.as_deref(), Some("b"));
    let err = items.next().await.unwrap().unwrap_err();
    assert!(err.to_string().contains("repeated the pagination token \"same\""), "{err}");
    assert!(items.next().await.is_none());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_on_a_later_page_comes_after_the_pages_before_it() {
    let server = Server::start(vec![
        page(&["a"], Some("t1")),
        Reply::error(400, "RepositoryNotFoundException", "deleted meanwhile"),
    ])
    .await;
    let mut pages = client(&server).list_images().repository_name("app").into_paginator();
    assert_eq!(tags(pages.next().await.unwrap().unwrap().image_ids.unwrap()), ["a"]);
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(err, SdkError::Service(ListImagesError::RepositoryNotFoundException(_))), "{err:?}");
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn a_missing_required_member_is_the_first_page() {
    let server = Server::start(vec![page(&["a"], None)]).await;
    let mut pages = client(&server).list_images().into_paginator();
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "ListImages.repositoryName is required but was not set; the request was not sent");
    assert!(pages.next().await.is_none());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn every_paged_list_is_collected() {
    use ecr_client::operations::DescribeImageScanFindingsItem as Item;
    // Basic findings, enhanced findings, or both, page by page.
    let answer = |basic: &[&str], enhanced: &[&str], token: Option<&str>| {
        let list = |names: &[&str], key: &str| {
            let items: Vec<String> = names.iter().map(|n| format!(r#"{{"{key}":"{n}","severity":"HIGH"}}"#)).collect();
            items.join(",")
        };
        let token = token.map(|t| format!(r#","nextToken":"{t}""#)).unwrap_or_default();
        Reply::json(
            200,
            &format!(
                r#"{{"imageScanStatus":{{"status":"COMPLETE"}},"imageScanFindings":{{"findings":[{}],"enhancedFindings":[{}]}}{token}}}"#,
                list(basic, "name"),
                list(enhanced, "title"),
            ),
        )
    };
    let server = Server::start(vec![
        answer(&["CVE-1", "CVE-2"], &[], Some("t1")),
        answer(&[], &["CVE-E1"], Some("t2")),
        answer(&["CVE-3"], &["CVE-E2"], None),
    ])
    .await;
    let items = client(&server)
        .describe_image_scan_findings()
        .repository_name("app")
        .image_id(ImageIdentifier::builder().image_tag("v1").build())
        .into_paginator()
        .collect_items()
        .await
        .unwrap();
    let names: Vec<String> = items
        .into_iter()
        .map(|item| match item {
            Item::ImageScanFinding(f) => format!("basic {}", f.name.unwrap()),
            Item::EnhancedImageScanFinding(f) => format!("enhanced {}", f.title.unwrap()),
        })
        .collect();
    assert_eq!(names, ["basic CVE-1", "basic CVE-2", "enhanced CVE-E1", "basic CVE-3", "enhanced CVE-E2"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn against_moto_every_image_is_collected() {
    let client = support::client();
    let name = support::unique_name("paging");
    client.create_repository().repository_name(&name).send().await.unwrap();
    for i in 0..7 {
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":"sha256:{:064x}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1,"digest":"sha256:{:064x}"}}]}}"#,
            1000 + i,
            2000 + i
        );
        client
            .put_image()
            .repository_name(&name)
            .image_manifest(manifest)
            .image_tag(format!("v{i}"))
            .send()
            .await
            .unwrap();
    }
    let mut all =
        tags(client.list_images().repository_name(&name).into_paginator().page_size(3).collect_items().await.unwrap());
    all.sort();
    assert_eq!(all, (0..7).map(|i| format!("v{i}")).collect::<Vec<_>>());
    let details = client.describe_images().repository_name(&name).into_paginator().collect_items().await.unwrap();
    assert_eq!(details.len(), 7);
    let repositories = client.describe_repositories().into_paginator().collect_items().await.unwrap();
    assert!(repositories.iter().any(|r| r.repository_name.as_deref() == Some(name.as_str())));
    client.delete_repository().repository_name(&name).force(true).send().await.unwrap();
}
