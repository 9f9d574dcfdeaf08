use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn create(clerk: &Session, body: Value) -> Value {
    let (status, card) = clerk.post("/api/v1/cards", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    card
}

#[tokio::test]
async fn a_clerk_creates_a_card_that_starts_its_history() {
    let (_app, clerk) = clerk_app().await;
    let card = create(&clerk, card_body("ZC001", "台式计算机", "A02010105", 1, 568_000, 120_050, "idle")).await;
    assert_eq!(card["category_name"], "台式计算机");
    assert_eq!(card["publishable"], true);
    assert_eq!(card["location_complete"], false);
    assert_eq!(card["photo_problems"], json!(["no_photos"]));
    let (_, detail) = clerk.get(&format!("/api/v1/cards/{}", card["id"].as_str().unwrap())).await;
    assert_eq!(detail["history"][0]["field"], "新增卡片");
    assert_eq!(detail["history"][0]["user"], "210102001001jb");
    let (status, body) = clerk.post("/api/v1/cards", &card_body("ZC001", "重复", "A02010105", 1, 1, 1, "idle")).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
}

#[tokio::test]
async fn invalid_cards_are_refused_naming_the_field() {
    let (_app, clerk) = clerk_app().await;
    let cases = [
        (card_body("ZC1", "x", "A02019999", 1, 100, 50, "idle"), "资产分类代码"),
        (card_body("ZC1", "x", "A02010105", 0, 100, 50, "idle"), "数量"),
        (card_body("ZC1", "x", "A02010105", 1, 100, 150, "idle"), "净值"),
        (card_body("", "x", "A02010105", 1, 100, 50, "idle"), "资产编号"),
    ];
    for (body, field) in cases {
        let (status, answer) = clerk.post("/api/v1/cards", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().starts_with(field), "{answer}");
    }
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 0);
}

#[tokio::test]
async fn each_role_sees_the_cards_it_should() {
    let (app, clerk) = clerk_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210103", "002001", "沈河区教育局").await;
    let other = app.login_first_time("210103002001jb").await;
    create(&clerk, card_body("ZC001", "台式计算机", "A02010105", 1, 568_000, 120_050, "idle")).await;
    let theirs = create(&other, card_body("SH001", "办公桌", "A05010201", 1, 120_000, 30_000, "in_use")).await;
    let reviewer = app.login_first_time("210102001001").await;
    admin.create_user(&json!({"username": "heping", "name": "和平区财政局", "role": "authority", "region": "210102", "password": "Start2025x"})).await;
    let authority = app.login("heping", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;

    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 1);
    assert_eq!(reviewer.get("/api/v1/cards").await.1["total"], 1);
    assert_eq!(authority.get("/api/v1/cards").await.1["items"][0]["asset_code"], "ZC001");
    assert_eq!(authority.get("/api/v1/cards").await.1["total"], 1);
    let theirs_path = format!("/api/v1/cards/{}", theirs["id"].as_str().unwrap());
    assert_eq!(clerk.get(&theirs_path).await.0, StatusCode::FORBIDDEN);
    assert_eq!(authority.get(&theirs_path).await.0, StatusCode::FORBIDDEN);
    let (status, _) = reviewer.post(&format!("{theirs_path}/changes"), &json!({"custodian": "x", "note": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_card_change_records_each_field_with_who_when_before_and_after() {
    let (_app, clerk) = clerk_app().await;
    let card = create(&clerk, card_body("ZC001", "台式计算机", "A02010105", 1, 568_000, 120_050, "in_use")).await;
    let path = format!("/api/v1/cards/{}", card["id"].as_str().unwrap());
    let (status, body) = clerk.post(&format!("{path}/changes"), &json!({"status": "idle", "shared": true})).await;
    assert_eq!((status, body["error"]["message"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("请填写变动原因")));
    let (status, changed) = clerk
        .post(
            &format!("{path}/changes"),
            &json!({"status": "idle", "shared": true, "custodian": "李娜", "note": "科室搬迁后闲置"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!((changed["status"].as_str(), changed["shared"].as_bool()), (Some("idle"), Some(true)));
    let history = clerk.get(&path).await.1["history"].as_array().unwrap().clone();
    let lines: Vec<(String, String, String)> = history
        .iter()
        .filter(|h| h["source"] == "manual")
        .map(|h| {
            (
                h["field"].as_str().unwrap().to_owned(),
                h["before"].as_str().unwrap().to_owned(),
                h["after"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(lines.contains(&("使用状态".into(), "在用".into(), "闲置".into())), "{lines:?}");
    assert!(lines.contains(&("是否共享共用".into(), "否".into(), "是".into())));
    assert!(lines.contains(&("使用人".into(), "张伟".into(), "李娜".into())));
    assert!(history.iter().all(|h| h["user"] == "210102001001jb" && h["at"].as_str().unwrap().ends_with('Z')));
    assert_eq!(history[0]["note"], "科室搬迁后闲置");
}

#[tokio::test]
async fn a_leased_card_is_recalled_and_then_shows_as_publishable() {
    let (_app, clerk) = clerk_app().await;
    let card = create(&clerk, card_body("ZC009", "笔记本电脑", "A02010108", 1, 600_000, 300_000, "leased")).await;
    assert_eq!(card["publishable"], false);
    let path = format!("/api/v1/cards/{}", card["id"].as_str().unwrap());
    let (status, body) = clerk.post(&format!("{path}/changes"), &json!({"status": "idle", "note": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("出租出借收回"));
    let (status, recalled) = clerk
        .post(&format!("{path}/recall"), &json!({"status": "idle", "date": "2026-11-01", "note": "租期届满"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{recalled}");
    assert_eq!((recalled["status"].as_str(), recalled["publishable"].as_bool()), (Some("idle"), Some(true)));
    let publishable = clerk.get("/api/v1/cards?publishable=true").await.1;
    assert_eq!(publishable["items"][0]["asset_code"], "ZC009");
    let (status, body) = clerk.post(&format!("{path}/recall"), &json!({"status": "idle", "date": "2026-11-02"})).await;
    assert_eq!((status, body["error"]["state"].as_str()), (StatusCode::CONFLICT, Some("idle")));
    let (_, detail) = clerk.get(&path).await;
    assert_eq!(detail["history"][0]["source"], "recall");
    assert!(detail["history"][0]["note"].as_str().unwrap().contains("租期届满"));
}

#[tokio::test]
async fn ten_chairs_split_into_six_and_four_keep_every_fen() {
    let (_app, clerk) = clerk_app().await;
    let card = create(&clerk, card_body("ZC100", "办公椅", "A05010301", 10, 680_000, 204_050, "in_use")).await;
    let path = format!("/api/v1/cards/{}", card["id"].as_str().unwrap());
    let (status, body) = clerk
        .post(&format!("{path}/split"), &json!({"parts": [{"quantity": 6, "status": "in_use", "shared": false}, {"quantity": 3, "status": "idle", "shared": true}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 1, "a refused split writes nothing");

    let parts = json!({"parts": [{"quantity": 6, "status": "in_use", "shared": false}, {"quantity": 4, "status": "idle", "shared": true}]});
    let (status, body) = clerk.post(&format!("{path}/split"), &parts).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cards = body["cards"].as_array().unwrap();
    let values: Vec<(i64, i64)> = cards
        .iter()
        .map(|c| (c["original_value_fen"].as_i64().unwrap(), c["net_value_fen"].as_i64().unwrap()))
        .collect();
    assert_eq!(values, vec![(408_000, 122_430), (272_000, 81_620)]);
    assert_eq!(values.iter().map(|v| v.0).sum::<i64>(), 680_000);
    assert_eq!(values.iter().map(|v| v.1).sum::<i64>(), 204_050);
    assert_eq!(cards[1]["asset_code"], "ZC100-2");
    assert_eq!(cards[1]["parent_id"], card["id"]);
    assert_eq!((cards[1]["status"].as_str(), cards[1]["shared"].as_bool()), (Some("idle"), Some(true)));
    let parent_history = clerk.get(&path).await.1["history"][0]["after"].as_str().unwrap().to_owned();
    assert!(parent_history.contains("ZC100-2"), "{parent_history}");
    let child = clerk.get(&format!("/api/v1/cards/{}", cards[1]["id"].as_str().unwrap())).await.1;
    assert!(child["history"][0]["before"].as_str().unwrap().contains("ZC100"));
}

#[tokio::test]
async fn cards_are_filtered_sorted_and_paged() {
    let (_app, clerk) = clerk_app().await;
    create(&clerk, card_body("ZC1", "台式计算机", "A02010105", 1, 500_000, 100_000, "idle")).await;
    create(&clerk, card_body("ZC2", "笔记本电脑", "A02010108", 1, 800_000, 100_000, "in_use")).await;
    create(&clerk, card_body("ZC3", "办公桌", "A05010201", 1, 90_000, 10_000, "pending_disposal")).await;
    assert_eq!(clerk.get("/api/v1/cards?category=A020101").await.1["total"], 2);
    assert_eq!(clerk.get("/api/v1/cards?status=in_use").await.1["total"], 1);
    assert_eq!(clerk.get("/api/v1/cards?publishable=true").await.1["total"], 2);
    assert_eq!(clerk.get("/api/v1/cards?q=电脑").await.1["total"], 1);
    assert_eq!(clerk.get("/api/v1/cards?q=ZC3").await.1["total"], 1);
    let sorted = clerk.get("/api/v1/cards?sort=original_value&order=desc&page_size=2").await.1;
    let codes: Vec<_> =
        sorted["items"].as_array().unwrap().iter().map(|c| c["asset_code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, ["ZC2", "ZC1"]);
    assert_eq!(sorted["total"], 3);
}

#[tokio::test]
async fn a_split_skips_asset_codes_that_are_taken() {
    let (_app, clerk) = clerk_app().await;
    let card = create(&clerk, card_body("SPL", "办公椅", "A05010301", 3, 3_000, 900, "in_use")).await;
    create(&clerk, card_body("SPL-2", "办公椅", "A05010301", 1, 1_000, 300, "in_use")).await;
    let parts = json!({"parts": [{"quantity": 1, "status": "in_use", "shared": false}, {"quantity": 1, "status": "idle", "shared": false}, {"quantity": 1, "status": "idle", "shared": false}]});
    let (status, body) = clerk.post(&format!("/api/v1/cards/{}/split", card["id"].as_str().unwrap()), &parts).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes: Vec<_> =
        body["cards"].as_array().unwrap().iter().map(|c| c["asset_code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, ["SPL", "SPL-3", "SPL-4"]);
}

#[tokio::test]
async fn the_quality_list_is_paged_and_filtered_by_problem() {
    let (_app, clerk) = clerk_app().await;
    for i in 0..25 {
        create(
            &clerk,
            card_body(
                &format!("Q{i:02}"),
                "台式计算机",
                "A02010105",
                1,
                1_000,
                100,
                if i < 5 { "idle" } else { "in_use" },
            ),
        )
        .await;
    }
    let first = clerk.get("/api/v1/quality?page_size=10").await.1;
    assert_eq!((first["total"].as_u64(), first["items"].as_array().unwrap().len()), (Some(25), 10));
    assert_eq!(first["problems"]["no_photos"], 25);
    let third = clerk.get("/api/v1/quality?page_size=10&page=3").await.1;
    assert_eq!(third["items"].as_array().unwrap().len(), 5);
    let idle = clerk.get("/api/v1/quality?problem=idle_not_listed").await.1;
    assert_eq!(idle["total"], 5);
}

#[tokio::test]
async fn bad_values_are_refused_in_chinese() {
    let (_app, clerk) = clerk_app().await;
    let (status, body) =
        clerk.post("/api/v1/cards", &card_body("X1", "x", "A02010105", 1, 9_007_199_254_740_993, 1, "idle")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut missing = card_body("X2", "x", "A02010105", 1, 100, 1, "idle");
    missing.as_object_mut().unwrap().remove("acquired_on");
    let (status, body) = clerk.post("/api/v1/cards", &missing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("缺少必填字段 acquired_on"), "{body}");
    let mut wrong = card_body("X3", "x", "A02010105", 1, 100, 1, "idle");
    wrong["status"] = json!("报废");
    let (_, body) = clerk.post("/api/v1/cards", &wrong).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("应为：in_use、idle"), "{body}");
    let card = create(&clerk, card_body("X4", "x", "A02010105", 1, 100, 1, "in_use")).await;
    let (status, body) = clerk
        .post(
            &format!("/api/v1/cards/{}/changes", card["id"].as_str().unwrap()),
            &json!({"status": "leased", "note": "出租"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("出租到期日"));
    let (status, _) = clerk.get("/api/v1/cards?order=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
