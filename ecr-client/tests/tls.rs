//! TLS against real local servers (`openssl s_server` with certificates
//! made for the test): the system's roots are read at the first handshake,
//! not when a client is built; a certificate they do not vouch for is
//! refused; no client installs the process-wide rustls crypto provider;
//! and the key exchange is post-quantum where the server allows it.
//! Alone in its binary: it sets `SSL_CERT_FILE` for the process.

mod support;

use ecr_client::SdkError;
use rustls::NamedGroup;
use std::time::Duration;
use support::tls_server::{certificates, TlsServer};

#[tokio::test]
async fn roots_load_at_the_first_handshake_and_verification_holds() {
    let dir = support::scratch("tls");
    let (trusted_ca, trusted_cert, trusted_key) = certificates(&dir, "trusted");
    let (_, other_cert, other_key) = certificates(&dir, "other");
    let trusted = TlsServer::start(&trusted_cert, &trusted_key, &dir.join("trusted.log"));
    let untrusted = TlsServer::start(&other_cert, &other_key, &dir.join("untrusted.log"));

    let quick = |b: ecr_client::ConfigBuilder| {
        b.attempt_timeout(Duration::from_secs(2)).retry(ecr_client::RetryConfig::disabled())
    };
    let client = support::local_client(&trusted.url(), quick);
    let other = support::local_client(&untrusted.url(), quick);
    // Set only now that the clients exist: if they had loaded roots when
    // built, they would not trust this certificate.
    std::env::set_var("SSL_CERT_FILE", &trusted_ca);

    // The handshake succeeds and the server reads the request (it never
    // answers, so the attempt times out).
    let err = client.list_images().repository_name("app").send().await.unwrap_err();
    assert!(matches!(&err, SdkError::Transport(t) if t.is_timeout()), "{err}");
    let seen = std::fs::read_to_string(dir.join("trusted.log")).unwrap();
    assert!(
        seen.contains("POST / HTTP/1.1") && seen.contains("AmazonEC2ContainerRegistry_V20150921.ListImages"),
        "{seen}"
    );

    let err = other.list_images().repository_name("app").send().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SdkError::Transport(_)), "{err:?}");
    assert!(text.contains("certificate") && text.contains("UnknownIssuer"), "{text}");
    assert!(!std::fs::read_to_string(dir.join("untrusted.log")).unwrap().contains("POST"), "sent over unverified TLS");

    assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "a client installed the global crypto provider");
}

/// A CA bundle replaces the system's roots for that client alone, read at
/// the first handshake; one that cannot be read is an error naming it.
#[tokio::test]
async fn a_ca_bundle_replaces_the_roots_and_a_bad_one_is_named() {
    let dir = support::scratch("bundle");
    let (private_ca, cert, key) = certificates(&dir, "private");
    let (other_ca, _, _) = certificates(&dir, "unrelated");
    let server = TlsServer::start(&cert, &key, &dir.join("private.log"));
    let with = |bundle: &str| {
        let bundle = bundle.to_owned();
        support::local_client(&server.url(), move |b| {
            b.ca_bundle(bundle).attempt_timeout(Duration::from_secs(2)).retry(ecr_client::RetryConfig::disabled())
        })
    };

    let err = with(&private_ca).list_images().repository_name("app").send().await.unwrap_err();
    assert!(matches!(&err, SdkError::Transport(t) if t.is_timeout()), "the handshake succeeded: {err}");
    assert!(std::fs::read_to_string(dir.join("private.log")).unwrap().contains("POST / HTTP/1.1"));

    let err = with(&other_ca).list_images().repository_name("app").send().await.unwrap_err().to_string();
    assert!(err.contains("UnknownIssuer"), "another CA's bundle does not vouch for it: {err}");

    let missing = dir.join("no-such-bundle.pem").display().to_string();
    let err = with(&missing).list_images().repository_name("app").send().await.unwrap_err().to_string();
    assert!(err.contains(&format!("cannot read the CA bundle {missing}")), "{err}");
    std::fs::write(dir.join("empty.pem"), "not a certificate\n").unwrap();
    let empty = dir.join("empty.pem").display().to_string();
    let err = with(&empty).list_images().repository_name("app").send().await.unwrap_err().to_string();
    assert!(err.contains(&format!("the CA bundle {empty} holds no certificate")), "{err}");
}

/// What a TLS server saw of one connection: the client's key-exchange
/// groups in its order of preference, and the group agreed.
struct Handshake {
    offered: Vec<NamedGroup>,
    agreed: Option<NamedGroup>,
}

/// A TLS server (rustls on aws-lc-rs, which implements ML-KEM on its own)
/// that knows only the key-exchange `groups`: it records one connection's
/// handshake and answers its request with `{}`.
fn recording_server(
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

/// Post-quantum key exchange: the client offers X25519MLKEM768 first and
/// agrees on it with a server that has it; a server without it (as OpenSSL
/// before 3.5) still connects, on X25519.
#[tokio::test]
async fn the_client_prefers_hybrid_post_quantum_key_exchange() {
    use rustls::crypto::aws_lc_rs::kx_group;
    let dir = support::scratch("key-exchange");
    let call = |url: String, ca: String| async move {
        let client = support::local_client(&url, move |b| {
            b.ca_bundle(ca).attempt_timeout(Duration::from_secs(10)).retry(ecr_client::RetryConfig::disabled())
        });
        client.list_images().repository_name("app").send().await
    };

    let (url, ca, server) = recording_server(&dir.join("new"), &[kx_group::X25519MLKEM768, kx_group::X25519]);
    let answer = call(url, ca).await;
    let seen = server.join().unwrap();
    answer.expect("the call over X25519MLKEM768 succeeds");
    assert_eq!(seen.offered.first(), Some(&NamedGroup::X25519MLKEM768), "offered {:?}", seen.offered);
    assert!(seen.offered.contains(&NamedGroup::X25519), "offered {:?}", seen.offered);
    assert_eq!(seen.agreed, Some(NamedGroup::X25519MLKEM768));

    let (url, ca, server) = recording_server(&dir.join("old"), &[kx_group::X25519, kx_group::SECP256R1]);
    let answer = call(url, ca).await;
    let seen = server.join().unwrap();
    answer.expect("a server without ML-KEM still connects");
    assert_eq!(seen.offered.first(), Some(&NamedGroup::X25519MLKEM768), "offered {:?}", seen.offered);
    assert_eq!(seen.agreed, Some(NamedGroup::X25519));
}
