//! The generated national ledger, deterministic from a seed: units over every city and county code
//! of `fixtures/`, one asset card per listing with a Zipf-distributed category, a name, brand,
//! model, spec and description from [`crate::vocab`], a log-normal 原值, both modes, all five
//! scopes and the states of a warehouse two years into its life; and demands. Records come out
//! without ids: the loader takes them from the store's own counters.

use anyhow::Context;
use gongwucang::domain::card::{AssetCard, CardStatus};
use gongwucang::domain::clock;
use gongwucang::domain::listing::{Listing, ListingResult, Mode, NationalState, ResultMethod, Scope, Source, State};
use gongwucang::domain::region::RegionCode;
use gongwucang::domain::unit::{Unit, UnitType};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Zipf};

use crate::reference::{Category, Reference};
use crate::vocab;

/// 2024-11-01T00:00:00Z: the warehouse opened; listings are published over the two years after.
pub const START: i64 = 1_730_419_200;
/// Two years, in seconds.
pub const SPAN: i64 = 2 * 365 * 86_400;

/// An RFC 3339 time `seconds` after the Unix epoch.
pub fn rfc3339(seconds: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    clock::format_rfc3339(at)
}

pub fn day(seconds: i64) -> String {
    rfc3339(seconds)[..10].to_owned()
}

/// Draws units, offers (a card and its listing) and demands.
pub struct Generator {
    pub(crate) rng: StdRng,
    reference: Reference,
    zipf: Zipf<f64>,
    pub(crate) value: LogNormal<f64>,
    n: usize,
}

/// A card and the listing that offers it, before ids are given.
pub struct Offer {
    pub card: AssetCard,
    pub listing: Listing,
}

pub fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("vocabularies are not empty")
}

/// Draws from `(weight, value)` pairs.
pub fn weighted<T: Copy>(rng: &mut StdRng, table: &[(u32, T)]) -> T {
    let total: u32 = table.iter().map(|(w, _)| w).sum();
    let mut at = rng.random_range(0..total);
    for (w, value) in table {
        if at < *w {
            return *value;
        }
        at -= w;
    }
    table[table.len() - 1].1
}

impl Generator {
    /// A generator for `n` listings.
    pub fn new(seed: u64, n: usize, reference: Reference) -> anyhow::Result<Self> {
        // s = 1 over ~3 100 leaves: the first three categories hold about a fifth of all rows.
        let zipf = Zipf::new(reference.categories.len() as f64, 1.0).context("zipf")?;
        // Median 原值 3 000 元, with a long tail (vehicles, servers, lab equipment).
        let value = LogNormal::new((300_000f64).ln(), 1.3).context("lognormal")?;
        Ok(Self { rng: StdRng::seed_from_u64(seed), reference, zipf, value, n })
    }

    /// The reference data drawn from.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// A category drawn by its rank.
    pub(crate) fn category(&mut self) -> Category {
        let rank = (self.zipf.sample(&mut self.rng) as usize).clamp(1, self.reference.categories.len());
        self.reference.categories[rank - 1].clone()
    }

    fn person(&mut self) -> String {
        format!("{}{}", pick(&mut self.rng, vocab::SURNAMES), pick(&mut self.rng, vocab::GIVEN_NAMES))
    }

    fn phone(&mut self) -> String {
        format!("1{}{:09}", self.rng.random_range(3..10), self.rng.random_range(0..1_000_000_000u32))
    }

    /// `count` units spread over every region, each with a 主管部门.
    pub fn units(&mut self, count: usize) -> Vec<Unit> {
        let mut units = Vec::with_capacity(count);
        for i in 0..count {
            let region = self.reference.regions[self.rng.random_range(0..self.reference.regions.len())].clone();
            let d = self.rng.random_range(0..vocab::DEPARTMENTS.len());
            let (department, institutions) = vocab::DEPARTMENTS[d];
            let k = self.rng.random_range(0..=institutions.len());
            let name = match k {
                0 => format!("{}{department}", region.name),
                k => format!("{}{}（{}）", region.name, institutions[k - 1], i + 1),
            };
            units.push(Unit {
                id: String::new(),
                budget_code: format!("{:03}{:03}", d + 1, i % 1000),
                name,
                region: RegionCode::parse(&region.code).expect("fixture codes are valid"),
                department: department.to_owned(),
                unit_type: if k == 0 { UnitType::Administrative } else { UnitType::Institution },
                contact_name: self.person(),
                contact_phone: self.phone(),
                physical_warehouse: self.rng.random_bool(0.01),
                disabled: false,
                created_at: rfc3339(START - 86_400),
            });
        }
        units
    }

    /// The `i`-th of the `n` offers (listings come roughly in the order they were created), from a
    /// unit of `units`.
    pub fn offer(&mut self, i: usize, units: &[Unit]) -> Offer {
        let unit = &units[self.rng.random_range(0..units.len())];
        let category = self.category();
        let name = pick(&mut self.rng, &category.names).clone();
        let (brand, models) = *pick(&mut self.rng, vocab::brands(category.kind));
        let model = *pick(&mut self.rng, models);
        let spec_detail = *pick(&mut self.rng, vocab::specs(category.kind));
        let spec = [model, spec_detail].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
        let year = self.rng.random_range(2008..2025);
        let condition = *pick(&mut self.rng, vocab::CONDITIONS);
        let description = format!("{brand}{model}，{spec_detail}，{year}年购置，{condition}")
            .replace("，，", "，")
            .trim_start_matches('，')
            .to_owned();
        let original = (self.value.sample(&mut self.rng) as i64).clamp(100, 5_000_000_000);
        let age = 2025 - year;
        let net = original * (10 - age.min(9)) as i64 / 10;
        let shared = self.rng.random_bool(0.1);
        let status = if shared {
            CardStatus::InUse
        } else {
            weighted(
                &mut self.rng,
                &[(6, CardStatus::Idle), (3, CardStatus::PendingDisposal), (1, CardStatus::LowEfficiency)],
            )
        };
        let created = START + (i as i64 * SPAN) / self.n.max(1) as i64;
        let card = AssetCard {
            id: String::new(),
            unit_id: unit.id.clone(),
            asset_code: format!("ZC{year}{i:08}"),
            name,
            category: category.code.clone(),
            spec,
            brand: brand.to_owned(),
            quantity: if self.rng.random_bool(0.9) { 1 } else { self.rng.random_range(2..20) },
            measure_unit: vocab::measure_unit(category.kind).to_owned(),
            acquired_on: format!("{year}-{:02}-{:02}", self.rng.random_range(1..13), self.rng.random_range(1..29)),
            original_value_fen: original,
            net_value_fen: net,
            status,
            shared,
            location_id: None,
            using_department: "办公室".to_owned(),
            custodian: self.person(),
            lease_end_on: None,
            photos: Vec::new(),
            parent_id: None,
            active_listing_id: None,
            transferred_to: None,
            transferred_listing_id: None,
            shared_with: None,
            created_at: rfc3339(START - 86_400),
            updated_at: rfc3339(created),
        };
        let listing = self.listing(unit, units, &card, created, description);
        Offer { card, listing }
    }

    fn listing(&mut self, unit: &Unit, units: &[Unit], card: &AssetCard, created: i64, description: String) -> Listing {
        let mode = if self.rng.random_bool(0.7) { Mode::Transfer } else { Mode::Share };
        let scope = weighted(
            &mut self.rng,
            &[
                (15, Scope::Department),
                (30, Scope::County),
                (30, Scope::City),
                (10, Scope::Province),
                (15, Scope::National),
            ],
        );
        let national = scope.fits(true);
        let state = weighted(
            &mut self.rng,
            &[
                (850, State::Published),
                (20, State::PendingExit),
                (40, State::Draft),
                (30, State::PendingEntry),
                (10, State::Returned),
                (20, State::Withdrawn),
                (30, State::Completed),
            ],
        );
        let reviewed = !matches!(state, State::Draft | State::PendingEntry | State::Returned);
        let published = created + self.rng.random_range(3_600..3 * 86_400);
        let national_state = match (national, reviewed, state) {
            (false, _, _) | (true, false, _) => NationalState::None,
            (true, true, State::Withdrawn) => NationalState::Cancelled,
            (true, true, State::Completed) => NationalState::PublishedNational,
            (true, true, _) => weighted(
                &mut self.rng,
                &[
                    (80, NationalState::PublishedNational),
                    (8, NationalState::PendingAuthority),
                    (7, NationalState::PendingProvince),
                    (5, NationalState::Rejected),
                ],
            ),
        };
        let result = (state == State::Completed).then(|| {
            let receiver = &units[self.rng.random_range(0..units.len())];
            let method = if mode == Mode::Transfer { ResultMethod::Allocation } else { ResultMethod::SharedUse };
            ListingResult {
                method,
                receiver_name: receiver.name.clone(),
                receiver_unit_id: Some(receiver.id.clone()),
                receiver_region: Some(receiver.region.to_string()),
                receiver_budget_code: Some(receiver.budget_code.clone()),
                date: day(published + 20 * 86_400),
                quantity: card.quantity,
                note: String::new(),
                until: (method == ResultMethod::SharedUse).then(|| day(published + 385 * 86_400)),
            }
        });
        let updated = if reviewed { published } else { created };
        Listing {
            id: String::new(),
            card_id: String::new(),
            unit_id: unit.id.clone(),
            unit_region: unit.region.clone(),
            unit_department: unit.department.clone(),
            mode,
            national,
            scope,
            description,
            condition: pick(&mut self.rng, vocab::GRADES).to_string(),
            source: weighted(
                &mut self.rng,
                &[
                    (85, Source::Routine),
                    (5, Source::PhysicalWarehouse),
                    (4, Source::TemporaryBody),
                    (3, Source::Event),
                    (3, Source::SpecialTask),
                ],
            ),
            contact_name: unit.contact_name.clone(),
            contact_phone: unit.contact_phone.clone(),
            state,
            national_state,
            reason: (state == State::Returned).then(|| "请补充资产照片".to_owned()),
            result,
            created_at: rfc3339(created),
            published_at: reviewed.then(|| rfc3339(published)),
            updated_at: rfc3339(updated),
            national_published_at: (national_state == NationalState::PublishedNational)
                .then(|| rfc3339(published + 5 * 86_400)),
            origin: None,
            sent_to: Vec::new(),
            hold: None,
            open_until: None,
            offered_since: None,
            scope_change: None,
        }
    }
}
