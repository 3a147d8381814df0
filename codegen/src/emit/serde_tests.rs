//! `serde_tests.rs` (compiled only under `cfg(test)`): a wire round trip for
//! every structure and enum. Each structure's sample sets every member, with
//! the wire names and value forms the IR says, so a wrong rename, a wrong
//! timestamp or blob form, or a lost member fails its test. For every
//! operation's answer, each member at every depth is removed and set to
//! null in turn, and the answer must still parse with the rest intact; and
//! every error the document defines must be typed for every operation.

use super::Names;
use crate::ir::{Service, ShapeKind};
use crate::naming::{field_name, snake_part, unique};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The key of the one entry every sample map holds: no member is named so.
const MAP_KEY: &str = "map key";

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let errors_only = service.error_only_shapes();
    let mut taken = BTreeSet::new();
    let tests = service.shapes.values().filter(|s| !errors_only.contains(s.name.as_str())).filter_map(|shape| {
        let test = super::ident(&unique(field_name(&shape.name), &mut taken));
        let ty = || names.type_ident(shape.name.as_str());
        match &shape.kind {
            ShapeKind::Structure { .. } => {
                let (ty, sample) = (ty(), sample(service, &shape.name, &mut Vec::new()).to_string());
                Some(quote! {
                    #[test]
                    fn #test() {
                        ::aws_json_runtime::testing::round_trip::<super::types::#ty>(#sample);
                    }
                })
            }
            ShapeKind::Enum { values } => Some({
                let ty = ty();
                quote! {
                    #[test]
                    fn #test() {
                        ::aws_json_runtime::testing::enum_round_trip::<super::types::#ty>(&[#(#values),*]);
                    }
                }
            }),
            _ => None,
        }
    });
    let mut tests: Vec<_> = tests.collect();
    for op in &service.operations {
        let test =
            super::ident(&unique(format!("answers_tolerate_missing_members_of_{}", snake_part(&op.name)), &mut taken));
        let (ty, sample) = (names.type_ident(&op.output), sample(service, &op.output, &mut Vec::new()).to_string());
        tests.push(quote! {
            #[test]
            fn #test() {
                ::aws_json_runtime::testing::tolerant::<super::types::#ty>(#sample, #MAP_KEY);
            }
        });
    }
    let any = super::errors::any_error_type(service, names);
    let codes: Vec<&str> = super::errors::all_errors(service).into_iter().collect();
    let error_tests: Vec<_> = service
        .operations
        .iter()
        .map(|op| {
            let error = super::errors::error_type(op);
            let test = super::ident(&unique(format!("every_error_maps_from_{}", snake_part(&op.name)), &mut taken));
            quote! {
                #[test]
                fn #test() {
                    ::aws_json_runtime::testing::errors_map::<super::errors::#error, super::errors::#any>(ERROR_CODES);
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

/// A wire value of `shape` with every member set, at every depth; a
/// structure already being filled (a recursive shape) gets its required
/// members only, and empty collections, so samples end.
pub(super) fn sample<'a>(service: &'a Service, shape: &'a str, path: &mut Vec<&'a str>) -> Value {
    let recursive = path.contains(&shape);
    // A chain of required recursive members has no finite value at all.
    if path.len() > 64 {
        return Value::Null;
    }
    path.push(shape);
    let value = match &service.shapes[shape].kind {
        ShapeKind::Structure { members } => Value::Object(
            members
                .iter()
                .filter(|m| m.required || !recursive)
                .map(|m| (m.name.clone(), sample(service, &m.target, path)))
                .collect(),
        ),
        ShapeKind::Enum { values } => json!(values.first().cloned().unwrap_or_default()),
        ShapeKind::List { .. } if recursive => json!([]),
        ShapeKind::Map { .. } if recursive => json!({}),
        ShapeKind::List { member } => json!([sample(service, member, path)]),
        ShapeKind::Map { value } => json!({ MAP_KEY: sample(service, value, path) }),
        ShapeKind::String => json!(format!("{shape} value")),
        ShapeKind::Integer => json!(7),
        ShapeKind::Long => json!(9_007_199_254_740_993_i64),
        ShapeKind::Double => json!(1.5),
        ShapeKind::Boolean => json!(true),
        ShapeKind::Timestamp => json!(1_705_072_146.25),
        ShapeKind::Blob => json!("AAEC/w=="),
    };
    path.pop();
    value
}
