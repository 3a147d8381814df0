//! The command line, parsed against the generated command table: global
//! flags (anywhere, as the AWS CLI takes them), the command, and one flag
//! per input member. Hand-written rather than an argument-parser crate: the
//! flags are data from the document, and this is all the grammar there is.

pub mod commands;
pub mod globals;
pub mod help;
pub mod input;
pub mod prefix;
pub mod schema;

use commands::Api;
use globals::{Color, Format, Globals, Pages};
use schema::{Command, Shape, Wait};
use serde_json::{Map, Value};
use std::time::Duration;

/// What was asked for.
#[derive(Debug)]
pub enum Action {
    /// `--version`.
    Version,
    /// `--help`, `help [TOPIC]`, `<command> --help`: the help text.
    Help(String),
    /// `completion bash|zsh|fish`.
    Completion(String),
    /// An operation, with its input's JSON.
    Call {
        /// The command.
        command: &'static Command,
        /// The input.
        input: Map<String, Value>,
        /// Paging, for paginated commands.
        pages: Pages,
    },
    /// `--generate-cli-skeleton`.
    Skeleton(&'static Command),
    /// `wait <waiter>`, with its operation's input.
    Wait {
        /// The waiter.
        wait: &'static Wait,
        /// The polled operation's input.
        input: Map<String, Value>,
    },
    /// `get-login-password`.
    GetLoginPassword,
    /// `get-login [--registry-ids ID...]`.
    GetLogin {
        /// Registries to log in to (default: the caller's).
        registry_ids: Vec<String>,
    },
    /// `push`, `pull` or `copy`: an image moved.
    Move(Box<crate::transfer::Move>),
}

/// A parsed command line.
#[derive(Debug)]
pub struct Invocation {
    /// The service called: ECR, or ECR Public after `public`.
    pub api: Api,
    /// The global flags.
    pub globals: Globals,
    /// What to do.
    pub action: Action,
}

/// A flag and the words after it up to the next flag.
struct Flag {
    name: String,
    /// As typed after `--`, `=value` included (for messages).
    typed: String,
    words: Vec<String>,
}

/// Parses the arguments after the program name. An error is one line.
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut globals = Globals::default();
    let mut positional = Vec::new();
    let mut flags: Vec<Flag> = Vec::new();
    let mut words = args.iter();
    let mut version = false;
    while let Some(word) = words.next() {
        let Some(name) = word.strip_prefix("--") else {
            match flags.last_mut() {
                Some(flag) => flag.words.push(word.clone()),
                None => positional.push(word.clone()),
            }
            continue;
        };
        let inline = name.split_once('=').map(|(_, value)| value.to_owned());
        // The global flags are one parser, matched first wherever they stand.
        let Some(name) = prefix::expand(name, prefix::GLOBAL_FLAGS.iter().copied())? else {
            let typed = name.to_owned();
            let name = name.split_once('=').map_or(name, |(name, _)| name);
            flags.push(Flag { name: name.to_owned(), typed, words: inline.into_iter().collect() });
            continue;
        };
        let mut value = |flag: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| words.next().cloned())
                .ok_or_else(|| format!("argument --{flag}: expected one argument"))
        };
        match name {
            "region" => globals.region = Some(value(name)?),
            "profile" => globals.profile = Some(value(name)?),
            "endpoint-url" => globals.endpoint_url = Some(value(name)?),
            "debug" => globals.debug = true,
            "no-paginate" => globals.no_paginate = true,
            "version" => version = true,
            "cli-read-timeout" => globals.read_timeout = Some(seconds(name, &value(name)?)?),
            "cli-connect-timeout" => globals.connect_timeout = Some(seconds(name, &value(name)?)?),
            "output" => {
                let text = value(name)?;
                let format = Format::parse(&text).ok_or_else(|| {
                    format!("argument --output: Found invalid choice '{text}'; choose from json, text, table, yaml, yaml-stream")
                })?;
                globals.output = Some(format);
            }
            "ca-bundle" => globals.ca_bundle = Some(value(name)?),
            // The AWS CLI's other global flags: served where ecr does what
            // they ask already, refused by name otherwise.
            "no-cli-pager" => globals.no_pager = true,
            // ecr never prompts.
            "no-cli-auto-prompt" => {}
            "cli-auto-prompt" => {
                return Err("--cli-auto-prompt is refused: ecr has no interactive prompt; \
                    `ecr <command> --help` lists a command's flags"
                    .into())
            }
            "cli-error-format" => match value(name)?.as_str() {
                // Alike for ecr's errors, which carry no details beyond the message.
                "enhanced" | "legacy" => {}
                other => {
                    return Err(format!(
                        "--cli-error-format {other} is refused: ecr writes errors as `enhanced` (or `legacy`) does"
                    ))
                }
            },
            "color" => {
                globals.color = match value(name)?.as_str() {
                    "on" => Color::On,
                    "off" => Color::Off,
                    "auto" => Color::Auto,
                    other => return Err(format!("--color must be on, off or auto, not {other:?}")),
                }
            }
            "no-verify-ssl" => {
                return Err("--no-verify-ssl is refused: ecr always verifies TLS certificates; \
                    --ca-bundle PATH trusts a private CA or a proxy's"
                    .into())
            }
            "no-sign-request" => return Err("--no-sign-request is refused: ECR answers signed requests only".into()),
            "cli-binary-format" => {
                let text = value(name)?;
                globals.binary_format = input::BinaryFormat::parse(&text).ok_or_else(|| {
                    format!("argument --cli-binary-format: Found invalid choice '{text}'; choose from base64, raw-in-base64-out")
                })?;
            }
            "query" => {
                let expression = value(name)?;
                crate::output::query::Query::parse(&expression)?;
                globals.query = Some(expression);
            }
            _ => unreachable!("every global flag is matched above"),
        }
    }
    let help = flags.iter().any(|f| f.name == "help");
    let api = if positional.first().is_some_and(|word| word == "public") {
        positional.remove(0);
        Api::Public
    } else {
        Api::Ecr
    };
    let program = api.program();
    let action = match positional.first().map(String::as_str) {
        _ if version && positional.is_empty() && api == Api::Ecr => Action::Version,
        None if help || flags.is_empty() => Action::Help(crate::parsing::help::overview(api)),
        None => return Err(format!("no command before --{}; see `{program} --help`", flags[0].name)),
        Some("help") => Action::Help(crate::parsing::help::topic(api, positional.get(1).map(String::as_str))?),
        Some(_) if help => Action::Help(crate::parsing::help::topic_of(api, &positional)?),
        Some("completion") if api == Api::Ecr => match positional.get(1).map(String::as_str) {
            Some(shell @ ("bash" | "zsh" | "fish")) => Action::Completion(shell.to_owned()),
            _ => return Err("usage: ecr completion bash|zsh|fish".into()),
        },
        Some("get-login-password") => {
            no_more(&positional, 1)?;
            if let Some(flag) = flags.first() {
                return Err(format!("get-login-password: unknown flag --{}", flag.name));
            }
            Action::GetLoginPassword
        }
        Some("get-login") if api == Api::Ecr => {
            no_more(&positional, 1)?;
            let mut registry_ids = Vec::new();
            for flag in flags {
                match flag.name.as_str() {
                    "registry-ids" if !flag.words.is_empty() => registry_ids.extend(flag.words),
                    "registry-ids" => return Err("--registry-ids needs one or more values".into()),
                    // The AWS CLI v1's flags for the `docker login` command it
                    // prints, which ecr does not print.
                    "include-email" | "no-include-email" => {
                        return Err(format!(
                            "get-login --{}: ecr prints no `docker login` command (it would carry the password \
                             where ps and shell history see it); log in with `ecr get-login-password | docker \
                             login --username AWS --password-stdin REGISTRY`",
                            flag.name
                        ))
                    }
                    other => return Err(format!("get-login: unknown flag --{other}")),
                }
            }
            Action::GetLogin { registry_ids }
        }
        Some("push" | "pull" | "copy") if api == Api::Ecr => Action::Move(Box::new(crate::transfer::parse(
            &positional,
            flags.into_iter().map(|f| (f.name, f.words)).collect(),
        )?)),
        Some("wait") if !api.waits().is_empty() => {
            let usage = || format!("usage: {program} wait <{}> ...", wait_names(api));
            let name = positional.get(1).ok_or_else(usage)?;
            no_more(&positional, 2)?;
            let wait = api
                .waits()
                .iter()
                .find(|w| w.name == name)
                .ok_or_else(|| format!("unknown waiter {name:?}; expected one of: {}", wait_names(api)))?;
            let command = api.command(wait.command)?;
            let mut flags = flags;
            spelled_out(command, &mut flags, false)?;
            let (input, _) = operation_input(command, flags, false, globals.binary_format)?;
            Action::Wait { wait, input }
        }
        Some(name) => {
            let command = api.command(name)?;
            no_more(&positional, 1)?;
            let mut flags = flags;
            spelled_out(command, &mut flags, command.paging.is_some())?;
            if let Some(flag) = flags.iter().find(|f| f.name == "generate-cli-skeleton") {
                match flag.words.as_slice() {
                    [] => {}
                    [kind] if kind == "input" => {}
                    [kind] if kind == "output" || kind == "yaml-input" => {
                        return Err(format!(
                            "--generate-cli-skeleton {kind} is refused: ecr writes the input's JSON skeleton \
                             (`--generate-cli-skeleton` or `input`), which --cli-input-json reads"
                        ))
                    }
                    _ => {
                        return Err("argument --generate-cli-skeleton: Found invalid choice; choose from input, \
                                    yaml-input, output"
                            .into())
                    }
                }
                return Ok(Invocation { api, globals, action: Action::Skeleton(command) });
            }
            let (input, pages) = operation_input(command, flags, true, globals.binary_format)?;
            Action::Call { command, input, pages }
        }
    };
    Ok(Invocation { api, globals, action })
}

/// The input of `command` from its flags (spelled out); paging flags too
/// where it pages.
fn operation_input(
    command: &'static Command,
    flags: Vec<Flag>,
    paging: bool,
    binary: input::BinaryFormat,
) -> Result<(Map<String, Value>, Pages), String> {
    let name = command.name;
    let mut input = Map::new();
    let mut from_flags = Map::new();
    let mut pages = Pages::default();
    let paginated = paging && command.paging.is_some();
    for flag in flags {
        let single = |flag: &Flag| match flag.words.as_slice() {
            [word] => Ok(word.clone()),
            _ => Err(format!("{name}: --{} takes one value", flag.name)),
        };
        let count = |flag: &Flag| {
            let word = single(flag)?;
            let number =
                word.parse::<i64>().map_err(|_| format!("argument --{}: invalid int value: '{word}'", flag.name))?;
            u64::try_from(number)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name}: --{} must be a whole number above 0", flag.name))
        };
        match flag.name.as_str() {
            "cli-input-json" => input = input::cli_input_json(command.input, &single(&flag)?)?,
            "cli-input-yaml" => {
                return Err("--cli-input-yaml is refused: ecr reads its input as JSON, \
                    --cli-input-json (`--generate-cli-skeleton` writes one)"
                    .into())
            }
            "max-items" if paginated => pages.max_items = Some(count(&flag)?),
            "page-size" if paginated => pages.page_size = Some(count(&flag)?),
            "starting-token" if paginated => pages.starting_token = Some(single(&flag)?),
            flag_name => {
                let (member, negated) = command
                    .members()
                    .iter()
                    .find_map(|m| match flag_name.strip_prefix("no-") {
                        Some(rest) if rest == m.flag && matches!(m.shape, Shape::Boolean) => Some((m, true)),
                        _ => (flag_name == m.flag).then_some((m, false)),
                    })
                    .ok_or_else(|| format!("{name}: unknown flag --{flag_name} (see `ecr {name} --help`)"))?;
                let value = match member.shape {
                    Shape::Boolean if flag.words.is_empty() => Value::Bool(!negated),
                    Shape::Boolean => return Err(format!("{name}: --{flag_name} takes no value")),
                    // A file that cannot be read: the AWS CLI's message as it is.
                    _ => input::flag_value(member, &flag.words, binary).map_err(|e| {
                        if e.starts_with(input::UNLOADABLE) {
                            e
                        } else {
                            format!("{name}: {e}")
                        }
                    })?,
                };
                match (from_flags.get_mut(member.name), value) {
                    (Some(Value::Array(earlier)), Value::Array(more)) => earlier.extend(more),
                    (Some(_), _) => return Err(format!("{name}: --{flag_name} is given twice")),
                    (None, value) => {
                        from_flags.insert(member.name.to_owned(), value);
                    }
                }
            }
        }
    }
    input.extend(from_flags);
    let missing: Vec<String> = command
        .members()
        .iter()
        .filter(|m| m.required && !input.contains_key(m.name))
        .map(|m| format!("--{}", m.flag))
        .collect();
    if !missing.is_empty() {
        return Err(format!("the following arguments are required: {}", missing.join(", ")));
    }
    Ok((input, pages))
}

/// `flags` with their abbreviations spelled out as `command`'s parser
/// takes them; flags that name no option are refused, all of them.
fn spelled_out(command: &Command, flags: &mut [Flag], paginated: bool) -> Result<(), String> {
    let options = operation_options(command, paginated);
    let mut unknown = Vec::new();
    for flag in flags {
        match prefix::expand(&flag.typed, options.iter().map(String::as_str))? {
            Some(option) => flag.name = option.to_owned(),
            None => unknown.extend(std::iter::once(format!("--{}", flag.name)).chain(flag.words.iter().cloned())),
        }
    }
    match unknown.is_empty() {
        true => Ok(()),
        false => Err(format!("{UNKNOWN_OPTIONS}{}", unknown.join(", "))),
    }
}

/// How an error about flags that name no option begins, as the AWS CLI's.
pub const UNKNOWN_OPTIONS: &str = "Unknown options: ";

/// An operation's flags in the order the AWS CLI's parser registers them
/// (the order an ambiguity lists them in): the members (`--no-X` after a
/// boolean `--X`), then the input files, the paging flags, the skeleton.
fn operation_options(command: &Command, paginated: bool) -> Vec<String> {
    let mut options = Vec::new();
    for member in command.members() {
        options.push(member.flag.to_owned());
        if matches!(member.shape, Shape::Boolean) {
            options.push(format!("no-{}", member.flag));
        }
    }
    let mut more = vec!["cli-input-json", "cli-input-yaml"];
    if let Some(paging) = command.paging.as_ref().filter(|_| paginated) {
        more.push("starting-token");
        more.extend(paging.page_size.map(|_| "page-size"));
        more.push("max-items");
    }
    more.extend(["generate-cli-skeleton", "help"]);
    options.extend(more.into_iter().map(str::to_owned));
    options
}

/// The longest timeout a flag takes: a year (0 means no limit).
const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

fn seconds(flag: &str, text: &str) -> Result<Duration, String> {
    let value = text.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0);
    let value = value.ok_or_else(|| format!("--{flag} must be a number of seconds, not {text:?}"))?;
    if value > MAX_SECONDS {
        return Err(format!("--{flag} must be at most {MAX_SECONDS} seconds (a year; 0 means no limit), not {text}"));
    }
    Duration::try_from_secs_f64(value).map_err(|e| format!("--{flag}: {e}"))
}

fn no_more(positional: &[String], expected: usize) -> Result<(), String> {
    match positional.get(expected) {
        Some(extra) => Err(format!("unexpected argument {extra:?} after `{}`", positional[..expected].join(" "))),
        None => Ok(()),
    }
}

fn wait_names(api: Api) -> String {
    api.waits().iter().map(|w| w.name).collect::<Vec<_>>().join("|")
}
