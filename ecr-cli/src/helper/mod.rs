//! `docker-credential-ecr-login`: the Docker credential helper protocol
//! (`get`, `list`, `store`, `erase` on stdin and stdout) for private ECR
//! registries and ECR Public (`public.ecr.aws`), with a token cache shared
//! with amazon-ecr-credential-helper.
//!
//! Nothing here writes a password or token anywhere but the protocol's
//! answer on stdout and the private cache file; errors and the debug log
//! (`AWS_ECR_HELPER_DEBUG=1`) name registries and causes only.

pub mod cache;

use cache::{Cache, Entry};
use ecr_client::image::{server_host, Registry};
use ecr_client::runtime::Environment;
use ecr_client::{Client, Config, DateTime};
use std::io::{Read as _, Write as _};
use std::time::SystemTime;

/// The protocol's answer when it has nothing for a server.
pub const NOT_FOUND: &str = "credentials not found in native keychain";

/// Runs one action of the protocol with `input` (stdin's text) in `env`;
/// what goes to stdout, or the error line for stdout with exit code 1.
pub fn run_action(action: &str, input: &str, env: &Environment) -> Result<String, String> {
    let runtime = crate::session::runtime().map_err(|e| e.message)?;
    match action {
        "get" => runtime.block_on(get(input.trim(), env)),
        "list" => runtime.block_on(list(env)),
        // Tokens are temporary and fetched on demand: nothing to keep. As
        // the Go helper: refused, unless AWS_ECR_IGNORE_CREDS_STORAGE=true
        // asks to pretend (so `docker login` to a registry it serves works).
        "store" | "erase" if env.var("AWS_ECR_IGNORE_CREDS_STORAGE") == Some("true") => Ok(String::new()),
        "store" | "erase" => Err("not implemented".into()),
        "version" => Ok(format!("docker-credential-ecr-login (ecr) {}\n", env!("CARGO_PKG_VERSION"))),
        other => {
            Err(format!("unknown action {other:?}; usage: docker-credential-ecr-login <store|get|erase|list|version>"))
        }
    }
}

/// The helper's `main`: reads stdin, answers on stdout, returns the exit code.
pub fn main(args: &[String]) -> u8 {
    let env = Environment::from_process();
    let Some(action) = args.first() else {
        let _ = writeln!(std::io::stdout(), "usage: docker-credential-ecr-login <store|get|erase|list|version>");
        return 1;
    };
    let mut input = String::new();
    if matches!(action.as_str(), "get" | "store" | "erase") {
        if let Err(e) = std::io::stdin().read_to_string(&mut input) {
            let _ = writeln!(std::io::stdout(), "cannot read stdin: {e}");
            return 1;
        }
    }
    match run_action(action, &input, &env) {
        Ok(answer) => {
            let _ = std::io::stdout().write_all(answer.as_bytes());
            0
        }
        Err(message) => {
            let _ = writeln!(std::io::stdout(), "{message}");
            1
        }
    }
}

/// The hosts ECR Public serves images from.
const PUBLIC_HOSTS: &[&str] = &["public.ecr.aws", "ecr-public.aws.com"];

/// ECR Public's API is served from this region alone.
const PUBLIC_REGION: &str = "us-east-1";

/// How long `list` waits for ECR Public's token before listing without it.
const LIST_PUBLIC_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The registry a public login is for, as the Go helper caches and lists it.
const PUBLIC_ENDPOINT: &str = "https://public.ecr.aws";

/// `get`: the user name and password for a registry host: a private ECR
/// registry's from ECR, `public.ecr.aws`'s from ECR Public.
async fn get(server: &str, env: &Environment) -> Result<String, String> {
    let host = server_host(server).unwrap_or_default().to_ascii_lowercase();
    let login = if PUBLIC_HOSTS.contains(&host.as_str()) {
        public_login(server, env).await
    } else if let Some(registry) = Registry::from_server(server) {
        private_login(server, &registry, env).await
    } else {
        debug(env, &format!("{server:?} is not an ECR registry"));
        return Err(NOT_FOUND.into());
    };
    let (username, password) = login.map_err(|message| {
        log_error(&message);
        NOT_FOUND.to_owned()
    })?;
    let answer = serde_json::json!({ "ServerURL": server, "Username": username, "Secret": password });
    Ok(answer.to_string() + "\n")
}

/// A private registry's login: cached per region, identity and account.
async fn private_login(server: &str, registry: &Registry, env: &Environment) -> Result<(String, String), String> {
    let builder = Config::builder().region(&registry.region).use_fips(registry.fips);
    let client =
        Client::load_with(builder, env).await.map_err(|e| format!("cannot configure a client for {server}: {e}"))?;
    let region = client.config().region().to_owned();
    let cache = cache_of(client.config(), env, |dir, key_id| Cache::new(dir, &region, key_id)).await;
    debug(env, &format!("credentials for {} in {region}", registry.account));
    cached_or_fetched(cache.as_ref(), &registry.account, fetch(&client, Some(&registry.account)), env)
        .await
        .map_err(|e| format!("no credentials for {server}: {e}"))
}

/// `public.ecr.aws`'s login, from ECR Public in us-east-1: one per identity,
/// cached under the Go helper's key.
async fn public_login(server: &str, env: &Environment) -> Result<(String, String), String> {
    let client = public_client(env).await.map_err(|e| format!("cannot configure a client for {server}: {e}"))?;
    let cache = cache_of(client.config(), env, Cache::public).await;
    cached_or_fetched(cache.as_ref(), "", fetch_public(&client), env)
        .await
        .map_err(|e| format!("no credentials for {server}: {e}"))
}

async fn public_client(env: &Environment) -> Result<ecr_public_client::Client, ecr_public_client::ConfigError> {
    ecr_public_client::Client::load_with(ecr_public_client::Config::builder().region(PUBLIC_REGION), env).await
}

/// `list`: every cached registry and its user name, after fetching tokens
/// for the caller's own registry in the default region and for ECR Public
/// (as the Go helper). Without a region or credentials it lists the cache
/// alone: Docker calls `list` for every configured helper, and a failure
/// would break its listing of the other registries.
async fn list(env: &Environment) -> Result<String, String> {
    let mut fetched = Vec::new();
    match Client::load_with(Config::builder(), env).await {
        Ok(client) => match fetch(&client, None).await {
            Ok((account, entry)) => {
                let region = client.config().region().to_owned();
                if let Some(cache) = cache_of(client.config(), env, |dir, id| Cache::new(dir, &region, id)).await {
                    store(&cache, &account, &entry, env);
                }
                fetched.push(entry);
            }
            Err(e) => debug(env, &format!("no token for the default registry: {e}")),
        },
        Err(e) => debug(env, &format!("no client for the default registry: {e}")),
    }
    // Priming only: an unreachable ECR Public must not hold up the listing.
    let builder = ecr_public_client::Config::builder().region(PUBLIC_REGION).operation_timeout(LIST_PUBLIC_TIMEOUT);
    match ecr_public_client::Client::load_with(builder, env).await {
        Ok(client) => match fetch_public(&client).await {
            Ok((_, entry)) => {
                if let Some(cache) = cache_of(client.config(), env, Cache::public).await {
                    store(&cache, "", &entry, env);
                }
                fetched.push(entry);
            }
            Err(e) => debug(env, &format!("no token for ECR Public: {e}")),
        },
        Err(e) => debug(env, &format!("no client for ECR Public: {e}")),
    }
    let mut servers = serde_json::Map::new();
    let cached = Cache::dir(env).map(Cache::listing).filter(|cache| match cache.untrusted() {
        Some(why) => {
            debug(env, &format!("not reading the cache: {why}"));
            false
        }
        None => true,
    });
    for entry in cached.iter().flat_map(Cache::list).chain(fetched) {
        insert_login(&mut servers, &entry);
    }
    Ok(serde_json::Value::Object(servers).to_string() + "\n")
}

fn insert_login(servers: &mut serde_json::Map<String, serde_json::Value>, entry: &Entry) {
    if let Ok((username, _)) = decode(&entry.authorization_token) {
        servers.insert(entry.proxy_endpoint.clone(), username.into());
    }
}

/// A fresh cached token for `key`, else a new one from `fetch` (cached); a
/// cached one still unexpired if fetching fails.
async fn cached_or_fetched(
    cache: Option<&Cache>,
    key: &str,
    fetch: impl std::future::Future<Output = Result<(String, Entry), String>>,
    env: &Environment,
) -> Result<(String, String), String> {
    let shown = if key.is_empty() { "ECR Public" } else { key };
    let cached = cache.and_then(|c| c.get(key));
    if let Some(entry) = cached.as_ref().filter(|e| e.is_fresh(SystemTime::now())) {
        debug(env, &format!("using the cached token for {shown} (expires {})", entry.expires_at));
        return decode(&entry.authorization_token);
    }
    debug(env, &format!("calling GetAuthorizationToken for {shown}"));
    match fetch.await {
        Ok((_, entry)) => {
            if let Some(cache) = cache {
                store(cache, key, &entry, env);
            }
            decode(&entry.authorization_token)
        }
        Err(e) => match cached {
            Some(entry) if !expired(&entry) => {
                log_error(&format!("{e}; using the cached token until it expires"));
                decode(&entry.authorization_token)
            }
            _ => Err(e),
        },
    }
}

/// GetAuthorizationToken for `account` (the caller's own when none): the
/// account and a cache entry.
async fn fetch(client: &Client, account: Option<&str>) -> Result<(String, Entry), String> {
    let mut request = client.get_authorization_token();
    if let Some(account) = account {
        // Deprecated by the service (a token serves every registry), but the
        // answer's proxyEndpoint then names this registry, as the Go helper
        // relies on too.
        #[allow(deprecated)]
        {
            request = request.registry_ids(vec![account.to_owned()]);
        }
    }
    let requested_at = SystemTime::now();
    let answer = request.send().await.map_err(|e| e.to_string())?;
    let data = answer.authorization_data.unwrap_or_default();
    let data = data
        .into_iter()
        .find(|d| d.authorization_token.is_some() && d.proxy_endpoint.is_some())
        .ok_or("GetAuthorizationToken gave no authorization data")?;
    let login = data.login().map_err(|e| e.to_string())?;
    let account = match account {
        Some(account) => account.to_owned(),
        None => Registry::from_server(&login.registry).map(|r| r.account).ok_or("the answer names no ECR registry")?,
    };
    let token = data.authorization_token.unwrap_or_default();
    Ok((account, entry(token, requested_at, login.expires_at, login.proxy_endpoint, "ecr")))
}

/// ECR Public's GetAuthorizationToken: a cache entry for `public.ecr.aws`.
async fn fetch_public(client: &ecr_public_client::Client) -> Result<(String, Entry), String> {
    let requested_at = SystemTime::now();
    let answer = client.get_authorization_token().send().await.map_err(|e| e.to_string())?;
    let login = answer.login().map_err(|e| e.to_string())?;
    let data = answer.authorization_data.unwrap_or_default();
    let token = data.authorization_token.unwrap_or_default();
    Ok((String::new(), entry(token, requested_at, login.expires_at, PUBLIC_ENDPOINT.into(), "ecr-public")))
}

/// A cache entry for a token fetched at `requested_at` (which stands for
/// its expiry when the answer gives none).
fn entry(token: String, requested_at: SystemTime, expires_at: Option<DateTime>, proxy: String, service: &str) -> Entry {
    Entry {
        authorization_token: token,
        requested_at: DateTime::from(requested_at).to_string(),
        expires_at: expires_at.unwrap_or_else(|| DateTime::from(requested_at)).to_string(),
        proxy_endpoint: proxy,
        service: service.into(),
    }
}

/// The cache `scope` makes of the directory and the access key id, unless
/// disabled or the credentials cannot be had (then there is nothing to key
/// it by).
async fn cache_of(
    config: &ecr_client::runtime::Config,
    env: &Environment,
    scope: impl FnOnce(std::path::PathBuf, &str) -> Cache,
) -> Option<Cache> {
    let dir = Cache::dir(env)?;
    let credentials = config.credentials().await.ok()?;
    let cache = scope(dir, credentials.access_key_id());
    if let Some(why) = cache.untrusted() {
        debug(env, &format!("not using the cache: {why}"));
        return None;
    }
    Some(cache)
}

fn store(cache: &Cache, key: &str, entry: &Entry, env: &Environment) {
    let shown = if key.is_empty() { "ECR Public" } else { key };
    match cache.set(key, entry) {
        Ok(()) => debug(env, &format!("cached the token for {shown} until {}", entry.expires_at)),
        Err(e) => log_error(&format!("cannot cache the token: {e}")),
    }
}

fn expired(entry: &Entry) -> bool {
    DateTime::parse_rfc3339(&entry.expires_at).is_none_or(|at| SystemTime::from(at) <= SystemTime::now())
}

/// The user name and password in a token.
fn decode(token: &str) -> Result<(String, String), String> {
    let data = ecr_client::types::AuthorizationData::builder()
        .authorization_token(token)
        .proxy_endpoint("https://cached")
        .build();
    let login = data.login().map_err(|e| e.to_string())?;
    Ok((login.username, login.password))
}

fn debug(env: &Environment, message: &str) {
    if env.var("AWS_ECR_HELPER_DEBUG").is_some() {
        let _ = writeln!(std::io::stderr(), "docker-credential-ecr-login: {message}");
    }
}

fn log_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "docker-credential-ecr-login: {message}");
}
