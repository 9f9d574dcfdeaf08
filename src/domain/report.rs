//! 统计报表 (SPEC §8; notice 三(三): 资产调剂共享工作纳入国有资产管理绩效考核范围): the figures a
//! bureau reports for a period, per unit, 主管部门 or region, and their total. Every record counts
//! in the group of exactly one unit of this node, so the groups add up to the total exactly; the
//! total is the sum of the groups, never computed apart.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::budget::{BudgetCheck, BudgetCheckState};
use super::card::AssetCard;
use super::demand::{Demand, DemandState};
use super::figures::NodeFigures;
use super::interest::Interest;
use super::listing::{self, Listing, Mode, Scope, State};
use super::location::LocationTree;
use super::unit::Unit;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// 按单位.
    #[default]
    Unit,
    /// 按主管部门.
    Department,
    /// 按地区 (the unit's county-level region).
    Region,
    /// 按节点: this node's units in one row, and each node below from the figures it reported.
    Node,
}

/// The period, `YYYY-MM-DD` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
}

impl Period {
    /// A checked period: valid dates, `from` not after `to`.
    pub fn new(from: &str, to: &str) -> Result<Self, DomainError> {
        let (Some(a), Some(b)) = (super::clock::parse_date(from), super::clock::parse_date(to)) else {
            return Err(DomainError::invalid("统计期间的日期无效，应为 YYYY-MM-DD"));
        };
        if a > b {
            return Err(DomainError::invalid("统计期间的开始日期不能晚于结束日期"));
        }
        Ok(Self { from: super::clock::format_date(a), to: super::clock::format_date(b) })
    }

    /// Whether an RFC 3339 time or a date falls in the period.
    pub fn holds(&self, at: &str) -> bool {
        at.get(..10).is_some_and(|day| day >= self.from.as_str() && day <= self.to.as_str())
    }
}

/// What happened in a period (期间内): summed day by day, so a province adds up a city's figures
/// for any period from the days the city reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Flows {
    /// Results recorded in the period: 调剂 (transfer listings).
    pub completed_transfers: u64,
    /// 共享 (share listings).
    pub completed_shares: u64,
    /// 原值 of what was handed over, fen.
    pub completed_original_fen: i64,
    /// 净值 of what was handed over, fen.
    pub completed_net_fen: i64,
    /// Budget lines decided in the period (配置预算衔接).
    pub budget_lines: u64,
    /// Their 预算金额, fen.
    pub budget_amount_fen: i64,
    /// Items met from the warehouse.
    pub budget_met_quantity: u64,
    /// 节约财政资金, fen.
    pub budget_value_met_fen: i64,
    /// Demands closed in the period.
    pub demands_closed: u64,
    /// Interests registered in the period in this group's listings.
    pub interests: u64,
}

impl Flows {
    fn add(&mut self, other: &Self) {
        self.completed_transfers += other.completed_transfers;
        self.completed_shares += other.completed_shares;
        self.completed_original_fen += other.completed_original_fen;
        self.completed_net_fen += other.completed_net_fen;
        self.budget_lines += other.budget_lines;
        self.budget_amount_fen += other.budget_amount_fen;
        self.budget_met_quantity += other.budget_met_quantity;
        self.budget_value_met_fen += other.budget_value_met_fen;
        self.demands_closed += other.demands_closed;
        self.interests += other.interests;
    }
}

/// One row: the figures of a group (or of everything, for the total).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportRow {
    /// The group: a unit id, a 主管部门 name, a region code or a node id (empty for the total).
    pub key: String,
    /// Its name.
    pub name: String,
    /// A reported node's region (按节点 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// When a reported node took its figures, RFC 3339 (按节点 only; absent for this node: live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Units in the group.
    pub units: u64,
    /// 应入仓资产 now: cards in the ledger that are idle, pending disposal, low-efficiency or shared.
    pub eligible_cards: u64,
    /// Their 原值, fen.
    pub eligible_value_fen: i64,
    /// Of those, in the warehouse now (published, or its exit under review).
    pub listed_cards: u64,
    /// Their 原值, fen.
    pub listed_value_fen: i64,
    /// Listings in the warehouse now (已入仓): 调剂.
    pub listed_transfer: u64,
    /// 共享.
    pub listed_share: u64,
    /// By scope: 本部门, 本区县, 本地市, 本省, 全国.
    pub listed_by_scope: [u64; 5],
    /// What happened in the period.
    #[serde(flatten)]
    pub flows: Flows,
    /// Demands published now (open).
    pub demands_open: u64,
    /// Listings held (洽谈中) now.
    pub holds: u64,
    /// 长期未调剂共享 listings now.
    pub stale_listings: u64,
    /// Cards in the ledger without a photo.
    pub cards_without_photos: u64,
    /// Cards in the ledger whose 存放地点 is incomplete.
    pub cards_without_location: u64,
}

impl ReportRow {
    fn add(&mut self, other: &Self) {
        self.units += other.units;
        self.eligible_cards += other.eligible_cards;
        self.eligible_value_fen += other.eligible_value_fen;
        self.listed_cards += other.listed_cards;
        self.listed_value_fen += other.listed_value_fen;
        self.listed_transfer += other.listed_transfer;
        self.listed_share += other.listed_share;
        for (a, b) in self.listed_by_scope.iter_mut().zip(other.listed_by_scope) {
            *a += b;
        }
        self.flows.add(&other.flows);
        self.demands_open += other.demands_open;
        self.holds += other.holds;
        self.stale_listings += other.stale_listings;
        self.cards_without_photos += other.cards_without_photos;
        self.cards_without_location += other.cards_without_location;
    }
}

/// The 合计 of rows: their sum, never computed apart.
pub fn total_of(rows: &[ReportRow]) -> ReportRow {
    let mut total = ReportRow { name: "合计".to_owned(), ..ReportRow::default() };
    for row in rows {
        total.add(row);
    }
    total
}

/// A card's data-quality flags, as the quality page computes them.
#[derive(Debug, Clone, Copy, Default)]
pub struct CardFlags {
    /// 无照片.
    pub no_photos: bool,
    /// 存放地点不完整.
    pub incomplete_location: bool,
}

impl CardFlags {
    /// A card's flags, as the quality page finds them (`tree`: its unit's locations).
    pub fn of(card: &AssetCard, tree: Option<&LocationTree>) -> Self {
        Self {
            no_photos: card.photos.is_empty(),
            incomplete_location: !LocationTree::places_completely(tree, card.location_id.as_deref()),
        }
    }
}

/// Everything a report reads, from one snapshot.
pub struct Inputs<'a> {
    /// Today, `YYYY-MM-DD` (for holds and stale listings).
    pub today: &'a str,
    /// The node's stale period.
    pub stale_days: u32,
    /// The units the report covers.
    pub units: &'a [Unit],
    /// Every card of this node.
    pub cards: &'a [AssetCard],
    /// Data-quality flags by card id.
    pub flags: &'a HashMap<String, CardFlags>,
    /// Every listing.
    pub listings: &'a [Listing],
    /// Every demand.
    pub demands: &'a [Demand],
    /// Every interest.
    pub interests: &'a [Interest],
    /// Every budget check.
    pub budget: &'a [BudgetCheck],
}

fn scope_slot(scope: Scope) -> usize {
    match scope {
        Scope::Department => 0,
        Scope::County => 1,
        Scope::City => 2,
        Scope::Province => 3,
        Scope::National => 4,
    }
}

/// A change to a row.
type Apply<'f> = &'f mut dyn FnMut(&mut ReportRow);

/// Every record's part of the figures, once: `add(unit id, day, change)`, where `day` is the
/// RFC 3339 time or date a flow happened on (`None` for what holds now). The one place that says
/// what counts; the report and the figures sent upward only choose where each part goes.
fn tally(inputs: &Inputs<'_>, mut add: impl FnMut(&str, Option<&str>, Apply<'_>)) {
    let cards_by_id: HashMap<&str, &AssetCard> = inputs.cards.iter().map(|c| (c.id.as_str(), c)).collect();
    let listings_by_id: HashMap<&str, &Listing> = inputs.listings.iter().map(|l| (l.id.as_str(), l)).collect();

    for card in inputs.cards.iter().filter(|c| c.transferred_to.is_none()) {
        let flags = inputs.flags.get(&card.id).copied().unwrap_or_default();
        let eligible = card.shared || card.status.is_spare() || card.active_listing_id.is_some();
        // 已入仓: its listing is in the warehouse (a draft or a request under review is not yet).
        let in_warehouse = eligible
            && card
                .active_listing_id
                .as_deref()
                .and_then(|id| listings_by_id.get(id))
                .is_some_and(|l| l.in_warehouse_plaza());
        add(&card.unit_id, None, &mut |row| {
            row.cards_without_photos += u64::from(flags.no_photos);
            row.cards_without_location += u64::from(flags.incomplete_location);
            if eligible {
                row.eligible_cards += 1;
                row.eligible_value_fen += card.original_value_fen;
            }
            if in_warehouse {
                row.listed_cards += 1;
                row.listed_value_fen += card.original_value_fen;
            }
        });
    }
    for l in inputs.listings.iter().filter(|l| l.origin.is_none()) {
        let (in_plaza, reserved, stale) =
            (l.in_warehouse_plaza(), l.reserved(inputs.today), l.stale(inputs.today, inputs.stale_days));
        add(&l.unit_id, None, &mut |row| {
            if in_plaza {
                match l.mode {
                    Mode::Transfer => row.listed_transfer += 1,
                    Mode::Share => row.listed_share += 1,
                }
                row.listed_by_scope[scope_slot(l.scope)] += 1;
            }
            row.holds += u64::from(reserved);
            row.stale_listings += u64::from(stale);
        });
        if let (State::Completed, Some(result)) = (l.state, &l.result) {
            let card = cards_by_id.get(l.card_id.as_str());
            add(&l.unit_id, Some(&result.date), &mut |row| {
                match l.mode {
                    Mode::Transfer => row.flows.completed_transfers += 1,
                    Mode::Share => row.flows.completed_shares += 1,
                }
                if let Some(card) = card {
                    row.flows.completed_original_fen +=
                        listing::value_share(card.original_value_fen, result.quantity, card.quantity);
                    row.flows.completed_net_fen +=
                        listing::value_share(card.net_value_fen, result.quantity, card.quantity);
                }
            });
        }
    }
    for d in inputs.demands.iter().filter(|d| d.origin.is_none()) {
        match d.state {
            DemandState::Published => add(&d.unit_id, None, &mut |row| row.demands_open += 1),
            DemandState::Closed => add(&d.unit_id, Some(&d.updated_at), &mut |row| row.flows.demands_closed += 1),
            _ => {}
        }
    }
    for i in inputs.interests {
        add(&i.listing_unit_id, Some(&i.created_at), &mut |row| row.flows.interests += 1);
    }
    for b in inputs.budget.iter().filter(|b| b.state == BudgetCheckState::Decided) {
        let (Some(outcome), Some(at)) = (&b.outcome, &b.decided_at) else { continue };
        add(&b.unit_id, Some(at), &mut |row| {
            row.flows.budget_lines += 1;
            row.flows.budget_amount_fen += b.amount_fen();
            row.flows.budget_met_quantity += u64::from(outcome.met_quantity);
            row.flows.budget_value_met_fen += outcome.value_met_fen;
        });
    }
}

/// The rows, one per group that has a unit, in key order, and their total. `region_name` names a
/// region code (units and departments are named by themselves). 按节点 puts every unit in one
/// row, which the caller keys and names after the node.
pub fn summarize(
    inputs: &Inputs<'_>,
    period: &Period,
    grouping: Grouping,
    region_name: impl Fn(&str) -> String,
) -> (Vec<ReportRow>, ReportRow) {
    let group_of = |u: &Unit| -> (String, String) {
        match grouping {
            Grouping::Unit => (u.id.clone(), u.name.clone()),
            Grouping::Department => (u.department.clone(), u.department.clone()),
            Grouping::Region => (u.region.to_string(), region_name(u.region.as_str())),
            Grouping::Node => (String::new(), String::new()),
        }
    };
    let mut rows: BTreeMap<String, ReportRow> = BTreeMap::new();
    let mut unit_group: HashMap<&str, String> = HashMap::new();
    for u in inputs.units {
        let (key, name) = group_of(u);
        let row =
            rows.entry(key.clone()).or_insert_with(|| ReportRow { key: key.clone(), name, ..ReportRow::default() });
        row.units += 1;
        unit_group.insert(u.id.as_str(), key);
    }
    tally(inputs, |unit_id, day, apply| {
        if day.is_some_and(|day| !period.holds(day)) {
            return;
        }
        if let Some(row) = unit_group.get(unit_id).and_then(|key| rows.get_mut(key)) {
            apply(row);
        }
    });
    let rows: Vec<ReportRow> = rows.into_values().collect();
    let total = total_of(&rows);
    (rows, total)
}

/// What happened on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DayFlows {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// What happened on it.
    #[serde(flatten)]
    pub flows: Flows,
}

/// A node's report figures as they travel upward with its bundles: what holds now, and what
/// happened day by day (only days with something), so the node above reports any period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct NodeReport {
    /// The figures that hold now (its flows are zero).
    pub now: ReportRow,
    /// The flows, by day, oldest first.
    pub days: Vec<DayFlows>,
    /// `days` holds only the days that changed since the node's previous report to the same
    /// node (a day whose flows are all zero has none any more): merge it into that report.
    pub partial: bool,
}

impl NodeReport {
    /// What changed since `old` (a full report): the days whose flows differ, as a partial
    /// report, so a bundle carries days that changed rather than the whole history each time.
    pub fn changes_since(&self, old: &NodeReport) -> NodeReport {
        let before: HashMap<&str, &Flows> = old.days.iter().map(|d| (d.day.as_str(), &d.flows)).collect();
        let after: HashMap<&str, &Flows> = self.days.iter().map(|d| (d.day.as_str(), &d.flows)).collect();
        let mut days: Vec<DayFlows> = self
            .days
            .iter()
            .filter(|d| before.get(d.day.as_str()) != Some(&&d.flows))
            .cloned()
            .chain(
                old.days
                    .iter()
                    .filter(|d| !after.contains_key(d.day.as_str()))
                    .map(|d| DayFlows { day: d.day.clone(), flows: Flows::default() }),
            )
            .collect();
        days.sort_by(|a, b| a.day.cmp(&b.day));
        NodeReport { now: self.now.clone(), days, partial: true }
    }

    /// A partial report applied to the full report it follows: the result is full.
    pub fn merged(&self, partial: &NodeReport) -> NodeReport {
        let mut days: BTreeMap<String, Flows> = self.days.iter().map(|d| (d.day.clone(), d.flows.clone())).collect();
        for d in &partial.days {
            if d.flows == Flows::default() {
                days.remove(&d.day);
            } else {
                days.insert(d.day.clone(), d.flows.clone());
            }
        }
        let days = days.into_iter().map(|(day, flows)| DayFlows { day, flows }).collect();
        NodeReport { now: partial.now.clone(), days, partial: false }
    }

    /// The node's row for a period: what held when it reported, and what happened in the period.
    pub fn row(&self, period: &Period) -> ReportRow {
        let mut row = self.now.clone();
        for d in self.days.iter().filter(|d| period.holds(&d.day)) {
            row.flows.add(&d.flows);
        }
        row
    }
}

/// The report figures of all `inputs.units` (a whole node's) for sending upward.
pub fn node_report(inputs: &Inputs<'_>) -> NodeReport {
    let units: std::collections::HashSet<&str> = inputs.units.iter().map(|u| u.id.as_str()).collect();
    let mut now = ReportRow { units: units.len() as u64, ..ReportRow::default() };
    let mut days: BTreeMap<String, Flows> = BTreeMap::new();
    let mut scratch = ReportRow::default();
    tally(inputs, |unit_id, day, apply| {
        if !units.contains(unit_id) {
            return;
        }
        match day.map(|d| d.get(..10).filter(|d| super::clock::parse_date(d).is_some())) {
            None => apply(&mut now),
            // A flow without a usable date falls in no period (as in `summarize`).
            Some(None) => {}
            Some(Some(day)) => {
                let flows = days.entry(day.to_owned()).or_default();
                scratch.flows = std::mem::take(flows);
                apply(&mut scratch);
                *flows = std::mem::take(&mut scratch.flows);
            }
        }
    });
    let days = days.into_iter().map(|(day, flows)| DayFlows { day, flows }).collect();
    NodeReport { now, days, partial: false }
}

/// 按节点: this node's row (its units, live) and the row of every node below that reported its
/// figures, for the period, and their total. Each node counts only its own units, so nothing
/// counts twice.
pub fn node_rows(own: ReportRow, reported: &[NodeFigures], period: &Period) -> (Vec<ReportRow>, ReportRow) {
    let mut rows = vec![own];
    for node in reported {
        let Some(report) = &node.report else { continue };
        rows.push(ReportRow {
            key: node.node.clone(),
            name: node.node_name.clone(),
            region: Some(node.region.to_string()),
            as_of: Some(node.as_of.clone()),
            ..report.row(period)
        });
    }
    let total = total_of(&rows);
    (rows, total)
}

/// A unit that had not listed its idle assets by the deadline (未按期入仓): the list a bureau sends
/// reminders from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Laggard {
    /// The unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// Its 主管部门.
    pub department: String,
    /// Its region.
    pub region: String,
    /// Its contact.
    pub contact_name: String,
    /// Its phone.
    pub contact_phone: String,
    /// Idle, pending-disposal or low-efficiency cards not in the warehouse now.
    pub unlisted_cards: u64,
    /// Their 原值, fen.
    pub unlisted_value_fen: i64,
    /// Whether the unit had entered anything in the warehouse by the deadline.
    pub listed_by_deadline: bool,
}

/// The units that, with the deadline passed, still hold idle assets outside the warehouse (cards
/// idle, pending disposal or low-efficiency with no listing), most value first. Before the deadline
/// the list is empty: nobody is late yet.
pub fn laggards(
    units: &[Unit],
    cards: &[AssetCard],
    listings: &[Listing],
    deadline: &str,
    today: &str,
) -> Vec<Laggard> {
    if today <= deadline {
        return Vec::new();
    }
    let mut found: Vec<Laggard> = units
        .iter()
        .filter_map(|u| {
            let unlisted: Vec<&AssetCard> = cards
                .iter()
                .filter(|c| {
                    c.unit_id == u.id
                        && c.transferred_to.is_none()
                        && c.status.is_spare()
                        && c.active_listing_id.is_none()
                })
                .collect();
            if unlisted.is_empty() {
                return None;
            }
            let listed_by_deadline = listings.iter().any(|l| {
                l.unit_id == u.id
                    && l.origin.is_none()
                    && l.published_at.as_deref().and_then(|p| p.get(..10)).is_some_and(|p| p <= deadline)
            });
            Some(Laggard {
                unit_id: u.id.clone(),
                unit_name: u.name.clone(),
                department: u.department.clone(),
                region: u.region.to_string(),
                contact_name: u.contact_name.clone(),
                contact_phone: u.contact_phone.clone(),
                unlisted_cards: unlisted.len() as u64,
                unlisted_value_fen: unlisted.iter().map(|c| c.original_value_fen).sum(),
                listed_by_deadline,
            })
        })
        .collect();
    found.sort_by(|a, b| b.unlisted_value_fen.cmp(&a.unlisted_value_fen).then(a.unit_id.cmp(&b.unit_id)));
    found
}

#[cfg(test)]
mod tests;
