use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn an_uninitialised_node_is_set_up_by_the_wizard_once() {
    let app = spawn_uninitialised().await;
    let anon = app.anonymous();
    assert_eq!(anon.setup_status().await.1["initialized"], false);
    let (status, body) = anon.node().await;
    assert_eq!((status, code(&body)), (StatusCode::SERVICE_UNAVAILABLE, "not_initialized"));
    let (status, body) = app.anonymous().login("admin", "whatever1").await;
    assert_eq!((status, code(&body)), (StatusCode::SERVICE_UNAVAILABLE, "not_initialized"));

    let wizard =
        json!({"kind": "local", "region": "210102", "name": "和平区财政局公物仓", "admin_password": ADMIN_PASSWORD});
    let (status, body) = anon.setup(&wizard).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["region"], "210102");
    assert_eq!(body["fingerprint"].as_str().unwrap().split(' ').count(), 8);
    assert!(app.path().join("node.key").exists());

    assert_eq!(anon.setup_status().await.1["initialized"], true);
    let (status, body) = anon.setup(&wizard).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"), "{body}");
    let admin = app.admin().await;
    assert_eq!(admin.node().await.1["name"], "和平区财政局公物仓");
}

#[tokio::test]
async fn the_wizard_refuses_settings_that_do_not_fit() {
    let app = spawn_uninitialised().await;
    let anon = app.anonymous();
    let cases = [
        (json!({"kind": "province", "region": "210100", "name": "x", "admin_password": ADMIN_PASSWORD}), "省级节点"),
        (json!({"kind": "local", "region": "219999", "name": "x", "admin_password": ADMIN_PASSWORD}), "不在区划表中"),
        (json!({"kind": "local", "region": "210100", "name": "x", "admin_password": "weak"}), "密码至少 8 位"),
        (json!({"kind": "local", "region": "210100", "name": " ", "admin_password": ADMIN_PASSWORD}), "节点名称"),
    ];
    for (body, reason) in cases {
        let (status, answer) = anon.setup(&body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(reason), "{answer}");
    }
    assert_eq!(anon.setup_status().await.1["initialized"], false);
}

#[tokio::test]
async fn regions_cascade_from_province_to_county_and_can_be_searched() {
    let app = spawn_uninitialised().await;
    let anon = app.anonymous();
    let provinces = anon.regions("").await.1;
    assert_eq!(provinces["items"].as_array().unwrap().len(), 34);
    let cities = anon.regions("?parent=210000").await.1;
    assert_eq!(cities["items"].as_array().unwrap().len(), 14);
    assert_eq!(cities["items"][0]["has_children"], true);
    let counties = anon.regions("?parent=210100").await.1;
    assert!(counties["items"].as_array().unwrap().iter().any(|r| r["code"] == "210102" && r["name"] == "和平区"));
    let found = anon.regions("?q=和平").await.1;
    assert!(found["items"].as_array().unwrap().iter().any(|r| r["path"] == "辽宁省 / 沈阳市 / 和平区"));
}

#[tokio::test]
async fn categories_need_a_login_and_follow_the_2022_catalogue() {
    let app = spawn_app().await;
    assert_eq!(app.anonymous().categories("").await.0, StatusCode::UNAUTHORIZED);
    let admin = app.admin().await;
    let top = admin.categories("").await.1;
    let names: Vec<_> =
        top["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names.len(), 8);
    assert_eq!(names[0], "房屋和构筑物");
    assert!(names.contains(&"无形资产".to_owned()));
    let found = admin.categories("?q=台式计算机").await.1;
    let desktop = &found["items"][0];
    assert_eq!(desktop["code"], "A02010105");
    assert!(desktop["path"].as_str().unwrap().ends_with("计算机 / 台式计算机"));
    let children = admin.categories("?parent=A02010100").await.1;
    assert!(children["items"].as_array().unwrap().iter().any(|c| c["code"] == "A02010108"));
}
