//! The AWS CLI's `text` output.

use serde_json::Value;
use std::fmt::Write as _;

/// The AWS CLI's `text` output: scalars of an object on one tab-separated
/// line (keys sorted), prefixed with the upper-cased name of the list or
/// object they are in; nested values on their own lines after.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    format_value(value, None, None, &mut out);
    out
}

fn format_value(value: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match value {
        Value::Object(object) => format_object(object, identifier, scalar_keys, out),
        Value::Array(items) => format_list(items, identifier, out),
        scalar => {
            out.push_str(&python_str(scalar));
            out.push('\n');
        }
    }
}

fn format_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|o| o.iter().filter(|(_, v)| !is_nested(v)).map(|(k, _)| k.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        for item in items {
            format_value(item, identifier, Some(&keys), out);
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, nested): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| !is_nested(v));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for item in nested {
            format_value(item, identifier, None, out);
        }
    } else {
        format_scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
    }
}

fn format_scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(name) => {
            for item in items {
                let _ = writeln!(out, "{}\t{}", name.to_uppercase(), python_str(item));
            }
        }
        None => {
            let line: Vec<String> = items.iter().map(|v| python_str(v)).collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
}

fn format_object(
    object: &serde_json::Map<String, Value>,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) {
    let mut scalars: Vec<String> = Vec::new();
    let mut nested: Vec<(&String, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            // serde_json's maps iterate in key order, as the AWS CLI sorts.
            for (key, value) in object {
                if is_nested(value) {
                    nested.push((key, value));
                } else {
                    scalars.push(python_str(value));
                }
            }
        }
        Some(keys) => {
            scalars = keys.iter().map(|k| object.get(k).map(python_str).unwrap_or_default()).collect();
            nested = object.iter().filter(|(k, _)| !keys.contains(k)).collect();
        }
    }
    if !scalars.is_empty() {
        if let Some(name) = identifier {
            scalars.insert(0, name.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in nested {
        format_value(value, Some(key), None, out);
    }
}

fn is_nested(value: &Value) -> bool {
    value.is_object() || value.is_array()
}

/// A value as Python's `str()` writes it (lists and objects as their
/// `repr()`, in key order).
pub fn python_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

fn python_repr(value: &Value) -> String {
    match value {
        Value::String(s) => {
            // Single quotes unless the text has one and no double quote.
            let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(object) => {
            let members: Vec<String> = object
                .iter()
                .map(|(k, v)| format!("{}: {}", python_repr(&Value::String(k.clone())), python_repr(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
    }
}
