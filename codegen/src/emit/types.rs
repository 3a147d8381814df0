//! `types.rs`: a struct for every structure shape and an enum for every
//! string enum, in the exact wire form through serde.

use super::{docs, ident, Names};
use crate::ir::{Member, Service, Shape, ShapeKind};
use crate::naming::{type_name, unique};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let errors_only = service.error_only_shapes();
    let outputs = service.output_structures();
    let items =
        service.shapes.values().filter(|s| !errors_only.contains(s.name.as_str())).map(|shape| match &shape.kind {
            ShapeKind::Structure { members } => {
                structure(service, names, shape, members, outputs.contains(shape.name.as_str()))
            }
            ShapeKind::Enum { values } => string_enum(names, shape, values),
            _ => TokenStream::new(),
        });
    let title = format!(" Data types of {}: the inputs, outputs and the values they hold.", service.title);
    let allow = super::allow_deprecated(service);
    quote! {
        #![doc = #title]
        #allow
        #(#items)*
    }
}

/// A structure. In one an answer can hold (`in_output`), a required member
/// that is missing or null parses as its type's default, as the official
/// SDK's error correction does: an answer is never refused for it.
fn structure(service: &Service, names: &Names, shape: &Shape, members: &[Member], in_output: bool) -> TokenStream {
    let name = names.type_ident(&shape.name);
    let doc = docs(shape.docs.as_deref(), &format!("The `{}` structure.", shape.name));
    let option = names.option();
    let is_none = format!("{option}::is_none").replace(' ', "");
    let none = quote!();
    let fields = members.iter().map(|member| {
        let field = names.field(&shape.name, &member.name);
        let deprecated = super::deprecated(member);
        let doc = docs(member.docs.as_deref(), &format!("The `{}` member.", member.name));
        let doc = quote!(#doc #deprecated);
        let ty = names.rust_type(service, &member.target, &none);
        let ty = boxed_if_recursive(service, &shape.name, member, ty);
        // serde's `rename_all = "camelCase"` covers most members; the rest
        // are renamed one by one.
        let plain = serde_camel_case(field.to_string().trim_start_matches("r#"));
        let rename = (plain != member.name).then(|| {
            let wire = &member.name;
            quote!(rename = #wire,)
        });
        if !member.optional_in_rust && in_output {
            quote! {
                #doc
                #[serde(#rename default, deserialize_with = "::aws_json_runtime::wire::or_default")]
                pub #field: #ty,
            }
        } else if !member.optional_in_rust {
            let attr = rename.map(|r| quote!(#[serde(#r)]));
            quote!(#doc #attr pub #field: #ty,)
        } else {
            quote! {
                #doc
                #[serde(#rename skip_serializing_if = #is_none)]
                pub #field: #option<#ty>,
            }
        }
    });
    let default = (in_output || members.iter().all(|m| m.optional_in_rust)).then(|| quote!(Default,));
    let sensitive = members.iter().any(|m| m.sensitive);
    let derive_debug = (!sensitive).then(|| quote!(Debug,));
    let debug_impl = sensitive.then(|| redacted_debug(names, shape, members, name));
    let builder = builder(service, names, shape, members, in_output);
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
        #debug_impl
        #builder
    }
}

/// `Type::builder()` and its builder: a setter per member, then `build`.
/// Where the structure has required members and no answer holds it (an
/// input), `build` fails naming a missing one; in one an answer can hold, a
/// missing required member is its type's default, as when parsing.
fn builder(service: &Service, names: &Names, shape: &Shape, members: &[Member], in_output: bool) -> TokenStream {
    let name = names.type_ident(&shape.name);
    let builder = names.builder_ident(&shape.name);
    let (option, result) = (names.option(), names.result());
    let none = quote!();
    let fields: Vec<_> = members.iter().map(|m| names.field(&shape.name, &m.name)).collect();
    let types: Vec<_> = members
        .iter()
        .map(|m| boxed_if_recursive(service, &shape.name, m, names.rust_type(service, &m.target, &none)))
        .collect();
    let setters = members.iter().zip(&fields).map(|(member, field)| {
        let ty = names.rust_type(service, &member.target, &none);
        let boxed = boxed_if_recursive(service, &shape.name, member, ty.clone()).to_string() != ty.to_string();
        super::setter(service, member, names.setter(&shape.name, &member.name), field, ty, boxed)
    });
    let kind = build_kind(service, &shape.name, in_output);
    let fails = kind == BuildKind::Fails;
    // An operation's input that an answer can hold too (so its `build`
    // defaults what is missing): its request builder builds it strictly.
    let build_for = (kind == BuildKind::Lenient && is_strict_input(service, &shape.name)).then(|| {
        let checked = members.iter().zip(&fields).map(|(member, field)| {
            let wire = &member.name;
            if member.optional_in_rust {
                quote!(#field: self.#field,)
            } else {
                quote!(#field: ::aws_json_runtime::required(self.#field, operation, #wire)?,)
            }
        });
        quote! {
            #[doc(hidden)]
            pub fn build_for(self, operation: &'static str) -> #result<#name, ::aws_json_runtime::InvalidInput> {
                Ok(#name { #(#checked)* })
            }
        }
    });
    let assignments = members.iter().zip(&fields).map(|(member, field)| match (!member.optional_in_rust, fails) {
        (true, true) => {
            let (label, wire) = (&shape.name, &member.name);
            quote!(#field: ::aws_json_runtime::required(self.#field, #label, #wire)?,)
        }
        (true, false) => quote!(#field: self.#field.unwrap_or_default(),),
        (false, _) => quote!(#field: self.#field,),
    });
    let build = if fails {
        quote! {
            /// The structure as set; fails naming a required member that is not set.
            pub fn build(self) -> #result<#name, ::aws_json_runtime::InvalidInput> {
                Ok(#name { #(#assignments)* })
            }
        }
    } else {
        quote! {
            /// The structure as set.
            pub fn build(self) -> #name {
                #name { #(#assignments)* }
            }
        }
    };
    let sensitive = members.iter().any(|m| m.sensitive);
    let derive_debug = (!sensitive).then(|| quote!(Debug,));
    let debug_impl = sensitive.then(|| redacted_debug(names, shape, members, builder));
    let doc = format!(" Builds a [`{name}`]: set members, then [`build`]({builder}::build).");
    let made = format!(" A builder of `{}`, every member unset.", shape.name);
    quote! {
        impl #name {
            #[doc = #made]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #[doc = #doc]
        #[derive(#derive_debug Clone, Default)]
        #[must_use = "a builder does nothing until it is built"]
        pub struct #builder { #(#fields: #option<#types>,)* }

        #debug_impl

        impl #builder {
            #(#setters)*
            #build
            #build_for
        }
    }
}

/// What a structure's builder's `build` does with a missing required
/// member: fail naming it (an input), or take the type's default (a value
/// an answer can hold, or one with nothing required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BuildKind {
    Fails,
    Lenient,
}

/// How `shape`'s builder builds; `in_output`: whether an answer can hold it.
pub(super) fn build_kind(service: &Service, shape: &str, in_output: bool) -> BuildKind {
    if !in_output && service.members(shape).iter().any(|m| !m.optional_in_rust) {
        BuildKind::Fails
    } else {
        BuildKind::Lenient
    }
}

/// Whether `shape` is an operation's input with a member that must be set:
/// its request builder must refuse to build without it.
pub(super) fn is_strict_input(service: &Service, shape: &str) -> bool {
    service.operations.iter().any(|op| op.input == shape) && service.members(shape).iter().any(|m| !m.optional_in_rust)
}

/// A `Debug` for `name` (the structure or its builder) that shows
/// sensitive members only as set or unset.
fn redacted_debug(names: &Names, shape: &Shape, members: &[Member], name: &proc_macro2::Ident) -> TokenStream {
    let label = name.to_string();
    let fields = members.iter().map(|member| {
        let field = names.field(&shape.name, &member.name);
        let label = field.to_string().trim_start_matches("r#").to_owned();
        match (member.sensitive, !member.optional_in_rust) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, false) => quote!(.field(#label, &self.#field.as_ref().map(|_| ::aws_json_runtime::Redacted))),
            (true, true) => quote!(.field(#label, &::aws_json_runtime::Redacted)),
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    }
}

/// Boxes a member whose structure contains the parent again through
/// structure members alone (a type of infinite size otherwise).
pub(super) fn boxed_if_recursive(service: &Service, parent: &str, member: &Member, ty: TokenStream) -> TokenStream {
    let mut stack = vec![member.target.as_str()];
    let mut seen = BTreeSet::new();
    while let Some(shape) = stack.pop() {
        if shape == parent {
            return quote!(::std::boxed::Box<#ty>);
        }
        if seen.insert(shape) {
            stack.extend(service.members(shape).iter().map(|m| m.target.as_str()));
        }
    }
    ty
}

fn string_enum(names: &Names, shape: &Shape, values: &[String]) -> TokenStream {
    let name = names.type_ident(&shape.name);
    let doc = docs(shape.docs.as_deref(), &format!("Values of `{}`.", shape.name));
    let mut taken = BTreeSet::from(["Unknown".to_owned()]);
    let variants: Vec<_> = values.iter().map(|v| ident(&unique(type_name(v), &mut taken))).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    let type_doc = format!(" Values of `{}` as the service sends them.", shape.name);
    quote! {
        #doc
        ///
        /// A value this version does not know parses as `Unknown`, so a value the
        /// service adds later never breaks a response.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value this version of the client does not know: its text is
            /// [`as_str`](Self::as_str), and there is nothing to match on, so
            /// code never stops matching when the value gains a variant.
            Unknown(::aws_json_runtime::UnknownValue),
        }

        impl #name {
            #[doc = #type_doc]
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(::aws_json_runtime::UnknownValue::new(other)),
                }
            }
        }

        ::aws_json_runtime::string_enum!(#name);
    }
}

/// The wire name serde's `rename_all = "camelCase"` gives a field: serde's
/// own rule (`RenameRule::CamelCase`), which differs from heck's.
pub(crate) fn serde_camel_case(field: &str) -> String {
    let mut pascal = String::with_capacity(field.len());
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(c);
        }
    }
    let mut chars = pascal.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}
