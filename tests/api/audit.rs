use redb::{Database, ReadableTable};
use reqwest::StatusCode;
use serde_json::{Value, json};

use gongwucang::store::DB_FILE;
use gongwucang::store::tables::AUDIT;

use crate::helpers::*;

#[tokio::test]
async fn every_change_appends_a_chained_event_with_who_and_what() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let events = admin.audit("?page_size=200").await.1;
    let items = events["items"].as_array().unwrap();
    let actions: Vec<_> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unit_created", "login", "node_initialized"]);
    let created = &items[0];
    assert_eq!(created["username"], "admin");
    assert_eq!(created["role"], "admin");
    assert_eq!(created["region"], "210102");
    assert!(created["summary"].as_str().unwrap().contains("和平区财政局"));
    assert_eq!(created["prev_hash"], items[1]["hash"]);
    let verify = admin.audit_verify().await.1;
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["events"], 3);
    assert_eq!(verify["first_broken"], Value::Null);
}

#[tokio::test]
async fn failed_logins_are_audited_too() {
    let app = spawn_app().await;
    app.anonymous().login("admin", "wrong12345").await;
    let admin = app.admin().await;
    let events = admin.audit("?action=login_failed").await.1;
    assert_eq!(events["total"], 1);
    assert_eq!(events["items"][0]["username"], "admin");
}

fn tamper(dir: &std::path::Path, seq: u64, change: impl FnOnce(&mut Value)) {
    let db = Database::open(dir.join(DB_FILE)).expect("open database file");
    let txn = db.begin_write().unwrap();
    {
        let mut table = txn.open_table(AUDIT).unwrap();
        let mut event: Value = serde_json::from_slice(table.get(seq).unwrap().expect("event").value()).unwrap();
        change(&mut event);
        let bytes = serde_json::to_vec(&event).unwrap();
        table.insert(seq, bytes.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

#[tokio::test]
async fn an_event_altered_inside_the_database_file_breaks_the_chain_there() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    app.create_unit(&admin, "210103", "001001", "沈河区财政局").await;
    drop(admin);
    let dir = app.stop().await;

    tamper(dir.path(), 3, |event| event["summary"] = json!("新增单位“不存在的单位”"));

    let app = start(dir).await;
    let admin = app.admin().await;
    let verify = admin.audit_verify().await.1;
    assert_eq!(verify["ok"], false, "{verify}");
    assert_eq!(verify["first_broken"], 3);
    assert!(verify["message"].as_str().unwrap().contains("第 3 条"));
}

#[tokio::test]
async fn a_recomputed_hash_still_breaks_the_next_link() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    drop(admin);
    let dir = app.stop().await;

    tamper(dir.path(), 2, |event| event["hash"] = json!("f".repeat(64)));

    let app = start(dir).await;
    let verify = app.admin().await.audit_verify().await.1;
    assert_eq!(verify["first_broken"], 2, "{verify}");
}

#[tokio::test]
async fn an_authority_sees_only_its_regions_events() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    app.create_unit(&admin, "210103", "001001", "沈河区财政局").await;
    admin.create_user(&json!({"username": "heping", "name": "和平区财政局", "role": "authority", "region": "210102", "password": "Start2025x"})).await;
    let authority = app.login("heping", "Start2025x").await;
    authority.change_password("Start2025x", CHANGED).await;
    let events = authority.audit("?page_size=200").await.1;
    let items = events["items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["region"] == "210102"), "{events}");
    assert!(items.iter().any(|e| e["summary"].as_str().unwrap().contains("和平区财政局")));
    assert!(!items.iter().any(|e| e["summary"].as_str().unwrap().contains("沈河区")));
    assert_eq!(authority.audit_verify().await.0, StatusCode::OK);
}
