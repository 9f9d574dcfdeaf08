use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_admin_creates_an_authority_who_must_change_the_password() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = admin
        .create_user(&json!({"username": "210100czj", "name": "沈阳市财政局资产管理处", "role": "authority", "region": "210100", "password": "Start2025x"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["must_change_password"], true);
    assert_eq!(body["region_name"], "沈阳市");
    let (status, answer) = admin
        .create_user(&json!({"username": "210100CZJ", "name": "重复", "role": "authority", "password": "Start2025x"}))
        .await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "conflict"));

    let mut authority = app.anonymous();
    assert_eq!(authority.login("210100czj", "Start2025x").await.1["must_change_password"], true);
    assert_eq!(authority.todo().await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn accounts_that_do_not_fit_the_node_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let cases = [
        (
            json!({"username": "sheng", "name": "省厅", "role": "province", "region": "210000", "password": "Start2025x"}),
            "省级节点",
        ),
        (json!({"username": "quanguo", "name": "全国", "role": "national", "password": "Start2025x"}), "全国节点"),
        (
            json!({"username": "anshan", "name": "鞍山", "role": "authority", "region": "210300", "password": "Start2025x"}),
            "不在本节点区划",
        ),
        (json!({"username": "admin2", "name": "第二管理员", "role": "admin", "password": "Start2025x"}), "admin"),
        (json!({"username": "jb", "name": "无单位经办", "role": "clerk", "password": "Start2025x"}), "所属单位"),
        (json!({"username": "弱", "name": "x", "role": "authority", "password": "Start2025x"}), "用户名"),
        (json!({"username": "weakpw", "name": "x", "role": "authority", "password": "123"}), "密码至少 8 位"),
    ];
    for (body, reason) in cases {
        let (status, answer) = admin.create_user(&body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(reason), "{reason}: {answer}");
    }
}

#[tokio::test]
async fn a_reset_password_must_be_changed_again_and_ends_the_sessions() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let clerk = app.login_first_time("210102001001jb").await;
    let id = clerk.me().await.1["user"]["id"].as_str().unwrap().to_owned();

    let (status, body) = admin.reset_password(&id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["must_change_password"], true);
    assert_eq!(clerk.me().await.0, StatusCode::UNAUTHORIZED);
    let mut again = app.anonymous();
    assert_eq!(again.login("210102001001jb", INITIAL).await.1["must_change_password"], true);
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_the_admin_cannot_be_disabled() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let admin_id = admin.me().await.1["user"]["id"].as_str().unwrap().to_owned();
    let (status, body) = admin.update_user(&admin_id, &json!({"disabled": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (_, user) = admin
        .create_user(&json!({"username": "czj", "name": "财政局", "role": "authority", "password": "Start2025x"}))
        .await;
    let (status, body) =
        admin.update_user(user["id"].as_str().unwrap(), &json!({"disabled": true, "name": "财政局（停用）"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "财政局（停用）");
    assert_eq!(app.anonymous().login("czj", "Start2025x").await.0, StatusCode::FORBIDDEN);
}
