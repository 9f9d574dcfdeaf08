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

/// Stores a demand.
pub fn put(tx: &Tx, demand: &Demand) -> Result<()> {
    tx.put(DEMANDS, &demand.id, demand)
}
