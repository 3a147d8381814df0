//! `errors.rs`: for every operation, an enum of exactly the errors the
//! document lists for it, plus `Unhandled` for any other; and one enum of
//! every error the document defines, which each operation's converts into,
//! so an error the service sends for an operation that does not list it is
//! still typed.

use super::{doc_lines, docs, ident, Names};
use crate::ir::{Operation, Service};
use crate::naming::{snake_part, type_name, unique};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let items = service.operations.iter().map(|op| operation_error(service, op));
    let any = any_error(service, names);
    let title = format!(" The errors each operation of {} can return.", service.title);
    quote! {
        #![doc = #title]
        #any
        #(#items)*
    }
}

/// The name of the error enum of `op`.
pub(super) fn error_type(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Error", type_name(&op.name))
}

/// The name of the enum of every error: `<Service>Error`, unless an
/// operation's error enum has that name.
pub(super) fn any_error_type(service: &Service, names: &Names) -> proc_macro2::Ident {
    let mut taken: BTreeSet<String> = service.operations.iter().map(|op| error_type(op).to_string()).collect();
    taken.insert(names.marker.to_string());
    ident(&unique(format!("{}Error", names.marker), &mut taken))
}

/// Every error shape any operation lists, sorted.
pub(super) fn all_errors(service: &Service) -> BTreeSet<&str> {
    service.operations.iter().flat_map(|op| op.errors.iter().map(String::as_str)).collect()
}

fn any_error(service: &Service, names: &Names) -> TokenStream {
    let name = any_error_type(service, names);
    let codes: Vec<&str> = all_errors(service).into_iter().collect();
    let doc = doc_lines(&[
        format!("Any error the {} document defines, whichever operation returned it.", service.title),
        String::new(),
        "Every operation's error converts into it (`From`), so an error the service sends for an operation \
         that does not list it is typed here rather than `Unhandled`."
            .into(),
    ]);
    let (error_enum, variants) = error_enum(service, &name, doc, &codes, &[" An error the document does not define."]);
    let mut predicates = BTreeSet::new();
    let is = variants.iter().zip(&codes).map(|(variant, code)| {
        let method = ident(&unique(format!("is_{}", snake_part(code)), &mut predicates));
        let doc = format!(" Whether the service answered `{code}`.");
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    let operations: Vec<_> = service.operations.iter().map(error_type).collect();
    quote! {
        #error_enum

        impl #name {
            #(#is)*
        }

        ::aws_json_runtime::any_error_from!(#name: #(#operations),*);
    }
}

fn operation_error(service: &Service, op: &Operation) -> TokenStream {
    let doc = doc_lines(&[
        format!("An error the service returned for `{}`.", op.name),
        String::new(),
        "Every variant carries the error's code, message, HTTP status and request id.".into(),
    ]);
    let codes: Vec<&str> = op.errors.iter().map(String::as_str).collect();
    let unhandled = [
        " An error the document does not list for this operation; it",
        " may still be one the document defines: convert the error",
        " into the service-wide enum to match it.",
    ];
    error_enum(service, &error_type(op), doc, &codes, &unhandled).0
}

/// An error enum: a variant per code, each holding the error's details, and
/// `Unhandled` for any other; sorted by code through `OperationError`.
/// Returns the tokens and the variants' names.
fn error_enum(
    service: &Service,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    codes: &[&str],
    unhandled_doc: &[&str],
) -> (TokenStream, Vec<proc_macro2::Ident>) {
    let mut taken = BTreeSet::from(["Unhandled".to_owned()]);
    let variants: Vec<_> = codes.iter().map(|e| ident(&unique(type_name(e), &mut taken))).collect();
    let variant_docs = codes.iter().map(|e| {
        let shape_docs = service.shapes.get(*e).and_then(|s| s.docs.as_deref());
        docs(shape_docs, &format!("The service answered `{e}`."))
    });
    let tokens = quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants(::aws_json_runtime::ServiceError),)*
            #(#[doc = #unhandled_doc])*
            Unhandled(::aws_json_runtime::ServiceError),
        }

        impl ::aws_json_runtime::OperationError for #name {
            fn from_service_error(error: ::aws_json_runtime::ServiceError) -> Self {
                match error.code() {
                    #(#codes => Self::#variants(error),)*
                    _ => Self::Unhandled(error),
                }
            }

            fn service_error(&self) -> &::aws_json_runtime::ServiceError {
                match self {
                    #(Self::#variants(error))|* | Self::Unhandled(error) => error,
                }
            }
        }

        ::aws_json_runtime::operation_error!(#name);
    };
    (tokens, variants)
}
