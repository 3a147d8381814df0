//! Proxies from the environment, as curl and the AWS CLI take them, against
//! a real proxy the test runs: HTTPS through a CONNECT tunnel (the TLS
//! server at the far end checks the whole call), plain HTTP by sending the
//! whole URL to the proxy, the proxy's user and password as
//! `Proxy-Authorization`, `NO_PROXY` going direct, and an https:// proxy
//! refused by a message that never shows its password.
//! Alone in its binary: it sets the proxy variables for the process.

mod recording_tls;
mod support;

use recording_tls::recording_server;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SENTINEL: &str = "SENTINEL-PROXY-PASSWORD";

/// A forward proxy on 127.0.0.1: it tunnels CONNECT to its target and
/// answers any other request itself with `{}`; it records each request's
/// head.
struct Proxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let log = heads.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || serve(client, &log));
            }
        });
        Self { port, heads }
    }

    /// The heads seen, in lower case (header names' case is free).
    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().iter().map(|h| h.to_ascii_lowercase()).collect()
    }
}

fn serve(client: TcpStream, log: &Mutex<Vec<String>>) {
    client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap_or(0) > 2 {}
    log.lock().unwrap().push(head.clone());
    let mut client = client;
    if let Some(target) = head.strip_prefix("CONNECT ").and_then(|rest| rest.split(' ').next()) {
        let mut upstream = TcpStream::connect(target).unwrap();
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
        let (mut from_client, mut to_upstream) = (reader, upstream.try_clone().unwrap());
        let pump = std::thread::spawn(move || {
            let mut buf = [0; 8192];
            while let Ok(n @ 1..) = from_client.read(&mut buf) {
                if to_upstream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
        let _ = std::io::copy(&mut upstream, &mut client);
        let _ = client.shutdown(std::net::Shutdown::Both);
        let _ = pump.join();
    } else {
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .unwrap_or(0usize);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
        client.write_all(answer.as_bytes()).unwrap();
    }
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
    let proxy = Proxy::start();
    let with_password = format!("http://user:{SENTINEL}@127.0.0.1:{}", proxy.port);
    let basic = "Basic dXNlcjpTRU5USU5FTC1QUk9YWS1QQVNTV09SRA==".to_ascii_lowercase(); // user:SENTINEL-PROXY-PASSWORD

    // HTTPS: a CONNECT tunnel, with the proxy's credentials, and TLS to the
    // server itself through it.
    let (url, ca, server) = recording_server(&dir.join("tunnel"), &[rustls::crypto::aws_lc_rs::kx_group::X25519]);
    set_proxies(Some(&with_password), None, None);
    let client = support::local_client(&url, |b| quick(b).ca_bundle(ca));
    client.list_images().repository_name("app").send().await.expect("the call through the tunnel succeeds");
    server.join().unwrap();
    let authority = url.trim_start_matches("https://");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with(&format!("connect {authority} http/1.1\r\n")), "{heads:?}");
    assert!(heads[0].contains(&format!("proxy-authorization: {basic}\r\n")), "{heads:?}");

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

    // An https:// proxy is refused, by a message without its password.
    set_proxies(Some(&format!("https://user:{SENTINEL}@127.0.0.1:{}", proxy.port)), None, None);
    let client = support::local_client("https://ecr.example.invalid", quick);
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("not an http:// URL"), "{text}");
    assert!(!text.contains(SENTINEL), "{text}");
    assert_eq!(proxy.heads().len(), 2);
    set_proxies(None, None, None);
}
