//! `serde_tests.rs` (compiled only under `cfg(test)`): a wire round trip for
//! every structure and enum. Each structure's sample sets every member, with
//! the wire names and value forms the IR says, so a wrong rename, a wrong
//! timestamp or blob form, or a lost member fails its test.

use super::Names;
use crate::ir::{Service, ShapeKind};
use crate::naming::{field_name, unique};
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// How deep a sample follows structures into structures (recursive shapes).
const MAX_DEPTH: usize = 4;

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let errors_only = service.error_only_shapes();
    let mut taken = BTreeSet::new();
    let tests = service.shapes.values().filter(|s| !errors_only.contains(s.name.as_str())).filter_map(|shape| {
        let test = super::ident(&unique(field_name(&shape.name), &mut taken));
        let ty = || names.type_ident(shape.name.as_str());
        match &shape.kind {
            ShapeKind::Structure { .. } => {
                let (ty, sample) = (ty(), sample(service, &shape.name, 0).to_string());
                Some(quote! {
                    #[test]
                    fn #test() {
                        crate::runtime::testing::round_trip::<super::types::#ty>(#sample);
                    }
                })
            }
            ShapeKind::Enum { values } => Some({
                let ty = ty();
                quote! {
                    #[test]
                    fn #test() {
                        crate::runtime::testing::enum_round_trip::<super::types::#ty>(&[#(#values),*]);
                    }
                }
            }),
            _ => None,
        }
    });
    let tests: Vec<_> = tests.collect();
    let any = super::errors::any_error_type(service, names);
    let codes: Vec<&str> = super::errors::all_errors(service).into_iter().collect();
    let error_tests: Vec<_> = service
        .operations
        .iter()
        .map(|op| {
            let error = super::errors::error_type(op);
            let test = super::ident(&unique(format!("every_error_maps_from_{}", op.name.to_snake_case()), &mut taken));
            quote! {
                #[test]
                fn #test() {
                    crate::runtime::testing::errors_map::<super::errors::#error, super::errors::#any>(ERROR_CODES);
                }
            }
        })
        .collect();
    quote! {
        //! Wire round trips of every generated type, and every error the
        //! document defines typed for every operation.
        #(#tests)*

        /// Every error code the document defines.
        const ERROR_CODES: &[&str] = &[#(#codes),*];
        #(#error_tests)*
    }
}

/// A wire value of `shape` with everything set, down to [`MAX_DEPTH`]; below
/// that, optional members are left out and collections are empty, so
/// recursive shapes end.
fn sample(service: &Service, shape: &str, depth: usize) -> Value {
    let deep = depth >= MAX_DEPTH;
    match &service.shapes[shape].kind {
        // A chain of required recursive members has no finite value at all.
        _ if depth > 16 * MAX_DEPTH => Value::Null,
        ShapeKind::Structure { members } => Value::Object(
            members
                .iter()
                .filter(|m| m.required || !deep)
                .map(|m| (m.name.clone(), sample(service, &m.target, depth + 1)))
                .collect(),
        ),
        ShapeKind::Enum { values } => json!(values.first().cloned().unwrap_or_default()),
        ShapeKind::List { .. } if deep => json!([]),
        ShapeKind::Map { .. } if deep => json!({}),
        ShapeKind::List { member } => json!([sample(service, member, depth + 1)]),
        ShapeKind::Map { value } => json!({ "key": sample(service, value, depth + 1) }),
        ShapeKind::String => json!(format!("{shape} value")),
        ShapeKind::Integer => json!(7),
        ShapeKind::Long => json!(9_007_199_254_740_993_i64),
        ShapeKind::Double => json!(1.5),
        ShapeKind::Boolean => json!(true),
        ShapeKind::Timestamp => json!(1_705_072_146.25),
        ShapeKind::Blob => json!("AAEC/w=="),
    }
}
