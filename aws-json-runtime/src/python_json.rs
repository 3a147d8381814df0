//! JSON as Python's `json.dumps` writes it by default: ASCII only, `", "`
//! and `": "` between members. botocore's pagination tokens and the AWS
//! CLI's cache keys are made of it, so matching them byte for byte needs it.

/// A JSON string as Python's `json.dumps` writes it (ASCII only: other
/// characters as `\uXXXX`, in surrogate pairs beyond the BMP), so that
/// hashes of it match the AWS CLI's.
pub fn python_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// `{"k": v, ...}` with Python's default separators; values already JSON.
pub(crate) fn python_json_object(members: &[(&str, String)]) -> String {
    let members: Vec<String> = members.iter().map(|(k, v)| format!("{}: {v}", python_json_string(k))).collect();
    format!("{{{}}}", members.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_forms() {
        assert_eq!(python_json_string("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(python_json_string("é😀"), r#""\u00e9\ud83d\ude00""#);
        assert_eq!(
            python_json_object(&[("RoleArn", python_json_string("arn")), ("DurationSeconds", "900".into())]),
            r#"{"RoleArn": "arn", "DurationSeconds": 900}"#
        );
    }
}
