//! Checks the generated serde tests call.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;

/// Parses `sample` (a wire JSON object) plus an unknown member, and checks
/// that re-serializing gives back exactly `sample`: every member kept, with
/// its wire name and value form, and the unknown one ignored.
pub(crate) fn round_trip<T: Serialize + DeserializeOwned + Debug + PartialEq>(sample: &str) {
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

/// Every known value parses and prints as itself, and so does one the
/// service might add later.
pub(crate) fn enum_round_trip<T>(values: &[&str])
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
pub(crate) fn errors_map<E, A>(codes: &[&str])
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
