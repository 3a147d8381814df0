//! Lowering into the IR: what the generator understands of a document.

mod common;

use codegen::ir::{Member, ShapeKind};

fn member<'a>(service: &'a codegen::ir::Service, shape: &str, name: &str) -> &'a Member {
    service.members(shape).iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{shape}.{name}"))
}

#[test]
fn the_ecr_document_lowers_completely() {
    let (spec, hints) = common::ecr();
    let ecr = codegen::read(&spec, Some(&hints)).unwrap();
    assert_eq!((ecr.name.as_str(), ecr.signing_name.as_str(), ecr.json_version.as_str()), ("ecr", "ecr", "1.1"));
    assert_eq!(ecr.api_version, "2015-09-21");
    assert_eq!(ecr.operations.len(), 62);
    assert!(ecr.operations.iter().all(|op| op.target == format!("AmazonEC2ContainerRegistry_V20150921.{}", op.name)));

    let list_images = ecr.operations.iter().find(|op| op.name == "ListImages").unwrap();
    assert_eq!((list_images.input.as_str(), list_images.output.as_str()), ("ListImagesRequest", "ListImagesResponse"));
    assert_eq!(list_images.errors, ["InvalidParameterException", "RepositoryNotFoundException", "ServerException"]);

    // allOf wrappers: the description belongs to the member, the $ref is its type.
    let name = member(&ecr, "CreateRepositoryRequest", "repositoryName");
    assert_eq!(name.target, "RepositoryName");
    assert!(name.required);
    assert!(name.docs.as_deref().unwrap().starts_with("<p>The name to use for the repository."));
    // `deprecated: true` in a member's allOf: the one such member of ECR.
    assert!(member(&ecr, "GetAuthorizationTokenRequest", "registryIds").deprecated);
    let deprecated = ecr.shapes.keys().flat_map(|shape| ecr.members(shape)).filter(|m| m.deprecated).count();
    assert_eq!(deprecated, 1);
    let constraints = &ecr.shapes["RepositoryName"].constraints;
    assert_eq!((constraints.min_length, constraints.max_length), (Some(2), Some(256)));
    assert!(constraints.pattern.as_deref().unwrap().starts_with("[a-z0-9]+((\\.|_|__|-+)"));
    assert_eq!(ecr.shapes["MaxResults"].constraints.max_value, Some(1000.0));

    // Facts from the hints file.
    assert_eq!(ecr.shapes["LayerPartBlob"].kind, ShapeKind::Blob);
    assert!(member(&ecr, "AuthorizationData", "authorizationToken").sensitive);

    // Kinds.
    assert_eq!(ecr.shapes["CreationTimestamp"].kind, ShapeKind::Timestamp);
    assert_eq!(ecr.shapes["TagList"].kind, ShapeKind::List { member: "Tag".into() });
    assert_eq!(ecr.shapes["Tags"].kind, ShapeKind::Map { value: "TagValue".into() });
    assert!(
        matches!(&ecr.shapes["ImageTagMutability"].kind, ShapeKind::Enum { values } if values == &["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"])
    );
    assert_eq!(ecr.shapes["Score"].kind, ShapeKind::Double);
    assert_eq!(ecr.shapes["ImageSizeInBytes"].kind, ShapeKind::Long);

    // Endpoints from `servers`, https only.
    assert_eq!(ecr.endpoints.len(), 2);
    assert_eq!(ecr.endpoints[0].url, "https://api.ecr.{region}.amazonaws.com");
    assert_eq!(ecr.endpoints[1].regions, ["cn-north-1", "cn-northwest-1"]);

    // Error shapes are used only as errors.
    let only_errors = ecr.error_only_shapes();
    assert!(only_errors.contains("RepositoryNotFoundException") && !only_errors.contains("Repository"));
}

#[test]
fn inline_schemas_get_names_and_collections_nest() {
    let (spec, hints) = common::fixture("collections");
    let service = codegen::read(&spec, hints.as_deref()).unwrap();
    assert_eq!(service.shapes["Matrix"].kind, ShapeKind::List { member: "Row".into() });
    assert_eq!(service.shapes["Index"].kind, ShapeKind::Map { value: "Row".into() });
    assert_eq!(service.shapes["Payload"].kind, ShapeKind::Blob, "format: byte");
    assert_eq!(service.shapes["HintedBlob"].kind, ShapeKind::Blob, "by hint");
    let inline = member(&service, "PutThingsRequest", "inline");
    assert_eq!(inline.target, "PutThingsRequestInline");
    let x = member(&service, "PutThingsRequestInline", "x");
    assert_eq!(service.shapes[&x.target].constraints.pattern.as_deref(), Some("[a-z]+"));
    assert_eq!(service.shapes[&member(&service, "PutThingsRequest", "small").target].kind, ShapeKind::Integer);
    assert_eq!(service.shapes[&member(&service, "PutThingsRequest", "big").target].kind, ShapeKind::Long);
    let things = member(&service, "PutThingsResponse", "things");
    assert_eq!(service.shapes[&things.target].constraints.max_items, Some(100));
    assert!(member(&service, "Thing", "name").sensitive);
    // The `maxResults` query parameter (a string) is a conversion artifact:
    // the member is the body's int32 one.
    let max_results = member(&service, "PutThingsRequest", "maxResults");
    assert_eq!(service.shapes[&max_results.target].kind, ShapeKind::Integer);
    assert_eq!(service.members("PutThingsRequest").iter().filter(|m| m.name == "maxResults").count(), 1);
}

#[test]
fn operations_without_input_or_output_get_empty_structures() {
    let (spec, _) = common::fixture("keywords");
    let service = codegen::read(&spec, None).unwrap();
    let op = service.operations.iter().find(|op| op.name == "Self").unwrap();
    assert_eq!(service.members(&op.input), &[]);
    assert_eq!((op.input.as_str(), op.output.as_str()), ("SelfRequest", "SelfResponse"));
    let matched = service.operations.iter().find(|op| op.name == "Match").unwrap();
    assert_eq!(matched.errors, ["OptionError", "Unhandled"]);
}

#[test]
fn swagger2_and_openapi3_become_the_same_ir() {
    let (swagger, _) = common::fixture("swagger2");
    let from_swagger = codegen::read(&swagger, None).unwrap();

    // The same service written as OpenAPI 3.0.
    let mut doc: serde_json::Value = serde_json::from_str(&swagger).unwrap();
    let object = doc.as_object_mut().unwrap();
    object.remove("swagger");
    object.insert("openapi".into(), "3.0.0".into());
    let definitions = object.remove("definitions").unwrap();
    let text = serde_json::to_string(&serde_json::json!({ "schemas": definitions })).unwrap();
    object.insert(
        "components".into(),
        serde_json::from_str(&text.replace("#/definitions/", "#/components/schemas/")).unwrap(),
    );
    let op = &mut object["paths"]["/#X-Amz-Target=Legacy_20161111.DescribeWidget"]["post"];
    let parameters = op["parameters"].as_array_mut().unwrap();
    let body = parameters.pop().unwrap();
    parameters[0] = serde_json::json!({"name": "X-Amz-Target", "in": "header", "schema": {"type": "string", "enum": ["Legacy_20161111.DescribeWidget"]}});
    let schema_ref = |s: &serde_json::Value| serde_json::json!({"$ref": s["$ref"].as_str().unwrap().replace("#/definitions/", "#/components/schemas/")});
    op["requestBody"] = serde_json::json!({"content": {"application/json": {"schema": schema_ref(&body["schema"])}}});
    for status in ["200", "480"] {
        let response = &mut op["responses"][status];
        let schema = response.as_object_mut().unwrap().remove("schema").unwrap();
        response["content"] = serde_json::json!({"application/json": {"schema": schema_ref(&schema)}});
    }
    let text = serde_json::to_string(&doc).unwrap().replace("#/definitions/", "#/components/schemas/");
    let from_openapi = codegen::read(&text, None).unwrap();
    assert_eq!(from_swagger, from_openapi);
    // A host without {region} is not an endpoint for every region: a warning.
    assert!(from_swagger.endpoints.is_empty());
    assert!(from_swagger
        .warnings
        .iter()
        .any(|w| w.starts_with("endpoints: #/host \"https://legacy.us-east-1.amazonaws.com\"")));
}

#[test]
fn ecr_paginators_are_inferred_or_hinted() {
    let (spec, hints) = common::ecr();
    let ecr = codegen::read(&spec, Some(&hints)).unwrap();
    let paged: Vec<(&str, &codegen::ir::Paginator)> =
        ecr.operations.iter().filter_map(|op| op.paginator.as_ref().map(|p| (op.name.as_str(), p))).collect();
    let names: Vec<&str> = paged.iter().map(|(name, _)| *name).collect();
    // botocore 1.44.18's paginators-1.json, the model the document was made from.
    assert_eq!(
        names,
        [
            "DescribeImageScanFindings",
            "DescribeImages",
            "DescribePullThroughCacheRules",
            "DescribeReplicationBackfillResults",
            "DescribeRepositories",
            "DescribeRepositoryCreationTemplates",
            "GetLifecyclePolicyPreview",
            "ListImages",
            "ListReplicationBackfills"
        ]
    );
    let items = |name: &str| {
        let paths = &paged.iter().find(|(n, _)| *n == name).unwrap().1.items;
        paths.iter().map(|path| path.join(".")).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        items("DescribeImageScanFindings"),
        "imageScanFindings.findings imageScanFindings.enhancedFindings",
        "both lists, from the hints, as botocore pages them"
    );
    assert_eq!(items("ListImages"), "imageIds", "inferred");
    assert_eq!(items("GetLifecyclePolicyPreview"), "previewResults");
    assert!(paged.iter().all(|(_, p)| p.input_token == "nextToken" && p.page_size.as_deref() == Some("maxResults")));
    assert!(ecr.warnings.is_empty(), "{:?}", ecr.warnings);
}

#[test]
fn ecr_waiters_come_from_the_hints() {
    let (spec, hints) = common::ecr();
    let ecr = codegen::read(&spec, Some(&hints)).unwrap();
    let scan = ecr.waiters.iter().find(|w| w.name == "ImageScanComplete").unwrap();
    assert_eq!(
        (scan.operation.as_str(), scan.path.join(".")),
        ("DescribeImageScanFindings", "imageScanStatus.status".into())
    );
    assert_eq!(scan.success, ["COMPLETE", "ACTIVE"]);
    assert_eq!(scan.failure, ["FAILED"]);
    assert_eq!((scan.delay_secs, scan.max_wait_secs), (5, 300));
    let preview = ecr.waiters.iter().find(|w| w.name == "LifecyclePolicyPreviewComplete").unwrap();
    assert_eq!((preview.path.join("."), preview.max_wait_secs), ("status".into(), 100));
}

#[test]
fn the_real_swagger2_ecr_document_lowers_with_only_what_it_lost() {
    let (spec, hints) = common::fixture("ecr.swagger2");
    let old = codegen::read(&spec, hints.as_deref()).unwrap();
    assert_eq!(old.operations.len(), 22);
    let get = |name: &str| old.operations.iter().find(|op| op.name == name).unwrap();
    assert_eq!(
        get("BatchCheckLayerAvailability").target,
        "AmazonEC2ContainerRegistry_V20150921.BatchCheckLayerAvailability"
    );
    assert_eq!(get("PutImage").target, "AmazonEC2ContainerRegistry_V20150921.PutImage");
    assert!(old.endpoints.is_empty(), "the regionless host is not an endpoint for every region");
    assert_eq!(old.endpoint_resolver.as_deref(), Some("ecr_client::endpoint::resolve_with_scope"));
    assert!(old.warnings.is_empty(), "{:?}", old.warnings);
    assert_eq!(old.shapes["LayerPartBlob"].kind, codegen::ir::ShapeKind::Blob);

    // Without the prefix, the error says exactly what is missing.
    let error = codegen::read(&spec, Some("{}")).unwrap_err().to_string();
    assert_eq!(
        error,
        "#/paths/~1/post: this document names no X-Amz-Target prefix (no X-Amz-Target header parameter, no \
         `#X-Amz-Target=Prefix.Operation` path): give `targetPrefix` in the hints"
    );

    // The hints of today's ECR document, plus the prefix, serve the old one:
    // what does not apply is a warning each.
    let (_, mut today) = common::ecr();
    today = today.replacen('{', r#"{"targetPrefix": "AmazonEC2ContainerRegistry_V20150921","#, 1);
    let with_today = codegen::read(&spec, Some(&today)).unwrap();
    assert_eq!(
        with_today.warnings,
        [
            "hints #/paginators/DescribeImageScanFindings: the document has no such operation; ignored",
            "hints #/paginators/ListImageReferrers: the document has no such operation; ignored",
            "hints #/paginators/ListPullTimeUpdateExclusions: the document has no such operation; ignored",
            "hints #/waiters/ImageScanComplete/operation: the document has no operation \"DescribeImageScanFindings\"; no waiter ImageScanComplete",
        ]
    );
    assert_eq!(with_today.operations.len(), 22);

    // Without endpoint rules, the regionless host is a warning, not a fixed endpoint.
    let no_rules =
        codegen::read(&spec, Some(r#"{"targetPrefix": "P", "jsonVersion": "1.1", "blobs": ["LayerPartBlob"]}"#))
            .unwrap();
    assert!(no_rules.endpoints.is_empty());
    assert_eq!(
        no_rules.warnings,
        ["endpoints: #/host \"https://ecr.amazonaws.com\" names no region, so it is not used for every region; \
          give endpointResolver in the hints, or clients must set an endpoint URL"]
    );
}

#[test]
fn facts_neither_the_document_nor_the_hints_give_are_warnings() {
    let (spec, _) = common::fixture("streams.dynamodb");
    let service = codegen::read(&spec, Some("{}")).unwrap();
    assert_eq!(service.json_version, "1.1");
    let warnings = service.warnings.join("\n");
    assert!(
        warnings.contains("protocol: neither the document nor the hints give the awsJson version; assumed 1.1"),
        "{warnings}"
    );
    assert!(warnings.contains("blobs: neither the document"), "{warnings}");
    assert!(warnings.contains("endpoints: from the document alone"), "{warnings}");
    // And they are written into the generated module's docs.
    let files = codegen::generate(&spec, Some("{}"), "streams.json").unwrap();
    let module = &files.iter().find(|f| f.path == "mod.rs").unwrap().contents;
    assert!(module.contains("//! # Generator warnings") && module.contains("assumed 1.1"), "{module}");
}
