use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn printer(scope: &str, submit: bool) -> Value {
    json!({
        "category": "A02021003", "name": "A4黑白打印机", "quantity": 2,
        "indicators": [{"key": "打印速度", "value": "≥ 30 页/分"}, {"key": "双面", "value": "自动"}],
        "budget_per_unit_fen": 150_000, "expected_on": "2027-03-01", "contact_name": "李娜", "contact_phone": "024-22861234",
        "scope": scope, "submit": submit
    })
}

/// A node with 和平区财政局 (in need) and 沈河区教育局 (supplier): their clerk and reviewer each.
async fn two_units() -> (TestApp, Session, [Session; 4]) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    app.create_unit(&admin, "210103", "002001", "沈河区教育局").await;
    let mut sessions = Vec::new();
    for username in ["210102001001jb", "210102001001", "210103002001jb", "210103002001"] {
        sessions.push(app.login_first_time(username).await);
    }
    let sessions: [Session; 4] = sessions.try_into().unwrap_or_else(|_| unreachable!());
    (app, admin, sessions)
}

#[tokio::test]
async fn a_demand_is_reviewed_published_matched_and_closed() {
    let (_app, admin, [clerk, reviewer, supplier, supplier_reviewer]) = two_units().await;

    // A printer sits in the other unit's warehouse.
    let (_, card) = supplier
        .post("/api/v1/cards", &card_body("DY1", "A4黑白打印机", "A02021003", 1, 180_000, 40_000, "idle"))
        .await;
    let (_, listing) = supplier
        .post("/api/v1/listings", &json!({"card_id": card["id"], "mode": "transfer", "national": false, "scope": "city", "source": "routine", "contact_name": "张伟", "contact_phone": "024-1", "submit": true}))
        .await;
    supplier_reviewer
        .post(&format!("/api/v1/listings/{}/review", listing["id"].as_str().unwrap()), &json!({"decision": "approve"}))
        .await;

    let (status, body) = clerk.post("/api/v1/demands", &json!({"category": "A99", "name": "x", "quantity": 1, "expected_on": "2027-01-01", "contact_name": "a", "contact_phone": "1", "scope": "city"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, demand) = clerk.post("/api/v1/demands", &printer("city", true)).await;
    assert_eq!((status, demand["state"].as_str()), (StatusCode::CREATED, Some("pending_review")), "{demand}");
    let path = format!("/api/v1/demands/{}", demand["id"].as_str().unwrap());
    assert_eq!(supplier.get("/api/v1/plaza/demand").await.1["total"], 0, "not published yet");

    let (status, returned) = reviewer.post(&format!("{path}/return"), &json!({"reason": "请补充预算依据"})).await;
    assert_eq!(
        (status, returned["state"].as_str(), returned["reason"].as_str()),
        (StatusCode::OK, Some("draft"), Some("请补充预算依据"))
    );
    let (status, resubmitted) = clerk.patch(&path, &printer("county", true)).await;
    assert_eq!((status, resubmitted["state"].as_str()), (StatusCode::OK, Some("pending_review")), "{resubmitted}");
    let (status, published) = reviewer.post(&format!("{path}/submit"), &json!({"scope": "city"})).await;
    assert_eq!(
        (status, published["state"].as_str(), published["scope"].as_str()),
        (StatusCode::OK, Some("published"), Some("city"))
    );
    let (status, again) = reviewer.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!((status, again["error"]["state"].as_str()), (StatusCode::CONFLICT, Some("published")));

    let plaza = supplier.get("/api/v1/plaza/demand").await.1;
    assert_eq!(plaza["items"][0]["name"], "A4黑白打印机");
    assert_eq!(plaza["items"][0]["indicators"][0]["key"], "打印速度");

    let matches = clerk.get(&format!("{path}/matches")).await.1;
    let first = &matches["items"][0];
    assert_eq!(first["listing"]["card"]["asset_code"], "DY1", "{matches}");
    let reasons: Vec<&str> = first["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(reasons.contains(&"资产分类相同") && reasons.contains(&"同一地市"), "{reasons:?}");

    let (status, closed) = clerk.post(&format!("{path}/close"), &json!({"reason": "met_by_listing"})).await;
    assert_eq!(
        (status, closed["state"].as_str(), closed["close_reason"].as_str()),
        (StatusCode::OK, Some("closed"), Some("met_by_listing"))
    );
    assert_eq!(supplier.get("/api/v1/plaza/demand").await.1["total"], 0);
    assert_eq!(admin.audit("?action=demand_changed").await.1["total"], 3);
}

fn kinds(todo: &Value) -> Vec<String> {
    todo["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn new_matches_reach_the_clerks_to_do_until_looked_at_and_listings_show_the_demands_they_meet() {
    let (_app, _admin, [clerk, reviewer, supplier, supplier_reviewer]) = two_units().await;

    let (_, demand) = clerk.post("/api/v1/demands", &printer("city", true)).await;
    let path = format!("/api/v1/demands/{}", demand["id"].as_str().unwrap());
    assert!(kinds(&reviewer.get("/api/v1/todo").await.1).contains(&"demand_reviews".to_owned()));
    reviewer.post(&format!("{path}/return"), &json!({"reason": "请补充预算依据"})).await;
    assert!(kinds(&clerk.get("/api/v1/todo").await.1).contains(&"returned_demands".to_owned()));
    clerk.patch(&path, &printer("city", true)).await;
    reviewer.post(&format!("{path}/submit"), &json!({})).await;
    let todo = clerk.get("/api/v1/todo").await.1;
    assert!(!kinds(&todo).contains(&"new_matches".to_owned()), "nothing fits yet: {todo}");
    assert!(!kinds(&todo).contains(&"returned_demands".to_owned()), "{todo}");

    // A printer is published by the other unit: a new match for the demand's clerk.
    let (_, card) = supplier
        .post("/api/v1/cards", &card_body("DY1", "A4黑白打印机", "A02021003", 1, 180_000, 40_000, "idle"))
        .await;
    let (_, listing) = supplier
        .post("/api/v1/listings", &json!({"card_id": card["id"], "mode": "transfer", "national": false, "scope": "city", "source": "routine", "contact_name": "张伟", "contact_phone": "024-1", "submit": true}))
        .await;
    let listing_path = format!("/api/v1/listings/{}", listing["id"].as_str().unwrap());
    let pending = supplier.get(&format!("{listing_path}/demands")).await.1;
    assert_eq!(pending["items"].as_array().unwrap().len(), 1, "the supplier sees the demand it could meet: {pending}");
    let todo = clerk.get("/api/v1/todo").await.1;
    assert!(!kinds(&todo).contains(&"new_matches".to_owned()), "not in the plaza until approved: {todo}");
    supplier_reviewer.post(&format!("{listing_path}/review"), &json!({"decision": "approve"})).await;

    let todo = clerk.get("/api/v1/todo").await.1;
    let item = todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == "new_matches").cloned();
    assert_eq!(item.as_ref().map(|i| i["count"].as_u64()), Some(Some(1)), "{todo}");
    assert_eq!(item.unwrap()["link"], "/platform/demands");
    let mine = clerk.get("/api/v1/demands").await.1;
    assert_eq!(mine["items"][0]["new_matches"], true, "{mine}");
    let matches = clerk.get(&format!("{path}/matches")).await.1;
    assert_eq!(matches["items"][0]["new"], true, "{matches}");

    // Only the demand's own clerk marks the matches as seen.
    let (status, _) = supplier.post(&format!("{path}/matches/seen"), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = clerk.post(&format!("{path}/matches/seen"), &json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!kinds(&clerk.get("/api/v1/todo").await.1).contains(&"new_matches".to_owned()));
    assert_eq!(clerk.get("/api/v1/demands").await.1["items"][0]["new_matches"], false);
    assert_eq!(clerk.get(&format!("{path}/matches")).await.1["items"][0]["new"], false);

    let meets = supplier.get(&format!("{listing_path}/demands")).await.1;
    let first = &meets["items"][0];
    assert_eq!(first["demand"]["name"], "A4黑白打印机", "{meets}");
    assert!(first["reasons"].as_array().unwrap().iter().any(|r| r == "资产分类相同"), "{meets}");
    // The demand's own unit does not see its own demand as one its listings could meet, and
    // a closed demand is no longer offered.
    clerk.post(&format!("{path}/close"), &json!({"reason": "met_by_listing"})).await;
    assert_eq!(supplier.get(&format!("{listing_path}/demands")).await.1["items"].as_array().unwrap().len(), 0);
}
