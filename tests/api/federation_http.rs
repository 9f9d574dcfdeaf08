//! Issue 5, "done when": three real servers — a city (沈阳), its province (辽宁) and the national
//! node — exchange files through the 数据交换 API only, and a listing and a demand travel up and
//! back down as the notice describes; re-imports are harmless; a flipped bit, an unknown sender,
//! a file for another node and a file from a 停用 peer are refused with plain messages.

use gongwucang::domain::node::NodeKind;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::listings::{decide, entry, idle_card, listed, unit};

pub async fn register(admin: &Session, other: &TestApp, role: &str, name: &str) {
    let (_, n) = other.anonymous().node().await;
    let (status, body) = admin
        .post(
            "/api/v1/peers",
            &json!({"role": role, "node_id": n["node_id"], "public_key": n["public_key"], "name": name}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

pub async fn node_id(app: &TestApp) -> String {
    app.anonymous().node().await.1["node_id"].as_str().unwrap().to_owned()
}

pub async fn export(admin: &Session, to: &TestApp) -> Vec<u8> {
    let (status, _, bytes) = admin.post_for_file("/api/v1/bundles/export", &json!({"to": node_id(to).await})).await;
    assert_eq!(status, StatusCode::OK);
    bytes
}

pub async fn import(admin: &Session, bytes: &[u8]) -> Value {
    let (status, outcome) = admin.upload("/api/v1/bundles/import", "x.gwcb", bytes.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    outcome
}

pub async fn user(app: &TestApp, admin: &Session, username: &str, role: &str, region: &str) -> Session {
    let body =
        json!({"username": username, "name": username, "role": role, "region": region, "password": "Start2025x"});
    let (status, created) = admin.create_user(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let session = app.login(username, "Start2025x").await;
    session.change_password("Start2025x", CHANGED).await;
    session
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_listing_and_a_demand_travel_up_and_back_down_between_three_servers() {
    let city = spawn_app().await;
    let province = spawn_node(NodeKind::Province, "210000").await;
    let national = spawn_node(NodeKind::National, "100000").await;
    let (city_admin, province_admin, national_admin) =
        (city.admin().await, province.admin().await, national.admin().await);
    register(&city_admin, &province, "parent", "辽宁省财政厅").await;
    register(&province_admin, &city, "child", "沈阳市财政局").await;
    register(&province_admin, &national, "parent", "财政部").await;
    register(&national_admin, &province, "child", "辽宁省财政厅").await;

    // 沈阳: a clerk lists a computer for the national platform; reviewer and authority approve.
    let u = unit(&city, &city_admin, "210102", "001001").await;
    let authority = user(&city, &city_admin, "czj", "authority", "210100").await;
    let id = listed(&u.clerk, entry(&idle_card(&u.clerk, "ZC1").await, true, "national", true)).await;
    decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    let (status, body) = authority
        .post(&format!("/api/v1/listings/{id}/authority-review"), &json!({"decision": "approve", "scope": "national"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // And publishes a demand for the whole country (报送至中央).
    let (status, need) = u
        .clerk
        .post(
            "/api/v1/demands",
            &json!({"category": "A02021003", "name": "A4黑白打印机", "quantity": 2, "expected_on": "2027-03-01",
                    "contact_name": "李娜", "contact_phone": "024-22861234", "scope": "national", "submit": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{need}");
    let need_id = need["id"].as_str().unwrap().to_owned();
    let (status, body) =
        u.reviewer.post(&format!("/api/v1/demands/{need_id}/submit"), &json!({"scope": "national"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Up to the province, where 省财政厅 reviews it.
    let up = export(&city_admin, &province).await;
    let outcome = import(&province_admin, &up).await;
    assert_eq!((outcome["result"].as_str(), outcome["events"].as_u64()), (Some("applied"), Some(3)), "{outcome}");
    assert_eq!(import(&province_admin, &up).await["result"], "already_imported", "re-importing is harmless");
    let czt = user(&province, &province_admin, "czt", "province", "210000").await;
    let city_node = node_id(&city).await;
    let remote = format!("{id}@{city_node}");
    let pending = czt.get("/api/v1/listings?national_state=pending_province").await.1;
    assert_eq!(ids(&pending), std::slice::from_ref(&remote), "the city's listing waits for 报送至中央");
    assert_eq!(pending["items"][0]["unit_name"], "单位001001");
    assert_eq!(pending["items"][0]["origin"]["node"], city_node);
    assert_eq!(czt.todo().await.1["items"][0]["count"], 1, "{}", czt.todo().await.1);
    // The city's figures came with the listing (上报统计数据).
    let figures = czt.get("/api/v1/reports/nodes").await.1;
    assert_eq!(figures["reported"][0]["node"], city_node.as_str(), "{figures}");
    assert_eq!(figures["reported"][0]["figures"]["in_warehouse"]["value_fen"], 568_000);
    assert_eq!(figures["total"]["cards"]["count"], 1);
    let (status, body) = decide(&czt, &format!("/api/v1/listings/{remote}/submit-central"), "approve").await;
    assert_eq!((status, body["national_state"].as_str()), (StatusCode::OK, Some("published_national")), "{body}");

    // Up to the national platform: the listing in its 调剂广场, the demand in its 需求广场.
    let to_national = export(&province_admin, &national).await;
    assert_eq!(import(&national_admin, &to_national).await["result"], "applied");
    let mof = user(&national, &national_admin, "mof", "national", "100000").await;
    let plaza = mof.get("/api/v1/plaza/transfer").await.1;
    assert_eq!(ids(&plaza), std::slice::from_ref(&remote));
    assert_eq!(plaza["items"][0]["card"]["name"], "台式计算机");
    let demands = mof.get("/api/v1/plaza/demand").await.1;
    assert_eq!(ids(&demands), [format!("{need_id}@{city_node}")], "{demands}");
    assert_eq!(
        mof.get("/api/v1/plaza/freshness").await.1["parent_name"],
        Value::Null,
        "the national node has no parent"
    );

    // Back down to the city: the decision, and how fresh its view is.
    let down = export(&province_admin, &city).await;
    assert_eq!(import(&city_admin, &down).await["result"], "applied");
    let mine = u.clerk.get(&format!("/api/v1/listings/{id}")).await.1;
    assert_eq!(mine["national_state"], "published_national", "{mine}");
    assert_eq!(ids(&u.clerk.get("/api/v1/plaza/transfer").await.1), std::slice::from_ref(&id));
    let fresh = u.clerk.get("/api/v1/plaza/freshness").await.1;
    assert_eq!(fresh["parent_name"], "辽宁省财政厅");
    assert!(fresh["as_of"].as_str().is_some_and(|t| t.starts_with("20")), "{fresh}");

    // Files that must be refused, each with a message a clerk understands.
    let mut flipped = down.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x10;
    let outcome = import(&city_admin, &flipped).await;
    assert_eq!(outcome["result"], "refused");
    assert!(outcome["message"].as_str().unwrap().contains("重新拷贝"), "{outcome}");
    let from_national = export(&national_admin, &province).await;
    let outcome = import(&city_admin, &from_national).await;
    assert_eq!(outcome["result"], "refused");
    assert!(outcome["message"].as_str().unwrap().contains("未在本节点登记"), "unknown sender: {outcome}");
    let stranger = spawn_node(NodeKind::Local, "210200").await;
    let stranger_admin = stranger.admin().await;
    register(&stranger_admin, &province, "parent", "辽宁省财政厅").await;
    let outcome = import(&stranger_admin, &down).await;
    assert_eq!(outcome["result"], "refused");
    assert!(outcome["message"].as_str().unwrap().contains("不是发给本节点"), "{outcome}");

    // The city withdraws: gone from the national plaza once the files have travelled.
    u.clerk.post(&format!("/api/v1/listings/{id}/exit"), &json!({"reason": "本单位自用"})).await;
    decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    let (status, body) = u.clerk.post(&format!("/api/v1/listings/{id}/cancel"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(import(&province_admin, &export(&city_admin, &province).await).await["result"], "applied");
    assert_eq!(import(&national_admin, &export(&province_admin, &national).await).await["result"], "applied");
    assert!(ids(&mof.get("/api/v1/plaza/transfer").await.1).is_empty());

    // 停用: the province stops trusting the city's key.
    let (status, body) =
        province_admin.post(&format!("/api/v1/peers/{city_node}/revoke"), &json!({"reason": "对方更换了密钥"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["revoked_at"].is_string());
    let outcome = import(&province_admin, &export(&city_admin, &province).await).await;
    assert_eq!(outcome["result"], "refused");
    assert!(outcome["message"].as_str().unwrap().contains("停用"), "{outcome}");
    let (status, body) = province_admin.post("/api/v1/bundles/export", &json!({"to": city_node})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) =
        province_admin.post(&format!("/api/v1/peers/{city_node}/revoke"), &json!({"reason": "再次"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");

fn cli(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(BIN).args(args).env("RUST_LOG", "warn").output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn path(dir: &tempfile::TempDir) -> &str {
    dir.path().to_str().unwrap()
}

/// `init`, then `key show` read back: (node id, public key).
fn cli_node(dir: &tempfile::TempDir, kind: &str, region: &str, name: &str) -> (String, String) {
    let (ok, out) = cli(&[
        "init",
        "--data",
        path(dir),
        "--kind",
        kind,
        "--region",
        region,
        "--name",
        name,
        "--admin-password",
        ADMIN_PASSWORD,
    ]);
    assert!(ok, "{out}");
    let (ok, shown) = cli(&["key", "show", "--data", path(dir)]);
    assert!(ok, "{shown}");
    let field = |label: &str| shown.lines().find_map(|l| l.strip_prefix(label)).unwrap().trim().to_owned();
    (field("节点编号："), field("公钥："))
}

fn cli_peer(dir: &tempfile::TempDir, role: &str, (node, key): &(String, String)) {
    let (ok, out) = cli(&["peer", "add", "--data", path(dir), "--role", role, "--node", node, "--key", key]);
    assert!(ok, "{out}");
}

/// Carries a file by hand: `bundle export` on one folder, `bundle import` on the other.
fn cli_carry(from: &tempfile::TempDir, to: &tempfile::TempDir, to_id: &str, file: &std::path::Path) -> String {
    let (ok, out) = cli(&["bundle", "export", "--data", path(from), "--to", to_id, "--out", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    let (ok, out) = cli(&["bundle", "import", "--data", path(to), file.to_str().unwrap()]);
    assert!(ok, "{out}");
    out
}

#[tokio::test]
async fn three_data_folders_made_on_the_command_line_exchange_files_by_hand() {
    let (c, p, n, files) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let city_id = cli_node(&c, "local", "210100", "沈阳市财政局公物仓");
    let province_id = cli_node(&p, "province", "210000", "辽宁省财政厅");
    let national_id = cli_node(&n, "national", "100000", "财政部");
    cli_peer(&c, "parent", &province_id);
    cli_peer(&p, "child", &city_id);
    cli_peer(&p, "parent", &national_id);
    cli_peer(&n, "child", &province_id);

    // 沈阳: a listing and a demand for the whole country, approved locally.
    let city = start(c).await;
    let admin = city.admin().await;
    let u = unit(&city, &admin, "210102", "001001").await;
    let authority = user(&city, &admin, "czj", "authority", "210100").await;
    let id = listed(&u.clerk, entry(&idle_card(&u.clerk, "ZC1").await, true, "national", true)).await;
    decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
    authority
        .post(&format!("/api/v1/listings/{id}/authority-review"), &json!({"decision": "approve", "scope": "national"}))
        .await;
    let (_, need) = u
        .clerk
        .post(
            "/api/v1/demands",
            &json!({"category": "A02021003", "name": "A4黑白打印机", "quantity": 2, "expected_on": "2027-03-01",
                    "contact_name": "李娜", "contact_phone": "024-22861234", "scope": "national", "submit": true}),
        )
        .await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    u.reviewer.post(&format!("/api/v1/demands/{need_id}/submit"), &json!({"scope": "national"})).await;
    let c = city.stop().await;

    // By hand to the province: inspect first, then import; importing again changes nothing.
    let up = files.path().join("沈阳-辽宁.gwcb");
    let (ok, out) =
        cli(&["bundle", "export", "--data", path(&c), "--to", &province_id.0, "--out", up.to_str().unwrap()]);
    assert!(ok, "{out}");
    let (ok, out) = cli(&["bundle", "inspect", up.to_str().unwrap(), "--data", path(&p)]);
    assert!(ok && out.contains("签名：有效") && out.contains("入仓资产（listing）：1 条"), "{out}");
    assert!(out.contains("统计数据（figures）：1 条"), "{out}");
    assert!(out.contains("需求（demand）：1 条"), "{out}");
    let (ok, out) = cli(&["bundle", "import", "--data", path(&p), up.to_str().unwrap()]);
    assert!(ok && out.contains("已导入对方第 1–3 条事件"), "{out}");
    let (ok, out) = cli(&["bundle", "import", "--data", path(&p), up.to_str().unwrap()]);
    assert!(ok && out.contains("此前均已导入"), "{out}");

    // 辽宁省财政厅 报送至中央.
    let province = start(p).await;
    let province_admin = province.admin().await;
    let czt = user(&province, &province_admin, "czt", "province", "210000").await;
    let remote = format!("{id}@{}", city_id.0);
    let (status, body) = decide(&czt, &format!("/api/v1/listings/{remote}/submit-central"), "approve").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = province.stop().await;

    // Up to the national node, back down to the city.
    cli_carry(&p, &n, &national_id.0, &files.path().join("辽宁-财政部.gwcb"));
    let down = files.path().join("辽宁-沈阳.gwcb");
    cli_carry(&p, &c, &city_id.0, &down);
    let national = start(n).await;
    let mof = user(&national, &national.admin().await, "mof", "national", "100000").await;
    assert_eq!(ids(&mof.get("/api/v1/plaza/transfer").await.1), std::slice::from_ref(&remote));
    assert_eq!(ids(&mof.get("/api/v1/plaza/demand").await.1), [format!("{need_id}@{}", city_id.0)]);
    let n = national.stop().await;
    let city = start(c).await;
    let clerk = city.login("210102001001jb", CHANGED).await;
    assert_eq!(clerk.get(&format!("/api/v1/listings/{id}")).await.1["national_state"], "published_national");
    assert!(clerk.get("/api/v1/plaza/freshness").await.1["as_of"].is_string());
    let c = city.stop().await;

    // What must be refused, on the command line too.
    let mut bytes = std::fs::read(&down).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 4;
    let flipped = files.path().join("flipped.gwcb");
    std::fs::write(&flipped, bytes).unwrap();
    let (ok, out) = cli(&["bundle", "import", "--data", path(&c), flipped.to_str().unwrap()]);
    assert!(!ok && out.contains("重新拷贝"), "{out}");
    let (ok, out) =
        cli(&["bundle", "import", "--data", path(&c), files.path().join("辽宁-财政部.gwcb").to_str().unwrap()]);
    assert!(!ok && out.contains("不是发给本节点"), "{out}");
    let from_national = files.path().join("财政部-辽宁.gwcb");
    let (ok, out) = cli(&[
        "bundle",
        "export",
        "--data",
        path(&n),
        "--to",
        &province_id.0,
        "--out",
        from_national.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let (ok, out) = cli(&["bundle", "import", "--data", path(&c), from_national.to_str().unwrap()]);
    assert!(!ok && out.contains("未在本节点登记"), "{out}");
}

/// Issue 6 item 1 across nodes: 大连's clerk registers an interest in 沈阳's listing on the
/// platform; it travels through the province to 沈阳, whose clerk accepts it (洽谈中 at both
/// cities), records the result to 大连's unit by its name, and 大连 sees its interest completed —
/// through files carried by hand only. A second interest withdrawn at 大连 is withdrawn at 沈阳.
#[tokio::test]
async fn an_interest_in_another_citys_listing_travels_by_bundle_to_its_result() {
    let shenyang = spawn_app().await;
    let dalian = spawn_node(NodeKind::Local, "210200").await;
    let province = spawn_node(NodeKind::Province, "210000").await;
    let (sy_admin, dl_admin, prov_admin) = (shenyang.admin().await, dalian.admin().await, province.admin().await);
    register(&sy_admin, &province, "parent", "辽宁省财政厅").await;
    register(&dl_admin, &province, "parent", "辽宁省财政厅").await;
    register(&prov_admin, &shenyang, "child", "沈阳市财政局").await;
    register(&prov_admin, &dalian, "child", "大连市财政局").await;

    // 沈阳 offers two computers to the province's units; the province publishes them.
    let u = unit(&shenyang, &sy_admin, "210102", "001001").await;
    let authority = user(&shenyang, &sy_admin, "czj", "authority", "210100").await;
    let mut ids = Vec::new();
    for code in ["ZC1", "ZC2", "ZC3"] {
        let id = listed(&u.clerk, entry(&idle_card(&u.clerk, code).await, true, "province", true)).await;
        decide(&u.reviewer, &format!("/api/v1/listings/{id}/review"), "approve").await;
        let (status, body) = authority
            .post(
                &format!("/api/v1/listings/{id}/authority-review"),
                &json!({"decision": "approve", "scope": "province"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.push(id);
    }
    import(&prov_admin, &export(&sy_admin, &province).await).await;
    let czt = user(&province, &prov_admin, "czt", "province", "210000").await;
    let sy_node = node_id(&shenyang).await;
    for id in &ids {
        let (status, body) = decide(&czt, &format!("/api/v1/listings/{id}@{sy_node}/submit-central"), "approve").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    import(&dl_admin, &export(&prov_admin, &dalian).await).await;

    // 大连: a clerk registers interest in both from the platform copy.
    let dl = unit(&dalian, &dl_admin, "210202", "003001").await;
    let remote: Vec<String> = ids.iter().map(|id| format!("{id}@{sy_node}")).collect();
    let (_, seen) = dl.clerk.get(&format!("/api/v1/listings/{}", remote[0])).await;
    assert!(seen["actions"].as_array().unwrap().contains(&json!("interest")), "{seen}");
    let body =
        json!({"quantity": 1, "purpose": "新设办公室使用", "contact_name": "赵强", "contact_phone": "0411-8280001"});
    let mut mine = Vec::new();
    for id in &remote {
        let (status, created) = dl.clerk.post(&format!("/api/v1/listings/{id}/interests"), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        mine.push(created["id"].as_str().unwrap().to_owned());
    }
    let (status, body) = dl.clerk.post(&format!("/api/v1/interests/{}/withdraw", mine[1]), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Through the province to 沈阳: the queue shows 大连's unit.
    import(&prov_admin, &export(&dl_admin, &province).await).await;
    import(&sy_admin, &export(&prov_admin, &shenyang).await).await;
    let queue = u.clerk.get(&format!("/api/v1/listings/{}/interests", ids[0])).await.1;
    let item = &queue["items"][0];
    assert_eq!((item["state"].as_str(), item["purpose"].as_str()), (Some("open"), Some("新设办公室使用")), "{queue}");
    assert!(item["unit_name"].as_str().unwrap().contains("单位003001"), "{item}");
    let withdrawn = u.clerk.get(&format!("/api/v1/listings/{}/interests", ids[1])).await.1;
    assert_eq!(withdrawn["items"][0]["state"], "withdrawn", "{withdrawn}");
    let interest_id = item["id"].as_str().unwrap().to_owned();
    let (status, accepted) = u.clerk.post(&format!("/api/v1/interests/{interest_id}/accept"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let third = u.clerk.get(&format!("/api/v1/listings/{}/interests", ids[2])).await.1["items"][0]["id"].clone();
    let (status, body) =
        u.clerk.post(&format!("/api/v1/interests/{}/accept", third.as_str().unwrap()), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Back to 大连: accepted, and the listing held for its unit.
    import(&prov_admin, &export(&sy_admin, &province).await).await;
    import(&dl_admin, &export(&prov_admin, &dalian).await).await;
    let registered = dl.clerk.get("/api/v1/interests").await.1["registered"].clone();
    let first = registered.as_array().unwrap().iter().find(|i| i["id"] == mine[0].as_str()).unwrap();
    assert_eq!(first["state"], "accepted", "{registered}");
    assert!(first["hold_until"].is_string());
    let held = dl.clerk.get(&format!("/api/v1/listings/{}", remote[0])).await.1;
    assert_eq!(held["hold"]["unit_name"], "单位003001", "held for 大连's unit: {held}");

    // 沈阳 records the result to 大连's unit, by the name the hold shows.
    let own = u.clerk.get(&format!("/api/v1/listings/{}", ids[0])).await.1;
    let receiver = own["hold"]["unit_name"].as_str().unwrap().to_owned();
    assert_eq!(receiver, "单位003001", "{own}");
    let result = json!({"method": "allocation", "receiver_name": receiver, "date": gongwucang::domain::clock::today(),
                        "quantity": 1, "note": "已办理跨地区调拨手续"});
    let (status, done) = u.clerk.post(&format!("/api/v1/listings/{}/result", ids[0]), &result).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let queue = u.clerk.get(&format!("/api/v1/listings/{}/interests", ids[0])).await.1;
    assert_eq!(queue["items"][0]["state"], "completed", "{queue}");
    import(&prov_admin, &export(&sy_admin, &province).await).await;
    import(&dl_admin, &export(&prov_admin, &dalian).await).await;
    let registered = dl.clerk.get("/api/v1/interests").await.1["registered"].clone();
    let states: Vec<(&str, &str)> = registered
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert!(states.contains(&(mine[0].as_str(), "completed")), "{registered}");
    assert!(states.contains(&(mine[1].as_str(), "withdrawn")), "{registered}");

    // 大连 withdraws the third after 沈阳 accepted it: at 沈阳 the listing is released (no longer
    // 洽谈中) and back on offer, and so it is at 大连 once the release has travelled.
    assert_eq!(dl.clerk.get(&format!("/api/v1/listings/{}", remote[2])).await.1["hold"]["unit_name"], "单位003001");
    let (status, body) = dl.clerk.post(&format!("/api/v1/interests/{}/withdraw", mine[2]), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    import(&prov_admin, &export(&dl_admin, &province).await).await;
    import(&sy_admin, &export(&prov_admin, &shenyang).await).await;
    let released = u.clerk.get(&format!("/api/v1/listings/{}", ids[2])).await.1;
    assert!(released["hold"].is_null(), "released at the listing's node: {released}");
    let queue = u.clerk.get(&format!("/api/v1/listings/{}/interests", ids[2])).await.1;
    assert_eq!(queue["items"][0]["state"], "withdrawn", "{queue}");
    import(&prov_admin, &export(&sy_admin, &province).await).await;
    import(&dl_admin, &export(&prov_admin, &dalian).await).await;
    assert!(dl.clerk.get(&format!("/api/v1/listings/{}", remote[2])).await.1["hold"].is_null());
    // The unit that received the first one still reads it after it left the plazas.
    assert_eq!(dl.clerk.get(&format!("/api/v1/listings/{}", remote[0])).await.0, StatusCode::OK);
}
