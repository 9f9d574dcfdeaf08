//! 低效闲置资产盘点 through the API: a clerk opens a stocktake of one building (the checklist
//! frozen then), two clerks check it at once without losing each other's checks, a card off the
//! list is a 盘盈, missing needs a note, the task is submitted only when complete, and nobody
//! outside the unit sees it.

use reqwest::StatusCode;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::unit;

async fn place(clerk: &Session, parent: Option<&str>, name: &str) -> String {
    let (status, body) = clerk.post("/api/v1/locations", &json!({"parent_id": parent, "name": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn card_at(clerk: &Session, code: &str, location: &str) -> String {
    let mut body = card_body(code, "台式计算机", "A02010105", 1, 568_000, 120_000, "in_use");
    body["location_id"] = json!(location);
    let (status, card) = clerk.post("/api/v1/cards", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    card["id"].as_str().unwrap().to_owned()
}

fn line<'a>(task: &'a Value, card: &str) -> &'a Value {
    task["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["card_id"] == card)
        .unwrap_or_else(|| panic!("{card} in {task}"))
}

/// A unit with 机关院 › 综合楼 › 3层 › 301 / 302 and 机关院 › 车库, a computer in each room and
/// one in the garage; returns (unit, second clerk, building id, [card in 301, card in 302, garage card], room ids).
struct Building {
    u: crate::listings::Unit,
    second: Session,
    building: String,
    cards: Vec<String>,
    rooms: Vec<String>,
}

async fn building(app: &TestApp) -> Building {
    let admin = app.admin().await;
    let u = unit(app, &admin, "210102", "001001").await;
    let compound = place(&u.clerk, None, "机关院").await;
    let building = place(&u.clerk, Some(&compound), "综合楼").await;
    let floor = place(&u.clerk, Some(&building), "3层").await;
    let rooms = vec![place(&u.clerk, Some(&floor), "301").await, place(&u.clerk, Some(&floor), "302").await];
    let garage = place(&u.clerk, Some(&compound), "车库").await;
    let cards = vec![
        card_at(&u.clerk, "ZC1", &rooms[0]).await,
        card_at(&u.clerk, "ZC2", &rooms[1]).await,
        card_at(&u.clerk, "ZC3", &garage).await,
    ];
    let unit_id = u.clerk.me().await.1["user"]["unit_id"].as_str().unwrap().to_owned();
    let (status, body) = admin
        .create_user(
            &json!({"username": "jb2", "name": "李明", "role": "clerk", "unit_id": unit_id, "password": "Start2025x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = app.login("jb2", "Start2025x").await;
    second.change_password("Start2025x", CHANGED).await;
    Building { u, second, building, cards, rooms }
}

fn found(status: &str, location: Option<&str>) -> Value {
    json!({"found": true, "status": status, "location_id": location, "note": ""})
}

#[tokio::test]
async fn a_building_is_checked_by_two_clerks_at_once_and_submitted_when_complete() {
    let app = spawn_app().await;
    let Building { u, second, building, cards, rooms } = building(&app).await;
    let (status, task) = u
        .clerk
        .post(
            "/api/v1/stocktakes",
            &json!({"scope": {"kind": "location", "location_id": building}, "due_on": "2099-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let id = task["id"].as_str().unwrap().to_owned();
    let listed: Vec<&str> = task["lines"].as_array().unwrap().iter().map(|l| l["card_id"].as_str().unwrap()).collect();
    assert_eq!(listed, [cards[0].as_str(), cards[1].as_str()], "the building's cards, 301 first; not the garage");
    assert_eq!(task["scope_label"], "存放地点：机关院 › 综合楼");
    assert!(task["title"].as_str().unwrap().starts_with("机关院 › 综合楼低效闲置资产盘点"), "{task}");
    assert_eq!(line(&task, &cards[0])["place"]["path"], "机关院 › 综合楼 › 3层 › 301");
    assert_eq!((task["progress"]["total"].as_u64(), task["progress"]["checked"].as_u64()), (Some(2), Some(0)));
    assert_eq!(task["actions"], json!(["check", "cancel"]));

    // A card created afterwards in the building is not on the frozen list.
    let late = card_at(&u.clerk, "ZC4", &rooms[0]).await;
    let path = format!("/api/v1/stocktakes/{id}");
    let (status, body) = u.clerk.put(&format!("{path}/lines/{late}"), &found("in_use", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("盘盈"), "{body}");

    // Two clerks at once, each a different card: both checks are kept.
    let one = format!("{path}/lines/{}", cards[0]);
    let two = format!("{path}/lines/{}", cards[1]);
    let idle_moved = found("idle", Some(&rooms[1]));
    let not_found = json!({"found": false, "note": "三层各房间均未找到，询问了办公室王丽"});
    let (a, b) = tokio::join!(u.clerk.put(&one, &idle_moved), second.put(&two, &not_found));
    assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{} {}", a.1, b.1);
    let (_, task) = u.clerk.get(&path).await;
    assert_eq!(line(&task, &cards[0])["checked"]["status"], "idle");
    assert_eq!(line(&task, &cards[0])["checked"]["moved_to"]["path"], "机关院 › 综合楼 › 3层 › 302");
    assert_eq!(line(&task, &cards[1])["checked"]["found"], false);
    assert_eq!(line(&task, &cards[1])["checked"]["checked_by"], "jb2");
    let p = &task["progress"];
    assert_eq!(
        (p["checked"].as_u64(), p["missing"].as_u64(), p["found_spare"].as_u64(), p["moved"].as_u64()),
        (Some(2), Some(1), Some(1), Some(1))
    );

    // Missing without a note, an unknown room, a bad photo: refused, nothing changes.
    for bad in [json!({"found": false, "note": " "}), found("idle", Some("L999")), json!({"found": true})] {
        let (status, body) = u.clerk.put(&one, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    assert_eq!(u.clerk.get(&path).await.1["lines"], task["lines"], "nothing changed");

    // 盘盈, entered and one removed.
    let surplus = json!({"name": "投影仪", "category": "A02021100", "quantity": 1, "location_id": rooms[0], "status": "idle", "note": "会议柜中，无标签"});
    let (status, with) = u.clerk.post(&format!("{path}/surplus"), &surplus).await;
    assert_eq!(status, StatusCode::OK, "{with}");
    assert_eq!(with["surplus"][0]["place"]["path"], "机关院 › 综合楼 › 3层 › 301");
    u.clerk.post(&format!("{path}/surplus"), &surplus).await;
    let (status, with_photo) = u
        .clerk
        .upload(&format!("{path}/surplus/P2/photos"), "p2.png", crate::photos::png(1200, 900, crate::photos::sharp))
        .await;
    assert_eq!(status, StatusCode::OK, "{with_photo}");
    let hash = with_photo["surplus"][1]["photos"][0]["hash"].as_str().unwrap().to_owned();
    let (status, without) = u.clerk.delete(&format!("{path}/surplus/P2/photos/{hash}")).await;
    assert_eq!((status, without["surplus"][1]["photos"].clone()), (StatusCode::OK, json!([])), "{without}");
    let (status, after) = u.clerk.delete(&format!("{path}/surplus/P1")).await;
    assert_eq!((status, after["progress"]["surplus"].as_u64()), (StatusCode::OK, Some(1)), "{after}");

    // Submitted once complete; then closed to checks. The reviewer reads it; other units do not.
    let (status, submitted) = u.clerk.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!((status, submitted["state"].as_str()), (StatusCode::OK, Some("submitted")), "{submitted}");
    let (status, body) = u.clerk.put(&one, &found("in_use", None)).await;
    assert_eq!((status, body["error"]["state"].as_str()), (StatusCode::CONFLICT, Some("submitted")), "{body}");
    assert_eq!(u.reviewer.get(&path).await.0, StatusCode::OK);
    assert_eq!(u.reviewer.get("/api/v1/stocktakes").await.1["items"][0]["state_label"], "待审核");
    let admin = app.admin().await;
    let other = unit(&app, &admin, "210103", "002001").await;
    assert_eq!(other.clerk.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.clerk.get("/api/v1/stocktakes").await.1["items"], json!([]));

    // Every change is audited.
    let (_, audit) = admin.audit("?page_size=200").await;
    let kinds: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for kind in [
        "stocktake_opened",
        "stocktake_checked",
        "stocktake_surplus",
        "stocktake_surplus_removed",
        "stocktake_submitted",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn a_stocktake_needs_cards_in_its_scope_and_a_due_date_ahead_and_can_be_cancelled() {
    let app = spawn_app().await;
    let Building { u, .. } = building(&app).await;
    for (body, word) in [
        (json!({"scope": {"kind": "department", "name": "后勤科"}, "due_on": "2099-12-31"}), "没有在账"),
        (json!({"scope": {"kind": "unit"}, "due_on": "2020-01-01"}), "早于"),
        (json!({"scope": {"kind": "location", "location_id": "L999"}, "due_on": "2099-12-31"}), "不存在"),
    ] {
        let (status, refused) = u.clerk.post("/api/v1/stocktakes", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains(word), "{refused}");
    }
    assert_eq!(
        u.reviewer.post("/api/v1/stocktakes", &json!({"scope": {"kind": "unit"}, "due_on": "2099-12-31"})).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, task) = u
        .clerk
        .post("/api/v1/stocktakes", &json!({"scope": {"kind": "department", "name": "办公室"}, "due_on": "2099-12-31"}))
        .await;
    assert_eq!(task["lines"].as_array().unwrap().len(), 3, "the whole 办公室: {task}");
    let path = format!("/api/v1/stocktakes/{}", task["id"].as_str().unwrap());
    let (status, body) = u.clerk.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("还有 3 项"), "{body}");
    let (status, cancelled) = u.clerk.post(&format!("{path}/cancel"), &json!({})).await;
    assert_eq!((status, cancelled["state"].as_str()), (StatusCode::OK, Some("cancelled")));
    assert_eq!(cancelled["actions"], json!([]));
}

/// Review: a return with its reason sends the task back to the clerks; the approval applies every
/// difference to the cards in one transaction with their history (source 盘点), except where the
/// card changed meanwhile (shown as a conflict, not overwritten); the missing card stays in the
/// ledger; then the idle card becomes a draft entry request with the photo taken on the spot.
#[tokio::test]
async fn the_reviewer_returns_or_approves_and_the_idle_cards_become_draft_entry_requests() {
    let app = spawn_app().await;
    let Building { u, building, cards, rooms, .. } = building(&app).await;
    let zc5_card = card_at(&u.clerk, "ZC5", &rooms[0]).await;
    let (_, task) = u
        .clerk
        .post(
            "/api/v1/stocktakes",
            &json!({"scope": {"kind": "location", "location_id": building}, "due_on": "2099-12-31"}),
        )
        .await;
    let id = task["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/stocktakes/{id}");
    // ZC1 idle and moved to 302 (with a photo), ZC2 missing, ZC5 (in 301) found 待处置 — but its
    // card is changed meanwhile to 低效运转 through the card page.
    u.clerk.put(&format!("{path}/lines/{}", cards[0]), &found("idle", Some(&rooms[1]))).await;
    let (status, with_photo) = u
        .clerk
        .upload(
            &format!("{path}/lines/{}/photos", cards[0]),
            "zc1.png",
            crate::photos::png(1200, 900, crate::photos::sharp),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{with_photo}");
    assert_eq!(line(&with_photo, &cards[0])["photos"].as_array().unwrap().len(), 1);
    u.clerk.put(&format!("{path}/lines/{}", cards[1]), &json!({"found": false, "note": "未找到"})).await;
    u.clerk.put(&format!("{path}/lines/{zc5_card}"), &found("pending_disposal", None)).await;
    let (status, body) = u
        .clerk
        .post(&format!("/api/v1/cards/{zc5_card}/changes"), &json!({"status": "low_efficiency", "note": "核对"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, submitted) = u.clerk.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    let kinds: Vec<(&str, &str, bool)> = submitted["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["asset_code"].as_str().unwrap(), d["kind"].as_str().unwrap(), d["conflict"].is_string()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("ZC1", "status", false),
            ("ZC1", "moved", false),
            ("ZC1", "photos", false),
            ("ZC5", "status", true),
            ("ZC2", "missing", false)
        ],
        "{submitted}"
    );

    let count = |todo: &Value, kind: &str| {
        todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).map_or(0, |i| i["count"].as_u64().unwrap())
    };
    assert_eq!(count(&u.reviewer.todo().await.1, "stocktake_reviews"), 1, "on the reviewer's to-do");
    assert_eq!(count(&u.clerk.todo().await.1, "stocktakes_checking"), 0);

    // Returned with a reason: checking again; the clerk may correct and submit again.
    assert_eq!(u.clerk.post(&format!("{path}/review"), &json!({"decision": "approve"})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = u.reviewer.post(&format!("{path}/review"), &json!({"decision": "reject"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a return needs its reason: {body}");
    let (status, returned) = u
        .reviewer
        .post(&format!("{path}/review"), &json!({"decision": "reject", "reason": "ZC2 请再到车库查找"}))
        .await;
    assert_eq!(
        (status, returned["state"].as_str(), returned["reason"].as_str()),
        (StatusCode::OK, Some("checking"), Some("ZC2 请再到车库查找"))
    );
    let todo = u.clerk.todo().await.1;
    assert_eq!(count(&todo, "stocktakes_checking"), 1, "back on the clerk's to-do: {todo}");
    assert!(todo.to_string().contains("被退回"), "{todo}");
    let (_, resubmitted) = u.clerk.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(
        (resubmitted["state"].as_str(), &resubmitted["reason"]),
        (Some("submitted"), &Value::Null),
        "{resubmitted}"
    );

    // Approved: the ledger changes, each with its history; the conflict and the missing card are
    // left as they are.
    let (status, applied) = u.reviewer.post(&format!("{path}/review"), &json!({"decision": "approve"})).await;
    assert_eq!((status, applied["state"].as_str()), (StatusCode::OK, Some("applied")), "{applied}");
    assert_eq!(applied["differences"].as_array().unwrap().len(), 5, "the differences as applied are kept");
    let zc1 = u.clerk.get(&format!("/api/v1/cards/{}", cards[0])).await.1;
    assert_eq!((zc1["status"].as_str(), zc1["location_id"].as_str()), (Some("idle"), Some(rooms[1].as_str())));
    assert_eq!(zc1["photos"].as_array().unwrap().len(), 1, "the photo taken on the spot");
    let sources: Vec<&str> = zc1["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["source"] == "stocktake")
        .filter_map(|h| h["field"].as_str())
        .collect();
    assert!(sources.contains(&"使用状态") && sources.contains(&"存放地点") && sources.contains(&"照片"), "{zc1}");
    let zc2 = u.clerk.get(&format!("/api/v1/cards/{}", cards[1])).await.1;
    assert!(zc2["transferred_to"].is_null(), "a missing card is not deleted");
    assert!(
        zc2["history"].as_array().unwrap().iter().any(|h| h["after"].as_str().is_some_and(|a| a.contains("盘亏"))),
        "{zc2}"
    );
    let zc5 = u.clerk.get(&format!("/api/v1/cards/{zc5_card}")).await.1;
    assert_eq!(zc5["status"], "low_efficiency", "the change made meanwhile is not overwritten");

    assert_eq!(count(&u.reviewer.todo().await.1, "stocktake_reviews"), 0);
    assert_eq!(count(&u.clerk.todo().await.1, "stocktakes_to_list"), 1);
    // 生成入仓申请: ZC1 (found idle) becomes a draft with its photo; run again, nothing new.
    assert_eq!(applied["found_spare"], 2);
    let (status, made) = u.clerk.post(&format!("{path}/entry-requests"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(made["created"].as_array().unwrap().len(), 2, "ZC1 idle and ZC5 (low-efficiency now): {made}");
    let draft_id = made["created"][0].as_str().unwrap();
    let draft = u.clerk.get(&format!("/api/v1/listings/{draft_id}")).await.1;
    assert_eq!(draft["state"], "draft", "{draft}");
    assert_eq!(draft["card"]["photos"].as_array().unwrap().len(), 1, "pre-filled with the stocktake photo");
    assert!(draft["description"].as_str().unwrap().contains(&id), "{draft}");
    assert_eq!(count(&u.clerk.todo().await.1, "stocktakes_to_list"), 0);
    let actions = u.clerk.get(&path).await.1["actions"].clone();
    assert_eq!(actions, json!([]), "nothing left to list: 生成入仓申请 is no longer offered");
    let (_, again) = u.clerk.post(&format!("{path}/entry-requests"), &json!({})).await;
    assert_eq!(again["created"], json!([]));
    assert!(again["skipped"][0]["reason"].as_str().unwrap().contains("已在入仓申请"), "{again}");

    // The clerk submits the drafts in bulk (all or nothing: again, none is a draft any more, so
    // nothing changes and each asset is named), and the reviewer approves one: it reached the warehouse.
    let bulk = json!({"ids": made["created"], "action": "submit"});
    let (status, body) = u.clerk.post("/api/v1/listings/bulk", &bulk).await;
    assert_eq!((status, body["done"].as_u64()), (StatusCode::OK, Some(2)), "{body}");
    assert!(body["items"].as_array().unwrap().iter().all(|l| l["state"] == "pending_entry"), "{body}");
    let (status, body) = u.clerk.post("/api/v1/listings/bulk", &bulk).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("ZC1") && message.contains("ZC5"), "{body}");
    let (status, body) =
        u.reviewer.post(&format!("/api/v1/listings/{draft_id}/review"), &json!({"decision": "approve"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // 盘点情况: the unit's own row, and the authority's view of its region, those without one first.
    let (status, own) = u.clerk.get("/api/v1/stocktakes/overview").await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let row = &own["items"][0];
    let figures: Vec<u64> =
        ["tasks", "applied", "cards_checked", "found_spare", "spare_in_warehouse", "moved", "missing", "surplus"]
            .iter()
            .map(|k| row[*k].as_u64().unwrap())
            .collect();
    assert_eq!(figures, [1, 1, 3, 2, 1, 1, 1, 0], "{row}");
    assert_eq!(row["found_spare_value_fen"], 2 * 568_000);
    assert_eq!((own["items"].as_array().unwrap().len(), own["not_done"].as_u64()), (1, Some(0)));
    // The task's own page says the same, with its 用时 (opening to taking effect: this test's minutes).
    let (_, task) = u.clerk.get(&path).await;
    let f = &task["figures"];
    assert_eq!(
        (f["cards_checked"].as_u64(), f["found_spare"].as_u64(), f["spare_in_warehouse"].as_u64()),
        (Some(3), Some(2), Some(1)),
        "{f}"
    );
    assert_eq!((f["found_spare_value_fen"].as_i64(), f["minutes_taken"].as_u64()), (Some(2 * 568_000), Some(0)));
    assert_eq!(own["total"]["found_spare_value_fen"], row["found_spare_value_fen"], "{own}");
    let admin = app.admin().await;
    app.create_unit(&admin, "210103", "002001", "沈河区教育局").await;
    let (status, body) = admin
        .create_user(&json!({"username": "czj", "name": "资产科", "role": "authority", "region": "210100", "password": "Start2025x"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let authority = app.login("czj", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    let (_, region) = authority.get("/api/v1/stocktakes/overview").await;
    let names: Vec<&str> =
        region["items"].as_array().unwrap().iter().map(|r| r["unit_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["沈河区教育局", "单位001001"], "not done first: {region}");
    assert_eq!(region["not_done"], 1);
    // Per region (和平区, 沈河区) and 合计: the rows add up to the server's total, figure by figure.
    let regions = region["regions"].as_array().unwrap();
    let names: Vec<&str> = regions.iter().map(|r| r["region_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["和平区", "沈河区"], "{region}");
    let total = &region["total"];
    assert_eq!((total["units"].as_u64(), total["not_done"].as_u64()), (Some(2), Some(1)));
    for key in [
        "tasks",
        "applied",
        "cards_checked",
        "found_spare",
        "found_spare_value_fen",
        "spare_in_warehouse",
        "moved",
        "missing",
        "surplus",
        "minutes_taken",
    ] {
        let of = |rows: &[Value]| rows.iter().map(|r| r[key].as_i64().unwrap()).sum::<i64>();
        assert_eq!(of(regions), total[key].as_i64().unwrap(), "{key}");
        assert_eq!(of(region["items"].as_array().unwrap()), total[key].as_i64().unwrap(), "{key}");
    }
    // The .xlsx: one row per unit then 合计, the same numbers.
    let (status, disposition, bytes) = authority.get_file("/api/v1/stocktakes/overview.xlsx").await;
    assert_eq!((status, disposition.contains(".xlsx")), (StatusCode::OK, true), "{disposition}");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("按单位").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("单位名称".into()))).unwrap();
    assert_eq!(rows[header + 1][0], Data::String("沈河区教育局".into()));
    assert_eq!(rows[header + 1][3], Data::String("未盘点".into()));
    let last = rows.last().unwrap();
    assert_eq!((last[0].clone(), rows.len() - header - 1), (Data::String("合计".into()), 3));
    let column = |title: &str| rows[header].iter().position(|c| *c == Data::String(title.into())).unwrap();
    assert_eq!(last[column("发现闲置（件）")], Data::Float(2.0));
    assert_eq!(last[column("闲置原值（元）")], Data::Float(11_360.0));
    assert_eq!(last[column("已入仓（件）")], Data::Float(1.0));
    assert_eq!(book.worksheet_range("按地区").unwrap().rows().count(), header + 1 + 3);
    let (status, _) = authority.get("/api/v1/stocktakes/overview?year=26").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(authority.get("/api/v1/stocktakes/overview?year=2020").await.1["not_done"], 2);
}
