//! TLS against real local servers (`openssl s_server` with certificates
//! made for the test): the system's roots are read at the first handshake,
//! not when a client is built; a certificate they do not vouch for is
//! refused; and no client installs the process-wide rustls crypto provider.
//! Alone in its binary: it sets `SSL_CERT_FILE` for the process.

mod support;

use ecr_client::SdkError;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn openssl(args: &[&str]) {
    let status = Command::new("openssl").args(args).stderr(Stdio::null()).status().expect("openssl runs");
    assert!(status.success(), "openssl {args:?} failed");
}

/// A test CA named `name` and a certificate for 127.0.0.1 it signed: the
/// CA's file, and the server's certificate and key.
fn certificates(dir: &Path, name: &str) -> (String, String, String) {
    let path = |file: &str| dir.join(format!("{name}-{file}")).display().to_string();
    let (ca, ca_key, cert, key, csr, ext) =
        (path("ca.pem"), path("ca.key"), path("server.pem"), path("server.key"), path("server.csr"), path("ext"));
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    let subject = format!("/CN=ecr-client {name} CA");
    openssl(
        &[&["req", "-x509"], &ec[..], &["-days", "2", "-subj", &subject, "-keyout", &ca_key, "-out", &ca]].concat(),
    );
    openssl(&[&["req", "-new"], &ec[..], &["-subj", "/CN=127.0.0.1", "-keyout", &key, "-out", &csr]].concat());
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &ext,
        "-out",
        &cert,
    ]);
    (ca, cert, key)
}

/// `openssl s_server` on a port it picks itself, writing what it decrypts
/// to `log`; killed when dropped. It never answers.
struct TlsServer(Child, u16);

impl TlsServer {
    fn start(cert: &str, key: &str, log: &Path) -> Self {
        let child = Command::new("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key])
            .stdin(Stdio::piped()) // held open: at end of input s_server would quit
            .stdout(std::fs::File::create(log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let mut server = TlsServer(child, 0); // killed on drop, also if it never listens
                                              // It prints `ACCEPT 127.0.0.1:<port>` once it listens.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let printed = std::fs::read_to_string(log).unwrap_or_default();
            let port = printed.lines().find_map(|l| l.strip_prefix("ACCEPT 127.0.0.1:")?.trim().parse().ok());
            if let Some(port) = port {
                server.1 = port;
                return server;
            }
            assert!(Instant::now() < deadline, "s_server did not listen: {printed:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.1)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn roots_load_at_the_first_handshake_and_verification_holds() {
    let dir = std::env::temp_dir().join(format!("ecr-client-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
