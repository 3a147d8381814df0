//! The API listing: one sorted line per struct, member (its Rust type and
//! whether it is required, sensitive or deprecated), enum value, operation,
//! error, paginator and waiter of a generated client. It is checked in
//! beside the generated code for two jobs:
//!
//! - review: a change of document is read in the listing's diff, tens of
//!   lines, not in the generated code's thousands;
//! - the lock: the listing of the previous generation is what a regen must
//!   not break. Where a newer document would change a member's `Option`-ness
//!   or drop an enum value, [`lock`] keeps the previous shape (with a
//!   warning naming it); any other breaking change is an error unless the
//!   breaking changes are accepted.
//!
//! A line is `KIND NAME` or `KIND NAME: VALUE`; the part before `: ` is the
//! key the diff and the lock go by.

use crate::emit::{serde_camel_case, Names};
use crate::ir::{Member, Service, Shape, ShapeKind};
use crate::Error;
use std::collections::BTreeMap;

/// The first line of every listing.
const HEADER: &str = "# API listing written by `cargo xtask regen`: review a document change in this file's diff. \
                      The next regen keeps what this file says unless told `--accept-breaking`.";

/// The listing of `service`'s generated client, as text.
pub fn render(service: &Service) -> String {
    let names = Names::new(service);
    let mut lines = Vec::new();
    for shape in service.shapes.values() {
        match &shape.kind {
            ShapeKind::Structure { members } => {
                let ty = names.type_ident(&shape.name);
                lines.push(format!("struct {ty}"));
                for member in members {
                    let inner = rust_type(service, &names, &member.target);
                    let ty_text = if member.optional_in_rust { format!("Option<{inner}>") } else { inner };
                    let field = names.field(&shape.name, &member.name).to_string();
                    let field = field.trim_start_matches("r#");
                    // The wire name where serde is told it (the lock needs it
                    // to keep a member the document drops).
                    let wire = (serde_camel_case(field) != member.name).then(|| format!("wire {}", member.name));
                    let flags: Vec<String> = [
                        member.required.then(|| "required".to_owned()),
                        member.sensitive.then(|| "sensitive".to_owned()),
                        member.deprecated.then(|| "deprecated".to_owned()),
                        wire,
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    let flags = if flags.is_empty() { String::new() } else { format!(" ({})", flags.join(", ")) };
                    lines.push(format!("member {ty}.{field}: {ty_text}{flags}"));
                }
            }
            ShapeKind::Enum { values } => {
                let ty = names.type_ident(&shape.name);
                lines.extend(values.iter().map(|value| format!("enum {ty} {value}")));
            }
            _ => {}
        }
    }
    for op in &service.operations {
        let (input, output) = (names.type_ident(&op.input), names.type_ident(&op.output));
        lines.push(format!("operation {}: {input} -> {output}", op.name));
        lines.extend(op.errors.iter().map(|error| format!("error {} {error}", op.name)));
        if let Some(p) = &op.paginator {
            let items: Vec<String> = p.items.iter().map(|path| path.join(".")).collect();
            let size = p.page_size.as_deref().map(|s| format!(", page size {s}")).unwrap_or_default();
            lines.push(format!(
                "paginator {}: {} -> {}{size}, items {}",
                op.name,
                p.input_token,
                p.output_token,
                items.join(" ")
            ));
        }
    }
    for w in &service.waiters {
        lines.push(format!(
            "waiter {}: {} until {} is {} (fails on {})",
            w.name,
            w.operation,
            w.path.join("."),
            w.success.join(" or "),
            if w.failure.is_empty() { "nothing".to_owned() } else { w.failure.join(" or ") }
        ));
    }
    lines.sort();
    lines.dedup();
    let mut text = format!("{HEADER}\n");
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// The Rust type of values of `shape`, as the listing writes it.
fn rust_type(service: &Service, names: &Names, shape: &str) -> String {
    match &service.shapes[shape].kind {
        ShapeKind::Structure { .. } | ShapeKind::Enum { .. } => names.type_ident(shape).to_string(),
        ShapeKind::List { member } => format!("Vec<{}>", rust_type(service, names, member)),
        ShapeKind::Map { value } => format!("BTreeMap<String, {}>", rust_type(service, names, value)),
        ShapeKind::String => "String".into(),
        ShapeKind::Integer => "i32".into(),
        ShapeKind::Long => "i64".into(),
        ShapeKind::Double => "f64".into(),
        ShapeKind::Boolean => "bool".into(),
        ShapeKind::Timestamp => "DateTime".into(),
        ShapeKind::Blob => "Blob".into(),
    }
}

/// A listing read back: key (`member Tag.key`) to value (`Option<String>
/// (required)`, empty for lines without one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing(BTreeMap<String, String>);

impl Listing {
    /// Reads a listing; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self, Error> {
        let mut entries = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once(": ").unwrap_or((line, ""));
            let known = ["struct ", "member ", "enum ", "operation ", "error ", "paginator ", "waiter "];
            if !known.iter().any(|kind| key.starts_with(kind)) || key.split(' ').any(str::is_empty) {
                return Err(Error::at(
                    format!("{source}:{}", number + 1),
                    format!("not a line of an API listing: {line:?}"),
                ));
            }
            entries.insert(key.to_owned(), value.to_owned());
        }
        Ok(Self(entries))
    }

    fn line(key: &str, value: &str) -> String {
        if value.is_empty() {
            key.to_owned()
        } else {
            format!("{key}: {value}")
        }
    }
}

/// What changed between two listings, each a listing line; breaking
/// changes are also in `added`, `removed` or `changed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Changes that would break code written against the previous
    /// generation: removals, a member's type or `Option`-ness, an
    /// operation's input or output type.
    pub breaking: Vec<String>,
    /// Breaking changes the lock did not take: the previous shape was kept.
    pub kept: Vec<String>,
    /// Lines only the new listing has.
    pub added: Vec<String>,
    /// Lines only the previous listing has.
    pub removed: Vec<String>,
    /// Keys in both with another value, as `old` → `new` lines.
    pub changed: Vec<(String, String)>,
}

impl Changes {
    /// Compares the previous listing with the new one.
    pub fn between(old: &Listing, new: &Listing) -> Self {
        let mut changes = Changes::default();
        for (key, value) in &old.0 {
            match new.0.get(key) {
                None => {
                    let line = Listing::line(key, value);
                    changes.breaking.push(format!("removed: {line}"));
                    changes.removed.push(line);
                }
                Some(now) if now != value => {
                    let (was, is) = (Listing::line(key, value), Listing::line(key, now));
                    if breaks(key, value, now) {
                        changes.breaking.push(format!("changed: {was} → {is}"));
                    }
                    changes.changed.push((was, is));
                }
                Some(_) => {}
            }
        }
        changes.added =
            new.0.iter().filter(|(k, _)| !old.0.contains_key(*k)).map(|(k, v)| Listing::line(k, v)).collect();
        changes
    }

    /// Whether the listing is the same (shapes the lock kept are warnings
    /// of their own, said at every regen).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// What changed, for a person: breaking changes and kept shapes first,
    /// then counts by kind and every removed and changed line. Added lines
    /// are counted, with the operations named.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let mut section = |title: &str, lines: &mut dyn Iterator<Item = String>| {
            let lines: Vec<String> = lines.collect();
            if !lines.is_empty() {
                out.push_str(&format!("{title} ({}):\n", lines.len()));
                for line in lines {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        };
        section("BREAKING", &mut self.breaking.iter().cloned());
        section(
            "kept as the previous generation had them (--accept-breaking takes the new shape)",
            &mut self.kept.iter().cloned(),
        );
        section("removed", &mut self.removed.iter().cloned());
        section("changed", &mut self.changed.iter().map(|(was, is)| format!("{was}  →  {is}")));
        section("operations added", &mut self.added.iter().filter(|l| l.starts_with("operation ")).cloned());
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for line in &self.added {
            *counts.entry(line.split(' ').next().unwrap_or_default()).or_default() += 1;
        }
        if !counts.is_empty() {
            let counts: Vec<String> = counts.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
            out.push_str(&format!("added: {}\n", counts.join(", ")));
        }
        out
    }
}

/// Whether changing `key`'s value from `was` to `is` breaks callers.
fn breaks(key: &str, was: &str, is: &str) -> bool {
    if key.starts_with("member ") {
        member_type(was) != member_type(is)
    } else {
        key.starts_with("operation ")
    }
}

/// A member line's Rust type (without its flags).
fn member_type(value: &str) -> &str {
    member_parts(value).0
}

/// A member line's Rust type and its flags (`required`, `wire Key`, …).
fn member_parts(value: &str) -> (&str, Vec<&str>) {
    match value.rfind(" (") {
        Some(at) if value.ends_with(')') => (&value[..at], value[at + 2..value.len() - 1].split(", ").collect()),
        _ => (value, Vec::new()),
    }
}

/// A Rust type without its `Option`, and whether it had one.
fn without_option(ty: &str) -> (&str, bool) {
    match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => (inner, true),
        None => (ty, false),
    }
}

/// Applies the lock of `previous` to `service`: a member whose Rust type
/// would gain or lose its `Option` keeps the previous one, an enum value the
/// document dropped stays; each is a warning. Other breaking changes are an
/// error naming them all, unless `accept_breaking`. Returns the changes
/// against `previous` once the lock is applied.
pub fn lock(service: &mut Service, previous: &Listing, accept_breaking: bool) -> Result<Changes, Error> {
    let current = Listing::parse(&render(service), "the new listing")?;
    let changes = Changes::between(previous, &current);
    if accept_breaking || changes.breaking.is_empty() {
        return Ok(changes);
    }
    let names = Names::new(service);
    let mut kept = Vec::new();
    let mut warnings = Vec::new();
    for shape in service.shapes.values_mut() {
        if !matches!(shape.kind, ShapeKind::Structure { .. } | ShapeKind::Enum { .. }) {
            continue;
        }
        let ty = names.type_ident(&shape.name).to_string();
        match &mut shape.kind {
            ShapeKind::Structure { members } => {
                for member in members {
                    let field = names.field(&shape.name, &member.name).to_string();
                    let key = format!("member {ty}.{}", field.trim_start_matches("r#"));
                    let Some(was) = previous.0.get(&key) else { continue };
                    let was = member_type(was);
                    let now = member_type(current.0.get(&key).map_or("", String::as_str));
                    let ((was_inner, was_optional), (now_inner, _)) = (without_option(was), without_option(now));
                    // Kept: the same type gaining or losing its Option. A
                    // changed type is not something the lock can keep.
                    if was_optional == member.optional_in_rust || was_inner != now_inner {
                        continue;
                    }
                    member.optional_in_rust = was_optional;
                    kept.push(key.clone());
                    warnings.push(if was_optional {
                        format!(
                            "`{ty}.{field}` stays `{was}`, as the previous generation had it, though the document \
                             now requires it (an input still refuses to be sent without it); `--accept-breaking` \
                             makes it `{now}`"
                        )
                    } else {
                        format!(
                            "`{ty}.{field}` stays `{was}`, as the previous generation had it, though the document \
                             now has it optional; `--accept-breaking` makes it `{now}`"
                        )
                    });
                }
            }
            ShapeKind::Enum { values } => {
                let prefix = format!("enum {ty} ");
                for key in previous.0.keys().filter(|k| k.starts_with(&prefix)) {
                    let value = &key[prefix.len()..];
                    if !values.iter().any(|v| v == value) {
                        values.push(value.to_owned());
                        kept.push(key.clone());
                        warnings.push(format!(
                            "`{ty}` keeps the value `{value}` of the previous generation, though the document \
                             dropped it; `--accept-breaking` removes it"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    keep_removed_members(service, &names, previous, &current, &mut kept, &mut warnings);
    let mut changes = Changes::between(previous, &Listing::parse(&render(service), "the new listing")?);
    if !changes.breaking.is_empty() {
        return Err(Error::at(
            "the API listing",
            format!(
                "the document breaks code written against the previous generation, and the generator cannot keep \
                 the previous shape of:\n  {}\nrun with `--accept-breaking` to take the new API (a major version)",
                changes.breaking.join("\n  ")
            ),
        ));
    }
    changes.kept = kept;
    service.warnings.extend(warnings);
    Ok(changes)
}

/// What a kept member's docs say.
const REMOVED_DOC: &str = "The service's document no longer has this member: the service neither sends nor \
                           takes it. It is kept so that code written against an earlier generation compiles.";

/// Members of the previous listing that the document dropped from a struct
/// it still has: kept, deprecated and never required, so code that reads or
/// sets them compiles. One whose type cannot be made again is left to the
/// breaking-change error.
fn keep_removed_members(
    service: &mut Service,
    names: &Names,
    previous: &Listing,
    current: &Listing,
    kept: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let by_type: BTreeMap<String, String> = service
        .shapes
        .values()
        .filter(|s| matches!(s.kind, ShapeKind::Structure { .. } | ShapeKind::Enum { .. }))
        .map(|s| (names.type_ident(&s.name).to_string(), s.name.clone()))
        .collect();
    for (key, value) in &previous.0 {
        let Some((ty, field)) = key.strip_prefix("member ").and_then(|path| path.split_once('.')) else { continue };
        let Some(shape) = by_type.get(ty).filter(|_| !current.0.contains_key(key)) else { continue };
        let (rust, flags) = member_parts(value);
        let (rust, optional) = without_option(rust);
        let Some(target) = shape_of_type(service, &by_type, rust) else { continue };
        let wire =
            flags.iter().find_map(|f| f.strip_prefix("wire ")).map_or_else(|| serde_camel_case(field), str::to_owned);
        let Some(ShapeKind::Structure { members }) = service.shapes.get_mut(shape).map(|s| &mut s.kind) else {
            continue;
        };
        let at = members.partition_point(|m| m.name < wire);
        members.insert(
            at,
            Member {
                name: wire,
                target,
                docs: Some(REMOVED_DOC.into()),
                required: false,
                optional_in_rust: optional,
                sensitive: flags.contains(&"sensitive"),
                deprecated: true,
            },
        );
        kept.push(key.clone());
        warnings.push(format!(
            "`{ty}.{field}` is kept, deprecated, though the document dropped it; `--accept-breaking` removes it"
        ));
    }
}

/// The shape of values of Rust type `rust` as the listing writes it: a
/// struct or enum of the service's (`by_type`), or one made for it.
fn shape_of_type(service: &mut Service, by_type: &BTreeMap<String, String>, rust: &str) -> Option<String> {
    if let Some(shape) = by_type.get(rust) {
        return Some(shape.clone());
    }
    let kind = if let Some(item) = rust.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
        ShapeKind::List { member: shape_of_type(service, by_type, item)? }
    } else if let Some(value) = rust.strip_prefix("BTreeMap<String, ").and_then(|t| t.strip_suffix('>')) {
        ShapeKind::Map { value: shape_of_type(service, by_type, value)? }
    } else {
        match rust {
            "String" => ShapeKind::String,
            "i32" => ShapeKind::Integer,
            "i64" => ShapeKind::Long,
            "f64" => ShapeKind::Double,
            "bool" => ShapeKind::Boolean,
            "DateTime" => ShapeKind::Timestamp,
            "Blob" => ShapeKind::Blob,
            _ => return None,
        }
    };
    // A name no document shape can have.
    let name = format!("kept {rust}");
    service.shapes.entry(name.clone()).or_insert_with(|| Shape {
        name: name.clone(),
        docs: None,
        kind,
        constraints: Default::default(),
    });
    Some(name)
}
