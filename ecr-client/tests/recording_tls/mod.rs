//! A TLS server on rustls and aws-lc-rs (ecr-client's test dependency, not
//! the shared support's: ecr-cli's tests include that too) that records a
//! connection's key exchange and answers its one request.
#![allow(dead_code)] // each test binary uses a part

use crate::support::tls_server::certificates;
use rustls::NamedGroup;
use std::time::Duration;

/// What a TLS server saw of one connection: the client's key-exchange
/// groups in its order of preference, and the group agreed.
pub struct Handshake {
    pub offered: Vec<NamedGroup>,
    pub agreed: Option<NamedGroup>,
}

/// A TLS server (rustls on aws-lc-rs, which implements ML-KEM on its own)
/// that knows only the key-exchange `groups`: it records one connection's
/// handshake and answers its request with `{}`.
pub fn recording_server(
    dir: &std::path::Path,
    groups: &[&'static dyn rustls::crypto::SupportedKxGroup],
) -> (String, String, std::thread::JoinHandle<Handshake>) {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::{Read as _, Write as _};

    std::fs::create_dir_all(dir).unwrap();
    let (ca, cert, key) = certificates(dir, "recording");
    let provider =
        rustls::crypto::CryptoProvider { kx_groups: groups.to_vec(), ..rustls::crypto::aws_lc_rs::default_provider() };
    let chain = CertificateDer::pem_file_iter(&cert).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, PrivateKeyDer::from_pem_file(&key).unwrap())
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut acceptor = rustls::server::Acceptor::default();
        let accepted = loop {
            acceptor.read_tls(&mut tcp).unwrap();
            if let Some(accepted) = acceptor.accept().map_err(|(e, _)| e).unwrap() {
                break accepted;
            }
        };
        let offered = accepted.client_hello().named_groups().unwrap_or_default().to_vec();
        let connection = accepted.into_connection(std::sync::Arc::new(config)).map_err(|(e, _)| e).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let mut request = Vec::new();
        let mut buf = [0; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tls.read(&mut buf).unwrap();
            assert!(n > 0, "the client closed before its request");
            request.extend_from_slice(&buf[..n]);
        }
        let agreed = tls.conn.negotiated_key_exchange_group().map(|g| g.name());
        let body = "{}";
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(answer.as_bytes()).unwrap();
        tls.conn.send_close_notify();
        let _ = tls.flush();
        Handshake { offered, agreed }
    });
    (url, ca, server)
}
