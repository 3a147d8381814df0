//! What a command runs on: the client, configured from the global flags and
//! then as the AWS CLI configures itself, and the async runtime.

use crate::call::OnPoll;
use crate::parsing::commands::Api;
use crate::parsing::globals::Globals;
use crate::Failure;
use ecr_client::runtime::Environment;
use ecr_client::{Client, Config, ConfigBuilder, ConfigError};
use serde_json::Value;
use std::time::Duration;

/// What "no limit" means for a timeout: long enough never to matter, short
/// enough that deadlines computed from it cannot overflow.
const NO_LIMIT: Duration = Duration::from_secs(365 * 24 * 3600);

/// A client of the service a command calls.
pub enum ServiceClient {
    /// Amazon ECR's.
    Ecr(Client),
    /// Amazon ECR Public's.
    Public(ecr_public_client::Client),
}

impl ServiceClient {
    /// Sends `operation` with `input`, the JSON of its input; the answer's
    /// body as the service sent it.
    pub async fn send(&self, operation: &str, input: Value) -> Result<bytes::Bytes, Failure> {
        match self {
            Self::Ecr(client) => crate::generated::send(client, operation, input).await,
            Self::Public(client) => crate::generated_public::send(client, operation, input).await,
        }
    }

    /// Runs the waiter `waiter` on `input`.
    pub async fn wait(&self, waiter: &str, input: Value, progress: OnPoll) -> Result<(), Failure> {
        match self {
            Self::Ecr(client) => crate::generated::wait(client, waiter, input, progress).await,
            Self::Public(client) => crate::generated_public::wait(client, waiter, input, progress).await,
        }
    }
}

/// A client of `api`, configured from the global flags, then as the AWS
/// CLI would be.
pub async fn client(globals: &Globals, api: Api) -> Result<ServiceClient, Failure> {
    // The command line checks what the AWS CLI checks, in its words; the
    // service judges the rest, as it does for the AWS CLI.
    let builder = configured(globals, Config::builder()).input_checks(ecr_client::runtime::InputChecks::Minimums);
    let env = Environment::from_process();
    Ok(match api {
        Api::Ecr => ServiceClient::Ecr(Client::load_with(builder, &env).await.map_err(config_failure)?),
        Api::Public => {
            ServiceClient::Public(ecr_public_client::Client::load_with(builder, &env).await.map_err(config_failure)?)
        }
    })
}

/// An ECR client configured from `builder`'s settings and the global flags
/// (they win), then as the AWS CLI would be.
pub async fn client_with(globals: &Globals, builder: ConfigBuilder) -> Result<Client, Failure> {
    Client::load_with(configured(globals, builder), &Environment::from_process()).await.map_err(config_failure)
}

/// An ECR Public client configured as [`client_with`] configures ECR's.
pub async fn public_client_with(
    globals: &Globals,
    builder: ConfigBuilder,
) -> Result<ecr_public_client::Client, Failure> {
    let builder = configured(globals, builder);
    ecr_public_client::Client::load_with(builder, &Environment::from_process()).await.map_err(config_failure)
}

/// `builder` with the global flags' settings (they win).
fn configured(globals: &Globals, builder: ConfigBuilder) -> ConfigBuilder {
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
    if let Some(path) = &globals.ca_bundle {
        builder = builder.ca_bundle(path);
    }
    let limit = |timeout: Duration| if timeout.is_zero() { NO_LIMIT } else { timeout };
    if let Some(timeout) = globals.read_timeout {
        builder = builder.attempt_timeout(limit(timeout)).operation_timeout(NO_LIMIT);
    }
    if let Some(timeout) = globals.connect_timeout {
        builder = builder.connect_timeout(limit(timeout));
    }
    builder
}

fn config_failure(error: ConfigError) -> Failure {
    let message = match error {
        // The library's message names its builder; a shell user wants the
        // flag, the variables and the command that set one.
        ConfigError::MissingRegion(_) => "You must specify a region: use --region, set AWS_REGION or \
            AWS_DEFAULT_REGION, or configure one with `aws configure set region REGION` (add --profile NAME for a \
            profile)"
            .to_owned(),
        // Unknown profiles and malformed regions or endpoints: the AWS
        // CLI's general errors.
        // v2's words first, where it has some.
        ConfigError::Profile(why) => {
            // v2's sentence on the first line, where it looked on the next.
            let message = match why.strip_prefix("the config profile").and_then(|rest| rest.split_once(" in ")) {
                Some((name, rest)) => format!("The config profile{name}\nLooked in {rest}"),
                None => why,
            };
            return Failure { message, ..Failure::new(Failure::OTHER, "") };
        }
        e @ (ConfigError::InvalidRegion(_) | ConfigError::InvalidEndpoint(..)) => {
            return Failure::new(Failure::OTHER, e.to_string())
        }
        e => e.to_string(),
    };
    Failure::new(Failure::CONFIGURATION, message)
}

/// A runtime on this thread: each command makes one call, or a few in turn.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Failure::OTHER, format!("cannot start the async runtime: {e}")))
}

/// Upload parts and request bodies (10 and 13 MiB) straight from mmap, and
/// back when freed: glibc's threshold otherwise grows past them, its
/// per-thread arenas keep the freed ones, and peak memory grows with the
/// image (`cargo xtask image-bench`: 189 MiB against 109 for 2 GiB).
pub fn return_large_buffers_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before any
    // thread of the runtime exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// A runtime with a worker thread per core.
pub fn multi_thread_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Failure::OTHER, format!("cannot start the async runtime: {e}")))
}
