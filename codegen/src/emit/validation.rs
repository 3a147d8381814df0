//! `validation.rs`: a `Validate` impl for every structure an input can hold,
//! checking the document's constraints through the runtime's `Check`; one
//! static rule per constrained string shape, one pattern per distinct regex.

use super::Names;
use crate::ir::{Constraints, Member, Service, ShapeKind};
use crate::naming::{constant_name, unique};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn emit(service: &Service, names: &Names) -> TokenStream {
    let mut statics = Statics::default();
    let impls: Vec<_> = service
        .input_structures()
        .into_iter()
        .map(|shape| {
            let ty = names.type_ident(shape);
            let members = service.members(shape);
            // A required member the lock keeps an `Option` is refused when unset.
            let presence = members.iter().filter(|m| m.required && m.optional_in_rust).map(|m| {
                let (field, wire) = (names.field(shape, &m.name), &m.name);
                quote!(check.present(#wire, self.#field.is_some())?;)
            });
            let checks: Vec<_> = presence
                .chain(members.iter().filter_map(|m| {
                    let check = member_check(service, names, shape, m, &mut statics)?;
                    // A sensitive member's value never reaches a message.
                    Some(if m.sensitive { quote!(check.hidden(|check| #check)?;) } else { quote!(#check?;) })
                }))
                .collect();
            let check = if checks.is_empty() { quote!(_check) } else { quote!(check) };
            quote! {
                impl ::aws_json_runtime::Validate for super::types::#ty {
                    fn validate(&self, #check: &mut ::aws_json_runtime::Check) -> Result<(), ::aws_json_runtime::InvalidInput> {
                        #(#checks)*
                        Ok(())
                    }
                }
            }
        })
        .collect();
    let (patterns, rules) = (statics.patterns.values(), statics.rules.values());
    let title = format!(" Client-side checks of {} inputs against the document's constraints.", service.title);
    let allow = super::allow_deprecated(service);
    quote! {
        #![doc = #title]
        #allow
        #(#patterns)*
        #(#rules)*
        #(#impls)*
    }
}

/// Statics shared by the checks: patterns by regex text, rules by shape.
#[derive(Default)]
struct Statics {
    patterns: BTreeMap<String, TokenStream>,
    pattern_names: BTreeMap<String, proc_macro2::Ident>,
    rules: BTreeMap<String, TokenStream>,
    rule_names: BTreeMap<String, proc_macro2::Ident>,
    taken: BTreeSet<String>,
}

impl Statics {
    /// The rule static for a string shape, if it has constraints.
    fn string_rule(&mut self, shape: &str, constraints: &Constraints) -> Option<proc_macro2::Ident> {
        if constraints.min_length.is_none() && constraints.max_length.is_none() && constraints.pattern.is_none() {
            return None;
        }
        if let Some(name) = self.rule_names.get(shape) {
            return Some(name.clone());
        }
        let pattern = constraints.pattern.as_ref().map(|regex| {
            let name = match self.pattern_names.get(regex) {
                Some(name) => name.clone(),
                None => {
                    let name =
                        format_ident!("{}", unique(format!("{}_PATTERN", constant_name(shape)), &mut self.taken));
                    self.patterns.insert(
                        regex.clone(),
                        quote!(static #name: ::aws_json_runtime::Pattern = ::aws_json_runtime::Pattern::new(#regex);),
                    );
                    self.pattern_names.insert(regex.clone(), name.clone());
                    name
                }
            };
            quote!(Some(&#name))
        });
        let pattern = pattern.unwrap_or_else(|| quote!(None));
        let name = format_ident!("{}", unique(constant_name(shape), &mut self.taken));
        let (min, max) = (count(constraints.min_length), count(constraints.max_length));
        self.rules.insert(
            shape.to_owned(),
            quote!(static #name: ::aws_json_runtime::StringRule = ::aws_json_runtime::StringRule { min: #min, max: #max, pattern: #pattern };),
        );
        self.rule_names.insert(shape.to_owned(), name.clone());
        Some(name)
    }
}

fn count(value: Option<u64>) -> TokenStream {
    match value {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn number(value: Option<f64>) -> TokenStream {
    match value {
        Some(n) => {
            let n = Literal::f64_suffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// The check of one member (an expression), or none when nothing about it
/// is constrained.
fn member_check(
    service: &Service,
    names: &Names,
    parent: &str,
    member: &Member,
    statics: &mut Statics,
) -> Option<TokenStream> {
    let field = names.field(parent, &member.name);
    let wire = &member.name;
    let target = &service.shapes[&member.target];
    let c = &target.constraints;
    let required = !member.optional_in_rust;
    Some(match &target.kind {
        ShapeKind::String => {
            let rule = statics.string_rule(&member.target, c)?;
            let value = if required { quote!(Some(self.#field.as_str())) } else { quote!(self.#field.as_deref()) };
            quote!(check.string(#wire, #value, &#rule))
        }
        ShapeKind::Blob if c.min_length.is_some() || c.max_length.is_some() => {
            let value = if required {
                quote!(Some(self.#field.as_bytes()))
            } else {
                quote!(self.#field.as_ref().map(|b| b.as_bytes()))
            };
            let (min, max) = (count(c.min_length), count(c.max_length));
            quote!(check.bytes(#wire, #value, #min, #max))
        }
        ShapeKind::Integer | ShapeKind::Long | ShapeKind::Double if c.min_value.is_some() || c.max_value.is_some() => {
            let value = if required { quote!(Some(self.#field as f64)) } else { quote!(self.#field.map(|v| v as f64)) };
            let (min, max) = (number(c.min_value), number(c.max_value));
            quote!(check.number(#wire, #value, #min, #max))
        }
        ShapeKind::Structure { .. } => {
            let value = if required { quote!(Some(&self.#field)) } else { quote!(self.#field.as_ref()) };
            quote!(check.nested(#wire, #value))
        }
        ShapeKind::List { member: item } => {
            let each = element_check(service, item, statics);
            if each.is_none() && c.min_items.is_none() && c.max_items.is_none() {
                return None;
            }
            let each = each.unwrap_or_else(|| quote!(&|_, _| Ok(())));
            let value = if required { quote!(Some(self.#field.as_slice())) } else { quote!(self.#field.as_deref()) };
            let (min, max) = (count(c.min_items), count(c.max_items));
            quote!(check.list(#wire, #value, #min, #max, #each))
        }
        ShapeKind::Map { value: item } => {
            let each = element_check(service, item, statics);
            if each.is_none() && c.min_items.is_none() && c.max_items.is_none() {
                return None;
            }
            let each = each.unwrap_or_else(|| quote!(&|_, _| Ok(())));
            let value = if required { quote!(Some(&self.#field)) } else { quote!(self.#field.as_ref()) };
            let (min, max) = (count(c.min_items), count(c.max_items));
            quote!(check.map(#wire, #value, #min, #max, #each))
        }
        _ => return None,
    })
}

/// The check of one list item or map value, if it has anything to check.
/// (Collections nested in collections are checked for nothing inside.)
fn element_check(service: &Service, shape: &str, statics: &mut Statics) -> Option<TokenStream> {
    let target = &service.shapes[shape];
    match &target.kind {
        ShapeKind::String => {
            let rule = statics.string_rule(shape, &target.constraints)?;
            Some(quote!(&|check, item| check.here_string(item, &#rule)))
        }
        ShapeKind::Structure { .. } => Some(quote!(&|check, item| ::aws_json_runtime::Validate::validate(item, check))),
        _ => None,
    }
}
