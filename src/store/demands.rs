//! Demands.

use crate::domain::demand::Demand;

use super::tables::DEMANDS;
use super::{Read, Result, Tx};

/// A demand by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Demand>> {
    r.get(DEMANDS, id)
}

/// Every demand.
pub fn all(r: &impl Read) -> Result<Vec<Demand>> {
    r.scan(DEMANDS)
}

/// Stores a demand changed on this node, with the events for the peers that must learn of it.
pub fn put(tx: &Tx, demand: &Demand) -> Result<()> {
    put_from(tx, demand, None)
}

/// Stores a demand whose change came from peer `from` (or from this node), with the events for
/// the other peers that must learn of it.
pub fn put_from(tx: &Tx, demand: &Demand, from: Option<&str>) -> Result<()> {
    let old = get(tx, &demand.id)?;
    let mut next = demand.clone();
    if let Some(old) = &old {
        // Bookkeeping of the store: a caller's copy may predate the last send.
        next.sent_to = old.sent_to.iter().chain(&demand.sent_to).cloned().collect();
        next.sent_to.sort();
        next.sent_to.dedup();
    }
    super::relay::demand_changed(tx, old.as_ref(), &mut next, from)?;
    tx.put(DEMANDS, &next.id, &next)
}
