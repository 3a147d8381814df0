//! Names the generated code would collide on, found before it is emitted:
//! a setter or method that would shadow the generated API's own is an error
//! naming the member or operation (the code would not compile, or would not
//! be reachable); names told apart only by a numeric suffix, and flags the
//! command line's own flags shadow, are warnings. Nothing is renamed in
//! silence.

use crate::error::{child, Error};
use crate::ir::{Service, ShapeKind};
use crate::naming::{field_name, type_name};
use heck::ToKebabCase;
use std::collections::BTreeMap;

/// Methods every request builder has.
const BUILDER_METHODS: &[&str] = &["build", "send"];

/// Methods the client has whatever the service (the runtime's
/// `service_client!`).
const CLIENT_METHODS: &[&str] = &[
    "new",
    "from_env",
    "load",
    "load_with",
    "config",
    "endpoint",
    "http_client",
    "inner",
    "send",
    "send_raw",
    "clone",
    "from",
    "into",
];

/// Flags the generated command line takes for itself: global, and on every
/// command (the paging ones where the command pages).
const CLI_FLAGS: &[&str] = &[
    "region",
    "profile",
    "endpoint-url",
    "output",
    "debug",
    "no-paginate",
    "version",
    "help",
    "cli-read-timeout",
    "ca-bundle",
    "no-cli-pager",
    "color",
    "no-verify-ssl",
    "no-sign-request",
    "cli-binary-format",
    "query",
    "cli-connect-timeout",
    "cli-input-json",
    "generate-cli-skeleton",
];
const PAGING_FLAGS: &[&str] = &["max-items", "page-size", "starting-token"];

/// Checks `service`'s names; adds warnings to it, or fails on a clash.
pub fn check(service: &mut Service) -> Result<(), Error> {
    let mut warnings = Vec::new();
    for op in &service.operations {
        let method = field_name(&op.name);
        if CLIENT_METHODS.contains(&method.as_str()) {
            return Err(Error::at(
                format!("operation {}", op.name),
                format!("its method `{method}` would be the client's own `{method}`"),
            ));
        }
        let mut own: Vec<String> = BUILDER_METHODS.iter().map(|m| (*m).to_owned()).collect();
        if op.paginator.is_some() {
            own.push("into_paginator".into());
        }
        let waiters = service.waiters.iter().filter(|w| w.operation == op.name);
        own.extend(waiters.map(|w| format!("wait_until_{}", field_name(&w.name).trim_start_matches("r#"))));
        let pointer = child("#/components/schemas", &op.input);
        for member in service.members(&op.input) {
            let setter = field_name(&member.name);
            if own.contains(&setter) {
                return Err(Error::at(
                    child(&child(&pointer, "properties"), &member.name),
                    format!("its setter `{setter}` would be the {} builder's own `{setter}`", op.name),
                ));
            }
            let flag = member.name.to_kebab_case();
            if CLI_FLAGS.contains(&flag.as_str()) || (op.paginator.is_some() && PAGING_FLAGS.contains(&flag.as_str())) {
                warnings.push(format!(
                    "{}: member {:?} of {} would be the flag --{flag}, which the command line takes for itself: \
                     it can be given only in --cli-input-json",
                    child(&pointer, "properties"),
                    member.name,
                    op.name
                ));
            }
        }
    }
    let type_names: Vec<String> = service
        .shapes
        .values()
        .filter(|s| matches!(s.kind, ShapeKind::Structure { .. } | ShapeKind::Enum { .. }))
        .map(|s| type_name(&s.name))
        .collect();
    for shape in service.shapes.values() {
        let pointer = child("#/components/schemas", &shape.name);
        if let ShapeKind::Structure { members } = &shape.kind {
            // Every structure has a builder, `{Type}Builder`, with `build`.
            let builder = format!("{}Builder", type_name(&shape.name));
            if type_names.contains(&builder) {
                warnings.push(format!(
                    "{pointer}: its builder gets a numeric suffix: the document has a type `{builder}` too"
                ));
            }
            if let Some(member) = members.iter().find(|m| field_name(&m.name) == "build") {
                warnings.push(format!(
                    "{}: its builder's setter is `build_value`: `build` is the builder's own",
                    child(&child(&pointer, "properties"), &member.name)
                ));
            }
        }
        match &shape.kind {
            ShapeKind::Structure { members } => suffixed(
                &mut warnings,
                &pointer,
                "members",
                "field",
                members.iter().map(|m| (m.name.as_str(), field_name(&m.name))),
            ),
            ShapeKind::Enum { values } => {
                // The client's own `Unknown` comes first: a value that becomes it is suffixed.
                let variants = values.iter().map(|v| (v.as_str(), type_name(v)));
                let variants = [("(the client's Unknown)", "Unknown".to_owned())].into_iter().chain(variants);
                suffixed(&mut warnings, &pointer, "values", "variant", variants)
            }
            _ => {}
        }
    }
    let named =
        service.shapes.values().filter(|s| matches!(s.kind, ShapeKind::Structure { .. } | ShapeKind::Enum { .. }));
    let types = named.map(|shape| (shape.name.as_str(), type_name(&shape.name)));
    suffixed(&mut warnings, "#/components/schemas", "schemas", "type", types);
    service.warnings.extend(warnings);
    Ok(())
}

/// Warns where several `names` become one Rust name, and so all but the
/// first get a numeric suffix.
fn suffixed<'a>(
    warnings: &mut Vec<String>,
    pointer: &str,
    what: &str,
    kind: &str,
    names: impl Iterator<Item = (&'a str, String)>,
) {
    let mut by_rust: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, rust) in names {
        by_rust.entry(rust).or_default().push(name);
    }
    for (rust, names) in by_rust.into_iter().filter(|(_, names)| names.len() > 1) {
        warnings.push(format!(
            "{pointer}: the {what} {} all become the {kind} `{rust}`; the second and later get a numeric suffix",
            names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
        ));
    }
}
