//! Lowering: the typed document ([`crate::spec`]) becomes the IR
//! ([`crate::ir`]). Every `$ref` is resolved here, inline schemas get names,
//! and every error names the JSON pointer of the node at fault.

use crate::error::{child, Error};
use crate::hints::{Hints, PaginatorHint};
use crate::ir::{Constraints, Endpoint, Member, Operation, Paginator, Service, Shape, ShapeKind, Waiter};
use crate::naming::unique;
use crate::spec::{self, AdditionalProperties, Document, Schema};
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

/// Lowers a parsed document plus its hints into the IR.
pub fn lower(doc: &Document, hints: &Hints) -> Result<Service, Error> {
    let (schemas, base) = schemas_of(doc)?;
    let mut lowerer = Lowerer {
        schemas,
        base,
        hints,
        shapes: BTreeMap::new(),
        taken: schemas.keys().cloned().collect(),
        warnings: Vec::new(),
    };
    for (name, schema) in schemas {
        let pointer = child(base, name);
        lowerer.lower_named(name, schema, &pointer)?;
    }
    lowerer.refuse_required_cycles()?;
    lowerer.refuse_container_cycles()?;
    let mut operations = lowerer.lower_operations(doc)?;
    lowerer.apply_hints()?;
    lowerer.paginate(&mut operations)?;
    let waiters = lowerer.waiters(&operations)?;
    let json_version = match &hints.json_version {
        Some(version) => version.clone(),
        None => {
            lowerer.warnings.push(
                "protocol: neither the document nor the hints give the awsJson version; assumed 1.1 \
                 (give jsonVersion in the hints)"
                    .into(),
            );
            "1.1".to_owned()
        }
    };
    if !lowerer.shapes.values().any(|s| s.kind == ShapeKind::Blob) {
        lowerer.warnings.push(
            "blobs: neither the document (format: byte or binary) nor the hints (blobs) name a blob shape; \
             every string shape is taken as a plain string"
                .into(),
        );
    }
    let endpoints = endpoints_of(doc, hints, &mut lowerer.warnings)?;

    let info = &doc.info;
    let name = info
        .service_name
        .clone()
        .ok_or_else(|| Error::at("#/info/x-serviceName", "missing: the service's short name"))?;
    Ok(Service {
        signing_name: info.signing_name.clone().unwrap_or_else(|| name.clone()),
        name,
        title: info.title.clone(),
        api_version: info.version.clone(),
        docs: info.description.clone(),
        json_version,
        endpoints,
        endpoint_resolver: hints.endpoint_resolver.clone(),
        non_retryable_errors: hints.non_retryable_errors.clone(),
        operations,
        shapes: lowerer.shapes,
        waiters,
        warnings: lowerer.warnings,
    })
}

/// The named schemas and the pointer prefix `$ref`s use for them.
fn schemas_of(doc: &Document) -> Result<(&BTreeMap<String, Schema>, &'static str), Error> {
    match (&doc.openapi, &doc.swagger) {
        (Some(v), _) if v.starts_with("3.0") => Ok((
            doc.components
                .as_ref()
                .map(|c| &c.schemas)
                .ok_or_else(|| Error::at("#/components", "missing: an OpenAPI 3 document needs components/schemas"))?,
            "#/components/schemas",
        )),
        (None, Some(v)) if v == "2.0" => Ok((
            doc.definitions
                .as_ref()
                .ok_or_else(|| Error::at("#/definitions", "missing: a Swagger 2.0 document needs definitions"))?,
            "#/definitions",
        )),
        (Some(v), _) => Err(Error::at("#/openapi", format!("expected an OpenAPI 3.0.x document, found version {v:?}"))),
        (None, Some(v)) => Err(Error::at("#/swagger", format!("expected Swagger \"2.0\", found {v:?}"))),
        (None, None) => Err(Error::at("#", "expected an `openapi` (3.0) or `swagger` (2.0) version key")),
    }
}

/// HTTPS endpoint templates from `servers` (OpenAPI 3) or `host` (Swagger
/// 2). An endpoint that names no region is not used for every region in
/// silence: it is left out, with a warning; and endpoints that come from the
/// document alone (no endpoint rules in the hints) are a warning too.
fn endpoints_of(doc: &Document, hints: &Hints, warnings: &mut Vec<String>) -> Result<Vec<Endpoint>, Error> {
    let mut endpoints = Vec::new();
    let mut candidates = Vec::new();
    for (i, server) in doc.servers.iter().enumerate() {
        if !server.url.starts_with("https://") {
            continue;
        }
        if let Some(var) = server.variables.keys().find(|v| *v != "region") {
            return Err(Error::at(
                format!("#/servers/{i}/variables/{var}"),
                "unsupported server variable: only {region} is understood",
            ));
        }
        let regions = server.variables.get("region").map(|v| v.values.clone()).unwrap_or_default();
        candidates.push((format!("#/servers/{i}/url"), Endpoint { url: server.url.clone(), regions }));
    }
    if candidates.is_empty() {
        if let Some(host) = &doc.host {
            candidates.push(("#/host".to_owned(), Endpoint { url: format!("https://{host}"), regions: Vec::new() }));
        }
    }
    for (at, endpoint) in candidates {
        if endpoint.url.contains("{region}") {
            endpoints.push(endpoint);
        } else if hints.endpoint_resolver.is_none() {
            warnings.push(format!(
                "endpoints: {at} {:?} names no region, so it is not used for every region; \
                 give endpointResolver in the hints, or clients must set an endpoint URL",
                endpoint.url
            ));
        }
    }
    if hints.endpoint_resolver.is_none() && !endpoints.is_empty() {
        let urls: Vec<&str> = endpoints.iter().map(|e| e.url.as_str()).collect();
        warnings.push(format!(
            "endpoints: from the document alone ({}); FIPS, dual-stack and partitions it does not list are \
             unknown: give endpointResolver in the hints for the service's endpoint rules",
            urls.join(", ")
        ));
    }
    Ok(endpoints)
}

struct Lowerer<'a> {
    schemas: &'a BTreeMap<String, Schema>,
    base: &'static str,
    hints: &'a Hints,
    shapes: BTreeMap<String, Shape>,
    /// Every shape name in use: the document's, and those given to inline
    /// schemas, which must never collide with them.
    taken: BTreeSet<String>,
    /// Facts assumed and hints that do not apply (see `Service::warnings`).
    warnings: Vec<String>,
}

impl Lowerer<'_> {
    /// Lowers the schema named `name` (a named or a synthesized inline one).
    fn lower_named(&mut self, name: &str, schema: &Schema, pointer: &str) -> Result<(), Error> {
        refuse_unsupported(schema, pointer)?;
        if schema.reference.is_some() {
            // An alias: members that point at it are redirected in `resolve`.
            self.resolve(schema, pointer)?;
            return Ok(());
        }
        if !schema.all_of.is_empty() {
            let at = child(pointer, "allOf");
            if !schema.properties.is_empty() {
                return Err(Error::at(at, "allOf beside properties is not supported: the type would be partial"));
            }
            let refs = schema.all_of.iter().filter(|s| s.reference.is_some()).count();
            return Err(Error::at(
                at,
                format!("allOf of {refs} $refs on a schema is not supported: a type made of several others"),
            ));
        }
        let kind = self.kind_of(name, schema, pointer)?;
        let pattern = schema.pattern.clone().filter(|pattern| match regex_lite::Regex::new(pattern) {
            Ok(_) => true,
            Err(e) => {
                let why = e.to_string().lines().last().unwrap_or_default().trim().to_owned();
                self.warnings.push(format!(
                    "{}: the client's regex engine cannot compile the pattern {pattern:?} ({why}); it is not checked",
                    child(pointer, "pattern")
                ));
                false
            }
        });
        let constraints = Constraints {
            min_length: schema.min_length,
            max_length: schema.max_length,
            pattern,
            min_value: schema.minimum,
            max_value: schema.maximum,
            min_items: schema.min_items,
            max_items: schema.max_items,
        };
        let shape = Shape { name: name.to_owned(), docs: schema.description.clone(), kind, constraints };
        // Inline and copied shapes get unique names, so this only guards
        // against a document that defines a name twice through aliases.
        if self.shapes.insert(name.to_owned(), shape).is_some() {
            return Err(Error::at(pointer, format!("shape {name:?} is defined twice")));
        }
        Ok(())
    }

    fn kind_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> Result<ShapeKind, Error> {
        let kind = schema.kind.as_deref();
        let format = schema.format.as_deref();
        Ok(match kind {
            Some("object") | None if !schema.properties.is_empty() || schema.additional_properties.is_none() => {
                if kind.is_none() && !schema.values.is_empty() {
                    return Err(Error::at(pointer, "an enum without `type: string`"));
                }
                ShapeKind::Structure { members: self.members(name, schema, pointer)? }
            }
            Some("object") | None => match &schema.additional_properties {
                Some(AdditionalProperties::Schema(value)) => ShapeKind::Map {
                    value: self.target(name, "Value", value, &child(pointer, "additionalProperties"))?,
                },
                _ => {
                    return Err(Error::at(
                        child(pointer, "additionalProperties"),
                        "expected a schema for the map's values",
                    ))
                }
            },
            Some("array") => {
                let items = schema.items.as_ref().ok_or_else(|| Error::at(pointer, "an array without `items`"))?;
                ShapeKind::List { member: self.target(name, "Item", items, &child(pointer, "items"))? }
            }
            Some("string") if !schema.values.is_empty() => {
                let mut values = Vec::new();
                for (i, value) in schema.values.iter().enumerate() {
                    let value = value.as_str().ok_or_else(|| {
                        Error::at(
                            child(&child(pointer, "enum"), &i.to_string()),
                            format!("expected a string enum value, found {value}"),
                        )
                    })?;
                    values.push(value.to_owned());
                }
                ShapeKind::Enum { values }
            }
            Some("string") => match format {
                Some("date-time") => ShapeKind::Timestamp,
                Some("byte" | "binary") => ShapeKind::Blob,
                _ => ShapeKind::String,
            },
            Some("integer") if format == Some("int32") => ShapeKind::Integer,
            Some("integer") => ShapeKind::Long,
            Some("number") => ShapeKind::Double,
            Some("boolean") => ShapeKind::Boolean,
            Some(other) => {
                return Err(Error::at(child(pointer, "type"), format!("unsupported type {other:?}")));
            }
        })
    }

    fn members(&mut self, name: &str, schema: &Schema, pointer: &str) -> Result<Vec<Member>, Error> {
        let properties = child(pointer, "properties");
        for (i, required) in schema.required.iter().enumerate() {
            if !schema.properties.contains_key(required) {
                return Err(Error::at(
                    child(&child(pointer, "required"), &i.to_string()),
                    format!("required member {required:?} is not among the properties"),
                ));
            }
        }
        let mut members = Vec::new();
        for (member, member_schema) in &schema.properties {
            let member_pointer = child(&properties, member);
            refuse_unsupported(member_schema, &member_pointer)?;
            let (type_schema, docs) = unwrap_member(member_schema, &member_pointer)?;
            members.push(Member {
                name: member.clone(),
                target: self.target(name, &member.to_upper_camel_case(), type_schema, &member_pointer)?,
                docs: docs.cloned(),
                required: schema.required.contains(member),
                optional_in_rust: !schema.required.contains(member),
                // The documents mark secrets `format: password`: sensitive with no hint.
                sensitive: self.is_password(type_schema),
                deprecated: member_schema.deprecated || member_schema.all_of.iter().any(|s| s.deprecated),
            });
        }
        Ok(members)
    }

    /// Whether a member's schema, or the schema its `$ref` names, is
    /// `format: password`.
    fn is_password(&self, schema: &Schema) -> bool {
        let named = schema.reference.as_deref().and_then(|r| r.strip_prefix(self.base)?.strip_prefix('/'));
        let target = named.and_then(|name| self.schemas.get(name));
        [Some(schema), target].into_iter().flatten().any(|s| s.format.as_deref() == Some("password"))
    }

    /// A structure that requires itself through required structure members
    /// has no finite value: an error naming the member that closes the loop.
    fn refuse_required_cycles(&self) -> Result<(), Error> {
        for start in self.shapes.keys() {
            let mut path = vec![(start.as_str(), "")];
            let mut seen = BTreeSet::new();
            while let Some(&(shape, _)) = path.last() {
                let next = self.members_of(shape).iter().find(|m| {
                    m.required
                        && matches!(self.shapes[&m.target].kind, ShapeKind::Structure { .. })
                        && !seen.contains(&(shape, m.name.as_str()))
                });
                match next {
                    Some(member) if member.target == *start => {
                        // Each step: the shape, and the member that leads on.
                        let steps = path.windows(2).map(|pair| format!("{}.{}", pair[0].0, pair[1].1));
                        let cycle: Vec<String> = steps.chain([format!("{shape}.{}", member.name)]).collect();
                        return Err(Error::at(
                            child(&child(&child(self.base, shape), "properties"), &member.name),
                            format!(
                                "required member {:?} makes {start:?} require itself ({}): no value of it could ever be built",
                                member.name,
                                cycle.join(" → ")
                            ),
                        ));
                    }
                    Some(member) => {
                        seen.insert((shape, member.name.as_str()));
                        if path.iter().any(|(s, _)| *s == member.target) {
                            continue; // a cycle not through `start`: found from its own start
                        }
                        path.push((member.target.as_str(), member.name.as_str()));
                    }
                    None => {
                        path.pop();
                    }
                }
            }
        }
        Ok(())
    }

    /// A list or map that holds itself with no structure between (`A` a
    /// list of `A`s, or of maps of `A`s) is a type of infinite size: an
    /// error naming the loop, before any emitter recurses into it.
    fn refuse_container_cycles(&self) -> Result<(), Error> {
        let inner = |shape: &str| match &self.shapes[shape].kind {
            ShapeKind::List { member } => Some(member.as_str()),
            ShapeKind::Map { value } => Some(value.as_str()),
            _ => None,
        };
        for start in self.shapes.keys() {
            let mut chain = vec![start.as_str()];
            let mut at = start.as_str();
            while let Some(next) = inner(at) {
                if next == start {
                    chain.push(next);
                    return Err(Error::at(
                        child(self.base, start),
                        format!(
                            "{start:?} holds itself with no structure between ({}): a type of infinite size",
                            chain.join(" → ")
                        ),
                    ));
                }
                if chain.contains(&next) {
                    break; // a loop not through `start`: found from its own start
                }
                chain.push(next);
                at = next;
            }
        }
        Ok(())
    }

    /// The shape a member, item or map value refers to: the `$ref`'s target,
    /// or a new shape `{parent}{suffix}` for an inline schema.
    fn target(&mut self, parent: &str, suffix: &str, schema: &Schema, pointer: &str) -> Result<String, Error> {
        if schema.reference.is_some() {
            return self.resolve(schema, pointer);
        }
        let name = unique(format!("{parent}{suffix}"), &mut self.taken);
        self.lower_named(&name, schema, pointer)?;
        Ok(name)
    }

    /// The name of the schema a `$ref` points at, following aliases.
    fn resolve(&self, schema: &Schema, pointer: &str) -> Result<String, Error> {
        let mut seen = BTreeSet::new();
        let mut current = schema;
        let mut at = child(pointer, "$ref");
        while let Some(reference) = &current.reference {
            let name = reference.strip_prefix(self.base).and_then(|rest| rest.strip_prefix('/')).ok_or_else(|| {
                Error::at(&at, format!("unsupported $ref {reference:?}: expected {}/<name>", self.base))
            })?;
            let target =
                self.schemas.get(name).ok_or_else(|| Error::at(&at, format!("$ref to missing schema {name:?}")))?;
            if !seen.insert(name) {
                return Err(Error::at(&at, format!("$ref cycle through {name:?}")));
            }
            if target.reference.is_none() {
                return Ok(name.to_owned());
            }
            current = target;
            at = child(&child(self.base, name), "$ref");
        }
        Err(Error::at(pointer, "expected a $ref"))
    }

    fn lower_operations(&mut self, doc: &Document) -> Result<Vec<Operation>, Error> {
        let mut operations = Vec::new();
        let mut inputs: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &doc.paths {
            let path_pointer = child("#/paths", path);
            let Some(op) = &item.post else {
                return Err(Error::at(path_pointer, "expected a `post` operation (awsJson services use POST only)"));
            };
            let pointer = child(&path_pointer, "post");
            let name = op.operation_id.clone().ok_or_else(|| Error::at(child(&pointer, "operationId"), "missing"))?;
            let target = target_of(path, op, &name, self.hints.target_prefix.as_deref(), &pointer)?;
            let mut input = match input_schema(op, &pointer)? {
                Some((schema, at)) => self.target(&name, "Request", schema, &at)?,
                None => self.synthesize_empty(&format!("{name}Request"), &pointer)?,
            };
            if inputs.contains_key(&input) {
                // The input type says which operation to send, so an input
                // shared with another operation gets a copy of its own.
                input = self.copy_shape(&input, &format!("{name}Request"));
            }
            let output = match output_schema(op, &pointer)? {
                Some((schema, at)) => self.target(&name, "Response", schema, &at)?,
                None => self.synthesize_empty(&format!("{name}Response"), &pointer)?,
            };
            for (shape, at) in [(&input, "input"), (&output, "output")] {
                if !matches!(self.shapes[shape].kind, ShapeKind::Structure { .. }) {
                    return Err(Error::at(&pointer, format!("the {at} shape {shape:?} is not an object")));
                }
            }
            if let Some(other) = inputs.insert(input.clone(), name.clone()) {
                return Err(Error::at(
                    &pointer,
                    format!("input shape {input:?} is also the input of {other}; each operation needs its own"),
                ));
            }
            let mut errors = BTreeSet::new();
            for (status, response) in &op.responses {
                if status.starts_with('2') {
                    continue;
                }
                let at = child(&child(&pointer, "responses"), status);
                let error = match response_schema(response) {
                    Some(schema) if schema.reference.is_some() => self.resolve(schema, &child(&at, "schema"))?,
                    _ => response.description.clone().filter(|d| is_identifier(d)).ok_or_else(|| {
                        Error::at(&at, "an error response needs a $ref schema or an error name as description")
                    })?,
                };
                // The name is the wire error code; a shape for it is optional.
                errors.insert(error);
            }
            operations.push(Operation {
                name,
                target,
                docs: op.description.clone(),
                input,
                output,
                errors: errors.into_iter().collect(),
                paginator: None,
            });
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        for pair in operations.windows(2) {
            if pair[0].name == pair[1].name {
                return Err(Error::at("#/paths", format!("operation {:?} is defined twice", pair[0].name)));
            }
        }
        Ok(operations)
    }

    fn synthesize_empty(&mut self, name: &str, pointer: &str) -> Result<String, Error> {
        let name = unique(name.to_owned(), &mut self.taken);
        self.lower_named(&name, &Schema { kind: Some("object".into()), ..Schema::default() }, pointer)?;
        Ok(name)
    }

    /// A copy of shape `from` under a new unique name based on `name`.
    fn copy_shape(&mut self, from: &str, name: &str) -> String {
        let name = unique(name.to_owned(), &mut self.taken);
        let copy = Shape { name: name.clone(), ..self.shapes[from].clone() };
        self.shapes.insert(name.clone(), copy);
        name
    }

    /// Finds each operation's pagination: `nextToken` in and out, by
    /// inference or hint. A hint that does not fit is an error; a token-paged
    /// operation whose items cannot be inferred gets no paginator and a
    /// warning naming the hint that would give it one.
    fn paginate(&mut self, operations: &mut [Operation]) -> Result<(), Error> {
        let mut warnings = Vec::new();
        for name in self.hints.paginators.keys() {
            if !operations.iter().any(|op| &op.name == name) {
                warnings.push(format!("hints #/paginators/{name}: the document has no such operation; ignored"));
            }
        }
        let default = PaginatorHint::default();
        for op in operations {
            let hint = self.hints.paginators.get(&op.name);
            if hint.and_then(|h| h.paginates) == Some(false) {
                continue;
            }
            let at = format!("hints #/paginators/{}", op.name);
            let find = |shape: &str, member: &str| self.member(shape, member);
            let input_token = hint.and_then(|h| h.input_token.clone()).unwrap_or_else(|| "nextToken".into());
            let output_token = hint.and_then(|h| h.output_token.clone()).unwrap_or_else(|| "nextToken".into());
            let (Some(token_in), Some(_)) = (find(&op.input, &input_token), find(&op.output, &output_token)) else {
                if hint.is_some() {
                    return Err(Error::at(
                        at,
                        format!("{input_token:?} in the input and {output_token:?} in the output are needed"),
                    ));
                }
                continue;
            };
            if token_in.required {
                return Err(Error::at(at, format!("the input token {input_token:?} must be optional")));
            }
            let hint = hint.unwrap_or(&default);
            let page_size = match &hint.page_size {
                Some(member) if find(&op.input, member).is_some() => Some(member.clone()),
                Some(member) => return Err(Error::at(&at, format!("no input member {member:?}"))),
                None => find(&op.input, "maxResults").map(|m| m.name.clone()),
            };
            if let Some(member) = page_size.as_deref().and_then(|m| find(&op.input, m)) {
                if !matches!(self.shapes[&member.target].kind, ShapeKind::Integer | ShapeKind::Long) || member.required
                {
                    return Err(Error::at(&at, format!("page size {:?} must be an optional integer", member.name)));
                }
            }
            let items = match &hint.items {
                Some(hint) if hint.paths().is_empty() => {
                    return Err(Error::at(format!("{at}/items"), "names no list"));
                }
                Some(hint) => hint
                    .paths()
                    .iter()
                    .map(|path| self.items_path(&op.output, path).map_err(|why| Error::at(format!("{at}/items"), why)))
                    .collect::<Result<Vec<_>, _>>()?,
                None => {
                    let lists: Vec<&Member> = self
                        .members_of(&op.output)
                        .iter()
                        .filter(|m| matches!(self.shapes[&m.target].kind, ShapeKind::List { .. }))
                        .collect();
                    match lists.as_slice() {
                        [only] => vec![vec![only.name.clone()]],
                        _ => {
                            warnings.push(format!(
                                "{} pages by {input_token:?} but its output has {} lists: no paginator; \
                                 name the items in hints paginators.{}.items to get one",
                                op.name,
                                lists.len(),
                                op.name
                            ));
                            continue;
                        }
                    }
                }
            };
            op.paginator = Some(Paginator { input_token, output_token, page_size, items });
        }
        self.warnings.extend(warnings);
        Ok(())
    }

    /// The waiters the hints describe, checked against the IR: the
    /// operation exists, the path leads to an enum, string or boolean, and
    /// an enum's success and failure states are among its values.
    fn waiters(&mut self, operations: &[Operation]) -> Result<Vec<Waiter>, Error> {
        let mut waiters = Vec::new();
        for (name, hint) in &self.hints.waiters {
            let at = format!("hints #/waiters/{name}");
            let Some(op) = operations.iter().find(|op| op.name == hint.operation) else {
                self.warnings.push(format!(
                    "{at}/operation: the document has no operation {:?}; no waiter {name}",
                    hint.operation
                ));
                continue;
            };
            let (path, target) =
                self.member_path(&op.output, &hint.path).map_err(|why| Error::at(format!("{at}/path"), why))?;
            match &self.shapes[&target].kind {
                ShapeKind::Enum { values } => {
                    for (list, states) in [("success", &hint.success), ("failure", &hint.failure)] {
                        if let Some(unknown) = states.iter().find(|s| !values.contains(s)) {
                            return Err(Error::at(
                                format!("{at}/{list}"),
                                format!("{unknown:?} is not a value of {target}"),
                            ));
                        }
                    }
                }
                ShapeKind::String => {}
                ShapeKind::Boolean => {
                    if let Some(bad) = hint.success.iter().chain(&hint.failure).find(|s| *s != "true" && *s != "false")
                    {
                        return Err(Error::at(at, format!("{bad:?}: a boolean state is \"true\" or \"false\"")));
                    }
                }
                _ => {
                    return Err(Error::at(
                        format!("{at}/path"),
                        format!("{:?} is not an enum, string or boolean", hint.path),
                    ))
                }
            }
            if hint.success.is_empty() || hint.delay == 0 || hint.max_attempts == 0 {
                return Err(Error::at(at, "a waiter needs success states, a delay and maxAttempts above zero"));
            }
            waiters.push(Waiter {
                name: name.clone(),
                operation: op.name.clone(),
                path,
                success: hint.success.clone(),
                failure: hint.failure.clone(),
                delay_secs: hint.delay,
                max_wait_secs: hint.delay.saturating_mul(hint.max_attempts),
            });
        }
        Ok(waiters)
    }

    /// The members along a dotted path from `shape`, and the shape it ends at.
    fn member_path(&self, shape: &str, path: &str) -> Result<(Vec<String>, String), String> {
        let mut current = shape.to_owned();
        let mut names = Vec::new();
        for name in path.split('.') {
            let member = self.member(&current, name).ok_or_else(|| format!("{current:?} has no member {name:?}"))?;
            names.push(member.name.clone());
            current = member.target.clone();
        }
        Ok((names, current))
    }

    /// The members along a dotted path from `shape`, ending at a list.
    fn items_path(&self, shape: &str, path: &str) -> Result<Vec<String>, String> {
        let (names, current) = self.member_path(shape, path)?;
        match self.shapes[&current].kind {
            ShapeKind::List { .. } => Ok(names),
            _ => Err(format!("{path:?} is not a list")),
        }
    }

    fn members_of(&self, shape: &str) -> &[Member] {
        match self.shapes.get(shape).map(|s| &s.kind) {
            Some(ShapeKind::Structure { members }) => members,
            _ => &[],
        }
    }

    fn member(&self, shape: &str, name: &str) -> Option<&Member> {
        self.members_of(shape).iter().find(|m| m.name == name)
    }

    /// Marks hinted blobs and secrets. A hint that names nothing in this
    /// document is a warning, never silence: hints written for the newest
    /// form of an API still serve an older document of it.
    fn apply_hints(&mut self) -> Result<(), Error> {
        for (i, blob) in self.hints.blobs.iter().enumerate() {
            let at = format!("hints #/blobs/{i}");
            let Some(shape) = self.shapes.get_mut(blob) else {
                self.warnings.push(format!("{at}: the document has no shape {blob:?}; ignored"));
                continue;
            };
            if shape.kind != ShapeKind::String {
                return Err(Error::at(at, format!("{blob:?} is not a plain string shape")));
            }
            shape.kind = ShapeKind::Blob;
        }
        for (i, path) in self.hints.sensitive.iter().enumerate() {
            let at = format!("hints #/sensitive/{i}");
            let member = path.split_once('.').and_then(|(shape, member)| match self.shapes.get_mut(shape) {
                Some(Shape { kind: ShapeKind::Structure { members }, .. }) => {
                    members.iter_mut().find(|m| m.name == member)
                }
                _ => None,
            });
            match member {
                Some(member) => member.sensitive = true,
                None if path.contains('.') => {
                    self.warnings.push(format!("{at}: the document has no structure member {path:?}; ignored"));
                }
                None => return Err(Error::at(at, format!("{path:?} is not Shape.member"))),
            }
        }
        Ok(())
    }
}

/// `oneOf`, `anyOf` and `not` ask for a choice between types the generator
/// cannot make: an error, never a partial type.
fn refuse_unsupported(schema: &Schema, pointer: &str) -> Result<(), Error> {
    for (key, present) in
        [("oneOf", !schema.one_of.is_empty()), ("anyOf", !schema.any_of.is_empty()), ("not", schema.not.is_some())]
    {
        if present {
            return Err(Error::at(child(pointer, key), format!("{key} is not supported: no Rust type can follow it")));
        }
    }
    Ok(())
}

/// A member schema is `{$ref}`, `{allOf: [{$ref}, {description}]}` (the
/// conversion's way to document a member), or an inline schema.
fn unwrap_member<'s>(schema: &'s Schema, pointer: &str) -> Result<(&'s Schema, Option<&'s String>), Error> {
    if schema.all_of.is_empty() {
        return Ok((schema, schema.description.as_ref()));
    }
    if !schema.properties.is_empty() {
        return Err(Error::at(
            child(pointer, "allOf"),
            "allOf beside properties is not supported: the type would be partial",
        ));
    }
    let mut refs = schema.all_of.iter().filter(|s| s.reference.is_some());
    let (Some(target), None) = (refs.next(), refs.next()) else {
        return Err(Error::at(child(pointer, "allOf"), "expected exactly one $ref among allOf"));
    };
    let docs = schema.all_of.iter().find_map(|s| s.description.as_ref());
    Ok((target, docs.or(schema.description.as_ref())))
}

/// The `X-Amz-Target` value: the header parameter's single enum value, else
/// the `#X-Amz-Target=` fragment of the path, else the hints' prefix and the
/// operation's name.
fn target_of(
    path: &str,
    op: &spec::Operation,
    name: &str,
    prefix: Option<&str>,
    pointer: &str,
) -> Result<String, Error> {
    let header = op.parameters.iter().find(|p| {
        p.location.as_deref() == Some("header")
            && p.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("X-Amz-Target"))
    });
    let from_header = header.and_then(|p| {
        let values = p.schema.as_ref().map_or(&p.values, |s| &s.values);
        values.first().and_then(|v| v.as_str()).map(str::to_owned)
    });
    let from_path = path.split_once("#X-Amz-Target=").map(|(_, t)| t.to_owned());
    match (from_header.or(from_path).filter(|t| t.contains('.')), prefix) {
        (Some(target), Some(prefix)) if !target.starts_with(&format!("{prefix}.")) => Err(Error::at(
            pointer,
            format!("the document's X-Amz-Target {target:?} disagrees with hints targetPrefix {prefix:?}"),
        )),
        (Some(target), _) => Ok(target),
        (None, Some(prefix)) => Ok(format!("{prefix}.{name}")),
        (None, None) => Err(Error::at(
            pointer,
            "this document names no X-Amz-Target prefix (no X-Amz-Target header parameter, no \
             `#X-Amz-Target=Prefix.Operation` path): give `targetPrefix` in the hints",
        )),
    }
}

fn input_schema<'s>(op: &'s spec::Operation, pointer: &str) -> Result<Option<(&'s Schema, String)>, Error> {
    if let Some(body) = &op.request_body {
        let at = child(pointer, "requestBody");
        let (media, content) = body
            .content
            .iter()
            .next()
            .ok_or_else(|| Error::at(child(&at, "content"), "a request body without content"))?;
        let schema =
            content.schema.as_ref().ok_or_else(|| Error::at(child(&child(&at, "content"), media), "missing schema"))?;
        return Ok(Some((schema, child(&child(&child(&at, "content"), media), "schema"))));
    }
    let body = op.parameters.iter().enumerate().find(|(_, p)| p.location.as_deref() == Some("body"));
    Ok(match body {
        Some((i, p)) => {
            let at = child(&child(pointer, "parameters"), &i.to_string());
            let schema = p.schema.as_ref().ok_or_else(|| Error::at(&at, "a body parameter without schema"))?;
            Some((schema, child(&at, "schema")))
        }
        None => None,
    })
}

fn output_schema<'s>(op: &'s spec::Operation, pointer: &str) -> Result<Option<(&'s Schema, String)>, Error> {
    let success = op.responses.iter().find(|(status, _)| status.starts_with('2'));
    let Some((status, response)) = success else {
        return Err(Error::at(child(pointer, "responses"), "no 2xx response"));
    };
    let at = child(&child(pointer, "responses"), status);
    Ok(response_schema(response).map(|schema| (schema, at)))
}

fn response_schema(response: &spec::Response) -> Option<&Schema> {
    response.schema.as_ref().or_else(|| response.content.values().find_map(|m| m.schema.as_ref()))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
