use proptest::prelude::*;

use super::*;
use crate::domain::card::CardFields;
use crate::domain::listing::{self, Source, State};

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

fn card(name: &str, spec: &str) -> AssetCard {
    CardFields {
        asset_code: "2020-1".into(),
        name: name.into(),
        category: "A02010105".into(),
        spec: spec.into(),
        brand: "联想".into(),
        quantity: 1,
        measure_unit: "台".into(),
        acquired_on: "2020-01-01".into(),
        original_value_fen: 450_000,
        net_value_fen: 100_000,
        status: CardStatus::Idle,
        shared: false,
        location_id: None,
        using_department: String::new(),
        custodian: String::new(),
        lease_end_on: None,
    }
    .into_card("c1".into(), "u1".into(), String::new())
}

fn listing(unit: &str, code: &str, department: &str, scope: Scope, national: bool) -> Listing {
    Listing {
        id: "L1".into(),
        card_id: "c1".into(),
        unit_id: unit.into(),
        unit_region: region(code),
        unit_department: department.into(),
        mode: Mode::Transfer,
        national,
        scope,
        description: "2019年购置，外观完好".into(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: String::new(),
        contact_phone: String::new(),
        state: State::Published,
        national_state: if national { NationalState::PublishedNational } else { NationalState::None },
        reason: None,
        result: None,
        created_at: String::new(),
        published_at: Some("2026-05-01T08:00:00Z".into()),
        updated_at: String::new(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
        open_until: None,
        offered_since: None,
        scope_change: None,
    }
}

const REGIONS: [&str; 8] = ["100000", "210000", "210100", "210102", "210103", "210200", "210202", "220102"];
const UNITS: [(&str, &str, &str); 5] = [
    ("u1", "210102", "教育局"),
    ("u2", "210102", "卫健委"),
    ("u3", "210103", "教育局"),
    ("u4", "210100", "教育局"),
    ("u5", "220102", "教育局"),
];
const SCOPES: [Scope; 5] = [Scope::Department, Scope::County, Scope::City, Scope::Province, Scope::National];
const ROLES: [Role; 6] = [Role::Clerk, Role::Reviewer, Role::Authority, Role::Province, Role::National, Role::Admin];

fn viewers() -> Vec<Viewer> {
    let mut out = Vec::new();
    for role in ROLES {
        for code in REGIONS {
            for department in [None, Some("教育局"), Some("卫健委")] {
                for unit in [None, Some("u1"), Some("u3"), Some("u9")] {
                    out.push(Viewer {
                        role,
                        unit_id: unit.map(Into::into),
                        region: region(code),
                        department: department.map(Into::into),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn a_viewer_shares_a_term_with_exactly_the_listings_the_visibility_rule_shows() {
    let viewers = viewers();
    let mut checked = 0;
    for (unit, code, department) in UNITS {
        for scope in SCOPES {
            for national in [false, true] {
                let l = listing(unit, code, department, scope, national);
                let e = entry(&l, &card("台式计算机", "i5/8G")).unwrap();
                let terms = terms(&e);
                for plaza in e.plazas.iter().copied() {
                    for v in &viewers {
                        let by_terms = viewer_terms(v, plaza).iter().any(|t| terms.contains(t));
                        assert_eq!(by_terms, listing::visible(&l, v), "{l:?} {v:?} {plaza:?}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn a_listing_is_in_the_plazas_its_tracks_put_it_in() {
    let local = listing("u1", "210102", "教育局", Scope::City, false);
    assert_eq!(entry(&local, &card("a", "")).unwrap().plazas, [Plaza::Warehouse]);
    let mut national = listing("u1", "210102", "教育局", Scope::National, true);
    assert_eq!(entry(&national, &card("a", "")).unwrap().plazas, [Plaza::Warehouse, Plaza::Transfer]);
    national.mode = Mode::Share;
    national.origin = Some(listing::Origin {
        node: "n".into(),
        node_name: String::new(),
        unit_name: String::new(),
        via: String::new(),
        received_at: String::new(),
    });
    assert_eq!(entry(&national, &card("a", "")).unwrap().plazas, [Plaza::Share]);
    let mut draft = local.clone();
    draft.state = State::Draft;
    assert_eq!(entry(&draft, &card("a", "")), None);
}

#[test]
fn days_count_from_2000_and_order_like_the_dates() {
    assert_eq!(day_number("2000-01-01"), 0);
    assert_eq!(day_number("2000-01-31"), 30);
    assert_eq!(day_number("1999-12-31"), 0);
    assert_eq!(day_number(""), 0);
    assert!(day_number("2026-11-28") > day_number("2026-11-27"));
    assert_eq!(day_number("2026-11-28") - day_number("2025-11-28"), 365);
}

proptest! {
    /// One or two characters: carrying the term is matching. Longer: every match carries every
    /// term (the candidates are a superset, checked one by one).
    #[test]
    fn keyword_terms_find_every_match(name in "[台式计算机a-c ]{0,8}", spec in "[计算机i5/]{0,6}", q in "[台式计算机a-c5 ]{1,4}") {
        let e = entry(&listing("u1", "210102", "教育局", Scope::City, false), &card(&name, &spec)).unwrap();
        let terms = terms(&e);
        let (needed, exact) = keyword_terms(&q);
        let carries = needed.iter().all(|t| terms.contains(t));
        if e.mentions(&q) {
            prop_assert!(carries);
        }
        if exact {
            prop_assert_eq!(carries, e.mentions(&q));
        }
    }
}

proptest! {
    /// A listing that fits a need carries one of the need's terms (the candidates are a superset).
    #[test]
    fn every_fitting_listing_carries_a_need_term(
        name in "[台式计算机打印复 a-cAB0-9]{0,8}",
        offered in "[台式计算机打印复 a-cAB0-9/]{0,10}",
        category in "A0[12]0[12]01(0[1-3])?",
    ) {
        let mut c = card(&offered, "");
        c.category = "A02010105".into();
        let e = entry(&listing("u1", "210102", "教育局", Scope::City, false), &c).unwrap();
        let fits = crate::domain::demand::match_reasons(&category, &name, &region("210103"), &e.offer()).is_some();
        let carried = terms(&e);
        if fits {
            prop_assert!(need_terms(&category, &name).iter().any(|t| carried.contains(t)));
        }
    }
}
