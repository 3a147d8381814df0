//! `errors.rs`: for every operation, an enum of exactly the errors the
//! document lists for it, plus `Unhandled` for any other.

use super::{doc_lines, docs, ident, Names};
use crate::ir::{Operation, Service};
use crate::naming::{type_name, unique};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub(super) fn emit(service: &Service, _names: &Names) -> TokenStream {
    let items = service.operations.iter().map(|op| operation_error(service, op));
    let title = format!(" The errors each operation of {} can return.", service.title);
    quote! {
        #![doc = #title]
        #(#items)*
    }
}

/// The name of the error enum of `op`.
pub(super) fn error_type(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Error", type_name(&op.name))
}

fn operation_error(service: &Service, op: &Operation) -> TokenStream {
    let name = error_type(op);
    let doc = doc_lines(&[
        format!("An error the service returned for `{}`.", op.name),
        String::new(),
        "Every variant carries the error's code, message, HTTP status and request id.".into(),
    ]);
    let mut taken = BTreeSet::from(["Unhandled".to_owned()]);
    let variants: Vec<_> = op.errors.iter().map(|e| ident(&unique(type_name(e), &mut taken))).collect();
    let codes = &op.errors;
    let variant_docs = op.errors.iter().map(|e| {
        let shape_docs = service.shapes.get(e).and_then(|s| s.docs.as_deref());
        docs(shape_docs, &format!("The service answered `{e}`."))
    });
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants(crate::runtime::ServiceError),)*
            /// An error the document does not list for this operation.
            Unhandled(crate::runtime::ServiceError),
        }

        impl crate::runtime::OperationError for #name {
            fn from_service_error(error: crate::runtime::ServiceError) -> Self {
                match error.code() {
                    #(#codes => Self::#variants(error),)*
                    _ => Self::Unhandled(error),
                }
            }

            fn service_error(&self) -> &crate::runtime::ServiceError {
                match self {
                    #(Self::#variants(error))|* | Self::Unhandled(error) => error,
                }
            }
        }

        crate::runtime::operation_error!(#name);
    }
}
