//! TLS against real local servers (`openssl s_server` with certificates
//! made for the test): the system's roots are read at the first handshake,
//! not when a client is built; a certificate they do not vouch for is
//! refused; no client installs the process-wide rustls crypto provider;
//! and the key exchange is post-quantum where the server allows it.
//! Alone in its binary: it sets `SSL_CERT_FILE` for the process.

mod recording_tls;
mod support;

use ecr_client::SdkError;
use recording_tls::recording_server;
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
