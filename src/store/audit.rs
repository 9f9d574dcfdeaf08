//! The audit chain in the database: events by sequence number, and the head `(seq, hash)` in
//! the meta table so appending costs one read and two writes.

use redb::{ReadableTable, ReadableTableMetadata};

use crate::domain::audit::{self, Actor, AuditEntry, AuditEvent, GENESIS_HASH, Verification};

use super::tables::{AUDIT, META, meta_keys};
use super::{Read, Result, Rx, Tx, codec};

/// Appends the next event. Called by [`super::Store::write`], and by an imported decision of the
/// province (an event of its own, inside the import's transaction).
pub(super) fn append(tx: &Tx, actor: &Actor, entry: AuditEntry, at: String) -> Result<AuditEvent> {
    let (seq, hash): (u64, String) = tx.get(META, meta_keys::AUDIT_HEAD)?.unwrap_or((0, GENESIS_HASH.to_owned()));
    let event = audit::next_event(seq, &hash, at, actor, entry);
    tx.raw().open_table(AUDIT)?.insert(event.seq, codec::encode(&event)?.as_slice())?;
    tx.put(META, meta_keys::AUDIT_HEAD, &(event.seq, event.hash.clone()))?;
    Ok(event)
}

/// A page of events, newest first, among those `keep` accepts; and how many it accepts in all.
pub fn page(r: &Rx, keep: impl Fn(&AuditEvent) -> bool, offset: usize, limit: usize) -> Result<(Vec<AuditEvent>, u64)> {
    let table = r.raw().open_table(AUDIT)?;
    let mut items = Vec::new();
    let mut total = 0u64;
    for row in table.iter()?.rev() {
        let (_, value) = row?;
        let event: AuditEvent = codec::decode(value.value())?;
        if keep(&event) {
            if total as usize >= offset && items.len() < limit {
                items.push(event);
            }
            total += 1;
        }
    }
    Ok((items, total))
}

/// Number of events.
pub fn count(r: &Rx) -> Result<u64> {
    Ok(r.raw().open_table(AUDIT)?.len()?)
}

/// Walks the whole chain and checks the head: the first broken link, or ok.
pub fn verify(r: &Rx) -> Result<Verification> {
    let table = r.raw().open_table(AUDIT)?;
    let mut events = Vec::new();
    for row in table.iter()? {
        let (_, value) = row?;
        match codec::decode::<AuditEvent>(value.value()) {
            Ok(event) => events.push(event),
            Err(_) => {
                let seq = events.len() as u64 + 1;
                return Ok(Verification {
                    ok: false,
                    events: seq,
                    first_broken: Some(seq),
                    message: format!("审计链在第 {seq} 条事件处断开：该事件无法解码"),
                });
            }
        }
    }
    let mut result = audit::verify(events.iter().cloned());
    if result.ok {
        let head: Option<(u64, String)> = r.get(META, meta_keys::AUDIT_HEAD)?;
        let last = events.last().map(|e| (e.seq, e.hash.clone()));
        if head != last {
            let seq = last.map(|(s, _)| s + 1).unwrap_or(1);
            result = Verification {
                ok: false,
                events: result.events,
                first_broken: Some(seq),
                message: format!("审计链末尾缺失：第 {seq} 条及以后的事件已被删除"),
            };
        }
    }
    Ok(result)
}
