//! The client: turns an operation's input into a signed awsJson request,
//! sends it, and turns the answer into the output or a typed error.

use super::config::{Config, ConfigError};
use super::error::{OperationError, ResponseError, SdkError, TransportError, TransportErrorKind};
use super::{protocol, Operation, Service};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::SystemTime;

/// A client for the service `S`. Cheap to clone: clones share one connection
/// pool and configuration.
pub struct Client<S> {
    inner: Arc<Inner>,
    service: PhantomData<fn() -> S>,
}

struct Inner {
    config: Config,
    endpoint: String,
    http: reqwest::Client,
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
        let endpoint = match &config.endpoint_url {
            Some(url) => url.clone(),
            None => endpoint_for(&S::META, &config.region)?,
        };
        // Respect a TLS crypto provider the application installed; otherwise
        // use ring, which builds far faster than the default aws-lc-rs.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.attempt_timeout)
            .build()
            .map_err(|e| ConfigError::Http(error_chain(&e)))?;
        Ok(Self { inner: Arc::new(Inner { config, endpoint, http }), service: PhantomData })
    }

    /// The configuration the client was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Sends a whole input struct; the fluent builders end here too.
    pub async fn send<I>(&self, input: I) -> Result<I::Output, SdkError<I::Error>>
    where
        I: Operation<Service = S>,
    {
        let body = protocol::serialize(I::NAME, &input)?;
        let answer = self.send_raw(I::NAME, I::TARGET, body).await?;
        if (200..300).contains(&answer.status) {
            protocol::parse_output(I::NAME, &answer).map_err(SdkError::Response)
        } else {
            match protocol::parse_error(I::NAME, &answer) {
                Ok(error) => Err(SdkError::Service(I::Error::from_service_error(error))),
                Err(e) => Err(SdkError::Response(e)),
            }
        }
    }

    /// Signs and sends one request; not generic, so it is compiled once.
    async fn send_raw(
        &self,
        operation: &'static str,
        target: &'static str,
        body: Vec<u8>,
    ) -> Result<protocol::Answer, TransportError> {
        let inner = &*self.inner;
        let url = format!("{}/", inner.endpoint);
        let transport_error = |kind, source: Box<dyn std::error::Error + Send + Sync>| TransportError {
            operation,
            kind,
            url: url.clone(),
            source,
        };
        let headers = [("content-type", S::META.content_type), ("x-amz-target", target)];
        let signed =
            super::signing::sign(&inner.config, S::META.signing_name, &url, &headers, &body, SystemTime::now())
                .map_err(|e| transport_error(TransportErrorKind::Request, e))?;
        let mut request = inner.http.post(&url).body(body);
        for (name, value) in headers.iter().copied().chain(signed.iter().map(|(n, v)| (*n, v.as_str()))) {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| transport_error(classify(&e), Box::new(e)))?;
        let status = response.status().as_u16();
        let response_headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| transport_error(classify(&e), Box::new(e)))?;
        Ok(protocol::Answer { status, headers: response_headers, body })
    }
}

/// The document's endpoint template for `region`: the one that lists the
/// region, else the first one (the lists are often stale).
fn endpoint_for(meta: &super::ServiceMeta, region: &str) -> Result<String, ConfigError> {
    let template = meta
        .endpoints
        .iter()
        .find(|e| e.regions.contains(&region))
        .or_else(|| meta.endpoints.iter().find(|e| e.regions.is_empty()))
        .or_else(|| meta.endpoints.first())
        .ok_or_else(|| ConfigError::NoEndpoint(region.to_owned()))?;
    Ok(template.url.replace("{region}", region).trim_end_matches('/').to_owned())
}

fn classify(error: &reqwest::Error) -> TransportErrorKind {
    if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_builder() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl<E> From<TransportError> for SdkError<E> {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl<E> From<ResponseError> for SdkError<E> {
    fn from(e: ResponseError) -> Self {
        Self::Response(e)
    }
}
