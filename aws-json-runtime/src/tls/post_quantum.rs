//! X25519MLKEM768, the hybrid post-quantum key exchange of TLS 1.3
//! (draft-ietf-tls-ecdhe-mlkem, code point 0x11EC) that AWS endpoints,
//! browsers and rustls's aws-lc-rs provider negotiate, on ring's X25519
//! and RustCrypto's ML-KEM-768 (FIPS 203): ring has no ML-KEM.
//!
//! The construction is rustls's own (its aws-lc-rs `pq::hybrid`, private
//! in rustls 0.23), for the client side only:
//! - the client's share is the ML-KEM encapsulation key (1,184 bytes)
//!   followed by an X25519 public key (32);
//! - the server's is an ML-KEM ciphertext (1,088) followed by its X25519
//!   public key (32);
//! - the shared secret is the ML-KEM secret followed by the X25519 one.
//!
//! The X25519 half is also offered on its own (`hybrid_component`), so a
//! server without ML-KEM picks X25519 in the same round trip.

use ml_kem::ml_kem_768::{Ciphertext, DecapsulationKey};
use ml_kem::{Decapsulate as _, KeyExport as _};
use rustls::crypto::{ActiveKeyExchange, CompletedKeyExchange, SecureRandom, SharedSecret, SupportedKxGroup};
use rustls::{Error, NamedGroup, PeerMisbehaved, ProtocolVersion};
use zeroize::Zeroize as _;

const X25519_LEN: usize = 32;
const MLKEM768_CIPHERTEXT_LEN: usize = 1088;

/// The X25519MLKEM768 group, drawing its ML-KEM seed from `random` (the
/// provider's, ring's system generator).
#[derive(Debug)]
pub(super) struct X25519MlKem768 {
    pub(super) x25519: &'static dyn SupportedKxGroup,
    pub(super) random: &'static dyn SecureRandom,
}

impl SupportedKxGroup for X25519MlKem768 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let classical = self.x25519.start()?;
        let mut seed = ml_kem::Seed::default();
        self.random.fill(&mut seed).map_err(|_| Error::FailedToGetRandomBytes)?;
        let decapsulation = Box::new(DecapsulationKey::from_seed(seed));
        // The key wipes itself when dropped; the seed it came from goes now.
        seed.as_mut_slice().zeroize();
        let share = [decapsulation.encapsulation_key().to_bytes().as_slice(), classical.pub_key()].concat();
        Ok(Box::new(Active { classical, decapsulation, share }))
    }

    /// Only a server completes a key exchange in one step, and this group
    /// serves clients alone.
    fn start_and_complete(&self, _client_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        Err(Error::General("X25519MLKEM768 is implemented for TLS clients only".into()))
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }

    fn usable_for_version(&self, version: ProtocolVersion) -> bool {
        version == ProtocolVersion::TLSv1_3
    }
}

struct Active {
    classical: Box<dyn ActiveKeyExchange>,
    decapsulation: Box<DecapsulationKey>,
    share: Vec<u8>,
}

impl ActiveKeyExchange for Active {
    fn complete(self: Box<Self>, server_share: &[u8]) -> Result<SharedSecret, Error> {
        if server_share.len() != MLKEM768_CIPHERTEXT_LEN + X25519_LEN {
            return Err(PeerMisbehaved::InvalidKeyShare.into());
        }
        let (ciphertext, x25519) = server_share.split_at(MLKEM768_CIPHERTEXT_LEN);
        let ciphertext = Ciphertext::try_from(ciphertext).map_err(|_| Error::from(PeerMisbehaved::InvalidKeyShare))?;
        // ML-KEM rejects implicitly: a forged ciphertext yields a secret
        // the server does not have, and the handshake's Finished fails.
        let mut post_quantum = self.decapsulation.decapsulate(&ciphertext);
        let classical = self.classical.complete(x25519)?;
        // SharedSecret wipes the combined secret when dropped.
        let secret = SharedSecret::from([post_quantum.as_slice(), classical.secret_bytes()].concat());
        post_quantum.as_mut_slice().zeroize();
        Ok(secret)
    }

    fn hybrid_component(&self) -> Option<(NamedGroup, &[u8])> {
        Some((self.classical.group(), self.classical.pub_key()))
    }

    fn complete_hybrid_component(self: Box<Self>, server_share: &[u8]) -> Result<SharedSecret, Error> {
        self.classical.complete(server_share)
    }

    fn pub_key(&self) -> &[u8] {
        &self.share
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }
}
