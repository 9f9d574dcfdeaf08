use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

fn listed_errors(file: &str) -> BTreeSet<u64> {
    String::from_utf8(fixture(file))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next()?.parse().ok())
        .collect()
}

fn error_rows(report: &Value) -> BTreeSet<u64> {
    report["errors"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn a_10000_row_export_is_checked_first_then_every_valid_row_applied_once() {
    let (_app, clerk) = clerk_app().await;
    let xlsx = fixture("ledger/ledger-10000.xlsx");
    let (status, dry) = clerk.upload("/api/v1/cards/import?dry_run=true", "台账.xlsx", xlsx.clone()).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["rows"].as_u64(), dry["valid"].as_u64(), dry["invalid"].as_u64()),
        (Some(10_000), Some(9_700), Some(300))
    );
    assert_eq!(dry["applied"], false);
    assert_eq!(error_rows(&dry), listed_errors("ledger/ledger-10000-errors.csv"));
    assert!(
        dry["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["column"].as_str().unwrap().is_empty() && !e["message"].as_str().unwrap().is_empty())
    );
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 0, "a dry run writes nothing");

    let (status, applied) = clerk.upload("/api/v1/cards/import", "台账.xlsx", xlsx).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((applied["created"].as_u64(), applied["applied"].as_bool()), (Some(9_700), Some(true)));
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 9_700);

    let (status, again) =
        clerk.upload("/api/v1/cards/import", "台账-gbk.csv", fixture("ledger/ledger-10000-gbk.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (again["created"].as_u64(), again["invalid"].as_u64()),
        (Some(0), Some(300)),
        "the GBK CSV holds the same rows"
    );
    assert_eq!(error_rows(&again), listed_errors("ledger/ledger-10000-errors.csv"));
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 9_700, "re-importing updates instead of duplicating");
}

#[tokio::test]
async fn a_reimport_with_a_changed_row_updates_that_card_with_history() {
    let (_app, clerk) = clerk_app().await;
    let csv = "资产编号,资产名称,资产分类代码,数量,取得日期,原值,净值,使用状态,存放地点\nZC1,台式计算机,A02010105,1,2020-01-01,5680.00,1000.00,在用,大院/综合楼/3层/305室\n";
    let (_, first) = clerk.upload("/api/v1/cards/import", "a.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(first["created"], 1, "{first}");
    let card = clerk.get("/api/v1/cards").await.1["items"][0].clone();
    assert_eq!(
        (card["location_text"].as_str(), card["location_complete"].as_bool()),
        (Some("大院 › 综合楼 › 3层 › 305室"), Some(true))
    );
    let changed = csv.replace("在用", "闲置");
    let (_, second) = clerk.upload("/api/v1/cards/import", "a.csv", changed.into_bytes()).await;
    assert_eq!((second["created"].as_u64(), second["updated"].as_u64()), (Some(0), Some(1)));
    let detail = clerk.get(&format!("/api/v1/cards/{}", card["id"].as_str().unwrap())).await.1;
    assert_eq!(detail["status"], "idle");
    let line = &detail["history"][0];
    assert_eq!(
        (line["field"].as_str(), line["before"].as_str(), line["after"].as_str(), line["source"].as_str()),
        (Some("使用状态"), Some("在用"), Some("闲置"), Some("import"))
    );
}

#[tokio::test]
async fn hostile_files_get_a_clear_error_and_write_nothing() {
    let (app, clerk) = clerk_app().await;
    let cases = [
        ("bad/wrong-headers.csv", StatusCode::UNPROCESSABLE_ENTITY, "缺少必需的列"),
        ("bad/broken.xlsx", StatusCode::UNPROCESSABLE_ENTITY, "已损坏"),
        ("bad/zip-bomb.xlsx", StatusCode::PAYLOAD_TOO_LARGE, "压缩"),
        ("bad/empty.csv", StatusCode::UNPROCESSABLE_ENTITY, "没有数据"),
        ("bad/not-an-image.jpg", StatusCode::UNPROCESSABLE_ENTITY, "没有数据"),
    ];
    for (file, status, reason) in cases {
        let (got, body) = clerk.upload("/api/v1/cards/import", file, fixture(&format!("ledger/{file}"))).await;
        assert_eq!(got, status, "{file}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(reason), "{file}: {body}");
    }
    assert_eq!(clerk.get("/api/v1/cards").await.1["total"], 0);
    let admin = app.admin().await;
    assert_eq!(admin.audit("?action=cards_imported").await.1["total"], 0);
}

#[tokio::test]
async fn a_200_mb_upload_is_refused_before_it_is_read() {
    use std::io::{Read, Write};
    let (app, _clerk) = clerk_app().await;
    let login = reqwest::Client::new()
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({"username": "210102001001jb", "password": CHANGED}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();
    let addr = app.addr;
    let head = format!(
        "POST /api/v1/cards/import HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n--b\r\n",
        addr,
        200 * 1024 * 1024
    );
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("too_large") && answer.contains("上限 20 MB"), "{answer}");
}

#[tokio::test]
async fn the_template_downloads_as_a_workbook_with_every_column() {
    let (app, clerk) = clerk_app().await;
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = serde_json::json!({"username": "210102001001jb", "password": CHANGED});
    client.post(app.url("/api/v1/login")).json(&login).send().await.unwrap();
    let response = client.get(app.url("/api/v1/cards/import/template")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let bytes = response.bytes().await.unwrap().to_vec();
    let (status, dry) = clerk.upload("/api/v1/cards/import?dry_run=true", "template.xlsx", bytes).await;
    assert_eq!(
        (status, dry["valid"].as_u64(), dry["invalid"].as_u64()),
        (StatusCode::OK, Some(1), Some(0)),
        "the template imports as it is: {dry}"
    );
}

#[tokio::test]
async fn the_dry_run_predicts_exactly_what_the_import_does() {
    let (_app, clerk) = clerk_app().await;
    let file = fixture("ledger/ledger-small.csv");
    let (_, dry) = clerk.upload("/api/v1/cards/import?dry_run=true", "a.csv", file.clone()).await;
    let (_, applied) = clerk.upload("/api/v1/cards/import", "a.csv", file).await;
    for key in
        ["rows", "valid", "invalid", "created", "updated", "new_locations", "unmatched_locations", "errors_total"]
    {
        assert_eq!(dry[key], applied[key], "{key}: dry {dry} vs applied {applied}");
    }
    assert_eq!(dry["applied"], false);
}

#[tokio::test]
async fn a_reimport_does_not_undo_a_split() {
    let (_app, clerk) = clerk_app().await;
    let csv = "资产编号,资产名称,资产分类代码,数量,取得日期,原值,净值,使用状态\nZC9,办公椅,A05010301,10,2021-01-01,6800.00,2040.50,在用\n";
    clerk.upload("/api/v1/cards/import", "a.csv", csv.as_bytes().to_vec()).await;
    let card = clerk.get("/api/v1/cards").await.1["items"][0].clone();
    let parts = serde_json::json!({"parts": [{"quantity": 6, "status": "in_use", "shared": false}, {"quantity": 4, "status": "idle", "shared": false}]});
    clerk.post(&format!("/api/v1/cards/{}/split", card["id"].as_str().unwrap()), &parts).await;
    let (_, again) = clerk.upload("/api/v1/cards/import", "a.csv", csv.as_bytes().to_vec()).await;
    assert_eq!((again["updated"].as_u64(), again["invalid"].as_u64()), (Some(0), Some(1)), "{again}");
    assert!(again["errors"][0]["message"].as_str().unwrap().contains("已在本系统拆分"));
    let quantities: u64 = clerk.get("/api/v1/cards").await.1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["quantity"].as_u64().unwrap())
        .sum();
    assert_eq!(quantities, 10);
}
