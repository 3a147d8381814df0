//! Rust names for document names: PascalCase types and variants, snake_case
//! fields, keywords escaped, collisions resolved deterministically.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A PascalCase type or variant name. Names that would not start as an
/// identifier does (`2x`, `٣`) get a `V` prefix; `Self` becomes `SelfValue`;
/// characters no identifier may hold (`²`) are spelled `U00B2`.
pub fn type_name(name: &str) -> String {
    let pascal = identifier_chars(&name.to_upper_camel_case(), |c| format!("U{:04X}", c as u32));
    let pascal = if pascal.is_empty() { "Value".to_owned() } else { pascal };
    if !pascal.starts_with(starts_identifier) {
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
    let snake = identifier_chars(&name.to_snake_case(), |c| format!("_u{:04x}", c as u32));
    let snake = if snake.is_empty() { "value".to_owned() } else { snake };
    if !snake.starts_with(starts_identifier) {
        format!("_{snake}")
    } else if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A snake_case piece of a longer name (`is_{piece}`, `{piece}_parses`),
/// with only characters an identifier may hold.
pub fn snake_part(name: &str) -> String {
    identifier_chars(&name.to_snake_case(), |c| format!("_u{:04x}", c as u32))
}

/// A SHOUTY_SNAKE_CASE constant or static name, a valid identifier.
pub fn constant_name(name: &str) -> String {
    let shouty = identifier_chars(&name.to_shouty_snake_case(), |c| format!("_U{:04X}", c as u32));
    if shouty.starts_with(starts_identifier) {
        shouty
    } else {
        format!("_{shouty}")
    }
}

/// `text` with each character no Rust identifier may hold (Unicode's
/// XID_Continue: `²` is alphanumeric but not one) replaced by `spell(c)`.
fn identifier_chars(text: &str, spell: impl Fn(char) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && continues_identifier(c)) {
            out.push(c);
        } else {
            out.push_str(&spell(c));
        }
    }
    out
}

/// Whether `c` may follow the first character of an identifier.
fn continues_identifier(c: char) -> bool {
    syn::parse_str::<syn::Ident>(&format!("a{c}")).is_ok()
}

/// Whether an identifier may start with `c` (`_` aside: a lone `_` is no
/// name, so names never start with one unless prefixed on purpose).
fn starts_identifier(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && syn::parse_str::<syn::Ident>(&c.to_string()).is_ok())
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
    fn names_are_identifiers_whatever_the_document_holds() {
        // Alphanumeric to Unicode, yet not allowed in a Rust identifier
        // (`²`, `W²`), or a digit that cannot start one (`٣`): these once
        // panicked in `format_ident!`.
        for name in ["x²", "W²", "٣", "²", "٣x", "é", "_", "a-b", "𝔘nicode"] {
            for made in [type_name(name), field_name(name)] {
                let bare = made.strip_prefix("r#").unwrap_or(&made);
                assert!(syn::parse_str::<syn::Ident>(bare).is_ok(), "{name:?} → {made:?}");
            }
        }
        assert_eq!(field_name("x²"), "x_u00b2");
        assert_eq!(type_name("W²"), "WU00B2");
        assert_eq!(type_name("٣"), "V٣");
        assert_eq!(type_name("é"), "É");
    }

    #[test]
    fn unique_appends_a_counter() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a_b".into(), &mut taken), "a_b");
        assert_eq!(unique("a_b".into(), &mut taken), "a_b2");
        assert_eq!(unique("a_b".into(), &mut taken), "a_b3");
    }
}
