//! An operation's input from the command line: flag words and JSON turned
//! into the input's JSON, checked against the document's shapes with the
//! path of the offending value in every error, and `file://` and `fileb://`
//! values read.

use crate::parsing::schema::{Member, Shape};
use base64::Engine as _;
use serde_json::{Map, Number, Value};

/// `--cli-binary-format`: what a blob flag's word is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BinaryFormat {
    /// Base64 text, sent as it is (AWS CLI v2's default); `fileb://` gives
    /// the file's bytes.
    #[default]
    Base64,
    /// The word's own bytes, encoded before sending (AWS CLI v1's way).
    RawInBase64Out,
}

impl BinaryFormat {
    /// `base64` or `raw-in-base64-out`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "base64" => Some(Self::Base64),
            "raw-in-base64-out" => Some(Self::RawInBase64Out),
            _ => None,
        }
    }
}

/// The JSON of a flag's value, from the words that followed it. Booleans
/// take no words (`--force`, `--no-force`): the caller gives `true`/`false`.
pub fn flag_value(member: &Member, words: &[String], binary: BinaryFormat) -> Result<Value, String> {
    let path = format!("--{}", member.flag);
    let one = || match words {
        [word] => Ok(word.as_str()),
        [] => Err(format!("{path} needs a value ({})", member.shape.describe())),
        _ => Err(format!("{path} takes one value, not {}", words.len())),
    };
    match member.shape {
        Shape::Blob => blob(one()?, &path, binary),
        Shape::List(element) if element.is_scalar() && !looks_like_json(words) => words
            .iter()
            .enumerate()
            .map(|(i, word)| scalar(element, &read_text(word, &path)?, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Shape::List(element @ Shape::Structure(_)) if words.len() > 1 || !looks_like_json(words) => words
            .iter()
            .enumerate()
            .map(|(i, word)| structure_word(element, word, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        shape if shape.is_scalar() => scalar(shape, &read_text(one()?, &path)?, &path),
        shape @ Shape::Structure(_) => structure_word(shape, one()?, &path),
        shape => check(shape, parse_json(&read_text(one()?, &path)?, &path)?, &path),
    }
}

/// The whole input from `--cli-input-json`'s JSON, checked.
pub fn cli_input_json(input: &Shape, text: &str) -> Result<Map<String, Value>, String> {
    let path = "--cli-input-json";
    match check(input, parse_json(&read_text(text, path)?, path)?, "")? {
        Value::Object(members) => Ok(members),
        _ => Err(format!("{path} must be a JSON object")),
    }
}

/// A template of the input: every member, with an empty value of its shape.
pub fn skeleton(shape: &Shape, depth: usize) -> Value {
    match shape {
        Shape::String | Shape::Enum(_) | Shape::Blob => Value::String(String::new()),
        Shape::Integer | Shape::Long | Shape::Timestamp => Value::from(0),
        Shape::Double => Value::from(0.0),
        Shape::Boolean => Value::Bool(true),
        // A recursive shape stops at an empty collection.
        _ if depth > 8 => Value::Null,
        Shape::List(element) => Value::Array(vec![skeleton(element, depth + 1)]),
        Shape::Map(value) => Value::Object(Map::from_iter([("KeyName".to_owned(), skeleton(value, depth + 1))])),
        Shape::Structure(members) => {
            Value::Object(members.iter().map(|m| (m.name.to_owned(), skeleton(m.shape, depth + 1))).collect())
        }
    }
}

/// Checks `value` against `shape`, naming the path of what does not fit;
/// returns it with timestamps given as text turned into epoch seconds.
pub fn check(shape: &Shape, value: Value, path: &str) -> Result<Value, String> {
    let found = |value: &Value| {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        };
        format!("{}: expected {}, found {kind}", shown(path), shape.describe())
    };
    match (shape, value) {
        (Shape::String | Shape::Enum(_) | Shape::Blob, value @ Value::String(_)) => Ok(value),
        (Shape::Boolean, value @ Value::Bool(_)) => Ok(value),
        (Shape::Integer | Shape::Long | Shape::Double | Shape::Timestamp, Value::Number(n)) => {
            scalar(shape, &n.to_string(), path)
        }
        (Shape::Timestamp, Value::String(text)) => scalar(shape, &text, path),
        (Shape::List(element), Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| check(element, item, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        (Shape::Map(value_shape), Value::Object(entries)) => entries
            .into_iter()
            .map(|(key, value)| Ok((key.clone(), check(value_shape, value, &format!("{path}.{key}"))?)))
            .collect::<Result<_, String>>()
            .map(Value::Object),
        (Shape::Structure(members), Value::Object(given)) => {
            let mut checked = Map::new();
            for (key, value) in given {
                let Some(member) = members.iter().find(|m| m.name == key) else {
                    let names: Vec<&str> = members.iter().map(|m| m.name).collect();
                    return Err(format!(
                        "{}: unknown member {key:?}; expected one of: {}",
                        shown(path),
                        names.join(", ")
                    ));
                };
                let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                checked.insert(key, check(member.shape, value, &inner)?);
            }
            if !path.is_empty() {
                if let Some(missing) = members.iter().find(|m| m.required && !checked.contains_key(m.name)) {
                    return Err(format!("{}: missing required member {:?}", shown(path), missing.name));
                }
            }
            Ok(Value::Object(checked))
        }
        (_, value) => Err(found(&value)),
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the input"
    } else {
        path
    }
}

/// One scalar from its text.
fn scalar(shape: &Shape, text: &str, path: &str) -> Result<Value, String> {
    let bad = || format!("{path}: {text:?} is not {}", shape.describe());
    match shape {
        Shape::String | Shape::Enum(_) => Ok(Value::String(text.to_owned())),
        Shape::Integer => text.trim().parse::<i32>().map(Value::from).map_err(|_| bad()),
        Shape::Long => text.trim().parse::<i64>().map(Value::from).map_err(|_| bad()),
        Shape::Double => text.trim().parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number).ok_or_else(bad),
        Shape::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        Shape::Timestamp => {
            let text = text.trim();
            let time = ecr_client::DateTime::parse_epoch_seconds(text)
                .or_else(|| ecr_client::DateTime::parse_rfc3339(text))
                .ok_or_else(|| format!("{path}: {text:?} is not a timestamp (epoch seconds or RFC 3339)"))?;
            serde_json::to_value(time).map_err(|e| format!("{path}: {e}"))
        }
        _ => Err(bad()),
    }
}

/// A blob: the bytes of a `fileb://` file; else the word (or `file://`
/// text) as base64, or as raw bytes under `raw-in-base64-out`.
fn blob(word: &str, path: &str, binary: BinaryFormat) -> Result<Value, String> {
    let base64 = base64::engine::general_purpose::STANDARD;
    let bytes = match (word.strip_prefix("fileb://"), binary) {
        (Some(file), _) => read_file(file).map_err(|e| unloadable(path, word, e))?,
        (None, BinaryFormat::RawInBase64Out) => read_text(word, path)?.into_bytes(),
        (None, BinaryFormat::Base64) => {
            let text = read_text(word, path)?;
            // As v2 says it: the value must be valid base64.
            base64.decode(text.trim()).map_err(|_| format!("Invalid base64: {text:?}"))?;
            return Ok(Value::String(text.trim().to_owned()));
        }
    };
    Ok(Value::String(base64.encode(bytes)))
}

/// A structure from JSON, or from the shorthand `key=value,key=value` when
/// every member is a scalar (`--image-ids imageTag=latest`).
fn structure_word(shape: &Shape, word: &str, path: &str) -> Result<Value, String> {
    let text = read_text(word, path)?;
    let Shape::Structure(members) = shape else { unreachable!("called for structures") };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') || !text.contains('=') {
        return check(shape, parse_json(&text, path)?, path);
    }
    let mut object = Map::new();
    for pair in text.split(',') {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| format!("{path}: {pair:?} is not key=value (or give JSON)"))?;
        let member = members.iter().find(|m| m.name == key.trim()).ok_or_else(|| {
            let names: Vec<&str> = members.iter().map(|m| m.name).collect();
            format!("{path}: unknown member {:?}; expected one of: {}", key.trim(), names.join(", "))
        })?;
        if !member.shape.is_scalar() {
            return Err(format!(
                "{path}: {} is {}: give the whole value as JSON",
                member.name,
                member.shape.describe()
            ));
        }
        object.insert(member.name.to_owned(), scalar(member.shape, value, &format!("{path}.{}", member.name))?);
    }
    check(shape, Value::Object(object), path)
}

fn looks_like_json(words: &[String]) -> bool {
    matches!(words, [word] if word.trim_start().starts_with('[') || word.starts_with("file://"))
}

fn parse_json(text: &str, path: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{}: not valid JSON: {e}", shown(path)))
}

/// The word, or the text of the file it names with `file://`; `flag`
/// names the value in an error.
pub fn read_text(word: &str, flag: &str) -> Result<String, String> {
    match word.strip_prefix("file://") {
        Some(path) => {
            let bytes = read_file(path).map_err(|e| unloadable(flag, word, e))?;
            String::from_utf8(bytes).map_err(|_| unloadable(flag, word, "it is not UTF-8 text".into()))
        }
        None => Ok(word.to_owned()),
    }
}

/// Where an error about a `file://` or `fileb://` value begins: the AWS
/// CLI's own words, which scripts may match.
pub const UNLOADABLE: &str = "Error parsing parameter";

/// The AWS CLI's message for a value whose file cannot be read.
fn unloadable(flag: &str, word: &str, problem: String) -> String {
    format!("{UNLOADABLE} '{flag}': Unable to load paramfile {word}: {problem}")
}

/// A `file://` path as the AWS CLI reads it (Python's `expandvars(
/// expanduser(path))`): a leading `~` or `~/` is the home directory, and
/// `$NAME` or `${NAME}` a set environment variable (an unset one stays).
fn expanded(path: &str) -> String {
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty());
    let path = match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => format!("{home}{rest}"),
        _ => path.to_owned(),
    };
    let mut out = String::with_capacity(path.len());
    let mut rest = path.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match std::env::var(name).ok().filter(|_| !name.is_empty()) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// The most a `file://` or `fileb://` value may hold: above any input ECR
/// takes (a layer part, an image manifest), below what would hurt.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A file's bytes, refusing more than [`MAX_FILE_BYTES`] (so
/// `file:///dev/zero` is an error, not a hang).
fn read_file(path: &str) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let path = &expanded(path);
    // As Python words an OSError: `[Errno 2] No such file or directory: '/x'`.
    let os_error = |e: std::io::Error| match e.raw_os_error() {
        Some(errno) => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or_default().to_owned();
            format!("[Errno {errno}] {text}: '{path}'")
        }
        None => e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(os_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(os_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("it is larger than {} MiB", MAX_FILE_BYTES >> 20));
    }
    Ok(bytes)
}
