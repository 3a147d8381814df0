//! The TCP half of a connection, under hyper-rustls's TLS: straight to the
//! host, or through the environment's proxy as curl goes through it (an
//! HTTPS destination by a CONNECT tunnel, a plain one by sending the whole
//! URL to the proxy).

use super::BoxError;
use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;
use tower_service::Service;

/// Connects to a destination, or to the proxy the environment names for it.
#[derive(Clone)]
pub(super) struct Route {
    pub(super) http: HttpConnector,
    pub(super) proxies: Option<Arc<Matcher>>,
}

/// A TCP connection, and whether a proxy is at its other end for plain HTTP
/// (hyper then sends the whole URL in the request line).
pub(super) struct Stream {
    io: TokioIo<TcpStream>,
    to_proxy: bool,
}

impl Service<Uri> for Route {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let mut http = self.http.clone();
        let proxy = self.proxies.as_ref().and_then(|proxies| proxies.intercept(&destination));
        Box::pin(async move {
            let Some(proxy) = proxy else {
                return Ok(Stream { io: http.call(destination).await?, to_proxy: false });
            };
            let at = proxy.uri().clone();
            if at.scheme_str() != Some("http") {
                // Never the proxy's URL: it may hold a password.
                return Err(
                    "the proxy set in the environment is not an http:// URL (https:// proxies are not supported)"
                        .into(),
                );
            }
            if destination.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(at, http);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Ok(Stream { io: tunnel.call(destination).await?, to_proxy: false })
            } else {
                Ok(Stream { io: http.call(at).await?, to_proxy: true })
            }
        })
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.to_proxy)
    }
}

impl Read for Stream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Stream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}
