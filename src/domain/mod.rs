//! The rules of the product, without I/O: who may do what, which values are valid, how the
//! audit chain is hashed. Everything here is called by the HTTP layer, the CLI and bundle
//! import alike, so a rule exists exactly once.

/// Audit events and their hash chain.
pub mod audit;
/// 配置预算衔接: budget lines checked against the warehouse, and what it met.
pub mod budget;
/// Asset cards (资产卡片) as far as the demo node needs them.
pub mod card;
/// Time helpers: RFC 3339 timestamps and dates.
pub mod clock;
/// Demands (需求) and matching listings against them.
pub mod demand;
/// Error type of the rules: invalid input, refusal, missing object, state conflict.
pub mod error;
/// The figures a node reports upward (上报统计数据).
pub mod figures;
/// 意向登记 and 洽谈中: interests in a listing and the hold an accepted one puts on it.
pub mod interest;
/// Ledger import rules: column headers and row parsing.
pub mod ledger;
/// Listings: the warehouse and platform tracks, one transition function, plaza visibility.
pub mod listing;
/// Per-unit location trees: 院落 › 楼栋 › 楼层 › 房间.
pub mod location;
/// The node itself: its kind (local, province, national) and which region each kind may have.
pub mod node;
/// Peers: the parent and child nodes bundles are exchanged with.
pub mod peer;
/// The role table of SPEC §3: every action of the API and who may perform it.
pub mod permission;
/// Photo quality checks: dark, bright, blurred, small.
pub mod photo;
/// The plazas as an index: the terms of a listing and of a viewer (SPEC §7 restated).
pub mod plaza;
/// Reference data: regions and GB/T 14885 asset categories, parsed from `fixtures/`.
pub mod reference;
/// GB/T 2260 region codes and their containment (province ⊃ city ⊃ county).
pub mod region;
/// What travels between nodes: who receives a changed listing or demand, how received ones merge.
pub mod relay;
/// 统计报表: the figures of a period per unit, 主管部门 or region, and the units late to list.
pub mod report;
/// Node settings: support contacts and the to-do reminder periods.
pub mod settings;
/// 低效闲置资产盘点: stocktake tasks, their frozen checklists and checks.
pub mod stocktake;
/// Throttling of failed logins.
pub mod throttle;
/// Units (单位) and the login names derived from them.
pub mod unit;
/// Users, roles, password policy and hashing.
pub mod user;
/// 关注: the categories and keywords a unit follows, and which listings are new to it.
pub mod watch;

pub use error::DomainError;
