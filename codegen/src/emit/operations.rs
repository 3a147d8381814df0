//! `operations.rs`: for every operation, a client method returning a fluent
//! request builder, and the `Operation` impl that lets the runtime send the
//! input struct. The builders are glue: sending is the runtime's job.

use super::errors::error_type;
use super::{doc_lines, docs, ident, Names};
use crate::ir::{Operation, Service, ShapeKind};
use crate::naming::{field_name, type_name, unique};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let items = service.operations.iter().map(|op| operation(service, names, op));
    let title = format!(" Request builders for every operation of {}.", service.title);
    quote! {
        #![doc = #title]
        #(#items)*
    }
}

fn operation(service: &Service, names: &Names, op: &Operation) -> TokenStream {
    let builder = ident(&type_name(&op.name));
    let method = ident(&field_name(&op.name));
    let input = names.type_ident(&op.input);
    let output = names.type_ident(&op.output);
    let error = error_type(op);
    let marker = &names.marker;
    let (op_name, target) = (&op.name, &op.target);
    let types = quote!(super::types::);
    let members = service.members(&op.input);

    // The builder's own `client` field must not collide with a member field.
    let mut taken: BTreeSet<String> = members.iter().map(|m| names.field(&op.input, &m.name).to_string()).collect();
    let client = ident(&unique("client".into(), &mut taken));

    let fields: Vec<_> = members.iter().map(|m| names.field(&op.input, &m.name)).collect();
    let field_types = members.iter().map(|m| names.rust_type(service, &m.target, &types));
    let setters = members.iter().zip(&fields).map(|(member, field)| {
        let doc = docs(member.docs.as_deref(), &format!("Sets `{}`.", member.name));
        let ty = names.rust_type(service, &member.target, &types);
        let (param, value) = if takes_into(&service.shapes[&member.target].kind) {
            (quote!(impl Into<#ty>), quote!(value.into()))
        } else {
            (ty, quote!(value))
        };
        quote! {
            #doc
            pub fn #field(mut self, value: #param) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let assignments = members.iter().zip(&fields).map(|(member, field)| {
        if member.required {
            let wire = &member.name;
            quote!(#field: crate::runtime::required(self.#field, #op_name, #wire)?,)
        } else {
            quote!(#field: self.#field,)
        }
    });
    let method_doc = docs(op.docs.as_deref(), &format!("Calls `{}`.", op.name));
    let builder_doc = doc_lines(&[
        format!("A `{}` request: set members, then [`send`]({builder}::send) it.", op.name),
        String::new(),
        format!("Made by [`Client::{method}`](super::Client::{method})."),
    ]);
    let send_doc = doc_lines(&[
        "Sends the request and returns the service's answer.".into(),
        String::new(),
        "Fails before sending when a required member is not set.".into(),
    ]);
    quote! {
        impl crate::runtime::Client<super::#marker> {
            #method_doc
            pub fn #method(&self) -> #builder<'_> {
                #builder { #client: self, #(#fields: None,)* }
            }
        }

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'a> {
            #client: &'a super::Client,
            #(#fields: Option<#field_types>,)*
        }

        impl #builder<'_> {
            #(#setters)*

            #send_doc
            pub async fn send(self) -> Result<#types #output, crate::runtime::SdkError<super::errors::#error>> {
                let input = #types #input { #(#assignments)* };
                self.#client.send(input).await
            }
        }

        impl crate::runtime::Operation for #types #input {
            type Service = super::#marker;
            type Output = #types #output;
            type Error = super::errors::#error;
            const NAME: &'static str = #op_name;
            const TARGET: &'static str = #target;
        }
    }
}

/// Setters of these kinds take `impl Into<T>`: strings, enums (from `&str`),
/// blobs (from bytes) and timestamps (from `SystemTime`).
fn takes_into(kind: &ShapeKind) -> bool {
    matches!(kind, ShapeKind::String | ShapeKind::Enum { .. } | ShapeKind::Blob | ShapeKind::Timestamp)
}
