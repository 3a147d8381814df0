//! The command layer of a command-line tool, from the same IR as the client:
//! a table with a command per operation (kebab-case name, plain-text
//! documentation, the input's shape with AWS CLI flag names, the answer's
//! shape, paging) and per waiter, and functions that send an operation or run a waiter by name
//! through the client's typed input. A second file tests that every command
//! parses every flag of its input into JSON the typed input accepts.
//!
//! The emitted code refers to a hand-written `crate::parsing::schema` (the table's
//! types), `crate::call` (sending and waiting) and `crate::testing`.

use super::serde_tests::sample;
use super::{ident, Names};
use crate::docs::to_plain_text;
use crate::ir::{Member, Service, ShapeKind};
use crate::naming::{constant_name, snake_part, unique};
use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What stands for the path of a blob file in a flag test's arguments.
const BLOB_FILE: &str = "{blob file}";

/// `mod.rs` (the table and dispatch) and `flag_tests.rs`. `client` is the
/// path of the client crate's generated API (e.g. `ecr_client`).
pub(super) fn emit(service: &Service, names: &Names, client: &syn::Path) -> Vec<(&'static str, TokenStream)> {
    let statics = Statics::new(service);
    vec![("mod.rs", table(service, names, client, &statics)), ("flag_tests.rs", flag_tests(service, names, client))]
}

/// The kebab-case command name of an operation, a waiter or a flag, as the
/// AWS CLI derives it.
pub fn command_name(name: &str) -> String {
    name.to_kebab_case()
}

/// One named static per structure, list, map and enum an input or an answer
/// can reach; scalars are written in place.
struct Statics {
    names: BTreeMap<String, proc_macro2::Ident>,
    /// The shapes an input reaches: only their members' docs are help.
    in_inputs: BTreeSet<String>,
}

/// Every shape reachable from `roots`.
fn reachable<'a>(service: &'a Service, roots: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut reachable = BTreeSet::new();
    let mut pending: Vec<&str> = roots.collect();
    while let Some(shape) = pending.pop() {
        if !reachable.insert(shape) {
            continue;
        }
        match &service.shapes[shape].kind {
            ShapeKind::Structure { members } => pending.extend(members.iter().map(|m| m.target.as_str())),
            ShapeKind::List { member } => pending.push(member),
            ShapeKind::Map { value } => pending.push(value),
            _ => {}
        }
    }
    reachable
}

impl Statics {
    fn new(service: &Service) -> Self {
        let in_inputs = reachable(service, service.operations.iter().map(|op| op.input.as_str()));
        let mut reachable = reachable(service, service.operations.iter().map(|op| op.output.as_str()));
        reachable.extend(&in_inputs);
        // The tables share the module with the statics.
        let mut taken = BTreeSet::from(["COMMANDS".to_owned(), "WAITS".to_owned()]);
        let names = reachable
            .into_iter()
            .filter(|shape| {
                matches!(
                    service.shapes[*shape].kind,
                    ShapeKind::Structure { .. }
                        | ShapeKind::List { .. }
                        | ShapeKind::Map { .. }
                        | ShapeKind::Enum { .. }
                )
            })
            .map(|shape| (shape.to_owned(), ident(&unique(constant_name(shape), &mut taken))))
            .collect();
        Self { names, in_inputs: in_inputs.into_iter().map(str::to_owned).collect() }
    }

    /// A `&'static Shape` expression for `shape`.
    fn reference(&self, service: &Service, shape: &str) -> TokenStream {
        if let Some(name) = self.names.get(shape) {
            return quote!(&#name);
        }
        let kind = match service.shapes[shape].kind {
            ShapeKind::String => quote!(String),
            ShapeKind::Integer => quote!(Integer),
            ShapeKind::Long => quote!(Long),
            ShapeKind::Double => quote!(Double),
            ShapeKind::Boolean => quote!(Boolean),
            ShapeKind::Timestamp => quote!(Timestamp),
            ShapeKind::Blob => quote!(Blob),
            _ => unreachable!("structures, lists, maps and enums are statics"),
        };
        quote!(&Shape::#kind)
    }

    fn items(&self, service: &Service) -> Vec<TokenStream> {
        self.names
            .iter()
            .map(|(shape, name)| {
                let value = match &service.shapes[shape].kind {
                    ShapeKind::Structure { members } => {
                        let documented = self.in_inputs.contains(shape);
                        let members = members.iter().map(|m| self.member(service, m, documented));
                        quote!(Shape::Structure(&[#(#members),*]))
                    }
                    ShapeKind::List { member } => {
                        let member = self.reference(service, member);
                        quote!(Shape::List(#member))
                    }
                    ShapeKind::Map { value } => {
                        let value = self.reference(service, value);
                        quote!(Shape::Map(#value))
                    }
                    ShapeKind::Enum { values } => quote!(Shape::Enum(&[#(#values),*])),
                    _ => unreachable!("only named shapes are statics"),
                };
                let doc = format!(" `{shape}`.");
                quote! {
                    #[doc = #doc]
                    static #name: Shape = #value;
                }
            })
            .collect()
    }

    /// A member; its docs only where they are a flag's help (`documented`).
    fn member(&self, service: &Service, member: &Member, documented: bool) -> TokenStream {
        let (name, flag, required) = (&member.name, command_name(&member.name), member.required);
        let docs = member.docs.as_deref().or(service.shapes[&member.target].docs.as_deref()).filter(|_| documented);
        let docs = docs.map(to_plain_text).unwrap_or_default();
        let shape = self.reference(service, &member.target);
        quote!(Member { name: #name, flag: #flag, docs: #docs, required: #required, shape: #shape })
    }
}

fn table(service: &Service, names: &Names, client: &syn::Path, statics: &Statics) -> TokenStream {
    let commands = service.operations.iter().map(|op| {
        let (name, operation) = (command_name(&op.name), &op.name);
        let docs = op.docs.as_deref().map(to_plain_text).unwrap_or_default();
        let (input, output) = (statics.reference(service, &op.input), statics.reference(service, &op.output));
        let paging = match &op.paginator {
            Some(p) => {
                let (input_token, output_token) = (&p.input_token, &p.output_token);
                let page_size = match &p.page_size {
                    Some(member) => quote!(Some(#member)),
                    None => quote!(None),
                };
                let items = p.items.iter().map(|path| quote!(&[#(#path),*]));
                quote!(Some(Paging { input_token: #input_token, output_token: #output_token, page_size: #page_size, items: &[#(#items),*] }))
            }
            None => quote!(None),
        };
        quote!(Command { name: #name, operation: #operation, docs: #docs, input: #input, output: #output, paging: #paging })
    });
    let waits = service.waiters.iter().map(|w| {
        let (name, waiter) = (command_name(&w.name), &w.name);
        let command = command_name(&w.operation);
        let docs = format!(
            "Waits until {} in the answer of {} is {}{}, polling every {} s or more, for at most {} s.",
            w.path.join("."),
            w.operation,
            w.success.join(" or "),
            if w.failure.is_empty() { String::new() } else { format!(" (failing at {})", w.failure.join(" or ")) },
            w.delay_secs,
            w.max_wait_secs
        );
        quote!(Wait { name: #name, waiter: #waiter, command: #command, docs: #docs })
    });
    let sends = service.operations.iter().map(|op| {
        let (operation, input) = (&op.name, names.type_ident(&op.input));
        quote!(#operation => crate::call::send::<#client::types::#input>(client.inner(), input).await)
    });
    let markers = super::operations::waiter_markers(service);
    let runs = service.waiters.iter().zip(&markers).map(|(w, marker)| {
        let op = service.operations.iter().find(|op| op.name == w.operation).expect("lowering checked the operation");
        let (waiter, input, marker) = (&w.name, names.type_ident(&op.input), ident(marker));
        quote!(#waiter => crate::call::wait::<#client::types::#input, #client::operations::#marker>(client.inner(), input, progress).await)
    });
    // A service without waiters has nothing to run.
    let wait_body = if service.waiters.is_empty() {
        quote! {
            let _ = (client, input, progress);
            Err(crate::Failure::unknown(waiter))
        }
    } else {
        quote! {
            match waiter {
                #(#runs,)*
                other => Err(crate::Failure::unknown(other)),
            }
        }
    };
    let statics = statics.items(service);
    let title = format!(" Commands for every operation and waiter of {}.", service.title);
    quote! {
        #![doc = #title]

        use crate::parsing::schema::{Command, Member, Paging, Shape, Wait};

        #[cfg(test)]
        mod flag_tests;

        /// A command per operation, sorted by name.
        pub static COMMANDS: &[Command] = &[#(#commands),*];

        /// A `wait` command per waiter, sorted by name.
        pub static WAITS: &[Wait] = &[#(#waits),*];

        /// Sends `operation` with `input`, the JSON of its input.
        pub async fn send(
            client: &#client::Client,
            operation: &str,
            input: ::serde_json::Value,
        ) -> ::std::result::Result<::bytes::Bytes, crate::Failure> {
            match operation {
                #(#sends,)*
                other => Err(crate::Failure::unknown(other)),
            }
        }

        /// Runs the waiter `waiter` with `input`, the JSON of its
        /// operation's input; `progress` hears of every poll.
        pub async fn wait(
            client: &#client::Client,
            waiter: &str,
            input: ::serde_json::Value,
            progress: crate::call::OnPoll,
        ) -> ::std::result::Result<(), crate::Failure> {
            #wait_body
        }

        #(#statics)*
    }
}

fn flag_tests(service: &Service, names: &Names, client: &syn::Path) -> TokenStream {
    let mut taken = BTreeSet::new();
    let tests = service.operations.iter().map(|op| {
        // A name may start with a digit (`2`): then `_2_parses_every_flag`.
        let name = format!("{}_parses_every_flag", snake_part(&op.name));
        let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) { name } else { format!("_{name}") };
        let test = ident(&unique(name, &mut taken));
        let input = names.type_ident(&op.input);
        let mut args = vec![command_name(&op.name)];
        let mut expected = serde_json::Map::new();
        for member in service.members(&op.input) {
            let value = sample(service, &member.target, &mut Vec::new());
            args.push(format!("--{}", command_name(&member.name)));
            args.extend(flag_values(service, &member.target, &value));
            expected.insert(member.name.clone(), value);
        }
        let expected = Value::Object(expected).to_string();
        quote! {
            #[test]
            fn #test() {
                crate::testing::parses_flags::<#client::types::#input>(&[#(#args),*], #expected);
            }
        }
    });
    let doc = format!(
        " Every command parses a value for every flag of its input (`{BLOB_FILE}` stands for a file of the \
         sample blob's bytes), into JSON the client's typed input accepts and writes back unchanged."
    );
    quote! {
        #![doc = #doc]
        #(#tests)*
    }
}

/// The command-line values that stand for `value`, a sample of `shape`:
/// scalars as text, lists of scalars as several values, booleans as the
/// bare flag, blobs as a `fileb://` path, the rest as JSON.
fn flag_values(service: &Service, shape: &str, value: &Value) -> Vec<String> {
    let scalar = |value: &Value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match &service.shapes[shape].kind {
        ShapeKind::Boolean if value == &Value::Bool(true) => vec![],
        ShapeKind::Blob => vec![format!("fileb://{BLOB_FILE}")],
        ShapeKind::List { member } if is_scalar(&service.shapes[member].kind) => {
            value.as_array().into_iter().flatten().map(scalar).collect()
        }
        kind if is_scalar(kind) => vec![scalar(value)],
        _ => vec![value.to_string()],
    }
}

/// Whether a value of this kind is written as one command-line word.
fn is_scalar(kind: &ShapeKind) -> bool {
    !matches!(kind, ShapeKind::Structure { .. } | ShapeKind::List { .. } | ShapeKind::Map { .. } | ShapeKind::Blob)
}
