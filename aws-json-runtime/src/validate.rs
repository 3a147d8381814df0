//! Client-side validation of inputs against the document's constraints,
//! before anything is sent: string length, pattern (an ECMA-262 regex,
//! searched, not anchored, as Smithy means it), numeric range, list and map
//! length. The generated code describes each input; this module checks.
//! Enum values are not checked: the documents' enums are open, and a value
//! the service added later must go through.

use super::error::InvalidInput;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

/// Implemented by the generated code for every structure an input holds.
pub trait Validate {
    /// Checks every constrained member, reporting the first violation.
    fn validate(&self, check: &mut Check) -> Result<(), InvalidInput>;
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, check: &mut Check) -> Result<(), InvalidInput> {
        (**self).validate(check)
    }
}

/// A document pattern, compiled on first use and then shared.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    /// A pattern from the document.
    pub const fn new(source: &'static str) -> Self {
        Self { source, compiled: OnceLock::new() }
    }

    /// Whether `value` contains a match; `None` if this regex engine cannot
    /// compile the pattern, in which case nothing is rejected for it.
    fn is_match(&self, value: &str) -> Option<bool> {
        let compiled = self.compiled.get_or_init(|| match regex_lite::Regex::new(self.source) {
            Ok(regex) => Some(regex),
            Err(e) => {
                tracing::warn!(pattern = self.source, error = %e, "pattern not checked: the regex engine cannot compile it");
                None
            }
        });
        compiled.as_ref().map(|regex| regex.is_match(value))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source)
    }
}

/// Constraints on a string shape.
#[derive(Debug)]
pub struct StringRule {
    /// Fewest characters.
    pub min: Option<u64>,
    /// Most characters.
    pub max: Option<u64>,
    /// A pattern values must contain a match of.
    pub pattern: Option<&'static Pattern>,
}

/// Where validation is in an input, and the checks themselves.
#[derive(Debug)]
pub struct Check {
    operation: &'static str,
    path: Vec<Segment>,
    /// Inside a sensitive member: messages describe values, never show them.
    hidden: bool,
    /// Only minimums, in botocore's words ([`Check::minimums`]).
    minimums: bool,
}

#[derive(Debug)]
enum Segment {
    Member(&'static str),
    Index(usize),
    Key(String),
}

type Step<'a, T> = &'a dyn Fn(&mut Check, &T) -> Result<(), InvalidInput>;

impl Check {
    /// Validation of an input of `operation`.
    pub fn new(operation: &'static str) -> Self {
        Self { operation, path: Vec::new(), hidden: false, minimums: false }
    }

    /// Validation of an input of `operation` as the AWS CLI's botocore
    /// does it: required members and minimums only, in its words (`Invalid
    /// length for parameter repositoryName, value: 0, valid min length: 2`).
    pub fn minimums(operation: &'static str) -> Self {
        Self { minimums: true, ..Self::new(operation) }
    }

    /// botocore's report of a value below its minimum (`what` is `length`
    /// or `value`).
    fn below_minimum(&self, what: &str, value: impl fmt::Display, min: impl fmt::Display) -> InvalidInput {
        let problem = format!("Invalid {what} for parameter {}, value: {value}, valid min {what}: {min}", self.path());
        InvalidInput::constraint(self.operation, self.path(), problem)
    }

    /// Runs the checks of a sensitive member: its values (and map keys)
    /// never appear in a message.
    pub fn hidden(&mut self, checks: impl FnOnce(&mut Self) -> Result<(), InvalidInput>) -> Result<(), InvalidInput> {
        let outer = std::mem::replace(&mut self.hidden, true);
        let result = checks(self);
        self.hidden = outer;
        result
    }

    /// Refuses a required member that is not set: one whose Rust field
    /// stays an `Option` so that code written against an earlier
    /// generation, when it was optional, still compiles.
    pub fn present(&mut self, member: &'static str, set: bool) -> Result<(), InvalidInput> {
        if set {
            return Ok(());
        }
        self.within(member, |check| Err(InvalidInput::missing(check.operation, check.path())))
    }

    /// Checks an optional string member.
    pub fn string(&mut self, member: &'static str, value: Option<&str>, rule: &StringRule) -> Result<(), InvalidInput> {
        self.within(member, |check| value.map_or(Ok(()), |v| check.here_string(v, rule)))
    }

    /// Checks the string at the current path.
    pub fn here_string(&mut self, value: &str, rule: &StringRule) -> Result<(), InvalidInput> {
        let length = value.chars().count() as u64;
        let shown = || if self.hidden { format!("a sensitive value ({length} characters)") } else { quote(value) };
        if let Some(min) = rule.min.filter(|min| length < *min) {
            if self.minimums {
                return Err(self.below_minimum("length", length, min));
            }
            return Err(self.fail(format!("{} is shorter than {min} characters", shown())));
        }
        if self.minimums {
            return Ok(());
        }
        if let Some(max) = rule.max.filter(|max| length > *max) {
            return Err(self.fail(format!("{} is longer than {max} characters", shown())));
        }
        if let Some(pattern) = rule.pattern {
            if pattern.is_match(value) == Some(false) {
                return Err(self.fail(format!("{} does not match pattern {pattern:?}", shown())));
            }
        }
        Ok(())
    }

    /// Checks an optional blob member's length in bytes.
    pub fn bytes(
        &mut self,
        member: &'static str,
        value: Option<&[u8]>,
        min: Option<u64>,
        max: Option<u64>,
    ) -> Result<(), InvalidInput> {
        let Some(length) = value.map(|v| v.len() as u64) else { return Ok(()) };
        let max = max.filter(|_| !self.minimums);
        self.within(member, |check| match (min, max) {
            (Some(min), _) if length < min && check.minimums => Err(check.below_minimum("length", length, min)),
            (Some(min), _) if length < min => {
                Err(check.fail(format!("{length} bytes is fewer than the minimum {min}")))
            }
            (_, Some(max)) if length > max => Err(check.fail(format!("{length} bytes is more than the maximum {max}"))),
            _ => Ok(()),
        })
    }

    /// Checks an optional number member's range.
    pub fn number(
        &mut self,
        member: &'static str,
        value: Option<f64>,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<(), InvalidInput> {
        let Some(value) = value else { return Ok(()) };
        let max = max.filter(|_| !self.minimums);
        self.within(member, |check| match (min, max) {
            (Some(min), _) if value < min && check.minimums => {
                Err(check.below_minimum("value", check.number_shown(value), min))
            }
            (Some(min), _) if value < min => {
                Err(check.fail(format!("{} is below the minimum {min}", check.number_shown(value))))
            }
            (_, Some(max)) if value > max => {
                Err(check.fail(format!("{} is above the maximum {max}", check.number_shown(value))))
            }
            _ => Ok(()),
        })
    }

    /// Checks an optional structure member.
    pub fn nested<T: Validate>(&mut self, member: &'static str, value: Option<&T>) -> Result<(), InvalidInput> {
        self.within(member, |check| value.map_or(Ok(()), |v| v.validate(check)))
    }

    /// Checks an optional list member's length, then each item.
    pub fn list<T>(
        &mut self,
        member: &'static str,
        value: Option<&[T]>,
        min: Option<u64>,
        max: Option<u64>,
        each: Step<'_, T>,
    ) -> Result<(), InvalidInput> {
        let Some(items) = value else { return Ok(()) };
        self.within(member, |check| {
            check.count(items.len(), min, max)?;
            for (index, item) in items.iter().enumerate() {
                check.path.push(Segment::Index(index));
                each(check, item)?;
                check.path.pop();
            }
            Ok(())
        })
    }

    /// Checks an optional map member's length, then each value.
    pub fn map<T>(
        &mut self,
        member: &'static str,
        value: Option<&BTreeMap<String, T>>,
        min: Option<u64>,
        max: Option<u64>,
        each: Step<'_, T>,
    ) -> Result<(), InvalidInput> {
        let Some(entries) = value else { return Ok(()) };
        self.within(member, |check| {
            check.count(entries.len(), min, max)?;
            for (key, item) in entries {
                let key = if check.hidden { "…".to_owned() } else { key.clone() };
                check.path.push(Segment::Key(key));
                each(check, item)?;
                check.path.pop();
            }
            Ok(())
        })
    }

    fn count(&self, count: usize, min: Option<u64>, max: Option<u64>) -> Result<(), InvalidInput> {
        let n = count as u64;
        let max = max.filter(|_| !self.minimums);
        match (min, max) {
            (Some(min), _) if n < min && self.minimums => Err(self.below_minimum("length", n, min)),
            (Some(min), _) if n < min => Err(self.fail(format!("{n} items, fewer than the minimum {min}"))),
            (_, Some(max)) if n > max => Err(self.fail(format!("{n} items, more than the maximum {max}"))),
            _ => Ok(()),
        }
    }

    fn number_shown(&self, value: f64) -> String {
        if self.hidden {
            "a sensitive value".into()
        } else {
            value.to_string()
        }
    }

    fn within(
        &mut self,
        member: &'static str,
        f: impl FnOnce(&mut Self) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        self.path.push(Segment::Member(member));
        let result = f(self);
        self.path.pop();
        result
    }

    fn fail(&self, problem: String) -> InvalidInput {
        InvalidInput::constraint(self.operation, self.path(), problem)
    }

    /// Where the check is, as `imageIds[3].imageTag`.
    fn path(&self) -> String {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                Segment::Member(name) if path.is_empty() => path.push_str(name),
                Segment::Member(name) => {
                    let _ = write!(path, ".{name}");
                }
                Segment::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
                Segment::Key(key) => {
                    let _ = write!(path, "[{key:?}]");
                }
            }
        }
        path
    }
}

/// A value for an error message: quoted, and cut short if long.
fn quote(value: &str) -> String {
    const SHOWN: usize = 64;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{:?}… ({} characters)", &value[..cut], value.chars().count()),
        None => format!("{value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RULE: StringRule = StringRule { min: Some(2), max: Some(8), pattern: None };

    #[test]
    fn hidden_members_never_show_values_or_keys() {
        let mut check = Check::new("Op");
        let shown = check.string("name", Some("SENTINEL-VALUE"), &RULE).unwrap_err().to_string();
        assert!(shown.contains("\"SENTINEL-VALUE\" is longer than 8 characters"), "{shown}");

        let hidden = check.hidden(|check| check.string("secret", Some("SENTINEL-VALUE"), &RULE)).unwrap_err();
        let text = format!("{hidden} {hidden:?}");
        assert!(text.contains("Op.secret: a sensitive value (14 characters) is longer than 8"), "{text}");
        assert!(!text.contains("SENTINEL"), "{text}");

        let map = BTreeMap::from([("SENTINEL-KEY".to_owned(), "x".to_owned())]);
        let each: Step<'_, String> = &|check, item| check.here_string(item, &RULE);
        let text = check.hidden(|check| check.map("tags", Some(&map), None, None, each)).unwrap_err().to_string();
        assert!(text.contains("tags[\"…\"]") && !text.contains("SENTINEL"), "{text}");
        let range = check.hidden(|check| check.number("n", Some(12345.0), None, Some(10.0))).unwrap_err().to_string();
        assert!(!range.contains("12345"), "{range}");
        // A required member kept an `Option` is missing by its path.
        let missing = check.within("tags", |check| check.present("Key", false)).unwrap_err().to_string();
        assert!(missing.contains("tags.Key"), "{missing}");
        assert!(check.present("Key", true).is_ok());
        // Outside `hidden` again, values show.
        assert!(check.string("name", Some("x"), &RULE).unwrap_err().to_string().contains("\"x\""));
    }
}
