//! The answer's JSON exactly as the service sent it (member order and
//! number digits kept), indented as the AWS CLI indents it.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON object whose members keep their order and their exact text.
#[derive(Debug, Default, Clone)]
pub struct Object(pub Vec<(String, Box<RawValue>)>);

impl Object {
    /// Parses an object; an empty body is an empty object.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_json::from_str(text)
    }

    /// The member `key`.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// Removes the member `key`.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// Sets the member `key`, in its place if it exists, else last.
    pub fn set(&mut self, key: &str, value: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    /// The object as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out += &Value::String(key.clone()).to_string();
            out.push(':');
            out += value.get();
        }
        out + "}"
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    members.push(entry);
                }
                Ok(Object(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Compact JSON re-indented with four spaces, as the AWS CLI prints it.
/// Tokens are copied, not re-encoded.
pub fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth * 4));
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                out.push(c);
                if chars.peek().is_some_and(|&next| next == '}' || next == ']') {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_digits_and_indents_by_four() {
        let json = r#"{"z":1700000000.120,"a":[],"m":{"k":"v, \"q\": [x]"},"l":[1,{}]}"#;
        let expected = "{\n    \"z\": 1700000000.120,\n    \"a\": [],\n    \"m\": {\n        \"k\": \"v, \\\"q\\\": [x]\"\n    },\n    \"l\": [\n        1,\n        {}\n    ]\n}";
        assert_eq!(pretty(json), expected);
    }

    #[test]
    fn objects_keep_member_order_and_text() {
        let mut object = Object::parse(r#"{"b": 1.50, "a": [1, 2]}"#).unwrap();
        object.set("c", RawValue::from_string("true".into()).unwrap());
        assert_eq!(object.remove("b").unwrap().get(), "1.50");
        assert_eq!(object.to_json(), r#"{"a":[1, 2],"c":true}"#);
    }
}
