//! 配置预算衔接 through the API: the authority enters a unit's budget line, sees the listings
//! that could meet it as the unit sees them, and records how much the warehouse meets; only the
//! authority of the unit's region, once, adding up.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::{decide, entry, listed, unit};

async fn authority(app: &TestApp, username: &str, region: &str) -> Session {
    let admin = app.admin().await;
    let (status, body) = admin
        .create_user(&json!({"username": username, "name": "财政局", "role": "authority", "region": region, "password": "Start2025x"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let session = app.login(username, "Start2025x").await;
    session.change_password("Start2025x", CHANGED).await;
    session
}

fn line(unit_id: &str, quantity: u32) -> Value {
    json!({"unit_id": unit_id, "year": 2027, "budget_item": "2027年办公设备购置", "category": "A02010105",
        "name": "台式计算机", "spec": "i5 8G 256G", "quantity": quantity, "unit_price_fen": 600_000})
}

#[tokio::test]
async fn a_budget_line_is_met_from_the_warehouse_and_the_rest_bought_with_a_reason() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let heping = unit(&app, &admin, "210102", "001001").await;
    let school = unit(&app, &admin, "210102", "002003").await;
    unit(&app, &admin, "210103", "002001").await;
    let units = admin.get("/api/v1/units").await.1;
    let unit_id = |code: &str| {
        units["items"].as_array().unwrap().iter().find(|u| u["budget_code"] == code).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let school_id = unit_id("002003");
    let mut offered = Vec::new();
    for (n, scope) in [(1, "city"), (2, "county"), (3, "department")] {
        let (_, card) = heping
            .clerk
            .post(
                "/api/v1/cards",
                &card_body(&format!("ZC{n}"), "台式计算机", "A02010105", 1, 568_000, 120_000, "idle"),
            )
            .await;
        let id = listed(&heping.clerk, entry(card["id"].as_str().unwrap(), false, scope, true)).await;
        decide(&heping.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
        offered.push(id);
    }
    let (_, own) = school
        .clerk
        .post("/api/v1/cards", &card_body("XX1", "台式计算机", "A02010105", 1, 500_000, 100_000, "idle"))
        .await;
    let own_id = listed(&school.clerk, entry(own["id"].as_str().unwrap(), false, "city", true)).await;
    decide(&school.reviewer, &format!("/api/v1/listings/{own_id}/review"), "approve").await;

    let city = authority(&app, "czj", "210100").await;
    let shenhe = authority(&app, "shczj", "210103").await;
    let (status, body) = city.post("/api/v1/budget-checks", &json!({"unit_id": school_id, "year": 2027})).await;
    assert!(status.is_client_error(), "{status} {body}");
    let (status, body) = city.post("/api/v1/budget-checks", &json!(line(&school_id, 0))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = shenhe.post("/api/v1/budget-checks", &line(&school_id, 3)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "另一区县的主管部门: {body}");
    let (status, check) = city.post("/api/v1/budget-checks", &line(&school_id, 3)).await;
    assert_eq!(status, StatusCode::CREATED, "{check}");
    assert_eq!((check["amount_fen"].as_i64(), check["state"].as_str()), (Some(1_800_000), Some("open")));
    assert_eq!(
        (check["unit_name"].as_str(), check["category_name"].as_str()),
        (Some("单位002003"), Some("台式计算机"))
    );
    let id = check["id"].as_str().unwrap();

    // The matches are what the unit sees: never its own; another county's only within their scope.
    let matches = city.get(&format!("/api/v1/budget-checks/{id}/matches")).await.1;
    let found = |matches: &Value| {
        let mut ids: Vec<String> = matches["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["listing"]["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(found(&matches), offered, "the school's own listing is not among them");
    let (_, other) = city.post("/api/v1/budget-checks", &line(&unit_id("002001"), 1)).await;
    let other_matches = city.get(&format!("/api/v1/budget-checks/{}/matches", other["id"].as_str().unwrap())).await.1;
    let mut expected = vec![offered[0].clone(), offered[2].clone(), own_id.clone()];
    expected.sort();
    assert_eq!(found(&other_matches), expected, "沈河区 sees no 本区县 listing of 和平区");
    let reasons = matches["items"][0]["reasons"].as_array().unwrap();
    assert!(reasons.contains(&json!("资产分类相同")), "{reasons:?}");
    assert_eq!(shenhe.get(&format!("/api/v1/budget-checks/{id}/matches")).await.0, StatusCode::FORBIDDEN);
    let theirs = shenhe.get("/api/v1/budget-checks").await.1;
    let theirs: Vec<&str> =
        theirs["items"].as_array().unwrap().iter().map(|c| c["unit_name"].as_str().unwrap()).collect();
    assert_eq!(theirs, ["单位002001"], "only the lines of its own region");

    // The outcome adds up, names listings among the matches, gives a reason for what is bought.
    let outcome = |met: u32, buy: u32, reason: &str, ids: Vec<&str>| json!({"met_quantity": met, "purchase_quantity": buy, "reason": reason, "listing_ids": ids});
    let path = format!("/api/v1/budget-checks/{id}/outcome");
    for (body, why) in [
        (outcome(2, 2, "规格不符", vec![&offered[0]]), "之和"),
        (outcome(2, 1, "", vec![&offered[0]]), "理由"),
        (outcome(2, 1, "规格不符", vec![&own_id]), "匹配结果"),
        (outcome(2, 1, "规格不符", vec!["L404"]), "匹配结果"),
    ] {
        let (status, answer) = city.post(&path, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(why), "{why}: {answer}");
    }
    assert_eq!(city.get(&format!("/api/v1/budget-checks/{id}")).await.1["state"], "open", "nothing written");
    let (status, decided) =
        city.post(&path, &outcome(2, 1, "其余一台需更高配置", vec![&offered[0], &offered[1]])).await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["state"], "decided");
    assert_eq!(decided["outcome"]["value_met_fen"], 1_200_000, "两台 × 6000 元");
    let (status, again) = city.post(&path, &outcome(3, 0, "", vec![&offered[0]])).await;
    assert_eq!(status, StatusCode::CONFLICT, "final: {again}");

    let list = city.get("/api/v1/budget-checks?year=2027&state=decided").await.1;
    assert_eq!(city.get("/api/v1/budget-checks?year=2027").await.1["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(city.get("/api/v1/budget-checks?year=2026").await.1["items"], json!([]));
    let audit = admin.get("/api/v1/audit?page_size=50").await.1;
    let kinds: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"budget_check_created") && kinds.contains(&"budget_check_decided"), "{kinds:?}");
}
