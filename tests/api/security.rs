//! Security across the whole API, generated from its own OpenAPI document where it can be: every
//! state-changing route refuses a missing or wrong CSRF token before doing anything, a spoofed
//! `X-Forwarded-For` does not reset the login throttle, every kind of answer carries the security
//! headers, and path tricks on embedded files and photo ids find nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The state-changing operations of the OpenAPI document, path parameters filled with `x`.
async fn state_changing_routes(app: &TestApp) -> Vec<(Method, String)> {
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let mut routes = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        let filled: String =
            path.split('/').map(|part| if part.starts_with('{') { "x" } else { part }).collect::<Vec<_>>().join("/");
        for method in operations.as_object().unwrap().keys() {
            if method != "get" {
                routes.push((Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), filled.clone()));
            }
        }
    }
    routes
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_missing_or_wrong_csrf_token_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let mut clerk = app.login_first_time("210102001001jb").await;
    let mut admin = admin;
    let before = admin.audit("?page_size=1").await.1["total"].clone();
    let routes = state_changing_routes(&app).await;
    assert!(routes.len() > 60, "the document lists the API's routes: {}", routes.len());
    // Without a session these two make one (and setup only once); the rest need the token.
    let public = ["/api/v1/login", "/api/v1/setup"];
    let mut checked = 0;
    for (method, path) in routes.iter().filter(|(_, p)| !public.contains(&p.as_str())) {
        for session in [&mut admin, &mut clerk] {
            let token = session.csrf.take();
            for wrong in [None, Some("0".repeat(64)), Some("x".to_owned())] {
                session.csrf = wrong.clone();
                let (status, body) = session.request(method.clone(), path, Some(&json!({}))).await;
                assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "csrf"), "{method} {path} with {wrong:?}");
                checked += 1;
            }
            session.csrf = token;
        }
    }
    assert!(checked > 360, "{checked}");
    assert_eq!(admin.audit("?page_size=1").await.1["total"], before, "nothing was written");
    assert_eq!(clerk.me().await.0, StatusCode::OK, "the sessions still work");
}

#[tokio::test]
async fn a_spoofed_forwarded_for_does_not_reset_the_login_throttle() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let login = |password: &'static str, from: String| {
        client
            .post(app.url("/api/v1/login"))
            .header("X-Forwarded-For", from.clone())
            .header("X-Real-IP", from)
            .json(&json!({"username": "admin", "password": password}))
            .send()
    };
    for n in 0..5 {
        assert_eq!(login("wrong12345", format!("10.0.0.{n}")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let answer = login(ADMIN_PASSWORD, "10.9.9.9".to_owned()).await.unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS, "a new claimed address is the same caller");
    // An unknown user is slowed down the same way: nothing tells whether the account exists.
    for n in 0..5 {
        let answer = client
            .post(app.url("/api/v1/login"))
            .header("X-Forwarded-For", format!("10.1.0.{n}"))
            .json(&json!({"username": "nobody", "password": "wrong12345"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    }
    let answer = client
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": "nobody", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let index = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let asset = index.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script").to_owned();
    let mut answers = Vec::new();
    for (method, path, body) in [
        (Method::GET, "/", None),
        (Method::GET, "/system/units", None),
        (Method::GET, asset.as_str(), None),
        (Method::GET, "/api/v1/node", None),
        (Method::GET, "/api/v1/openapi.json", None),
        (Method::GET, "/api/v1/me", None),
        (Method::GET, "/api/v1/nowhere", None),
        (Method::GET, "/api/v1/photos/0000", None),
        (Method::POST, "/api/v1/login", Some("{not json")),
        (Method::DELETE, "/api/v1/node", None),
    ] {
        let mut request = client.request(method.clone(), app.url(path));
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let answer = request.send().await.unwrap();
        answers.push((format!("{method} {path}"), answer.status(), answer.headers().clone()));
    }
    for (what, status, headers) in &answers {
        for (name, value) in
            [("x-content-type-options", "nosniff"), ("x-frame-options", "DENY"), ("referrer-policy", "no-referrer")]
        {
            assert_eq!(headers.get(name).and_then(|v| v.to_str().ok()), Some(value), "{what} ({status}): {name}");
        }
        let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    }
    let statuses: Vec<u16> = answers.iter().map(|(_, s, _)| s.as_u16()).collect();
    assert!(statuses.contains(&200) && statuses.contains(&401) && statuses.contains(&404), "{statuses:?}");
    assert!(statuses.iter().any(|s| (400..500).contains(s) && ![401, 404].contains(s)), "{statuses:?}");
}

#[tokio::test]
async fn path_tricks_on_embedded_files_and_photo_ids_find_nothing() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let login = client
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    // Raw request targets, sent as written (reqwest would normalise `..`).
    for target in [
        "/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..\\..\\Cargo.toml",
        "/api/v1/photos/..%2f..%2fgongwucang.redb",
        "/api/v1/photos/%2e%2e%2f%2e%2e%2fnode.key",
        "/api/v1/photos/..",
        "/api/v1/bundles/..%2f..%2fgongwucang.redb",
    ] {
        let (status, body) = raw_get(&app, target, &cookie).await;
        assert!(
            !body.contains("[package]") && !body.contains("root:x:0") && !body.starts_with("redb"),
            "{target}: {body}"
        );
        let the_ui = body.contains("<div id=\"app\"");
        assert!(matches!(status, 400 | 404) || (status == 200 && the_ui), "{target}: {status} {body}");
    }
}

/// A GET with the request target exactly as given: status and body.
async fn raw_get(app: &TestApp, target: &str, cookie: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let address = app.url("").trim_start_matches("http://").trim_end_matches('/').to_owned();
    let request = format!("GET {target} HTTP/1.0\r\nHost: {address}\r\nCookie: {cookie}\r\n\r\n");
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
