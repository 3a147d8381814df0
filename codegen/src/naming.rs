//! Rust names for document names: PascalCase types and variants, snake_case
//! fields, keywords escaped, collisions resolved deterministically.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A PascalCase type or variant name. Names that would start with a digit get
/// a `V` prefix; `Self` becomes `SelfValue`.
pub fn type_name(name: &str) -> String {
    let pascal = name.to_upper_camel_case();
    let pascal = if pascal.is_empty() { "Value".to_owned() } else { pascal };
    if pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{pascal}")
    } else if pascal == "Self" {
        "SelfValue".to_owned()
    } else {
        pascal
    }
}

/// A snake_case field or method name, as source text: keywords become raw
/// identifiers (`r#type`), or get a `_` suffix where raw is not allowed.
pub fn field_name(name: &str) -> String {
    let snake = name.to_snake_case();
    let snake = if snake.is_empty() { "value".to_owned() } else { snake };
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// Returns `name`, or `name` with the smallest numeric suffix (from 2) that
/// is not in `taken`; records the result in `taken`.
pub fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_pascal_case_and_valid() {
        assert_eq!(type_name("repositoryName"), "RepositoryName");
        assert_eq!(type_name("IN_PROGRESS"), "InProgress");
        assert_eq!(type_name("application/vnd.oci.image.manifest.v1+json"), "ApplicationVndOciImageManifestV1Json");
        assert_eq!(type_name("3d"), "V3d");
        assert_eq!(type_name("self"), "SelfValue");
        assert_eq!(type_name("Option"), "Option");
    }

    #[test]
    fn fields_are_snake_case_with_keywords_escaped() {
        assert_eq!(field_name("repositoryName"), "repository_name");
        assert_eq!(field_name("Key"), "key");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "_2fa");
    }

    #[test]
    fn unique_appends_a_counter() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a_b".into(), &mut taken), "a_b");
        assert_eq!(unique("a_b".into(), &mut taken), "a_b2");
        assert_eq!(unique("a_b".into(), &mut taken), "a_b3");
    }
}
