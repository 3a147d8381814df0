//! The `ecr` command: parse, build a client the way the AWS CLI configures
//! itself, run, print, and exit with the AWS CLI's codes.

use crate::args::{self, Action, Globals, Invocation};
use crate::output::{self, Object};
use crate::progress::Progress;
use crate::{generated, help, input, Failure};
use ecr_client::runtime::Environment;
use ecr_client::{Client, Config};
use serde_json::Value;
use std::ffi::OsString;
use std::io::Write as _;
use std::time::Duration;

/// What "no limit" means for a timeout: long enough never to matter, short
/// enough that deadlines computed from it cannot overflow.
const NO_LIMIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// Runs `ecr` with `args` (without the program name); what it printed went
/// to stdout and stderr, and the result is the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> u8 {
    match run(args) {
        Ok(()) => 0,
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "ecr: {failure}");
            failure.code
        }
    }
}

fn run(args: impl IntoIterator<Item = OsString>) -> Result<(), Failure> {
    let args = args
        .into_iter()
        .map(|a| a.into_string().map_err(|a| Failure::usage(format!("argument {a:?} is not UTF-8"))))
        .collect::<Result<Vec<_>, _>>()?;
    let Invocation { globals, action } = args::parse(&args).map_err(Failure::usage)?;
    if globals.debug {
        crate::debug_log::install();
    }
    match action {
        Action::Version => {
            print(&format!("ecr {} (ecr-client, Amazon ECR API 2015-09-21)\n", env!("CARGO_PKG_VERSION")))
        }
        Action::Help(text) => print(&text),
        Action::Completion(shell) => print(&help::completion(&shell)),
        Action::Skeleton(command) => print_json(&input::skeleton(command.input, 0).to_string(), false),
        // Moving images hashes and encodes blobs: on every core.
        Action::Move(parsed) => {
            return_large_buffers_to_the_system();
            multi_thread_runtime()?.block_on(crate::transfer::run(&globals, *parsed))
        }
        action => runtime()?.block_on(call(&globals, action)),
    }
}

/// The actions that call the service.
async fn call(globals: &Globals, action: Action) -> Result<(), Failure> {
    let client = client(globals).await?;
    match action {
        Action::Call { command, input, pages } => {
            let explicit_token = command.paging.as_ref().is_some_and(|p| {
                input.contains_key(p.input_token) || p.page_size.is_some_and(|size| input.contains_key(size))
            });
            let json = match &command.paging {
                // As the AWS CLI: a token or limit given by hand means one page.
                Some(paging) if !globals.no_paginate && !explicit_token => {
                    let paged = crate::paging::all_pages(&client, command, paging, input, &pages).await?;
                    if globals.text {
                        return print_pages(&paged);
                    }
                    paged.merged
                }
                _ => {
                    let body = generated::send(&client, command.operation, Value::Object(input)).await?;
                    let text = std::str::from_utf8(&body)
                        .map_err(|_| Failure::new(Failure::OTHER, "the answer is not UTF-8"))?;
                    // Checked, so a garbled answer is an error, not output.
                    let object = Object::parse(text).map_err(|e| {
                        Failure::new(Failure::OTHER, format!("{}: garbled answer: {e}", command.operation))
                    })?;
                    object.to_json()
                }
            };
            print_json(&json, globals.text)
        }
        Action::Wait { wait, input } => {
            let mut progress = Progress::on_stderr();
            let on_poll = Box::new(move |poll: &ecr_client::runtime::Poll<'_>| {
                let state = poll.state.unwrap_or("no state yet");
                progress.show(&format!("{}: {state} after {:.0?} ({} polls)", poll.waiter, poll.elapsed, poll.polls));
            });
            generated::wait(&client, wait.waiter, Value::Object(input), on_poll).await
        }
        Action::GetLoginPassword => {
            let login = login(&client, Vec::new()).await?;
            print(&format!("{}\n", login.password))
        }
        Action::GetLogin { registry_ids } => {
            let login = login(&client, registry_ids).await?;
            let json = serde_json::json!({
                "registry": login.registry,
                "proxyEndpoint": login.proxy_endpoint,
                "username": login.username,
                "expiresAt": login.expires_at.map(|t| t.to_string()),
            });
            print_json(&json.to_string(), globals.text)
        }
        Action::Version | Action::Help(_) | Action::Completion(_) | Action::Skeleton(_) | Action::Move(_) => {
            unreachable!("answered without a client")
        }
    }
}

/// The first registry login GetAuthorizationToken gives.
async fn login(client: &Client, registry_ids: Vec<String>) -> Result<ecr_client::RegistryLogin, Failure> {
    let mut request = client.get_authorization_token();
    if !registry_ids.is_empty() {
        // Deprecated by the service (a token serves every registry), but
        // `aws ecr get-login --registry-ids` still sends it, and the answer's
        // proxyEndpoint names the registry asked for.
        #[allow(deprecated)]
        {
            request = request.registry_ids(registry_ids);
        }
    }
    let answer = request.send().await.map_err(Failure::from_sdk)?;
    let logins = answer.logins().map_err(|e| Failure::new(Failure::OTHER, e.to_string()))?;
    logins.into_iter().next().ok_or_else(|| Failure::new(Failure::OTHER, "GetAuthorizationToken gave no login"))
}

/// A client configured from the global flags, then as the AWS CLI would be.
pub async fn client(globals: &Globals) -> Result<Client, Failure> {
    client_with(globals, Config::builder()).await
}

/// A client configured from `builder`'s settings and the global flags (they
/// win), then as the AWS CLI would be.
pub async fn client_with(globals: &Globals, builder: ecr_client::ConfigBuilder) -> Result<Client, Failure> {
    let env = Environment::from_process();
    let mut builder = builder.mfa_prompt(crate::mfa::terminal_prompt());
    if let Some(profile) = &globals.profile {
        // Explicit, as the AWS CLI takes it: the environment's keys are off.
        builder = builder.profile(profile);
    }
    if let Some(region) = &globals.region {
        builder = builder.region(region);
    }
    if let Some(url) = &globals.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    let limit = |timeout: Duration| if timeout.is_zero() { NO_LIMIT } else { timeout };
    if let Some(timeout) = globals.read_timeout {
        builder = builder.attempt_timeout(limit(timeout)).operation_timeout(NO_LIMIT);
    }
    if let Some(timeout) = globals.connect_timeout {
        builder = builder.connect_timeout(limit(timeout));
    }
    Client::load_with(builder, &env).await.map_err(|e| {
        let message = match e {
            // The library's message names its builder; a shell user wants
            // the flag, the variables and the command that set one.
            ecr_client::ConfigError::MissingRegion(_) => "You must specify a region: use --region, set AWS_REGION or \
                AWS_DEFAULT_REGION, or configure one with `aws configure set region REGION` (add --profile NAME for \
                a profile)"
                .to_owned(),
            e => e.to_string(),
        };
        Failure::new(Failure::CONFIGURATION, message)
    })
}

/// A runtime on this thread: each command makes one call, or a few in turn.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Failure::OTHER, format!("cannot start the async runtime: {e}")))
}

/// Upload parts and request bodies (10 and 13 MiB) straight from mmap, and
/// back when freed: glibc's threshold otherwise grows past them, its
/// per-thread arenas keep the freed ones, and peak memory grows with the
/// image (`cargo xtask image-bench`: 189 MiB against 109 for 2 GiB).
fn return_large_buffers_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before any
    // thread of the runtime exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// A runtime with a worker thread per core.
fn multi_thread_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Failure::OTHER, format!("cannot start the async runtime: {e}")))
}

/// Prints an answer; an empty one prints nothing, as with the AWS CLI.
pub(crate) fn print_json(json: &str, text: bool) -> Result<(), Failure> {
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
fn print_pages(paged: &crate::paging::Paged) -> Result<(), Failure> {
    let mut out: String = paged.pages.iter().map(output::text).collect();
    if let Some(token) = &paged.next_token {
        out.push_str(&output::text(&serde_json::json!({ "NextToken": { "NextToken": token } })));
    }
    print(&out)
}

/// Writes to stdout; a closed pipe (`ecr ... | head`) is not an error.
fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::new(Failure::OTHER, format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
