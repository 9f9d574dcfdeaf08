use super::*;
use crate::domain::card::CardFields;
use crate::domain::location::{Location, LocationLevel};
use crate::domain::region::RegionCode;

const NOW: &str = "2026-11-28T09:00:00Z";

fn clerk(unit: &str) -> Actor {
    Actor { role: Role::Clerk, unit_id: Some(unit.into()), region: RegionCode::parse("210102").unwrap() }
}

fn place(id: &str, parent: Option<&str>, level: LocationLevel, name: &str) -> Location {
    Location { id: id.into(), unit_id: "u1".into(), parent_id: parent.map(Into::into), level, name: name.into() }
}

/// 机关院 › 综合楼 › 3层 › 301 and 302; 机关院 › 车库.
fn tree() -> LocationTree {
    LocationTree::new([
        place("L1", None, LocationLevel::Compound, "机关院"),
        place("L2", Some("L1"), LocationLevel::Building, "综合楼"),
        place("L3", Some("L2"), LocationLevel::Floor, "3层"),
        place("L4", Some("L3"), LocationLevel::Room, "302"),
        place("L5", Some("L3"), LocationLevel::Room, "301"),
        place("L6", Some("L1"), LocationLevel::Building, "车库"),
    ])
}

fn card(id: &str, unit: &str, location: Option<&str>, department: &str) -> AssetCard {
    let mut card = CardFields {
        asset_code: format!("ZC{id}"),
        name: "台式计算机".into(),
        category: "A02010105".into(),
        spec: String::new(),
        brand: String::new(),
        quantity: 1,
        measure_unit: "台".into(),
        acquired_on: "2020-01-01".into(),
        original_value_fen: 500_000,
        net_value_fen: 100_000,
        status: CardStatus::InUse,
        shared: false,
        location_id: location.map(Into::into),
        using_department: department.into(),
        custodian: String::new(),
        lease_end_on: None,
    }
    .into_card(id.into(), unit.into(), NOW.into());
    card.updated_at = "2026-11-01T00:00:00Z".into();
    card
}

fn cards() -> Vec<AssetCard> {
    let mut gone = card("c5", "u1", Some("L4"), "办公室");
    gone.transferred_to = Some("沈阳市档案馆".into());
    vec![
        card("c1", "u1", Some("L4"), "办公室"),
        card("c2", "u1", Some("L5"), "财务科"),
        card("c3", "u1", Some("L6"), "办公室"),
        card("c4", "u2", Some("L4"), "办公室"),
        gone,
    ]
}

fn new(scope: StocktakeScope) -> NewStocktake {
    NewStocktake { title: String::new(), scope, due_on: "2026-12-15".into() }
}

fn opened(scope: StocktakeScope) -> Stocktake {
    open("ST1".into(), &clerk("u1"), "u1jb", &new(scope), &cards(), &tree(), NOW).unwrap()
}

fn codes(task: &Stocktake) -> Vec<&str> {
    task.lines.iter().map(|l| l.card_id.as_str()).collect()
}

#[test]
fn the_checklist_is_the_units_cards_in_the_scope_in_walking_order() {
    let building = opened(StocktakeScope::Location { location_id: "L2".into() });
    assert_eq!(codes(&building), ["c2", "c1"], "301 before 302; not the garage, another unit or a card gone");
    assert_eq!(building.title, "机关院 › 综合楼低效闲置资产盘点（2026-11-28）");
    assert_eq!(codes(&opened(StocktakeScope::Department { name: " 办公室 ".into() })), ["c1", "c3"]);
    assert_eq!(codes(&opened(StocktakeScope::Unit)).len(), 3);
    let frozen = &building.lines[1];
    assert_eq!((frozen.status, frozen.card_updated_at.as_str()), (CardStatus::InUse, "2026-11-01T00:00:00Z"));

    let refused = |actor: Actor, input: NewStocktake| open("ST1".into(), &actor, "x", &input, &cards(), &tree(), NOW);
    let reviewer = Actor { role: Role::Reviewer, ..clerk("u1") };
    assert!(matches!(refused(reviewer, new(StocktakeScope::Unit)), Err(Refusal::NotAllowed(_))));
    let theirs = refused(clerk("u2"), new(StocktakeScope::Unit)).unwrap();
    assert_eq!(codes(&theirs), ["c4"], "another unit's clerk lists that unit's own cards only");
    let no_unit = Actor { unit_id: None, ..clerk("u1") };
    assert!(matches!(refused(no_unit, new(StocktakeScope::Unit)), Err(Refusal::NotAllowed(_))));
    let past = NewStocktake { due_on: "2026-11-27".into(), ..new(StocktakeScope::Unit) };
    assert!(matches!(refused(clerk("u1"), past), Err(Refusal::Invalid(m)) if m.contains("早于")));
    let nowhere = new(StocktakeScope::Location { location_id: "L9".into() });
    assert!(matches!(refused(clerk("u1"), nowhere), Err(Refusal::Invalid(m)) if m.contains("不存在")));
    let empty = new(StocktakeScope::Department { name: "后勤科".into() });
    assert!(matches!(refused(clerk("u1"), empty), Err(Refusal::Invalid(m)) if m.contains("没有在账")));
}

fn found(status: CardStatus, location: Option<&str>) -> CheckInput {
    CheckInput { found: true, status: Some(status), location_id: location.map(Into::into), note: String::new() }
}

#[test]
fn checks_record_found_missing_moved_and_surplus_and_count_the_progress() {
    let known = |l: &str| tree().get(l).is_some();
    let task = opened(StocktakeScope::Location { location_id: "L2".into() });
    let task = check(&task, "c1", &clerk("u1"), "u1jb", &found(CardStatus::Idle, Some("L5")), known, NOW).unwrap();
    let same_place = found(CardStatus::InUse, Some("L5"));
    let task = check(&task, "c2", &clerk("u1"), "u1jb2", &same_place, known, NOW).unwrap();
    assert_eq!(task.lines[0].check.as_ref().unwrap().location_id, None, "where the ledger says: not moved");
    assert_eq!(task.lines[1].check.as_ref().unwrap().location_id.as_deref(), Some("L5"));
    let p = progress(&task);
    assert_eq!((p.total, p.checked, p.found_spare, p.moved, p.missing), (2, 2, 1, 1, 0));

    // Not found needs a note; a card off the list is refused (it is a 盘盈).
    let missing = CheckInput { found: false, status: None, location_id: None, note: " ".into() };
    assert!(
        matches!(check(&task, "c1", &clerk("u1"), "x", &missing, known, NOW), Err(Refusal::Invalid(m)) if m.contains("备注"))
    );
    let missing = CheckInput { note: "三楼各房间均未找到，询问办公室王丽".into(), ..missing };
    let task = check(&task, "c1", &clerk("u1"), "x", &missing, known, NOW).unwrap();
    assert_eq!(progress(&task).missing, 1, "a later check replaces the earlier one");
    assert!(
        matches!(check(&task, "c3", &clerk("u1"), "x", &missing, known, NOW), Err(Refusal::Invalid(m)) if m.contains("盘盈"))
    );
    assert!(check(&task, "c1", &clerk("u1"), "x", &found(CardStatus::Idle, Some("L9")), known, NOW).is_err());

    let surplus = SurplusInput {
        name: "投影仪".into(),
        category: "A02021100".into(),
        spec: "无标签".into(),
        quantity: 1,
        location_id: Some("L4".into()),
        status: CardStatus::Idle,
        note: "会议室柜中".into(),
    };
    let task = add_surplus(&task, &clerk("u1"), "x", &surplus, known, |_| true, NOW).unwrap();
    let task = add_surplus(&task, &clerk("u1"), "x", &surplus, known, |_| true, NOW).unwrap();
    assert_eq!(task.surplus.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["P1", "P2"]);
    let task = remove_surplus(&task, "P1", &clerk("u1")).unwrap();
    let task = add_surplus(&task, &clerk("u1"), "x", &surplus, known, |_| true, NOW).unwrap();
    assert_eq!(task.surplus.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["P2", "P3"], "ids are not reused");
    assert!(add_surplus(&task, &clerk("u1"), "x", &surplus, known, |_| false, NOW).is_err(), "an unknown category");
    assert_eq!(progress(&task).surplus, 2);
}

#[test]
fn a_stocktake_is_submitted_only_when_every_card_is_checked_and_then_is_closed_to_changes() {
    let known = |l: &str| tree().get(l).is_some();
    let task = opened(StocktakeScope::Department { name: "办公室".into() });
    let task = check(&task, "c1", &clerk("u1"), "x", &found(CardStatus::Idle, None), known, NOW).unwrap();
    assert!(matches!(submit(&task, &clerk("u1"), NOW), Err(Refusal::Invalid(m)) if m.contains("还有 1 项")));
    let task = check(&task, "c3", &clerk("u1"), "x", &found(CardStatus::InUse, None), known, NOW).unwrap();
    let again = uncheck(&task, "c3", &clerk("u1")).unwrap();
    assert_eq!(progress(&again).checked, 1);
    let submitted = submit(&task, &clerk("u1"), NOW).unwrap();
    assert_eq!((submitted.state, submitted.submitted_at.as_deref()), (StocktakeState::Submitted, Some(NOW)));
    let late = check(&submitted, "c1", &clerk("u1"), "x", &found(CardStatus::InUse, None), known, NOW);
    assert!(matches!(late, Err(Refusal::WrongState { state, .. }) if state == "submitted"));
    assert!(cancel(&submitted, &clerk("u1")).is_err());
    assert_eq!(cancel(&task, &clerk("u1")).unwrap().state, StocktakeState::Cancelled);
}

fn unit(id: &str, region: &str, name: &str) -> crate::domain::unit::Unit {
    crate::domain::unit::Unit {
        id: id.into(),
        budget_code: format!("{region}{id}"),
        name: name.into(),
        region: RegionCode::parse(region).unwrap(),
        department: "教育局".into(),
        unit_type: crate::domain::unit::UnitType::Administrative,
        contact_name: String::new(),
        contact_phone: String::new(),
        physical_warehouse: false,
        disabled: false,
        created_at: NOW.into(),
    }
}

/// A stocktake of u1's 办公室 (c1 idle, c3 missing) opened at `opened_at` and approved at `applied_at`.
fn applied(id: &str, opened_at: &str, applied_at: &str) -> Stocktake {
    let known = |l: &str| tree().get(l).is_some();
    let mut task = opened(StocktakeScope::Department { name: "办公室".into() });
    task = check(&task, "c1", &clerk("u1"), "x", &found(CardStatus::Idle, Some("L5")), known, NOW).unwrap();
    let missing = CheckInput { found: false, status: None, location_id: None, note: "未找到".into() };
    task = check(&task, "c3", &clerk("u1"), "x", &missing, known, NOW).unwrap();
    Stocktake {
        id: id.into(),
        state: StocktakeState::Applied,
        created_at: opened_at.into(),
        reviewed_at: Some(applied_at.into()),
        ..task
    }
}

#[test]
fn the_overview_counts_applied_stocktakes_of_the_year_and_adds_up_per_region_and_in_all() {
    let units = [
        unit("u1", "210102", "和平区教育局"),
        unit("u2", "210102", "和平区档案馆"),
        unit("u3", "210103", "沈河区教育局"),
    ];
    let one = applied("ST1", "2026-03-01T08:00:00Z", "2026-03-02T10:30:00Z");
    let two = Stocktake { unit_id: "u3".into(), ..applied("ST2", "2026-05-01T08:00:00Z", "2026-05-01T09:00:00Z") };
    let last_year = applied("ST3", "2025-12-01T08:00:00Z", "2025-12-02T08:00:00Z");
    let checking =
        Stocktake { state: StocktakeState::Checking, reviewed_at: None, ..applied("ST4", "2026-06-01T08:00:00Z", "") };
    let cancelled = Stocktake { state: StocktakeState::Cancelled, ..applied("ST5", "2026-07-01T08:00:00Z", "") };
    let tasks = [one.clone(), two, last_year, checking.clone(), cancelled.clone()];
    let in_warehouse = |card: &str| card == "c1";
    let names = |code: &str| if code == "210102" { "和平区".to_owned() } else { "沈河区".to_owned() };

    let f = findings(&one, in_warehouse, NOW);
    assert_eq!((f.cards_checked, f.found_spare, f.found_spare_value_fen, f.spare_in_warehouse), (2, 1, 500_000, 1));
    assert_eq!((f.moved, f.missing, f.minutes_taken), (1, 1, Some(26 * 60 + 30)), "opening to taking effect");
    assert_eq!(findings(&checking, in_warehouse, NOW).minutes_taken, Some(180 * 24 * 60 + 60), "so far");
    assert_eq!(findings(&cancelled, in_warehouse, NOW).minutes_taken, None);

    let o = overview(&units, &tasks, "2026", in_warehouse, names);
    let rows: Vec<(&str, u64, u64, u64)> =
        o.items.iter().map(|r| (r.unit_name.as_str(), r.tally.tasks, r.tally.applied, r.tally.minutes_taken)).collect();
    assert_eq!(
        rows,
        [("和平区档案馆", 0, 0, 0), ("和平区教育局", 2, 1, 26 * 60 + 30), ("沈河区教育局", 1, 1, 60)],
        "not done first; the open task counts as a task, not its figures; last year's and the cancelled one not at all"
    );
    assert_eq!(o.items[1].last_applied_at.as_deref(), Some("2026-03-02T10:30:00Z"));
    let regions: Vec<(&str, u64, u64, u64)> =
        o.regions.iter().map(|r| (r.region_name.as_str(), r.units, r.not_done, r.tally.found_spare)).collect();
    assert_eq!(regions, [("和平区", 2, 1, 1), ("沈河区", 1, 0, 1)]);
    let t = &o.total;
    assert_eq!((t.region_name.as_str(), t.units, t.not_done), ("合计", 3, 1));
    assert_eq!(
        (
            t.tally.tasks,
            t.tally.applied,
            t.tally.cards_checked,
            t.tally.found_spare_value_fen,
            t.tally.spare_in_warehouse
        ),
        (3, 2, 4, 1_000_000, 2)
    );
    assert_eq!((t.tally.moved, t.tally.missing, t.tally.minutes_taken), (2, 2, 26 * 60 + 30 + 60));
}
