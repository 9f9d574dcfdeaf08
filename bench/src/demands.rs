//! Generated demands: a unit's need for something of a Zipf-drawn category, mostly published.

use gongwucang::domain::demand::{CloseReason, Demand, DemandFields, DemandState, Indicator};
use gongwucang::domain::listing::Scope;
use gongwucang::domain::unit::Unit;
use rand::RngExt;
use rand_distr::Distribution;

use crate::data::{Generator, SPAN, START, day, pick, rfc3339, weighted};
use crate::vocab::Kind;

impl Generator {
    /// A demand of a unit of `units`, needing something of a Zipf-drawn category.
    pub fn demand(&mut self, units: &[Unit]) -> Demand {
        let unit = &units[self.rng.random_range(0..units.len())];
        let category = self.category();
        let name = pick(&mut self.rng, &category.names).clone();
        let indicators = match category.kind {
            Kind::Desktop | Kind::Laptop => vec![Indicator { key: "内存".to_owned(), value: "≥8G".to_owned() }],
            Kind::Printer => vec![Indicator { key: "幅面".to_owned(), value: "A4".to_owned() }],
            _ => Vec::new(),
        };
        let state = weighted(
            &mut self.rng,
            &[
                (80, DemandState::Published),
                (5, DemandState::Draft),
                (5, DemandState::PendingReview),
                (10, DemandState::Closed),
            ],
        );
        let created = START + self.rng.random_range(0..SPAN);
        let published = matches!(state, DemandState::Published | DemandState::Closed).then_some(created + 86_400);
        let seen = published.filter(|_| self.rng.random_bool(0.5)).map(|p| rfc3339(p + 7 * 86_400));
        Demand {
            id: String::new(),
            unit_id: unit.id.clone(),
            unit_region: unit.region.clone(),
            unit_department: unit.department.clone(),
            fields: DemandFields {
                category: category.code.clone(),
                name,
                quantity: self.rng.random_range(1..6),
                indicators,
                budget_per_unit_fen: (self.value.sample(&mut self.rng) as i64).clamp(100, 1_000_000_000),
                expected_on: day(created + 60 * 86_400),
                contact_name: unit.contact_name.clone(),
                contact_phone: unit.contact_phone.clone(),
                scope: weighted(
                    &mut self.rng,
                    &[
                        (10, Scope::Department),
                        (25, Scope::County),
                        (35, Scope::City),
                        (15, Scope::Province),
                        (15, Scope::National),
                    ],
                ),
            },
            state,
            close_reason: (state == DemandState::Closed).then_some(CloseReason::Purchased),
            reason: None,
            created_at: rfc3339(created),
            published_at: published.map(rfc3339),
            updated_at: rfc3339(published.unwrap_or(created)),
            matches_seen_at: seen,
            origin: None,
            sent_to: Vec::new(),
        }
    }
}
