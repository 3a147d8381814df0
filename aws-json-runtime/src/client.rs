//! The client: turns an operation's input into a signed awsJson request,
//! sends it with retries and timeouts, and turns the answer into the output
//! or a typed error.

use super::config::InputChecks;
use super::config::{Config, ConfigBuilder, ConfigError};
use super::credentials::Credentials;
use super::credentials::CredentialsError;
use super::environment::Environment;
use super::error::{OperationError, ResponseError, SdkError, ServiceError, TransportError, TransportErrorKind};
use super::retry::{self, RetryQuota, Retryable};
use super::signing::{Destination, Signer};
use super::transport::{self, deadline_after, HttpClient};
use super::validate::Check;
use super::{protocol, wire, Operation, Service};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument as _;

/// A client for the service `S`. Cheap to clone: clones share one connection
/// pool, configuration and retry quota.
pub struct Client<S> {
    inner: Arc<Inner>,
    service: PhantomData<fn() -> S>,
}

struct Inner {
    config: Config,
    endpoint: String,
    /// Where every request goes: the endpoint's path exactly as given.
    url: http::Uri,
    /// The host and path as the signature covers them.
    destination: Destination,
    /// The region requests are signed for (not the configured one for
    /// legacy pseudo-regions such as `fips-us-east-1`).
    signing_region: String,
    http: HttpClient,
    signer: Signer,
    quota: RetryQuota,
}

/// What one call sends, beside its body.
#[derive(Clone, Copy)]
struct Call {
    operation: &'static str,
    target: &'static str,
    /// Whether answers can hold secrets (no body excerpts in errors then).
    secret_output: bool,
}

/// Why the last attempt of a call failed.
enum Failure {
    Service(ServiceError),
    Transport(TransportError),
    Response(ResponseError),
    Credentials(CredentialsError),
}

impl<S> Clone for Client<S> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), service: PhantomData }
    }
}

impl<S: Service> std::fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("service", &S::META.name)
            .field("endpoint", &self.inner.endpoint)
            .field("config", &self.inner.config)
            .finish()
    }
}

impl<S: Service> Client<S> {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let resolved = super::endpoint::resolve(&S::META, &config)?;
        let url = transport::parse_url(&resolved.url)
            .map_err(|e| ConfigError::InvalidEndpoint(super::error::without_userinfo(&resolved.url), e.to_string()))?;
        let destination = Destination::of(&url);
        // Attempt and operation timeouts are enforced per attempt in
        // `attempts`, with one timer, so none is set on the HTTP client.
        let http = HttpClient::builder()
            .connect_timeout(config.connect_timeout)
            .ca_bundle(config.ca_bundle.clone())
            .build()
            .map_err(ConfigError::Http)?;
        let inner = Inner {
            config,
            endpoint: resolved.url.trim_end_matches('/').to_owned(),
            url,
            destination,
            signing_region: resolved.signing_region,
            http,
            signer: Signer::default(),
            quota: RetryQuota::default(),
        };
        Ok(Self { inner: Arc::new(inner), service: PhantomData })
    }

    /// A client configured the way the AWS CLI is: region, endpoint and
    /// credentials from the environment, the shared config files, container
    /// credentials or instance metadata (see [`ConfigBuilder::load_from`]).
    pub async fn from_env() -> Result<Self, ConfigError> {
        Self::load(Config::builder()).await
    }

    /// A client from `builder`'s explicit settings, the rest loaded from the
    /// process environment as [`Client::from_env`] does.
    pub async fn load(builder: ConfigBuilder) -> Result<Self, ConfigError> {
        Self::load_with(builder, &Environment::from_process()).await
    }

    /// Like [`Client::load`], reading `env` instead of the process
    /// environment.
    pub async fn load_with(builder: ConfigBuilder, env: &Environment) -> Result<Self, ConfigError> {
        // Reading the shared files is blocking I/O, but small and once.
        Self::new(builder.load_from(env, S::META.name)?)
    }

    /// The configuration the client was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The HTTP client calls go through (its TLS roots, proxies and
    /// connection pool), for URLs the service's answers point to, such as
    /// presigned download URLs.
    #[doc(hidden)]
    pub fn http_client(&self) -> &HttpClient {
        &self.inner.http
    }

    /// Sends a whole input struct; the fluent builders end here too.
    pub async fn send<I>(&self, input: I) -> Result<I::Output, SdkError<I::Error>>
    where
        I: Operation<Service = S>,
    {
        let answer = self.send_validated(input).await?;
        let received = protocol::Received { operation: I::NAME, answer: &answer, secret: I::SECRET_OUTPUT };
        protocol::parse_output(&received).map_err(SdkError::Response)
    }

    /// Sends like [`Client::send`], but returns the answer's body as the
    /// service sent it, unparsed: for tools that pass answers on unchanged,
    /// such as a command line. An empty body comes back empty. Errors are
    /// typed as `send`'s are.
    pub async fn send_raw<I>(&self, input: I) -> Result<bytes::Bytes, SdkError<I::Error>>
    where
        I: Operation<Service = S>,
    {
        self.send_validated(input).await.map(|answer| answer.body)
    }

    async fn send_validated<I>(&self, input: I) -> Result<protocol::Answer, SdkError<I::Error>>
    where
        I: Operation<Service = S>,
    {
        if self.inner.config.validate_input {
            let mut check = match self.inner.config.input_checks {
                InputChecks::All => Check::new(I::NAME),
                InputChecks::Minimums => Check::minimums(I::NAME),
            };
            input.validate(&mut check)?;
        }
        let body = protocol::serialize(I::NAME, &input)?;
        let call = Call { operation: I::NAME, target: I::TARGET, secret_output: I::SECRET_OUTPUT };
        self.call(call, body).await.map_err(|failure| match failure {
            Failure::Service(e) => SdkError::Service(I::Error::from_service_error(e)),
            Failure::Transport(e) => SdkError::Transport(e),
            Failure::Response(e) => SdkError::Response(e),
            Failure::Credentials(e) => SdkError::Credentials(e.during(I::NAME)),
        })
    }

    /// One call: attempts with retries, within the operation timeout, in a
    /// tracing span. Not generic, so it is compiled once for all operations.
    async fn call(&self, call: Call, body: wire::Body) -> Result<protocol::Answer, Failure> {
        let span = tracing::debug_span!("aws_call", service = S::META.name, operation = call.operation);
        self.attempts(call, body).instrument(span).await
    }

    async fn attempts(&self, call: Call, body: wire::Body) -> Result<protocol::Answer, Failure> {
        let Call { operation, target, secret_output } = call;
        let config = &self.inner.config;
        let deadline = deadline_after(config.operation_timeout);
        let out_of_time = |attempts| {
            Failure::Transport(TransportError {
                operation,
                kind: TransportErrorKind::OperationTimeout(config.operation_timeout),
                url: self.inner.url.to_string(),
                attempts,
                source: "the operation timeout elapsed".into(),
            })
        };
        let max_attempts = config.retry.max_attempts();
        let mut last_cost = None;
        for attempt in 1..=max_attempts {
            // Credentials before the attempt's timer starts: a slow source
            // (a credential_process, STS) is its own failure, never blamed
            // on the endpoint.
            let credentials = match tokio::time::timeout_at(deadline, config.credentials.get()).await {
                Ok(Ok(credentials)) => credentials,
                Ok(Err(e)) => return Err(Failure::Credentials(e)),
                Err(_) => {
                    let waiting = config.credentials.pending().unwrap_or_else(|| "the credential source".into());
                    let why = format!(
                        "{waiting} did not answer within the operation timeout ({:?})",
                        config.operation_timeout
                    );
                    return Err(Failure::Credentials(CredentialsError::new(why)));
                }
            };
            // One timer per attempt: the attempt's own limit or what is left
            // of the operation's, whichever ends first.
            let attempt_deadline = deadline.min(deadline_after(config.attempt_timeout));
            let sent = self.attempt(operation, target, &credentials, body.clone());
            let outcome = match tokio::time::timeout_at(attempt_deadline, sent).await {
                Ok(outcome) => outcome,
                Err(_) if attempt_deadline == deadline => return Err(out_of_time(attempt)),
                Err(_) => Err(Failure::Transport(TransportError {
                    operation,
                    kind: TransportErrorKind::Timeout,
                    url: self.inner.url.to_string(),
                    attempts: 1,
                    source: format!("no complete answer within the attempt timeout ({:?})", config.attempt_timeout)
                        .into(),
                })),
            };
            let (kind, retry_after, failure) = match outcome {
                Ok(answer) if (200..300).contains(&answer.status) => {
                    tracing::debug!(attempt, status = answer.status, request_id = request_id(&answer), "succeeded");
                    self.inner.quota.release(last_cost);
                    return Ok(answer);
                }
                Ok(answer) if (300..400).contains(&answer.status) => {
                    let received = protocol::Received { operation, answer: &answer, secret: secret_output };
                    tracing::debug!(attempt, status = answer.status, "refused a redirect");
                    (Retryable::No, None, Failure::Response(protocol::redirect_error(&received)))
                }
                Ok(answer) => {
                    let received = protocol::Received { operation, answer: &answer, secret: secret_output };
                    let (code, failure) = match protocol::parse_error(&received) {
                        Ok(e) => (Some(e.code.clone()), Failure::Service(e)),
                        Err(e) => (None, Failure::Response(e)),
                    };
                    let kind = retry::classify(answer.status, code.as_deref(), S::META.non_retryable_errors);
                    tracing::debug!(attempt, status = answer.status, request_id = request_id(&answer), code, "failed");
                    (kind, retry_after(&answer), failure)
                }
                Err(Failure::Transport(e)) => {
                    tracing::debug!(attempt, error = %e, "failed");
                    let kind = match e.kind {
                        TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {
                            Retryable::Transient
                        }
                        _ => Retryable::No,
                    };
                    (kind, None, Failure::Transport(e))
                }
                Err(other) => (Retryable::No, None, other),
            };
            let cost =
                if kind == Retryable::No || attempt == max_attempts { None } else { self.inner.quota.acquire(kind) };
            let Some(cost) = cost else {
                return Err(failure.after(attempt));
            };
            last_cost = Some(cost);
            let delay = retry::backoff(attempt - 1, kind, retry_after, retry::jitter());
            tracing::debug!(attempt, ?kind, ?delay, "retrying");
            if deadline_after(delay) >= deadline {
                return Err(out_of_time(attempt));
            }
            tokio::time::sleep(delay).await;
        }
        unreachable!("the last attempt returns")
    }

    /// Signs and sends one attempt and reads the whole answer.
    async fn attempt(
        &self,
        operation: &'static str,
        target: &'static str,
        credentials: &Credentials,
        body: wire::Body,
    ) -> Result<protocol::Answer, Failure> {
        let inner = &*self.inner;
        let transport_error = |kind, source: Box<dyn std::error::Error + Send + Sync>| TransportError {
            operation,
            kind,
            url: inner.url.to_string(),
            attempts: 1,
            source,
        };
        let headers = [("content-type", S::META.content_type), ("x-amz-target", target)];
        let (region, service, to) = (&inner.signing_region, S::META.signing_name, &inner.destination);
        let signed =
            inner.signer.sign_hashed(credentials, region, service, to, &headers, &body.sha256, SystemTime::now());
        let mut request = inner.http.post(inner.url.clone()).body(body.bytes);
        for (name, value) in headers.iter().copied().chain(signed.iter().map(|(n, v)| (*n, v.as_str()))) {
            request = request.header(name, value);
        }
        let failed = |kind, e: transport::Error| Failure::Transport(transport_error(kind, Box::new(e)));
        let mut response = request.send().await.map_err(|e| failed(classify(&e), e))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        // Read the body in chunks, so an answer larger than the limit fails
        // cleanly instead of exhausting memory.
        let limit = inner.config.max_response_bytes;
        let too_large = || transport_error(TransportErrorKind::BodyTooLarge(limit), "the answer is too large".into());
        if response.content_length().is_some_and(|length| length > limit) {
            return Err(Failure::Transport(too_large()));
        }
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(classify(&e), e))? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(Failure::Transport(too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(protocol::Answer { status, headers, body: body.into() })
    }
}

impl Failure {
    /// Records how many attempts the call made.
    fn after(mut self, attempts: u32) -> Self {
        match &mut self {
            Failure::Service(e) => e.attempts = attempts,
            Failure::Transport(e) => e.attempts = attempts,
            Failure::Response(e) => e.attempts = attempts,
            Failure::Credentials(_) => {}
        }
        self
    }
}

fn request_id(answer: &protocol::Answer) -> Option<&str> {
    answer.headers.get("x-amzn-requestid").and_then(|v| v.to_str().ok())
}

/// `x-amz-retry-after`, in milliseconds.
fn retry_after(answer: &protocol::Answer) -> Option<Duration> {
    let value = answer.headers.get("x-amz-retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_millis)
}

fn classify(error: &transport::Error) -> TransportErrorKind {
    if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_request() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    }
}
