use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn creating_a_unit_creates_its_reviewer_and_clerk_accounts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = admin.create_unit(&unit_body("210102", "001001", "和平区财政局")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["accounts"], json!({"reviewer": "210102001001", "clerk": "210102001001jb"}));
    assert_eq!(body["unit"]["region_name"], "和平区");
    assert_eq!(body["unit"]["region_path"], "辽宁省 / 沈阳市 / 和平区");
    assert_eq!(body["unit"]["unit_type"], "institution");

    let users = admin.users("?unit_id=".to_owned().as_str()).await.1;
    let mine: Vec<_> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["unit_id"] == body["unit"]["id"])
        .map(|u| {
            (
                u["username"].as_str().unwrap().to_owned(),
                u["role"].as_str().unwrap().to_owned(),
                u["must_change_password"].clone(),
            )
        })
        .collect();
    assert_eq!(
        mine,
        vec![
            ("210102001001".to_owned(), "reviewer".to_owned(), json!(true)),
            ("210102001001jb".to_owned(), "clerk".to_owned(), json!(true)),
        ]
    );
}

#[tokio::test]
async fn a_second_unit_with_the_same_region_and_budget_code_conflicts_without_a_partial_write() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let before = admin.users("").await.1["total"].clone();
    let (status, body) = admin.create_unit(&unit_body("210102", "001001", "另一个单位")).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    assert!(body["error"]["message"].as_str().unwrap().contains("001001"));
    assert_eq!(admin.users("").await.1["total"], before);
    assert_eq!(admin.units("").await.1["total"], 1);
    // The same budget code in another district is another unit.
    app.create_unit(&admin, "210103", "001001", "沈河区财政局").await;
}

#[tokio::test]
async fn invalid_units_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let cases = [
        (unit_body("210302", "001001", "鞍山的单位"), "不在本节点区划"),
        (unit_body("210102", "12a", "坏代码"), "预算代码"),
        (unit_body("210102", "001002", " "), "单位名称不能为空"),
        (
            json!({"budget_code": "001003", "name": "x", "region": "210102", "department": "x", "unit_type": "company"}),
            "unit_type",
        ),
    ];
    for (body, reason) in cases {
        let (status, answer) = admin.create_unit(&body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(reason), "{answer}");
    }
    assert_eq!(admin.units("").await.1["total"], 0);
}

#[tokio::test]
async fn units_are_listed_filtered_and_paged() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (i, region) in ["210102", "210102", "210103"].iter().enumerate() {
        app.create_unit(&admin, region, &format!("00100{i}"), &format!("单位{i}")).await;
    }
    let page = admin.units("?page=1&page_size=2").await.1;
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(3), 2));
    let page2 = admin.units("?page=2&page_size=2").await.1;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(admin.units("?region=210103").await.1["total"], 1);
    assert_eq!(admin.units("?q=单位1").await.1["total"], 1);
    let (status, body) = admin.units("?page_size=201").await;
    assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    let (status, body) = admin.units("?page=abc").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "invalid"));
}

#[tokio::test]
async fn editing_a_unit_keeps_its_login_names_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unit = app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let id = unit["id"].as_str().unwrap();
    let (status, body) =
        admin.update_unit(id, &json!({"name": "和平区财政局（新）", "physical_warehouse": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "和平区财政局（新）");
    assert_eq!(body["physical_warehouse"], true);
    assert_eq!(body["accounts"]["reviewer"], "210102001001");
    let audit = admin.audit("?action=unit_updated").await.1;
    assert!(audit["items"][0]["summary"].as_str().unwrap().contains("实体公物仓 是"));
    let (status, _) = admin.update_unit("u999", &json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_authority_lists_only_the_units_of_its_region() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let shenhe = app.create_unit(&admin, "210103", "001001", "沈河区财政局").await;
    let (status, body) = admin
        .create_user(&json!({"username": "heping-czj", "name": "和平区财政局资产科", "role": "authority", "region": "210102", "password": "Start2025x"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let authority = app.login("heping-czj", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    let units = authority.units("").await.1;
    assert_eq!(units["total"], 1);
    assert_eq!(units["items"][0]["name"], "和平区财政局");
    let (status, body) = authority.unit(shenhe["id"].as_str().unwrap()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let own = units["items"][0]["id"].as_str().unwrap();
    assert_eq!(authority.unit(own).await.0, StatusCode::OK);
}

#[tokio::test]
async fn fixed_or_unknown_fields_and_empty_edits_are_refused_without_an_audit_event() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unit = app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let path = format!("/api/v1/units/{}", unit["id"].as_str().unwrap());
    let (status, body) = admin.patch(&path, &json!({"region": "210103"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("region"), "{body}");
    let (status, body) = admin.patch(&path, &json!({"name": "和平区财政局"})).await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("没有需要修改的内容"))
    );
    assert_eq!(admin.audit("?action=unit_updated").await.1["total"], 0);
    let (status, body) = admin.request(reqwest::Method::DELETE, "/api/v1/login", None).await;
    assert_eq!((status, code(&body)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}
