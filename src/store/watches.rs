//! 关注: watches stored by id; creating, removing and marking one as seen are each one write
//! transaction with its audit event. The rules are `domain::watch`'s.

use crate::domain::watch::Watch;

use super::tables::WATCHES;
use super::{Read, Result, Tx};

/// A watch by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Watch>> {
    r.get(WATCHES, id)
}

/// The watches of a unit, oldest first.
pub fn of_unit(r: &impl Read, unit_id: &str) -> Result<Vec<Watch>> {
    let mut found: Vec<Watch> = r.scan::<Watch>(WATCHES)?.into_iter().filter(|w| w.unit_id == unit_id).collect();
    found.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(found)
}

/// Stores a watch.
pub fn put(tx: &Tx, watch: &Watch) -> Result<()> {
    tx.put(WATCHES, &watch.id, watch)
}

/// Removes a watch.
pub fn remove(tx: &Tx, id: &str) -> Result<()> {
    tx.remove(WATCHES, id)
}
