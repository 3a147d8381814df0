//! Valid documents with arbitrary names and values inside: mutated bytes
//! rarely get past the JSON parser, so this drives lowering and emission
//! with names (any Unicode), enum values, patterns, bounds, recursion and
//! shapes shared between operations. What generates must parse as Rust.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Arbitrary, Debug)]
struct Document {
    service: String,
    operations: Vec<Operation>,
    shapes: Vec<Shape>,
}

#[derive(Arbitrary, Debug)]
struct Operation {
    name: String,
    input: u8,
    output: u8,
    errors: Vec<u8>,
    documentation: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct Shape {
    name: String,
    kind: Kind,
    documentation: Option<String>,
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Object(Vec<(String, u8, bool)>),
    String { values: Vec<String>, pattern: Option<String>, min: Option<u16>, max: Option<u16> },
    Integer { min: Option<i32>, max: Option<i32> },
    Long,
    Double,
    Boolean,
    Timestamp,
    Blob,
    Password,
    List(u8),
    Map(u8),
}

fn reference(shapes: &[Shape], index: u8) -> Value {
    let name = &shapes[usize::from(index) % shapes.len()].name;
    json!({ "$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")) })
}

fn schema(shapes: &[Shape], shape: &Shape) -> Value {
    let mut value = match &shape.kind {
        Kind::Object(members) => {
            let properties: Map<String, Value> =
                members.iter().take(6).map(|(name, target, _)| (name.clone(), reference(shapes, *target))).collect();
            let required: Vec<&String> = members.iter().take(6).filter(|m| m.2).map(|m| &m.0).collect();
            json!({ "type": "object", "properties": properties, "required": required })
        }
        Kind::String { values, pattern, min, max } => {
            let mut s = json!({ "type": "string" });
            if !values.is_empty() {
                s["enum"] = json!(values.iter().take(6).collect::<Vec<_>>());
            }
            if let Some(pattern) = pattern {
                s["pattern"] = json!(pattern);
            }
            if let Some(min) = min {
                s["minLength"] = json!(min);
            }
            if let Some(max) = max {
                s["maxLength"] = json!(max);
            }
            s
        }
        Kind::Integer { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Kind::Long => json!({ "type": "integer", "format": "int64" }),
        Kind::Double => json!({ "type": "number", "format": "double" }),
        Kind::Boolean => json!({ "type": "boolean" }),
        Kind::Timestamp => json!({ "type": "string", "format": "date-time" }),
        Kind::Blob => json!({ "type": "string", "format": "byte" }),
        Kind::Password => json!({ "type": "string", "format": "password" }),
        Kind::List(item) => json!({ "type": "array", "items": reference(shapes, *item) }),
        Kind::Map(value) => json!({ "type": "object", "additionalProperties": reference(shapes, *value) }),
    };
    if let (Some(docs), Some(object)) = (&shape.documentation, value.as_object_mut()) {
        object.insert("description".into(), json!(docs));
    }
    value
}

fn to_json(doc: &Document) -> Option<String> {
    let shapes = &doc.shapes[..doc.shapes.len().min(8)];
    if shapes.is_empty() {
        return None;
    }
    let schemas: Map<String, Value> = shapes.iter().map(|s| (s.name.clone(), schema(shapes, s))).collect();
    let mut paths = Map::new();
    for op in doc.operations.iter().take(4) {
        let content = |index: u8| json!({ "application/json": { "schema": reference(shapes, index) } });
        let mut responses = Map::new();
        responses.insert("200".into(), json!({ "description": "Success", "content": content(op.output) }));
        for (i, error) in op.errors.iter().take(3).enumerate() {
            responses.insert(format!("{}", 480 + i), json!({ "description": "Error", "content": content(*error) }));
        }
        let post = json!({
            "operationId": op.name,
            "description": op.documentation,
            "requestBody": { "content": content(op.input) },
            "responses": responses,
        });
        paths.insert(format!("/#X-Amz-Target=T.{}", op.name), json!({ "post": post }));
    }
    let document = json!({
        "openapi": "3.0.0",
        "info": { "title": doc.service, "version": "1", "x-serviceName": doc.service },
        "paths": paths,
        "components": { "schemas": schemas },
    });
    Some(document.to_string())
}

fuzz_target!(|doc: Document| {
    if let Some(text) = to_json(&doc) {
        ecr_fuzz_common::generate_and_parse(&text, None);
    }
});
