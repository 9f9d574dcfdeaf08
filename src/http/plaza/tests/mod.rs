//! The plaza index answers exactly what the rules say: random listings (every scope, mode,
//! state, track, hold, value, text), changed afterwards through the store, asked by every kind of
//! viewer with every filter and sort, against a plain reading of every listing by the rules of
//! `domain::listing` and `domain::plaza`.

use proptest::prelude::*;

use super::*;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::card::{AssetCard, CardFields};
use crate::domain::interest::Hold;
use crate::domain::listing::{self, NationalState, Scope, Source, State};
use crate::domain::user::Role;

const UNITS: [(&str, &str, &str); 5] = [
    ("u1", "210102", "教育局"),
    ("u2", "210102", "卫健委"),
    ("u3", "210103", "教育局"),
    ("u4", "210100", "教育局"),
    ("u5", "220102", "教育局"),
];
const NAMES: [&str; 6] = ["台式计算机", "便携式计算机", "办公椅", "空调机", "投影仪", "计算器"];
const CATEGORIES: [&str; 4] = ["A02010105", "A02010108", "A05010201", "A02061801"];
const STATES: [State; 5] = [State::Published, State::Published, State::PendingExit, State::Draft, State::Completed];
const SCOPES: [Scope; 5] = [Scope::Department, Scope::County, Scope::City, Scope::Province, Scope::National];
const TODAY: &str = "2026-06-15";

#[derive(Debug, Clone)]
struct Spec {
    unit: usize,
    name: usize,
    category: usize,
    state: usize,
    scope: usize,
    national: bool,
    share: bool,
    value: i64,
    day: u32,
    second: u32,
    hold: Option<bool>,
    status: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (0..UNITS.len(), 0..NAMES.len(), 0..CATEGORIES.len(), 0..STATES.len(), 0..SCOPES.len()),
        (any::<bool>(), any::<bool>(), 1i64..2_000_000, 0u32..90, 0u32..86_400),
        (prop_oneof![Just(None), any::<bool>().prop_map(Some)], 0..CardStatus::ALL.len()),
    )
        .prop_map(
            |((unit, name, category, state, scope), (national, share, value, day, second), (hold, status))| Spec {
                unit,
                name,
                category,
                state,
                scope,
                national,
                share,
                value,
                day,
                second,
                hold,
                status,
            },
        )
}

fn at(day: u32, second: u32) -> String {
    let base = time::Date::from_calendar_date(2026, time::Month::April, 1).unwrap();
    let t = base.midnight().assume_utc() + time::Duration::days(day.into()) + time::Duration::seconds(second.into());
    crate::domain::clock::format_rfc3339(t)
}

fn build(n: usize, s: &Spec) -> (AssetCard, Listing) {
    let (unit, region, department) = UNITS[s.unit];
    let mut card = CardFields {
        asset_code: format!("A{n}"),
        name: NAMES[s.name].into(),
        category: CATEGORIES[s.category].into(),
        spec: format!("i{}/8G", n % 7),
        brand: if n.is_multiple_of(2) { "联想" } else { "海尔" }.into(),
        quantity: 1,
        measure_unit: "台".into(),
        acquired_on: "2020-01-01".into(),
        original_value_fen: s.value,
        net_value_fen: s.value / 2,
        status: CardStatus::ALL[s.status],
        shared: false,
        location_id: None,
        using_department: String::new(),
        custodian: String::new(),
        lease_end_on: None,
    }
    .into_card(format!("c{n:04}"), unit.into(), String::new());
    let state = STATES[s.state];
    let national = s.national && state != State::Draft;
    let scope = match (national, SCOPES[s.scope]) {
        (true, Scope::Province | Scope::National) | (false, Scope::Department | Scope::County | Scope::City) => {
            SCOPES[s.scope]
        }
        (true, _) => Scope::National,
        (false, _) => Scope::City,
    };
    let id = format!("L{n:04}");
    card.active_listing_id = Some(id.clone());
    let listing = Listing {
        id,
        card_id: card.id.clone(),
        unit_id: unit.into(),
        unit_region: RegionCode::parse(region).unwrap(),
        unit_department: department.into(),
        mode: if s.share { Mode::Share } else { Mode::Transfer },
        national,
        scope,
        description: format!("{}年购置，外观完好", 2015 + n % 9),
        condition: String::new(),
        source: Source::Routine,
        contact_name: String::new(),
        contact_phone: String::new(),
        state,
        national_state: if national { NationalState::PublishedNational } else { NationalState::None },
        reason: None,
        result: None,
        created_at: at(s.day, s.second),
        published_at: (state != State::Draft).then(|| at(s.day, s.second)),
        updated_at: at(s.day, s.second),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: s.hold.map(|active| Hold {
            interest_id: "i1".into(),
            unit_id: "u3".into(),
            since: at(s.day, 0),
            until: if active { "2026-07-01" } else { "2026-06-01" }.into(),
        }),
        open_until: None,
        offered_since: None,
        scope_change: None,
    };
    (card, listing)
}

fn write(store: &Store, action: impl FnOnce(&store::Tx) -> store::Result<()>) {
    store
        .write(&Actor::system(), |tx| {
            action(tx)?;
            Ok(((), AuditEntry::new("test", "test", String::new(), None)))
        })
        .unwrap();
}

fn viewers() -> Vec<Viewer> {
    let mut out = Vec::new();
    for (unit, region, department) in UNITS {
        for role in [Role::Clerk, Role::Reviewer] {
            out.push(Viewer {
                role,
                unit_id: Some(unit.into()),
                region: RegionCode::parse(region).unwrap(),
                department: Some(department.into()),
            });
        }
    }
    for (role, region) in [
        (Role::Authority, "210102"),
        (Role::Authority, "210100"),
        (Role::Province, "210000"),
        (Role::National, "100000"),
        (Role::Admin, "210100"),
    ] {
        out.push(Viewer { role, unit_id: None, region: RegionCode::parse(region).unwrap(), department: None });
    }
    out
}

fn filters() -> Vec<PlazaFilter> {
    let base = PlazaFilter { page_size: Some(7), ..PlazaFilter::default() };
    let mut out = vec![base.clone(), PlazaFilter { page: Some(2), ..base.clone() }];
    for q in ["机", "计算", "计算机", "台式计算机", "联想", "i3/8", "2019年购置", "没有"] {
        out.push(PlazaFilter { q: Some(q.into()), ..base.clone() });
    }
    for category in ["A02", "A0201", "A02010105", "A05010201", "A0"] {
        out.push(PlazaFilter { category: Some(category.into()), ..base.clone() });
    }
    for region in ["210000", "210100", "210102", "220102", "100000"] {
        out.push(PlazaFilter { region: Some(region.into()), ..base.clone() });
    }
    for sort in [PlazaSort::Value, PlazaSort::Nearest] {
        out.push(PlazaFilter { sort: Some(sort), ..base.clone() });
        out.push(PlazaFilter { sort: Some(sort), page: Some(3), ..base.clone() });
    }
    out.push(PlazaFilter { mode: Some(Mode::Share), ..base.clone() });
    out.push(PlazaFilter { status: Some(CardStatus::Idle), ..base.clone() });
    out.push(PlazaFilter { min_value_fen: Some(300_000), max_value_fen: Some(1_200_000), ..base.clone() });
    out.push(PlazaFilter { min_value_fen: Some(1_000_000), sort: Some(PlazaSort::Value), ..base.clone() });
    out.push(PlazaFilter {
        published_from: Some("2026-05-01".into()),
        published_to: Some("2026-05-31".into()),
        ..base.clone()
    });
    out.push(PlazaFilter {
        q: Some("计算".into()), mode: Some(Mode::Transfer), region: Some("210100".into()), ..base
    });
    out
}

fn distance(a: &RegionCode, b: &RegionCode) -> u8 {
    let (a, b) = (a.as_str(), b.as_str());
    if a == b {
        0
    } else if a[..4] == b[..4] {
        1
    } else if a[..2] == b[..2] {
        2
    } else {
        3
    }
}

/// Every listing and card read and filtered by the rules; newest is the publication day, then
/// the order of entry (here the order of `published_at`, as the listings were written in it).
fn by_the_rules(
    listings: &[Listing],
    cards: &[AssetCard],
    viewer: &Viewer,
    plaza: Plaza,
    f: &PlazaFilter,
) -> (Vec<String>, u64) {
    let q = f.q.as_deref().unwrap_or("");
    let category = f.category.as_deref().map(category_prefix).unwrap_or("");
    let region = f.region.as_deref().map(|r| RegionCode::parse(r).unwrap());
    let mut hits: Vec<(&Listing, &AssetCard)> = listings
        .iter()
        .filter(|l| plaza.shows(l) && !l.reserved(TODAY) && listing::visible(l, viewer))
        .filter(|l| f.mode.is_none_or(|m| l.mode == m))
        .filter(|l| region.as_ref().is_none_or(|r| r.contains(&l.unit_region)))
        .filter(|l| {
            let on = l.published_at.as_deref().unwrap_or("").get(..10).unwrap_or("");
            f.published_from.as_deref().is_none_or(|d| on >= d) && f.published_to.as_deref().is_none_or(|d| on <= d)
        })
        .map(|l| (l, cards.iter().find(|c| c.id == l.card_id).unwrap()))
        .filter(|(l, c)| {
            (q.is_empty() || [&c.name, &c.spec, &c.brand, &l.description].iter().any(|t| t.contains(q)))
                && f.min_value_fen.is_none_or(|m| c.original_value_fen >= m)
                && f.max_value_fen.is_none_or(|m| c.original_value_fen <= m)
                && f.status.is_none_or(|s| c.status == s)
                && c.category.starts_with(category)
        })
        .collect();
    let newest = |a: &(&Listing, &AssetCard), b: &(&Listing, &AssetCard)| b.0.published_at.cmp(&a.0.published_at);
    match f.sort.unwrap_or_default() {
        PlazaSort::Newest => hits.sort_by(newest),
        PlazaSort::Value => hits.sort_by(|a, b| b.1.original_value_fen.cmp(&a.1.original_value_fen).then(newest(a, b))),
        PlazaSort::Nearest => hits.sort_by(|a, b| {
            distance(&a.0.unit_region, &viewer.region)
                .cmp(&distance(&b.0.unit_region, &viewer.region))
                .then(newest(a, b))
        }),
    }
    let size = f.page_size.unwrap_or(20) as usize;
    let skip = (f.page.unwrap_or(1) as usize - 1) * size;
    (hits.iter().skip(skip).take(size).map(|(l, _)| l.id.clone()).collect(), hits.len() as u64)
}

fn demand(unit: usize, category: &str, name: &str) -> crate::domain::demand::Demand {
    let (unit, region, department) = UNITS[unit];
    crate::domain::demand::Demand {
        id: "D1".into(),
        unit_id: unit.into(),
        unit_region: RegionCode::parse(region).unwrap(),
        unit_department: department.into(),
        fields: crate::domain::demand::DemandFields {
            category: category.into(),
            name: name.into(),
            quantity: 1,
            indicators: Vec::new(),
            budget_per_unit_fen: 0,
            expected_on: "2026-12-31".into(),
            contact_name: String::new(),
            contact_phone: String::new(),
            scope: Scope::City,
        },
        state: crate::domain::demand::DemandState::Published,
        close_reason: None,
        reason: None,
        created_at: String::new(),
        published_at: None,
        updated_at: String::new(),
        matches_seen_at: None,
        origin: None,
        sent_to: Vec::new(),
    }
}

/// The matches of a demand by the rules (`demand::fitting_offers` over every listing not held
/// today), best first and newest first among equals, against `matching::fitting`.
fn check_matches(store: &Store, listings: &[Listing], cards: &[AssetCard]) -> Result<(), TestCaseError> {
    let demands = [
        demand(0, "A02010105", "台式计算机"),
        demand(2, "A02010199", "计算机 i3"),
        demand(4, "A05010201", "办公椅"),
        demand(1, "A0601", "空调"),
    ];
    let available: Vec<&Listing> = listings.iter().filter(|l| !l.reserved(TODAY)).collect();
    for d in &demands {
        for viewer in viewers() {
            let need = crate::domain::demand::Need {
                unit_id: &d.unit_id,
                category: &d.fields.category,
                name: &d.fields.name,
                region: &d.unit_region,
            };
            let mut expected = crate::domain::demand::fitting_offers(&need, &viewer, available.iter().copied(), |id| {
                cards.iter().find(|c| c.id == id)
            });
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.published_at.cmp(&a.0.published_at)));
            for page in [1, 2] {
                let paging = crate::http::extract::Paging { page: Some(page), page_size: Some(5) };
                let found = crate::http::matching::fitting_on(store, d, &viewer, paging, TODAY).unwrap();
                let ids: Vec<(String, u32)> = found.items.iter().map(|(l, s, _)| (l.id.clone(), *s)).collect();
                let want: Vec<(String, u32)> =
                    expected.iter().skip((page as usize - 1) * 5).take(5).map(|(l, s, _)| (l.id.clone(), *s)).collect();
                prop_assert_eq!((ids, found.total), (want, expected.len() as u64), "{:?} {:?}", d.fields, viewer);
            }
        }
    }
    Ok(())
}

fn check(store: &Store, listings: &[Listing], cards: &[AssetCard]) -> Result<(), TestCaseError> {
    check_matches(store, listings, cards)?;
    for viewer in viewers() {
        for plaza in Plaza::ALL {
            for f in filters() {
                let page = search_on(store, &viewer, plaza, &f, TODAY).unwrap();
                let ids: Vec<String> = page.items.iter().map(|l| l.id.clone()).collect();
                let expected = by_the_rules(listings, cards, &viewer, plaza, &f);
                prop_assert_eq!((ids, page.total), expected, "{:?} {:?} {:?}", viewer, plaza, f);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn the_index_answers_what_the_rules_say_before_and_after_changes(
        specs in prop::collection::vec(spec(), 60..120),
        changes in prop::collection::vec((any::<prop::sample::Index>(), 0..5u8, any::<prop::sample::Index>()), 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut specs = specs;
        // Written in the order of publication, so entry order is publication order.
        specs.sort_by_key(|s| (s.day, s.second));
        specs.dedup_by_key(|s| (s.day, s.second));
        let (mut cards, mut listings): (Vec<AssetCard>, Vec<Listing>) =
            specs.iter().enumerate().map(|(n, s)| build(n, s)).unzip();
        // In two transactions, the second on top of the first.
        let half = listings.len() / 2;
        for range in [0..half, half..listings.len()] {
            write(&store, |tx| {
                for i in range {
                    store::cards::insert(tx, &cards[i])?;
                    store::listings::put(tx, &listings[i])?;
                }
                Ok(())
            });
        }
        check(&store, &listings, &cards)?;
        // Changes through the store: scope, state, hold, card facts, a listing deleted.
        write(&store, |tx| {
            for (which, kind, other) in &changes {
                let i = which.index(listings.len());
                let l = &mut listings[i];
                let c = &mut cards[i];
                match kind {
                    0 => l.scope = if l.national { Scope::Province } else { SCOPES[other.index(3)] },
                    1 => l.state = if l.state == State::Published { State::Withdrawn } else { l.state },
                    2 => l.hold = None,
                    3 => {
                        c.original_value_fen = other.index(3_000_000) as i64;
                        c.name = NAMES[other.index(NAMES.len())].into();
                        c.status = CardStatus::ALL[other.index(5)];
                    }
                    _ => l.description = "全新未拆封".into(),
                }
                store::listings::put(tx, l)?;
                store::cards::update(tx, c)?;
            }
            Ok(())
        });
        check(&store, &listings, &cards)?;
        // A rebuild (a restored backup, an upgraded file) gives the same answers.
        store.write_schema(store::plaza::rebuild).unwrap();
        check(&store, &listings, &cards)?;
    }
}
