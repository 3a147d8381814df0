//! Help text from the document's documentation, and shell completions from
//! the command table.

use crate::parsing::commands::Api;
use crate::parsing::schema::{Command, Member, Shape, Wait};
use std::fmt::Write as _;

/// Commands written by hand beside the generated ones: name and summary.
const EXTRA_COMMANDS: &[(&str, &str)] = &[
    ("wait", "Waits for a state: `ecr wait --help` lists the waiters."),
    ("get-login-password", "Prints a password for `docker login --username AWS --password-stdin`."),
    ("get-login", "Prints the registry, user name and expiry of a login as JSON (never the password)."),
    (
        "push",
        "Pushes an image with ECR's API alone (no Docker, no registry login): `ecr push SOURCE DEST`. \
        SOURCE is an OCI image layout directory (DIR, or DIR:NAME for the index.json entry NAME), an OCI archive, \
        or a `docker save` tarball of Docker 25 or later; DEST is REPO[:TAG] in the configured registry or \
        ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG], or public.ecr.aws/ALIAS/REPO[:TAG] in your ECR Public \
        registry (through ECR Public's API in us-east-1). Blobs the repository has are skipped. Flags: --jobs N (blobs at \
        once, default 4), --dry-run (say what would move). Prints imageDigest, layersUploaded, layersSkipped, \
        bytesUploaded.",
    ),
    (
        "pull",
        "Pulls an image with ECR's API alone: `ecr pull SOURCE DEST`, into the OCI layout directory DEST \
        (the default, --format oci) or a tarball for `docker load` (--format docker). The tag is resolved once, \
        then everything is fetched by digest and checked. Flags: --platform OS/ARCH[/VARIANT] (one image of an \
        index), --jobs N, --dry-run.",
    ),
    (
        "copy",
        "Copies an image between repositories, regions and accounts: `ecr copy SOURCE DEST`; blobs the \
        destination lacks stream from the source without touching disk, digests are kept. DEST may be \
        public.ecr.aws/ALIAS/REPO[:TAG] in your ECR Public registry. Flags: --all-tags \
        (every tag of the SOURCE repository), --platform, --jobs N, --dry-run.",
    ),
    ("public", "Amazon ECR Public's commands (public.ecr.aws): `ecr public --help` lists them."),
    ("completion", "Prints shell completions: `ecr completion bash|zsh|fish`."),
    ("help", "Shows help for a command: `ecr help <command>`."),
];

/// ECR Public's hand-written commands.
const PUBLIC_EXTRA_COMMANDS: &[(&str, &str)] = &[
    ("get-login-password", "Prints a password for `docker login --username AWS --password-stdin public.ecr.aws`."),
    ("help", "Shows help for a command: `ecr public help <command>`."),
];

fn extra_commands(api: Api) -> &'static [(&'static str, &'static str)] {
    match api {
        Api::Ecr => EXTRA_COMMANDS,
        Api::Public => PUBLIC_EXTRA_COMMANDS,
    }
}

/// The global flags, with what they take and do.
const GLOBAL_FLAGS: &[(&str, &str)] = &[
    ("--region REGION", "The region to call (default: AWS_REGION, then the profile's)."),
    ("--profile NAME", "The profile of ~/.aws/config and ~/.aws/credentials to use."),
    ("--endpoint-url URL", "Send requests to this URL instead of the region's endpoint."),
    ("--output FORMAT", "json (the default), text, table, yaml or yaml-stream, as the AWS CLI v2 prints them."),
    ("--color on|off|auto", "Colour tables (auto: on a terminal)."),
    ("--query EXPRESSION", "A JMESPath expression the answer goes through before it is printed, as the AWS CLI applies it."),
    ("--ca-bundle PATH", "Trust the certificates of this PEM file instead of the system's (default: AWS_CA_BUNDLE, then the profile's ca_bundle)."),
    ("--debug", "Log what the client does to stderr (never secrets)."),
    ("--cli-read-timeout SECONDS", "How long an attempt may wait for its answer (0: no limit)."),
    ("--cli-connect-timeout SECONDS", "How long a connection may take (0: no limit)."),
    ("--no-paginate", "Fetch only the first page of a paginated operation."),
    ("--no-cli-pager", "Write to the terminal, not through the pager (AWS_PAGER, cli_pager, PAGER, less)."),
    ("--cli-binary-format base64|raw-in-base64-out", "What a blob flag's text is (default: base64)."),
    ("--version", "Print the version."),
];

/// `ecr --help`, `ecr public --help`.
pub fn overview(api: Api) -> String {
    let program = api.program();
    let about = match api {
        Api::Ecr => "A command-line tool for Amazon ECR: every operation, waiters, and registry logins.",
        Api::Public => "Amazon ECR Public (public.ecr.aws): every operation, and registry logins.",
    };
    let mut out = format!("usage: {program} [global flags] <command> [flags]\n\n{about}\n\nCommands:\n");
    let commands = api.commands();
    let width = commands.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let extra = extra_commands(api).iter().map(|(n, t)| (*n, t.to_string()));
    for (name, text) in commands.iter().map(|c| (c.name, summary(c.docs))).chain(extra) {
        let _ = writeln!(out, "  {name:width$}  {text}");
    }
    out += "\nGlobal flags:\n";
    global_flags(&mut out);
    let _ = writeln!(out, "\n`{program} <command> --help` shows a command's flags and documentation.");
    out
}

/// `ecr help [TOPIC]`.
pub fn topic(api: Api, name: Option<&str>) -> Result<String, String> {
    match name {
        None => Ok(overview(api)),
        Some(name) => topic_of(api, &[name.to_owned()]),
    }
}

/// `ecr <words> --help`.
pub fn topic_of(api: Api, words: &[String]) -> Result<String, String> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let waits = api.waits();
    match words.as_slice() {
        ["wait"] if !waits.is_empty() => Ok(waits_help(api)),
        ["wait", name, ..] if !waits.is_empty() => {
            let wait = waits.iter().find(|w| w.name == *name).ok_or_else(|| format!("unknown waiter {name:?}"))?;
            Ok(wait_help(api, wait))
        }
        [name, ..] => match extra_commands(api).iter().find(|(n, _)| n == name) {
            Some((name, text)) => Ok(format!("{} {name}\n\n{}\n", api.program(), wrap(text, 0))),
            None => Ok(command_help(api, api.command(name)?)),
        },
        [] => Ok(overview(api)),
    }
}

fn waits_help(api: Api) -> String {
    let mut out = format!("usage: {} wait <waiter> [flags]\n\nWaiters:\n", api.program());
    for wait in api.waits() {
        let _ = writeln!(out, "  {}\n{}", wait.name, wrap(wait.docs, 6));
    }
    out
}

fn wait_help(api: Api, wait: &Wait) -> String {
    let command = api.command(wait.command).expect("the generator names existing commands");
    let mut out = format!(
        "usage: {} wait {} [flags]\n\n{}\n\nFlags (those of {}):\n",
        api.program(),
        wait.name,
        wrap(wait.docs, 0),
        command.name
    );
    members(&mut out, command.members());
    out += "\nExits 0 when the state is reached, 255 on a failure state or when the wait times out.\n";
    out
}

/// `ecr <command> --help`: the operation's documentation and every flag's.
pub fn command_help(api: Api, command: &Command) -> String {
    let program = api.program();
    let mut out = format!("usage: {program} {} [flags]\n\n{}\n\nFlags:\n", command.name, wrap(command.docs, 0));
    members(&mut out, command.members());
    out += "  --cli-input-json JSON|file://PATH\n      The whole input as JSON; flags given too win over it.\n";
    out += "  --generate-cli-skeleton\n      Print a JSON template of the input and exit.\n";
    if let Some(paging) = &command.paging {
        out += "\nPaging: every page is fetched and the lists merged unless --no-paginate is given.\n";
        out += "  --max-items N\n      Stop after N items; the answer's NextToken resumes.\n";
        out += "  --starting-token TOKEN\n      Resume from an earlier answer's NextToken.\n";
        if paging.page_size.is_some() {
            out += "  --page-size N\n      Ask for N items a page.\n";
        }
    }
    out += "\nGlobal flags:\n";
    global_flags(&mut out);
    out
}

fn members(out: &mut String, members: &[Member]) {
    if members.is_empty() {
        *out += "  (none)\n";
    }
    for member in members {
        let required = if member.required { ", required" } else { "" };
        let flag = match member.shape {
            Shape::Boolean => format!("--{0} | --no-{0}", member.flag),
            _ => format!("--{}", member.flag),
        };
        let _ = writeln!(out, "  {flag} ({}{required})", member.shape.describe());
        if !member.docs.is_empty() {
            let _ = writeln!(out, "{}", wrap(member.docs, 6));
        }
        if let Shape::Structure(inner) | Shape::List(Shape::Structure(inner)) = member.shape {
            let names: Vec<&str> = inner.iter().map(|m| m.name).collect();
            let _ = writeln!(out, "{}", wrap(&format!("JSON members: {}.", names.join(", ")), 6));
        }
    }
}

fn global_flags(out: &mut String) {
    for (flag, text) in GLOBAL_FLAGS {
        let _ = writeln!(out, "  {flag}\n{}", wrap(text, 6));
    }
    let note = "Any flag may be given by a prefix that names it alone (--out text), as the AWS CLI takes them.";
    let _ = writeln!(out, "\n{}", wrap(note, 2));
}

/// The first sentence of documentation, for one-line listings.
fn summary(docs: &str) -> String {
    let first = docs.lines().next().unwrap_or_default();
    match first.find(". ") {
        Some(end) => first[..=end].to_owned(),
        None => first.to_owned(),
    }
}

/// Text wrapped at 79 columns with `indent` spaces; paragraphs kept.
fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = pad.clone();
        for word in paragraph.split_whitespace() {
            if line.len() > indent && line.len() + 1 + word.len() > 79 {
                lines.push(std::mem::replace(&mut line, pad.clone()));
            }
            if line.len() > indent {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(if line.trim().is_empty() { String::new() } else { line });
    }
    lines.join("\n")
}

/// Every word completion offers at the command position.
fn command_names() -> Vec<&'static str> {
    Api::Ecr.commands().iter().map(|c| c.name).chain(EXTRA_COMMANDS.iter().map(|(n, _)| *n)).collect()
}

/// The flags completion offers for a command.
fn command_flags(command: &Command) -> Vec<String> {
    let mut flags: Vec<String> = command.members().iter().map(|m| format!("--{}", m.flag)).collect();
    flags.extend(["--cli-input-json", "--generate-cli-skeleton", "--help"].map(String::from));
    if command.paging.is_some() {
        flags.extend(["--max-items", "--starting-token", "--page-size"].map(String::from));
    }
    flags
}

fn global_flag_names() -> Vec<&'static str> {
    GLOBAL_FLAGS.iter().map(|(f, _)| f.split(' ').next().unwrap_or(f)).collect()
}

/// `ecr completion SHELL`: a completion script for bash, zsh or fish.
pub fn completion(shell: &str) -> String {
    match shell {
        "bash" => bash(),
        "zsh" => zsh(),
        _ => fish(),
    }
}

/// What differs between the bash and zsh scripts, whose shape is the same:
/// a `case` on the command word, then on the waiter's.
struct Shell {
    /// The test for "completing the command word" (and the waiter's).
    at_command: &'static str,
    at_waiter: &'static str,
    /// The command word and the waiter word.
    command: &'static str,
    waiter: &'static str,
    /// A statement that sets the candidates to these words.
    set: fn(&str) -> String,
}

fn bash() -> String {
    let shell = Shell {
        at_command: "[ \"$COMP_CWORD\" -eq 1 ]",
        at_waiter: "[ \"$COMP_CWORD\" -eq 2 ]",
        command: "\"${COMP_WORDS[1]}\"",
        waiter: "\"${COMP_WORDS[2]}\"",
        set: |words| format!("words=\"{words}\""),
    };
    let mut out = String::from("# ecr completion for bash: eval \"$(ecr completion bash)\"\n_ecr() {\n");
    out += "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" words=\"\"\n";
    let _ = writeln!(out, "    local globals=\"{}\"", global_flag_names().join(" "));
    out += &cases(&shell);
    out += "        words=\"$words $globals\"\n    fi\n";
    out += "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\ncomplete -F _ecr ecr\n";
    out
}

fn zsh() -> String {
    let shell = Shell {
        at_command: "(( CURRENT == 2 ))",
        at_waiter: "(( CURRENT == 3 ))",
        command: "${words[2]}",
        waiter: "${words[3]}",
        set: |words| format!("candidates=({words})"),
    };
    let mut out =
        String::from("#compdef ecr\n# ecr completion for zsh: ecr completion zsh > \"${fpath[1]}/_ecr\"\n_ecr() {\n");
    out += "    local -a candidates\n";
    let _ = writeln!(out, "    local -a globals=({})", global_flag_names().join(" "));
    out += &cases(&shell);
    out += "        candidates+=($globals)\n    fi\n    compadd -a candidates\n}\n";
    out += "if [[ ${funcstack[1]} == _ecr ]]; then _ecr \"$@\"; else compdef _ecr ecr; fi\n";
    out
}

/// The `if`/`case` body both scripts share, up to setting the globals.
fn cases(shell: &Shell) -> String {
    let set = shell.set;
    let mut out = format!("    if {}; then\n        {}\n", shell.at_command, set(&command_names().join(" ")));
    let _ = writeln!(out, "    else\n        case {} in", shell.command);
    for command in Api::Ecr.commands() {
        let _ = writeln!(out, "            {}) {} ;;", command.name, set(&command_flags(command).join(" ")));
    }
    let names: Vec<&str> = Api::Ecr.waits().iter().map(|w| w.name).collect();
    let _ = writeln!(out, "            wait)\n                if {}; then {}", shell.at_waiter, set(&names.join(" ")));
    let _ = writeln!(out, "                else case {} in", shell.waiter);
    for wait in Api::Ecr.waits() {
        let flags = command_flags(Api::Ecr.command(wait.command).expect("the generator names existing commands"));
        let _ = writeln!(out, "                    {}) {} ;;", wait.name, set(&flags.join(" ")));
    }
    out += "                esac; fi ;;\n";
    let _ = writeln!(out, "            completion) {} ;;", set("bash zsh fish"));
    let _ = writeln!(out, "            get-login) {} ;;", set("--registry-ids"));
    out += "        esac\n";
    out
}

fn fish() -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut out =
        String::from("# ecr completion for fish: ecr completion fish > ~/.config/fish/completions/ecr.fish\n");
    out += "complete -c ecr -f\n";
    for (flag, text) in GLOBAL_FLAGS {
        let name = flag.split(' ').next().unwrap_or(flag).trim_start_matches("--");
        let _ = writeln!(out, "complete -c ecr -l {name} -d {}", quote(text));
    }
    let commands = Api::Ecr.commands().iter().map(|c| (c.name, summary(c.docs)));
    for (name, text) in commands.chain(EXTRA_COMMANDS.iter().map(|(n, t)| (*n, t.to_string()))) {
        let _ = writeln!(out, "complete -c ecr -n __fish_use_subcommand -a {name} -d {}", quote(&text));
    }
    for command in Api::Ecr.commands() {
        for flag in command_flags(command) {
            let _ = writeln!(
                out,
                "complete -c ecr -n '__fish_seen_subcommand_from {}' -l {}",
                command.name,
                flag.trim_start_matches("--")
            );
        }
    }
    for wait in Api::Ecr.waits() {
        let _ = writeln!(
            out,
            "complete -c ecr -n '__fish_seen_subcommand_from wait' -a {} -d {}",
            wait.name,
            quote(&summary(wait.docs))
        );
    }
    out += "complete -c ecr -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n";
    out
}
