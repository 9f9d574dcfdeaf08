use super::*;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

#[test]
fn a_demand_is_drafted_reviewed_published_and_closed_by_its_own_unit() {
    let clerk = (Role::Clerk, Some("u1"));
    let reviewer = (Role::Reviewer, Some("u1"));
    let step = |state, (role, unit): (Role, Option<&str>), action| next_state(state, "u1", role, unit, &action);
    let s = step(DemandState::Draft, clerk, DemandAction::Submit).unwrap();
    assert_eq!(s, DemandState::PendingReview);
    assert!(matches!(step(s, clerk, DemandAction::Publish { scope: None }), Err(DemandRefusal::NotAllowed(_))));
    assert!(matches!(step(s, reviewer, DemandAction::Return { reason: " ".into() }), Err(DemandRefusal::Invalid(_))));
    let s = step(s, reviewer, DemandAction::Publish { scope: Some(Scope::National) }).unwrap();
    assert_eq!(s, DemandState::Published);
    assert!(matches!(
        step(s, reviewer, DemandAction::Publish { scope: None }),
        Err(DemandRefusal::WrongState(_, DemandState::Published))
    ));
    assert!(matches!(
        step(s, (Role::Clerk, Some("u2")), DemandAction::Close { reason: CloseReason::Purchased }),
        Err(DemandRefusal::NotAllowed(_))
    ));
    assert_eq!(step(s, clerk, DemandAction::Close { reason: CloseReason::MetByListing }).unwrap(), DemandState::Closed);
}

#[test]
fn listings_of_the_same_category_and_name_match_nearest_first() {
    let near = code("210102");
    let far = code("310101");
    let desktop = Offer { category: "A02010105", text: "台式计算机 启天M450 联想".into(), region: &near };
    let laptop = Offer { category: "A02010108", text: "笔记本电脑 ThinkPad".into(), region: &far };
    let desk = Offer { category: "A05010201", text: "办公桌".into(), region: &near };
    let here = code("210102");
    let (a, reasons) = match_reasons("A02010105", "台式计算机", &here, &desktop).unwrap();
    assert!(reasons.contains(&"资产分类相同".to_owned()) && reasons.contains(&"同一区县".to_owned()), "{reasons:?}");
    let (b, _) = match_reasons("A02010105", "台式计算机", &here, &laptop).unwrap();
    assert!(a > b);
    assert!(match_reasons("A02010105", "台式计算机", &here, &desk).is_none());
    let (_, reasons) = match_reasons("A02019999", "电脑", &here, &laptop).unwrap();
    assert!(reasons.iter().any(|r| r.contains("电脑")), "{reasons:?}");
    // Same 中类 (A0202 办公设备) only, no name in common: a shredder does not fit a printer.
    let shredder = Offer { category: "A02021301", text: "碎纸机 科密".into(), region: &near };
    assert!(match_reasons("A02021003", "A4黑白打印机", &here, &shredder).is_none());
    let colour = Offer { category: "A02021004", text: "彩色激光打印机 HP".into(), region: &near };
    let (_, reasons) = match_reasons("A02021003", "A4黑白打印机", &here, &colour).unwrap();
    assert_eq!(reasons, ["属同一小类", "名称相符：打印机", "同一区县"]);
}

#[test]
fn the_shared_pieces_of_a_name_are_whole_words() {
    assert_eq!(shared_phrases("台式计算机", "联想 台式计算机 i5"), (vec!["台式计算机".to_owned()], 4));
    assert_eq!(shared_phrases("台式计算机", "台式电脑 计算机"), (vec!["台式".to_owned(), "计算机".to_owned()], 3));
    assert_eq!(shared_phrases("A4 打印机", "HP A4 激光打印机"), (vec!["打印机".to_owned(), "A4".to_owned()], 3));
    assert_eq!(shared_phrases("投影仪", "办公桌").1, 0);
    assert_eq!(shared_phrases("复印机", "黑白激光打印机").1, 0, "印机 is no word");
    assert_eq!(shared_phrases("投影仪", "投影机 3000流明").0, ["投影"]);
}
