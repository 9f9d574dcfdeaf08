use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn api_answers_carry_security_headers_and_are_not_cached() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/api/v1/node")).await.unwrap();
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{csp}");
}

#[tokio::test]
async fn the_web_ui_is_served_for_client_routes_and_assets_are_cached_long() {
    let app = spawn_app().await;
    let index = reqwest::get(app.url("/system/units")).await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let html = index.text().await.unwrap();
    assert!(html.contains("<div id=\"app\""), "{html}");
    let asset = html.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script in index.html");
    let response = reqwest::get(app.url(asset)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));
}

#[tokio::test]
async fn unknown_api_routes_answer_json_not_the_ui() {
    let app = spawn_app().await;
    let (status, body) = app.anonymous().get("/api/v1/nothing-here").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn malformed_json_gets_a_chinese_error_and_oversized_bodies_413() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let response = client
        .post(app.url("/api/v1/login"))
        .header("content-type", "application/json")
        .body("{\"username\": admin}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().starts_with("请求内容格式错误"), "{body}");

    let huge = json!({"username": "x".repeat(2 * 1024 * 1024), "password": "y"});
    let response = client.post(app.url("/api/v1/login")).json(&huge).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(code(&body), "too_large");
}

#[tokio::test]
async fn the_openapi_document_is_generated_from_the_handlers() {
    let app = spawn_app().await;
    let (status, doc) = app.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/units/{id}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["UnitView"].is_object());
}
