//! 数据备份与恢复 (issue 7, item 2): `gongwucang backup` while the server runs and writes, the
//! restore into an empty folder equal to the snapshot, a damaged or foreign file refused without
//! touching anything, and the admin's page (立即备份, list, download, 校验).

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("run gongwucang")
}

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Every row of the tables the API writes, read back through a store opened on `dir`.
fn records(dir: &std::path::Path) -> Vec<(String, usize)> {
    let store = gongwucang::store::Store::open(dir).unwrap();
    store
        .read(|r| {
            Ok(vec![
                ("units".to_owned(), gongwucang::store::units::all(r)?.len()),
                ("cards".to_owned(), gongwucang::store::cards::all(r)?.len()),
                ("audit".to_owned(), gongwucang::store::audit::verify(r)?.events as usize),
            ])
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_the_server_writes_restores_into_an_empty_folder_and_a_damaged_one_is_refused() {
    let (app, clerk) = clerk_app().await;
    let dir = app.path();
    // Writes go on while the CLI asks the running server for a backup.
    let writes = async {
        for n in 0..40 {
            let body = card_body(&format!("BK{n:03}"), "台式计算机", "A02010105", 1, 500_000, 100_000, "idle");
            let (status, body) = clerk.post("/api/v1/cards", &body).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    };
    let data = dir.display().to_string();
    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("copy.gwcbak");
    let cli = tokio::task::spawn_blocking({
        let copy = copy.display().to_string();
        move || run(&["backup", "--data", &data, "--out", &copy])
    });
    let ((), output) = tokio::join!(writes, cli);
    let output = output.unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("正在运行") && text(&output).contains("备份完成"), "{}", text(&output));

    // Restored into an empty folder: the node it was at the moment of the snapshot, chain verified.
    let restored = out.path().join("restored");
    let output = run(&["restore", "--from", &copy.display().to_string(), "--data", &restored.display().to_string()]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("校验通过"), "{}", text(&output));
    let counts = records(&restored);
    // A moment of the node: the cards then are the first n of the 40 made, none half-written.
    let store = gongwucang::store::Store::open(&restored).unwrap();
    let mut codes: Vec<String> =
        store.read(gongwucang::store::cards::all).unwrap().into_iter().map(|c| c.asset_code).collect();
    drop(store);
    codes.sort();
    let expected: Vec<String> = (0..codes.len()).map(|n| format!("BK{n:03}")).collect();
    assert_eq!(codes, expected, "{counts:?}");
    let (_, live) = clerk.get("/api/v1/cards?page_size=100").await;
    assert_eq!(live["total"], 40, "the server went on: {live}");
    assert!(counts[2].1 > codes.len(), "the audit chain verified: {counts:?}");

    // A flipped byte: refused, the folder is not created.
    let mut bytes = std::fs::read(&copy).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged = out.path().join("damaged.gwcbak");
    std::fs::write(&damaged, &bytes).unwrap();
    let target = out.path().join("never");
    let output = run(&["restore", "--from", &damaged.display().to_string(), "--data", &target.display().to_string()]);
    assert!(!output.status.success());
    assert!(text(&output).contains("备份文件无效") || text(&output).contains("未通过验证"), "{}", text(&output));
    assert!(!target.exists(), "nothing written");
    // Into a folder that already holds a node: refused, the node untouched.
    let output = run(&["restore", "--from", &copy.display().to_string(), "--data", &restored.display().to_string()]);
    assert!(!output.status.success() && text(&output).contains("不是空的"), "{}", text(&output));
    assert_eq!(records(&restored), counts);
}

#[tokio::test]
async fn the_admin_takes_lists_downloads_and_checks_backups_and_nobody_else_does() {
    let (app, clerk) = clerk_app().await;
    let admin = app.admin().await;
    let (status, made) = admin.post("/api/v1/backups", &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let name = made["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("manual-") && name.ends_with(".gwcbak"), "{name}");
    let (status, list) = admin.get("/api/v1/backups").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"][0]["name"], name.as_str());
    assert_eq!((list["keep"].as_u64(), list["next_auto_at"].is_string()), (Some(14), true), "{list}");

    let (status, _, bytes) = admin.get_file(&format!("/api/v1/backups/{name}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, std::fs::read(app.path().join("backups").join(&name)).unwrap());
    let (status, checked) = admin.upload("/api/v1/backups/check", &name, bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!((checked["this_node"].as_bool(), checked["header"]["format"].as_u64()), (Some(true), Some(1)));
    let mut damaged = bytes.clone();
    let last = damaged.len() - 2;
    damaged[last] ^= 1;
    let (status, refused) = admin.upload("/api/v1/backups/check", "x.gwcbak", damaged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("校验和不符"), "{refused}");

    // Names are ours only; the audit says who took it.
    for bad in ["..%2Fgongwucang.redb", "node.key", "manual-1.gwcbak.partial"] {
        assert_eq!(admin.get(&format!("/api/v1/backups/{bad}")).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
    let (_, audit) = admin.audit("?page_size=50").await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "backup_created"), "{audit}");
    assert_eq!(clerk.get("/api/v1/backups").await.0, StatusCode::FORBIDDEN);
    assert_eq!(clerk.post("/api/v1/backups", &json!({})).await.0, StatusCode::FORBIDDEN);

    // 系统设置: how many automatic backups are kept (0 stops them).
    let (_, mut settings) = admin.get("/api/v1/settings").await;
    settings["backup_keep"] = json!(0);
    let (status, saved) = admin.put("/api/v1/settings", &settings).await;
    assert_eq!((status, saved["backup_keep"].clone()), (StatusCode::OK, json!(0)), "{saved}");
    assert_eq!(admin.get("/api/v1/backups").await.1["next_auto_at"], Value::Null);
    settings["backup_keep"] = json!(400);
    assert_eq!(admin.put("/api/v1/settings", &settings).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}
