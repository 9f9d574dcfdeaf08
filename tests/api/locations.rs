use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn add(clerk: &Session, parent: Option<&str>, name: &str) -> String {
    let (status, body) = clerk.post("/api/v1/locations", &json!({"parent_id": parent, "name": name})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_location_tree_is_built_level_by_level_and_completeness_follows_the_compound() {
    let (_app, clerk) = clerk_app().await;
    let compound = add(&clerk, None, "机关大院").await;
    let building = add(&clerk, Some(&compound), "综合办公楼").await;
    let floor = add(&clerk, Some(&building), "3层").await;
    let room = add(&clerk, Some(&floor), "305室").await;
    let (status, body) = clerk.post("/api/v1/locations", &json!({"parent_id": room, "name": "柜子"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let depot = add(&clerk, None, "仓库院").await;
    let shed = add(&clerk, Some(&depot), "1号库房").await;

    let tree = clerk.get("/api/v1/locations").await.1;
    let levels: Vec<(String, String)> = tree["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["path"].as_str().unwrap().to_owned(), l["level"].as_str().unwrap().to_owned()))
        .collect();
    assert!(levels.contains(&("机关大院 › 综合办公楼 › 3层 › 305室".into(), "room".into())));

    let mut card = card_body("ZC1", "台式计算机", "A02010105", 1, 100, 50, "idle");
    card["location_id"] = json!(floor);
    let (_, created) = clerk.post("/api/v1/cards", &card).await;
    assert_eq!(
        (created["location_text"].as_str(), created["location_complete"].as_bool()),
        (Some("机关大院 › 综合办公楼 › 3层"), Some(false))
    );
    let path = format!("/api/v1/cards/{}/changes", created["id"].as_str().unwrap());
    let (_, moved) = clerk.post(&path, &json!({"location_id": room, "note": "补全存放地点"})).await;
    assert_eq!(moved["location_complete"], true, "{moved}");
    let (_, moved) = clerk.post(&path, &json!({"location_id": shed, "note": "入库"})).await;
    assert_eq!(moved["location_complete"], true, "the depot has only buildings");
    assert_eq!(clerk.get(&format!("/api/v1/cards?location_id={depot}")).await.1["total"], 1);
    assert_eq!(clerk.get(&format!("/api/v1/cards?location_id={compound}")).await.1["total"], 0);
}

#[tokio::test]
async fn a_location_in_use_cannot_be_deleted_and_names_are_unique_among_siblings() {
    let (app, clerk) = clerk_app().await;
    let compound = add(&clerk, None, "机关大院").await;
    let building = add(&clerk, Some(&compound), "综合办公楼").await;
    let (status, _) = clerk.post("/api/v1/locations", &json!({"parent_id": compound, "name": "综合办公楼"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = clerk.delete(&format!("/api/v1/locations/{compound}")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let mut card = card_body("ZC1", "台式计算机", "A02010105", 1, 100, 50, "idle");
    card["location_id"] = json!(building);
    clerk.post("/api/v1/cards", &card).await;
    let (status, body) = clerk.delete(&format!("/api/v1/locations/{building}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("1 张资产卡片"));
    let (status, renamed) = clerk.patch(&format!("/api/v1/locations/{building}"), &json!({"name": "1号楼"})).await;
    assert_eq!((status, renamed["path"].as_str()), (StatusCode::OK, Some("机关大院 › 1号楼")));

    let admin = app.admin().await;
    app.create_unit(&admin, "210103", "002001", "沈河区教育局").await;
    let other = app.login_first_time("210103002001jb").await;
    assert_eq!(
        other.patch(&format!("/api/v1/locations/{building}"), &json!({"name": "x"})).await.0,
        StatusCode::FORBIDDEN
    );
    let spare = add(&clerk, None, "空院").await;
    assert_eq!(clerk.delete(&format!("/api/v1/locations/{spare}")).await.0, StatusCode::NO_CONTENT);
}
