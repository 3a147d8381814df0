//! What moving images reads from users and from disk: image references,
//! platforms, manifests, and image tarballs (OCI archives and `docker save`
//! tarballs, read as a push would read them). The first byte picks which.
#![no_main]

use ecr_client::image::{Manifest, OciLayout, Platform, Reference};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((kind, rest)) = data.split_first() else { return };
    match kind % 4 {
        0 => {
            if let Ok(reference) = Reference::parse(&String::from_utf8_lossy(rest)) {
                // What parses prints back as something that parses the same.
                assert_eq!(Reference::parse(&reference.to_string()).as_ref(), Ok(&reference));
            }
        }
        1 => {
            if let Ok(platform) = Platform::parse(&String::from_utf8_lossy(rest)) {
                assert_eq!(Platform::parse(&platform.to_string()).as_ref(), Ok(&platform));
            }
        }
        2 => {
            let _ = Manifest::parse(rest.to_vec(), None);
        }
        _ => {
            let path = ecr_fuzz_common::scratch("images").join("image.tar");
            if std::fs::write(&path, rest).is_ok() {
                if let Ok(layout) = OciLayout::archive(&path) {
                    let _ = layout.image(None);
                    let _ = layout.image(Some("v1"));
                }
            }
        }
    }
});
