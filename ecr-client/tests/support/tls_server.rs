//! A TLS server with a private CA (`openssl s_server` with certificates
//! made for the test): it logs what it decrypts and never answers.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn openssl(args: &[&str]) {
    let status = Command::new("openssl").args(args).stderr(Stdio::null()).status().expect("openssl runs");
    assert!(status.success(), "openssl {args:?} failed");
}

/// A test CA named `name` and a certificate for 127.0.0.1 it signed: the
/// CA's file, and the server's certificate and key.
pub fn certificates(dir: &Path, name: &str) -> (String, String, String) {
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
pub struct TlsServer(Child, u16);

impl TlsServer {
    pub fn start(cert: &str, key: &str, log: &Path) -> Self {
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

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.1)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
