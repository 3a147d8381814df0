//! No input makes the generator panic: every node of a fixture is deleted
//! or replaced by values of every JSON type, one at a time, and each
//! mutated document must give output or an error.

mod common;

use serde_json::{json, Value};

/// Every path (as keys and indices) to an object member or array element.
fn paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(key.clone());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(index.to_string());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The parent of `path` and the last key.
fn parent<'a>(doc: &'a mut Value, path: &[String]) -> (&'a mut Value, String) {
    let (last, init) = path.split_last().expect("non-empty path");
    let mut node = doc;
    for key in init {
        node = match node {
            Value::Object(map) => map.get_mut(key).expect("path exists"),
            Value::Array(items) => &mut items[key.parse::<usize>().expect("index")],
            _ => unreachable!("paths only go through containers"),
        };
    }
    (node, last.clone())
}

#[test]
fn no_single_mutation_of_a_document_panics() {
    let (text, hints) = common::fixture("collections");
    let original: Value = serde_json::from_str(&text).unwrap();
    let mut all = Vec::new();
    paths(&original, &mut Vec::new(), &mut all);
    let replacements = [Value::Null, json!(42), json!("x"), json!([]), json!({}), json!(true)];
    let mut tried = 0;
    for path in &all {
        for replacement in std::iter::once(None).chain(replacements.iter().cloned().map(Some)) {
            let mut doc = original.clone();
            let (node, key) = parent(&mut doc, path);
            match (node, replacement) {
                (Value::Object(map), None) => {
                    map.remove(&key);
                }
                (Value::Array(items), None) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                (Value::Object(map), Some(value)) => {
                    map.insert(key.clone(), value);
                }
                (Value::Array(items), Some(value)) => items[key.parse::<usize>().unwrap()] = value,
                _ => unreachable!(),
            }
            let text = doc.to_string();
            let outcome =
                std::panic::catch_unwind(|| codegen::generate(&text, hints.as_deref(), "mutated").map(|_| ()));
            assert!(outcome.is_ok(), "panicked at /{}", path.join("/"));
            tried += 1;
        }
    }
    assert!(tried > 1000, "only {tried} mutations");
}
