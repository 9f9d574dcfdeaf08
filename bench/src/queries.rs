//! The six plaza queries of issue 9, each a page of 20 and the total for a viewer, with their
//! parameters drawn afresh for every run from the loaded data; and how each side answers them:
//! ours by the library calls the HTTP routes serve, the peer in SQL.

use gongwucang::domain::demand::Demand;
use gongwucang::domain::listing::{Mode, Viewer};
use gongwucang::domain::region::RegionCode;
use gongwucang::domain::unit::Unit;
use gongwucang::domain::user::Role;
use gongwucang::http::extract::Paging;
use gongwucang::http::matching;
use gongwucang::http::plaza::{self, Plaza, PlazaFilter};
use gongwucang::store::Store;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use crate::load::Loaded;
use crate::reference::Category;
use crate::sqlite::{Answer, Peer};
use crate::vocab;

/// Items per page, as the UI asks.
pub const PAGE_SIZE: u32 = 20;

/// Which query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Q1,
    Q2,
    Q3,
    Q4,
    Q5,
    Q6,
}

impl Query {
    pub const ALL: [Query; 6] = [Query::Q1, Query::Q2, Query::Q3, Query::Q4, Query::Q5, Query::Q6];

    /// The name in the table and in results.json.
    pub fn key(self) -> &'static str {
        match self {
            Query::Q1 => "Q1",
            Query::Q2 => "Q2",
            Query::Q3 => "Q3",
            Query::Q4 => "Q4",
            Query::Q5 => "Q5",
            Query::Q6 => "Q6",
        }
    }

    /// What it asks.
    pub fn label(self) -> &'static str {
        match self {
            Query::Q1 => "warehouse plaza, newest first",
            Query::Q2 => "category prefix (level 2-4) + region",
            Query::Q3 => "keyword (2 and 3-6 chars) + mode",
            Query::Q4 => "value range, varied viewer reach",
            Query::Q5 => "matches for one demand",
            Query::Q6 => "page 500 of Q1",
        }
    }
}

/// `ApiError` is an HTTP answer, not a `std::error::Error`.
fn failed(e: gongwucang::http::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// One run's question.
pub enum Params {
    Plaza { viewer: Viewer, filter: PlazaFilter },
    Matches { viewer: Viewer, demand: Box<Demand> },
}

impl Params {
    /// A short description, for a mismatch report.
    pub fn describe(&self) -> String {
        match self {
            Params::Plaza { viewer, filter } => format!("{viewer:?} {filter:?}"),
            Params::Matches { viewer, demand } => {
                format!("{viewer:?} demand {} {} {}", demand.id, demand.fields.category, demand.fields.name)
            }
        }
    }

    /// Our answer: `plaza::search` or `matching::fitting`, the calls the HTTP routes serve.
    pub fn ours(&self, store: &Store) -> anyhow::Result<Answer> {
        match self {
            Params::Plaza { viewer, filter } => {
                let page = plaza::search(store, viewer, Plaza::Warehouse, filter).map_err(failed)?;
                Ok((page.items.into_iter().map(|l| l.id).collect(), page.total))
            }
            Params::Matches { viewer, demand } => {
                let paging = Paging { page: Some(1), page_size: Some(PAGE_SIZE) };
                let page = matching::fitting(store, demand, viewer, paging).map_err(failed)?;
                Ok((page.items.into_iter().map(|(l, _, _)| l.id).collect(), page.total))
            }
        }
    }

    /// The peer's plan for it.
    pub fn explain(&self, peer: &Peer) -> anyhow::Result<String> {
        match self {
            Params::Plaza { viewer, filter } => peer.explain_plaza(viewer, filter),
            Params::Matches { viewer, demand } => peer.explain_fitting(demand, viewer, PAGE_SIZE),
        }
    }

    /// The peer's answer.
    pub fn peer(&self, peer: &Peer) -> anyhow::Result<Answer> {
        match self {
            Params::Plaza { viewer, filter } => peer.plaza(viewer, filter),
            Params::Matches { viewer, demand } => peer.fitting(demand, viewer, PAGE_SIZE),
        }
    }
}

/// Draws parameters from the loaded data.
pub struct Draw<'a> {
    rng: StdRng,
    data: &'a Loaded,
    categories: &'a [Category],
    run: usize,
}

fn clerk(unit: &Unit) -> Viewer {
    Viewer {
        role: Role::Clerk,
        unit_id: Some(unit.id.clone()),
        region: unit.region.clone(),
        department: Some(unit.department.clone()),
    }
}

fn code(s: String) -> RegionCode {
    RegionCode::parse(&s).expect("built from a valid code")
}

impl<'a> Draw<'a> {
    pub fn new(seed: u64, data: &'a Loaded, categories: &'a [Category]) -> Self {
        Self { rng: StdRng::seed_from_u64(seed), data, categories, run: 0 }
    }

    fn unit_clerk(&mut self) -> Viewer {
        clerk(self.data.units.choose(&mut self.rng).expect("units"))
    }

    fn filter(&self) -> PlazaFilter {
        PlazaFilter { page_size: Some(PAGE_SIZE), ..PlazaFilter::default() }
    }

    /// The next run's parameters for `query`.
    pub fn params(&mut self, query: Query) -> Params {
        self.run += 1;
        let viewer = self.unit_clerk();
        let mut filter = self.filter();
        match query {
            Query::Q1 => {}
            Query::Q6 => filter.page = Some(500),
            Query::Q2 => {
                let facts = self.data.plaza.choose(&mut self.rng).expect("plaza listings");
                let level = self.rng.random_range(2..=4usize);
                filter.category = Some(facts.category[..(2 * level + 1).min(facts.category.len())].to_owned());
                let r = facts.region.as_str();
                filter.region = Some(match self.rng.random_range(0..3) {
                    0 => format!("{}0000", &r[..2]),
                    1 => format!("{}00", &r[..4]),
                    _ => r.to_owned(),
                });
            }
            Query::Q3 => {
                filter.q = Some(self.term());
                filter.mode = Some(if self.rng.random_bool(0.7) { Mode::Transfer } else { Mode::Share });
            }
            Query::Q4 => {
                let facts = self.data.plaza.choose(&mut self.rng).expect("plaza listings");
                filter.min_value_fen = Some(facts.value_fen / 2);
                filter.max_value_fen = Some(facts.value_fen * 2);
                return Params::Plaza { viewer: self.reach(viewer), filter };
            }
            Query::Q5 => {
                let demand = self.data.demands.choose(&mut self.rng).expect("published demands").clone();
                let unit = self.data.units.iter().find(|u| u.id == demand.unit_id).expect("the demand's unit");
                return Params::Matches { viewer: clerk(unit), demand: Box::new(demand) };
            }
        }
        Params::Plaza { viewer, filter }
    }

    /// Viewers of every reach in turn: a unit's clerk, a county's and a city's authority, a
    /// province.
    fn reach(&mut self, clerk: Viewer) -> Viewer {
        let r = clerk.region.as_str().to_owned();
        let (role, region) = match self.run % 4 {
            0 => return clerk,
            1 => (Role::Authority, code(r)),
            2 => (Role::Authority, code(format!("{}00", &r[..4]))),
            _ => (Role::Province, code(format!("{}0000", &r[..2]))),
        };
        Viewer { role, unit_id: None, region, department: None }
    }

    /// Search terms in turn: a frequent two-character one, a rare one, a frequent longer one, a
    /// rare longer one (rare: cut from the name of a category past the first few hundred).
    fn term(&mut self) -> String {
        match self.run % 4 {
            0 => (*vocab::FREQUENT_SHORT_TERMS.choose(&mut self.rng).expect("terms")).to_owned(),
            2 => (*vocab::FREQUENT_LONG_TERMS.choose(&mut self.rng).expect("terms")).to_owned(),
            k => {
                let tail = &self.categories[self.categories.len().min(300)..];
                let name: Vec<char> = tail.choose(&mut self.rng).expect("categories").names[0].chars().collect();
                let len = if k == 1 { 2 } else { self.rng.random_range(3..=6usize) }.min(name.len());
                let start = self.rng.random_range(0..=name.len() - len);
                name[start..start + len].iter().collect()
            }
        }
    }
}
