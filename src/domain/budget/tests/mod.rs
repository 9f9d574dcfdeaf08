use super::*;

const NOW: &str = "2026-11-27T09:00:00Z";

fn fields() -> BudgetLineFields {
    BudgetLineFields {
        unit_id: " u1 ".into(),
        year: 2027,
        budget_item: " 2027年办公设备购置 ".into(),
        category: "A02010105".into(),
        name: " 台式计算机 ".into(),
        spec: "i5/8G/256G".into(),
        quantity: 10,
        unit_price_fen: 600_000,
    }
}

fn check() -> BudgetCheck {
    let f = fields().checked(|c| c == "A02010105").unwrap();
    create("B1".into(), &f, RegionCode::parse("210102").unwrap(), "和平区教育局".into(), "czj", NOW)
}

fn outcome(met: u32, purchase: u32, reason: &str, ids: &[&str]) -> OutcomeFields {
    OutcomeFields {
        met_quantity: met,
        purchase_quantity: purchase,
        reason: reason.into(),
        listing_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[test]
fn a_budget_line_is_checked_and_trimmed() {
    let f = fields().checked(|c| c == "A02010105").unwrap();
    assert_eq!(
        (f.unit_id.as_str(), f.budget_item.as_str(), f.name.as_str()),
        ("u1", "2027年办公设备购置", "台式计算机")
    );
    let known = |c: &str| c == "A02010105";
    for (bad, why) in [
        (BudgetLineFields { quantity: 0, ..fields() }, "数量"),
        (BudgetLineFields { unit_price_fen: -1, ..fields() }, "单价"),
        (BudgetLineFields { category: "Z1".into(), ..fields() }, "分类"),
        (BudgetLineFields { budget_item: " ".into(), ..fields() }, "预算项目"),
        (BudgetLineFields { year: 1999, ..fields() }, "年度"),
    ] {
        let error = bad.checked(known).unwrap_err().to_string();
        assert!(error.contains(why), "{why}: {error}");
    }
    assert_eq!(check().amount_fen(), 6_000_000);
}

#[test]
fn only_the_units_authority_checks_its_budget() {
    let unit = RegionCode::parse("210102").unwrap();
    assert!(may_check(Role::Authority, &RegionCode::parse("210100").unwrap(), &unit).is_ok());
    assert!(may_check(Role::Authority, &RegionCode::parse("210102").unwrap(), &unit).is_ok());
    assert!(may_check(Role::Authority, &RegionCode::parse("210103").unwrap(), &unit).is_err());
    assert!(may_check(Role::Province, &RegionCode::parse("210000").unwrap(), &unit).is_err());
    assert!(may_check(Role::Clerk, &unit, &unit).is_err());
}

#[test]
fn the_outcome_adds_up_names_its_listings_and_is_final() {
    let c = check();
    let matching = |id: &str| match id {
        "L1" => Some(3),
        "L2" => Some(2),
        _ => None,
    };
    let free = |_: &str| None;
    let e = decide(&c, &outcome(3, 6, "无", &["L1"]), matching, free, NOW).unwrap_err();
    assert!(e.to_string().contains("之和应等于申请数量 10"), "{e}");
    let e = decide(&c, &outcome(4, 6, "", &["L1"]), matching, free, NOW).unwrap_err();
    assert!(e.to_string().contains("理由"), "{e}");
    let e = decide(&c, &outcome(4, 6, "规格不符", &[]), matching, free, NOW).unwrap_err();
    assert!(e.to_string().contains("勾选"), "{e}");
    let e = decide(&c, &outcome(4, 6, "规格不符", &["L9"]), matching, free, NOW).unwrap_err();
    assert!(e.to_string().contains("L9"), "{e}");
    let e = decide(&c, &outcome(0, 10, "无可调剂资产", &["L1"]), matching, free, NOW).unwrap_err();
    assert!(matches!(e, DomainError::Invalid(_)));
    let done = decide(&c, &outcome(4, 6, " 其余规格不符 ", &["L2", "L1", "L1"]), matching, free, NOW).unwrap();
    let o = done.outcome.clone().unwrap();
    assert_eq!((o.met_quantity, o.purchase_quantity, o.value_met_fen), (4, 6, 2_400_000));
    assert_eq!((o.reason.as_str(), o.listing_ids), ("其余规格不符", vec!["L1".to_owned(), "L2".to_owned()]));
    assert_eq!((done.state, done.decided_at.as_deref()), (BudgetCheckState::Decided, Some(NOW)));
    assert!(matches!(
        decide(&done, &outcome(10, 0, "", &["L1"]), matching, free, NOW),
        Err(DomainError::Conflict { .. })
    ));
    let e = decide(&c, &outcome(4, 6, "规格不符", &["L1"]), matching, free, NOW).unwrap_err();
    assert!(e.to_string().contains("共 3 件"), "one listing of 3 cannot meet 4: {e}");
    let taken = |id: &str| (id == "L2").then(|| "B7".to_owned());
    let e = decide(&c, &outcome(4, 6, "规格不符", &["L1", "L2"]), matching, taken, NOW).unwrap_err();
    assert!(e.to_string().contains("B7"), "a listing counts for one budget line: {e}");
    let mut small = check();
    small.quantity = 5;
    let all = decide(&small, &outcome(5, 0, "", &["L1", "L2"]), matching, free, NOW).unwrap();
    assert_eq!(all.outcome.unwrap().value_met_fen, 3_000_000, "all met: the whole line saved");
}
