//! The schema version stored in the file and the migration steps that bring an older file up to
//! this build's version at open. A file from a newer release is refused, never guessed at.

use super::tables::{self, META, meta_keys};
use super::{Read, Result, Store, StoreError, Tx};

/// The schema this build writes.
pub const CURRENT_VERSION: u32 = 1;

/// A migration from `version - 1` to `version`.
pub struct Migration {
    /// The version the step produces.
    pub version: u32,
    /// The step, run inside one write transaction together with the version bump.
    pub apply: fn(&Tx) -> Result<()>,
}

/// The steps of this build, in order. Version 1 is the first released schema; a later release
/// appends `Migration { version: 2, apply: … }` here.
pub const MIGRATIONS: &[Migration] = &[];

/// Brings the file to [`CURRENT_VERSION`].
pub fn migrate(store: &Store) -> Result<()> {
    migrate_with(store, CURRENT_VERSION, MIGRATIONS)
}

/// Brings the file to `target` with `steps` (separate for tests).
pub fn migrate_with(store: &Store, target: u32, steps: &[Migration]) -> Result<()> {
    let found: Option<u32> = store.read(|r| r.get(META, meta_keys::SCHEMA_VERSION))?;
    match found {
        None => store.write_schema(|tx| {
            create_tables(tx)?;
            tx.put(META, meta_keys::SCHEMA_VERSION, &target)
        }),
        Some(found) if found > target => Err(StoreError::NewerSchema { found, supported: target }),
        Some(found) => {
            for step in steps.iter().filter(|s| s.applies(found, target)) {
                store.write_schema(|tx| {
                    (step.apply)(tx)?;
                    tx.put(META, meta_keys::SCHEMA_VERSION, &step.version)
                })?;
                tracing::info!(version = step.version, "数据库已迁移");
            }
            Ok(())
        }
    }
}

/// Whether `steps` holds a step from `found` towards `target`.
pub fn pending(found: u32, target: u32, steps: &[Migration]) -> bool {
    steps.iter().any(|s| s.applies(found, target))
}

impl Migration {
    fn applies(&self, found: u32, target: u32) -> bool {
        self.version > found && self.version <= target
    }
}

/// The schema version in the file.
pub fn version(store: &Store) -> Result<Option<u32>> {
    store.read(|r| r.get(META, meta_keys::SCHEMA_VERSION))
}

fn create_tables(tx: &Tx) -> Result<()> {
    let txn = tx.raw();
    for table in [
        META,
        tables::REGIONS,
        tables::CATEGORIES,
        tables::UNITS,
        tables::USERS,
        tables::CARDS,
        tables::CARD_HISTORY,
        tables::LOCATIONS,
        tables::LISTINGS,
        tables::REMOTE_CARDS,
        tables::FIGURES,
        tables::DEMANDS,
        tables::INTERESTS,
        tables::WATCHES,
        tables::BUDGET_CHECKS,
        tables::STOCKTAKES,
        tables::PEERS,
        tables::OUTBOX,
        tables::INBOX,
        tables::CHANNELS,
        tables::BUNDLE_LOG,
    ] {
        txn.open_table(table)?;
    }
    for index in [tables::UNIT_CODES, tables::USERNAMES, tables::CARD_CODES] {
        txn.open_table(index)?;
    }
    txn.open_table(tables::PHOTOS)?;
    txn.open_table(tables::BUNDLE_FILES)?;
    txn.open_table(tables::AUDIT)?;
    super::plaza::create(tx)
}

#[cfg(test)]
mod tests;
