//! Typed ECR lifecycle policies: the rules, the JSON ECR accepts, the checks
//! ECR makes, and a local preview of which images a policy would expire.
//!
//! ```
//! use ecr_client::lifecycle::{LifecyclePolicy, Rule, Selection};
//!
//! let policy = LifecyclePolicy::new(vec![
//!     Rule::expire(1, Selection::untagged().older_than_days(14)).described("drop old untagged images"),
//!     Rule::expire(2, Selection::tagged_prefixes(["release"]).more_than(10)),
//!     Rule::expire(3, Selection::any().more_than(100)),
//! ]);
//! let text = policy.to_json().unwrap(); // checked, as ECR would check it
//! assert_eq!(LifecyclePolicy::from_json(&text).unwrap(), policy);
//! ```

use crate::types::ImageDetail;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::{Duration, SystemTime};

/// A lifecycle policy: rules applied from the lowest priority number up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecyclePolicy {
    /// The rules.
    pub rules: Vec<Rule>,
}

/// One rule: which images, and what happens to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Order of evaluation: lower numbers first; unique in a policy.
    pub rule_priority: u32,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which images the rule applies to.
    pub selection: Selection,
    /// What happens to them.
    pub action: Action,
}

/// Which images a rule selects and how many of them it acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Selection {
    /// Tagged, untagged, or any images.
    pub tag_status: TagStatus,
    /// For tagged images: tag prefixes the image must all carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_prefix_list: Option<Vec<String>>,
    /// For tagged images: tag patterns (with `*`) the image must all match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_pattern_list: Option<Vec<String>>,
    /// How `count_number` is read.
    pub count_type: CountType,
    /// The unit of time-based counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<CountUnit>,
    /// An image count, or a number of `count_unit`s; at least 1.
    pub count_number: u64,
    /// The storage class the rule looks at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<StorageClass>,
}

/// The tag status a rule selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    /// Images with tags matching the prefix or pattern list.
    Tagged,
    /// Images without tags.
    Untagged,
    /// Every image.
    Any,
}

/// How a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CountType {
    /// Keep the newest `count_number` images; act on the rest.
    ImageCountMoreThan,
    /// Act on images pushed more than `count_number` units ago.
    SinceImagePushed,
    /// Act on images last pulled (or, never pulled, pushed) more than
    /// `count_number` units ago.
    SinceImagePulled,
    /// Act on images transitioned to archive more than `count_number` units ago.
    SinceImageTransitioned,
}

impl CountType {
    fn is_time_based(self) -> bool {
        !matches!(self, CountType::ImageCountMoreThan)
    }
}

/// The unit of time-based counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    /// Days.
    Days,
}

/// A storage class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageClass {
    /// The standard class.
    Standard,
    /// The archive class.
    Archive,
}

/// What a rule does with the images it selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Action {
    /// Expire or transition.
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// For transitions: the class to move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_storage_class: Option<StorageClass>,
}

/// The kind of action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    /// Delete the image.
    Expire,
    /// Move the image to another storage class.
    Transition,
}

impl Selection {
    fn new(tag_status: TagStatus) -> Self {
        Self {
            tag_status,
            tag_prefix_list: None,
            tag_pattern_list: None,
            count_type: CountType::ImageCountMoreThan,
            count_unit: None,
            count_number: 1,
            storage_class: None,
        }
    }

    /// Images without tags.
    pub fn untagged() -> Self {
        Self::new(TagStatus::Untagged)
    }

    /// Every image.
    pub fn any() -> Self {
        Self::new(TagStatus::Any)
    }

    /// Tagged images carrying a tag with each of these prefixes.
    pub fn tagged_prefixes<S: Into<String>>(prefixes: impl IntoIterator<Item = S>) -> Self {
        Self { tag_prefix_list: Some(prefixes.into_iter().map(Into::into).collect()), ..Self::new(TagStatus::Tagged) }
    }

    /// Tagged images with tags matching each of these patterns (`*` is any text).
    pub fn tagged_patterns<S: Into<String>>(patterns: impl IntoIterator<Item = S>) -> Self {
        Self { tag_pattern_list: Some(patterns.into_iter().map(Into::into).collect()), ..Self::new(TagStatus::Tagged) }
    }

    /// All but the newest `count` of the selected images.
    pub fn more_than(self, count: u64) -> Self {
        Self { count_type: CountType::ImageCountMoreThan, count_unit: None, count_number: count, ..self }
    }

    /// Selected images pushed more than `days` days ago.
    pub fn older_than_days(self, days: u64) -> Self {
        Self { count_type: CountType::SinceImagePushed, count_unit: Some(CountUnit::Days), count_number: days, ..self }
    }

    /// Selected images last pulled (or never pulled and pushed) more than `days` days ago.
    pub fn not_pulled_for_days(self, days: u64) -> Self {
        Self { count_type: CountType::SinceImagePulled, count_unit: Some(CountUnit::Days), count_number: days, ..self }
    }
}

impl Rule {
    /// A rule that expires what `selection` selects.
    pub fn expire(priority: u32, selection: Selection) -> Self {
        Self {
            rule_priority: priority,
            description: None,
            selection,
            action: Action { kind: ActionType::Expire, target_storage_class: None },
        }
    }

    /// A rule that moves what `selection` selects to the archive class.
    pub fn archive(priority: u32, selection: Selection) -> Self {
        Self {
            rule_priority: priority,
            description: None,
            selection,
            action: Action { kind: ActionType::Transition, target_storage_class: Some(StorageClass::Archive) },
        }
    }

    /// Sets the description.
    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A rule ECR would refuse, or text that is not a lifecycle policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecyclePolicyError(String);

impl fmt::Display for LifecyclePolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid lifecycle policy: {}", self.0)
    }
}

impl std::error::Error for LifecyclePolicyError {}

/// Most `*` wildcards ECR accepts in one tag pattern.
pub const MAX_WILDCARDS_PER_PATTERN: usize = 4;

impl LifecyclePolicy {
    /// A policy of these rules.
    pub fn new(rules: Vec<Rule>) -> Self {
        Self { rules }
    }

    /// Parses policy text, refusing unknown keys and nulls as ECR does, and
    /// checks the rules.
    pub fn from_json(text: &str) -> Result<Self, LifecyclePolicyError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| LifecyclePolicyError(format!("not JSON: {e}")))?;
        if let Some(path) = find_null(&value, String::new()) {
            return Err(LifecyclePolicyError(format!("{path} is null; leave the key out instead")));
        }
        let policy: Self = serde_json::from_value(value).map_err(|e| LifecyclePolicyError(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// The policy text for PutLifecyclePolicy or StartLifecyclePolicyPreview,
    /// after the checks ECR makes.
    pub fn to_json(&self) -> Result<String, LifecyclePolicyError> {
        self.validate()?;
        serde_json::to_string(self).map_err(|e| LifecyclePolicyError(e.to_string()))
    }

    /// The checks ECR makes on a policy.
    pub fn validate(&self) -> Result<(), LifecyclePolicyError> {
        if self.rules.is_empty() {
            return Err(LifecyclePolicyError("a policy needs at least one rule".into()));
        }
        let mut priorities = BTreeSet::new();
        for rule in &self.rules {
            let fail = |why: String| LifecyclePolicyError(format!("rule {}: {why}", rule.rule_priority));
            if !priorities.insert(rule.rule_priority) {
                return Err(fail("another rule has the same priority".into()));
            }
            let s = &rule.selection;
            let (prefixes, patterns) = (s.tag_prefix_list.as_deref(), s.tag_pattern_list.as_deref());
            match s.tag_status {
                TagStatus::Tagged => match (prefixes, patterns) {
                    (Some(_), Some(_)) => {
                        return Err(fail("tagged takes tagPrefixList or tagPatternList, not both".into()))
                    }
                    (None, None) => return Err(fail("tagged needs tagPrefixList or tagPatternList".into())),
                    (Some(list), None) | (None, Some(list)) if list.is_empty() => {
                        return Err(fail("the tag list is empty".into()))
                    }
                    _ => {}
                },
                TagStatus::Untagged | TagStatus::Any if prefixes.is_some() || patterns.is_some() => {
                    return Err(fail("only tagged rules take tagPrefixList or tagPatternList".into()));
                }
                _ => {}
            }
            for pattern in patterns.unwrap_or_default() {
                if pattern.matches('*').count() > MAX_WILDCARDS_PER_PATTERN {
                    return Err(fail(format!(
                        "pattern {pattern:?} has more than {MAX_WILDCARDS_PER_PATTERN} wildcards"
                    )));
                }
            }
            if s.count_number < 1 {
                return Err(fail("countNumber must be at least 1".into()));
            }
            match (s.count_type.is_time_based(), s.count_unit) {
                (true, None) => return Err(fail(format!("{:?} needs countUnit", s.count_type))),
                (false, Some(_)) => return Err(fail("countUnit goes only with time-based count types".into())),
                _ => {}
            }
            match (rule.action.kind, rule.action.target_storage_class) {
                (ActionType::Transition, None) => return Err(fail("transition needs targetStorageClass".into())),
                (ActionType::Expire, Some(_)) => return Err(fail("expire takes no targetStorageClass".into())),
                _ => {}
            }
        }
        let highest = self.rules.iter().map(|r| r.rule_priority).max().unwrap_or_default();
        if let Some(any) =
            self.rules.iter().find(|r| r.selection.tag_status == TagStatus::Any && r.rule_priority != highest)
        {
            return Err(LifecyclePolicyError(format!(
                "rule {}: a rule for any tag status must have the highest priority number ({highest} is higher)",
                any.rule_priority
            )));
        }
        Ok(())
    }

    /// Which of `images` the policy would act on at `now`, without asking
    /// ECR: in ECR's order of evaluation, each image acted on by at most one
    /// rule. Images without a digest are left out. `sinceImageTransitioned`
    /// rules select nothing: image details carry no transition time.
    pub fn preview(&self, images: &[ImageDetail], now: SystemTime) -> Vec<PreviewResult> {
        let mut rules: Vec<&Rule> = self.rules.iter().collect();
        rules.sort_by_key(|r| r.rule_priority);
        let images: Vec<&ImageDetail> = images.iter().filter(|i| i.image_digest.is_some()).collect();
        // An image a rule's tag selection matched cannot be acted on by a
        // later rule; counts still see images marked by earlier rules.
        let mut claimed: BTreeSet<&str> = BTreeSet::new();
        let mut results: BTreeMap<&str, PreviewResult> = BTreeMap::new();
        for rule in rules {
            let mut matched: Vec<&ImageDetail> =
                images.iter().copied().filter(|i| selects(&rule.selection, i)).collect();
            let acted: Vec<&ImageDetail> = match rule.selection.count_type {
                CountType::ImageCountMoreThan => {
                    matched.sort_by_key(|i| std::cmp::Reverse(i.image_pushed_at));
                    matched.iter().copied().skip(rule.selection.count_number as usize).collect()
                }
                CountType::SinceImagePushed | CountType::SinceImagePulled => {
                    let limit =
                        now.checked_sub(Duration::from_secs(rule.selection.count_number.saturating_mul(86_400)));
                    let pulled = rule.selection.count_type == CountType::SinceImagePulled;
                    matched
                        .iter()
                        .copied()
                        .filter(|i| {
                            let at = if pulled {
                                i.last_recorded_pull_time.or(i.image_pushed_at)
                            } else {
                                i.image_pushed_at
                            };
                            matches!((at, limit), (Some(at), Some(limit)) if SystemTime::from(at) < limit)
                        })
                        .collect()
                }
                CountType::SinceImageTransitioned => Vec::new(),
            };
            for image in acted {
                let digest = image.image_digest.as_deref().unwrap_or_default();
                if !claimed.contains(digest) {
                    results.entry(digest).or_insert_with(|| PreviewResult {
                        image_digest: digest.to_owned(),
                        image_tags: image.image_tags.clone().unwrap_or_default(),
                        rule_priority: rule.rule_priority,
                        action: rule.action.kind,
                    });
                }
            }
            claimed.extend(matched.iter().filter_map(|i| i.image_digest.as_deref()));
        }
        let mut results: Vec<PreviewResult> = results.into_values().collect();
        results.sort_by(|a, b| (a.rule_priority, &a.image_digest).cmp(&(b.rule_priority, &b.image_digest)));
        results
    }
}

impl crate::operations::PutLifecyclePolicy {
    /// Sets `lifecyclePolicyText` from a typed policy, checked as ECR checks it.
    pub fn lifecycle_policy(self, policy: &LifecyclePolicy) -> Result<Self, LifecyclePolicyError> {
        Ok(self.lifecycle_policy_text(policy.to_json()?))
    }
}

impl crate::operations::StartLifecyclePolicyPreview {
    /// Sets `lifecyclePolicyText` from a typed policy, checked as ECR checks it.
    pub fn lifecycle_policy(self, policy: &LifecyclePolicy) -> Result<Self, LifecyclePolicyError> {
        Ok(self.lifecycle_policy_text(policy.to_json()?))
    }
}

/// An image a policy would act on, and the rule that would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewResult {
    /// The image's digest.
    pub image_digest: String,
    /// Its tags.
    pub image_tags: Vec<String>,
    /// The priority of the rule that acts on it.
    pub rule_priority: u32,
    /// What the rule does.
    pub action: ActionType,
}

/// Whether a selection's tag criteria select an image.
fn selects(selection: &Selection, image: &ImageDetail) -> bool {
    let tags = image.image_tags.as_deref().unwrap_or_default();
    match selection.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => tags.is_empty(),
        TagStatus::Tagged => {
            let prefixes = selection.tag_prefix_list.as_deref().unwrap_or_default();
            let patterns = selection.tag_pattern_list.as_deref().unwrap_or_default();
            !tags.is_empty()
                && prefixes.iter().all(|p| tags.iter().any(|t| t.starts_with(p.as_str())))
                && patterns.iter().all(|p| tags.iter().any(|t| wildcard_match(p, t)))
        }
    }
}

/// `*` matches any text, everything else itself.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    // No `*`: one part, and the text must be the pattern.
    let [first, middle @ .., last] = parts.as_slice() else { return pattern == text };
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The JSON path of the first null in a value.
fn find_null(value: &serde_json::Value, at: String) -> Option<String> {
    match value {
        serde_json::Value::Null => Some(if at.is_empty() { "the policy".into() } else { at }),
        serde_json::Value::Object(map) => {
            map.iter().find_map(|(k, v)| find_null(v, if at.is_empty() { k.clone() } else { format!("{at}.{k}") }))
        }
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| find_null(v, format!("{at}[{i}]")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("prod*", "prod-1"));
        assert!(wildcard_match("*-rc*", "v1-rc2"));
        assert!(wildcard_match("exact", "exact"));
        assert!(!wildcard_match("exact", "exact2"));
        assert!(!wildcard_match("a*b", "ab-c"));
        assert!(wildcard_match("a*b*c", "a-b-c"));
        assert!(!wildcard_match("ab*ba", "aba"), "the two ends may not overlap");
    }
}
