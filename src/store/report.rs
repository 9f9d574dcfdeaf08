//! What 统计报表 reads, from one snapshot: the units a report covers and every record of the
//! node (the figures are `domain::report`'s).

use std::collections::HashMap;

use crate::domain::budget::BudgetCheck;
use crate::domain::card::AssetCard;
use crate::domain::demand::Demand;
use crate::domain::figures::{self, Figures};
use crate::domain::interest::Interest;
use crate::domain::listing::Listing;
use crate::domain::report::{self, CardFlags, Inputs, Laggard};
use crate::domain::settings::Settings;
use crate::domain::unit::Unit;

use super::{Read, Result};

/// The records of one snapshot.
pub struct ReportData {
    /// The units the report covers.
    pub units: Vec<Unit>,
    cards: Vec<AssetCard>,
    flags: HashMap<String, CardFlags>,
    listings: Vec<Listing>,
    demands: Vec<Demand>,
    interests: Vec<Interest>,
    budget: Vec<BudgetCheck>,
    /// The node's settings.
    pub settings: Settings,
}

impl ReportData {
    /// Reads the units `keep` accepts and everything the figures need.
    pub fn load(r: &impl Read, keep: impl Fn(&Unit) -> bool) -> Result<Self> {
        let units: Vec<Unit> = super::units::all(r)?.into_iter().filter(|u| keep(u)).collect();
        let cards = super::cards::all(r)?;
        let mut trees = HashMap::new();
        for u in &units {
            trees.insert(u.id.as_str(), super::locations::tree(r, &u.id)?);
        }
        let flags = cards
            .iter()
            .filter_map(|c| trees.get(c.unit_id.as_str()).map(|tree| (c.id.clone(), CardFlags::of(c, Some(tree)))))
            .collect();
        Ok(Self {
            flags,
            cards,
            listings: super::listings::all(r)?,
            demands: super::demands::all(r)?,
            interests: super::interests::all(r)?,
            budget: super::budget::all(r)?,
            settings: super::settings::get(r)?,
            units,
        })
    }

    /// The node's figures for the bundles upward (`domain::figures`).
    pub fn figures(&self) -> Figures {
        figures::compute(&self.cards, &self.listings, &self.demands)
    }

    /// 未按期入仓单位 among the units (not those 停用: nobody sends them a reminder) on `today`.
    pub fn laggards(&self, today: &str) -> Vec<Laggard> {
        let active: Vec<Unit> = self.units.iter().filter(|u| !u.disabled).cloned().collect();
        report::laggards(&active, &self.cards, &self.listings, &self.settings.listing_deadline, today)
    }

    /// The inputs of `domain::report` on `today` (`YYYY-MM-DD`).
    pub fn inputs<'a>(&'a self, today: &'a str) -> Inputs<'a> {
        Inputs {
            today,
            stale_days: self.settings.stale_listing_days,
            units: &self.units,
            cards: &self.cards,
            flags: &self.flags,
            listings: &self.listings,
            demands: &self.demands,
            interests: &self.interests,
            budget: &self.budget,
        }
    }
}
