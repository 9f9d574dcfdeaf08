//! The bundle decoder on arbitrary bytes: reading the header, checking the signature (with the
//! golden fixture's key, so mutations of a valid file reach the payload), opening the payload and
//! the photo blobs, and inspecting it as `bundle inspect` does. Any panic is a bug; errors are
//! the expected outcome.
#![no_main]

use ed25519_dalek::SigningKey;
use gongwucang::federation::bundle::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep every run fast; the real limits are only larger numbers.
    let limits = Limits { header: 64 * 1024, compressed: 1 << 20, uncompressed: 4 << 20, photos: 64, photo: 1 << 20, events: 10_000 };
    let Ok(signed) = bundle::read_header(data, &limits) else { return };
    let _ = signed.verify(&SigningKey::from_bytes(&[7; 32]).verifying_key());
    if let Ok(contents) = bundle::open(data, &signed) {
        let _ = gongwucang::federation::exchange::decide(&signed.header, &contents.events, 1, |_| None);
    }
    let _ = gongwucang::store::exchange::inspect_with(data, |_| Ok(None));
});
