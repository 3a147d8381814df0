//! IR to Rust source files. Each submodule emits one generated file; this
//! module holds what they share: names, types, doc comments, formatting.

pub mod cli;
mod errors;
mod operations;
mod serde_tests;
mod types;
mod validation;

pub(crate) use types::serde_camel_case;

use crate::docs::to_markdown;
use crate::ir::{Member, Service, ShapeKind};
use crate::naming::{field_name, type_name, unique};
use crate::Error;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// One generated file: a path relative to the output directory, and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// e.g. `types.rs`.
    pub path: String,
    /// Formatted Rust source, starting with the generated-code header.
    pub contents: String,
}

/// Emits the files of `service`. `header` is the comment every file starts
/// with (it names the command that made it).
pub fn emit(service: &Service, header: &str) -> Result<Vec<File>, Error> {
    let names = Names::new(service);
    let files = [
        ("mod.rs", module(service, &names)),
        ("types.rs", types::emit(service, &names)),
        ("operations.rs", operations::emit(service, &names)),
        ("errors.rs", errors::emit(service, &names)),
        ("serde_tests.rs", serde_tests::emit(service, &names)),
        ("validation.rs", validation::emit(service, &names)),
    ];
    files.into_iter().map(|(path, tokens)| format_file(path, tokens, header)).collect()
}

/// Emits the command layer of a command-line tool for `service` (see
/// [`cli`]); `client` is the Rust path of the crate with its client.
pub fn emit_cli(service: &Service, header: &str, client: &str) -> Result<Vec<File>, Error> {
    let client: syn::Path = syn::parse_str(client)
        .map_err(|e| Error::at("the client crate's path", format!("{client:?} is not a Rust path: {e}")))?;
    let names = Names::new(service);
    cli::emit(service, &names, &client).into_iter().map(|(path, tokens)| format_file(path, tokens, header)).collect()
}

fn format_file(path: &str, tokens: TokenStream, header: &str) -> Result<File, Error> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| Error::at(format!("generated {path}"), format!("emitted invalid Rust: {e}")))?;
    let text = comment_safe(&prettyplease::unparse(&file));
    Ok(File { path: path.to_owned(), contents: format!("{header}\n{}", separate_items(&text)) })
}

/// Printed Rust with what a comment may not hold taken out of the docs: a
/// bare carriage return (a lexer error in doc comments) and the Unicode
/// direction controls (denied by rustc's `text_direction_codepoint_*`
/// lints). Literals escape both, so only documentation text can hold them.
fn comment_safe(text: &str) -> String {
    let forbidden = |c: char| c == '\r' || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if text.contains(forbidden) {
        text.replace(forbidden, " ")
    } else {
        text.to_owned()
    }
}

fn module(service: &Service, names: &Names) -> TokenStream {
    let docs = inner_docs(service.docs.as_deref());
    let warnings = warnings_doc(&service.warnings);
    let marker = &names.marker;
    let marker_doc = doc_lines(&[format!(
        "The `{}` service: {} (API {}). Its facts, from the document, for the runtime.",
        service.name, service.title, service.api_version
    )]);
    let client_doc = doc_lines(&[
        format!("A client for {} (API {}).", service.title, service.api_version),
        String::new(),
        "Every operation is a method that returns a request builder; see the [`operations`] module.".into(),
    ]);
    let (name, version, signing) = (&service.name, &service.api_version, &service.signing_name);
    let content_type = format!("application/x-amz-json-{}", service.json_version);
    let resolver = match &service.endpoint_resolver {
        Some(path) => {
            let path: syn::Path = syn::parse_str(path).expect("checked when the hints were read");
            quote!(Some(#path))
        }
        None => quote!(None),
    };
    let non_retryable = &service.non_retryable_errors;
    let endpoints = service.endpoints.iter().map(|e| {
        let (url, regions) = (&e.url, &e.regions);
        quote!(::aws_json_runtime::EndpointTemplate::new(#url, &[#(#regions),*]))
    });
    quote! {
        #docs
        #warnings
        pub mod errors;
        pub mod operations;
        pub mod types;
        mod validation;
        #[cfg(test)]
        mod serde_tests;

        #marker_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct #marker;

        impl ::aws_json_runtime::Service for #marker {
            const META: ::aws_json_runtime::ServiceMeta = ::aws_json_runtime::ServiceMeta::new(
                #name,
                #version,
                #signing,
                #content_type,
                &[#(#endpoints),*],
                #resolver,
                &[#(#non_retryable),*],
            );
        }

        ::aws_json_runtime::service_client! {
            #client_doc
            pub struct Client(#marker);
        }
    }
}

/// prettyplease puts items right under each other; a blank line between
/// items and between the members of an impl (indentation up to 4) makes
/// generated files and their diffs easier to read. Bodies are untouched.
fn separate_items(source: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut previous: Option<&str> = None;
    for line in source.lines() {
        if let Some(prev) = previous {
            let item_ended = prev.trim() == "}" || (prev.trim_end().ends_with(';') && indent(prev) == 0);
            let after_module_docs = prev.starts_with("//!") && !line.starts_with("//!");
            let starts_item = !line.trim().is_empty()
                && indent(line) <= 4
                && indent(line) == indent(prev)
                && !line.trim_start().starts_with(['}', ')', ']']);
            let one_liners = prev.trim_end().ends_with(';') && line.trim_end().ends_with(';');
            if (item_ended && starts_item && !one_liners) || (after_module_docs && !line.is_empty()) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// The Rust names of everything emitted, decided once so every file agrees.
pub(crate) struct Names {
    /// The service marker type.
    pub marker: Ident,
    /// Shape name to Rust type name (structures and enums).
    types: BTreeMap<String, Ident>,
    /// (structure, member wire name) to field name.
    fields: BTreeMap<(String, String), Ident>,
    /// Structure to its builder's type name: `{Type}Builder`, suffixed
    /// where the document has a type of that name.
    builders: BTreeMap<String, Ident>,
    /// (structure, member wire name) to its builder's setter: the field
    /// name, but `build_value` for a member the builder's `build` shadows.
    setters: BTreeMap<(String, String), Ident>,
    /// Whether a generated type shadows a prelude type in `types.rs`.
    shadows_prelude: bool,
}

impl Names {
    /// Decides every name of `service`'s generated code.
    pub(crate) fn new(service: &Service) -> Self {
        let mut taken = BTreeSet::new();
        let mut types = BTreeMap::new();
        for shape in service.shapes.values() {
            if matches!(shape.kind, ShapeKind::Structure { .. } | ShapeKind::Enum { .. }) {
                types.insert(shape.name.clone(), ident(&unique(type_name(&shape.name), &mut taken)));
            }
        }
        let mut builders = BTreeMap::new();
        for shape in service.shapes.values() {
            if matches!(shape.kind, ShapeKind::Structure { .. }) {
                let name = unique(format!("{}Builder", types[&shape.name]), &mut taken);
                builders.insert(shape.name.clone(), ident(&name));
            }
        }
        let (mut fields, mut setters) = (BTreeMap::new(), BTreeMap::new());
        for shape in service.shapes.values() {
            let mut taken = BTreeSet::new();
            for member in service.members(&shape.name) {
                let name = unique(field_name(&member.name), &mut taken);
                fields.insert((shape.name.clone(), member.name.clone()), ident(&name));
            }
            let mut taken: BTreeSet<String> = taken.into_iter().chain(["build".to_owned()]).collect();
            for member in service.members(&shape.name) {
                let field = fields[&(shape.name.clone(), member.name.clone())].to_string();
                let setter = if field == "build" { unique("build_value".into(), &mut taken) } else { field };
                setters.insert((shape.name.clone(), member.name.clone()), ident(&setter));
            }
        }
        // Types the generated modules define: shapes, and the builders and
        // waiters named after operations and waiters.
        let prelude = ["Option", "String", "Vec", "Box", "Result", "Default"];
        let defined = types.values().map(ToString::to_string).chain(
            service
                .operations
                .iter()
                .map(|op| type_name(&op.name))
                .chain(service.waiters.iter().map(|w| type_name(&w.name))),
        );
        let shadows_prelude = defined.into_iter().any(|t| prelude.contains(&t.as_str()));
        Self {
            marker: ident(&unique(type_name(&service.name), &mut BTreeSet::from(["Client".into()]))),
            types,
            fields,
            builders,
            setters,
            shadows_prelude,
        }
    }

    /// The type name of a structure's builder.
    pub fn builder_ident(&self, shape: &str) -> &Ident {
        &self.builders[shape]
    }

    /// The builder's setter of a structure member.
    pub fn setter(&self, shape: &str, member: &str) -> &Ident {
        &self.setters[&(shape.to_owned(), member.to_owned())]
    }

    /// The Rust type name of a structure or enum shape.
    pub fn type_ident(&self, shape: &str) -> &Ident {
        &self.types[shape]
    }

    /// The field name of a structure member.
    pub fn field(&self, shape: &str, member: &str) -> &Ident {
        &self.fields[&(shape.to_owned(), member.to_owned())]
    }

    /// `Option`, or its full path where a generated type shadows it.
    pub fn option(&self) -> TokenStream {
        self.prelude(quote!(Option), quote!(::std::option::Option))
    }

    /// The Rust type of values of `shape`, with structures and enums named
    /// through `types` (empty inside `types.rs`, `super::types::` elsewhere).
    pub fn rust_type(&self, service: &Service, shape: &str, types: &TokenStream) -> TokenStream {
        match &service.shapes[shape].kind {
            ShapeKind::Structure { .. } | ShapeKind::Enum { .. } => {
                let name = self.type_ident(shape);
                quote!(#types #name)
            }
            ShapeKind::List { member } => {
                let (vec, inner) = (self.vec(), self.rust_type(service, member, types));
                quote!(#vec<#inner>)
            }
            ShapeKind::Map { value } => {
                let inner = self.rust_type(service, value, types);
                let string = self.string();
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
            ShapeKind::String => self.string(),
            ShapeKind::Integer => quote!(i32),
            ShapeKind::Long => quote!(i64),
            ShapeKind::Double => quote!(f64),
            ShapeKind::Boolean => quote!(bool),
            ShapeKind::Timestamp => quote!(::aws_json_runtime::DateTime),
            ShapeKind::Blob => quote!(::aws_json_runtime::Blob),
        }
    }

    /// `String`, or its full path where a generated type shadows it.
    pub fn string(&self) -> TokenStream {
        self.prelude(quote!(String), quote!(::std::string::String))
    }

    /// `Result`, or its full path where a generated type shadows it.
    pub fn result(&self) -> TokenStream {
        self.prelude(quote!(Result), quote!(::std::result::Result))
    }

    /// `Vec`, or its full path where a generated type shadows it.
    pub fn vec(&self) -> TokenStream {
        self.prelude(quote!(Vec), quote!(::std::vec::Vec))
    }

    fn prelude(&self, short: TokenStream, full: TokenStream) -> TokenStream {
        if self.shadows_prelude {
            full
        } else {
            short
        }
    }
}

/// An identifier from a name that [`crate::naming`] made valid (raw
/// identifiers included).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// `#[doc]` attributes from documentation HTML, or `fallback` when there is
/// none.
pub(crate) fn docs(html: Option<&str>, fallback: &str) -> TokenStream {
    let lines = html.map(to_markdown).filter(|l| !l.is_empty()).unwrap_or_else(|| vec![fallback.to_owned()]);
    doc_lines(&lines)
}

/// One `#[doc]` attribute per line, so the output reads as `///` comments.
pub(crate) fn doc_lines(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#[doc = #lines])*)
}

/// The generator's warnings, as a section of the module's docs: what it
/// assumed and what of the hints did not apply, where a reader sees it.
fn warnings_doc(warnings: &[String]) -> TokenStream {
    if warnings.is_empty() {
        return TokenStream::new();
    }
    let mut lines = vec![String::new(), " # Generator warnings".to_owned(), String::new()];
    lines.extend(warnings.iter().map(|w| format!(" - {}", markdown_text(w))));
    quote!(#(#![doc = #lines])*)
}

/// A warning as Markdown: its code spans kept where they pair up (else
/// plain quotes), and `<`, `>` and `&` outside them as entities, so a Rust
/// type is never read as an HTML tag.
fn markdown_text(warning: &str) -> String {
    let paired = warning.matches('`').count() & 1 == 0;
    let mut out = String::with_capacity(warning.len());
    let mut in_code = false;
    for c in warning.chars() {
        match c {
            '`' if paired => {
                in_code = !in_code;
                out.push(c);
            }
            '`' => out.push('\''),
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '&' if !in_code => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// `#[deprecated]` for a member the document marks so.
pub(crate) fn deprecated(member: &Member) -> Option<TokenStream> {
    member.deprecated.then(|| quote!(#[deprecated(note = "the service marks this member deprecated")]))
}

/// Lets a generated module use the deprecated members it defines.
pub(crate) fn allow_deprecated(service: &Service) -> Option<TokenStream> {
    service.has_deprecated().then(|| quote!(#![allow(deprecated)]))
}

fn inner_docs(html: Option<&str>) -> TokenStream {
    let lines = html.map(to_markdown).unwrap_or_default();
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#![doc = #lines])*)
}

/// A builder's setter of `member` into `field`, of type `ty`: strings,
/// enums, blobs and timestamps take `Into`, a `boxed` (recursive) member
/// is boxed for the caller.
fn setter(
    service: &Service,
    member: &crate::ir::Member,
    setter: &Ident,
    field: &Ident,
    ty: TokenStream,
    boxed: bool,
) -> TokenStream {
    let (param, value) = setter_param(service, member, ty, boxed);
    let head = setter_head(member);
    quote! {
        #head
        pub fn #setter(mut self, value: #param) -> Self {
            self.#field = Some(#value);
            self
        }
    }
}

/// A request builder's setter `name` of `member`, passing the value to
/// its input builder's setter `inner` (which takes it as [`setter`] does).
fn forwarding_setter(
    service: &Service,
    member: &crate::ir::Member,
    name: &Ident,
    inner: &Ident,
    ty: TokenStream,
    boxed: bool,
) -> TokenStream {
    let (param, _) = setter_param(service, member, ty, boxed);
    let head = setter_head(member);
    quote! {
        #head
        pub fn #name(mut self, value: #param) -> Self {
            self.input = self.input.#inner(value);
            self
        }
    }
}

/// A setter's docs and deprecation.
fn setter_head(member: &crate::ir::Member) -> TokenStream {
    let doc = docs(member.docs.as_deref(), &format!("Sets `{}`.", member.name));
    let deprecated = deprecated(member);
    quote!(#doc #deprecated)
}

/// What a setter takes, and the value it stores from it.
fn setter_param(
    service: &Service,
    member: &crate::ir::Member,
    ty: TokenStream,
    boxed: bool,
) -> (TokenStream, TokenStream) {
    let takes_into = matches!(
        service.shapes[&member.target].kind,
        ShapeKind::String | ShapeKind::Enum { .. } | ShapeKind::Blob | ShapeKind::Timestamp
    );
    match (takes_into, boxed) {
        (_, true) => (ty, quote!(::std::boxed::Box::new(value))),
        (true, false) => (quote!(impl Into<#ty>), quote!(value.into())),
        (false, false) => (ty, quote!(value)),
    }
}
