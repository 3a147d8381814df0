//! `--output yaml` and `yaml-stream`, byte for byte as AWS CLI v2 writes
//! them: ruamel.yaml's safe dumper (block style, keys sorted, YAML 1.2's
//! implicit types) over libyaml's emitter (ruamel.yaml's C extension), whose
//! rules are these: a string is plain unless it would read back as another
//! type or holds an indicator, then single-quoted, then double-quoted with
//! escapes; lines fold at spaces past column 80. A scalar at the root is
//! written as JSON, as the AWS CLI does.

use serde_json::Value;

/// Past this column a space may become a line break (libyaml's best_width).
const BEST_WIDTH: usize = 80;
/// Each nesting level's indent (libyaml's best_indent).
const INDENT: usize = 2;

/// `value` as `--output yaml` writes it.
pub fn to_yaml(value: &Value) -> String {
    let mut emitter = Emitter::default();
    match value {
        Value::Object(map) if !map.is_empty() => emitter.mapping(map, 0),
        Value::Array(items) if !items.is_empty() => emitter.sequence(items, 0),
        Value::Object(_) => emitter.write("{}"),
        Value::Array(_) => emitter.write("[]"),
        scalar => return format!("{}\n", json_scalar(scalar)),
    }
    emitter.out.push('\n');
    emitter.out
}

/// A scalar as Python's `json.dumps(value, ensure_ascii=False)` writes it.
fn json_scalar(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_f64() => n.as_f64().map_or_else(|| n.to_string(), python_float),
        // serde_json escapes only what JSON must; Python escapes the same
        // control characters, as \uXXXX but for the short forms.
        other => other.to_string(),
    }
}

/// Python's `repr(float)`: the shortest digits that read back, fixed when
/// the exponent is in -4..16 (with `.0` when whole), else `1e+20`.
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` has a numeric exponent");
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        return format!("{sign}{text}");
    }
    let (first, rest) = digits.split_at(1);
    let mantissa = if rest.is_empty() { first.to_owned() } else { format!("{first}.{rest}") };
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    format!("{sign}{mantissa}e{exponent_sign}{:02}", exponent.unsigned_abs())
}

/// Writes nodes, knowing the column as libyaml tracks it.
#[derive(Default)]
struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.chars().count();
    }

    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.column = 0;
        self.write(&" ".repeat(indent));
    }

    /// A block mapping whose first key is written where the line stands. A
    /// key of more than 128 bytes or of several lines is no simple key:
    /// libyaml writes it `? KEY` with its value on a `: ` line.
    fn mapping(&mut self, map: &serde_json::Map<String, Value>, indent: usize) {
        for (i, (key, value)) in map.iter().enumerate() {
            if i > 0 {
                self.newline(indent);
            }
            if key.len() > 128 || key.chars().any(is_break) {
                self.write("? ");
                self.scalar(key, indent + INDENT, false);
                self.newline(indent);
                self.write(": ");
                match value {
                    Value::Object(inner) if !inner.is_empty() => self.mapping(inner, indent + INDENT),
                    Value::Array(items) if !items.is_empty() => self.sequence(items, indent + INDENT),
                    other => self.node_inline(other, indent + INDENT),
                }
                continue;
            }
            self.scalar(key, indent + INDENT, true);
            self.write(":");
            match value {
                Value::Object(inner) if !inner.is_empty() => {
                    self.newline(indent + INDENT);
                    self.mapping(inner, indent + INDENT);
                }
                // libyaml's indentless sequence: `- ` under the key.
                Value::Array(items) if !items.is_empty() => {
                    self.newline(indent);
                    self.sequence(items, indent);
                }
                other => {
                    self.write(" ");
                    self.node_inline(other, indent + INDENT);
                }
            }
        }
    }

    /// A block sequence whose first `-` is written where the line stands.
    fn sequence(&mut self, items: &[Value], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.newline(indent);
            }
            self.write("- ");
            match item {
                Value::Object(inner) if !inner.is_empty() => self.mapping(inner, indent + INDENT),
                Value::Array(inner) if !inner.is_empty() => self.sequence(inner, indent + INDENT),
                other => self.node_inline(other, indent + INDENT),
            }
        }
    }

    /// A scalar or an empty collection after `key: ` or `- `.
    fn node_inline(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Object(_) => self.write("{}"),
            Value::Array(_) => self.write("[]"),
            Value::Null => self.write("null"),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Number(n) if n.is_f64() => {
                let text = n.as_f64().map_or_else(|| n.to_string(), python_float);
                // ruamel lower-cases repr and names the specials its own way.
                let text = match text.as_str() {
                    "nan" => ".nan".to_owned(),
                    "inf" => ".inf".to_owned(),
                    "-inf" => "-.inf".to_owned(),
                    _ => text.to_lowercase(),
                };
                self.write(&text)
            }
            Value::Number(n) => self.write(&n.to_string()),
            Value::String(text) => self.scalar(text, indent, false),
        }
    }

    /// A string in the style libyaml picks; `key` is a simple key's
    /// context (no line breaks, multiline means double-quoted).
    fn scalar(&mut self, text: &str, indent: usize, key: bool) {
        let analysis = Analysis::of(text);
        let style = if key && analysis.multiline {
            Style::Double
        } else if analysis.block_plain && !text.is_empty() && resolves_as_string(text) {
            Style::Plain
        } else if analysis.single_quoted && !(key && analysis.multiline) {
            Style::Single
        } else {
            Style::Double
        };
        let breaks = !key;
        match style {
            Style::Plain => self.plain(text, indent, breaks),
            Style::Single => self.single_quoted(text, indent, breaks),
            Style::Double => self.double_quoted(text, indent, breaks),
        }
    }

    /// libyaml's `yaml_emitter_write_plain_scalar`.
    fn plain(&mut self, text: &str, indent: usize, breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if breaks && !spaces && self.column > BEST_WIDTH && chars.get(i + 1) != Some(&' ') {
                    self.newline(indent);
                } else {
                    self.write(" ");
                }
                spaces = true;
            } else {
                self.push(c);
                spaces = false;
            }
        }
    }

    /// libyaml's `yaml_emitter_write_single_quoted`.
    fn single_quoted(&mut self, text: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        self.write("'");
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inside = i != 0 && i != chars.len() - 1;
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inside && chars.get(i + 1) != Some(&' ') {
                    self.newline(indent);
                } else {
                    self.write(" ");
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.out.push('\n');
                }
                self.out.push(if c == '\n' { '\n' } else { c });
                self.column = 0;
                breaks = true;
            } else {
                if breaks {
                    self.write(&" ".repeat(indent));
                }
                if c == '\'' {
                    self.write("'");
                }
                self.push(c);
                spaces = false;
                breaks = false;
            }
        }
        if breaks {
            self.write(&" ".repeat(indent));
        }
        self.write("'");
    }

    /// libyaml's `yaml_emitter_write_double_quoted`.
    fn double_quoted(&mut self, text: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        self.write("\"");
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                let escape = match c {
                    '\0' => "0".to_owned(),
                    '\u{7}' => "a".to_owned(),
                    '\u{8}' => "b".to_owned(),
                    '\t' => "t".to_owned(),
                    '\n' => "n".to_owned(),
                    '\u{b}' => "v".to_owned(),
                    '\u{c}' => "f".to_owned(),
                    '\r' => "r".to_owned(),
                    '\u{1b}' => "e".to_owned(),
                    '"' => "\"".to_owned(),
                    '\\' => "\\".to_owned(),
                    '\u{85}' => "N".to_owned(),
                    '\u{a0}' => "_".to_owned(),
                    '\u{2028}' => "L".to_owned(),
                    '\u{2029}' => "P".to_owned(),
                    c if (c as u32) <= 0xFF => format!("x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("u{:04X}", c as u32),
                    c => format!("U{:08X}", c as u32),
                };
                self.write(&format!("\\{escape}"));
                spaces = false;
            } else if c == ' ' {
                let inside = i != 0 && i != chars.len() - 1;
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inside {
                    self.newline(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.write("\\");
                    }
                } else {
                    self.write(" ");
                }
                spaces = true;
            } else {
                self.push(c);
                spaces = false;
            }
        }
        self.write("\"");
    }

    fn push(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
}

enum Style {
    Plain,
    Single,
    Double,
}

/// What styles a string allows (libyaml's `yaml_emitter_analyze_scalar`, in
/// block context).
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single_quoted: bool,
}

impl Analysis {
    fn of(text: &str) -> Self {
        if text.is_empty() {
            return Self { multiline: false, block_plain: true, single_quoted: true };
        }
        let chars: Vec<char> = text.chars().collect();
        let blank = |at: usize| chars.get(at).is_none_or(|c| matches!(c, ' ' | '\t') || is_break(*c));
        let mut block_indicators = text.starts_with("---") || text.starts_with("...");
        let (mut line_breaks, mut special) = (false, false);
        let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
            (false, false, false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_blank = blank(i + 1);
            let preceded_by_blank = i == 0 || blank(i - 1);
            if i == 0 {
                if "#,[]{}&*!|>'\"%@`".contains(c) {
                    block_indicators = true;
                }
                if (c == '?' || c == ':') && followed_by_blank {
                    block_indicators = true;
                }
                if c == '-' && followed_by_blank {
                    block_indicators = true;
                }
            } else {
                if c == ':' && followed_by_blank {
                    block_indicators = true;
                }
                if c == '#' && preceded_by_blank {
                    block_indicators = true;
                }
            }
            if !is_printable(c) || c == '\u{feff}' {
                special = true;
            }
            if is_break(c) {
                line_breaks = true;
            }
            if c == ' ' {
                leading_space |= i == 0;
                trailing_space |= i == chars.len() - 1;
                break_space |= previous_break;
                (previous_space, previous_break) = (true, false);
            } else if is_break(c) {
                leading_break |= i == 0;
                trailing_break |= i == chars.len() - 1;
                space_break |= previous_space;
                (previous_space, previous_break) = (false, true);
            } else {
                (previous_space, previous_break) = (false, false);
            }
        }
        let mut block_plain = !(leading_space || leading_break || trailing_space || trailing_break);
        let mut single_quoted = true;
        if break_space {
            block_plain = false;
            single_quoted = false;
        }
        if space_break || special {
            block_plain = false;
            single_quoted = false;
        }
        if line_breaks || block_indicators {
            block_plain = false;
        }
        Self { multiline: line_breaks, block_plain, single_quoted }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_PRINTABLE` (on UTF-8 bytes: no character beyond U+FFFF).
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD)
}

/// Whether a plain `text` would read back as a string under ruamel.yaml's
/// YAML 1.2 resolver (else it is quoted): not a bool, int, float, null,
/// timestamp, merge key or value indicator. As there, a pattern is tried
/// only on a text starting with one of its first characters.
fn resolves_as_string(text: &str) -> bool {
    use std::sync::OnceLock;
    const RESOLVERS: &[(&str, &str)] = &[
        ("tTfF", r"^(?:true|True|TRUE|false|False|FALSE)$"),
        (
            "-+0123456789.",
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ),
        ("-+0123456789", r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$"),
        ("<", r"^(?:<<)$"),
        ("~nN", r"^(?:~|null|Null|NULL)$"),
        (
            "0123456789",
            r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        ),
        ("=", r"^(?:=)$"),
        ("!&*", r"^(?:!|&|\*)$"),
    ];
    static IMPLICIT: OnceLock<Vec<(&str, regex_lite::Regex)>> = OnceLock::new();
    let implicit = IMPLICIT.get_or_init(|| {
        RESOLVERS
            .iter()
            .map(|(first, pattern)| (*first, regex_lite::Regex::new(pattern).expect("the resolver's patterns compile")))
            .collect()
    });
    // The empty text reads as null.
    let Some(first) = text.chars().next() else { return false };
    // Python's `$` also matches before a final newline.
    let text = text.strip_suffix('\n').unwrap_or(text);
    !implicit.iter().any(|(starts, pattern)| starts.contains(first) && pattern.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_as_python_writes_them() {
        for (value, expected) in
            [(1.5, "1.5"), (1e20, "1e+20"), (0.1, "0.1"), (1705072146.123, "1705072146.123"), (1.0, "1.0")]
        {
            assert_eq!(python_float(value), expected);
        }
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(0.00001), "1e-05");
        assert_eq!(python_float(-2.5e-7), "-2.5e-07");
        assert_eq!(python_float(123456789012345.6), "123456789012345.6");
    }
}
