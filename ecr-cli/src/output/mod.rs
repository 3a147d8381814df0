//! Writing answers to stdout, in the output format asked for.

pub mod json;
pub mod pager;
pub mod paging;
pub mod query;
pub mod table;
pub mod text;
pub mod timestamp;
pub mod yaml;

use crate::parsing::globals::{Color, Format, Globals};
use crate::parsing::schema::Command;
use crate::Failure;
use json::Object;
use paging::Paged;
use query::Query;
use serde_json::Value;
use std::io::{IsTerminal as _, Write as _};
use timestamp::TimestampFormat;

/// An answer of `command` as it arrived: checked to be a JSON object (a
/// garbled answer is an error, not output), its timestamps as `format`
/// says.
pub fn arrived(command: &Command, body: &[u8], format: TimestampFormat) -> Result<Object, Failure> {
    let garbled = |why: String| Failure::new(Failure::OTHER, format!("{}: garbled answer: {why}", command.operation));
    let text = std::str::from_utf8(body).map_err(|_| garbled("not UTF-8".into()))?;
    let object = Object::parse(text).map_err(|e| garbled(e.to_string()))?;
    match format {
        TimestampFormat::Wire => Ok(object),
        TimestampFormat::Iso8601 => {
            let localized = timestamp::localized(&object.to_json(), command.output);
            localized.and_then(|json| Object::parse(&json)).map_err(|e| garbled(e.to_string()))
        }
    }
}

/// Prints an answer titled `title` (a table's title: the operation's
/// name, as the AWS CLI titles it); an empty one prints nothing, as there.
pub fn print_json(json: &str, globals: &Globals, title: &str) -> Result<(), Failure> {
    match globals.format() {
        Format::Json if json == "{}" => Ok(()),
        Format::Json => print(&format!("{}\n", json::pretty(json))),
        Format::Text => print(&text::text(&parsed(json)?)),
        Format::Table => print_table(title, &parsed(json)?, globals.color),
        Format::Yaml | Format::YamlStream if json == "{}" => Ok(()),
        Format::Yaml => print(&yaml::to_yaml(&parsed(json)?)),
        Format::YamlStream => print(&yaml::to_yaml(&Value::Array(vec![parsed(json)?]))),
    }
}

/// Prints an operation's answer, through `--query` when given: as the AWS
/// CLI, the expression's result is printed even when empty (`null` in
/// JSON, `None` in text), save an empty object in JSON.
pub fn print_answer(json: &str, globals: &Globals, title: &str) -> Result<(), Failure> {
    let Some(query) = globals.query.as_deref().map(compiled).transpose()? else {
        return print_json(json, globals, title);
    };
    let (found, ordered) = query.search_json(json)?;
    match (globals.format(), &found) {
        (Format::Json, Value::Object(object)) if object.is_empty() => Ok(()),
        (Format::Json, _) => print(&format!("{}\n", json::pretty(&ordered))),
        (Format::Text, found) => print(&text::text(found)),
        (Format::Table, found) => print_table(title, found, globals.color),
        (Format::Yaml, found) => print(&yaml::to_yaml(found)),
        (Format::YamlStream, found) => print(&yaml::to_yaml(&Value::Array(vec![found.clone()]))),
    }
}

/// Text output of a paged answer as the AWS CLI writes it: each page in
/// turn, then `NEXTTOKEN<TAB>token` when `--max-items` stopped early;
/// `--query` applies to each of them, as there.
pub fn print_pages(paged: &Paged, query: Option<&str>) -> Result<(), Failure> {
    let query = query.map(compiled).transpose()?;
    let shown = |value: &Value| match &query {
        Some(query) => query.search(value).map(|found| text::text(&found)),
        None => Ok(text::text(value)),
    };
    let mut out = String::new();
    for page in &paged.pages {
        out.push_str(&shown(page)?);
    }
    if let Some(token) = &paged.next_token {
        out.push_str(&shown(&serde_json::json!({ "NextToken": { "NextToken": token } }))?);
    }
    print(&out)
}

/// `--output yaml-stream` of a paged answer: each page as it came (its
/// token included), a list item each, through `--query` when given.
pub fn print_yaml_stream(paged: &Paged, query: Option<&str>) -> Result<(), Failure> {
    let query = query.map(compiled).transpose()?;
    let mut out = String::new();
    for page in &paged.raw {
        let page = match &query {
            Some(query) => query.search(page)?,
            None => page.clone(),
        };
        out.push_str(&yaml::to_yaml(&Value::Array(vec![page])));
    }
    print(&out)
}

/// The table of `answer`, coloured as `--color` says. On a terminal the
/// width is the terminal's and, once colour is on, the AWS CLI (colorama)
/// ends its output with a reset.
fn print_table(title: &str, answer: &Value, color: Color) -> Result<(), Failure> {
    let on_terminal = std::io::stdout().is_terminal();
    let colorized = color == Color::On || (color == Color::Auto && on_terminal);
    let style = table::Style { colorized, terminal_width: terminal_width().unwrap_or(80) };
    let mut text = table::format(title, answer, style).map_err(|e| Failure::new(Failure::OTHER, e))?;
    if colorized && on_terminal {
        text.push_str("\x1b[0m");
    }
    print(&text)
}

/// The columns of the terminal stdout is, if it is one.
fn terminal_width() -> Option<usize> {
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ writes one winsize into the struct given.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
        (done == 0).then_some(usize::from(size.ws_col))
    }
    #[cfg(not(unix))]
    None
}

fn parsed(json: &str) -> Result<Value, Failure> {
    serde_json::from_str(json).map_err(|e| Failure::new(Failure::OTHER, format!("garbled answer: {e}")))
}

/// `--query`'s expression, compiled once (the arguments checked it).
fn compiled(expression: &str) -> Result<Query, Failure> {
    Query::parse(expression).map_err(Failure::usage)
}

/// Writes to stdout; a closed pipe (`ecr ... | head`) is not an error.
pub fn print(text: &str) -> Result<(), Failure> {
    if pager::page(text)? {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::new(Failure::OTHER, format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
