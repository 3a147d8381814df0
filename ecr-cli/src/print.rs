//! Writing answers to stdout, in the output format asked for.

use crate::output;
use crate::paging::Paged;
use crate::query::Query;
use crate::Failure;
use serde_json::Value;
use std::io::Write as _;

/// Prints an answer; an empty one prints nothing, as with the AWS CLI.
pub fn print_json(json: &str, text: bool) -> Result<(), Failure> {
    if json == "{}" {
        return Ok(());
    }
    if !text {
        return print(&format!("{}\n", output::pretty(json)));
    }
    let value: Value =
        serde_json::from_str(json).map_err(|e| Failure::new(Failure::OTHER, format!("garbled answer: {e}")))?;
    print(&output::text(&value))
}

/// Prints an operation's answer, through `--query` when given: as the AWS
/// CLI, the expression's result is printed even when empty (`null` in
/// JSON, `None` in text), save an empty object in JSON.
pub fn print_answer(json: &str, text: bool, query: Option<&str>) -> Result<(), Failure> {
    let Some(query) = query.map(compiled).transpose()? else { return print_json(json, text) };
    let (found, ordered) = query.search_json(json)?;
    match (text, &found) {
        (false, Value::Object(object)) if object.is_empty() => Ok(()),
        (false, _) => print(&format!("{}\n", output::pretty(&ordered))),
        (true, found) => print(&output::text(found)),
    }
}

/// Text output of a paged answer as the AWS CLI writes it: each page in
/// turn, then `NEXTTOKEN<TAB>token` when `--max-items` stopped early;
/// `--query` applies to each of them, as there.
pub fn print_pages(paged: &Paged, query: Option<&str>) -> Result<(), Failure> {
    let query = query.map(compiled).transpose()?;
    let shown = |value: &Value| match &query {
        Some(query) => query.search(value).map(|found| output::text(&found)),
        None => Ok(output::text(value)),
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

/// `--query`'s expression, compiled once (the arguments checked it).
fn compiled(expression: &str) -> Result<Query, Failure> {
    Query::parse(expression).map_err(Failure::usage)
}

/// Writes to stdout; a closed pipe (`ecr ... | head`) is not an error.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::new(Failure::OTHER, format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
