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

/// The peers bundles are exchanged with (not revoked).
pub fn active(r: &impl Read) -> Result<Vec<Peer>> {
    Ok(all(r)?.into_iter().filter(Peer::active).collect())
}

/// 停用 a peer, in the caller's transaction.
pub fn revoke(tx: &Tx, node_id: &str, reason: &str) -> Result<(Peer, AuditEntry)> {
    let peer =
        get(tx, node_id)?.ok_or_else(|| crate::domain::DomainError::NotFound(format!("对端节点 {node_id} 未登记")))?;
    let revoked = peer.revoke(reason, clock::now_rfc3339())?;
    tx.put(PEERS, &revoked.node_id, &revoked)?;
    let summary = format!("停用{}：{}（{}），原因：{}", peer.role.label(), peer.name, peer.node_id, reason.trim());
    Ok((revoked, AuditEntry::new("peer_revoked", format!("peer:{node_id}"), summary, None)))
}

/// Checks and registers a peer, in the caller's transaction.
pub fn add(tx: &Tx, new_peer: &NewPeer, reference: &crate::domain::reference::Reference) -> Result<(Peer, AuditEntry)> {
    let me = node::get(tx)?.ok_or_else(|| crate::domain::DomainError::invalid("本节点尚未初始化"))?;
    let peer = new_peer.validate(&me, &all(tx)?, reference, clock::now_rfc3339())?;
    tx.put(PEERS, &peer.node_id, &peer)?;
    super::relay::catch_up(tx, &peer)?;
    let summary = format!(
        "登记{}：{}（{}，指纹 {}）",
        peer.role.label(),
        peer.name,
        peer.node_id,
        crate::domain::node::fingerprint(&hex::decode(&peer.public_key).unwrap_or_default())
    );
    Ok((peer.clone(), AuditEntry::new("peer_added", format!("peer:{}", peer.node_id), summary, None)))
}
