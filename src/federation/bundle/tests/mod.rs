use super::*;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn envelope(first: u64, prev_hash: [u8; 32]) -> Envelope {
    Envelope {
        sender: "210100-3fa2c91b".into(),
        recipient: "210000-8d01e4a7".into(),
        network: "100000-5b7c2e90".into(),
        direction: Direction::Up,
        prev_hash,
        first,
        ack: 4,
        created_at: "2026-11-27T08:00:00Z".into(),
        summary: "调剂资产 2 条，需求 1 条".into(),
    }
}

fn events() -> Vec<Event> {
    chain(
        GENESIS,
        1,
        vec![
            (
                "listing_published".into(),
                "2026-11-20T02:00:00Z".into(),
                serde_json::json!({"listing": "L1", "name": "台式计算机", "value_fen": 520000}),
            ),
            (
                "listing_published".into(),
                "2026-11-21T02:00:00Z".into(),
                serde_json::json!({"listing": "L2", "name": "投影仪"}),
            ),
            (
                "demand_published".into(),
                "2026-11-22T02:00:00Z".into(),
                serde_json::json!({"demand": "D1", "name": "A4黑白打印机"}),
            ),
        ],
    )
}

fn photos() -> Vec<Vec<u8>> {
    vec![b"\xff\xd8 photo one \xff\xd9".to_vec(), b"\xff\xd8 photo two \xff\xd9".to_vec()]
}

fn sample() -> Vec<u8> {
    write(&envelope(1, GENESIS), &events(), &photos(), &key(7))
}

fn read(bytes: &[u8], limits: &Limits, signer: &SigningKey) -> Result<(Header, Contents), BundleError> {
    let signed = read_header(bytes, limits)?;
    signed.verify(&signer.verifying_key())?;
    let contents = open(bytes, &signed)?;
    Ok((signed.header, contents))
}

#[test]
fn a_bundle_round_trips_and_the_same_state_writes_the_same_bytes() {
    let bytes = sample();
    assert_eq!(bytes, sample(), "deterministic");
    let (header, contents) = read(&bytes, &Limits::default(), &key(7)).unwrap();
    assert_eq!((header.first, header.last, header.ack), (1, 3, 4));
    assert_eq!(contents.events, events());
    assert_eq!(contents.photos, photos());
    assert_eq!(header.summary, "调剂资产 2 条，需求 1 条");
}

#[test]
fn a_bundle_may_carry_only_the_acknowledgement() {
    let last = events().last().unwrap().clone();
    let prev = hex32(&last.hash, "h").unwrap();
    let bytes = write(&envelope(4, prev), &[], &[], &key(7));
    let (header, contents) = read(&bytes, &Limits::default(), &key(7)).unwrap();
    assert_eq!((header.first, header.last), (4, 3));
    assert!(contents.events.is_empty());
}

/// The golden file: `GWC_WRITE_GOLDEN=1 cargo test golden` rewrites it (only when the frozen
/// format is deliberately changed — which v1 never is).
#[test]
fn the_golden_bundle_decodes_unchanged() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles/golden-v1.gwcb");
    if std::env::var_os("GWC_WRITE_GOLDEN").is_some() {
        std::fs::write(&path, sample()).unwrap();
    }
    let golden = std::fs::read(&path).unwrap();
    let (header, contents) = read(&golden, &Limits::default(), &key(7)).unwrap();
    assert_eq!(header.sender, "210100-3fa2c91b");
    assert_eq!(header.prev_hash, "0".repeat(64));
    assert_eq!(contents.events, events(), "event bytes and chain hashes are frozen");
    assert_eq!(contents.photos, photos());
    assert_eq!(
        contents.events[2].hash,
        hex::encode(chain_hash(
            &hex32(&contents.events[1].hash, "h").unwrap(),
            3,
            "demand_published",
            "2026-11-22T02:00:00Z",
            &serde_json::json!({"demand": "D1", "name": "A4黑白打印机"})
        ))
    );
    let prefix_and_header = 14 + u32::from_le_bytes(golden[10..14].try_into().unwrap()) as usize;
    assert_eq!(&golden[..prefix_and_header], &sample()[..prefix_and_header], "the header bytes are frozen");
}

#[test]
fn every_flipped_bit_and_every_cut_is_refused() {
    let bytes = sample();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            assert!(read(&bad, &Limits::default(), &key(7)).is_err(), "byte {i} bit {bit} accepted");
        }
    }
    for len in 0..bytes.len() {
        assert!(read(&bytes[..len], &Limits::default(), &key(7)).is_err(), "cut at {len} accepted");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(read(&longer, &Limits::default(), &key(7)).unwrap_err(), BundleError::Trailing);
}

#[test]
fn another_key_is_refused_and_the_signature_is_domain_separated() {
    assert_eq!(read(&sample(), &Limits::default(), &key(8)).unwrap_err(), BundleError::Signature);
    // A signature over the same bytes without the context does not verify.
    let bytes = sample();
    let signed = read_header(&bytes, &Limits::default()).unwrap();
    let mut forged = bytes.clone();
    let at = signed.payload_at() - SIGNATURE;
    forged[at..at + SIGNATURE].copy_from_slice(&key(7).sign(&bytes[..at]).to_bytes());
    assert_eq!(read(&forged, &Limits::default(), &key(7)).unwrap_err(), BundleError::Signature);
}

#[test]
fn limits_accept_the_exact_size_and_refuse_one_more() {
    let bytes = sample();
    let header = read_header(&bytes, &Limits::default()).unwrap().header;
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap());
    let exact = Limits {
        header: header_len,
        compressed: header.compressed_len,
        uncompressed: header.uncompressed_len,
        photos: 2,
        photo: header.photos.iter().map(|p| p.len).max().unwrap(),
        events: 3,
    };
    read(&bytes, &exact, &key(7)).unwrap();
    let tighter = [
        Limits { header: header_len - 1, ..exact },
        Limits { compressed: exact.compressed - 1, ..exact },
        Limits { uncompressed: exact.uncompressed - 1, ..exact },
        Limits { photos: 1, ..exact },
        Limits { photo: exact.photo - 1, ..exact },
        Limits { events: 2, ..exact },
    ];
    for limits in tighter {
        assert!(
            matches!(read(&bytes, &limits, &key(7)), Err(BundleError::TooLarge { .. })),
            "{limits:?} should refuse"
        );
    }
}

/// A bundle signed by `key(7)` around any payload and header.
fn forge(mut header: Header, payload: &[u8]) -> Vec<u8> {
    header.payload_sha256 = hex::encode(Sha256::digest(payload));
    header.compressed_len = payload.len() as u64;
    let header_bytes = serde_json::to_vec(&header).unwrap();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_bytes);
    let mut message = CONTEXT.to_vec();
    message.extend_from_slice(&out);
    out.extend_from_slice(&key(7).sign(&message).to_bytes());
    out.extend_from_slice(payload);
    out
}

fn plain_header() -> Header {
    let bytes = write(&envelope(1, GENESIS), &events(), &[], &key(7));
    read_header(&bytes, &Limits::default()).unwrap().header
}

#[test]
fn a_zstd_bomb_is_refused_after_reading_one_byte_past_the_declared_length() {
    let bomb = zstd::bulk::compress(&vec![b'a'; 256 * 1024 * 1024], 19).unwrap();
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let mut header = plain_header();
    header.uncompressed_len = 1000;
    // The decoder is read through `take(declared + 1)`: at most 1 001 bytes are ever inflated.
    assert_eq!(read(&forge(header, &bomb), &Limits::default(), &key(7)).unwrap_err(), BundleError::Payload);
}

#[test]
fn a_broken_chain_or_a_non_canonical_header_is_refused_even_when_signed() {
    let mut wrong = events();
    wrong[1].body = serde_json::json!({"listing": "L2", "name": "投影机"});
    let mut text = Vec::new();
    for e in &wrong {
        text.extend(serde_json::to_vec(e).unwrap());
        text.push(b'\n');
    }
    let mut header = plain_header();
    header.uncompressed_len = text.len() as u64;
    let bundle = forge(header, &zstd::bulk::compress(&text, 3).unwrap());
    assert_eq!(read(&bundle, &Limits::default(), &key(7)).unwrap_err(), BundleError::Chain(2));

    let bytes = sample();
    let signed = read_header(&bytes, &Limits::default()).unwrap();
    let pretty = serde_json::to_vec_pretty(&signed.header).unwrap();
    let mut loose = MAGIC.to_vec();
    loose.extend_from_slice(&VERSION.to_le_bytes());
    loose.extend_from_slice(&(pretty.len() as u32).to_le_bytes());
    loose.extend_from_slice(&pretty);
    loose.extend_from_slice(&[0; 64]);
    assert!(matches!(read_header(&loose, &Limits::default()), Err(BundleError::Header(_))));
    assert_eq!(read_header(b"PK\x03\x04 a zip file", &Limits::default()).unwrap_err(), BundleError::NotABundle);
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert_eq!(read_header(&v2, &Limits::default()).unwrap_err(), BundleError::Version(2));
}

/// The committed fuzz corpus (`make fuzz` grows it): every file is decoded without a panic, and
/// the golden files in it still verify.
#[test]
fn the_fuzz_corpus_decodes_without_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/bundle");
    let mut verified = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let Ok(signed) = read_header(&bytes, &Limits::default()) else { continue };
        let valid = signed.verify(&key(7).verifying_key()).is_ok();
        let opened = open(&bytes, &signed).is_ok();
        verified += usize::from(valid && opened);
    }
    assert!(verified >= 2, "the golden bundles are in the corpus and verify");
}
