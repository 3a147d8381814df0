//! The HTTP clients this crate makes: rustls on the `ring` provider, in a
//! TLS configuration of the client's own (the process-wide default provider
//! is never installed or read), with the system's root certificates loaded
//! when the first TLS handshake needs them, so a client for an `http://`
//! endpoint never pays for them. Redirects are never followed: a signed
//! request, its session token included, goes to the host it was signed for
//! or nowhere.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, OnceLock};

/// Builds an HTTP client from `builder` with this crate's TLS and redirect
/// policy.
pub(crate) fn http_client(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, String> {
    builder
        .tls_backend_preconfigured(client_config()?)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| super::error::chain(&e))
}

fn client_config() -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous() // the verifier below is the platform's, only deferred
        .with_custom_certificate_verifier(Arc::new(DeferredRoots { provider }))
        .with_no_client_auth();
    Ok(config)
}

/// The platform's certificate verifier, made on first use and then shared
/// by every client of the process.
#[derive(Debug)]
struct DeferredRoots {
    provider: Arc<CryptoProvider>,
}

impl DeferredRoots {
    fn verifier(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        static VERIFIER: OnceLock<Result<rustls_platform_verifier::Verifier, String>> = OnceLock::new();
        VERIFIER
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new(self.provider.clone())
                    .map_err(|e| format!("cannot load the system's root certificates: {e}"))
            })
            .as_ref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }
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
