use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn login_sets_an_httponly_strict_cookie_and_returns_a_csrf_token() {
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("gwc_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["must_change_password"], false);
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 64);
    assert!(body["user"].get("password_hash").is_none());
}

#[tokio::test]
async fn unknown_user_and_wrong_password_answer_the_same() {
    let app = spawn_app().await;
    let (s1, b1) = app.anonymous().login("nobody", "whatever1").await;
    let (s2, b2) = app.anonymous().login("admin", "wrong12345").await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!((s1, &b1), (s2, &b2));
    assert_eq!(b1["error"]["message"], "用户名或密码错误");
}

#[tokio::test]
async fn a_unit_user_must_change_the_initial_password_before_anything_else() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;

    let mut reviewer = app.anonymous();
    let (status, body) = reviewer.login("210102001001", INITIAL).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["must_change_password"], true);
    assert_eq!(body["user"]["role"], "reviewer");
    assert_eq!(body["user"]["unit_name"], "和平区财政局");

    let (status, body) = reviewer.todo().await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "must_change_password"));
    let (status, body) = reviewer.categories("").await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "must_change_password"));
    assert_eq!(reviewer.me().await.0, StatusCode::OK);

    let (status, body) = reviewer.change_password(INITIAL, INITIAL).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = reviewer.change_password(INITIAL, CHANGED).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(reviewer.todo().await.0, StatusCode::OK);
    assert_eq!(reviewer.me().await.1["must_change_password"], false);

    let again = app.login("210102001001", CHANGED).await;
    assert_eq!(again.me().await.1["must_change_password"], false);
    assert_eq!(app.anonymous().login("210102001001", INITIAL).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_a_chinese_reason() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for weak in ["short1", "onlyletters", "1234567890"] {
        let (status, body) = admin.change_password(ADMIN_PASSWORD, weak).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["message"], "密码至少 8 位，且须同时包含字母和数字");
    }
    let (status, body) = admin.change_password("not-the-old-1", CHANGED).await;
    assert_eq!((status, body["error"]["message"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("原密码不正确")));
}

#[tokio::test]
async fn a_state_change_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let mut admin = app.admin().await;
    let token = admin.csrf.take();
    let (status, body) = admin.create_unit(&unit_body("210102", "001001", "和平区财政局")).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "csrf"));
    admin.csrf = Some("0".repeat(64));
    assert_eq!(admin.logout().await.0, StatusCode::FORBIDDEN);
    admin.csrf = token;
    assert_eq!(admin.create_unit(&unit_body("210102", "001001", "和平区财政局")).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn five_failed_logins_slow_the_account_down() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(app.anonymous().login("admin", "wrong12345").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.anonymous().login("admin", ADMIN_PASSWORD).await;
    assert_eq!((status, code(&body)), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let wait = body["error"]["retry_after"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(body["error"]["message"].as_str().unwrap().contains("秒后再试"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    assert_eq!(admin.logout().await.0, StatusCode::NO_CONTENT);
    let (status, body) = admin.me().await;
    assert_eq!((status, code(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
}

#[tokio::test]
async fn changing_the_password_ends_the_users_other_sessions() {
    let app = spawn_app().await;
    let first = app.admin().await;
    let second = app.admin().await;
    assert_eq!(second.change_password(ADMIN_PASSWORD, CHANGED).await.0, StatusCode::NO_CONTENT);
    assert_eq!(first.me().await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(second.me().await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_unit_and_its_users_are_locked_out() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unit = app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let clerk = app.login_first_time("210102001001jb").await;

    let (status, body) = admin.update_unit(unit["id"].as_str().unwrap(), &json!({"disabled": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(clerk.me().await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = app.anonymous().login("210102001001jb", CHANGED).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("停用"));
}

#[tokio::test]
async fn one_users_typos_do_not_lock_out_the_others_on_the_same_machine() {
    let app = spawn_app().await;
    for _ in 0..6 {
        app.anonymous().login("210102001001jb", "wrong12345").await;
    }
    let (status, _) = app.anonymous().login("210102001001jb", "wrong12345").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the account is slowed down");
    let (status, body) = app.anonymous().login("admin", ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "admin from the same address still logs in: {body}");
}
