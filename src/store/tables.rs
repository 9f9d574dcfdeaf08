//! Every redb table of the node, in one place. Values are encoded by [`super::codec`]; keys are
//! ids (`&str`) or sequence numbers (`u64`).

use redb::TableDefinition;

/// A table of records keyed by string.
pub type Records = TableDefinition<'static, &'static str, &'static [u8]>;

/// Node settings, schema version, counters, audit head.
pub const META: Records = TableDefinition::new("meta");
/// GB/T 2260 regions, by code.
pub const REGIONS: Records = TableDefinition::new("regions");
/// GB/T 14885 categories, by code.
pub const CATEGORIES: Records = TableDefinition::new("categories");
/// Units, by id.
pub const UNITS: Records = TableDefinition::new("units");
/// `region+budget_code` → unit id (uniqueness of a unit's login names).
pub const UNIT_CODES: TableDefinition<'static, &'static str, &'static str> = TableDefinition::new("unit_codes");
/// Users, by id.
pub const USERS: Records = TableDefinition::new("users");
/// Lower-cased username → user id.
pub const USERNAMES: TableDefinition<'static, &'static str, &'static str> = TableDefinition::new("usernames");
/// Asset cards, by id.
pub const CARDS: Records = TableDefinition::new("cards");
/// `unit_id/asset_code` → card id.
pub const CARD_CODES: TableDefinition<'static, &'static str, &'static str> = TableDefinition::new("card_codes");
/// Card history: `card_id/seq` (seq zero-padded) → history entry.
pub const CARD_HISTORY: Records = TableDefinition::new("card_history");
/// Locations (存放地点 tree nodes), by id.
pub const LOCATIONS: Records = TableDefinition::new("locations");
/// Listings (入仓申请 and their platform track), by id.
pub const LISTINGS: Records = TableDefinition::new("listings");
/// Cards of listings received from other nodes (their shareable facts), by `id@node`.
pub const REMOTE_CARDS: Records = TableDefinition::new("remote_cards");
/// The figures reported by nodes below this one, by node id (the latest of each).
pub const FIGURES: Records = TableDefinition::new("figures");
/// Demands (需求), by id.
pub const DEMANDS: Records = TableDefinition::new("demands");
/// Interest id → interest (意向登记).
pub const INTERESTS: Records = TableDefinition::new("interests");
/// Watch id → watch (关注).
pub const WATCHES: Records = TableDefinition::new("watches");
/// Budget check id → budget line checked against the warehouse (配置预算衔接).
pub const BUDGET_CHECKS: Records = TableDefinition::new("budget_checks");
/// 盘点任务 by id, with their frozen checklists and checks.
pub const STOCKTAKES: Records = TableDefinition::new("stocktakes");
/// Peers (parent and child nodes), by node id.
pub const PEERS: Records = TableDefinition::new("peers");
/// Outgoing events per peer: `peer/seq` (seq zero-padded) → event.
pub const OUTBOX: Records = TableDefinition::new("outbox");
/// Events applied from each peer: `peer/seq` → event.
pub const INBOX: Records = TableDefinition::new("inbox");
/// Channel cursors, by peer node id.
pub const CHANNELS: Records = TableDefinition::new("channels");
/// Bundles in and out (数据交换记录), by zero-padded number.
pub const BUNDLE_LOG: Records = TableDefinition::new("bundle_log");
/// Bundle files kept aside: `held/peer/first` (waiting for a gap) and `fork/peer/time` (evidence).
pub const BUNDLE_FILES: TableDefinition<'static, &'static str, &'static [u8]> = TableDefinition::new("bundle_files");
/// Photos by content hash (SHA-256 hex) → image bytes.
pub const PHOTOS: TableDefinition<'static, &'static str, &'static [u8]> = TableDefinition::new("photos");
/// The audit chain, by sequence number.
pub const AUDIT: TableDefinition<'static, u64, &'static [u8]> = TableDefinition::new("audit");

/// Keys in [`META`].
pub mod meta_keys {
    /// The schema version of the file (`u32`).
    pub const SCHEMA_VERSION: &str = "schema_version";
    /// The node settings.
    pub const NODE: &str = "node";
    /// The admin's settings (support contacts, reminder periods).
    pub const SETTINGS: &str = "settings";
    /// `(seq, hash)` of the last audit event.
    pub const AUDIT_HEAD: &str = "audit_head";
    /// The number of the last commit a disk flush covered (group commit; bookkeeping only).
    pub const DURABLE: &str = "durable";
    /// Prefix of id counters, e.g. `counter:unit`.
    pub const COUNTER_PREFIX: &str = "counter:";
}
