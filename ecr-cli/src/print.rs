//! Writing answers to stdout, in the output format asked for.

use crate::output;
use crate::paging::Paged;
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
    let Some(expression) = query else { return print_json(json, text) };
    let (found, ordered) = crate::query::apply(expression, json)?;
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
    let shown = |value: &Value| match query {
        Some(expression) => crate::query::apply_to(expression, value).map(|found| output::text(&found)),
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
