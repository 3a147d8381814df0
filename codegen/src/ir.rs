//! The intermediate representation: a service as the generator understands
//! it, independent of both the input document format and the output
//! language. Every collection is ordered, so everything derived from the IR
//! is deterministic.

use std::collections::BTreeMap;

/// A whole service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Short name, e.g. `ecr`.
    pub name: String,
    /// Human title, e.g. "Amazon EC2 Container Registry".
    pub title: String,
    /// API version, e.g. `2015-09-21`.
    pub api_version: String,
    /// Documentation (HTML, as the document has it).
    pub docs: Option<String>,
    /// SigV4 signing name.
    pub signing_name: String,
    /// awsJson protocol version: `1.0` or `1.1`.
    pub json_version: String,
    /// Endpoint URL templates with `{region}`, each with the regions the
    /// document says it serves (empty: any region).
    pub endpoints: Vec<Endpoint>,
    /// Path of the hand-written endpoint resolver, if the hints name one.
    pub endpoint_resolver: Option<String>,
    /// Error codes not to retry for this service (from the hints).
    pub non_retryable_errors: Vec<String>,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, Shape>,
    /// Waiters, sorted by name.
    pub waiters: Vec<Waiter>,
    /// What the generator could not do and how a hint would fix it (e.g. a
    /// paginator whose items it cannot infer). Not errors: the rest is sound.
    pub warnings: Vec<String>,
}

/// An endpoint URL template.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// e.g. `https://api.ecr.{region}.amazonaws.com`.
    pub url: String,
    /// Regions served by this template; empty for any.
    pub regions: Vec<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Name, e.g. `CreateRepository`.
    pub name: String,
    /// The `X-Amz-Target` header value.
    pub target: String,
    /// Documentation (HTML).
    pub docs: Option<String>,
    /// Input structure shape.
    pub input: String,
    /// Output structure shape.
    pub output: String,
    /// Error shape names, sorted.
    pub errors: Vec<String>,
    /// How results come in pages, for paginated operations.
    pub paginator: Option<Paginator>,
}

/// A waiter: poll an operation until its state says done.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// Name, e.g. `ImageScanComplete`.
    pub name: String,
    /// The operation polled.
    pub operation: String,
    /// Path of output members to the state (an enum, string or boolean).
    pub path: Vec<String>,
    /// States that mean success.
    pub success: Vec<String>,
    /// States that mean failure.
    pub failure: Vec<String>,
    /// Least seconds between polls.
    pub delay_secs: u64,
    /// Default maximum wait, in seconds (delay × attempts).
    pub max_wait_secs: u64,
}

/// How an operation's results come in pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginator {
    /// Input member that carries the token (wire name).
    pub input_token: String,
    /// Output member with the next page's token.
    pub output_token: String,
    /// Input member that limits a page, if any.
    pub page_size: Option<String>,
    /// Paths of output members to the lists of items: one, or several when
    /// the service pages several lists at once.
    pub items: Vec<Vec<String>>,
}

/// A named shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Name as the document has it.
    pub name: String,
    /// Documentation (HTML).
    pub docs: Option<String>,
    /// What kind of value it is.
    pub kind: ShapeKind,
    /// Constraints on the value.
    pub constraints: Constraints,
}

/// The kinds of value a shape can describe.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    /// An object with named members.
    Structure {
        /// Members in wire-name order.
        members: Vec<Member>,
    },
    /// A string with a closed list of values.
    Enum {
        /// The values in document order.
        values: Vec<String>,
    },
    /// A list of the named shape.
    List {
        /// Element shape.
        member: String,
    },
    /// A string-keyed map to the named shape.
    Map {
        /// Value shape.
        value: String,
    },
    /// A string.
    String,
    /// A 32-bit integer (`format: int32`).
    Integer,
    /// A 64-bit integer: `format: int64`, and `integer` without a format,
    /// since the conversion lost the integer/long distinction.
    Long,
    /// A floating point number.
    Double,
    /// `true` or `false`.
    Boolean,
    /// A point in time; epoch seconds on the wire.
    Timestamp,
    /// Bytes; base64 on the wire.
    Blob,
}

/// A member of a structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Wire name.
    pub name: String,
    /// Target shape.
    pub target: String,
    /// Documentation (HTML): the member's own, else none.
    pub docs: Option<String>,
    /// Whether the document lists it as required: an input refuses to be
    /// sent without it.
    pub required: bool,
    /// Whether its Rust field is an `Option`: where the document has it
    /// optional, unless the API listing of an earlier generation keeps it
    /// plain, or required but kept an `Option` by that listing (see
    /// [`crate::listing`]), so a regen never changes a field's type.
    pub optional_in_rust: bool,
    /// Whether it holds a secret (from the hints).
    pub sensitive: bool,
    /// Whether the document marks it `deprecated` (itself or in its `allOf`).
    pub deprecated: bool,
}

/// Constraints the document puts on a shape's values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Minimum string length.
    pub min_length: Option<u64>,
    /// Maximum string length.
    pub max_length: Option<u64>,
    /// ECMA-262 pattern, unanchored.
    pub pattern: Option<String>,
    /// Minimum numeric value.
    pub min_value: Option<f64>,
    /// Maximum numeric value.
    pub max_value: Option<f64>,
    /// Minimum list or map length.
    pub min_items: Option<u64>,
    /// Maximum list or map length.
    pub max_items: Option<u64>,
}

impl Service {
    /// Whether any member is deprecated (generated code then allows its
    /// own uses of them).
    pub fn has_deprecated(&self) -> bool {
        self.shapes
            .values()
            .any(|s| matches!(&s.kind, ShapeKind::Structure { members } if members.iter().any(|m| m.deprecated)))
    }

    /// The structure members of `shape`, or none when it is not a structure.
    pub fn members(&self, shape: &str) -> &[Member] {
        match self.shapes.get(shape).map(|s| &s.kind) {
            Some(ShapeKind::Structure { members }) => members,
            _ => &[],
        }
    }

    /// The structures an operation's input can hold, at any depth.
    pub fn input_structures(&self) -> std::collections::BTreeSet<&str> {
        self.structures_reachable(self.operations.iter().map(|op| op.input.as_str()))
    }

    /// The structures an operation's output can hold, at any depth: where
    /// the service's answers are read, and so where a member the document
    /// calls required may still be missing.
    pub fn output_structures(&self) -> std::collections::BTreeSet<&str> {
        self.structures_reachable(self.operations.iter().map(|op| op.output.as_str()))
    }

    fn structures_reachable<'a>(&'a self, roots: impl Iterator<Item = &'a str>) -> std::collections::BTreeSet<&'a str> {
        let mut found = std::collections::BTreeSet::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<&str> = roots.collect();
        while let Some(shape) = stack.pop() {
            if !seen.insert(shape) {
                continue;
            }
            match self.shapes.get(shape).map(|s| &s.kind) {
                Some(ShapeKind::Structure { members }) if found.insert(shape) => {
                    stack.extend(members.iter().map(|m| m.target.as_str()));
                }
                Some(ShapeKind::List { member }) => stack.push(member),
                Some(ShapeKind::Map { value }) => stack.push(value),
                _ => {}
            }
        }
        found
    }

    /// Whether a value of `shape` can hold a sensitive member, at any depth.
    pub fn reaches_sensitive(&self, shape: &str) -> bool {
        let mut stack = vec![shape];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(shape) = stack.pop() {
            if !seen.insert(shape) {
                continue;
            }
            match self.shapes.get(shape).map(|s| &s.kind) {
                Some(ShapeKind::Structure { members }) => {
                    if members.iter().any(|m| m.sensitive) {
                        return true;
                    }
                    stack.extend(members.iter().map(|m| m.target.as_str()));
                }
                Some(ShapeKind::List { member }) => stack.push(member),
                Some(ShapeKind::Map { value }) => stack.push(value),
                _ => {}
            }
        }
        false
    }

    /// Names of shapes that only ever appear as operation errors.
    pub fn error_only_shapes(&self) -> std::collections::BTreeSet<&str> {
        let mut errors: std::collections::BTreeSet<&str> =
            self.operations.iter().flat_map(|op| op.errors.iter().map(String::as_str)).collect();
        let used = self.shapes.values().flat_map(|s| self.members(&s.name).iter().map(|m| m.target.as_str()));
        let io = self.operations.iter().flat_map(|op| [op.input.as_str(), op.output.as_str()]);
        for name in used.chain(io) {
            errors.remove(name);
        }
        errors
    }
}
