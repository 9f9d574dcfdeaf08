//! The audit chain: every change appends an event in the same transaction, and each event's hash
//! covers the previous event's hash, so altering or removing any stored event breaks the chain
//! from that point on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::user::{Role, User};

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acted: a user, or the node itself (CLI set-up, demo generation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User id, absent for the system.
    pub user_id: Option<String>,
    /// Login name, or `system`.
    pub username: String,
    /// Role, absent for the system.
    pub role: Option<Role>,
    /// The user's unit.
    pub unit_id: Option<String>,
}

impl Actor {
    /// The node acting on its own (command line).
    pub fn system() -> Self {
        Self { user_id: None, username: "system".to_owned(), role: None, unit_id: None }
    }

    /// A logged-in user.
    pub fn user(user: &User) -> Self {
        Self {
            user_id: Some(user.id.clone()),
            username: user.username.clone(),
            role: Some(user.role),
            unit_id: user.unit_id.clone(),
        }
    }

    /// Someone who tried to log in under a name (which may not exist).
    pub fn anonymous(username: &str) -> Self {
        Self { user_id: None, username: username.chars().take(40).collect(), role: None, unit_id: None }
    }
}

/// What a business action records about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Machine name, e.g. `unit_created`.
    pub action: &'static str,
    /// The object, e.g. `unit:u3`.
    pub target: String,
    /// Chinese one-liner for people.
    pub summary: String,
    /// The region the event concerns (authorities see their region's events).
    pub region: Option<String>,
}

impl AuditEntry {
    /// Builds an entry.
    pub fn new(
        action: &'static str,
        target: impl Into<String>,
        summary: impl Into<String>,
        region: Option<String>,
    ) -> Self {
        Self { action, target: target.into(), summary: summary.into(), region }
    }
}

/// A stored audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    /// 1, 2, 3 …
    pub seq: u64,
    /// RFC 3339.
    pub at: String,
    /// Acting user id, if any.
    pub user_id: Option<String>,
    /// Acting login name, or `system`.
    pub username: String,
    /// Acting role, if any.
    pub role: Option<Role>,
    /// Acting user's unit, if any.
    pub unit_id: Option<String>,
    /// Region concerned.
    pub region: Option<String>,
    /// Machine name of the action.
    pub action: String,
    /// Object acted on.
    pub target: String,
    /// Chinese summary.
    pub summary: String,
    /// Hash of the previous event (hex).
    pub prev_hash: String,
    /// Hash of this event (hex), covering `prev_hash` and every field above.
    pub hash: String,
}

/// The hashed part of an event, in a fixed field order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    at: &'a str,
    user_id: &'a Option<String>,
    username: &'a str,
    role: &'a Option<Role>,
    unit_id: &'a Option<String>,
    region: &'a Option<String>,
    action: &'a str,
    target: &'a str,
    summary: &'a str,
}

/// Computes an event's hash from its fields and its `prev_hash`.
pub fn event_hash(event: &AuditEvent) -> String {
    let hashed = Hashed {
        seq: event.seq,
        at: &event.at,
        user_id: &event.user_id,
        username: &event.username,
        role: &event.role,
        unit_id: &event.unit_id,
        region: &event.region,
        action: &event.action,
        target: &event.target,
        summary: &event.summary,
    };
    let mut hasher = Sha256::new();
    hasher.update(b"gongwucang audit v1\0");
    hasher.update(event.prev_hash.as_bytes());
    hasher.update(serde_json::to_vec(&hashed).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// Makes the next event of the chain.
pub fn next_event(prev_seq: u64, prev_hash: &str, at: String, actor: &Actor, entry: AuditEntry) -> AuditEvent {
    let mut event = AuditEvent {
        seq: prev_seq + 1,
        at,
        user_id: actor.user_id.clone(),
        username: actor.username.clone(),
        role: actor.role,
        unit_id: actor.unit_id.clone(),
        region: entry.region,
        action: entry.action.to_owned(),
        target: entry.target,
        summary: entry.summary,
        prev_hash: prev_hash.to_owned(),
        hash: String::new(),
    };
    event.hash = event_hash(&event);
    event
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    /// Whether every link holds.
    pub ok: bool,
    /// Events checked.
    pub events: u64,
    /// The first event whose link or content does not match, if any.
    pub first_broken: Option<u64>,
    /// Chinese summary.
    pub message: String,
}

/// Walks the chain in order and reports the first broken link.
pub fn verify(events: impl IntoIterator<Item = AuditEvent>) -> Verification {
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut count = 0;
    for (expected_seq, event) in (1..).zip(events) {
        count += 1;
        let broken = event.seq != expected_seq || event.prev_hash != prev_hash || event_hash(&event) != event.hash;
        if broken {
            return Verification {
                ok: false,
                events: count,
                first_broken: Some(expected_seq),
                message: format!("审计链在第 {expected_seq} 条事件处断开：该事件或其前一事件已被改动"),
            };
        }
        prev_hash = event.hash;
    }
    Verification {
        ok: true, events: count, first_broken: None, message: format!("审计链完整，共 {count} 条事件")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<AuditEvent> {
        let mut events: Vec<AuditEvent> = Vec::new();
        for i in 0..n {
            let (seq, hash) = events.last().map(|e| (e.seq, e.hash.clone())).unwrap_or((0, GENESIS_HASH.to_owned()));
            let entry = AuditEntry::new("test", format!("t:{i}"), format!("第 {i} 条"), None);
            events.push(next_event(seq, &hash, "2026-01-01T00:00:00Z".into(), &Actor::system(), entry));
        }
        events
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let v = verify(chain(5));
        assert!(v.ok);
        assert_eq!(v.events, 5);
    }

    #[test]
    fn an_altered_summary_breaks_the_chain_at_that_event() {
        let mut events = chain(5);
        events[2].summary = "改过".into();
        assert_eq!(verify(events).first_broken, Some(3));
    }

    #[test]
    fn a_removed_event_breaks_the_chain() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(verify(events).first_broken, Some(2));
    }
}
