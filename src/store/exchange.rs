//! Channels to peers (SPEC §9): the numbered, hash-chained events this node sends to each peer
//! (outbox), those it applied from each peer (inbox), the cursors, the bundle history, and the
//! files kept aside (a gap waiting to be filled, a fork kept as evidence). Export writes a bundle
//! with every event the peer has not acknowledged; import applies a verified bundle's new events,
//! the cursors and an audit event in one transaction, or nothing.

use ed25519_dalek::SigningKey;
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::peer::{Peer, PeerRole};
use crate::federation::bundle::{self, Direction, Envelope, Event, GENESIS, Limits};
use crate::federation::exchange::{Decision, decide};

use super::tables::{BUNDLE_FILES, BUNDLE_LOG, CHANNELS, INBOX, OUTBOX, PHOTOS};
use super::{Read, Result, Store, Tx, node, peers};

/// The network every bundle of this release belongs to.
pub const NETWORK: &str = "gongwucang-cn";

/// One channel's cursors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Last event numbered for the peer.
    pub out_last: u64,
    /// Its hash, hex (empty before event 1).
    pub out_hash: String,
    /// Last of our events the peer has acknowledged.
    pub out_acked: u64,
    /// Last event applied from the peer.
    pub in_applied: u64,
    /// Creation time of the newest bundle taken from the peer (its data is as of then).
    #[serde(default)]
    pub in_as_of: String,
}

/// One bundle in or out (数据交换记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    /// `in` or `out`.
    pub direction: String,
    /// The peer.
    pub peer: String,
    /// Event range carried.
    pub first: u64,
    /// Event range carried.
    pub last: u64,
    /// File size.
    pub bytes: u64,
    /// exported, applied, already_imported, gap, refused.
    pub result: String,
    /// For people.
    pub message: String,
    /// RFC 3339.
    pub at: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// applied, already_imported, gap, refused.
    pub result: &'static str,
    /// New events applied.
    pub events: u64,
    /// For the clerk.
    pub message: String,
}

fn event_key(peer: &str, seq: u64) -> String {
    format!("{peer}/{seq:020}")
}

/// A channel's cursors.
pub fn channel(r: &impl Read, peer: &str) -> Result<Channel> {
    Ok(r.get(CHANNELS, peer)?.unwrap_or_default())
}

/// Numbers and chains an event for `peer`, in the caller's transaction.
pub fn append(tx: &Tx, peer: &str, kind: &str, body: serde_json::Value, at: &str) -> Result<Event> {
    let mut c = channel(tx, peer)?;
    let prev = if c.out_last == 0 { GENESIS } else { hash32(&c.out_hash)? };
    let event = bundle::chain(prev, c.out_last + 1, vec![(kind.to_owned(), at.to_owned(), body)]).remove(0);
    tx.put(OUTBOX, &event_key(peer, event.seq), &event)?;
    c.out_last = event.seq;
    c.out_hash = event.hash.clone();
    tx.put(CHANNELS, peer, &c)?;
    Ok(event)
}

fn hash32(hex_hash: &str) -> Result<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_hash, &mut out).map_err(|_| DomainError::invalid("通道记录损坏：事件摘要无效"))?;
    Ok(out)
}

fn log(tx: &Tx, record: &BundleRecord) -> Result<()> {
    let n = tx.next_id("b")?;
    let number: u64 = n.trim_start_matches('b').parse().unwrap_or(0);
    tx.put(BUNDLE_LOG, &format!("{number:020}"), record)
}

/// The bundle history, newest first.
pub fn history(r: &impl Read) -> Result<Vec<BundleRecord>> {
    let mut all: Vec<BundleRecord> = r.scan(BUNDLE_LOG)?;
    all.reverse();
    Ok(all)
}

fn direction_to(peer: &Peer) -> Direction {
    match peer.role {
        PeerRole::Parent => Direction::Up,
        PeerRole::Child => Direction::Down,
    }
}

/// Writes a bundle for `peer_id` with every event it has not acknowledged and our
/// acknowledgement of its events; the export is logged and audited. Deterministic for a given
/// state and `now`.
pub fn export(store: &Store, actor: &Actor, key: &SigningKey, peer_id: &str, now: &str) -> Result<Vec<u8>> {
    store.write(actor, |tx| {
        let me = node::get(tx)?.ok_or_else(|| DomainError::invalid("本节点尚未初始化"))?;
        let peer = peers::get(tx, peer_id)?
            .ok_or_else(|| DomainError::NotFound(format!("对端节点 {peer_id} 尚未登记：请先在“数据交换”中登记")))?;
        if !peer.active() {
            return Err(DomainError::conflict(format!(
                "对端节点 {}（{}）已停用，不再向其导出数据包",
                peer.name, peer_id
            ))
            .into());
        }
        if peer.role == PeerRole::Parent {
            super::relay::report_figures(tx, &me, &peer, now)?;
        }
        let c = channel(tx, peer_id)?;
        let mut events = Vec::new();
        for seq in c.out_acked + 1..=c.out_last {
            let event: Event =
                tx.get(OUTBOX, &event_key(peer_id, seq))?.ok_or_else(|| DomainError::invalid("通道记录不完整"))?;
            events.push(event);
        }
        let prev_hash = if c.out_acked == 0 {
            GENESIS
        } else {
            let acked: Event = tx
                .get(OUTBOX, &event_key(peer_id, c.out_acked))?
                .ok_or_else(|| DomainError::invalid("通道记录不完整"))?;
            hash32(&acked.hash)?
        };
        let photos = {
            let table = tx.raw().open_table(PHOTOS)?;
            let mut blobs = Vec::new();
            for hash in super::relay::photos_of(&events, &peer.node_id) {
                if let Some(bytes) = table.get(hash.as_str())? {
                    blobs.push(bytes.value().to_vec());
                }
            }
            blobs
        };
        let carried = if events.is_empty() {
            "无新事件".to_owned()
        } else {
            let mut kinds = std::collections::BTreeMap::<&str, u64>::new();
            for e in &events {
                *kinds.entry(kind_label(&e.kind)).or_default() += 1;
            }
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let photos = if photos.is_empty() { String::new() } else { format!("，照片 {} 张", photos.len()) };
            format!(
                "事件 {} 条（{}：{}）{photos}",
                events.len(),
                range_text(c.out_acked + 1, c.out_last),
                kinds.join("、")
            )
        };
        let summary = format!("{carried}，确认已接收对方事件至第 {} 条", c.in_applied);
        let envelope = Envelope {
            sender: me.node_id.clone(),
            recipient: peer.node_id.clone(),
            network: NETWORK.to_owned(),
            direction: direction_to(&peer),
            prev_hash,
            first: c.out_acked + 1,
            ack: c.in_applied,
            created_at: now.to_owned(),
            summary: summary.clone(),
        };
        let bytes = bundle::write(&envelope, &events, &photos, key);
        log(
            tx,
            &BundleRecord {
                direction: "out".to_owned(),
                peer: peer.node_id.clone(),
                first: c.out_acked + 1,
                last: c.out_last,
                bytes: bytes.len() as u64,
                result: "exported".to_owned(),
                message: summary.clone(),
                at: now.to_owned(),
            },
        )?;
        let entry = AuditEntry::new(
            "bundle_exported",
            format!("peer:{}", peer.node_id),
            format!("导出数据包给{}（{}）：{summary}", peer.name, peer.node_id),
            None,
        );
        Ok((bytes, entry))
    })
}

/// Applies one imported event inside the import transaction; returns why the event was not taken
/// over, when it was not (it still counts as received: one bad item cannot block a channel).
pub type ApplyEvent<'a> = &'a dyn Fn(&Tx, &Peer, &Event) -> Result<Option<String>>;

/// “第 3 条” or “第 3–7 条”.
pub fn range_text(first: u64, last: u64) -> String {
    if first == last { format!("第 {first} 条") } else { format!("第 {first}–{last} 条") }
}

/// The Chinese name of an event kind.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        crate::domain::relay::LISTING => "入仓资产",
        crate::domain::relay::DEMAND => "需求",
        crate::domain::figures::FIGURES => "统计数据",
        _ => "其他",
    }
}

fn refused(
    store: &Store,
    actor: &Actor,
    peer: &str,
    bytes: usize,
    message: String,
    now: &str,
) -> Result<ImportOutcome> {
    store.write(actor, |tx| {
        log(
            tx,
            &BundleRecord {
                direction: "in".to_owned(),
                peer: peer.to_owned(),
                first: 0,
                last: 0,
                bytes: bytes as u64,
                result: "refused".to_owned(),
                message: message.clone(),
                at: now.to_owned(),
            },
        )?;
        Ok(((), AuditEntry::new("bundle_refused", format!("peer:{peer}"), format!("拒绝导入数据包：{message}"), None)))
    })?;
    Ok(ImportOutcome { result: "refused", events: 0, message })
}

/// Imports a bundle file: checks in SPEC §9's order (sizes, signature by a registered peer,
/// recipient, direction, payload, chain), then applies the new events with the cursors and an
/// audit event in one transaction. A bundle beyond a gap is kept aside and applied once the gap
/// is filled; a fork is refused and kept as evidence. Refusals write only the history line.
pub fn import(store: &Store, actor: &Actor, bytes: &[u8], apply: ApplyEvent<'_>, now: &str) -> Result<ImportOutcome> {
    let outcome = import_one(store, actor, bytes, apply, now)?;
    if outcome.result == "applied" {
        retry_held(store, actor, apply, now)?;
    }
    Ok(outcome)
}

fn import_one(store: &Store, actor: &Actor, bytes: &[u8], apply: ApplyEvent<'_>, now: &str) -> Result<ImportOutcome> {
    let limits = Limits::default();
    let signed = match bundle::read_header(bytes, &limits) {
        Ok(s) => s,
        Err(e) => return refused(store, actor, "", bytes.len(), e.to_string(), now),
    };
    let h = signed.header.clone();
    let (me, peer) = store.read(|r| Ok((node::get(r)?, peers::get(r, &h.sender)?)))?;
    let me = me.ok_or_else(|| DomainError::invalid("本节点尚未初始化"))?;
    let Some(peer) = peer else {
        let message = format!(
            "发送节点 {} 未在本节点登记，无法确认文件来源，已拒绝。如确是上级或下级节点发来的，请先在“数据交换”中登记该节点（与对方电话核对指纹）后再导入",
            h.sender
        );
        return refused(store, actor, &h.sender, bytes.len(), message, now);
    };
    if let Some(at) = &peer.revoked_at {
        let message = format!(
            "发送节点 {}（{}）已于 {} 停用（{}），其数据包不再导入，已拒绝",
            peer.name,
            peer.node_id,
            &at[..at.len().min(10)],
            peer.revoked_reason.as_deref().unwrap_or("")
        );
        return refused(store, actor, &peer.node_id, bytes.len(), message, now);
    }
    let key = peer.verifying_key()?;
    if let Err(e) = signed.verify(&key) {
        return refused(store, actor, &peer.node_id, bytes.len(), e.to_string(), now);
    }
    if h.recipient != me.node_id || h.network != NETWORK {
        let message = format!(
            "该数据包是{}发给节点 {} 的，不是发给本节点（{}）的，已拒绝。请把文件交给收件节点，或请{}重新导出给本节点",
            peer.name, h.recipient, me.node_id, peer.name
        );
        return refused(store, actor, &peer.node_id, bytes.len(), message, now);
    }
    let expected = match peer.role {
        PeerRole::Child => Direction::Up,
        PeerRole::Parent => Direction::Down,
    };
    if h.direction != expected {
        let message = format!(
            "{}只能发送{}数据包，该数据包方向不符，已拒绝",
            peer.role.label(),
            if expected == Direction::Up { "上报" } else { "下发" }
        );
        return refused(store, actor, &peer.node_id, bytes.len(), message, now);
    }
    let contents = match bundle::open(bytes, &signed) {
        Ok(c) => c,
        Err(e) => return refused(store, actor, &peer.node_id, bytes.len(), e.to_string(), now),
    };
    let c = store.read(|r| channel(r, &peer.node_id))?;
    if h.ack > c.out_last {
        let message =
            format!("数据包确认了本节点从未发出的事件（第 {} 条，本节点只发出 {} 条），已拒绝", h.ack, c.out_last);
        return refused(store, actor, &peer.node_id, bytes.len(), message, now);
    }
    let decision = store.read(|r| {
        Ok(decide(&h, &contents.events, c.in_applied, |seq| {
            r.get::<Event>(INBOX, &event_key(&peer.node_id, seq)).ok().flatten().and_then(|e| hash32(&e.hash).ok())
        }))
    })?;
    let record = |result: &str, message: &str| BundleRecord {
        direction: "in".to_owned(),
        peer: peer.node_id.clone(),
        first: h.first,
        last: h.last,
        bytes: bytes.len() as u64,
        result: result.to_owned(),
        message: message.to_owned(),
        at: now.to_owned(),
    };
    let target = format!("peer:{}", peer.node_id);
    match decision {
        Decision::Fork { seq } => {
            let message = format!(
                "数据包第 {seq} 条事件与本节点已导入的记录不一致（分叉），已拒绝并留存备查，请联系对方节点核对"
            );
            store.write_from_outside(actor, |tx| {
                tx.raw().open_table(BUNDLE_FILES)?.insert(format!("fork/{}/{now}", peer.node_id).as_str(), bytes)?;
                log(tx, &record("refused", &message))?;
                Ok(((), AuditEntry::new("bundle_fork", target.clone(), message.clone(), None)))
            })?;
            Ok(ImportOutcome { result: "refused", events: 0, message })
        }
        Decision::Gap { from, to } => {
            let message = format!("缺少对方第 {from}–{to} 条事件，本数据包已暂存，补齐缺少的数据包后将自动导入");
            store.write_from_outside(actor, |tx| {
                tx.raw()
                    .open_table(BUNDLE_FILES)?
                    .insert(format!("held/{}/{:020}", peer.node_id, h.first).as_str(), bytes)?;
                log(tx, &record("gap", &message))?;
                Ok(((), AuditEntry::new("bundle_held", target.clone(), message.clone(), None)))
            })?;
            Ok(ImportOutcome { result: "gap", events: 0, message })
        }
        Decision::AlreadyApplied => {
            let message = "已导入：该数据包中的事件此前均已导入，本次未作改动".to_owned();
            store.write_from_outside(actor, |tx| {
                acknowledge(tx, &peer.node_id, h.ack)?;
                as_of(tx, &peer.node_id, &h.created_at)?;
                log(tx, &record("already_imported", &message))?;
                Ok(((), AuditEntry::new("bundle_imported", target.clone(), message.clone(), None)))
            })?;
            Ok(ImportOutcome { result: "already_imported", events: 0, message })
        }
        Decision::Apply(events) => {
            let n = events.len() as u64;
            let message = store.write_from_outside(actor, |tx| {
                // The decision was made outside this transaction: make sure no other import of
                // the same channel landed in between (write transactions are serial).
                if channel(tx, &peer.node_id)?.in_applied != c.in_applied {
                    return Err(DomainError::conflict("同一对端节点的另一个数据包刚刚导入，请重新导入本数据包").into());
                }
                {
                    let mut table = tx.raw().open_table(PHOTOS)?;
                    for (entry, blob) in h.photos.iter().zip(&contents.photos) {
                        if table.get(entry.sha256.as_str())?.is_none() {
                            table.insert(entry.sha256.as_str(), blob.as_slice())?;
                        }
                    }
                }
                let mut skipped = Vec::new();
                for event in &events {
                    if let Some(why) = apply(tx, &peer, event)? {
                        skipped.push(why);
                    }
                    tx.put(INBOX, &event_key(&peer.node_id, event.seq), event)?;
                }
                let mut c = channel(tx, &peer.node_id)?;
                c.in_applied = h.last;
                tx.put(CHANNELS, &peer.node_id, &c)?;
                acknowledge(tx, &peer.node_id, h.ack)?;
                as_of(tx, &peer.node_id, &h.created_at)?;
                let mut kinds = std::collections::BTreeMap::<&str, u64>::new();
                for e in &events {
                    *kinds.entry(kind_label(&e.kind)).or_default() += 1;
                }
                let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let mut message =
                    format!("已导入对方{}事件，共 {n} 条（{}）", range_text(events[0].seq, h.last), kinds.join("、"));
                if !skipped.is_empty() {
                    message.push_str(&format!("；其中 {} 条未采用：{}", skipped.len(), skipped.join("；")));
                }
                log(tx, &record("applied", &message))?;
                let entry =
                    AuditEntry::new("bundle_imported", target.clone(), format!("{}：{message}", peer.name), None);
                Ok((message, entry))
            })?;
            Ok(ImportOutcome { result: "applied", events: n, message })
        }
    }
}

fn acknowledge(tx: &Tx, peer: &str, ack: u64) -> Result<()> {
    let mut c = channel(tx, peer)?;
    if ack > c.out_acked {
        c.out_acked = ack;
        tx.put(CHANNELS, peer, &c)?;
    }
    Ok(())
}

fn as_of(tx: &Tx, peer: &str, created_at: &str) -> Result<()> {
    let mut c = channel(tx, peer)?;
    if created_at > c.in_as_of.as_str() {
        c.in_as_of = created_at.to_owned();
        tx.put(CHANNELS, peer, &c)?;
    }
    Ok(())
}

/// How fresh the data from the parent is (数据截至): the creation time of the newest bundle
/// taken from it, with its name; `None` without a parent.
pub fn parent_as_of(r: &impl Read) -> Result<Option<(String, String)>> {
    let parent = peers::active(r)?.into_iter().find(|p| p.role == PeerRole::Parent);
    let Some(parent) = parent else { return Ok(None) };
    Ok(Some((parent.name.clone(), channel(r, &parent.node_id)?.in_as_of)))
}

/// Applies bundles kept aside whose gap is now filled.
fn retry_held(store: &Store, actor: &Actor, apply: ApplyEvent<'_>, now: &str) -> Result<()> {
    loop {
        let held: Vec<(String, Vec<u8>)> = store.read(|r| {
            let table = r.raw().open_table(BUNDLE_FILES);
            let Ok(table) = table else { return Ok(Vec::new()) };
            let mut out = Vec::new();
            for row in ReadableTable::range::<&str>(&table, "held/".."held0")? {
                let (k, v) = row?;
                out.push((k.value().to_owned(), v.value().to_vec()));
            }
            Ok(out)
        })?;
        let mut progressed = false;
        for (name, bytes) in held {
            let Ok(signed) = bundle::read_header(&bytes, &Limits::default()) else { continue };
            let c = store.read(|r| channel(r, &signed.header.sender))?;
            if signed.header.first > c.in_applied + 1 {
                continue;
            }
            // Imported first, removed after: a failure leaves the file where it was.
            match import_one(store, actor, &bytes, apply, now) {
                Ok(outcome) => {
                    progressed |= outcome.result == "applied";
                    store.write(actor, |tx| {
                        tx.raw().open_table(BUNDLE_FILES)?.remove(name.as_str())?;
                        Ok((
                            (),
                            AuditEntry::new(
                                "bundle_released",
                                format!("peer:{}", signed.header.sender),
                                format!("缺少的事件已补齐，暂存的数据包已处理：{}", outcome.message),
                                None,
                            ),
                        ))
                    })?;
                }
                Err(e) => tracing::warn!("暂存的数据包 {name} 导入失败，保留待下次处理：{e}"),
            }
        }
        if !progressed {
            return Ok(());
        }
    }
}

/// What a bundle file holds, read without importing it (`bundle inspect`, the UI before import).
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The strict header.
    pub header: bundle::Header,
    /// The sender as registered here, if it is.
    pub sender_name: Option<String>,
    /// The registered sender's fingerprint.
    pub sender_fingerprint: Option<String>,
    /// Whether the signature verifies with the registered sender's key (`None`: sender unknown).
    pub signature_valid: Option<bool>,
    /// When the registered sender was 停用 (its bundles are refused), RFC 3339.
    pub sender_revoked_at: Option<String>,
    /// Why it was 停用.
    pub sender_revoked_reason: Option<String>,
    /// Events by kind.
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Photo blobs.
    pub photos: u64,
    /// Why the payload cannot be opened, if it cannot.
    pub problem: Option<String>,
}

/// Reads a bundle's header, checks its signature against the registered sender and counts its
/// events by kind; imports nothing.
pub fn inspect(r: &impl Read, bytes: &[u8]) -> Result<std::result::Result<Inspection, String>> {
    inspect_with(bytes, |sender| peers::get(r, sender))
}

/// [`inspect`] with the registered sender found by `lookup` (none without a data folder).
pub fn inspect_with(
    bytes: &[u8],
    lookup: impl FnOnce(&str) -> Result<Option<Peer>>,
) -> Result<std::result::Result<Inspection, String>> {
    let signed = match bundle::read_header(bytes, &Limits::default()) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let peer = lookup(&signed.header.sender)?;
    let signature_valid = match &peer {
        Some(p) => Some(signed.verify(&p.verifying_key()?).is_ok()),
        None => None,
    };
    let (counts, photos, problem) = match bundle::open(bytes, &signed) {
        Ok(contents) => {
            let mut counts = std::collections::BTreeMap::new();
            for event in &contents.events {
                *counts.entry(event.kind.clone()).or_default() += 1;
            }
            (counts, contents.photos.len() as u64, None)
        }
        Err(e) => (Default::default(), 0, Some(e.to_string())),
    };
    Ok(Ok(Inspection {
        header: signed.header,
        sender_name: peer.as_ref().map(|p| p.name.clone()),
        sender_fingerprint: peer
            .as_ref()
            .map(|p| crate::domain::node::fingerprint(&hex::decode(&p.public_key).unwrap_or_default())),
        signature_valid,
        sender_revoked_at: peer.as_ref().and_then(|p| p.revoked_at.clone()),
        sender_revoked_reason: peer.as_ref().and_then(|p| p.revoked_reason.clone()),
        counts,
        photos,
        problem,
    }))
}
