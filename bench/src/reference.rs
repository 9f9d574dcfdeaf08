//! The fixture reference the data is drawn from: every city and county code of China
//! (`fixtures/regions-china-counties.csv`, 民政部 end of 2024), and the leaf
//! categories ranked by how common they are ([`vocab::COMMON`] first, the rest in an order fixed
//! by the seed).

use anyhow::{Context, bail};
use gongwucang::domain::reference::{self, Region};
use gongwucang::domain::region::RegionLevel;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::vocab::{self, Kind};

/// A leaf category of the fixture table, ranked by how common it is.
#[derive(Debug, Clone)]
pub struct Category {
    pub code: String,
    pub kind: Kind,
    /// The names ledgers give it (the category's own name for the rare ones).
    pub names: Vec<String>,
}

/// The fixture reference the data is drawn from.
pub struct Reference {
    /// Every city and county code (units sit at either: 市直 and 区县 units).
    pub regions: Vec<Region>,
    /// Leaf categories, most common first.
    pub categories: Vec<Category>,
}

impl Reference {
    /// Regions and ranked categories from the fixtures compiled into the crate. The head of the
    /// ranking is [`vocab::COMMON`]; the rest follow in an order fixed by `seed`.
    pub fn load(seed: u64) -> anyhow::Result<Self> {
        let (_, categories) = reference::shipped().context("fixtures")?;
        let counties = include_str!("../../fixtures/regions-china-counties.csv");
        let regions = reference::parse_regions(counties).context("fixtures/regions-china-counties.csv")?;
        let regions: Vec<Region> =
            regions.into_iter().filter(|r| matches!(r.level, RegionLevel::City | RegionLevel::County)).collect();
        let parents: std::collections::HashSet<&str> =
            categories.iter().filter_map(|c| c.parent_code.as_deref()).collect();
        let leaves: Vec<_> = categories.iter().filter(|c| !parents.contains(c.code.as_str())).collect();
        let mut ranked = Vec::new();
        for (code, kind, names) in vocab::COMMON {
            if !leaves.iter().any(|c| c.code == *code) {
                bail!("vocab::COMMON names {code}, which is not a leaf of fixtures/asset-categories.csv");
            }
            ranked.push(Category {
                code: (*code).to_owned(),
                kind: *kind,
                names: names.iter().map(|n| n.to_string()).collect(),
            });
        }
        let mut rest: Vec<_> =
            leaves.into_iter().filter(|c| !vocab::COMMON.iter().any(|(code, _, _)| c.code == *code)).collect();
        let mut rng = StdRng::seed_from_u64(seed ^ 0xCA7E);
        rand::seq::SliceRandom::shuffle(rest.as_mut_slice(), &mut rng);
        ranked.extend(rest.into_iter().map(|c| Category {
            code: c.code.clone(),
            kind: Kind::Other,
            names: vec![c.name.clone()],
        }));
        Ok(Self { regions, categories: ranked })
    }
}
