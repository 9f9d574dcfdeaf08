use super::*;
use crate::domain::card::{CardFields, CardStatus};
use crate::domain::listing::{ListingResult, NationalState, ResultMethod, Source};
use crate::domain::region::RegionCode;
use crate::domain::unit::UnitType;

fn unit(id: &str, region: &str, department: &str) -> Unit {
    Unit {
        id: id.into(),
        budget_code: id.into(),
        name: format!("单位{id}"),
        region: RegionCode::parse(region).unwrap(),
        department: department.into(),
        unit_type: UnitType::Administrative,
        contact_name: "王丽".into(),
        contact_phone: "024-1".into(),
        physical_warehouse: false,
        disabled: false,
        created_at: String::new(),
    }
}

fn card(id: &str, unit: &str, status: CardStatus, value: i64, quantity: u32) -> AssetCard {
    CardFields {
        asset_code: id.into(),
        name: "台式计算机".into(),
        category: "A02010105".into(),
        spec: String::new(),
        brand: String::new(),
        quantity,
        measure_unit: "台".into(),
        acquired_on: "2020-01-01".into(),
        original_value_fen: value,
        net_value_fen: value / 2,
        status,
        shared: false,
        location_id: None,
        using_department: String::new(),
        custodian: String::new(),
        lease_end_on: None,
    }
    .into_card(id.into(), unit.into(), String::new())
}

fn listing(id: &str, card: &AssetCard, region: &str, mode: Mode, state: State) -> Listing {
    Listing {
        id: id.into(),
        card_id: card.id.clone(),
        unit_id: card.unit_id.clone(),
        unit_region: RegionCode::parse(region).unwrap(),
        unit_department: String::new(),
        mode,
        national: false,
        scope: Scope::City,
        description: String::new(),
        condition: String::new(),
        source: Source::Routine,
        contact_name: String::new(),
        contact_phone: String::new(),
        state,
        national_state: NationalState::None,
        reason: None,
        result: None,
        created_at: "2026-01-05T00:00:00Z".into(),
        published_at: Some("2026-01-05T00:00:00Z".into()),
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

#[test]
fn the_groups_add_up_to_the_total_and_each_record_counts_once() {
    let units = [unit("u1", "210102", "教育局"), unit("u2", "210102", "卫健局"), unit("u3", "210103", "教育局")];
    let mut cards = vec![
        card("c1", "u1", CardStatus::Idle, 100_000, 1),
        card("c2", "u1", CardStatus::Idle, 50_000, 1),
        card("c3", "u2", CardStatus::InUse, 70_000, 1),
        card("c4", "u3", CardStatus::PendingDisposal, 30_001, 3),
        card("c9", "elsewhere", CardStatus::Idle, 1, 1),
    ];
    cards[0].active_listing_id = Some("L1".into());
    cards[3].active_listing_id = Some("L4".into());
    let mut done = listing("L4", &cards[3], "210103", Mode::Transfer, State::Completed);
    done.result = Some(ListingResult {
        method: ResultMethod::Allocation,
        receiver_name: "x".into(),
        receiver_unit_id: None,
        receiver_region: None,
        receiver_budget_code: None,
        date: "2026-03-01".into(),
        quantity: 1,
        note: String::new(),
        until: None,
    });
    let mut outside = listing("L5", &cards[3], "210103", Mode::Share, State::Completed);
    outside.result = done.result.clone().map(|r| ListingResult { date: "2025-12-31".into(), ..r });
    let listings = vec![listing("L1", &cards[0], "210102", Mode::Share, State::Published), done, outside];
    let flags: HashMap<String, CardFlags> =
        [("c2".to_owned(), CardFlags { no_photos: true, incomplete_location: true })].into();
    let period = Period::new("2026-01-01", "2026-12-31").unwrap();
    let inputs = Inputs {
        today: "2026-11-27",
        stale_days: 180,
        units: &units,
        cards: &cards,
        flags: &flags,
        listings: &listings,
        demands: &[],
        interests: &[],
        budget: &[],
    };
    let (rows, total) = summarize(&inputs, &period, Grouping::Unit, |c| c.to_owned());
    assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["u1", "u2", "u3"]);
    let u1 = &rows[0];
    assert_eq!(
        (u1.eligible_cards, u1.eligible_value_fen, u1.listed_cards, u1.listed_value_fen),
        (2, 150_000, 1, 100_000)
    );
    assert_eq!((u1.listed_share, u1.listed_by_scope[2], u1.stale_listings), (1, 1, 1), "published in January");
    assert_eq!((u1.cards_without_photos, u1.cards_without_location), (1, 1));
    assert_eq!(rows[1].eligible_cards, 0, "a card in use is not for the warehouse");
    let u3 = &rows[2];
    assert_eq!((u3.flows.completed_transfers, u3.flows.completed_shares), (1, 0), "only results inside the period");
    assert_eq!(
        (u3.flows.completed_original_fen, u3.flows.completed_net_fen),
        (10_000, 5_000),
        "one of three, rounded down"
    );
    assert_eq!(total.units, 3);
    assert_eq!(total.eligible_cards, rows.iter().map(|r| r.eligible_cards).sum::<u64>());
    assert_eq!(total.eligible_value_fen, 150_000 + 30_001, "the card of a unit outside the report is not counted");

    let (by_department, department_total) = summarize(&inputs, &period, Grouping::Department, |c| c.to_owned());
    assert_eq!(
        by_department.iter().map(|r| (r.key.as_str(), r.units)).collect::<Vec<_>>(),
        [("卫健局", 1), ("教育局", 2)]
    );
    let (by_region, region_total) = summarize(&inputs, &period, Grouping::Region, |c| format!("区{c}"));
    assert_eq!(by_region[0].name, "区210102");
    for other in [department_total, region_total] {
        assert_eq!(ReportRow { key: String::new(), ..other }, ReportRow { key: String::new(), ..total.clone() });
    }
}

#[test]
fn laggards_are_units_with_idle_assets_outside_the_warehouse_after_the_deadline() {
    let units = [unit("u1", "210102", "教育局"), unit("u2", "210102", "卫健局"), unit("u3", "210103", "教育局")];
    let mut cards = vec![
        card("c1", "u1", CardStatus::Idle, 100_000, 1),
        card("c2", "u2", CardStatus::LowEfficiency, 50_000, 1),
        card("c3", "u2", CardStatus::PendingDisposal, 70_000, 1),
        card("c4", "u3", CardStatus::Idle, 30_000, 1),
    ];
    cards[0].active_listing_id = Some("L1".into());
    let listings = vec![listing("L9", &cards[3], "210103", Mode::Transfer, State::Published)];
    assert!(laggards(&units, &cards, &listings, "2026-06-30", "2026-06-30").is_empty(), "not late yet");
    let late = laggards(&units, &cards, &listings, "2025-06-30", "2026-11-27");
    let shown: Vec<(&str, u64, i64, bool)> = late
        .iter()
        .map(|l| (l.unit_id.as_str(), l.unlisted_cards, l.unlisted_value_fen, l.listed_by_deadline))
        .collect();
    assert_eq!(shown, [("u2", 2, 120_000, false), ("u3", 1, 30_000, false)]);
}

#[test]
fn a_node_report_gives_any_period_the_figures_the_node_counts_itself() {
    let units = [unit("u1", "210102", "教育局"), unit("u2", "210103", "教育局")];
    let mut cards = vec![card("c1", "u1", CardStatus::Idle, 100_000, 2), card("c2", "u2", CardStatus::Idle, 60_000, 1)];
    cards[0].active_listing_id = Some("L1".into());
    let result = |date: &str, quantity| ListingResult {
        method: ResultMethod::Allocation,
        receiver_name: "x".into(),
        receiver_unit_id: None,
        receiver_region: None,
        receiver_budget_code: None,
        date: date.into(),
        quantity,
        note: String::new(),
        until: None,
    };
    let mut listings = vec![listing("L1", &cards[0], "210102", Mode::Share, State::Published)];
    for (id, date, quantity) in [("L2", "2025-12-31", 1), ("L3", "2026-01-01", 2), ("L4", "2026-03-01", 1)] {
        let mut done = listing(id, &cards[0], "210102", Mode::Transfer, State::Completed);
        done.result = Some(result(date, quantity));
        listings.push(done);
    }
    let inputs = Inputs {
        today: "2026-11-27",
        stale_days: 180,
        units: &units,
        cards: &cards,
        flags: &HashMap::new(),
        listings: &listings,
        demands: &[],
        interests: &[],
        budget: &[],
    };
    let report = node_report(&inputs);
    assert_eq!(
        report.days.iter().map(|d| d.day.as_str()).collect::<Vec<_>>(),
        ["2025-12-31", "2026-01-01", "2026-03-01"]
    );
    assert_eq!(report.now.flows, Flows::default(), "what holds now carries no flows");
    for (from, to) in [
        ("2000-01-01", "2026-11-27"),
        ("2026-01-01", "2026-02-28"),
        ("2026-03-01", "2026-03-01"),
        ("2024-01-01", "2024-12-31"),
    ] {
        let period = Period::new(from, to).unwrap();
        let (_, own) = summarize(&inputs, &period, Grouping::Node, |c| c.to_owned());
        let carried = report.row(&period);
        assert_eq!(
            ReportRow { key: String::new(), name: String::new(), ..carried },
            ReportRow { key: String::new(), name: String::new(), ..own },
            "{from}..{to}"
        );
    }
    let period = Period::new("2026-01-01", "2026-12-31").unwrap();
    let two = report.row(&period);
    assert_eq!((two.flows.completed_transfers, two.flows.completed_original_fen), (2, 100_000 + 50_000));

    // 按节点: this node and what the nodes below reported; the total is their sum.
    let below = NodeFigures {
        node: "210200-1".into(),
        node_name: "大连市财政局".into(),
        kind: crate::domain::node::NodeKind::Local,
        region: RegionCode::parse("210200").unwrap(),
        as_of: "2026-11-26T08:00:00Z".into(),
        figures: Default::default(),
        report: Some(report.clone()),
    };
    let older = NodeFigures { node: "210300-1".into(), report: None, ..below.clone() };
    let own = ReportRow { key: "210000-1".into(), name: "辽宁省财政厅".into(), units: 1, ..ReportRow::default() };
    let (rows, total) = node_rows(own, &[below, older], &period);
    assert_eq!(
        rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["210000-1", "210200-1"],
        "a report without 统计报表 figures is left out"
    );
    assert_eq!((rows[1].region.as_deref(), rows[1].as_of.as_deref()), (Some("210200"), Some("2026-11-26T08:00:00Z")));
    assert_eq!((total.units, total.flows.completed_transfers), (3, 2));
}

#[test]
fn a_report_travels_as_the_days_that_changed_and_is_whole_again_where_it_arrives() {
    let flows = |n: u64| Flows { interests: n, ..Flows::default() };
    let day = |d: &str, n: u64| DayFlows { day: d.into(), flows: flows(n) };
    let first = NodeReport {
        now: ReportRow { units: 2, ..ReportRow::default() },
        days: vec![day("2026-01-02", 1), day("2026-03-04", 2)],
        partial: false,
    };
    let second = NodeReport {
        now: ReportRow { units: 3, ..ReportRow::default() },
        days: vec![day("2026-01-02", 1), day("2026-03-04", 5), day("2026-11-28", 1)],
        partial: false,
    };
    let sent = second.changes_since(&first);
    assert!(sent.partial);
    assert_eq!(sent.days, [day("2026-03-04", 5), day("2026-11-28", 1)], "only what changed");
    assert_eq!(first.merged(&sent), second, "whole again at the receiver");
    // A day whose flows went away (a result moved to another day) travels as zero and is dropped.
    let third = NodeReport { days: vec![day("2026-01-02", 1), day("2026-11-28", 1)], ..second.clone() };
    let sent = third.changes_since(&second);
    assert_eq!(sent.days, [DayFlows { day: "2026-03-04".into(), flows: Flows::default() }]);
    assert_eq!(second.merged(&sent), third);
    assert_eq!(third.changes_since(&third).days, Vec::<DayFlows>::new());
}
