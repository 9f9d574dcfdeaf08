use super::*;
use crate::domain::card::{CardFields, CardStatus};
use crate::domain::listing::{Mode, NationalState, Origin, Scope, Source, State};
use crate::domain::region::RegionCode;

const NOW: &str = "2026-11-27T09:00:00Z";

fn listing(unit: &str, scope: Scope, published_at: &str) -> Listing {
    Listing {
        id: format!("L-{unit}-{published_at}"),
        card_id: "c1".into(),
        unit_id: unit.into(),
        unit_region: RegionCode::parse("210102").unwrap(),
        unit_department: "和平区教育局".into(),
        mode: Mode::Transfer,
        national: false,
        scope,
        description: "九成新，可正常使用".into(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: "王丽".into(),
        contact_phone: "024-1".into(),
        state: State::Published,
        national_state: NationalState::None,
        reason: None,
        result: None,
        created_at: published_at.into(),
        published_at: Some(published_at.into()),
        updated_at: published_at.into(),
        national_published_at: None,
        origin: None,
        sent_to: Vec::new(),
        hold: None,
        open_until: None,
        offered_since: None,
        scope_change: None,
    }
}

fn card(name: &str, category: &str) -> AssetCard {
    CardFields {
        asset_code: "ZC1".into(),
        name: name.into(),
        category: category.into(),
        spec: "i5-8500/8G/256G".into(),
        brand: "联想".into(),
        quantity: 1,
        measure_unit: "台".into(),
        acquired_on: "2019-06-01".into(),
        original_value_fen: 568_000,
        net_value_fen: 120_000,
        status: CardStatus::Idle,
        shared: false,
        location_id: None,
        using_department: "办公室".into(),
        custodian: "张三".into(),
        lease_end_on: None,
    }
    .into_card("c1".into(), "u1".into(), NOW.into())
}

fn viewer(unit: &str, region: &str) -> Viewer {
    Viewer {
        role: Role::Clerk,
        unit_id: Some(unit.into()),
        region: RegionCode::parse(region).unwrap(),
        department: Some("沈河区卫健局".into()),
    }
}

fn watch(category: Option<&str>, keyword: Option<&str>) -> Watch {
    let fields = WatchFields { category: category.map(Into::into), keyword: keyword.map(Into::into) };
    create("W1".into(), "u2", &fields, &[], "clerk", NOW).unwrap()
}

#[test]
fn a_watch_needs_a_known_category_or_a_keyword() {
    let known = |c: &str| c.starts_with("A02");
    let empty = WatchFields { category: Some(" ".into()), keyword: None };
    assert!(matches!(empty.checked(known), Err(DomainError::Invalid(_))));
    let unknown = WatchFields { category: Some("Z99".into()), keyword: None };
    assert!(unknown.checked(known).unwrap_err().to_string().contains("Z99"));
    let long = WatchFields { category: None, keyword: Some("一".repeat(21)) };
    assert!(matches!(long.checked(known), Err(DomainError::Invalid(_))));
    let ok =
        WatchFields { category: Some(" A02010105 ".into()), keyword: Some(" 电脑 ".into()) }.checked(known).unwrap();
    assert_eq!((ok.category.as_deref(), ok.keyword.as_deref()), (Some("A02010105"), Some("电脑")));
}

#[test]
fn a_unit_keeps_distinct_watches_up_to_the_limit() {
    let fields = WatchFields { category: None, keyword: Some("空调".into()) };
    let first = create("W1".into(), "u2", &fields, &[], "clerk", NOW).unwrap();
    assert_eq!(first.seen_at, "", "what is on offer already is new to it");
    let again = create("W2".into(), "u2", &fields, std::slice::from_ref(&first), "clerk", NOW);
    assert!(matches!(again, Err(DomainError::Conflict { .. })));
    let many: Vec<Watch> = (0..MAX_WATCHES).map(|n| Watch { id: format!("W{n}"), ..first.clone() }).collect();
    let other = WatchFields { category: None, keyword: Some("投影".into()) };
    assert!(matches!(create("W99".into(), "u2", &other, &many, "clerk", NOW), Err(DomainError::Conflict { .. })));
    assert!(may_manage(Role::Clerk, Some("u2"), "u2").is_ok());
    assert!(may_manage(Role::Reviewer, Some("u2"), "u2").is_err());
    assert!(may_manage(Role::Clerk, Some("u3"), "u2").is_err());
}

#[test]
fn matches_follow_category_prefix_keyword_and_the_units_view() {
    let l = listing("u1", Scope::City, NOW);
    let computer = card("台式计算机", "A02010105");
    let near = viewer("u2", "210103");
    let today = "2026-11-27";
    assert!(matches(&watch(Some("A02010000"), None), &l, &computer, &near, today), "padded category code");
    assert!(matches(&watch(Some("A020101"), None), &l, &computer, &near, today));
    assert!(!matches(&watch(Some("A05"), None), &l, &computer, &near, today));
    assert!(matches(&watch(None, Some("计算机")), &l, &computer, &near, today), "name");
    assert!(matches(&watch(None, Some("联想")), &l, &computer, &near, today), "brand");
    assert!(matches(&watch(None, Some("九成新")), &l, &computer, &near, today), "description");
    assert!(!matches(&watch(Some("A02"), Some("空调")), &l, &computer, &near, today), "both must hold");
    let far = viewer("u2", "210202");
    assert!(!matches(&watch(None, Some("计算机")), &l, &computer, &far, today), "outside its scope");
    let own = Watch { unit_id: "u1".into(), ..watch(None, Some("计算机")) };
    assert!(!matches(&own, &l, &computer, &viewer("u1", "210102"), today), "not its own");
    let mut held = l.clone();
    held.hold = Some(crate::domain::interest::Hold {
        interest_id: "I1".into(),
        unit_id: "u3".into(),
        since: today.into(),
        until: "2026-12-27".into(),
    });
    assert!(!matches(&watch(None, Some("计算机")), &held, &computer, &near, today), "洽谈中");
    let mut received = l.clone();
    received.origin = Some(Origin {
        node: "n".into(),
        node_name: "大连".into(),
        unit_name: "u".into(),
        via: "p".into(),
        received_at: NOW.into(),
    });
    assert!(!matches(&watch(None, Some("计算机")), &received, &computer, &near, today), "not on the platform");
}

#[test]
fn new_means_offered_after_the_last_look() {
    let mut w = watch(None, Some("计算机"));
    let l = listing("u1", Scope::City, "2026-11-20T08:00:00Z");
    assert!(is_new(&w, &l), "never looked");
    w.seen_at = "2026-11-21T00:00:00Z".into();
    assert!(!is_new(&w, &l));
    w.seen_at = "2026-11-20T08:00:00Z".into();
    assert!(is_new(&w, &l), "offered in the second of the look: kept new, never missed");
    w.seen_at = "2026-11-21T00:00:00Z".into();
    let mut received = listing("u1", Scope::National, "2026-11-01T08:00:00Z");
    received.national_published_at = Some("2026-11-10T00:00:00Z".into());
    received.origin = Some(Origin {
        node: "n".into(),
        node_name: "大连".into(),
        unit_name: "u".into(),
        via: "p".into(),
        received_at: "2026-11-22T00:00:00Z".into(),
    });
    assert_eq!(offered_at(&received), Some("2026-11-22T00:00:00Z"), "offered here when it arrived");
    assert!(is_new(&w, &received));
    // A widened scope is a new offer: the units it now reaches see it as new.
    let mut widened = listing("u1", Scope::City, "2026-05-20T08:00:00Z");
    assert!(!is_new(&w, &widened));
    widened.offered_since = Some("2026-11-23T09:30:00Z".into());
    assert!(is_new(&w, &widened));
    widened.offered_since = Some("2026-11-20".into());
    assert!(!is_new(&w, &widened), "a date from before the look (older records)");
}
