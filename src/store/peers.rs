//! Registered peers (parent and child nodes).

use crate::domain::audit::AuditEntry;
use crate::domain::clock;
use crate::domain::peer::{NewPeer, Peer};

use super::tables::PEERS;
use super::{Read, Result, Tx, node};

/// Every peer, by node id.
pub fn all(r: &impl Read) -> Result<Vec<Peer>> {
    r.scan(PEERS)
}

/// A peer by node id.
pub fn get(r: &impl Read, node_id: &str) -> Result<Option<Peer>> {
    r.get(PEERS, node_id)
}

/// Checks and registers a peer, in the caller's transaction.
pub fn add(tx: &Tx, new_peer: &NewPeer, reference: &crate::domain::reference::Reference) -> Result<(Peer, AuditEntry)> {
    let me = node::get(tx)?.ok_or_else(|| crate::domain::DomainError::invalid("本节点尚未初始化"))?;
    let peer = new_peer.validate(&me, &all(tx)?, reference, clock::now_rfc3339())?;
    tx.put(PEERS, &peer.node_id, &peer)?;
    let summary = format!(
        "登记{}：{}（{}，指纹 {}）",
        peer.role.label(),
        peer.name,
        peer.node_id,
        crate::domain::node::fingerprint(&hex::decode(&peer.public_key).unwrap_or_default())
    );
    Ok((peer.clone(), AuditEntry::new("peer_added", format!("peer:{}", peer.node_id), summary, None)))
}
