//! The test harness: `spawn_app()` starts the real application on 127.0.0.1:0 with a fresh temp
//! data folder, and `Session` is a logged-in (or anonymous) client with one method per endpoint.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use gongwucang::app::{Application, Listen};
use gongwucang::domain::node::NodeKind;
use gongwucang::setup::{self, SetupRequest};
use gongwucang::store::Store;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_PASSWORD: &str = "Admin12345";
pub const INITIAL: &str = "123qweQWE";
pub const CHANGED: &str = "Changed2025x";

/// A running node.
pub struct TestApp {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

/// A local node for 沈阳市 (210100) with `admin` / [`ADMIN_PASSWORD`].
pub async fn spawn_app() -> TestApp {
    spawn_node(NodeKind::Local, "210100").await
}

/// A node of any kind.
pub async fn spawn_node(kind: NodeKind, region: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    initialise(dir.path(), kind, region);
    start(dir).await
}

/// A node whose data folder has not been initialised (first-run wizard).
pub async fn spawn_uninitialised() -> TestApp {
    start(tempfile::tempdir().expect("temp dir")).await
}

pub fn initialise(dir: &Path, kind: NodeKind, region: &str) {
    let store = Store::open(dir).expect("open store");
    let request = SetupRequest { kind, region, name: "测试节点", admin_password: ADMIN_PASSWORD };
    setup::initialize(dir, &store, request).expect("initialise node");
}

/// Starts the application on an existing data folder.
pub async fn start(dir: tempfile::TempDir) -> TestApp {
    let application =
        Application::build(dir.path(), Listen::Exact("127.0.0.1:0".parse().unwrap())).await.expect("build app");
    let addr = application.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        application
            .run_until(async move {
                let _ = rx.await;
            })
            .await
            .expect("serve");
    });
    TestApp { addr, dir, shutdown: Some(tx), handle: Some(handle) }
}

impl TestApp {
    /// Stops the server and waits until the database is closed; returns the data folder.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task");
        }
        let dir = tempfile::tempdir().expect("placeholder");
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Session {
        Session::new(self.addr)
    }

    /// Logs in; panics unless it succeeds.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let mut session = self.anonymous();
        let (status, body) = session.login(username, password).await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        session
    }

    pub async fn admin(&self) -> Session {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Logs in with the initial password and changes it to [`CHANGED`].
    pub async fn login_first_time(&self, username: &str) -> Session {
        let session = self.login(username, INITIAL).await;
        let (status, body) = session.change_password(INITIAL, CHANGED).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "change password {username}: {body}");
        session
    }

    /// Creates a unit through the admin API; returns the unit JSON (with `accounts`).
    pub async fn create_unit(&self, admin: &Session, region: &str, budget_code: &str, name: &str) -> Value {
        let (status, body) = admin.create_unit(&unit_body(region, budget_code, name)).await;
        assert_eq!(status, StatusCode::CREATED, "create unit: {body}");
        body["unit"].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn unit_body(region: &str, budget_code: &str, name: &str) -> Value {
    json!({
        "budget_code": budget_code, "name": name, "region": region, "department": "和平区教育局",
        "unit_type": "institution", "contact_name": "王丽", "contact_phone": "024-22861234", "physical_warehouse": false
    })
}

/// One client with its cookie jar and CSRF token.
pub struct Session {
    addr: SocketAddr,
    client: reqwest::Client,
    pub csrf: Option<String>,
}

impl Session {
    fn new(addr: SocketAddr) -> Self {
        let client = reqwest::Client::builder().cookie_store(true).no_proxy().build().expect("client");
        Self { addr, client, csrf: None }
    }

    /// Any request; answers `(status, JSON body or Null)`.
    pub async fn request(&self, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let mut request = self.client.request(method.clone(), format!("http://{}{}", self.addr, path));
        if let (true, Some(csrf)) = (method != Method::GET, &self.csrf) {
            request = request.header("X-CSRF-Token", csrf);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A POST whose answer is a file: status, `Content-Disposition` and bytes.
    pub async fn post_for_file(&self, path: &str, body: &Value) -> (StatusCode, String, Vec<u8>) {
        let mut request = self.client.post(format!("http://{}{}", self.addr, path)).json(body);
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let disposition =
            response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (status, disposition, response.bytes().await.expect("body").to_vec())
    }

    /// A GET whose answer is a file: status, `Content-Disposition` and bytes.
    pub async fn get_file(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let response = self.client.get(format!("http://{}{}", self.addr, path)).send().await.expect("request");
        let status = response.status();
        let disposition =
            response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (status, disposition, response.bytes().await.expect("body").to_vec())
    }

    /// A multipart upload of one `file`.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let mut request = self.client.post(format!("http://{}{}", self.addr, path)).multipart(form);
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        let response = request.send().await.expect("upload");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::DELETE, path, None).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::PATCH, path, Some(body)).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> (StatusCode, Value) {
        let (status, body) = self.post("/api/v1/login", &json!({"username": username, "password": password})).await;
        if status == StatusCode::OK {
            self.csrf = body["csrf_token"].as_str().map(str::to_owned);
        }
        (status, body)
    }

    pub async fn logout(&self) -> (StatusCode, Value) {
        self.post("/api/v1/logout", &json!({})).await
    }

    pub async fn me(&self) -> (StatusCode, Value) {
        self.get("/api/v1/me").await
    }

    pub async fn change_password(&self, old: &str, new: &str) -> (StatusCode, Value) {
        self.post("/api/v1/password", &json!({"old_password": old, "new_password": new})).await
    }

    pub async fn node(&self) -> (StatusCode, Value) {
        self.get("/api/v1/node").await
    }

    pub async fn setup_status(&self) -> (StatusCode, Value) {
        self.get("/api/v1/setup").await
    }

    pub async fn setup(&self, body: &Value) -> (StatusCode, Value) {
        self.post("/api/v1/setup", body).await
    }

    pub async fn regions(&self, query: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/regions{query}")).await
    }

    pub async fn categories(&self, query: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/categories{query}")).await
    }

    pub async fn create_unit(&self, body: &Value) -> (StatusCode, Value) {
        self.post("/api/v1/units", body).await
    }

    pub async fn units(&self, query: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/units{query}")).await
    }

    pub async fn unit(&self, id: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/units/{id}")).await
    }

    pub async fn update_unit(&self, id: &str, body: &Value) -> (StatusCode, Value) {
        self.patch(&format!("/api/v1/units/{id}"), body).await
    }

    pub async fn create_user(&self, body: &Value) -> (StatusCode, Value) {
        self.post("/api/v1/users", body).await
    }

    pub async fn users(&self, query: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/users{query}")).await
    }

    pub async fn update_user(&self, id: &str, body: &Value) -> (StatusCode, Value) {
        self.patch(&format!("/api/v1/users/{id}"), body).await
    }

    pub async fn reset_password(&self, id: &str) -> (StatusCode, Value) {
        self.post(&format!("/api/v1/users/{id}/reset-password"), &json!({})).await
    }

    pub async fn audit(&self, query: &str) -> (StatusCode, Value) {
        self.get(&format!("/api/v1/audit{query}")).await
    }

    pub async fn audit_verify(&self) -> (StatusCode, Value) {
        self.get("/api/v1/audit/verify").await
    }

    pub async fn todo(&self) -> (StatusCode, Value) {
        self.get("/api/v1/todo").await
    }
}

/// A node with one unit (和平区, 001001), its clerk logged in with a changed password.
pub async fn clerk_app() -> (TestApp, Session) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let clerk = app.login_first_time("210102001001jb").await;
    (app, clerk)
}

/// Card fields for `POST /cards`.
pub fn card_body(
    code: &str,
    name: &str,
    category: &str,
    quantity: u32,
    original: i64,
    net: i64,
    status: &str,
) -> Value {
    serde_json::json!({
        "asset_code": code, "name": name, "category": category, "spec": "启天M450", "brand": "联想",
        "quantity": quantity, "measure_unit": "台", "acquired_on": "2021-03-15",
        "original_value_fen": original, "net_value_fen": net, "status": status, "shared": false,
        "using_department": "办公室", "custodian": "张伟"
    })
}

/// A file of `fixtures/`.
pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)).expect("fixture file")
}

/// The error code of an API error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
