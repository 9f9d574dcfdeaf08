//! Federation between nodes by signed bundle files (SPEC §9). Today: the node's ed25519 identity.
//! Bundle format, export, import and peers follow in the federation issue.

/// The node's ed25519 key pair in the data folder.
pub mod keys;
