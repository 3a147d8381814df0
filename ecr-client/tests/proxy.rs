//! Proxies from the environment, as curl and the AWS CLI take them, against
//! a real proxy the test runs: HTTPS through a CONNECT tunnel (the TLS
//! server at the far end checks the whole call), plain HTTP by sending the
//! whole URL to the proxy, the proxy's user and password as
//! `Proxy-Authorization`, `NO_PROXY` going direct, and an https:// proxy:
//! both through TLS to it, and refused when its certificate is not
//! trusted, by a message that never shows its password.
//! Alone in its binary: it sets the proxy variables for the process.

mod recording_tls;
mod support;

use recording_tls::recording_server;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::tls_server::certificates;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, BufReader};

const SENTINEL: &str = "SENTINEL-PROXY-PASSWORD";

/// A forward proxy on 127.0.0.1, over TLS when given a certificate and key:
/// it tunnels CONNECT to its target and answers any other request itself
/// with `{}`; it records each request's head.
struct Proxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    async fn start(tls: Option<(&str, &str)>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let acceptor = tls.map(|(cert, key)| tokio_rustls::TlsAcceptor::from(Arc::new(server_config(cert, key))));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let log = heads.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (log, acceptor) = (log.clone(), acceptor.clone());
                tokio::spawn(async move {
                    match acceptor {
                        Some(acceptor) => serve(acceptor.accept(tcp).await.unwrap(), &log).await,
                        None => serve(tcp, &log).await,
                    }
                });
            }
        });
        Self { port, heads }
    }

    /// The heads seen, in lower case (header names' case is free).
    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().iter().map(|h| h.to_ascii_lowercase()).collect()
    }
}

fn server_config(cert: &str, key: &str) -> rustls::ServerConfig {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, PrivateKeyDer::from_pem_file(key).unwrap())
        .unwrap()
}

async fn serve(client: impl AsyncRead + AsyncWrite + Unpin, log: &Mutex<Vec<String>>) {
    let mut client = BufReader::new(client);
    let mut head = String::new();
    while client.read_line(&mut head).await.unwrap_or(0) > 2 {}
    log.lock().unwrap().push(head.clone());
    if let Some(target) = head.strip_prefix("CONNECT ").and_then(|rest| rest.split(' ').next()) {
        let mut upstream = tokio::net::TcpStream::connect(target).await.unwrap();
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.unwrap();
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
    } else {
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .unwrap_or(0usize);
        let mut body = vec![0; length];
        client.read_exact(&mut body).await.unwrap();
        let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
        client.write_all(answer.as_bytes()).await.unwrap();
        let _ = client.shutdown().await;
    }
}

/// The proxy saw one request: a CONNECT to `url`'s host with the
/// credentials `basic` (lower case).
fn assert_one_tunnel(proxy: &Proxy, url: &str, basic: &str) {
    let authority = url.trim_start_matches("https://");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with(&format!("connect {authority} http/1.1\r\n")), "{heads:?}");
    assert!(heads[0].contains(&format!("proxy-authorization: {basic}\r\n")), "{heads:?}");
}

fn set_proxies(https: Option<&str>, http: Option<&str>, no: Option<&str>) {
    for (name, value) in [("HTTPS_PROXY", https), ("HTTP_PROXY", http), ("NO_PROXY", no)] {
        for name in [name.to_owned(), name.to_ascii_lowercase()] {
            match value {
                Some(value) => std::env::set_var(&name, value),
                None => std::env::remove_var(&name),
            }
        }
    }
}

fn quick(b: ecr_client::ConfigBuilder) -> ecr_client::ConfigBuilder {
    b.attempt_timeout(Duration::from_secs(10)).retry(ecr_client::RetryConfig::disabled())
}

#[tokio::test]
async fn calls_go_through_the_environments_proxy() {
    let dir = support::scratch("proxy");
    let proxy = Proxy::start(None).await;
    let with_password = format!("http://user:{SENTINEL}@127.0.0.1:{}", proxy.port);
    let basic = "Basic dXNlcjpTRU5USU5FTC1QUk9YWS1QQVNTV09SRA==".to_ascii_lowercase(); // user:SENTINEL-PROXY-PASSWORD

    // HTTPS: a CONNECT tunnel, with the proxy's credentials, and TLS to the
    // server itself through it.
    let (url, ca, server) = recording_server(&dir.join("tunnel"), &[rustls::crypto::aws_lc_rs::kx_group::X25519]);
    set_proxies(Some(&with_password), None, None);
    let client = support::local_client(&url, |b| quick(b).ca_bundle(ca));
    client.list_images().repository_name("app").send().await.expect("the call through the tunnel succeeds");
    server.join().unwrap();
    assert_one_tunnel(&proxy, &url, &basic);

    // Plain HTTP: the whole URL to the proxy, its credentials in the request.
    set_proxies(None, Some(&with_password), None);
    let target = "http://ecr.example.invalid:8080";
    let client = support::local_client(target, quick);
    client.list_images().repository_name("app").send().await.expect("the proxy answers");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(heads[1].starts_with(&format!("post {target}/ http/1.1\r\n")), "{heads:?}");
    assert!(heads[1].contains(&format!("proxy-authorization: {basic}\r\n")), "{heads:?}");
    assert!(heads[1].contains("host: ecr.example.invalid:8080\r\n"), "{heads:?}");

    // NO_PROXY: straight to the server.
    let (url, ca, server) = recording_server(&dir.join("direct"), &[rustls::crypto::aws_lc_rs::kx_group::X25519]);
    set_proxies(Some(&with_password), None, Some("localhost,127.0.0.1"));
    let client = support::local_client(&url, |b| quick(b).ca_bundle(ca));
    client.list_images().repository_name("app").send().await.expect("the direct call succeeds");
    server.join().unwrap();
    assert_eq!(proxy.heads().len(), 2, "NO_PROXY was not honoured: {:?}", proxy.heads());

    // An https:// proxy: TLS to the proxy (its CA in the bundle beside the
    // server's), the tunnel inside it, and TLS to the server inside that.
    let (proxy_ca, proxy_cert, proxy_key) = certificates(&dir, "proxy");
    let tls_proxy = Proxy::start(Some((&proxy_cert, &proxy_key))).await;
    let over_tls = format!("https://user:{SENTINEL}@127.0.0.1:{}", tls_proxy.port);
    let (url, ca, server) = recording_server(&dir.join("tls-tunnel"), &[rustls::crypto::aws_lc_rs::kx_group::X25519]);
    let both = dir.join("both.pem").display().to_string();
    std::fs::write(&both, std::fs::read_to_string(&ca).unwrap() + &std::fs::read_to_string(&proxy_ca).unwrap())
        .unwrap();
    set_proxies(Some(&over_tls), Some(&over_tls), None);
    let client = support::local_client(&url, |b| quick(b).ca_bundle(both.clone()));
    client.list_images().repository_name("app").send().await.expect("the call through a tunnel inside TLS succeeds");
    server.join().unwrap();
    assert_one_tunnel(&tls_proxy, &url, &basic);
    let client = support::local_client(target, |b| quick(b).ca_bundle(both.clone()));
    client.list_images().repository_name("app").send().await.expect("the TLS proxy answers");
    let heads = tls_proxy.heads();
    assert!(heads[1].starts_with(&format!("post {target}/ http/1.1\r\n")), "{heads:?}");
    assert!(heads[1].contains(&format!("proxy-authorization: {basic}\r\n")), "{heads:?}");

    // A proxy whose certificate the roots do not vouch for is refused, by
    // a message without its password, before anything is sent to it.
    let client = support::local_client(target, |b| quick(b).ca_bundle(ca));
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("UnknownIssuer"), "{text}");
    assert!(!text.contains(SENTINEL), "{text}");
    assert_eq!(tls_proxy.heads().len(), 2, "{:?}", tls_proxy.heads());
    set_proxies(None, None, None);
}
