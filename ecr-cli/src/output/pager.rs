//! The pager, as AWS CLI v2 runs it: when stdout is a terminal, an answer
//! goes through `--no-cli-pager` (none), else `AWS_PAGER`, else the
//! profile's `cli_pager`, else `PAGER`, else `less` (an empty one is none),
//! split as a shell splits words and run without a shell, with `LESS=FRX`
//! unless `LESS` is set. Off a terminal, never.

use crate::Failure;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The pager this process writes answers through, once chosen.
static PAGER: OnceLock<Vec<String>> = OnceLock::new();

/// Pages this process's answers through `command` (already chosen as the
/// settings say), if stdout is a terminal and the command is not empty.
pub fn install(command: &str) -> Result<(), Failure> {
    use std::io::IsTerminal as _;
    if !std::io::stdout().is_terminal() {
        return Ok(());
    }
    let words = split(command)
        .ok_or_else(|| Failure::new(Failure::CONFIGURATION, format!("the pager {command:?} has an unclosed quote")))?;
    if !words.is_empty() {
        let _ = PAGER.set(words);
    }
    Ok(())
}

/// Writes `text` through the pager, if one is installed; `Ok(false)` if
/// none is and the caller writes to stdout itself.
pub fn page(text: &str) -> Result<bool, Failure> {
    let Some(words) = PAGER.get() else { return Ok(false) };
    let mut command = Command::new(&words[0]);
    command.args(&words[1..]).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let mut child = command.spawn().map_err(|e| Failure {
        // v2's words on its first line.
        message: format!(
            "An error occurred (Pager): Unable to redirect output to pager. Received the following error when \
             opening pager:\n{e}: {:?}\n\nSet AWS_PAGER=\"\" or give --no-cli-pager to write to the terminal.",
            words[0]
        ),
        ..Failure::new(Failure::CONFIGURATION, "")
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A pager quit early (`q` in less) is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    Ok(true)
}

/// Words of `line` as Python's `shlex.split` gives them (quotes, backslash
/// escapes); `None` for an unclosed quote.
fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_commands_split_as_shlex_splits_them() {
        assert_eq!(split("less -R").unwrap(), ["less", "-R"]);
        assert_eq!(split(r#"sed 's/^/> /' "a b" c\ d"#).unwrap(), ["sed", "s/^/> /", "a b", "c d"]);
        assert_eq!(split("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split("''").unwrap(), [""]);
        assert!(split("less 'unclosed").is_none());
    }
}
