//! Node set-up, shared by `gongwucang init` and the first-run wizard: checks the settings,
//! writes the key pair, and initialises the database (node row, reference data, `admin`) in one
//! transaction. Refuses a node that exists already.

use std::path::Path;

use thiserror::Error;

use crate::domain::DomainError;
use crate::domain::audit::Actor;
use crate::domain::clock;
use crate::domain::node::{self, Node, NodeKind, NodeSettings};
use crate::domain::user;
use crate::federation::keys::{self, KeyError};
use crate::store::{self, Store, StoreError};

/// Why set-up failed.
#[derive(Debug, Error)]
pub enum SetupError {
    /// Invalid settings, or the node exists already.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The key pair could not be written.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The node's self-signed HTTPS certificate could not be made.
    #[error("{0}")]
    Certificate(String),
}

impl From<DomainError> for SetupError {
    fn from(e: DomainError) -> Self {
        Self::Store(StoreError::Domain(e))
    }
}

/// What set-up needs.
pub struct SetupRequest<'a> {
    /// Node kind.
    pub kind: NodeKind,
    /// Region code.
    pub region: &'a str,
    /// Node name.
    pub name: &'a str,
    /// The `admin` password.
    pub admin_password: &'a str,
}

/// Initialises the node whose database is `store` in `data_dir`.
pub fn initialize(data_dir: &Path, store: &Store, request: SetupRequest<'_>) -> Result<Node, SetupError> {
    let reference = store.reference();
    let settings = NodeSettings::validate(request.kind, request.region, request.name, &reference)?;
    user::validate_password(request.admin_password)?;
    if let Some(existing) = store.node()? {
        return Err(DomainError::conflict(format!("本节点已初始化（{}），不能重复初始化", existing.node_id)).into());
    }
    let admin_hash = user::hash_password(request.admin_password)?;
    let key = keys::generate()?;
    let public_key = key.verifying_key().to_bytes();
    keys::write(data_dir, &key)?;
    crate::tls::ensure_own(data_dir, &settings.name, &[]).map_err(|e| SetupError::Certificate(format!("{e:#}")))?;
    let node_id = node::node_id(&settings.region, &public_key);
    let node = store.write(&Actor::system(), |tx| {
        store::node::initialize(
            tx,
            &settings,
            node_id,
            hex::encode(public_key),
            admin_hash,
            &reference,
            clock::now_rfc3339(),
        )
    })?;
    Ok(node)
}
