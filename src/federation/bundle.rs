//! Bundle format v1 (SPEC §9), frozen: one file carrying a range of the events of one
//! (sender → recipient) channel, signed by the sender. All integers are little-endian.
//!
//! ```text
//! offset      size  what
//! 0           8     magic  "GWCB\r\n\x1a\n" (catches text-mode copies that mangle line ends)
//! 8           2     format version, 1
//! 10          4     H = header length (≤ limits.header)
//! 14          H     header: compact JSON of [`Header`], fields in declaration order; decoding
//!                   refuses unknown or missing fields and any bytes that do not re-encode identically
//! 14+H        64    ed25519 signature (verify_strict) over CONTEXT ‖ bytes[0 .. 14+H]
//! 78+H        C     payload: one zstd frame, C = header.compressed_len, SHA-256 = header.payload_sha256;
//!                   it inflates to exactly header.uncompressed_len bytes: the events as compact JSON,
//!                   one per line
//! 78+H+C      Σ     photo blobs in manifest order, each header.photos[i].len bytes with that SHA-256
//! end               nothing after the last blob
//! ```
//!
//! Events are numbered 1, 2, 3 … per channel and hash-chained: an event's hash is the SHA-256 of
//! the previous event's hash (32 zero bytes before event 1) followed by the event's compact JSON
//! without its `hash` field. A bundle may carry no events at all (`last = first - 1`): it still
//! carries the acknowledgement.
//!
//! Reading is staged so that the importer can apply its rules in order: [`read_header`] (sizes,
//! strict header) → [`SignedHeader::verify`] (signature, by the caller's known key) → the
//! caller's recipient and role checks → [`open`] (exact length, payload hash before
//! decompressing, capped decompression, the event chain, the photo hashes).

use std::io::Read as _;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The first 8 bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"GWCB\r\n\x1a\n";
/// The format version this build reads and writes.
pub const VERSION: u16 = 1;
/// Domain separation of the signature: a bundle signature cannot be replayed as anything else.
pub const CONTEXT: &[u8] = b"gongwucang bundle v1\0";
/// The hash before event 1.
pub const GENESIS: [u8; 32] = [0; 32];
const PREFIX: usize = 14;
const SIGNATURE: usize = 64;

/// Size limits, checked while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Header bytes.
    pub header: u32,
    /// Compressed payload bytes.
    pub compressed: u64,
    /// Inflated payload bytes.
    pub uncompressed: u64,
    /// Number of photo blobs.
    pub photos: usize,
    /// Bytes of one photo blob.
    pub photo: u64,
    /// Number of events.
    pub events: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header: 4 * 1024 * 1024,
            compressed: 1024 * 1024 * 1024,
            uncompressed: 4 * 1024 * 1024 * 1024,
            photos: 200_000,
            photo: 10 * 1024 * 1024,
            events: 5_000_000,
        }
    }
}

/// Which way a bundle travels in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Child to parent (local → province → national).
    Up,
    /// Parent to child.
    Down,
}

/// A photo blob carried after the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoEntry {
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Length in bytes.
    pub len: u64,
}

/// The signed header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Sender node id.
    pub sender: String,
    /// Recipient node id.
    pub recipient: String,
    /// The federation network (the national node's id), so bundles of a test network never
    /// enter the real one.
    pub network: String,
    /// Up or down the tree.
    pub direction: Direction,
    /// First event number carried (≥ 1).
    pub first: u64,
    /// Last event number carried (`first - 1` when none).
    pub last: u64,
    /// Hash of event `first - 1` (hex; zeros before event 1).
    pub prev_hash: String,
    /// The last event the sender has applied from the recipient.
    pub ack: u64,
    /// RFC 3339.
    pub created_at: String,
    /// SHA-256 of the compressed payload, hex.
    pub payload_sha256: String,
    /// Compressed payload length.
    pub compressed_len: u64,
    /// Inflated payload length.
    pub uncompressed_len: u64,
    /// The photo blobs after the payload, in order.
    pub photos: Vec<PhotoEntry>,
    /// One line for people, e.g. "入仓资产 12 条，需求 3 条".
    pub summary: String,
}

/// One event of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// 1, 2, 3 … on its channel.
    pub seq: u64,
    /// What happened, e.g. `listing_published`.
    pub kind: String,
    /// RFC 3339.
    pub at: String,
    /// The facts, by kind.
    pub body: serde_json::Value,
    /// Chain hash, hex (see the module documentation).
    pub hash: String,
}

/// An event before it is chained.
#[derive(Serialize)]
struct Unchained<'a> {
    seq: u64,
    kind: &'a str,
    at: &'a str,
    body: &'a serde_json::Value,
}

/// The chain hash of an event after `prev`.
pub fn chain_hash(prev: &[u8; 32], seq: u64, kind: &str, at: &str, body: &serde_json::Value) -> [u8; 32] {
    let bytes = serde_json::to_vec(&Unchained { seq, kind, at, body }).unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(&bytes);
    hasher.finalize().into()
}

/// Why a bundle is refused. The messages are for the county clerk who carried the file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BundleError {
    /// Not a bundle at all.
    #[error("该文件不是公物仓数据包（文件开头不符），请确认选择的是从上级或下级节点导出的 .gwcb 文件")]
    NotABundle,
    /// A later format.
    #[error("数据包格式版本为 {0}，本程序只能读取版本 1，请升级本节点的程序")]
    Version(u16),
    /// Cut short.
    #[error("数据包不完整（文件被截断），请重新拷贝或让对方重新导出")]
    Truncated,
    /// Bytes after the end.
    #[error("数据包末尾有多余数据，文件可能损坏或被篡改，已拒绝。请重新拷贝原文件，或请对方重新导出")]
    Trailing,
    /// Over a size limit.
    #[error("数据包的{what}超过上限（{value}，上限 {limit}），已拒绝")]
    TooLarge {
        /// Which part.
        what: &'static str,
        /// Its size.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The header is not the frozen format.
    #[error("数据包头信息格式不正确（{0}），文件可能被篡改，已拒绝")]
    Header(String),
    /// Bad signature.
    #[error(
        "数据包签名校验失败：文件在传递过程中被修改，或并非由所称的发送节点签发，已拒绝。请重新拷贝原文件，或请对方重新导出"
    )]
    Signature,
    /// Payload does not hash to the header's value.
    #[error("数据包内容与签名的摘要不一致，文件可能损坏或被篡改，已拒绝。请重新拷贝原文件，或请对方重新导出")]
    PayloadHash,
    /// Payload inflates to something else than declared.
    #[error("数据包内容解压失败或长度与声明不符，已拒绝")]
    Payload,
    /// The events are not a chain.
    #[error("数据包中的事件序号或链式摘要不连续（第 {0} 条），已拒绝")]
    Chain(u64),
    /// A photo blob does not match its manifest entry.
    #[error("数据包中的第 {0} 张照片与清单不符，已拒绝")]
    Photo(usize),
}

/// A header read from a file, not yet verified.
#[derive(Debug, Clone)]
pub struct SignedHeader {
    /// The decoded header.
    pub header: Header,
    signed: Vec<u8>,
    signature: [u8; SIGNATURE],
}

impl SignedHeader {
    /// Checks the sender's signature over the exact header bytes.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), BundleError> {
        let mut message = CONTEXT.to_vec();
        message.extend_from_slice(&self.signed);
        key.verify_strict(&message, &Signature::from_bytes(&self.signature)).map_err(|_| BundleError::Signature)
    }

    /// Where the payload starts.
    fn payload_at(&self) -> usize {
        self.signed.len() + SIGNATURE
    }
}

fn too_large(what: &'static str, value: u64, limit: u64) -> Result<(), BundleError> {
    if value > limit { Err(BundleError::TooLarge { what, value, limit }) } else { Ok(()) }
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], BundleError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).map_err(|_| BundleError::Header(format!("{what} 不是 64 位十六进制")))?;
    if hex::encode(out) != s {
        return Err(BundleError::Header(format!("{what} 应为小写十六进制")));
    }
    Ok(out)
}

/// Reads and strictly decodes the prefix and header; checks the declared sizes against `limits`.
pub fn read_header(bytes: &[u8], limits: &Limits) -> Result<SignedHeader, BundleError> {
    if bytes.len() < 8 || bytes[..8] != MAGIC {
        return Err(BundleError::NotABundle);
    }
    if bytes.len() < PREFIX {
        return Err(BundleError::Truncated);
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(BundleError::Version(version));
    }
    let header_len = u32::from_le_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]);
    too_large("头信息", u64::from(header_len), u64::from(limits.header))?;
    let end = PREFIX + header_len as usize;
    if bytes.len() < end + SIGNATURE {
        return Err(BundleError::Truncated);
    }
    let raw = &bytes[PREFIX..end];
    let header: Header = serde_json::from_slice(raw).map_err(|e| BundleError::Header(e.to_string()))?;
    if serde_json::to_vec(&header).map_err(|e| BundleError::Header(e.to_string()))? != raw {
        return Err(BundleError::Header("头信息不是规范编码".to_owned()));
    }
    if header.first == 0 || header.last.checked_add(1).is_none_or(|end| end < header.first) {
        return Err(BundleError::Header(format!("事件范围 {}–{} 无效", header.first, header.last)));
    }
    hex32(&header.prev_hash, "prev_hash")?;
    hex32(&header.payload_sha256, "payload_sha256")?;
    too_large("压缩内容", header.compressed_len, limits.compressed)?;
    too_large("解压内容", header.uncompressed_len, limits.uncompressed)?;
    too_large("事件数", header.last + 1 - header.first, limits.events)?;
    too_large("照片数", header.photos.len() as u64, limits.photos as u64)?;
    for photo in &header.photos {
        hex32(&photo.sha256, "照片摘要")?;
        too_large("单张照片", photo.len, limits.photo)?;
    }
    let mut signature = [0u8; SIGNATURE];
    signature.copy_from_slice(&bytes[end..end + SIGNATURE]);
    Ok(SignedHeader { header, signed: bytes[..end].to_vec(), signature })
}

/// The contents of a verified bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// The events `first..=last`, chained from `prev_hash`.
    pub events: Vec<Event>,
    /// The photo blobs, in manifest order.
    pub photos: Vec<Vec<u8>>,
}

/// Opens the payload and blobs of a bundle whose header the caller has verified: exact total
/// length, payload hash before decompressing, decompression capped at the declared length, the
/// event chain, the photo hashes.
pub fn open(bytes: &[u8], signed: &SignedHeader) -> Result<Contents, BundleError> {
    let h = &signed.header;
    let at = signed.payload_at();
    let blobs: u64 = h.photos.iter().map(|p| p.len).sum();
    let expected = (at as u64).checked_add(h.compressed_len).and_then(|n| n.checked_add(blobs));
    match expected {
        Some(n) if (bytes.len() as u64) < n => return Err(BundleError::Truncated),
        Some(n) if (bytes.len() as u64) > n => return Err(BundleError::Trailing),
        None => return Err(BundleError::Truncated),
        Some(_) => {}
    }
    let payload_end = at + h.compressed_len as usize;
    let payload = &bytes[at..payload_end];
    if hex::encode(Sha256::digest(payload)) != h.payload_sha256 {
        return Err(BundleError::PayloadHash);
    }
    let text = inflate(payload, h.uncompressed_len)?;
    let events = chained_events(&text, h)?;
    let mut photos = Vec::with_capacity(h.photos.len());
    let mut offset = payload_end;
    for (i, entry) in h.photos.iter().enumerate() {
        let blob = &bytes[offset..offset + entry.len as usize];
        if hex::encode(Sha256::digest(blob)) != entry.sha256 {
            return Err(BundleError::Photo(i + 1));
        }
        photos.push(blob.to_vec());
        offset += entry.len as usize;
    }
    Ok(Contents { events, photos })
}

/// Inflates one zstd frame to exactly `declared` bytes, reading at most one byte more.
fn inflate(payload: &[u8], declared: u64) -> Result<Vec<u8>, BundleError> {
    let mut decoder = zstd::stream::read::Decoder::with_buffer(payload).map_err(|_| BundleError::Payload)?;
    decoder.window_log_max(27).map_err(|_| BundleError::Payload)?;
    let mut out = Vec::with_capacity(declared.min(64 * 1024 * 1024) as usize);
    decoder.take(declared + 1).read_to_end(&mut out).map_err(|_| BundleError::Payload)?;
    if out.len() as u64 != declared {
        return Err(BundleError::Payload);
    }
    Ok(out)
}

fn chained_events(text: &[u8], h: &Header) -> Result<Vec<Event>, BundleError> {
    let mut prev = hex32(&h.prev_hash, "prev_hash")?;
    let mut events = Vec::new();
    let mut expected = h.first;
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let event: Event = serde_json::from_slice(line).map_err(|_| BundleError::Chain(expected))?;
        if event.seq != expected || expected > h.last {
            return Err(BundleError::Chain(expected));
        }
        let hash = chain_hash(&prev, event.seq, &event.kind, &event.at, &event.body);
        if hex::encode(hash) != event.hash || serde_json::to_vec(&event).ok().as_deref() != Some(line) {
            return Err(BundleError::Chain(expected));
        }
        prev = hash;
        expected += 1;
        events.push(event);
    }
    if expected != h.last + 1 {
        return Err(BundleError::Chain(expected));
    }
    Ok(events)
}

/// What goes into a bundle besides its events and photos.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Sender node id.
    pub sender: String,
    /// Recipient node id.
    pub recipient: String,
    /// Network id.
    pub network: String,
    /// Up or down.
    pub direction: Direction,
    /// Hash of the event before the first carried.
    pub prev_hash: [u8; 32],
    /// First event number carried.
    pub first: u64,
    /// Last event applied from the recipient.
    pub ack: u64,
    /// RFC 3339.
    pub created_at: String,
    /// One line for people.
    pub summary: String,
}

/// Writes a bundle: the same inputs give the same bytes. `events` must continue the chain from
/// `envelope.prev_hash` at `envelope.first`.
pub fn write(envelope: &Envelope, events: &[Event], photos: &[Vec<u8>], key: &SigningKey) -> Vec<u8> {
    let mut text = Vec::new();
    for event in events {
        text.extend(serde_json::to_vec(event).unwrap_or_default());
        text.push(b'\n');
    }
    let payload = zstd::bulk::compress(&text, 3).unwrap_or_default();
    let header = Header {
        sender: envelope.sender.clone(),
        recipient: envelope.recipient.clone(),
        network: envelope.network.clone(),
        direction: envelope.direction,
        first: envelope.first,
        last: envelope.first + events.len() as u64 - 1,
        prev_hash: hex::encode(envelope.prev_hash),
        ack: envelope.ack,
        created_at: envelope.created_at.clone(),
        payload_sha256: hex::encode(Sha256::digest(&payload)),
        compressed_len: payload.len() as u64,
        uncompressed_len: text.len() as u64,
        photos: photos
            .iter()
            .map(|p| PhotoEntry { sha256: hex::encode(Sha256::digest(p)), len: p.len() as u64 })
            .collect(),
        summary: envelope.summary.clone(),
    };
    let header_bytes = serde_json::to_vec(&header).unwrap_or_default();
    let mut out = Vec::with_capacity(PREFIX + header_bytes.len() + SIGNATURE + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&header_bytes);
    let mut message = CONTEXT.to_vec();
    message.extend_from_slice(&out);
    out.extend_from_slice(&key.sign(&message).to_bytes());
    out.extend_from_slice(&payload);
    for photo in photos {
        out.extend_from_slice(photo);
    }
    out
}

/// Chains events after `prev` starting at `first`: `(kind, at, body)` → events with hashes.
pub fn chain(prev: [u8; 32], first: u64, items: Vec<(String, String, serde_json::Value)>) -> Vec<Event> {
    let mut prev = prev;
    items
        .into_iter()
        .enumerate()
        .map(|(i, (kind, at, body))| {
            let seq = first + i as u64;
            let hash = chain_hash(&prev, seq, &kind, &at, &body);
            prev = hash;
            Event { seq, kind, at, body, hash: hex::encode(hash) }
        })
        .collect()
}

#[cfg(test)]
mod tests;
