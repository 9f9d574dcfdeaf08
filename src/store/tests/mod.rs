//! Group commit: many threads writing at once each get their own action written, durable when
//! they return, a failed or panicking action rolled back alone, and one unbroken audit chain.

use std::sync::Arc;

use super::*;
use crate::domain::audit::{Actor, AuditEntry};

fn entry(what: &str) -> AuditEntry {
    AuditEntry::new("test", what.to_owned(), what.to_owned(), None)
}

#[test]
fn concurrent_actions_are_each_written_or_rolled_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..40 {
                    let key = format!("k{t}-{i}");
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        store.write(&Actor::system(), |tx| {
                            tx.put(tables::META, &key, &i)?;
                            match i % 10 {
                                3 => Err(StoreError::Domain(DomainError::invalid("refused"))),
                                7 => panic!("an action that panics"),
                                _ => Ok(((), entry(&key))),
                            }
                        })
                    }));
                    match (i % 10, result) {
                        (3, Ok(Err(StoreError::Domain(_)))) | (7, Err(_)) | (_, Ok(Ok(()))) => {}
                        (_, other) => panic!("{key}: {:?}", other.map(|r| r.map_err(|e| e.to_string()))),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    store
        .read(|r| {
            for t in 0..8 {
                for i in 0..40u32 {
                    let found: Option<u32> = r.get(tables::META, &format!("k{t}-{i}"))?;
                    let written = i % 10 != 3 && i % 10 != 7;
                    assert_eq!(found.is_some(), written, "k{t}-{i}");
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(store.read(audit::count).unwrap(), 8 * 32, "one audit event per written action");
    let verified = store.read(audit::verify).unwrap();
    assert!(verified.ok && verified.events == 8 * 32, "the chain is unbroken: {verified:?}");
    // Reopened: every action the callers saw succeed is there.
    drop(Arc::try_unwrap(store).ok().unwrap());
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.read(audit::count).unwrap(), 8 * 32);
}
