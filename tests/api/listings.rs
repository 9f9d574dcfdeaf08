use gongwucang::domain::node::NodeKind;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

pub fn entry(card_id: &str, national: bool, scope: &str, submit: bool) -> Value {
    json!({
        "card_id": card_id, "mode": "transfer", "national": national, "scope": scope, "description": "九成新，可正常使用",
        "condition": "良好", "source": "routine", "contact_name": "王丽", "contact_phone": "024-22861234", "submit": submit
    })
}

pub struct Unit {
    pub clerk: Session,
    pub reviewer: Session,
}

pub async fn unit(app: &TestApp, admin: &Session, region: &str, code: &str) -> Unit {
    app.create_unit(admin, region, code, &format!("单位{code}")).await;
    let login = format!("{region}{code}");
    Unit { clerk: app.login_first_time(&format!("{login}jb")).await, reviewer: app.login_first_time(&login).await }
}

pub async fn idle_card(clerk: &Session, code: &str) -> String {
    let (status, card) =
        clerk.post("/api/v1/cards", &card_body(code, "台式计算机", "A02010105", 1, 568_000, 120_000, "idle")).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    card["id"].as_str().unwrap().to_owned()
}

pub async fn listed(clerk: &Session, body: Value) -> String {
    let (status, listing) = clerk.post("/api/v1/listings", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{listing}");
    listing["id"].as_str().unwrap().to_owned()
}

pub async fn decide(session: &Session, path: &str, decision: &str) -> (StatusCode, Value) {
    session
        .post(
            path,
            &json!({"decision": decision, "reason": if decision == "reject" { Some("信息不全") } else { None }}),
        )
        .await
}

#[tokio::test]
async fn an_idle_card_enters_the_warehouse_plaza_and_leaves_it_again() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let card = idle_card(&heping.clerk, "ZC1").await;

    let id = listed(&heping.clerk, entry(&card, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    assert_eq!(heping.clerk.get(&format!("/api/v1/cards/{card}")).await.1["publishable"], false);
    let (status, body) = heping.clerk.post("/api/v1/listings", &entry(&card, false, "city", true)).await;
    assert_eq!(
        (status, body["error"]["state"].as_str()),
        (StatusCode::CONFLICT, Some("not_publishable")),
        "one card, one active listing"
    );
    assert_eq!(heping.reviewer.todo().await.1["items"][0]["kind"], "entry_reviews");

    let (status, published) = decide(&heping.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!((status, published["state"].as_str()), (StatusCode::OK, Some("published")), "{published}");
    assert_eq!(published["actions"], json!([]), "the reviewer has nothing more to do");
    let plaza = shenhe.clerk.get("/api/v1/plaza/warehouse").await.1;
    assert_eq!(plaza["total"], 1, "city scope: 沈河区 sees 和平区's listing");
    assert_eq!(plaza["items"][0]["card"]["name"], "台式计算机");
    let today = &published["published_at"].as_str().unwrap()[..10];
    for (query, total) in [
        ("status=idle".to_owned(), 1),
        ("status=pending_disposal".to_owned(), 0),
        (format!("published_from={today}&published_to={today}"), 1),
        ("published_to=2000-01-01".to_owned(), 0),
    ] {
        let answer = shenhe.clerk.get(&format!("/api/v1/plaza/warehouse?{query}")).await.1;
        assert_eq!(answer["total"], total, "{query}: {answer}");
    }
    let (status, refused) = shenhe.clerk.get("/api/v1/plaza/warehouse?published_from=2026-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(shenhe.clerk.get(&path).await.0, StatusCode::OK, "a plaza viewer opens the detail page");
    assert_eq!(heping.clerk.get(&path).await.1["actions"], json!(["exit", "result", "extend", "widen"]));

    let (status, _) = heping.clerk.post(&format!("{path}/exit"), &json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an exit needs its reason");
    let (status, pending) = heping.clerk.post(&format!("{path}/exit"), &json!({"reason": "已盘活自用"})).await;
    assert_eq!((status, pending["state"].as_str()), (StatusCode::OK, Some("pending_exit")));
    let (_, withdrawn) = decide(&heping.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(shenhe.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 0);
    assert_eq!(
        heping.clerk.get(&format!("/api/v1/cards/{card}")).await.1["publishable"],
        true,
        "a local listing frees its card at exit"
    );
    listed(&heping.clerk, entry(&card, false, "county", false)).await;
}

#[tokio::test]
async fn a_rejected_request_comes_back_with_its_reason_and_is_resubmitted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let id = listed(&u.clerk, entry(&idle_card(&u.clerk, "ZC1").await, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    let (status, _) = u.reviewer.post(&format!("{path}/review"), &json!({"decision": "reject"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "不同意 needs a reason");
    let (_, returned) = decide(&u.reviewer, &format!("{path}/review"), "reject").await;
    assert_eq!((returned["state"].as_str(), returned["reason"].as_str()), (Some("returned"), Some("信息不全")));
    assert_eq!(
        u.clerk.todo().await.1["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "returned").count(),
        1
    );
    let mut fix = entry("", false, "county", false);
    fix["description"] = json!("补充了配置说明：i5/8G/256G");
    let (status, edited) = u.clerk.patch(&path, &fix).await;
    assert_eq!((status, edited["scope"].as_str()), (StatusCode::OK, Some("county")), "{edited}");
    let (_, again) = u.clerk.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!((again["state"].as_str(), again["reason"].as_str()), (Some("pending_entry"), None));
    let (status, _) = u.clerk.patch(&path, &fix).await;
    assert_eq!(status, StatusCode::CONFLICT, "a submitted request is not edited");
    let (status, refused) = u.clerk.delete(&path).await;
    assert_eq!(
        (status, refused["error"]["state"].as_str()),
        (StatusCode::CONFLICT, Some("pending_entry")),
        "{refused}"
    );
}

#[tokio::test]
async fn a_returned_request_the_clerk_gives_up_is_deleted_and_frees_its_card() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let other = unit(&app, &admin, "210103", "002001").await;
    let card = idle_card(&u.clerk, "ZC1").await;
    let id = listed(&u.clerk, entry(&card, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&u.reviewer, &format!("{path}/review"), "reject").await;
    assert!(u.clerk.get(&path).await.1["actions"].as_array().unwrap().iter().any(|a| a == "discard"));
    let (status, _) = other.clerk.delete(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another unit's clerk");
    let (status, _) = u.reviewer.delete(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the reviewer");
    let (status, body) = u.clerk.delete(&path).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(u.clerk.get(&path).await.0, StatusCode::NOT_FOUND);
    let card_now = u.clerk.get(&format!("/api/v1/cards/{card}")).await.1;
    assert_eq!(card_now["publishable"], true, "the card is free again: {card_now}");
    assert_eq!(admin.audit("?action=listing_discarded").await.1["total"], 1);
    // It can be offered again at once.
    listed(&u.clerk, entry(&card, false, "city", true)).await;
}

#[tokio::test]
async fn two_reviewers_approving_at_once_make_one_transition() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let id = listed(&u.clerk, entry(&idle_card(&u.clerk, "ZC1").await, false, "city", true)).await;
    let second = app.login("210102001001", CHANGED).await;
    let path = format!("/api/v1/listings/{id}/review");
    let (a, b) = tokio::join!(decide(&u.reviewer, &path, "approve"), decide(&second, &path, "approve"));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let conflict = if a.0 == StatusCode::CONFLICT { a.1 } else { b.1 };
    assert_eq!(conflict["error"]["state"], "published");
    assert!(conflict["error"]["message"].as_str().unwrap().contains("已处理"));
    let admin_audit = admin.audit("?action=listing_entry_reviewed").await.1;
    assert_eq!(admin_audit["total"], 1);
}

#[tokio::test]
async fn a_national_listing_goes_through_the_authority_and_its_exit_ends_the_platform_request() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    admin.create_user(&json!({"username": "czj", "name": "沈阳市财政局", "role": "authority", "region": "210100", "password": "Start2025x"})).await;
    let authority = app.login("czj", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    let card = idle_card(&u.clerk, "ZC1").await;
    let (status, body) = u.clerk.post("/api/v1/listings", &entry(&card, true, "city", true)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let id = listed(&u.clerk, entry(&card, true, "national", true)).await;
    let path = format!("/api/v1/listings/{id}");
    let (_, published) = decide(&u.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!(
        (published["state"].as_str(), published["national_state"].as_str()),
        (Some("published"), Some("pending_authority"))
    );
    assert_eq!(authority.todo().await.1["items"][0]["kind"], "authority_reviews");
    let (status, reviewed) =
        authority.post(&format!("{path}/authority-review"), &json!({"decision": "approve", "scope": "province"})).await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    assert_eq!(
        (reviewed["national_state"].as_str(), reviewed["scope"].as_str()),
        (Some("pending_province"), Some("province"))
    );

    let (status, body) = u.clerk.post(&format!("{path}/cancel"), &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "cancel needs an approved exit first: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("退仓申请"));
    u.clerk.post(&format!("{path}/exit"), &json!({"reason": "需要变更信息"})).await;
    let (_, withdrawn) = decide(&u.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!(
        (withdrawn["national_state"].as_str(), withdrawn["reason"].as_str()),
        (Some("cancelled"), Some("需要变更信息")),
        "not yet published nationally: the platform request ends with the exit, whose reason stays"
    );
    assert_eq!(u.clerk.get(&format!("/api/v1/cards/{card}")).await.1["publishable"], true);
    let (status, late) = decide(&u.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(late["error"]["message"].as_str().unwrap().contains("退仓申请已处理"), "{late}");
}

#[tokio::test]
async fn a_province_node_submits_to_central_and_the_listing_reaches_the_transfer_plaza() {
    let app = spawn_node(NodeKind::Province, "210000").await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210000", "101001").await;
    for (name, role) in [("sjgj", "authority"), ("czt", "province")] {
        let (status, body) = admin
            .create_user(
                &json!({"username": name, "name": name, "role": role, "region": "210000", "password": "Start2025x"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let authority = app.login("sjgj", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    let province = app.login("czt", "Start2025x").await;
    province.change_password("Start2025x", CHANGED).await;

    let id = listed(&u.clerk, entry(&idle_card(&u.clerk, "ZC1").await, true, "national", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&u.reviewer, &format!("{path}/review"), "approve").await;
    assert_eq!(
        province.post(&format!("{path}/submit-central"), &json!({"decision": "approve"})).await.0,
        StatusCode::CONFLICT
    );
    authority.post(&format!("{path}/authority-review"), &json!({"decision": "approve"})).await;
    assert_eq!(province.todo().await.1["items"][0]["kind"], "province_submissions");
    let (status, central) = province.post(&format!("{path}/submit-central"), &json!({"decision": "approve"})).await;
    assert_eq!((status, central["national_state"].as_str()), (StatusCode::OK, Some("published_national")), "{central}");
    assert_eq!(u.clerk.get("/api/v1/plaza/transfer").await.1["total"], 1);
    assert_eq!(u.clerk.get("/api/v1/plaza/share").await.1["total"], 0);
}

#[tokio::test]
async fn a_recorded_transfer_completes_the_listing_and_moves_the_card_out() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let school = unit(&app, &admin, "210102", "002003").await;
    let card = idle_card(&u.clerk, "ZC1").await;
    let id = listed(&u.clerk, entry(&card, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&u.reviewer, &format!("{path}/review"), "approve").await;

    let directory = u.clerk.get("/api/v1/units/directory").await.1;
    let receiver =
        directory["items"].as_array().unwrap().iter().find(|e| e["budget_code"] == "002003").unwrap().clone();
    let mut result = json!({"method": "allocation", "receiver_unit_id": receiver["id"], "receiver_name": "", "date": "2026-11-20", "quantity": 2, "note": "已办理调拨手续"});
    let (status, refused) = u.clerk.post(&format!("{path}/result"), &result).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "more than the card holds: {refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("拆分"), "{refused}");
    result["quantity"] = json!(1);
    let (status, done) = u.clerk.post(&format!("{path}/result"), &result).await;
    assert_eq!((status, done["state"].as_str()), (StatusCode::OK, Some("completed")), "{done}");
    assert_eq!(done["result"]["receiver_name"], receiver["name"], "filled from the node's unit");
    assert_eq!(done["result"]["receiver_budget_code"], "002003");
    assert_eq!(u.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 0);
    let shown = u.clerk.get(&format!("/api/v1/cards/{card}")).await.1;
    assert_eq!(shown["publishable"], false, "a transferred asset is not offered again");
    assert_eq!(shown["transferred_listing_id"], id.as_str());
    assert!(shown["transferred_to"].as_str().unwrap().contains(receiver["name"].as_str().unwrap()), "{shown}");
    assert!(shown["history"][0]["after"].as_str().unwrap().contains("无偿调拨"));
    assert_eq!(u.clerk.get("/api/v1/cards").await.1["total"], 0, "out of the active ledger");
    assert_eq!(u.clerk.get("/api/v1/cards?transferred=true").await.1["total"], 1, "listed as 已调出");
    let (status, refused) =
        u.clerk.post(&format!("/api/v1/cards/{card}/changes"), &json!({"custodian": "李四", "note": "核对"})).await;
    assert_eq!((status, refused["error"]["state"].as_str()), (StatusCode::CONFLICT, Some("transferred")), "{refused}");
    let todo = u.clerk.todo().await.1;
    assert!(!todo["items"].as_array().unwrap().iter().any(|i| i["kind"] == "idle_not_listed"), "{todo}");
    assert_eq!(u.clerk.post(&format!("{path}/result"), &result).await.0, StatusCode::CONFLICT);
    drop(school);
}

/// 无偿调拨 of part of a card (2 of 3 chairs): the card is split in the same transaction; the
/// part handed over leaves the ledger with its share of the values, the rest stays, out of the
/// warehouse, and the two add up to the card as it was.
#[tokio::test]
async fn a_partial_allocation_splits_the_card_and_the_rest_stays_in_the_ledger() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let (status, card) =
        u.clerk.post("/api/v1/cards", &card_body("ZC9", "办公椅", "A05010301", 3, 100_000, 50_001, "idle")).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    let card = card["id"].as_str().unwrap().to_owned();
    let id = listed(&u.clerk, entry(&card, false, "city", true)).await;
    decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    let result = json!({"method": "allocation", "receiver_name": "沈阳市档案馆", "date": "2026-11-20", "quantity": 2, "note": ""});
    let (status, done) = u.clerk.post(&format!("/api/v1/listings/{id}/result"), &result).await;
    assert_eq!((status, done["state"].as_str()), (StatusCode::OK, Some("completed")), "{done}");

    let handed = u.clerk.get(&format!("/api/v1/cards/{card}")).await.1;
    assert_eq!((handed["quantity"].as_u64(), handed["transferred_listing_id"].as_str()), (Some(2), Some(id.as_str())));
    let ledger = u.clerk.get("/api/v1/cards").await.1;
    assert_eq!(ledger["total"], 1, "the third chair stays: {ledger}");
    let rest = &ledger["items"][0];
    assert_eq!((rest["asset_code"].as_str(), rest["quantity"].as_u64()), (Some("ZC9-2"), Some(1)));
    assert_eq!((rest["status"].as_str(), rest["publishable"].as_bool()), (Some("idle"), Some(true)), "{rest}");
    for (field, whole) in [("original_value_fen", 100_000), ("net_value_fen", 50_001)] {
        assert_eq!(handed[field].as_i64().unwrap() + rest[field].as_i64().unwrap(), whole, "{field} adds up");
    }
    assert_eq!(handed["original_value_fen"], 66_667, "two thirds, apportioned exactly");
    let history = handed["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["field"] == "拆分"), "{handed}");
    let handover = u.clerk.get(&format!("/api/v1/listings/{id}/handover")).await.1;
    assert_eq!(handover["original_value_fen"], 66_667, "the 交接单 shows the part handed over: {handover}");
}

#[tokio::test]
async fn a_lease_needs_its_period_and_a_shared_use_records_the_using_unit() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let u = unit(&app, &admin, "210102", "001001").await;
    let mut ids = Vec::new();
    for code in ["ZC1", "ZC2"] {
        let card = idle_card(&u.clerk, code).await;
        let id = listed(&u.clerk, entry(&card, false, "city", true)).await;
        decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
        ids.push((id, card));
    }
    let outside = json!({"receiver_name": "沈阳市第三中学", "receiver_region": "210102", "receiver_budget_code": "009009", "date": "2026-11-20", "quantity": 1, "note": ""});
    let mut lease = outside.clone();
    lease["method"] = json!("lease");
    let (status, refused) = u.clerk.post(&format!("/api/v1/listings/{}/result", ids[0].0), &lease).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["error"]["message"].as_str().unwrap().contains("期限"), "{refused}");
    lease["until"] = json!("2026-11-01");
    assert_eq!(
        u.clerk.post(&format!("/api/v1/listings/{}/result", ids[0].0), &lease).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    lease["until"] = json!("2027-11-19");
    assert_eq!(u.clerk.post(&format!("/api/v1/listings/{}/result", ids[0].0), &lease).await.0, StatusCode::OK);
    let leased = u.clerk.get(&format!("/api/v1/cards/{}", ids[0].1)).await.1;
    assert_eq!((leased["status"].as_str(), leased["lease_end_on"].as_str()), (Some("leased"), Some("2027-11-19")));

    let mut share = outside.clone();
    share["method"] = json!("shared_use");
    share["until"] = json!("2027-06-30");
    assert_eq!(u.clerk.post(&format!("/api/v1/listings/{}/result", ids[1].0), &share).await.0, StatusCode::OK);
    let shared = u.clerk.get(&format!("/api/v1/cards/{}", ids[1].1)).await.1;
    assert_eq!(shared["status"], "in_use");
    assert_eq!(shared["shared_with"], "沈阳市第三中学（2026-11-20 至 2027-06-30）");
}

#[tokio::test]
async fn department_scope_shows_only_to_the_same_department() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = unit(&app, &admin, "210102", "001001").await;
    let same = {
        let mut body = unit_body("210103", "003001", "同部门单位");
        body["department"] = json!("和平区教育局");
        admin.create_unit(&body).await;
        app.login_first_time("210103003001jb").await
    };
    let other = {
        let mut body = unit_body("210103", "004001", "其他部门单位");
        body["department"] = json!("沈河区卫健局");
        admin.create_unit(&body).await;
        app.login_first_time("210103004001jb").await
    };
    let id = listed(&a.clerk, entry(&idle_card(&a.clerk, "ZC1").await, false, "department", true)).await;
    decide(&a.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    assert_eq!(same.get("/api/v1/plaza/warehouse").await.1["total"], 1);
    assert_eq!(other.get("/api/v1/plaza/warehouse").await.1["total"], 0);
    assert_eq!(other.get(&format!("/api/v1/listings/{id}")).await.0, StatusCode::FORBIDDEN);
}
