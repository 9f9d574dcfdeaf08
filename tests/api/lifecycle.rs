//! The listing lifecycle through the API (SPEC §5, notice 二(六) 长期未调剂共享的资产应及时予以清理):
//! listings past their due day on the clerk's to-do, 延期 / 扩大范围 / 退仓 one by one or in bulk
//! (all or nothing), widening through the unit's reviewer and on to the platform; and the
//! 资产调剂交接单 of a completed transfer.

use gongwucang::domain::audit::{Actor as AuditActor, AuditEntry};
use gongwucang::domain::clock;
use gongwucang::store::{self, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::{decide, entry, idle_card, listed, unit};

fn count(todo: &Value, kind: &str) -> u64 {
    todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).map_or(0, |i| i["count"].as_u64().unwrap())
}

fn in_days(days: u32) -> String {
    clock::add_days(&clock::today(), days).unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

/// Moves the listings' publication `days` into the past, as if they had waited that long.
fn backdate(dir: &std::path::Path, ids: &[String], days: i64) {
    let store = Store::open(dir).unwrap();
    let published = clock::format_rfc3339(time::OffsetDateTime::now_utc() - time::Duration::days(days));
    store
        .write(&AuditActor::system(), |tx| {
            for id in ids {
                let mut listing = store::listings::get(tx, id)?.unwrap();
                listing.published_at = Some(published.clone());
                store::listings::put(tx, &listing)?;
            }
            Ok(((), AuditEntry::new("test_backdated", "listing:*".to_owned(), "测试：回拨入仓日期".to_owned(), None)))
        })
        .unwrap();
}

#[tokio::test]
async fn stale_listings_are_extended_widened_or_withdrawn_all_or_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let mut mine = Vec::new();
    for n in 1..=4 {
        let card = idle_card(&heping.clerk, &format!("ZC{n}")).await;
        let id = listed(&heping.clerk, entry(&card, false, "department", true)).await;
        decide(&heping.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
        mine.push(id);
    }
    let card = idle_card(&shenhe.clerk, "SH1").await;
    let theirs = listed(&shenhe.clerk, entry(&card, false, "city", true)).await;
    decide(&shenhe.reviewer, &format!("/api/v1/listings/{theirs}/review"), "approve").await;
    assert_eq!(count(&heping.clerk.todo().await.1, "stale_listings"), 0, "fresh listings are not stale");

    // 200 days later.
    let dir = app.stop().await;
    let mut all = mine.clone();
    all.push(theirs.clone());
    backdate(dir.path(), &all, 200);
    let app = start(dir).await;
    let clerk = app.login("210102001001jb", CHANGED).await;
    let reviewer = app.login("210102001001", CHANGED).await;
    let other = app.login("210103002001jb", CHANGED).await;
    let todo = clerk.todo().await.1;
    assert_eq!(count(&todo, "stale_listings"), 4, "{todo}");
    let item = todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == "stale_listings").unwrap().clone();
    assert_eq!(item["link"], "/warehouse/stale");
    assert!(item["title"].as_str().unwrap().contains("延期、扩大范围或退仓"), "{item}");
    let stale = clerk.get("/api/v1/listings?stale=true").await.1;
    assert_eq!(ids(&stale), mine, "only the unit's own");
    let due = clock::add_days(&stale["items"][0]["published_at"].as_str().unwrap()[..10], 180).unwrap();
    assert_eq!(stale["items"][0]["due_on"], due.as_str());
    assert_eq!(stale["items"][0]["stale"], true);
    let actions = stale["items"][0]["actions"].as_array().unwrap().clone();
    for action in ["extend", "widen", "exit"] {
        assert!(actions.contains(&json!(action)), "{action} in {actions:?}");
    }

    // Bad input or a listing that cannot take the action: nothing changes.
    let bulk = |body: Value| {
        let clerk = &clerk;
        async move { clerk.post("/api/v1/listings/bulk", &body).await }
    };
    let (status, body) = bulk(json!({"ids": [mine[0]], "action": "extend", "until": "2020-01-01"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = bulk(json!({"ids": [mine[0]], "action": "extend"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = bulk(json!({"ids": [], "action": "exit", "reason": "自用"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) =
        bulk(json!({"ids": [mine[0], mine[1], theirs], "action": "extend", "until": in_days(30)})).await;
    assert_eq!(status, StatusCode::CONFLICT, "another unit's listing among them: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("本次未作任何改动"), "{body}");
    assert_eq!(ids(&clerk.get("/api/v1/listings?stale=true").await.1), mine, "all or nothing");
    let (status, body) =
        other.post("/api/v1/listings/bulk", &json!({"ids": mine, "action": "exit", "reason": "清理"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "four refusals, one answer: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("有 4 项无法办理"), "{body}");

    // 延期: at once, no review.
    let (status, done) = bulk(json!({"ids": [mine[0]], "action": "extend", "until": in_days(30)})).await;
    assert_eq!((status, done["done"].as_u64()), (StatusCode::OK, Some(1)), "{done}");
    assert_eq!(done["items"][0]["open_until"], in_days(30).as_str());
    assert_eq!(done["items"][0]["due_on"], in_days(31).as_str());
    assert_eq!(done["items"][0]["stale"], false);

    // 扩大范围: through the reviewer.
    let (status, body) = bulk(json!({"ids": [mine[1]], "action": "widen", "scope": "county"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "本部门 reaches further than 本区县: {body}");
    let (status, done) = bulk(json!({"ids": [mine[1], mine[2]], "action": "widen", "scope": "city"})).await;
    assert_eq!((status, done["done"].as_u64()), (StatusCode::OK, Some(2)), "{done}");
    assert_eq!(done["items"][0]["scope"], "department", "unchanged until approved");
    assert_eq!(done["items"][0]["scope_change"]["scope"], "city");
    assert_eq!(count(&clerk.todo().await.1, "stale_listings"), 1);
    let todo = reviewer.todo().await.1;
    assert_eq!(count(&todo, "widen_reviews"), 2, "{todo}");
    let pending = reviewer.get("/api/v1/listings?scope_change=true").await.1;
    assert_eq!(ids(&pending), vec![mine[1].clone(), mine[2].clone()]);
    assert!(pending["items"][0]["actions"].as_array().unwrap().contains(&json!("review")));
    let (status, again) = clerk.post(&format!("/api/v1/listings/{}/widen", mine[1]), &json!({"scope": "city"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (status, approved) = decide(&reviewer, &format!("/api/v1/listings/{}/review", mine[1]), "approve").await;
    assert_eq!((status, approved["scope"].as_str()), (StatusCode::OK, Some("city")), "{approved}");
    assert_eq!(approved["scope_change"], Value::Null);
    assert_eq!(approved["due_on"], in_days(180).as_str(), "a new offer period");
    let (status, declined) = decide(&reviewer, &format!("/api/v1/listings/{}/review", mine[2]), "reject").await;
    assert_eq!((status, declined["scope"].as_str()), (StatusCode::OK, Some("department")), "{declined}");
    assert_eq!(declined["reason"], "信息不全");
    assert_eq!(declined["stale"], true, "declined: back on the clerk's to-do");
    let card_history = clerk.get(&format!("/api/v1/cards/{}", approved["card_id"].as_str().unwrap())).await.1;
    assert!(card_history.to_string().contains("本部门 → 本地市"), "the card's history shows the new scope");

    // Not wider: refused. To the platform: the authority reviews next.
    let (status, body) =
        clerk.post(&format!("/api/v1/listings/{}/widen", mine[2]), &json!({"scope": "department"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) =
        clerk.post(&format!("/api/v1/listings/{}/widen", mine[2]), &json!({"scope": "province"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, platform) = decide(&reviewer, &format!("/api/v1/listings/{}/review", mine[2]), "approve").await;
    assert_eq!(
        (platform["national"].as_bool(), platform["national_state"].as_str()),
        (Some(true), Some("pending_authority"))
    );
    let authority = authority(&app).await;
    assert_eq!(count(&authority.todo().await.1, "authority_reviews"), 1, "the platform's normal review follows");

    // 退仓: needs a reason, then the reviewer.
    let (status, body) = bulk(json!({"ids": [mine[3]], "action": "exit"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, done) = bulk(json!({"ids": [mine[3]], "action": "exit", "reason": "单位自用"})).await;
    assert_eq!((status, done["items"][0]["state"].as_str()), (StatusCode::OK, Some("pending_exit")), "{done}");
    assert_eq!(count(&reviewer.todo().await.1, "exit_reviews"), 1);
    assert_eq!(count(&clerk.todo().await.1, "stale_listings"), 0, "every stale listing has its decision");

    // One audit event per listing of a bulk action.
    let audit = app.admin().await.get("/api/v1/audit?page_size=200").await.1;
    let widened =
        audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "listing_widen_requested").count();
    assert_eq!(widened, 3, "{audit}");
}

/// The authority of 沈阳市.
async fn authority(app: &TestApp) -> Session {
    let admin = app.admin().await;
    admin.create_user(&json!({"username": "czj", "name": "沈阳市财政局", "role": "authority", "region": "210100", "password": "Start2025x"})).await;
    let authority = app.login("czj", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    authority
}

#[tokio::test]
async fn the_handover_shows_both_units_the_asset_and_the_value_handed_over() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let school = unit(&app, &admin, "210102", "002003").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let (status, card) =
        heping.clerk.post("/api/v1/cards", &card_body("ZC9", "办公椅", "A05010201", 3, 100_000, 50_000, "idle")).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    let id = listed(&heping.clerk, entry(card["id"].as_str().unwrap(), false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&heping.reviewer, &format!("{path}/review"), "approve").await;
    let (status, early) = heping.clerk.get(&format!("{path}/handover")).await;
    assert_eq!(status, StatusCode::CONFLICT, "no result yet: {early}");

    let interest =
        json!({"quantity": 1, "purpose": "教研室办公", "contact_name": "李明", "contact_phone": "024-22860001"});
    let (_, registered) = school.clerk.post(&format!("{path}/interests"), &interest).await;
    let interest_id = registered["id"].as_str().unwrap();
    heping.clerk.post(&format!("/api/v1/interests/{interest_id}/accept"), &json!({})).await;
    let held = heping.clerk.get(&path).await.1;
    let result = json!({"method": "shared_use", "receiver_unit_id": held["hold"]["unit_id"], "receiver_name": "",
        "date": clock::today(), "quantity": 1, "note": "已办理调拨手续"});
    let (status, done) = heping.clerk.post(&format!("{path}/result"), &result).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done["actions"].as_array().unwrap().contains(&json!("handover")));

    let (status, doc) = heping.clerk.get(&format!("{path}/handover")).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["document_no"], format!("JJ-{}-{id}", clock::today().replace('-', "")).as_str());
    assert_eq!(doc["node_name"], "测试节点");
    assert_eq!(doc["method_label"], "共享使用");
    assert_eq!(doc["supplier"]["name"], "单位001001");
    assert_eq!(doc["supplier"]["region_name"], "和平区");
    assert_eq!(doc["supplier"]["contact_name"], "王丽");
    assert_eq!(doc["receiver"]["name"], "单位002003");
    assert_eq!(doc["receiver"]["budget_code"], "002003");
    assert_eq!((doc["receiver"]["contact_name"].as_str(), doc["purpose"].as_str()), (Some("李明"), Some("教研室办公")));
    assert_eq!((doc["asset"]["asset_code"].as_str(), doc["asset"]["card_quantity"].as_u64()), (Some("ZC9"), Some(3)));
    assert_eq!(doc["quantity"], 1);
    assert_eq!((doc["original_value_fen"].as_i64(), doc["net_value_fen"].as_i64()), (Some(33_333), Some(16_666)));
    assert_eq!(doc["note"], "已办理调拨手续");

    assert_eq!(school.clerk.get(&format!("{path}/handover")).await.0, StatusCode::OK, "the receiver prints it too");
    assert_eq!(heping.reviewer.get(&format!("{path}/handover")).await.0, StatusCode::OK);
    assert_eq!(
        authority(&app).await.get(&format!("{path}/handover")).await.0,
        StatusCode::OK,
        "the region's authority"
    );
    let (status, refused) = shenhe.clerk.get(&format!("{path}/handover")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("交接单"), "{refused}");
    assert_eq!(app.anonymous().get(&format!("{path}/handover")).await.0, StatusCode::UNAUTHORIZED);
}
