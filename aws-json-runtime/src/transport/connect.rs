//! The connection under hyper-rustls's TLS: straight to the host, or
//! through the environment's proxy as curl goes through it (an HTTPS
//! destination by a CONNECT tunnel, a plain one by sending the whole URL to
//! the proxy), itself over TLS when the proxy's URL is `https://`.

use super::BoxError;
use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tower_service::Service;

type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// Connects to a destination, or to the proxy the environment names for it.
#[derive(Clone)]
pub(super) struct Route {
    pub(super) to_proxy: ProxyConnector,
    pub(super) proxies: Option<Arc<Matcher>>,
}

/// A connection, and whether a proxy is at its other end for plain HTTP
/// (hyper then sends the whole URL in the request line).
pub(super) struct Stream {
    io: Io,
    to_proxy: bool,
}

/// TCP, or TLS over TCP to an `https://` proxy.
pub(super) enum Io {
    Tcp(TokioIo<TcpStream>),
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
}

/// Opens a connection to a proxy (or a host): TCP, then TLS for `https://`.
#[derive(Clone)]
pub(super) struct ProxyConnector {
    pub(super) http: HttpConnector,
    pub(super) tls: TlsConnector,
}

impl Service<Uri> for ProxyConnector {
    type Response = Io;
    type Error = BoxError;
    type Future = Connecting<Io>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, at: Uri) -> Self::Future {
        let (mut http, tls) = (self.http.clone(), self.tls.clone());
        Box::pin(async move {
            let tcp = http.call(at.clone()).await?;
            if at.scheme_str() != Some("https") {
                return Ok(Io::Tcp(tcp));
            }
            let host = at.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
            let name = ServerName::try_from(host.to_owned()).map_err(|_| "the proxy's host is not a valid TLS name")?;
            let stream = tls.connect(name, tcp.into_inner()).await?;
            Ok(Io::Tls(Box::new(TokioIo::new(stream))))
        })
    }
}

impl Service<Uri> for Route {
    type Response = Stream;
    type Error = BoxError;
    type Future = Connecting<Stream>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.to_proxy.poll_ready(cx)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let mut connector = self.to_proxy.clone();
        let proxy = self.proxies.as_ref().and_then(|proxies| proxies.intercept(&destination));
        Box::pin(async move {
            let Some(proxy) = proxy else {
                let tcp = connector.http.call(destination).await?;
                return Ok(Stream { io: Io::Tcp(tcp), to_proxy: false });
            };
            let at = proxy.uri().clone();
            if destination.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(at, connector);
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Ok(Stream { io: tunnel.call(destination).await?, to_proxy: false })
            } else {
                Ok(Stream { io: connector.call(at).await?, to_proxy: true })
            }
        })
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        let tcp = match &self.io {
            Io::Tcp(tcp) => tcp.inner(),
            Io::Tls(tls) => tls.inner().get_ref().0,
        };
        tcp.connected().proxy(self.to_proxy)
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

impl Read for Io {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl Write for Io {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_flush(cx),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Io::Tcp(tcp) => tcp.is_write_vectored(),
            Io::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Tcp(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Io::Tls(tls) => Pin::new(tls.as_mut()).poll_write_vectored(cx, bufs),
        }
    }
}
