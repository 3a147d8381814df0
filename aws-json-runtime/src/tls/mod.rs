//! The TLS of the HTTP clients this crate makes ([`crate::transport`]):
//! rustls on the `ring` provider with X25519MLKEM768 (hybrid post-quantum
//! key exchange, [`post_quantum`]) offered first, as rustls's own default
//! provider prefers it, in a TLS configuration of the client's own (the
//! process-wide default provider is never installed or read), with the
//! system's root certificates (or a CA bundle's, which replace them) loaded
//! when the first TLS handshake needs them, so a client for an `http://`
//! endpoint never pays for them.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

mod post_quantum;

/// The TLS configuration of every client; `ca_bundle`, a PEM file,
/// replaces the system's roots.
pub(crate) fn client_config(ca_bundle: Option<&Path>) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(provider());
    let roots =
        DeferredRoots { provider: provider.clone(), bundle: ca_bundle.map(Path::to_owned), loaded: OnceLock::new() };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous() // the verifier below is the platform's or the bundle's, only deferred
        .with_custom_certificate_verifier(Arc::new(roots))
        .with_no_client_auth();
    Ok(config)
}

/// ring's provider, its key exchange groups led by X25519MLKEM768, then
/// ring's own (X25519, P-256, P-384) for servers without it.
fn provider() -> CryptoProvider {
    // Deprecated since rustls 0.23.48 for lacking post-quantum key
    // exchange, which the first group below gives it.
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider();
    static HYBRID: OnceLock<post_quantum::X25519MlKem768> = OnceLock::new();
    let hybrid = HYBRID.get_or_init(|| post_quantum::X25519MlKem768 {
        x25519: rustls::crypto::ring::kx_group::X25519,
        random: ring.secure_random,
    });
    let mut kx_groups: Vec<&'static dyn rustls::crypto::SupportedKxGroup> = vec![hybrid];
    kx_groups.extend(rustls::crypto::ring::DEFAULT_KX_GROUPS);
    CryptoProvider { kx_groups, ..ring }
}

/// The certificate verifier, made on first use: the platform's (shared by
/// every client of the process), or the CA bundle's (this client's).
#[derive(Debug)]
struct DeferredRoots {
    provider: Arc<CryptoProvider>,
    bundle: Option<PathBuf>,
    loaded: OnceLock<Result<Arc<WebPkiServerVerifier>, String>>,
}

impl DeferredRoots {
    fn verifier(&self) -> Result<&dyn ServerCertVerifier, rustls::Error> {
        static PLATFORM: OnceLock<Result<rustls_platform_verifier::Verifier, String>> = OnceLock::new();
        let verifier: Result<&dyn ServerCertVerifier, &String> = match &self.bundle {
            Some(bundle) => {
                self.loaded.get_or_init(|| bundle_verifier(bundle, &self.provider)).as_ref().map(|v| v.as_ref() as _)
            }
            None => PLATFORM
                .get_or_init(|| {
                    rustls_platform_verifier::Verifier::new(self.provider.clone())
                        .map_err(|e| format!("cannot load the system's root certificates: {e}"))
                })
                .as_ref()
                .map(|v| v as _),
        };
        verifier.map_err(|e| rustls::Error::General(e.clone()))
    }
}

/// A verifier trusting the certificates of the PEM file at `path` alone.
fn bundle_verifier(path: &Path, provider: &Arc<CryptoProvider>) -> Result<Arc<WebPkiServerVerifier>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the CA bundle {shown}: {e}"))?;
    let mut roots = RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(&bytes) {
        let certificate = certificate.map_err(|e| format!("the CA bundle {shown} is not PEM: {e}"))?;
        roots.add(certificate).map_err(|e| format!("the CA bundle {shown} has a bad certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err(format!("the CA bundle {shown} holds no certificate"));
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| format!("the CA bundle {shown}: {e}"))
}

impl ServerCertVerifier for DeferredRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    // Handshake signatures need no roots: the provider's algorithms check them.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
