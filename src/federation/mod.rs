//! Federation between nodes by signed bundle files (SPEC §9): the node's ed25519 identity and the
//! frozen bundle format. Channels, export, import and peers follow in the federation issue.

/// Bundle format v1: header, signature, zstd payload of chained events, photo blobs.
pub mod bundle;
/// What an imported bundle means for its channel: no-op, gap, fork or new events.
pub mod exchange;
/// The node's ed25519 key pair in the data folder.
pub mod keys;
