//! Checks the generated serde tests call.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;

/// Parses `sample` (a wire JSON object) plus an unknown member, and checks
/// that re-serializing gives back exactly `sample`: every member kept, with
/// its wire name and value form, and the unknown one ignored.
pub fn round_trip<T: Serialize + DeserializeOwned + Debug + PartialEq>(sample: &str) {
    let expected: Value = serde_json::from_str(sample).expect("sample is JSON");
    let mut with_unknown = expected.clone();
    with_unknown
        .as_object_mut()
        .expect("sample is an object")
        .insert("memberFromTheFuture".into(), serde_json::json!({"nested": [1, 2]}));
    let parsed: T = serde_json::from_value(with_unknown).unwrap_or_else(|e| panic!("parse {sample}: {e}"));
    let written = serde_json::to_value(&parsed).expect("serializes");
    assert_eq!(written, expected, "round trip of {}", std::any::type_name::<T>());
    let reparsed: T = serde_json::from_value(written).expect("parses again");
    assert_eq!(reparsed, parsed);
}

/// For every member at every depth of `sample` (a full answer), an answer
/// without it, and one with it `null`, still parses, and every other member
/// comes back as it was. Objects keyed `map_key` are map entries, not
/// members: they are walked into, never removed.
pub fn tolerant<T: Serialize + DeserializeOwned + Debug>(sample: &str, map_key: &str) {
    let full: Value = serde_json::from_str(sample).expect("sample is JSON");
    let mut members = Vec::new();
    member_paths(&full, &mut Vec::new(), map_key, &mut members);
    for path in &members {
        for removed in [true, false] {
            let mut answer = full.clone();
            let (parent, name) = path.split_at(path.len() - 1);
            let object = parent.iter().fold(&mut answer, |v, step| step.get_mut(v)).as_object_mut().expect("an object");
            if removed {
                object.remove(name[0].key());
            } else {
                object.insert(name[0].key().to_owned(), Value::Null);
            }
            let what = format!(
                "{} with {} {}",
                std::any::type_name::<T>(),
                join(path),
                if removed { "removed" } else { "null" }
            );
            let parsed: T = serde_json::from_slice(&serde_json::to_vec(&answer).unwrap())
                .unwrap_or_else(|e| panic!("{what}: the answer no longer parses: {e}"));
            let written = serde_json::to_value(&parsed).unwrap();
            // Its ancestors now hold a default in its place; everything else is as sent.
            for other in members.iter().filter(|other| !other.starts_with(path) && !path.starts_with(other)) {
                let at = |v: &Value| other.iter().try_fold(v, |v, step| step.get(v)).cloned();
                assert_eq!(at(&written), at(&answer), "{what}: {} changed", join(other));
            }
        }
    }
}

/// A step into a JSON value: a member, a map entry or a list item.
#[derive(Clone, PartialEq)]
enum Step {
    Member(String),
    Entry(String),
    Item(usize),
}

impl Step {
    fn key(&self) -> &str {
        match self {
            Step::Member(key) | Step::Entry(key) => key,
            Step::Item(_) => "",
        }
    }

    fn get<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        match self {
            Step::Member(key) | Step::Entry(key) => value.get(key),
            Step::Item(i) => value.get(i),
        }
    }

    fn get_mut<'a>(&self, value: &'a mut Value) -> &'a mut Value {
        match self {
            Step::Member(key) | Step::Entry(key) => &mut value[key.as_str()],
            Step::Item(i) => &mut value[*i],
        }
    }
}

fn member_paths(value: &Value, path: &mut Vec<Step>, map_key: &str, out: &mut Vec<Vec<Step>>) {
    let children: Vec<(Step, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (if k == map_key { Step::Entry(k.clone()) } else { Step::Member(k.clone()) }, v))
            .collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Step::Item(i), v)).collect(),
        _ => return,
    };
    for (step, child) in children {
        path.push(step.clone());
        if matches!(step, Step::Member(_)) {
            out.push(path.clone());
        }
        member_paths(child, path, map_key, out);
        path.pop();
    }
}

fn join(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Member(key) => format!(".{key}"),
            Step::Entry(key) => format!("[{key:?}]"),
            Step::Item(i) => format!("[{i}]"),
        })
        .collect()
}

/// Every known value parses and prints as itself, and so does one the
/// service might add later. (A service without enums leaves it unused.)
#[allow(dead_code)]
pub fn enum_round_trip<T>(values: &[&str])
where
    T: Serialize + DeserializeOwned + Debug + PartialEq + for<'a> From<&'a str> + ToString,
{
    for value in values.iter().copied().chain(["A_VALUE_ADDED_LATER"]) {
        let json = serde_json::to_string(value).unwrap();
        let parsed: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("parse {json}: {e}"));
        assert_eq!(parsed, T::from(value));
        assert_eq!(parsed.to_string(), value);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
    }
    let err = serde_json::from_str::<T>("42").unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}

/// Every error code the document defines, sent for an operation, is typed
/// once converted into the service-wide enum `A`: never `Unhandled`.
pub fn errors_map<E, A>(codes: &[&str])
where
    E: super::OperationError + Debug,
    A: super::OperationError + Debug + From<E>,
{
    for code in codes.iter().copied().chain(["SomethingNew"]) {
        let error = super::ServiceError {
            operation: "Op",
            code: code.to_owned(),
            message: None,
            status: 400,
            request_id: None,
            fields: Default::default(),
            attempts: 1,
        };
        let any = A::from(E::from_service_error(error));
        assert_eq!(any.service_error().code(), code);
        let variant = format!("{any:?}");
        assert_eq!(variant.starts_with("Unhandled("), code == "SomethingNew", "{code} became {variant}");
    }
}
