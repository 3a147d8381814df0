//! A malformed document or hints file is an error that names the JSON
//! pointer of the node at fault and what was expected; never a panic.

use serde_json::{json, Value};

/// A minimal valid document with one operation, to break in one place.
fn valid() -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "T", "version": "1", "x-serviceName": "t"},
        "paths": {
            "/#X-Amz-Target=T.Op": {"post": {
                "operationId": "Op",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpRequest"}}}},
                "responses": {
                    "200": {"description": "Success", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpResponse"}}}},
                    "480": {"description": "Oops", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Oops"}}}}
                }
            }}
        },
        "components": {"schemas": {
            "OpRequest": {"type": "object", "required": ["name"], "properties": {"name": {"allOf": [{"$ref": "#/components/schemas/Name"}, {"description": "d"}]}}},
            "OpResponse": {"type": "object", "properties": {"createdAt": {"$ref": "#/components/schemas/When"}}},
            "Name": {"type": "string"},
            "When": {"type": "string", "format": "date-time"},
            "Oops": {}
        }}
    })
}

fn error_of(doc: &Value, hints: Option<&str>) -> String {
    match codegen::generate(&doc.to_string(), hints, "test") {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn broken(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = valid();
    edit(&mut doc);
    error_of(&doc, None)
}

#[test]
fn the_valid_base_document_generates() {
    codegen::generate(&valid().to_string(), None, "test").unwrap();
}

#[test]
fn not_json_or_wrong_value_types() {
    let e = codegen::generate("{\"openapi\": ", None, "test").unwrap_err().to_string();
    assert!(e.starts_with("document #/openapi: EOF while parsing a value at line 1 column 12"), "{e}");
    let e = broken(|d| d["components"]["schemas"]["Name"]["maxLength"] = json!("long"));
    assert!(
        e.starts_with("document #/components/schemas/Name/maxLength: invalid type: string \"long\", expected u64"),
        "{e}"
    );
    let e = broken(|d| d["info"]["title"] = json!(5));
    assert!(e.starts_with("document #/info/title: invalid type: integer `5`, expected a string"), "{e}");
}

#[test]
fn versions_and_top_level() {
    assert_eq!(
        broken(|d| d["openapi"] = json!("3.1.0")),
        "#/openapi: expected an OpenAPI 3.0.x document, found version \"3.1.0\""
    );
    let e = broken(|d| {
        d.as_object_mut().unwrap().remove("openapi");
    });
    assert_eq!(e, "#: expected an `openapi` (3.0) or `swagger` (2.0) version key");
    let e = broken(|d| {
        d.as_object_mut().unwrap().remove("components");
    });
    assert_eq!(e, "#/components: missing: an OpenAPI 3 document needs components/schemas");
    let e = broken(|d| {
        d["info"].as_object_mut().unwrap().remove("x-serviceName");
    });
    assert_eq!(e, "#/info/x-serviceName: missing: the service's short name");
}

#[test]
fn references() {
    let e = broken(|d| {
        d["components"]["schemas"]["OpRequest"]["properties"]["name"]["allOf"][0]["$ref"] =
            json!("#/components/schemas/Foo")
    });
    assert_eq!(e, "#/components/schemas/OpRequest/properties/name/$ref: $ref to missing schema \"Foo\"");
    let e = broken(|d| {
        d["components"]["schemas"]["OpResponse"]["properties"]["createdAt"]["$ref"] = json!("other.json#/X")
    });
    assert_eq!(e, "#/components/schemas/OpResponse/properties/createdAt/$ref: unsupported $ref \"other.json#/X\": expected #/components/schemas/<name>");
    let e = broken(|d| {
        d["components"]["schemas"]["A"] = json!({"$ref": "#/components/schemas/B"});
        d["components"]["schemas"]["B"] = json!({"$ref": "#/components/schemas/A"});
    });
    assert!(e.contains("$ref cycle through"), "{e}");
    let e = broken(|d| {
        d["components"]["schemas"]["OpRequest"]["properties"]["name"]["allOf"] = json!([{"description": "no ref"}])
    });
    assert_eq!(e, "#/components/schemas/OpRequest/properties/name/allOf: expected exactly one $ref among allOf");
}

#[test]
fn schemas() {
    let e = broken(|d| d["components"]["schemas"]["Name"]["type"] = json!("file"));
    assert_eq!(e, "#/components/schemas/Name/type: unsupported type \"file\"");
    let e = broken(|d| d["components"]["schemas"]["L"] = json!({"type": "array"}));
    assert_eq!(e, "#/components/schemas/L: an array without `items`");
    let e = broken(|d| d["components"]["schemas"]["E"] = json!({"type": "string", "enum": ["A", 7]}));
    assert_eq!(e, "#/components/schemas/E/enum/1: expected a string enum value, found 7");
    let e = broken(|d| d["components"]["schemas"]["M"] = json!({"type": "object", "additionalProperties": true}));
    assert_eq!(e, "#/components/schemas/M/additionalProperties: expected a schema for the map's values");
    let e = broken(|d| d["components"]["schemas"]["OpRequest"]["required"] = json!(["name", "ghost"]));
    assert_eq!(e, "#/components/schemas/OpRequest/required/1: required member \"ghost\" is not among the properties");
}

#[test]
fn operations() {
    let op = "/#X-Amz-Target=T.Op";
    let e = broken(|d| {
        d["paths"][op]["post"].as_object_mut().unwrap().remove("operationId");
    });
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op/post/operationId: missing");
    let e = broken(|d| {
        let paths = d["paths"].as_object_mut().unwrap();
        let item = paths.remove(op).unwrap();
        paths.insert("/op".into(), item);
    });
    assert!(e.starts_with("#/paths/~1op/post: this document names no X-Amz-Target prefix"), "{e}");
    assert!(e.ends_with("give `targetPrefix` in the hints"), "{e}");
    let e = broken(|d| d["paths"][op] = json!({"get": {}}));
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op: expected a `post` operation (awsJson services use POST only)");
    let e = broken(|d| {
        d["paths"][op]["post"]["responses"].as_object_mut().unwrap().remove("200");
    });
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op/post/responses: no 2xx response");
    let e = broken(|d| {
        d["paths"][op]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/Name"})
    });
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op/post: the input shape \"Name\" is not an object");
    let e = broken(|d| d["paths"][op]["post"]["responses"]["480"] = json!({"description": "not an identifier!"}));
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op/post/responses/480: an error response needs a $ref schema or an error name as description");
    let e = broken(|d| d["paths"][op]["post"]["requestBody"]["content"] = json!({}));
    assert_eq!(e, "#/paths/~1#X-Amz-Target=T.Op/post/requestBody/content: a request body without content");
}

#[test]
fn hints() {
    let doc = valid();
    // Hints naming what this document lacks are warnings (an older document
    // of the same API); hints that name something wrongly are errors.
    let warnings = |hints: &str| codegen::read(&doc.to_string(), Some(hints)).unwrap().warnings;
    assert!(warnings(r#"{"blobs": ["Nope"]}"#)
        .contains(&"hints #/blobs/0: the document has no shape \"Nope\"; ignored".into()));
    assert!(warnings(r#"{"sensitive": ["OpRequest.nope"]}"#)
        .contains(&"hints #/sensitive/0: the document has no structure member \"OpRequest.nope\"; ignored".into()));
    assert_eq!(
        error_of(&doc, Some("{\"blobs\": [\"When\"]}")),
        "hints #/blobs/0: \"When\" is not a plain string shape"
    );
    assert_eq!(
        error_of(&doc, Some("{\"sensitive\": [\"OpRequest\"]}")),
        "hints #/sensitive/0: \"OpRequest\" is not Shape.member"
    );
    assert_eq!(
        error_of(&doc, Some("{\"jsonVersion\": \"2.0\"}")),
        "hints #/jsonVersion: expected \"1.0\" or \"1.1\", found \"2.0\""
    );
    let e = error_of(&doc, Some("{\"blob\": []}"));
    assert!(e.starts_with("hints #/blob: unknown field `blob`"), "{e}");
}

/// A document whose operation pages by `nextToken`, with `lists` list members
/// in its output.
fn paged(lists: usize) -> Value {
    let mut doc = valid();
    let schemas = &mut doc["components"]["schemas"];
    schemas["OpRequest"]["properties"]["nextToken"] = json!({"$ref": "#/components/schemas/Name"});
    schemas["OpRequest"]["properties"]["maxResults"] = json!({"type": "integer"});
    schemas["OpResponse"]["properties"]["nextToken"] = json!({"$ref": "#/components/schemas/Name"});
    schemas["Names"] = json!({"type": "array", "items": {"$ref": "#/components/schemas/Name"}});
    for i in 0..lists {
        schemas["OpResponse"]["properties"][format!("list{i}")] = json!({"$ref": "#/components/schemas/Names"});
    }
    doc
}

#[test]
fn paginator_hints() {
    let read = |doc: &Value, hints: &str| codegen::read(&doc.to_string(), Some(hints));
    let one = read(&paged(1), "{}").unwrap();
    assert_eq!(one.operations[0].paginator.as_ref().unwrap().items, [["list0"]]);

    let two = read(&paged(2), "{}").unwrap();
    assert!(two.operations[0].paginator.is_none());
    assert_eq!(
        two.warnings[0],
        "Op pages by \"nextToken\" but its output has 2 lists: no paginator; name the items in hints paginators.Op.items to get one"
    );
    let hinted = read(&paged(2), r#"{"paginators": {"Op": {"items": "list1"}}}"#).unwrap();
    assert_eq!(hinted.operations[0].paginator.as_ref().unwrap().items, [["list1"]]);
    assert!(!hinted.warnings.iter().any(|w| w.contains("pages by")), "{:?}", hinted.warnings);
    let both = read(&paged(2), r#"{"paginators": {"Op": {"items": ["list0", "list1"]}}}"#).unwrap();
    assert_eq!(both.operations[0].paginator.as_ref().unwrap().items, [["list0"], ["list1"]]);

    let error = |doc: &Value, hints: &str| read(doc, hints).unwrap_err().to_string();
    let ignored = read(&paged(1), r#"{"paginators": {"Nope": {}}}"#).unwrap();
    assert_eq!(ignored.warnings[0], "hints #/paginators/Nope: the document has no such operation; ignored");
    assert_eq!(
        error(&paged(1), r#"{"paginators": {"Op": {"items": "createdAt"}}}"#),
        "hints #/paginators/Op/items: \"createdAt\" is not a list"
    );
    assert_eq!(
        error(&paged(1), r#"{"paginators": {"Op": {"items": "list0.deeper"}}}"#),
        "hints #/paginators/Op/items: \"Names\" has no member \"deeper\""
    );
    assert_eq!(
        error(&paged(2), r#"{"paginators": {"Op": {"items": ["list0", "createdAt"]}}}"#),
        "hints #/paginators/Op/items: \"createdAt\" is not a list"
    );
    assert_eq!(
        error(&paged(2), r#"{"paginators": {"Op": {"items": []}}}"#),
        "hints #/paginators/Op/items: names no list"
    );
    assert_eq!(
        error(&paged(1), r#"{"paginators": {"Op": {"pageSize": "name"}}}"#),
        "hints #/paginators/Op: page size \"name\" must be an optional integer"
    );
    assert_eq!(
        error(&valid(), r#"{"paginators": {"Op": {}}}"#),
        "hints #/paginators/Op: \"nextToken\" in the input and \"nextToken\" in the output are needed"
    );
}

#[test]
fn waiter_hints() {
    let mut doc = valid();
    doc["components"]["schemas"]["OpResponse"]["properties"]["state"] = json!({"$ref": "#/components/schemas/State"});
    doc["components"]["schemas"]["State"] = json!({"type": "string", "enum": ["DONE", "FAILED", "BUSY"]});
    let waiter = |body: &str| format!(r#"{{"waiters": {{"Done": {body}}}}}"#);
    let ok = waiter(
        r#"{"operation": "Op", "path": "state", "success": ["DONE"], "failure": ["FAILED"], "delay": 1, "maxAttempts": 3}"#,
    );
    let service = codegen::read(&doc.to_string(), Some(&ok)).unwrap();
    assert_eq!(service.waiters[0].max_wait_secs, 3);

    let error = |body: &str| codegen::read(&doc.to_string(), Some(&waiter(body))).unwrap_err().to_string();
    let ignored = r#"{"operation": "Nope", "path": "state", "success": ["DONE"], "delay": 1, "maxAttempts": 3}"#;
    let service = codegen::read(&doc.to_string(), Some(&waiter(ignored))).unwrap();
    assert!(service.waiters.is_empty());
    assert_eq!(
        service.warnings[0],
        "hints #/waiters/Done/operation: the document has no operation \"Nope\"; no waiter Done"
    );
    assert_eq!(
        error(r#"{"operation": "Op", "path": "stat", "success": ["DONE"], "delay": 1, "maxAttempts": 3}"#),
        "hints #/waiters/Done/path: \"OpResponse\" has no member \"stat\""
    );
    assert_eq!(
        error(r#"{"operation": "Op", "path": "state", "success": ["DONE", "COMPLETE"], "delay": 1, "maxAttempts": 3}"#),
        "hints #/waiters/Done/success: \"COMPLETE\" is not a value of State"
    );
    assert_eq!(
        error(r#"{"operation": "Op", "path": "createdAt", "success": ["x"], "delay": 1, "maxAttempts": 3}"#),
        "hints #/waiters/Done/path: \"createdAt\" is not an enum, string or boolean"
    );
    assert_eq!(
        error(r#"{"operation": "Op", "path": "state", "success": ["DONE"], "delay": 0, "maxAttempts": 3}"#),
        "hints #/waiters/Done: a waiter needs success states, a delay and maxAttempts above zero"
    );
}

/// Every prefix of a real document is malformed JSON: each must be an error.
#[test]
fn truncated_documents_are_errors_not_panics() {
    let text = valid().to_string();
    for cut in (0..text.len()).step_by(7) {
        assert!(codegen::generate(&text[..cut], None, "test").is_err(), "prefix of {cut} bytes");
    }
}

#[test]
fn constructs_the_generator_does_not_understand_are_errors() {
    let schemas = "#/components/schemas";
    for key in ["oneOf", "anyOf"] {
        let e = broken(|d| {
            d["components"]["schemas"]["Choice"] =
                json!({ key: [{"$ref": "#/components/schemas/Name"}, {"$ref": "#/components/schemas/When"}] })
        });
        assert_eq!(e, format!("{schemas}/Choice/{key}: {key} is not supported: no Rust type can follow it"));
    }
    let e = broken(|d| {
        d["components"]["schemas"]["OpResponse"]["properties"]["createdAt"] = json!({"not": {"type": "string"}})
    });
    assert_eq!(
        e,
        format!("{schemas}/OpResponse/properties/createdAt/not: not is not supported: no Rust type can follow it")
    );
    let e = broken(|d| {
        d["components"]["schemas"]["Mixed"] = json!({
            "allOf": [{"$ref": "#/components/schemas/OpResponse"}],
            "properties": {"extra": {"type": "string"}}
        })
    });
    assert_eq!(
        e,
        format!("{schemas}/Mixed/allOf: allOf beside properties is not supported: the type would be partial")
    );
    let e = broken(|d| {
        d["components"]["schemas"]["Both"] =
            json!({"allOf": [{"$ref": "#/components/schemas/OpRequest"}, {"$ref": "#/components/schemas/OpResponse"}]})
    });
    assert_eq!(
        e,
        format!("{schemas}/Both/allOf: allOf of 2 $refs on a schema is not supported: a type made of several others")
    );
    let e = broken(|d| {
        d["components"]["schemas"]["OpRequest"]["properties"]["name"]["properties"] = json!({"x": {"type": "string"}})
    });
    assert_eq!(e, format!("{schemas}/OpRequest/properties/name/allOf: allOf beside properties is not supported: the type would be partial"));
}

#[test]
fn a_type_that_requires_itself_is_an_error() {
    let e = broken(|d| {
        d["components"]["schemas"]["Egg"] = json!({"type": "object", "required": ["chicken"], "properties": {"chicken": {"$ref": "#/components/schemas/Chicken"}}});
        d["components"]["schemas"]["Chicken"] =
            json!({"type": "object", "required": ["egg"], "properties": {"egg": {"$ref": "#/components/schemas/Egg"}}});
    });
    assert!(e.starts_with("#/components/schemas/"), "{e}");
    assert!(
        e.contains("makes \"Chicken\" require itself (Chicken.egg → Egg.chicken): no value of it could ever be built")
            || e.contains(
                "makes \"Egg\" require itself (Egg.chicken → Chicken.egg): no value of it could ever be built"
            ),
        "{e}"
    );
    // Optional recursion, or recursion through a list, is fine.
    let mut doc = valid();
    doc["components"]["schemas"]["Tree"] = json!({"type": "object", "required": ["children"], "properties": {
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        "parent": {"$ref": "#/components/schemas/Tree"}
    }});
    codegen::read(&doc.to_string(), None).unwrap();
}

#[test]
fn format_password_makes_a_member_sensitive_without_a_hint() {
    let mut doc = valid();
    doc["components"]["schemas"]["Secret"] = json!({"type": "string", "format": "password"});
    doc["components"]["schemas"]["OpRequest"]["properties"]["secret"] =
        json!({"allOf": [{"$ref": "#/components/schemas/Secret"}, {"description": "a secret"}]});
    doc["components"]["schemas"]["OpResponse"]["properties"]["inline"] =
        json!({"type": "string", "format": "password"});
    let service = codegen::read(&doc.to_string(), None).unwrap();
    let member = |shape: &str, name: &str| service.members(shape).iter().find(|m| m.name == name).unwrap().sensitive;
    assert!(member("OpRequest", "secret") && member("OpResponse", "inline"));
    assert!(!member("OpRequest", "name"));
    let files = codegen::generate(&doc.to_string(), None, "test").unwrap();
    let types = &files.iter().find(|f| f.path == "types.rs").unwrap().contents;
    assert!(
        types.contains(".field(\"secret\", &self.secret.as_ref().map(|_| ::aws_json_runtime::Redacted))"),
        "{types}"
    );
}

#[test]
fn patterns_the_client_cannot_compile_are_reported_when_generating() {
    let mut doc = valid();
    doc["components"]["schemas"]["Name"] = json!({"type": "string", "pattern": "^\\p{L}+(?=x)$"});
    doc["components"]["schemas"]["Plain"] = json!({"type": "string", "pattern": "^[a-z]+$"});
    let service = codegen::read(&doc.to_string(), None).unwrap();
    assert_eq!(service.shapes["Name"].constraints.pattern, None, "not kept for the runtime to skip");
    assert_eq!(service.shapes["Plain"].constraints.pattern.as_deref(), Some("^[a-z]+$"));
    let warning = service.warnings.iter().find(|w| w.contains("pattern")).expect("a warning");
    assert!(
        warning.starts_with("#/components/schemas/Name/pattern: the client's regex engine cannot compile the pattern"),
        "{warning}"
    );
}

/// Names that are alphanumeric to Unicode but no Rust identifier (`x²`,
/// `W²`) and an enum value that is a non-ASCII digit (`٣`) once panicked;
/// they generate Rust that parses, for the client and the command layer.
#[test]
fn unicode_names_that_are_no_identifiers_generate_rust() {
    let mut doc = valid();
    let schemas = &mut doc["components"]["schemas"];
    schemas["OpRequest"]["properties"]["x²"] = json!({"$ref": "#/components/schemas/W²"});
    schemas["W²"] = json!({"type": "string", "enum": ["٣", "x²", "²"]});
    let text = doc.to_string();
    let files = codegen::generate(&text, None, "test").expect("generates");
    let cli = codegen::generate_cli(&text, None, "test", "test_client").expect("the command layer generates");
    for file in files.iter().chain(&cli) {
        if file.path.ends_with(".rs") {
            syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.path));
        }
    }
    let types = files.iter().find(|f| f.path.ends_with("types.rs")).unwrap();
    assert!(types.contents.contains("WU00B2") && types.contents.contains("x_u00b2"), "names are spelled out");
}

/// Found by fuzzing: a carriage return in a title became a bare CR in a
/// doc comment (a lexer error), and direction controls are denied by
/// rustc's lints; documentation text never carries either into the code.
#[test]
fn control_characters_in_documentation_stay_out_of_the_code() {
    let mut doc = valid();
    doc["info"]["title"] = json!(",eeB\r");
    doc["components"]["schemas"]["Name"]["description"] = json!("before\rafter \u{202e}reversed\u{2066}");
    let files = codegen::generate(&doc.to_string(), None, "test").expect("generates");
    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
        syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.path));
        assert!(!file.contents.contains(['\r', '\u{202e}', '\u{2066}']), "{}", file.path);
    }
}

/// Found by fuzzing: an operation named `2` made the command layer's test
/// `2_parses_every_flag`, no identifier; `A` beside `a` made two tests of
/// one name.
#[test]
fn operation_names_that_start_with_a_digit_or_differ_in_case_generate() {
    let mut doc = valid();
    let op = doc["paths"]["/#X-Amz-Target=T.Op"].clone();
    for name in ["2", "A", "a"] {
        let mut copy = op.clone();
        copy["post"]["operationId"] = json!(name);
        doc["paths"][format!("/#X-Amz-Target=T.{name}")] = copy;
    }
    let text = doc.to_string();
    let cli = codegen::generate_cli(&text, None, "test", "test_client").expect("generates");
    let tests = cli.iter().find(|f| f.path.ends_with("flag_tests.rs")).expect("flag tests");
    let parsed = syn::parse_file(&tests.contents).expect("parses");
    let mut names: Vec<String> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "test names are unique: {names:?}");
    assert!(names.iter().any(|n| n == "_2_parses_every_flag"), "{names:?}");
}

/// Found by fuzzing: a list of itself (or a map of lists of itself) made
/// the generator loop forever, then overflow its stack; it is a type of
/// infinite size, refused with the loop named.
#[test]
fn lists_and_maps_that_hold_themselves_are_refused() {
    let list_self = json!({"type": "array", "items": {"$ref": "#/components/schemas/Name"}});
    let e = broken(|d| d["components"]["schemas"]["Name"] = list_self);
    assert!(e.contains("#/components/schemas/Name") && e.contains("Name → Name") && e.contains("infinite size"), "{e}");
    let e = broken(|d| {
        d["components"]["schemas"]["Name"] = json!({"type": "array", "items": {"$ref": "#/components/schemas/Index"}});
        d["components"]["schemas"]["Index"] =
            json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Name"}});
    });
    assert!(e.contains("Index → Name → Index") || e.contains("Name → Index → Name"), "{e}");
}

/// Names that would clash in the generated code are errors naming the
/// member or operation; names that get a numeric suffix, and flags the
/// command line takes for itself, are warnings.
#[test]
fn colliding_names_are_reported_not_renamed_in_silence() {
    let member = |name: &str| {
        broken(|d| {
            d["components"]["schemas"]["OpRequest"]["properties"][name] = json!({"$ref": "#/components/schemas/Name"});
        })
    };
    assert_eq!(
        member("send"),
        "#/components/schemas/OpRequest/properties/send: its setter `send` would be the Op builder's own `send`"
    );
    assert_eq!(
        member("build"),
        "#/components/schemas/OpRequest/properties/build: its setter `build` would be the Op builder's own `build`"
    );
    let e = broken(|d| {
        let paths = d["paths"].as_object_mut().unwrap();
        let mut item = paths.remove("/#X-Amz-Target=T.Op").unwrap();
        item["post"]["operationId"] = json!("Config");
        paths.insert("/#X-Amz-Target=T.Config".into(), item);
    });
    assert_eq!(e, "operation Config: its method `config` would be the client's own `config`");
    // Every structure's builder: a member `build` and a type named like the
    // builder are renamed, with a warning, and the code still compiles
    // (compiles.rs builds the `keywords` snapshot, whose `Node` has both).
    let mut doc = valid();
    doc["components"]["schemas"]["OpResponse"]["properties"]["build"] = json!({"$ref": "#/components/schemas/Name"});
    doc["components"]["schemas"]["OpRequestBuilder"] = json!({"type": "object", "properties": {}});
    let (files, warnings) = codegen::generate_with_warnings(&doc.to_string(), None, "test").unwrap();
    let types = &files.iter().find(|f| f.path == "types.rs").unwrap().contents;
    assert!(types.contains("pub fn build_value(mut self, value: impl Into<String>) -> Self"), "{types}");
    assert!(types.contains("pub struct OpRequestBuilder2"), "{types}");
    let warned = |text: &str| warnings.iter().any(|w| w.contains(text));
    assert!(warned("OpResponse/properties/build: its builder's setter is `build_value`"), "{warnings:#?}");
    assert!(warned("OpRequest: its builder gets a numeric suffix: the document has a type `OpRequestBuilder` too"));

    let mut doc = valid();
    let properties = &mut doc["components"]["schemas"]["OpRequest"]["properties"];
    properties["region"] = json!({"$ref": "#/components/schemas/Name"});
    properties["Name"] = json!({"$ref": "#/components/schemas/Name"});
    let (_, warnings) = codegen::generate_with_warnings(&doc.to_string(), None, "test").unwrap();
    let warned = |text: &str| warnings.iter().any(|w| w.contains(text));
    assert!(
        warned("member \"region\" of Op would be the flag --region, which the command line takes for itself"),
        "{warnings:#?}"
    );
    assert!(warned("the members \"Name\", \"name\" all become the field `name`"), "{warnings:#?}");
}
