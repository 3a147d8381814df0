//! The `ecr` command: parse, build a client the way the AWS CLI configures
//! itself, run, print, and exit with the AWS CLI's codes.

use crate::output::json;
use crate::output::{print, print_answer, print_json, print_pages, print_yaml_stream};
use crate::parsing::commands::Api;
use crate::parsing::globals::{Format, Globals};
use crate::parsing::{self, Action, Invocation};
use crate::parsing::{help, input};
use crate::progress::Progress;
use crate::session::{client, multi_thread_runtime, return_large_buffers_to_the_system, runtime, ServiceClient};
use crate::Failure;
use ecr_client::runtime::Environment;
use ecr_client::Client;
use serde_json::Value;
use std::ffi::OsString;
use std::io::Write as _;

/// Runs `ecr` with `args` (without the program name); what it printed went
/// to stdout and stderr, and the result is the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> u8 {
    match run(args) {
        Ok(()) => 0,
        Err(failure) => {
            let _ = write!(std::io::stderr(), "{}", failure.rendered("ecr"));
            failure.code
        }
    }
}

fn run(args: impl IntoIterator<Item = OsString>) -> Result<(), Failure> {
    let args = args
        .into_iter()
        .map(|a| a.into_string().map_err(|a| Failure::usage(format!("argument {a:?} is not UTF-8"))))
        .collect::<Result<Vec<_>, _>>()?;
    let Invocation { api, globals, action } = parsing::parse(&args).map_err(Failure::command_line)?;
    // Only what prints an answer reads the configured format (a bad one
    // does not stop `--version` or help).
    let prints_answer = matches!(action, Action::Call { .. } | Action::GetLogin { .. } | Action::Move(_));
    let globals = match prints_answer {
        true => globals.with_configured_output(&Environment::from_process())?,
        false => globals,
    };
    if globals.debug {
        crate::debug_log::install();
    }
    // Answers of the service's operations page on a terminal, as in v2.
    if matches!(action, Action::Call { .. } | Action::GetLogin { .. }) {
        crate::output::pager::install(&globals.pager)?;
    }
    match action {
        Action::Version => {
            print(&format!("ecr {} (ecr-client, Amazon ECR API 2015-09-21)\n", env!("CARGO_PKG_VERSION")))
        }
        Action::Help(text) => print(&text),
        Action::Completion(shell) => print(&help::completion(&shell)),
        Action::Skeleton(command) => {
            print(&format!("{}\n", json::pretty(&input::skeleton(command.input, 0).to_string())))
        }
        // Moving images hashes and encodes blobs: on every core.
        Action::Move(parsed) => {
            return_large_buffers_to_the_system();
            multi_thread_runtime()?.block_on(crate::transfer::run(&globals, *parsed))
        }
        action => runtime()?.block_on(call(api, &globals, action)),
    }
}

/// The actions that call the service.
async fn call(api: Api, globals: &Globals, action: Action) -> Result<(), Failure> {
    let client = client(globals, api).await?;
    match action {
        Action::Call { command, input, pages } => {
            let explicit_token = command.paging.as_ref().is_some_and(|p| {
                input.contains_key(p.input_token) || p.page_size.is_some_and(|size| input.contains_key(size))
            });
            let json = match &command.paging {
                // As the AWS CLI: a token or limit given by hand means one page.
                Some(paging) if !globals.no_paginate && !explicit_token => {
                    let paged = crate::output::paging::all_pages(
                        &client,
                        command,
                        paging,
                        input,
                        &pages,
                        globals.timestamp_format,
                    )
                    .await?;
                    match globals.format() {
                        Format::Text => return print_pages(&paged, globals.query.as_deref()),
                        Format::YamlStream => return print_yaml_stream(&paged, globals.query.as_deref()),
                        _ => {}
                    }
                    paged.merged
                }
                _ => {
                    let body = client.send(command.operation, Value::Object(input)).await?;
                    crate::output::arrived(command, &body, globals.timestamp_format)?.to_json()
                }
            };
            print_answer(&json, globals, command.operation)
        }
        Action::Wait { wait, input } => {
            let mut progress = Progress::on_stderr();
            let on_poll = Box::new(move |poll: &ecr_client::runtime::Poll<'_>| {
                let state = poll.state.unwrap_or("no state yet");
                progress.show(&format!("{}: {state} after {:.0?} ({} polls)", poll.waiter, poll.elapsed, poll.polls));
            });
            client.wait(wait.waiter, Value::Object(input), on_poll).await
        }
        Action::GetLoginPassword => {
            let password = match &client {
                ServiceClient::Ecr(client) => login(client, Vec::new()).await?.password,
                ServiceClient::Public(client) => public_login(client).await?.password,
            };
            print(&format!("{password}\n"))
        }
        Action::GetLogin { registry_ids } => {
            let ServiceClient::Ecr(client) = &client else { unreachable!("ECR Public has no get-login") };
            let login = login(client, registry_ids).await?;
            let json = serde_json::json!({
                "registry": login.registry,
                "proxyEndpoint": login.proxy_endpoint,
                "username": login.username,
                "expiresAt": login.expires_at.map(|t| t.to_string()),
            });
            print_json(&json.to_string(), globals, "GetLogin")
        }
        Action::Version | Action::Help(_) | Action::Completion(_) | Action::Skeleton(_) | Action::Move(_) => {
            unreachable!("answered without a client")
        }
    }
}

/// ECR Public's registry login.
async fn public_login(client: &ecr_public_client::Client) -> Result<ecr_public_client::RegistryLogin, Failure> {
    let answer = client.get_authorization_token().send().await.map_err(Failure::from_sdk)?;
    answer.login().map_err(|e| Failure::new(Failure::OTHER, e.to_string()))
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
