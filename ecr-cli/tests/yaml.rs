//! `--output yaml` against ruamel.yaml itself: generated values (strings
//! with every character class the emitter treats apart, lengths across the
//! fold at column 80, nesting, numbers) written by AWS CLI v2's own dumper
//! (`data/yaml_dump.py`, in the v2 virtualenv) and by `ecr`'s writer.

#[path = "../../ecr-client/tests/support/mod.rs"]
mod support;

use serde_json::{json, Map, Value};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// Characters the emitter treats apart: indicators, blanks, breaks,
/// escapes, quotes, non-ASCII within and beyond the BMP.
const CHARACTERS: &[char] = &[
    'a',
    'b',
    'x',
    'T',
    'n',
    'e',
    'E',
    '0',
    '1',
    '7',
    '.',
    ' ',
    ' ',
    ' ',
    ':',
    '#',
    '-',
    '\'',
    '"',
    '\n',
    '\t',
    '\r',
    '?',
    ',',
    '[',
    ']',
    '{',
    '}',
    '&',
    '*',
    '!',
    '|',
    '>',
    '%',
    '@',
    '`',
    '~',
    '_',
    '+',
    '=',
    '<',
    '\\',
    '/',
    'é',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '\u{feff}',
    '\u{1F600}',
    '\u{7}',
    '\u{1b}',
];

/// Words that read as other types when plain.
const WORDS: &[&str] = &[
    "true",
    "False",
    "yes",
    "on",
    "NO",
    "null",
    "~",
    "",
    "123",
    "1_000",
    "0x1F",
    "0o17",
    "1e3",
    ".5",
    "+1",
    ".inf",
    "-.Inf",
    ".NaN",
    "2024-01-12",
    "2024-01-12T15:09:06+00:00",
    "2024-1-2 3:04:05",
    "12:30",
    "=",
    "<<",
    "---",
    "...",
    "- x",
    "a: b",
    "k:v",
    "x #y",
    "http://x/y",
    "-",
    "--",
    "?",
    "!",
    "&",
    "*",
];

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn string(&mut self) -> String {
        match self.below(4) {
            0 => WORDS[self.below(WORDS.len())].to_owned(),
            // Prose: words and single spaces, long enough to fold.
            1 => (0..self.below(30)).map(|_| "word".repeat(1 + self.below(3))).collect::<Vec<_>>().join(" "),
            _ => (0..self.below(110)).map(|_| CHARACTERS[self.below(CHARACTERS.len())]).collect(),
        }
    }

    fn value(&mut self, depth: usize) -> Value {
        match self.below(if depth > 2 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => json!(self.below(2) == 0),
            2 => json!(self.below(1 << 20) as i64 - (1 << 19)),
            3 => json!([1.5, 0.1, 1e20, 1e-7, 1705072146.123, -0.0, 7.0][self.below(7)]),
            4 | 5 => Value::String(self.string()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.below(5) {
                    map.insert(self.string(), self.value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }
}

#[test]
fn yaml_is_written_as_ruamel_yaml_writes_it() {
    let Some(aws) = support::aws_cli_v2() else { return };
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut values: Vec<Value> = (0..3000).map(|_| random.value(0)).collect();
    // Answers as they are: a mapping at the root, lists and long policies.
    values.extend((0..500).map(|_| {
        let mut map = Map::new();
        map.insert("repositories".into(), Value::Array((0..3).map(|_| random.value(1)).collect()));
        map.insert("policyText".into(), Value::String(random.string().repeat(3)));
        Value::Object(map)
    }));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml_dump.py");
    let mut python = Command::new(aws.with_file_name("python"))
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(&values).unwrap();
    let mut stdin = python.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = python.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let expected: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();

    let mut differing = Vec::new();
    for (value, expected) in values.iter().zip(&expected) {
        let ours = ecr_cli::output::yaml::to_yaml(value);
        if &ours != expected {
            differing.push(format!("{value}\n--- ecr\n{ours}--- ruamel.yaml\n{expected}"));
        }
    }
    assert!(
        differing.is_empty(),
        "{} of {} values differ; the first:\n{}",
        differing.len(),
        values.len(),
        differing.iter().take(3).cloned().collect::<Vec<_>>().join("\n\n")
    );
}
