//! `operations.rs`: for every operation, a client method returning a fluent
//! request builder, and the `Operation` impl that lets the runtime send the
//! input struct. The builders are glue: sending is the runtime's job.

use super::errors::error_type;
use super::types::BuildKind;
use super::{doc_lines, docs, ident, Names};
use crate::ir::{Operation, Paginator, Service, ShapeKind, Waiter};
use crate::naming::{field_name, type_name, unique};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let outputs = service.output_structures();
    let items = service.operations.iter().map(|op| operation(service, names, op, &outputs));
    let markers = waiter_markers(service);
    let waiters: Vec<_> =
        service.waiters.iter().zip(&markers).map(|(w, marker)| waiter(service, names, w, marker)).collect();
    let title = format!(" Request builders for every operation of {}.", service.title);
    let readers = answer_readers(service, names);
    let allow = super::allow_deprecated(service);
    quote! {
        #![doc = #title]
        #allow
        use super::types;
        #(#items)*
        #(#waiters)*
        #readers
    }
}

/// Every operation's name, and a reader of answers by name: what the fuzz
/// targets drive the runtime's answer parsing with. Hidden, not API; the
/// reader exists in fuzz builds alone, so that others do not compile it.
fn answer_readers(service: &Service, names: &Names) -> TokenStream {
    let op_names: Vec<&String> = service.operations.iter().map(|op| &op.name).collect();
    let inputs = service.operations.iter().map(|op| names.type_ident(&op.input));
    quote! {
        /// Every operation's name, in the document's order.
        #[doc(hidden)]
        pub const OPERATION_NAMES: &[&str] = &[#(#op_names),*];

        /// Reads an answer to the operation named `operation` as the client
        /// does (see `runtime::fuzz::answer`); `None` for a name no
        /// operation has. Only in fuzz builds (cargo-fuzz sets `fuzzing`):
        /// one parser per operation that no other build calls.
        #[doc(hidden)]
        #[cfg(fuzzing)]
        pub fn read_answer(
            operation: &str,
            status: u16,
            headers: &[(&str, &str)],
            body: &[u8],
        ) -> ::std::option::Option<::std::string::String> {
            match operation {
                #(#op_names => ::std::option::Option::Some(
                    ::aws_json_runtime::fuzz::answer::<types::#inputs>(status, headers, body)
                ),)*
                _ => ::std::option::Option::None,
            }
        }
    }
}

/// One operation's client method, request builder and `Operation` impl;
/// `outputs`: the structures an answer can hold.
fn operation(service: &Service, names: &Names, op: &Operation, outputs: &BTreeSet<&str>) -> TokenStream {
    let builder = ident(&type_name(&op.name));
    let method = ident(&field_name(&op.name));
    let input = names.type_ident(&op.input);
    let input_builder = names.builder_ident(&op.input);
    let output = names.type_ident(&op.output);
    let error = error_type(op);
    let marker = &names.marker;
    let (op_name, target) = (&op.name, &op.target);
    let types = quote!(types::);
    let setters = service.members(&op.input).iter().map(|member| {
        let ty = names.rust_type(service, &member.target, &types);
        let boxed =
            super::types::boxed_if_recursive(service, &op.input, member, ty.clone()).to_string() != ty.to_string();
        let (name, inner) = (names.field(&op.input, &member.name), names.setter(&op.input, &member.name));
        super::forwarding_setter(service, member, name, inner, ty, boxed)
    });
    let method_doc = docs(op.docs.as_deref(), &format!("Calls `{}`.", op.name));
    let builder_doc = doc_lines(&[
        format!("A `{}` request: set members, then [`send`]({builder}::send) it.", op.name),
        String::new(),
        format!("Made by [`Client::{method}`](super::Client::{method})."),
        "It holds a clone of the client (one `Arc`), so it and the future of `send` are `'static`: they can be".into(),
        "moved into a spawned task.".into(),
    ]);
    let send_doc = doc_lines(&[
        "Sends the request and returns the service's answer.".into(),
        String::new(),
        "Fails before sending when a required member is not set.".into(),
    ]);
    let build_doc = doc_lines(&[format!(
        "The `{}` input as set so far, without sending it; fails when a required member is not set.",
        op.name
    )]);
    let paginated = op.paginator.as_ref().map(|p| paginated(service, names, op, p));
    let result = names.result();
    let build = match super::types::build_kind(service, &op.input, outputs.contains(op.input.as_str())) {
        BuildKind::Fails => quote!(self.input.build().map_err(|e| e.in_operation(#op_name))),
        BuildKind::Lenient if super::types::is_strict_input(service, &op.input) => {
            quote!(self.input.build_for(#op_name))
        }
        BuildKind::Lenient => quote!(Ok(self.input.build())),
    };
    let secret_output = service.reaches_sensitive(&op.output).then(|| {
        quote!(
            const SECRET_OUTPUT: bool = true;
        )
    });
    // The input builder's `Debug` redacts what is secret.
    quote! {
        impl super::Client {
            #method_doc
            pub fn #method(&self) -> #builder {
                #builder { client: self.clone(), input: #types #input::builder() }
            }
        }

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: super::Client,
            input: #types #input_builder,
        }

        impl #builder {
            #(#setters)*

            #build_doc
            pub fn build(self) -> #result<#types #input, ::aws_json_runtime::InvalidInput> {
                #build
            }

            #send_doc
            pub async fn send(self) -> #result<#types #output, ::aws_json_runtime::SdkError<super::errors::#error>> {
                let client = self.client.clone();
                client.send(self.build()?).await
            }
        }

        #paginated

        impl ::aws_json_runtime::Operation for #types #input {
            type Service = super::#marker;
            type Output = #types #output;
            type Error = super::errors::#error;
            const NAME: &'static str = #op_name;
            const TARGET: &'static str = #target;
            #secret_output
        }
    }
}

/// `into_paginator` on the builder, and the `Paginated` impl that tells the
/// runtime where tokens, page size and items are.
fn paginated(service: &Service, names: &Names, op: &Operation, paginator: &Paginator) -> TokenStream {
    let builder = ident(&type_name(&op.name));
    let types = quote!(types::);
    let input = names.type_ident(&op.input);
    let member = |shape: &str, name: &str| {
        service.members(shape).iter().find(|m| m.name == name).expect("lowering checked the paginator's members")
    };
    let input_token = names.field(&op.input, &paginator.input_token);
    let output_token = member(&op.output, &paginator.output_token);
    let output_token_field = names.field(&op.output, &output_token.name);
    let token = if !output_token.optional_in_rust {
        quote!(Some(output.#output_token_field.as_str()))
    } else {
        quote!(output.#output_token_field.as_deref())
    };
    let page_size = paginator.page_size.as_ref().map(|name| {
        let field = names.field(&op.input, name);
        let value = match service.shapes[&member(&op.input, name).target].kind {
            ShapeKind::Long => quote!(i64::from(size)),
            _ => quote!(size),
        };
        quote! {
            fn set_page_size(&mut self, size: i32) -> bool {
                self.#field = Some(#value);
                true
            }
        }
    });
    let (item, items, item_enum) = page_items(service, names, op, paginator);
    let (option, string, vec) = (names.option(), names.string(), names.vec());
    let doc = doc_lines(&[
        format!("Sends `{}` page by page, following `{}`.", op.name, paginator.output_token),
        String::new(),
        "`.items()` gives the items of every page instead; `.page_size(n)` sets how many a page holds.".into(),
    ]);
    quote! {
        impl #builder {
            #doc
            pub fn into_paginator(self) -> ::aws_json_runtime::Paginator<#types #input> {
                let client = self.client.clone();
                ::aws_json_runtime::Paginator::new(client.into(), self.build())
            }
        }

        impl ::aws_json_runtime::Paginated for #types #input {
            type Item = #item;

            fn set_token(&mut self, token: #option<#string>) {
                self.#input_token = token;
            }

            #page_size

            fn next_token(output: &Self::Output) -> #option<&str> {
                #token
            }

            fn items(output: Self::Output) -> #vec<Self::Item> {
                #items
            }
        }

        #item_enum
    }
}

/// The item type of a paginator, the body of its `items`, and, when the
/// service pages several lists at once, the enum with a variant per list.
fn page_items(
    service: &Service,
    names: &Names,
    op: &Operation,
    paginator: &Paginator,
) -> (TokenStream, TokenStream, Option<TokenStream>) {
    let types = quote!(types::);
    let list_item = |shape: &str| match &service.shapes[shape].kind {
        ShapeKind::List { member } => member.clone(),
        _ => unreachable!("lowering checked that items end at a list"),
    };
    if let [path] = paginator.items.as_slice() {
        let (hops, shape) = path_hops(service, names, &op.output, path, false);
        let item = names.rust_type(service, &list_item(&shape), &types);
        return (item, quote!(Some(output) #(#hops)* .unwrap_or_default()), None);
    }
    // Several lists: one enum, a variant per list, named by its item type.
    let name = ident(&format!("{}Item", type_name(&op.name)));
    let mut taken = BTreeSet::new();
    let (mut variants, mut collects) = (Vec::new(), Vec::new());
    for path in &paginator.items {
        let (hops, shape) = path_hops(service, names, &op.output, path, true);
        let member = list_item(&shape);
        let variant = ident(&unique(type_name(&member), &mut taken));
        let ty = names.rust_type(service, &member, &types);
        let doc = format!(" An item of `{}`.", path.join("."));
        variants.push(quote!(#[doc = #doc] #variant(#ty),));
        collects.push(quote! {
            items.extend(Some(&output) #(#hops)* .into_iter().flatten().cloned().map(#name::#variant));
        });
    }
    let doc = doc_lines(&[
        format!("An item of a `{}` page: the service pages several lists at once.", op.name),
        String::new(),
        "Each page's items come list by list, in the order of the variants.".into(),
    ]);
    // Items are made once and moved: boxing the larger variants gains nothing.
    let item_enum = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    };
    let vec = names.vec();
    let items = quote! {
        let mut items = #vec::new();
        #(#collects)*
        items
    };
    (quote!(#name), items, Some(item_enum))
}

/// The waiters' marker type names, in the service's order: named after the
/// waiter, made unique beside the operations' builders.
pub(super) fn waiter_markers(service: &Service) -> Vec<String> {
    let mut taken: BTreeSet<String> = service.operations.iter().map(|op| type_name(&op.name)).collect();
    service.waiters.iter().map(|w| unique(type_name(&w.name), &mut taken)).collect()
}

/// A waiter: a marker type with its rule, and `wait_until_<name>` on the
/// polled operation's builder.
fn waiter(service: &Service, names: &Names, waiter: &Waiter, marker: &str) -> TokenStream {
    let option = names.option();
    let op = service.operations.iter().find(|op| op.name == waiter.operation).expect("lowering checked the operation");
    let marker = ident(marker);
    let builder = ident(&type_name(&op.name));
    let input = names.type_ident(&op.input);
    let method = ident(&format!("wait_until_{}", field_name(&waiter.name).trim_start_matches("r#")));
    // The state ends as a `&str`.
    let (hops, shape) = path_hops(service, names, &op.output, &waiter.path, true);
    let as_str = match service.shapes[&shape].kind {
        ShapeKind::Boolean => quote!(.map(|v| if *v { "true" } else { "false" })),
        _ => quote!(.map(|v| v.as_str())),
    };
    let (name, success, failure) = (&waiter.name, &waiter.success, &waiter.failure);
    let (delay, max_wait) = (waiter.delay_secs, waiter.max_wait_secs);
    let (delay_literal, max_wait_literal) =
        (proc_macro2::Literal::u64_unsuffixed(delay), proc_macro2::Literal::u64_unsuffixed(max_wait));
    let list = |states: &[String]| states.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ");
    let mut lines = vec![format!(
        "The `{name}` waiter: polls `{}` until `{}` is {}.",
        op.name,
        waiter.path.join("."),
        list(success)
    )];
    if !failure.is_empty() {
        lines.push(String::new());
        lines.push(format!("It fails as soon as the state is {}.", list(failure)));
    }
    let marker_doc = doc_lines(&lines);
    let method_doc = doc_lines(&[
        format!("Waits until `{name}`: see [`{marker}`]."),
        String::new(),
        format!("By default it polls every {delay} s or more and gives up after {max_wait} s."),
    ]);
    let types = quote!(types::);
    quote! {
        #marker_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct #marker;

        impl ::aws_json_runtime::WaitFor<#types #input> for #marker {
            const NAME: &'static str = #name;
            const SUCCESS: &'static [&'static str] = &[#(#success),*];
            const FAILURE: &'static [&'static str] = &[#(#failure),*];
            const MIN_DELAY: ::std::time::Duration = ::std::time::Duration::from_secs(#delay_literal);
            const MAX_WAIT: ::std::time::Duration = ::std::time::Duration::from_secs(#max_wait_literal);

            fn state(output: &<#types #input as ::aws_json_runtime::Operation>::Output) -> #option<&str> {
                Some(output) #(#hops)* #as_str
            }
        }

        impl #builder {
            #method_doc
            pub fn #method(self) -> ::aws_json_runtime::Waiter<#types #input, #marker> {
                let client = self.client.clone();
                ::aws_json_runtime::Waiter::new(client.into(), self.build())
            }
        }
    }
}

/// The `Option` combinators that follow a member path from `shape` (by
/// value, or by reference): `and_then` through optional members, `map`
/// through required ones. Returns them and the shape the path ends at.
fn path_hops(
    service: &Service,
    names: &Names,
    shape: &str,
    path: &[String],
    by_ref: bool,
) -> (Vec<TokenStream>, String) {
    let mut shape = shape.to_owned();
    let mut hops = Vec::new();
    for name in path {
        let member = service.members(&shape).iter().find(|m| &m.name == name).expect("lowering checked the path");
        let field = names.field(&shape, name);
        hops.push(match (!member.optional_in_rust, by_ref) {
            (true, false) => quote!(.map(|v| v.#field)),
            (false, false) => quote!(.and_then(|v| v.#field)),
            (true, true) => quote!(.map(|v| &v.#field)),
            (false, true) => quote!(.and_then(|v| v.#field.as_ref())),
        });
        shape = member.target.clone();
    }
    (hops, shape)
}
