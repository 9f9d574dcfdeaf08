//! Peers: a city node registers its province as parent (API) and the province its city as child
//! (CLI), after comparing fingerprints; typos, a second parent and wrong levels are refused.

use gongwucang::domain::node::NodeKind;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_city_registers_its_province_as_parent_and_typos_are_caught() {
    let city = spawn_app().await;
    let province = spawn_node(NodeKind::Province, "210000").await;
    let other_province = spawn_node(NodeKind::Province, "220000").await;
    let (_, p) = province.anonymous().node().await;
    let admin = city.admin().await;

    let (_, q) = other_province.anonymous().node().await;
    // A valid key that is not the province's (as if copied from the wrong line).
    let (status, refused) = admin
        .post("/api/v1/peers", &json!({"role": "parent", "node_id": p["node_id"], "public_key": q["public_key"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("节点编号与公钥不匹配"), "{refused}");
    let (status, refused) =
        admin.post("/api/v1/peers", &json!({"role": "parent", "node_id": p["node_id"], "public_key": "0f0f"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, refused) = admin
        .post("/api/v1/peers", &json!({"role": "parent", "node_id": q["node_id"], "public_key": q["public_key"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "吉林省 is not 沈阳市's parent: {refused}");

    let body =
        json!({"role": "parent", "node_id": p["node_id"], "public_key": p["public_key"], "name": "辽宁省财政厅"});
    let (status, peer) = admin.post("/api/v1/peers", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{peer}");
    assert_eq!(peer["fingerprint"], p["fingerprint"], "the fingerprint the admin compares over the phone");
    assert_eq!(peer["region_path"], "辽宁省");
    let (status, again) = admin.post("/api/v1/peers", &body).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "conflict"), "{again}");

    let list = admin.get("/api/v1/peers").await.1;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["name"], "辽宁省财政厅");
    assert_eq!(admin.audit("?action=peer_added").await.1["total"], 1);
}

#[test]
fn peer_add_on_the_command_line_checks_and_prints_the_fingerprint() {
    const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");
    let run = |args: &[&str]| std::process::Command::new(BIN).args(args).env("RUST_LOG", "warn").output().unwrap();
    let province = tempfile::tempdir().unwrap();
    let city = tempfile::tempdir().unwrap();
    initialise(province.path(), NodeKind::Province, "210000");
    initialise(city.path(), NodeKind::Local, "210100");
    let show = run(&["key", "show", "--data", city.path().to_str().unwrap()]);
    let shown = String::from_utf8(show.stdout).unwrap();
    let field = |name: &str| {
        shown
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("{shown}"))
    };
    let (node_id, key, fingerprint) = (field("节点编号："), field("公钥："), field("指纹："));

    let data = province.path().to_str().unwrap();
    let added = run(&["peer", "add", "--data", data, "--role", "child", "--node", &node_id, "--key", &key]);
    let out = String::from_utf8_lossy(&added.stdout);
    assert!(added.status.success(), "{out} {}", String::from_utf8_lossy(&added.stderr));
    assert!(out.contains(&fingerprint) && out.contains("沈阳市"), "{out}");
    let again = run(&["peer", "add", "--data", data, "--role", "parent", "--node", &node_id, "--key", &key]);
    assert!(!again.status.success());
    let listed = run(&["peer", "list", "--data", data]);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(out.contains("下级节点") && out.contains(&node_id) && out.contains(&fingerprint), "{out}");
    let nowhere = tempfile::tempdir().unwrap();
    let refused = run(&["peer", "list", "--data", nowhere.path().to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("gongwucang init"));
}

#[tokio::test]
async fn the_admin_exports_a_bundle_that_the_parent_inspects_and_imports_through_the_api() {
    let city = spawn_app().await;
    let province = spawn_node(NodeKind::Province, "210000").await;
    let (_, c) = city.anonymous().node().await;
    let (_, p) = province.anonymous().node().await;
    let city_admin = city.admin().await;
    let province_admin = province.admin().await;
    city_admin
        .post("/api/v1/peers", &json!({"role": "parent", "node_id": p["node_id"], "public_key": p["public_key"]}))
        .await;
    province_admin
        .post(
            "/api/v1/peers",
            &json!({"role": "child", "node_id": c["node_id"], "public_key": c["public_key"], "name": "沈阳市财政局"}),
        )
        .await;

    let (status, refused) = city_admin.post("/api/v1/bundles/export", &json!({"to": "210000-00000000"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{refused}");
    let (status, disposition, bytes) =
        city_admin.post_for_file("/api/v1/bundles/export", &json!({"to": p["node_id"]})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains(".gwcb"), "{disposition}");

    let (status, seen) = province_admin.upload("/api/v1/bundles/inspect", "b.gwcb", bytes.clone()).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!((seen["sender_name"].as_str(), seen["signature_valid"].as_bool()), (Some("沈阳市财政局"), Some(true)));
    assert_eq!(seen["sender_fingerprint"], c["fingerprint"]);
    assert_eq!(
        province_admin.get("/api/v1/bundles").await.1["items"].as_array().unwrap().len(),
        0,
        "inspect imports nothing"
    );

    let (status, outcome) = province_admin.upload("/api/v1/bundles/import", "b.gwcb", bytes.clone()).await;
    assert_eq!((status, outcome["result"].as_str()), (StatusCode::OK, Some("already_imported")), "{outcome}");
    let mut bad = bytes.clone();
    bad[30] ^= 1;
    let (_, outcome) = province_admin.upload("/api/v1/bundles/import", "b.gwcb", bad).await;
    assert_eq!(outcome["result"], "refused", "{outcome}");
    let (status, refused) = province_admin.upload("/api/v1/bundles/inspect", "x.gwcb", b"not a bundle".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("不是公物仓数据包"), "{refused}");

    let history = province_admin.get("/api/v1/bundles").await.1;
    let results: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|i| i["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["refused", "already_imported"], "newest first");
    assert_eq!(city_admin.get("/api/v1/bundles").await.1["items"][0]["result"], "exported");
}
