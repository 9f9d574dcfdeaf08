//! The figures a node reports upward with its bundles (SPEC §9, 上报统计数据): how many of its
//! units' assets are idle, in the warehouse, on the platform and transferred, with their original
//! value in fen, and its demands. Computed from the node's own records only (never from what it
//! received), so a province adds its cities' figures to its own without counting anything twice.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::card::{AssetCard, CardStatus};
use super::demand::{CloseReason, Demand, DemandState};
use super::listing::{Listing, NationalState, ResultMethod};
use super::node::NodeKind;
use super::region::RegionCode;
use super::report::NodeReport;

/// Event kind of a node's figures.
pub const FIGURES: &str = "figures";

/// A count and the original value it stands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Amount {
    /// How many (cards or listings).
    pub count: u64,
    /// Their original value (原值), fen.
    pub value_fen: i64,
}

impl Amount {
    fn add(&mut self, value_fen: i64) {
        self.count += 1;
        self.value_fen += value_fen;
    }

    fn plus(self, other: Amount) -> Amount {
        Amount { count: self.count + other.count, value_fen: self.value_fen + other.value_fen }
    }
}

/// A node's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// Cards in the units' ledgers (not transferred out).
    pub cards: Amount,
    /// Of which 闲置.
    pub idle: Amount,
    /// Listings in the warehouse plaza (已入仓).
    pub in_warehouse: Amount,
    /// Listings published on the national platform (已报送至中央, still offered).
    pub on_platform: Amount,
    /// Listings completed with a result (已完成调剂共享).
    pub completed: Amount,
    /// Of which 无偿调拨.
    pub allocated: Amount,
    /// Demands published and open.
    pub demands_open: u64,
    /// Demands closed as met through the warehouse (已通过公物仓调剂解决).
    pub demands_met: u64,
}

impl Figures {
    /// The sum of two nodes' figures.
    pub fn plus(&self, other: &Figures) -> Figures {
        Figures {
            cards: self.cards.plus(other.cards),
            idle: self.idle.plus(other.idle),
            in_warehouse: self.in_warehouse.plus(other.in_warehouse),
            on_platform: self.on_platform.plus(other.on_platform),
            completed: self.completed.plus(other.completed),
            allocated: self.allocated.plus(other.allocated),
            demands_open: self.demands_open + other.demands_open,
            demands_met: self.demands_met + other.demands_met,
        }
    }
}

/// One node's report as it travels upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NodeFigures {
    /// The reporting node.
    pub node: String,
    /// Its name.
    pub node_name: String,
    /// Its kind.
    pub kind: NodeKind,
    /// Its region.
    #[schema(value_type = String)]
    pub region: RegionCode,
    /// When the figures were taken (RFC 3339).
    pub as_of: String,
    /// The figures.
    pub figures: Figures,
    /// The 统计报表 figures (absent from a node of an older version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<NodeReport>,
}

/// The figures of this node's own cards, listings and demands (received ones are skipped).
pub fn compute(cards: &[AssetCard], listings: &[Listing], demands: &[Demand]) -> Figures {
    let value: HashMap<&str, i64> = cards.iter().map(|c| (c.id.as_str(), c.original_value_fen)).collect();
    let mut f = Figures::default();
    for card in cards.iter().filter(|c| c.transferred_to.is_none()) {
        f.cards.add(card.original_value_fen);
        if card.status == CardStatus::Idle {
            f.idle.add(card.original_value_fen);
        }
    }
    for l in listings.iter().filter(|l| l.origin.is_none()) {
        let v = value.get(l.card_id.as_str()).copied().unwrap_or(0);
        if l.in_warehouse_plaza() {
            f.in_warehouse.add(v);
            if l.national_state == NationalState::PublishedNational {
                f.on_platform.add(v);
            }
        }
        if let Some(result) = &l.result {
            f.completed.add(v);
            if result.method == ResultMethod::Allocation {
                f.allocated.add(v);
            }
        }
    }
    for d in demands.iter().filter(|d| d.origin.is_none()) {
        match (d.state, d.close_reason) {
            (DemandState::Published, _) => f.demands_open += 1,
            (DemandState::Closed, Some(CloseReason::MetByListing)) => f.demands_met += 1,
            _ => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_add_up_exactly() {
        let a = Figures { cards: Amount { count: 2, value_fen: 101 }, demands_open: 1, ..Default::default() };
        let b = Figures { cards: Amount { count: 3, value_fen: 99 }, demands_met: 2, ..Default::default() };
        let sum = a.plus(&b);
        assert_eq!((sum.cards, sum.demands_open, sum.demands_met), (Amount { count: 5, value_fen: 200 }, 1, 2));
    }
}
