//! The node row and the reference data written at initialisation.

use crate::domain::DomainError;
use crate::domain::audit::AuditEntry;
use crate::domain::node::{Node, NodeSettings};
use crate::domain::reference::{Category, Reference, Region};
use crate::domain::user::{ADMIN_USERNAME, Role, User};

use super::tables::{CATEGORIES, META, REGIONS, meta_keys};
use super::{Read, Result, Rx, Tx, users};

/// The node, once initialised.
pub fn get(r: &impl Read) -> Result<Option<Node>> {
    r.get(META, meta_keys::NODE)
}

/// The reference data stored at initialisation, or `None` before.
pub fn load_reference(r: &Rx) -> Result<Option<Reference>> {
    if get(r)?.is_none() {
        return Ok(None);
    }
    let regions: Vec<Region> = r.scan(REGIONS)?;
    let categories: Vec<Category> = r.scan(CATEGORIES)?;
    Ok(Some(Reference::new(regions, categories)))
}

/// Initialises the node in one transaction: node row, reference data, the `admin` account.
/// Refuses when the node exists already.
pub fn initialize(
    tx: &Tx,
    settings: &NodeSettings,
    node_id: String,
    public_key_hex: String,
    admin_password_hash: String,
    reference: &Reference,
    now: String,
) -> Result<(Node, AuditEntry)> {
    if let Some(existing) = get(tx)? {
        return Err(DomainError::conflict(format!(
            "本节点已初始化（{}，{}），不能重复初始化",
            existing.name, existing.node_id
        ))
        .into());
    }
    for region in reference.regions() {
        tx.put(REGIONS, &region.code, region)?;
    }
    for category in reference.categories() {
        tx.put(CATEGORIES, &category.code, category)?;
    }
    let node = Node {
        node_id,
        kind: settings.kind,
        region: settings.region.clone(),
        name: settings.name.clone(),
        public_key: public_key_hex,
        created_at: now.clone(),
    };
    tx.put(META, meta_keys::NODE, &node)?;
    let admin = User {
        id: tx.next_id("s")?,
        username: ADMIN_USERNAME.to_owned(),
        name: "系统管理员".to_owned(),
        role: Role::Admin,
        unit_id: None,
        region: settings.region.clone(),
        password_hash: admin_password_hash,
        must_change_password: false,
        disabled: false,
        created_at: now,
        last_login_at: None,
    };
    users::insert(tx, &admin)?;
    let summary = format!("初始化{}“{}”（{}，区划 {}）", node.kind.label(), node.name, node.node_id, node.region);
    let entry =
        AuditEntry::new("node_initialized", format!("node:{}", node.node_id), summary, Some(node.region.to_string()));
    Ok((node, entry))
}
