//! What an imported bundle means for the channel it belongs to (SPEC §9), decided without I/O
//! from the bundle's range and the events this node has already applied from that sender:
//! nothing new (a harmless no-op), a gap (events missing before it), a fork (an event we applied
//! differs from the sender's), or the new events to apply.

use super::bundle::{Event, GENESIS, Header};

/// The outcome for one verified bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Every event was applied before ("已导入").
    AlreadyApplied,
    /// Events `from..=to` are missing before this bundle: keep it aside.
    Gap {
        /// First missing event.
        from: u64,
        /// Last missing event.
        to: u64,
    },
    /// Event `seq` differs from the one applied: refuse, keep as evidence.
    Fork {
        /// The first event number found to differ.
        seq: u64,
    },
    /// Apply these events (those after `applied`), in order.
    Apply(Vec<Event>),
}

/// Decides for a bundle of `header` and `events` when `applied` events of the channel were applied
/// before; `hash_of(seq)` is the stored hash of applied event `seq` (1 ≤ seq ≤ applied).
pub fn decide(header: &Header, events: &[Event], applied: u64, hash_of: impl Fn(u64) -> Option<[u8; 32]>) -> Decision {
    if header.first > applied + 1 {
        return Decision::Gap { from: applied + 1, to: header.first - 1 };
    }
    if header.last < header.first {
        // No events, only the link to what came before (an export with nothing new): it must be
        // the hash we have for that event.
        let link = header.first - 1;
        let ours = if link == 0 { Some(GENESIS) } else { hash_of(link) };
        if ours.map(hex::encode).as_deref() != Some(header.prev_hash.as_str()) {
            return Decision::Fork { seq: link };
        }
        return Decision::AlreadyApplied;
    }
    // The chain makes one comparison enough: the newest event both sides have.
    let shared = applied.min(header.last);
    if shared >= header.first {
        let ours = hash_of(shared).map(hex::encode);
        let theirs = events.iter().find(|e| e.seq == shared).map(|e| e.hash.clone());
        if ours.is_none() || ours != theirs {
            return Decision::Fork { seq: shared };
        }
    } else {
        // The bundle starts right after what we have: its link must be our last hash.
        let ours = if applied == 0 { Some(GENESIS) } else { hash_of(applied) };
        if ours.map(hex::encode).as_deref() != Some(header.prev_hash.as_str()) {
            return Decision::Fork { seq: header.first };
        }
    }
    if header.last <= applied {
        return Decision::AlreadyApplied;
    }
    Decision::Apply(events.iter().filter(|e| e.seq > applied).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::super::bundle::{Direction, chain};
    use super::*;

    fn header(first: u64, events: &[Event], prev: [u8; 32]) -> Header {
        Header {
            sender: "a".into(),
            recipient: "b".into(),
            network: "n".into(),
            direction: Direction::Up,
            first,
            last: first + events.len() as u64 - 1,
            prev_hash: hex::encode(prev),
            ack: 0,
            created_at: String::new(),
            payload_sha256: String::new(),
            compressed_len: 0,
            uncompressed_len: 0,
            photos: Vec::new(),
            summary: String::new(),
        }
    }

    fn log(n: u64) -> Vec<Event> {
        chain(GENESIS, 1, (1..=n).map(|i| ("k".to_owned(), "t".to_owned(), serde_json::json!(i))).collect())
    }

    fn hash(events: &[Event], seq: u64) -> Option<[u8; 32]> {
        let e = events.iter().find(|e| e.seq == seq)?;
        let mut out = [0; 32];
        hex::decode_to_slice(&e.hash, &mut out).ok()?;
        Some(out)
    }

    #[test]
    fn overlap_applies_only_the_new_events_and_a_replay_is_a_no_op() {
        let all = log(6);
        let h = header(1, &all, GENESIS);
        let applied = 3;
        match decide(&h, &all, applied, |s| hash(&all, s)) {
            Decision::Apply(new) => assert_eq!(new.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 5, 6]),
            other => panic!("{other:?}"),
        }
        assert_eq!(decide(&h, &all, 6, |s| hash(&all, s)), Decision::AlreadyApplied);
        assert_eq!(decide(&h, &all, 0, |_| None), Decision::Apply(all.clone()));
    }

    #[test]
    fn a_gap_names_the_missing_events_and_a_different_history_is_a_fork() {
        let all = log(6);
        let tail = all[4..].to_vec();
        let prev = hash(&all, 4).unwrap();
        assert_eq!(decide(&header(5, &tail, prev), &tail, 2, |s| hash(&all, s)), Decision::Gap { from: 3, to: 4 });
        assert!(matches!(decide(&header(5, &tail, prev), &tail, 4, |s| hash(&all, s)), Decision::Apply(_)));
        let other =
            chain(GENESIS, 1, (1..=6).map(|i| ("k".to_owned(), "t".to_owned(), serde_json::json!(i * 10))).collect());
        assert_eq!(decide(&header(1, &other, GENESIS), &other, 3, |s| hash(&all, s)), Decision::Fork { seq: 3 });
        let other_tail = other[4..].to_vec();
        let other_prev = hash(&other, 4).unwrap();
        assert_eq!(
            decide(&header(5, &other_tail, other_prev), &other_tail, 4, |s| hash(&all, s)),
            Decision::Fork { seq: 5 }
        );
    }

    #[test]
    fn an_old_export_with_nothing_new_is_a_no_op_but_must_link_to_our_history() {
        let all = log(6);
        // Exported before anything was sent, or after event 3 was acknowledged; carried late.
        for (first, prev) in [(1, GENESIS), (4, hash(&all, 3).unwrap())] {
            let h = Header { last: first - 1, ..header(first, &all[..1], prev) };
            assert_eq!(decide(&h, &[], 5, |s| hash(&all, s)), Decision::AlreadyApplied, "first {first}");
        }
        let h = Header { last: 3, ..header(4, &all[..1], [7; 32]) };
        assert_eq!(decide(&h, &[], 5, |s| hash(&all, s)), Decision::Fork { seq: 3 });
    }
}
