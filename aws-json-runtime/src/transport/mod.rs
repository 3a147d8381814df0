//! The HTTP client every request of this crate goes through: hyper's
//! HTTP/1.1 client and connection pool over rustls (the crate's `tls`
//! module), the environment's proxies (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, upper or lower case, read as curl reads them;
//! `http://` or `https://` ones), a connect timeout and a total one.
//! Redirects are never followed: a signed request, its session token
//! included, goes to the host it was signed for or nowhere.
//!
//! It stands in for reqwest, which brought ~30 crates more (url, idna and
//! ICU's Unicode tables, tower) and about a sixth of a clean release build's
//! CPU time, for the few things these clients ask of HTTP. URLs are
//! `http::Uri`s: AWS endpoints and presigned URLs are ASCII.

mod connect;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, PROXY_AUTHORIZATION};
use http::{HeaderMap, Method, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

type BoxError = Box<dyn StdError + Send + Sync>;
type Pool = hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<connect::Route>, Full<Bytes>>;

/// An HTTP client with its connection pool. Cheap to clone: clones share
/// the pool.
#[derive(Clone)]
pub struct HttpClient {
    pool: Pool,
    /// The environment's proxies, for the `Proxy-Authorization` of plain
    /// `http://` requests (HTTPS ones carry it in their tunnel's CONNECT).
    proxies: Option<Arc<Matcher>>,
    timeout: Option<Duration>,
}

// Proxy URLs can hold passwords: not shown.
impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("proxies", &self.proxies.is_some())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How an [`HttpClient`] is made.
#[derive(Debug, Clone)]
pub struct HttpClientBuilder {
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    proxies: bool,
    ca_bundle: Option<PathBuf>,
}

impl HttpClientBuilder {
    /// How long a TCP connection may take to open.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long a request may take, from sending it to its answer's last
    /// byte (default: no limit).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connects directly, whatever the environment's proxy variables say.
    pub fn no_proxy(mut self) -> Self {
        self.proxies = false;
        self
    }

    /// Trusts the certificates of this PEM file instead of the system's.
    pub fn ca_bundle(mut self, path: Option<PathBuf>) -> Self {
        self.ca_bundle = path;
        self
    }

    /// The client; the TLS roots are read at the first handshake.
    pub fn build(self) -> Result<HttpClient, String> {
        let tls = crate::tls::client_config(self.ca_bundle.as_deref())?;
        let mut http = HttpConnector::new();
        // hyper-rustls hands it https:// URIs, to connect their TCP.
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(self.connect_timeout);
        let proxies = self.proxies.then(|| Arc::new(Matcher::from_env()));
        // TLS to an https:// proxy: the same roots and key exchange.
        let to_proxy = connect::ProxyConnector { http, tls: Arc::new(tls.clone()).into() };
        let route = connect::Route { to_proxy, proxies: proxies.clone() };
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(route);
        let pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        Ok(HttpClient { pool, proxies, timeout: self.timeout })
    }
}

impl HttpClient {
    /// A builder: proxies from the environment, the system's TLS roots, no
    /// timeout.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder { connect_timeout: None, timeout: None, proxies: true, ca_bundle: None }
    }

    /// A GET of `url`.
    pub fn get(&self, url: impl IntoUri) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    /// A POST to `url`.
    pub fn post(&self, url: impl IntoUri) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// A PUT to `url`.
    pub fn put(&self, url: impl IntoUri) -> RequestBuilder {
        self.request(Method::PUT, url)
    }

    /// A request of `method` to `url`, an absolute `http://` or `https://`
    /// URL (a bad one is an error when it is sent).
    pub fn request(&self, method: Method, url: impl IntoUri) -> RequestBuilder {
        let request = url.into_uri().map_err(|why| Error::new(Kind::Request, why)).map(|uri| {
            let mut request = http::Request::new(Full::default());
            *request.method_mut() = method;
            *request.uri_mut() = uri;
            request
        });
        RequestBuilder { client: self.clone(), request, timeout: self.timeout }
    }
}

/// A request being made; [`RequestBuilder::send`] sends it.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: HttpClient,
    request: Result<http::Request<Full<Bytes>>, Error>,
    timeout: Option<Duration>,
}

impl RequestBuilder {
    /// Adds a header (an invalid name or value is an error when sent).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        if let Ok(request) = &mut self.request {
            match (name.try_into(), value.try_into()) {
                (Ok(name), Ok(value)) => {
                    request.headers_mut().append(name, value);
                }
                // Never the value in the message: it may be a token.
                _ => self.request = Err(Error::new(Kind::Request, "a header name or value is not valid HTTP".into())),
            }
        }
        self
    }

    /// The body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        if let Ok(request) = &mut self.request {
            *request.body_mut() = Full::new(body.into());
        }
        self
    }

    /// How long this request may take, to its answer's last byte.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request and waits for the answer's head.
    pub async fn send(self) -> Result<Response, Error> {
        let mut request = self.request?;
        let uri = request.uri();
        if uri.scheme_str() == Some("http") {
            let auth =
                self.client.proxies.as_ref().and_then(|p| p.intercept(uri)).and_then(|i| i.basic_auth().cloned());
            if let Some(auth) = auth {
                request.headers_mut().insert(PROXY_AUTHORIZATION, auth);
            }
        }
        let deadline = self.timeout.map(deadline_after);
        let sending = self.client.pool.request(request);
        let answer = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, sending)
                .await
                .map_err(|_| Error::new(Kind::Timeout, "no answer within the timeout".into()))?,
            None => sending.await,
        };
        let answer = answer.map_err(|e| {
            let kind = if e.is_connect() { Kind::Connect } else { Kind::Send };
            Error::new(kind, Box::new(e))
        })?;
        Ok(Response { answer, deadline })
    }
}

/// An answer: its head, and its body to read.
#[derive(Debug)]
pub struct Response {
    answer: http::Response<hyper::body::Incoming>,
    deadline: Option<Instant>,
}

impl Response {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.answer.status()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.answer.headers()
    }

    /// The headers, to take them.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.answer.headers_mut()
    }

    /// The body's length, if the answer says it.
    pub fn content_length(&self) -> Option<u64> {
        self.headers().get(http::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
    }

    /// The whole body.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body.into())
    }

    /// The next piece of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            let frame = self.answer.body_mut().frame();
            let frame = match self.deadline {
                Some(deadline) => tokio::time::timeout_at(deadline, frame)
                    .await
                    .map_err(|_| Error::new(Kind::Timeout, "the answer did not end within the timeout".into()))?,
                None => frame.await,
            };
            match frame {
                None => return Ok(None),
                Some(Err(e)) => return Err(Error::new(Kind::Body, Box::new(e))),
                // Trailers carry nothing these clients read.
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => return Ok(Some(data)),
                    Err(_) => continue,
                },
            }
        }
    }
}

/// Why a request failed. Its message never holds the URL (presigned ones
/// carry signatures) or a header's value.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
    source: BoxError,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A request that cannot be sent: a bad URL or header.
    Request,
    /// No connection (refused, unresolved, the proxy's or TLS's refusal).
    Connect,
    /// The connection failed while sending or waiting for the head.
    Send,
    /// The connection failed while reading the body.
    Body,
    Timeout,
}

impl Error {
    fn new(kind: Kind, source: BoxError) -> Self {
        Self { kind, source }
    }

    /// Whether a timeout (the client's, or the connect timeout's) ended it.
    pub fn is_timeout(&self) -> bool {
        if self.kind == Kind::Timeout {
            return true;
        }
        let mut cause: Option<&(dyn StdError + 'static)> = Some(&*self.source);
        while let Some(error) = cause {
            if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut) {
                return true;
            }
            cause = error.source();
        }
        false
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind == Kind::Connect
    }

    /// Whether the request was refused before it was sent (a bad URL or
    /// header).
    pub fn is_request(&self) -> bool {
        self.kind == Kind::Request
    }

    /// The error and its causes, `: `-separated, each once.
    pub fn report(&self) -> String {
        crate::error::chain(self)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            Kind::Request => "cannot send the request",
            Kind::Connect | Kind::Send => "error sending request",
            Kind::Body => "error reading the answer",
            Kind::Timeout => "timed out",
        })
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// A request's URL: a [`Uri`], or text that [`parse_url`] reads.
pub trait IntoUri {
    /// The URI, or why the text is not one.
    fn into_uri(self) -> Result<Uri, BoxError>;
}

impl IntoUri for Uri {
    fn into_uri(self) -> Result<Uri, BoxError> {
        match (self.scheme_str(), self.host()) {
            (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(self),
            _ => Err("expected an http:// or https:// URL with a host".into()),
        }
    }
}

impl IntoUri for &str {
    fn into_uri(self) -> Result<Uri, BoxError> {
        parse_url(self)
    }
}

impl IntoUri for String {
    fn into_uri(self) -> Result<Uri, BoxError> {
        parse_url(&self)
    }
}

impl IntoUri for &String {
    fn into_uri(self) -> Result<Uri, BoxError> {
        parse_url(self)
    }
}

/// `url` as a URI: absolute, `http` or `https`, with a host. Why not, in
/// words that never repeat it (it may hold a password or a signature).
pub fn parse_url(url: &str) -> Result<Uri, BoxError> {
    let uri: Uri = url.parse().map_err(|e| format!("not a valid URL ({e})"))?;
    uri.into_uri()
}

/// `now + timeout`, saturating: a timeout too long to add (`Duration::MAX`)
/// means a century, which is no limit at all.
pub(crate) fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_http_with_a_host_and_errors_never_repeat_them() {
        for ok in ["https://api.ecr.us-east-1.amazonaws.com", "http://127.0.0.1:5000/a/b", "http://[::1]:9/x?y=z"] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
        for bad in ["ftp://127.0.0.1/x", "/just/a/path", "http://", "no url at all", "https://user:SENTINEL@ho st/"] {
            let why = parse_url(bad).unwrap_err().to_string();
            assert!(!why.contains("SENTINEL") && !why.contains(bad), "{bad}: {why}");
        }
    }

    #[tokio::test]
    async fn a_bad_request_fails_when_sent_without_its_values() {
        let client = HttpClient::builder().no_proxy().build().unwrap();
        let err = client.get("http://127.0.0.1:9/").header("x-token", "SENTINEL\nsplit").send().await.unwrap_err();
        assert!(err.is_request() && !err.is_connect() && !err.is_timeout(), "{err:?}");
        assert!(!format!("{err:?} {}", err.report()).contains("SENTINEL"), "{err:?}");
        let err = client.post("https://user:SENTINEL@").send().await.unwrap_err();
        assert!(err.is_request() && !format!("{err:?} {}", err.report()).contains("SENTINEL"), "{err:?}");
        let debug = format!("{client:?}");
        assert!(debug.starts_with("HttpClient") && debug.contains("proxies: false"), "{debug}");
    }
}
