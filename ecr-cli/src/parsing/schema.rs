//! The types of the generated command table: what a command takes, in the
//! terms of the service's document.

/// One operation as a command.
#[derive(Debug)]
pub struct Command {
    /// The command's name, e.g. `describe-repositories`.
    pub name: &'static str,
    /// The operation, e.g. `DescribeRepositories`.
    pub operation: &'static str,
    /// The operation's documentation, as plain text.
    pub docs: &'static str,
    /// The input structure; its members are the command's flags.
    pub input: &'static Shape,
    /// The answer's structure (its members carry no docs).
    pub output: &'static Shape,
    /// How answers come in pages, for paginated operations.
    pub paging: Option<Paging>,
}

impl Command {
    /// The input's members: one flag each.
    pub fn members(&self) -> &'static [Member] {
        match self.input {
            Shape::Structure(members) => members,
            _ => &[],
        }
    }
}

/// How a paginated operation's answers come in pages (wire names).
#[derive(Debug)]
pub struct Paging {
    /// The input member that carries the token.
    pub input_token: &'static str,
    /// The output member with the next page's token.
    pub output_token: &'static str,
    /// The input member that limits a page, if any.
    pub page_size: Option<&'static str>,
    /// Paths of output members to the paged lists.
    pub items: &'static [&'static [&'static str]],
}

/// A waiter as a `wait` subcommand.
#[derive(Debug)]
pub struct Wait {
    /// The subcommand's name, e.g. `image-scan-complete`.
    pub name: &'static str,
    /// The waiter, e.g. `ImageScanComplete`.
    pub waiter: &'static str,
    /// The command of the operation it polls (its flags are the wait's).
    pub command: &'static str,
    /// What it waits for.
    pub docs: &'static str,
}

/// A member of a structure.
#[derive(Debug)]
pub struct Member {
    /// The wire name, e.g. `repositoryName`.
    pub name: &'static str,
    /// The flag name without dashes, e.g. `repository-name`.
    pub flag: &'static str,
    /// Documentation, as plain text.
    pub docs: &'static str,
    /// Whether the document requires it.
    pub required: bool,
    /// Its value's shape.
    pub shape: &'static Shape,
}

/// What a value looks like.
#[derive(Debug)]
pub enum Shape {
    /// Text.
    String,
    /// Text, one of these values.
    Enum(&'static [&'static str]),
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// A floating point number.
    Double,
    /// `true` or `false`.
    Boolean,
    /// A point in time, epoch seconds on the wire.
    Timestamp,
    /// Bytes, base64 on the wire.
    Blob,
    /// A list of values of one shape.
    List(&'static Shape),
    /// A map from text to values of one shape.
    Map(&'static Shape),
    /// An object with these members.
    Structure(&'static [Member]),
}

impl Shape {
    /// Whether a value is written as one command-line word.
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Shape::List(_) | Shape::Map(_) | Shape::Structure(_) | Shape::Blob)
    }

    /// How help and errors name the shape, e.g. `list of string`.
    pub fn describe(&self) -> String {
        match self {
            Shape::String => "string".into(),
            Shape::Enum(values) => format!("one of {}", values.join(", ")),
            Shape::Integer | Shape::Long => "integer".into(),
            Shape::Double => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Timestamp => "timestamp (epoch seconds)".into(),
            Shape::Blob => "blob (fileb://PATH)".into(),
            Shape::List(member) => format!("list of {}", member.describe_short()),
            Shape::Map(value) => format!("map of string to {}", value.describe_short()),
            Shape::Structure(_) => "structure (JSON)".into(),
        }
    }

    fn describe_short(&self) -> String {
        match self {
            Shape::Enum(_) => "string".into(),
            Shape::Structure(_) => "structure".into(),
            other => other.describe(),
        }
    }
}
