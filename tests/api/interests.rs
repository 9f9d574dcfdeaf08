//! 调剂意向 through the API: registering, the queue, accepting (洽谈中: the listing leaves the
//! plazas), the result completing the held interest and closing the others, declining and
//! withdrawing, and what each unit's to-do says.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::{decide, entry, idle_card, listed, unit};

fn interest(purpose: &str) -> Value {
    json!({"quantity": 1, "purpose": purpose, "contact_name": "李明", "contact_phone": "024-22860001", "note": "可自提"})
}

fn kinds(todo: &Value) -> Vec<(String, u64)> {
    todo["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["count"].as_u64().unwrap()))
        .collect()
}

fn count(todo: &Value, kind: &str) -> u64 {
    kinds(todo).into_iter().find(|(k, _)| k == kind).map(|(_, n)| n).unwrap_or(0)
}

#[tokio::test]
async fn an_accepted_interest_holds_the_listing_and_its_result_completes_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let school = unit(&app, &admin, "210102", "002003").await;
    let card = idle_card(&heping.clerk, "ZC1").await;
    let id = listed(&heping.clerk, entry(&card, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&heping.reviewer, &format!("{path}/review"), "approve").await;
    assert!(shenhe.clerk.get(&path).await.1["actions"].as_array().unwrap().contains(&json!("interest")));

    // Registering: once per unit, never on one's own asset, only by a clerk, with a purpose.
    let (status, first) = shenhe.clerk.post(&format!("{path}/interests"), &interest(" 新建会议室 ")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!((first["state"].as_str(), first["purpose"].as_str()), (Some("open"), Some("新建会议室")));
    assert_eq!(first["queue_position"], 1);
    assert_eq!(first["listing_unit_name"], "单位001001");
    let (status, again) = shenhe.clerk.post(&format!("{path}/interests"), &interest("再次")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert!(again["error"]["message"].as_str().unwrap().contains("无需重复登记"), "{again}");
    let shown = shenhe.clerk.get(&path).await.1;
    assert_eq!(shown["my_interest"]["state"], "open");
    assert!(!shown["actions"].as_array().unwrap().contains(&json!("interest")), "registered already");
    let (status, own) = heping.clerk.post(&format!("{path}/interests"), &interest("自用")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{own}");
    assert_eq!(shenhe.reviewer.post(&format!("{path}/interests"), &interest("x")).await.0, StatusCode::FORBIDDEN);
    let (status, bad) = school
        .clerk
        .post(
            &format!("{path}/interests"),
            &json!({"quantity": 2, "purpose": "x", "contact_name": "a", "contact_phone": "1"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "more than the card holds: {bad}");
    let (status, second) = school.clerk.post(&format!("{path}/interests"), &interest("教学使用")).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["queue_position"], 2);

    // The offering unit sees its queue, oldest first; nobody else does.
    let queue = heping.clerk.get(&format!("{path}/interests")).await.1;
    let ids: Vec<&str> = queue["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [first["id"].as_str().unwrap(), second["id"].as_str().unwrap()]);
    assert_eq!(queue["items"][0]["unit_name"], "单位002001");
    assert_eq!(heping.reviewer.get(&format!("{path}/interests")).await.0, StatusCode::OK, "the reviewer reads it");
    assert_eq!(shenhe.clerk.get(&format!("{path}/interests")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(count(&heping.clerk.todo().await.1, "interests_open"), 2);
    let mine = shenhe.clerk.get("/api/v1/interests").await.1;
    assert_eq!(mine["registered"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["received"].as_array().unwrap().len(), 0, "{mine}");
    assert_eq!(heping.clerk.get("/api/v1/interests").await.1["received"].as_array().unwrap().len(), 2);

    // Only the offering clerk accepts; then the listing is 洽谈中 and leaves the plazas.
    let second_id = second["id"].as_str().unwrap();
    let first_id = first["id"].as_str().unwrap();
    let (status, _) = school.clerk.post(&format!("/api/v1/interests/{second_id}/accept"), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the interested unit cannot accept its own interest");
    let (status, _) = heping.reviewer.post(&format!("/api/v1/interests/{second_id}/accept"), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a reviewer has no say in the queue");
    let (status, accepted) = heping.clerk.post(&format!("/api/v1/interests/{second_id}/accept"), &json!({})).await;
    assert_eq!((status, accepted["state"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
    let until = accepted["hold_until"].as_str().unwrap().to_owned();
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(until, (today + time::Duration::days(30)).to_string(), "the default hold is 30 days");

    let held = heping.clerk.get(&path).await.1;
    assert_eq!(held["hold"]["until"], until.as_str());
    assert_eq!(held["hold"]["unit_name"], "单位002003");
    assert_eq!(held["hold"]["interest_id"], second_id);
    let outside = shenhe.clerk.get(&path).await.1;
    assert_eq!(outside["hold"]["until"], until.as_str(), "the others see it is 洽谈中");
    assert_eq!(outside["hold"]["unit_name"], Value::Null, "but not with whom");
    assert_eq!(shenhe.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 0, "out of the available view");
    let mine = shenhe.clerk.get("/api/v1/interests").await.1;
    assert_eq!(mine["registered"][0]["state"], "open");
    assert_eq!(mine["registered"][0]["listing_held_until"], until.as_str(), "and why it waits");
    let (status, busy) = heping.clerk.post(&format!("/api/v1/interests/{first_id}/accept"), &json!({})).await;
    assert_eq!((status, busy["error"]["state"].as_str()), (StatusCode::CONFLICT, Some("reserved")), "{busy}");
    let todo = heping.clerk.todo().await.1;
    assert_eq!((count(&todo, "interests_open"), count(&todo, "listings_reserved")), (0, 1), "{todo}");
    assert_eq!(count(&school.clerk.todo().await.1, "interests_accepted"), 1);

    // The result for the held unit completes its interest and closes the other one.
    let result = json!({"method": "allocation", "receiver_unit_id": held["hold"]["unit_id"], "receiver_name": "", "date": today.to_string(), "quantity": 1, "note": "已办理调拨手续"});
    let (status, done) = heping.clerk.post(&format!("{path}/result"), &result).await;
    assert_eq!((status, done["state"].as_str()), (StatusCode::OK, Some("completed")), "{done}");
    assert_eq!(done["hold"], Value::Null);
    let school_view = school.clerk.get("/api/v1/interests").await.1;
    assert_eq!(school_view["registered"][0]["state"], "completed", "{school_view}");
    let shenhe_view = shenhe.clerk.get("/api/v1/interests").await.1;
    assert_eq!(shenhe_view["registered"][0]["state"], "declined");
    assert_eq!(shenhe_view["registered"][0]["reason"], "资产已调剂完成");
    let (status, _) = shenhe.clerk.post(&format!("/api/v1/interests/{first_id}/withdraw"), &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing left to withdraw");
    assert!(
        kinds(&heping.clerk.todo().await.1)
            .iter()
            .all(|(k, _)| !k.starts_with("interests") && k != "listings_reserved")
    );

    for kind in ["interest_registered", "interest_accepted", "listing_result_recorded"] {
        let found = admin.audit(&format!("?action={kind}")).await.1;
        assert!(found["total"].as_u64().unwrap() >= 1, "{kind} missing: {found}");
    }
    assert!(admin.audit_verify().await.1["ok"].as_bool().unwrap());
}

#[tokio::test]
async fn ending_the_negotiation_or_withdrawing_returns_the_listing_to_the_plazas() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let id = listed(&heping.clerk, entry(&idle_card(&heping.clerk, "ZC1").await, false, "city", true)).await;
    let path = format!("/api/v1/listings/{id}");
    decide(&heping.reviewer, &format!("{path}/review"), "approve").await;
    let first = shenhe.clerk.post(&format!("{path}/interests"), &interest("办公")).await.1;
    let interest_path = format!("/api/v1/interests/{}", first["id"].as_str().unwrap());

    heping.clerk.post(&format!("{interest_path}/accept"), &json!({})).await;
    assert_eq!(shenhe.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 0);
    let (status, refused) = heping.clerk.post(&format!("{interest_path}/decline"), &json!({"reason": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed: {refused}");
    let (status, ended) =
        heping.clerk.post(&format!("{interest_path}/decline"), &json!({"reason": "对方预算调整，暂不调入"})).await;
    assert_eq!((status, ended["state"].as_str()), (StatusCode::OK, Some("declined")), "{ended}");
    assert_eq!(ended["reason"], "对方预算调整，暂不调入");
    assert_eq!(shenhe.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 1, "back on offer");
    assert_eq!(heping.clerk.get(&path).await.1["hold"], Value::Null);

    // A new interest of the same unit is possible once the old one is closed; the unit may withdraw it.
    let (status, second) = shenhe.clerk.post(&format!("{path}/interests"), &interest("仍需调入")).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second_path = format!("/api/v1/interests/{}", second["id"].as_str().unwrap());
    heping.clerk.post(&format!("{second_path}/accept"), &json!({})).await;
    assert_eq!(heping.clerk.post(&format!("{second_path}/withdraw"), &json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, withdrawn) = shenhe.clerk.post(&format!("{second_path}/withdraw"), &json!({})).await;
    assert_eq!((status, withdrawn["state"].as_str()), (StatusCode::OK, Some("withdrawn")), "{withdrawn}");
    assert_eq!(shenhe.clerk.get("/api/v1/plaza/warehouse").await.1["total"], 1);

    // Someone outside both units learns nothing about the interest.
    let other = unit(&app, &admin, "210104", "003001").await;
    assert_eq!(other.clerk.post(&format!("{second_path}/accept"), &json!({})).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_hold_period_is_a_node_setting() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut settings = admin.get("/api/v1/settings").await.1;
    assert_eq!(settings["hold_days"], 30);
    settings["hold_days"] = json!(0);
    let (status, refused) = admin.request(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    settings["hold_days"] = json!(7);
    assert_eq!(admin.request(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await.0, StatusCode::OK);

    let heping = unit(&app, &admin, "210102", "001001").await;
    let shenhe = unit(&app, &admin, "210103", "002001").await;
    let id = listed(&heping.clerk, entry(&idle_card(&heping.clerk, "ZC1").await, false, "city", true)).await;
    decide(&heping.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    let first = shenhe.clerk.post(&format!("/api/v1/listings/{id}/interests"), &interest("办公")).await.1;
    let accepted =
        heping.clerk.post(&format!("/api/v1/interests/{}/accept", first["id"].as_str().unwrap()), &json!({})).await.1;
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(accepted["hold_until"], (today + time::Duration::days(7)).to_string());
}
