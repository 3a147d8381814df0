//! The one error type of the generator: what went wrong, and where in the
//! document (as a JSON pointer) it went wrong.

use std::fmt;

/// A generator error that names the node at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// JSON pointer (`#/components/schemas/Repository`) of the node at fault,
    /// or the name of the input that could not be read.
    pub pointer: String,
    /// What was expected and what was found.
    pub message: String,
}

impl Error {
    /// An error at `pointer`.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

impl std::error::Error for Error {}

/// Appends a key to a JSON pointer, escaping `~` and `/` as RFC 6901 says.
pub(crate) fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Parses JSON text into `T`, naming the pointer of the first value that does
/// not fit (serde alone says only line and column).
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    let first = text.trim_start_matches([' ', '\t', '\n', '\r']).chars().next();
    if first != Some('{') {
        let found = match first {
            None => "nothing".to_owned(),
            Some('[') => "an array".to_owned(),
            Some('"') => "a string".to_owned(),
            Some(c) => format!("{c:?}"),
        };
        return Err(Error::at(format!("{what} #"), format!("expected a JSON object at the top level, found {found}")));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut pointer = String::from("#");
        for segment in e.path().iter() {
            let key = match segment {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                serde_path_to_error::Segment::Unknown => "?".to_owned(),
            };
            pointer = child(&pointer, &key);
        }
        Error::at(format!("{what} {pointer}"), e.inner().to_string())
    })
}

/// The text of a document or hints file read as bytes: UTF-8 without a byte
/// order mark, or an error that says what is wrong and where.
pub fn decode<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, Error> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(Error::at(
            what,
            "starts with a UTF-8 byte order mark (EF BB BF), which JSON does not allow: remove it",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        Error::at(
            what,
            format!("is not UTF-8: byte 0x{:02X} at offset {offset} starts no valid character", bytes[offset]),
        )
    })
}
