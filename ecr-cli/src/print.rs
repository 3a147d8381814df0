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

/// Text output of a paged answer as the AWS CLI writes it: each page in
/// turn, then `NEXTTOKEN<TAB>token` when `--max-items` stopped early.
pub fn print_pages(paged: &Paged) -> Result<(), Failure> {
    let mut out: String = paged.pages.iter().map(output::text).collect();
    if let Some(token) = &paged.next_token {
        out.push_str(&output::text(&serde_json::json!({ "NextToken": { "NextToken": token } })));
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
