//! Typed lifecycle policies: the JSON ECR takes, the rules ECR enforces, and
//! the local preview checked against AWS's documented evaluation rules.

mod support;

use ecr_client::lifecycle::{ActionType, LifecyclePolicy, Rule, Selection, TagStatus};
use ecr_client::types::ImageDetail;
use ecr_client::DateTime;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The example policy of the ECR user guide, in its own words.
const GUIDE_EXAMPLE: &str = r#"{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire images older than 14 days",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
            "action": {"type": "expire"}
        },
        {
            "rulePriority": 2,
            "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "imageCountMoreThan", "countNumber": 1},
            "action": {"type": "transition", "targetStorageClass": "archive"}
        }
    ]
}"#;

#[test]
fn round_trips_the_json_ecr_takes() {
    let policy = LifecyclePolicy::from_json(GUIDE_EXAMPLE).unwrap();
    assert_eq!(policy.rules.len(), 2);
    assert_eq!(policy.rules[0].selection.tag_status, TagStatus::Untagged);
    assert_eq!(policy.rules[1].action.kind, ActionType::Transition);
    let text = policy.to_json().unwrap();
    let as_json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
    assert_eq!(as_json(&text), as_json(GUIDE_EXAMPLE));
    let built = LifecyclePolicy::new(vec![
        Rule::expire(1, Selection::untagged().older_than_days(14)).described("Expire images older than 14 days"),
        Rule::archive(2, Selection::tagged_patterns(["prod*"]).more_than(1)),
    ]);
    assert_eq!(built, policy, "the builder makes the same policy");
}

fn error(policy: LifecyclePolicy) -> String {
    policy.to_json().unwrap_err().to_string()
}

#[test]
fn every_rule_ecr_enforces() {
    let ok = || Rule::expire(1, Selection::untagged().more_than(1));
    assert_eq!(
        error(LifecyclePolicy::new(vec![ok(), ok()])),
        "invalid lifecycle policy: rule 1: another rule has the same priority"
    );
    assert_eq!(
        error(LifecyclePolicy::new(vec![Rule::expire(1, Selection::any().more_than(5)), Rule::expire(2, Selection::untagged().more_than(1))])),
        "invalid lifecycle policy: rule 1: a rule for any tag status must have the highest priority number (2 is higher)"
    );
    let mut both = Selection::tagged_prefixes(["a"]);
    both.tag_pattern_list = Some(vec!["b*".into()]);
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, both)]))
        .ends_with("tagged takes tagPrefixList or tagPatternList, not both"));
    let mut neither = Selection::tagged_prefixes(["a"]);
    neither.tag_prefix_list = None;
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, neither)]))
        .ends_with("tagged needs tagPrefixList or tagPatternList"));
    let mut untagged_with_list = Selection::untagged();
    untagged_with_list.tag_prefix_list = Some(vec!["a".into()]);
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, untagged_with_list)]))
        .ends_with("only tagged rules take tagPrefixList or tagPatternList"));
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, Selection::tagged_patterns(["a*b*c*d*e*f"]))]))
        .ends_with("has more than 4 wildcards"));
    LifecyclePolicy::new(vec![Rule::expire(1, Selection::tagged_patterns(["a*b*c*d*e"]))]).validate().unwrap();
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, Selection::untagged().more_than(0))]))
        .ends_with("countNumber must be at least 1"));
    let mut unit_on_count = Selection::untagged().more_than(3);
    unit_on_count.count_unit = Some(ecr_client::lifecycle::CountUnit::Days);
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, unit_on_count)]))
        .ends_with("countUnit goes only with time-based count types"));
    let mut no_unit = Selection::untagged().older_than_days(3);
    no_unit.count_unit = None;
    assert!(error(LifecyclePolicy::new(vec![Rule::expire(1, no_unit)])).ends_with("SinceImagePushed needs countUnit"));
    let mut transition = Rule::archive(1, Selection::untagged().more_than(1));
    transition.action.target_storage_class = None;
    assert!(error(LifecyclePolicy::new(vec![transition])).ends_with("transition needs targetStorageClass"));
}

#[test]
fn unknown_keys_and_nulls_are_refused() {
    let unknown = GUIDE_EXAMPLE.replace(r#""countNumber": 14"#, r#""countNumber": 14, "countnumber": 2"#);
    let err = LifecyclePolicy::from_json(&unknown).unwrap_err().to_string();
    assert!(err.contains("unknown field `countnumber`"), "{err}");
    let null = GUIDE_EXAMPLE.replace(r#""description": "Expire images older than 14 days""#, r#""description": null"#);
    let err = LifecyclePolicy::from_json(&null).unwrap_err().to_string();
    assert_eq!(err, "invalid lifecycle policy: rules[0].description is null; leave the key out instead");
    assert!(LifecyclePolicy::from_json("{").unwrap_err().to_string().contains("not JSON"));
}

const DAY: u64 = 86_400;
const NOW: u64 = 1_700_000_000;

fn image(digest: &str, tags: &[&str], pushed_days_ago: u64) -> ImageDetail {
    let image = ImageDetail::builder()
        .image_digest(digest)
        .image_pushed_at(DateTime::from_secs((NOW - pushed_days_ago * DAY) as i64));
    match tags {
        [] => image.build(),
        tags => image.image_tags(tags.iter().map(|t| t.to_string()).collect()).build(),
    }
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn expired(policy: &LifecyclePolicy, images: &[ImageDetail]) -> Vec<(String, u32)> {
    policy.preview(images, now()).into_iter().map(|r| (r.image_digest, r.rule_priority)).collect()
}

#[test]
fn preview_count_and_age_rules() {
    let images = [image("u-old", &[], 30), image("u-new", &[], 1), image("t-old", &["v1"], 40)];
    let policy = LifecyclePolicy::new(vec![Rule::expire(1, Selection::untagged().older_than_days(14))]);
    assert_eq!(expired(&policy, &images), [("u-old".to_owned(), 1)], "only untagged images older than 14 days");

    // imageCountMoreThan keeps the newest N by push time.
    let releases = [
        image("r1", &["release-1"], 5),
        image("r2", &["release-2"], 4),
        image("r3", &["release-3"], 3),
        image("r4", &["release-4"], 2),
    ];
    let policy = LifecyclePolicy::new(vec![Rule::expire(1, Selection::tagged_prefixes(["release"]).more_than(2))]);
    assert_eq!(expired(&policy, &releases), [("r1".to_owned(), 1), ("r2".to_owned(), 1)]);
}

#[test]
fn preview_tag_lists_must_all_match() {
    let images = [image("both", &["prod-1", "beta-1"], 10), image("prod-only", &["prod-2"], 10)];
    let policy =
        LifecyclePolicy::new(vec![Rule::expire(1, Selection::tagged_prefixes(["prod", "beta"]).older_than_days(1))]);
    assert_eq!(expired(&policy, &images), [("both".to_owned(), 1)]);
    let policy = LifecyclePolicy::new(vec![Rule::expire(1, Selection::tagged_patterns(["*-1"]).older_than_days(1))]);
    assert_eq!(expired(&policy, &images), [("both".to_owned(), 1)]);
}

#[test]
fn preview_a_matched_image_is_not_expired_by_a_lower_rule() {
    // Rule 1 matches prod images (keeping the newest 5, so it expires none);
    // rule 2 (any, keep 1) still counts them but may only expire the others.
    let images = [
        image("prod-a", &["prod-a"], 9),
        image("prod-b", &["prod-b"], 8),
        image("dev-a", &["dev-a"], 3),
        image("dev-b", &["dev-b"], 1),
    ];
    let policy = LifecyclePolicy::new(vec![
        Rule::expire(1, Selection::tagged_prefixes(["prod"]).more_than(5)),
        Rule::expire(2, Selection::any().more_than(1)),
    ]);
    assert_eq!(expired(&policy, &images), [("dev-a".to_owned(), 2)]);
}

#[test]
fn preview_each_image_is_acted_on_once_in_priority_order() {
    let images = [image("old", &[], 100), image("older", &[], 200)];
    let policy = LifecyclePolicy::new(vec![
        Rule::expire(5, Selection::untagged().more_than(1)),
        Rule::expire(2, Selection::untagged().older_than_days(150)),
    ]);
    // Rule 2 runs first and claims both untagged images: rule 5 acts on none.
    assert_eq!(expired(&policy, &images), [("older".to_owned(), 2)]);
    let results = policy.preview(&images, now());
    assert_eq!(results[0].action, ActionType::Expire);
}

#[tokio::test]
async fn usable_with_put_lifecycle_policy() {
    let client = support::client();
    let repository = support::unique_name("typed-policy");
    client.create_repository().repository_name(&repository).send().await.unwrap();
    // moto checks policy text against a schema (an older one, without
    // transitions): expire rules of every tag status and count type.
    let policy = LifecyclePolicy::new(vec![
        Rule::expire(1, Selection::untagged().older_than_days(14)).described("old untagged"),
        Rule::expire(2, Selection::tagged_prefixes(["release"]).more_than(10)),
        Rule::expire(3, Selection::tagged_patterns(["dev-*"]).older_than_days(30)),
        Rule::expire(4, Selection::any().more_than(100)),
    ]);
    client.put_lifecycle_policy().repository_name(&repository).lifecycle_policy(&policy).unwrap().send().await.unwrap();
    let stored = client.get_lifecycle_policy().repository_name(&repository).send().await.unwrap();
    assert_eq!(LifecyclePolicy::from_json(&stored.lifecycle_policy_text.unwrap()).unwrap(), policy);
    client.delete_repository().repository_name(&repository).send().await.unwrap();
}

#[tokio::test]
async fn usable_with_start_lifecycle_policy_preview() {
    use support::fault_server::{Reply, Server};
    let server = Server::start(vec![Reply::json(200, r#"{"repositoryName":"app","status":"IN_PROGRESS"}"#)]).await;
    let client = support::local_client(&server.url, |b| b);
    let policy = LifecyclePolicy::from_json(GUIDE_EXAMPLE).unwrap();
    let builder = client.start_lifecycle_policy_preview().repository_name("app").lifecycle_policy(&policy).unwrap();
    builder.send().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    let sent = LifecyclePolicy::from_json(body["lifecyclePolicyText"].as_str().unwrap()).unwrap();
    assert_eq!(sent, policy);

    let mut invalid = policy.clone();
    invalid.rules[1].rule_priority = 1;
    let err = client.start_lifecycle_policy_preview().repository_name("app").lifecycle_policy(&invalid).unwrap_err();
    assert_eq!(err.to_string(), "invalid lifecycle policy: rule 1: another rule has the same priority");
}
