//! Upgrades (issue 7, item 8): the data folder of the previous release — `fixtures/upgrade/857a5ab/`,
//! made by the binary of commit 857a5ab (`gongwucang demo`, then a few writes through its HTTP
//! API), from before the plaza index — opens with this build without a manual step, has its index
//! built once, answers every figure the old node answered (`figures.json`, recorded from the old
//! node while it ran), and takes new writes that survive a restart. A future migration step runs
//! on the same old file once, in one transaction, before the index is built.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use gongwucang::domain::DomainError;
use gongwucang::domain::plaza::{Plaza, within};
use gongwucang::domain::region::RegionCode;
use gongwucang::store::schema::{self, CURRENT_VERSION, Migration};
use gongwucang::store::{self, Read, Store, StoreError, Tx};
use redb::{ReadOnlyDatabase, ReadableDatabase, TableHandle};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The old data folder, each file zstd-compressed.
const FIXTURE: &str = "upgrade/857a5ab";
const FILES: [&str; 4] = [store::DB_FILE, "node.key", "node.pub", "演示账户.txt"];

/// What the old node answered (see `fixtures/upgrade/README.md`).
fn figures() -> Value {
    serde_json::from_slice(&fixture(&format!("{FIXTURE}/figures.json"))).expect("figures.json")
}

/// The old data folder, unpacked into a fresh temp folder.
fn unpack() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in FILES {
        let packed = fixture(&format!("{FIXTURE}/{name}.zst"));
        let bytes = zstd::decode_all(packed.as_slice()).expect("fixture decompresses");
        std::fs::write(dir.path().join(name), bytes).expect("write fixture file");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("node.key");
        std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600)).expect("key permissions");
    }
    dir
}

/// The tables of the (closed) database file, read with redb itself.
fn tables(dir: &Path) -> Vec<String> {
    let db = ReadOnlyDatabase::open(dir.join(store::DB_FILE)).expect("open the file with redb");
    db.begin_read().unwrap().list_tables().unwrap().map(|t| t.name().to_owned()).collect()
}

fn plaza_tables(dir: &Path) -> Vec<String> {
    tables(dir).into_iter().filter(|t| t.starts_with("plaza_")).collect()
}

/// The schema version in the (closed) file, read with redb itself.
fn raw_schema_version(dir: &Path) -> Option<u32> {
    let db = ReadOnlyDatabase::open(dir.join(store::DB_FILE)).unwrap();
    let read = db.begin_read().unwrap();
    let meta = read.open_table(store::tables::META).unwrap();
    let bytes = meta.get(store::tables::meta_keys::SCHEMA_VERSION).unwrap()?;
    Some(store::codec::decode(bytes.value()).unwrap())
}

/// A key of `plaza_state` that only this test writes: a rebuild of the index (which deletes the
/// table) takes it away, so its surviving an open shows the index was not rebuilt.
const MARKER: &str = "upgrade-test-marker";

fn set_marker(dir: &Path) {
    let db = redb::Database::create(dir.join(store::DB_FILE)).unwrap();
    let write = db.begin_write().unwrap();
    write.open_table(store::plaza::STATE).unwrap().insert(MARKER, 7).unwrap();
    write.commit().unwrap();
}

fn marker(dir: &Path) -> Option<u32> {
    let db = ReadOnlyDatabase::open(dir.join(store::DB_FILE)).unwrap();
    let read = db.begin_read().unwrap();
    let state = read.open_table(store::plaza::STATE).unwrap();
    state.get(MARKER).unwrap().map(|v| v.value())
}

fn index_version(dir: &Path) -> Option<u32> {
    let db = ReadOnlyDatabase::open(dir.join(store::DB_FILE)).unwrap();
    let read = db.begin_read().unwrap();
    let state = read.open_table(store::plaza::STATE).unwrap();
    state.get("version").unwrap().map(|v| v.value())
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().expect("array").iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// `[[id, score], …]` of a matches answer, the id taken from `key`.
fn scored(answer: &Value, key: &str) -> Value {
    answer["items"].as_array().expect("items").iter().map(|i| json!([i[key]["id"], i["score"]])).collect()
}

/// `[[id, score], …]` as `(score, id)`, best first and ids in order among equals.
fn ranked(scored: &Value) -> Vec<(std::cmp::Reverse<u64>, String)> {
    let mut out: Vec<_> = scored
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (std::cmp::Reverse(m[1].as_u64().unwrap()), m[0].as_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

/// Pages read after the upgrade by the admin, the 主管部门 and a clerk (each by at least one of them):
/// none may fail on an old record.
const READ_PAGES: &[&str] = &[
    "/api/v1/about",
    "/api/v1/audit",
    "/api/v1/backups",
    "/api/v1/budget-checks",
    "/api/v1/bundles",
    "/api/v1/cards?page_size=200",
    "/api/v1/categories",
    "/api/v1/demands",
    "/api/v1/interests",
    "/api/v1/listings?page_size=200",
    "/api/v1/locations",
    "/api/v1/me",
    "/api/v1/mine",
    "/api/v1/node",
    "/api/v1/peers",
    "/api/v1/plaza/demand",
    "/api/v1/plaza/freshness",
    "/api/v1/plaza/share",
    "/api/v1/plaza/transfer",
    "/api/v1/plaza/warehouse?sort=nearest",
    "/api/v1/quality",
    "/api/v1/regions",
    "/api/v1/reports/late-units",
    "/api/v1/reports/nodes",
    "/api/v1/reports/summary",
    "/api/v1/settings",
    "/api/v1/stocktakes",
    "/api/v1/stocktakes/overview",
    "/api/v1/todo",
    "/api/v1/units",
    "/api/v1/units/directory",
    "/api/v1/users",
    "/api/v1/watches",
];

async fn login(app: &TestApp, figures: &Value, username: &str) -> Session {
    app.login(username, figures["accounts"][username]["password"].as_str().unwrap()).await
}

/// The warehouse plaza of `session`, newest first, all of it.
async fn warehouse(session: &Session, query: &str) -> Value {
    let (status, page) = session.get(&format!("/api/v1/plaza/warehouse?page_size=200{query}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

#[tokio::test]
async fn the_previous_release_s_data_folder_opens_builds_its_plaza_index_once_and_keeps_every_figure() {
    let figures = figures();
    let dir = unpack();
    // The fixture really is from before the index, at schema version 1.
    assert_eq!(plaza_tables(dir.path()), Vec::<String>::new(), "the old file has no plaza index");
    assert_eq!(raw_schema_version(dir.path()), figures["schema_version"].as_u64().map(|v| v as u32));

    // This build starts on it as it is.
    let app = start(dir).await;
    let (status, node) = app.anonymous().node().await;
    assert_eq!(status, StatusCode::OK, "{node}");
    assert_eq!(node["node_id"], figures["node_id"]);
    assert_eq!(node["public_key"], figures["public_key"]);

    // The audit chain of the old node is intact, its last event unchanged.
    let admin = login(&app, &figures, "admin").await;
    let (_, verification) = admin.audit_verify().await;
    let old_events = figures["audit"]["events"].as_u64().unwrap();
    assert_eq!(verification["ok"], true, "{verification}");
    assert!(verification["events"].as_u64().unwrap() > old_events, "{verification}");
    let total = admin.audit("?page_size=1").await.1["total"].as_u64().unwrap();
    let head_seq = figures["audit"]["head_seq"].as_u64().unwrap();
    let (_, page) = admin.audit(&format!("?page_size=1&page={}", total - head_seq + 1)).await;
    let head = &page["items"][0];
    assert_eq!((head["seq"].as_u64(), &head["hash"]), (Some(head_seq), &figures["audit"]["head_hash"]), "{page}");

    // Every old account logs in with its password; the plazas and ledgers answer as before.
    for username in ["210100czj", "210100004002jb", "210105002002jb"] {
        let recorded = &figures["accounts"][username];
        let session = login(&app, &figures, username).await;
        assert_eq!(session.me().await.1["must_change_password"], false, "{username}");
        let cards = session.get("/api/v1/cards?page_size=1").await.1;
        assert_eq!(cards["total"], recorded["cards"], "{username}: cards");
        let plaza = warehouse(&session, "").await;
        assert_eq!(plaza["total"].as_u64(), Some(strings(&recorded["warehouse_plaza"]).len() as u64), "{username}");
        assert_eq!(ids(&plaza), strings(&recorded["warehouse_plaza"]), "{username}: the warehouse plaza, in order");
        let demands = session.get("/api/v1/plaza/demand?page_size=1").await.1;
        assert_eq!(demands["total"], recorded["demand_plaza"], "{username}: the demand plaza");
    }
    let authority = login(&app, &figures, "210100czj").await;
    for recorded in figures["filtered_warehouse_plaza_of_210100czj"].as_array().unwrap() {
        let query = recorded["query"].as_str().unwrap();
        let page = warehouse(&authority, &format!("&{query}")).await;
        assert_eq!(page["total"], recorded["total"], "{query}");
        let first = strings(&recorded["first_ids"]);
        assert_eq!(ids(&page)[..first.len()], first[..], "{query}");
    }
    // The old demand's matches (through the index's candidates) are the old node's, in order.
    let school = login(&app, &figures, "210105002002jb").await;
    let clerk = login(&app, &figures, "210100004002jb").await;
    let (status, matches) = school.get("/api/v1/demands/D1/matches").await;
    assert_eq!(status, StatusCode::OK, "{matches}");
    // The same listings with the same scores, best first. Among equal scores the old build put
    // listings published in the same second in id order; this one gives them newest first by the
    // index (the reverse for the demo's listings), so ties are compared as sets.
    let found = scored(&matches, "listing");
    let scores: Vec<u64> = found.as_array().unwrap().iter().map(|m| m[1].as_u64().unwrap()).collect();
    assert!(scores.is_sorted_by(|a, b| a >= b), "best first: {found}");
    assert_eq!(ranked(&found), ranked(&figures["matches"]["demand_D1_as_210105002002jb"]), "{matches}");
    let (status, demands) = clerk.get("/api/v1/listings/L21/demands").await;
    assert_eq!(status, StatusCode::OK, "{demands}");
    assert_eq!(scored(&demands, "demand"), figures["matches"]["listing_L21_demands_as_210100004002jb"]);

    // Every page reads the old records without a server error, and each is read by one of them.
    for path in READ_PAGES {
        let mut read = false;
        for (who, session) in [("admin", &admin), ("210100czj", &authority), ("210100004002jb", &clerk)] {
            let (status, body) = session.get(path).await;
            assert!(!status.is_server_error(), "{who} {path}: {status} {body}");
            read |= status == StatusCode::OK;
        }
        assert!(read, "{path}: nobody reads it");
    }

    // An account that never logged in still has its initial password to change.
    let mut fresh = app.anonymous();
    let (status, body) = fresh.login("210102001001jb", INITIAL).await;
    assert_eq!((status, &body["must_change_password"]), (StatusCode::OK, &json!(true)), "{body}");

    // What the old binary wrote through its API reads back, for another unit too.
    let written = &figures["written_before_the_upgrade"];
    let (status, listing) = school.get("/api/v1/listings/L61").await;
    assert_eq!(status, StatusCode::OK, "{listing}");
    let recorded = &written["published_listing"];
    assert_eq!(
        (&listing["state"], &listing["description"], &listing["published_at"]),
        (&json!("published"), &recorded["description"], &recorded["published_at"])
    );
    assert_eq!(listing["card"]["asset_code"], recorded["asset_code"]);
    assert_eq!(listing["card"]["original_value_fen"], recorded["original_value_fen"]);

    // New writes: the entry request the old node left pending is approved, a new card is
    // offered and approved; both enter the plaza through the index.
    let reviewer = login(&app, &figures, "210100004002").await;
    let pending = written["pending_entry_request"]["id"].as_str().unwrap();
    let (status, body) = reviewer.get(&format!("/api/v1/listings/{pending}")).await;
    assert_eq!((status, &body["state"]), (StatusCode::OK, &written["pending_entry_request"]["state"]), "{body}");
    let approve = json!({"decision": "approve"});
    let (status, body) = reviewer.post(&format!("/api/v1/listings/{pending}/review"), &approve).await;
    assert_eq!((status, &body["state"]), (StatusCode::OK, &json!("published")), "{body}");
    let card = card_body("SJ2026-UPG-003", "升级后录入的台式计算机", "A02010105", 1, 512_000, 88_000, "idle");
    let (status, card) = clerk.post("/api/v1/cards", &card).await;
    assert_eq!(status, StatusCode::CREATED, "{card}");
    let entry = json!({
        "card_id": card["id"], "mode": "transfer", "national": false, "scope": "city",
        "description": "升级后发布的台式计算机", "condition": "良好", "source": "physical_warehouse",
        "contact_name": "王丽", "contact_phone": "024-22861234", "submit": true
    });
    let (status, listing) = clerk.post("/api/v1/listings", &entry).await;
    assert_eq!(status, StatusCode::CREATED, "{listing}");
    let new_listing = listing["id"].as_str().unwrap().to_owned();
    let (status, body) = reviewer.post(&format!("/api/v1/listings/{new_listing}/review"), &approve).await;
    assert_eq!((status, &body["state"]), (StatusCode::OK, &json!("published")), "{body}");

    let mut expected = vec![new_listing.clone(), pending.to_owned()];
    expected.extend(strings(&figures["accounts"]["210100czj"]["warehouse_plaza"]));
    assert_eq!(ids(&warehouse(&authority, "").await), expected, "newest first: the two new ones on top");
    let keyword = warehouse(&authority, "&q=%E5%8D%87%E7%BA%A7%E5%90%8E").await; // 升级后
    assert_eq!(ids(&keyword), [new_listing.clone(), pending.to_owned()], "{keyword}");
    let (_, matches) = school.get("/api/v1/demands/D1/matches").await;
    let found = scored(&matches, "listing");
    assert!(found.as_array().unwrap().iter().any(|m| m[0] == new_listing.as_str()), "the new computer fits: {matches}");
    assert_eq!(admin.audit_verify().await.1["ok"], true);
    let dir = app.stop().await;

    // The index is there now, in this build's layout; no migration step ran, so nothing was
    // copied to backups/.
    let mut built = plaza_tables(dir.path());
    built.sort();
    let mut wanted: Vec<String> = store::plaza::TABLES.iter().map(|t| (*t).to_owned()).collect();
    wanted.sort();
    assert_eq!(built, wanted);
    assert_eq!(index_version(dir.path()), Some(store::plaza::VERSION));
    assert_eq!(raw_schema_version(dir.path()), Some(CURRENT_VERSION));
    assert!(!dir.path().join(store::BACKUP_DIR).exists(), "no migration step, no backup");

    // A second start neither rebuilds the index nor loses what was written after the upgrade.
    set_marker(dir.path());
    let app = start(dir).await;
    let authority = login(&app, &figures, "210100czj").await;
    assert_eq!(ids(&warehouse(&authority, "").await), expected);
    let cards = authority.get("/api/v1/cards?page_size=1").await.1;
    assert_eq!(cards["total"].as_u64(), Some(figures["accounts"]["210100czj"]["cards"].as_u64().unwrap() + 1));
    let clerk = login(&app, &figures, "210100004002jb").await;
    let (status, card) = clerk.get(&format!("/api/v1/cards/{}", card["id"].as_str().unwrap())).await;
    assert_eq!((status, &card["asset_code"]), (StatusCode::OK, &json!("SJ2026-UPG-003")), "{card}");
    assert_eq!(login(&app, &figures, "admin").await.audit_verify().await.1["ok"], true);
    let dir = app.stop().await;
    assert_eq!(marker(dir.path()), Some(7), "the second open did not rebuild the index");
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.read(store::plaza::documents).unwrap(), expected.len() as u64);
    // Every record of the old file decodes with this build's types.
    let counts = store
        .read(|r| {
            Ok([
                store::cards::all(r)?.len(),
                store::listings::all(r)?.len(),
                store::units::all(r)?.len(),
                store::users::all(r)?.len(),
                store::demands::all(r)?.len(),
                store::interests::all(r)?.len(),
                store::budget::all(r)?.len(),
                store::peers::all(r)?.len(),
            ])
        })
        .unwrap();
    assert_eq!(counts[..3], [412 + 1, 62 + 1, 31], "cards, listings, units");
}

/// The real binary, as an operator runs it.
#[cfg(unix)]
mod binary {
    use std::io::{BufRead, BufReader};
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    use gongwucang::store;
    use reqwest::StatusCode;
    use serde_json::{Value, json};

    use super::{figures, index_version, unpack};

    /// Logged by this build when it builds the plaza index at open.
    const INDEX_BUILT: &str = "正在建立广场检索索引";

    /// Starts the real binary on `dir` with info logging; returns it, its URL and the lines it
    /// printed before the URL.
    fn serve_logged(dir: &Path) -> (Child, String, Vec<String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongwucang"))
            .args(["serve", "--data", dir.to_str().unwrap(), "--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "info")
            .env("GONGWUCANG_NO_BROWSER", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut before = Vec::new();
        let url = loop {
            let Some(line) = lines.next() else {
                let output = child.wait_with_output().unwrap();
                panic!("serve exited before its URL: {before:?} {}", String::from_utf8_lossy(&output.stderr));
            };
            let line = line.expect("read line");
            if let Some(start) = line.find("http://") {
                break line[start..].trim().trim_end_matches('/').to_owned();
            }
            before.push(line);
        };
        std::thread::spawn(move || lines.for_each(drop));
        (child, url, before)
    }

    fn terminate(mut child: Child) {
        assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
        for _ in 0..200 {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "{status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill().unwrap();
        panic!("serve did not exit within 10 s of SIGTERM");
    }

    #[tokio::test]
    async fn the_new_binary_serves_the_old_folder_without_a_manual_step_and_builds_the_index_only_once() {
        let figures = figures();
        let dir = unpack();
        let client = reqwest::Client::builder().no_proxy().cookie_store(true).build().unwrap();
        for start in 1..=2 {
            let (child, url, before) = serve_logged(dir.path());
            let built = before.iter().any(|l| l.contains(INDEX_BUILT));
            assert_eq!(built, start == 1, "start {start}: {before:?}");
            assert!(!before.iter().any(|l| l.contains("升级到版本")), "no migration step: {before:?}");
            let node: Value = client.get(format!("{url}/api/v1/node")).send().await.unwrap().json().await.unwrap();
            assert_eq!(node["node_id"], figures["node_id"]);
            let credentials = json!({"username": "210100czj", "password": "Upgrade2026czj"});
            let response = client.post(format!("{url}/api/v1/login")).json(&credentials).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let plaza: Value = client
                .get(format!("{url}/api/v1/plaza/warehouse?page_size=1"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let recorded = figures["accounts"]["210100czj"]["warehouse_plaza"].as_array().unwrap().len();
            assert_eq!(plaza["total"].as_u64(), Some(recorded as u64), "start {start}: {plaza}");
            terminate(child);
        }
        assert_eq!(index_version(dir.path()), Some(store::plaza::VERSION));
    }
}

/// The card the old node listed as L61 (published in the warehouse plaza).
const LISTED_CARD: &str = "c411";
const OLD_VALUE: i64 = 386_000;
const NEW_VALUE: i64 = 400_000;

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A future step: revalues a listed card of the old file (the plaza index has to follow).
fn revalue(tx: &Tx) -> store::Result<()> {
    RUNS.fetch_add(1, Ordering::SeqCst);
    let mut card = store::cards::get(tx, LISTED_CARD)?.expect("the old card");
    assert_eq!(card.original_value_fen, OLD_VALUE);
    card.original_value_fen = NEW_VALUE;
    store::cards::update(tx, &card)
}

/// The same change, then a failure: nothing of it may stay.
fn revalue_then_fail(tx: &Tx) -> store::Result<()> {
    let mut card = store::cards::get(tx, LISTED_CARD)?.expect("the old card");
    card.original_value_fen = NEW_VALUE;
    store::cards::update(tx, &card)?;
    tx.put(store::tables::META, "upgrade-test", &true)?;
    Err(DomainError::invalid("迁移失败（测试）").into())
}

/// The warehouse listings of the node's whole region whose 原值 is exactly `value`, through the index.
fn listed_at(store: &Store, value: i64) -> Vec<String> {
    let today = gongwucang::domain::clock::today();
    let question = store::plaza::Question {
        any: vec![within(Plaza::Warehouse, &RegionCode::parse("210100").unwrap())],
        all: Vec::new(),
        days: None,
        value: (Some(value), Some(value)),
        verify: None,
        today: &today,
        order: store::plaza::Order::Newest,
        offset: 0,
        limit: 100,
    };
    store.read(|r| store::plaza::search(r, &question)).unwrap().0
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir.join(store::BACKUP_DIR)) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn a_future_migration_runs_once_on_the_old_file_in_one_transaction_before_the_index_is_built() {
    let next = CURRENT_VERSION + 1;
    let figures = figures();
    let plaza_size = figures["accounts"]["210100czj"]["warehouse_plaza"].as_array().unwrap().len() as u64;

    // A step that fails leaves the old file as it was (and the copy made before it).
    let dir = unpack();
    let failing = [Migration { version: next, apply: revalue_then_fail }];
    let err = Store::open_with(dir.path(), next, &failing).err().expect("the failing step stops the open");
    assert!(matches!(err, StoreError::Domain(_)), "{err}");
    assert_eq!(backups(dir.path()).len(), 1);
    assert_eq!(raw_schema_version(dir.path()), Some(CURRENT_VERSION));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.read(|r| r.get::<bool>(store::tables::META, "upgrade-test")).unwrap(), None);
    let card = store.read(|r| store::cards::get(r, LISTED_CARD)).unwrap().unwrap();
    assert_eq!(card.original_value_fen, OLD_VALUE);
    assert_eq!(listed_at(&store, OLD_VALUE), ["L61"]);
    drop(store);

    // The step that succeeds runs once, with the version bump, and the index built after it
    // shows its change.
    let dir = unpack();
    let steps = [Migration { version: next, apply: revalue }];
    let store = Store::open_with(dir.path(), next, &steps).unwrap();
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(schema::version(&store).unwrap(), Some(next));
    let card = store.read(|r| store::cards::get(r, LISTED_CARD)).unwrap().unwrap();
    assert_eq!(card.original_value_fen, NEW_VALUE);
    assert_eq!(listed_at(&store, NEW_VALUE), ["L61"]);
    assert_eq!(listed_at(&store, OLD_VALUE), Vec::<String>::new());
    assert_eq!(store.read(store::plaza::documents).unwrap(), plaza_size);
    drop(store);

    // Before it, the old file was copied to backups/ untouched: no index, version 1, old value.
    let copies = backups(dir.path());
    assert_eq!(copies.len(), 1, "{copies:?}");
    let name = copies[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with(&format!("before-upgrade-v{CURRENT_VERSION}-")), "{name}");
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(&copies[0], copy.path().join(store::DB_FILE)).unwrap();
    assert_eq!(plaza_tables(copy.path()), Vec::<String>::new());
    assert_eq!(raw_schema_version(copy.path()), Some(CURRENT_VERSION));
    let old = Store::open(copy.path()).unwrap();
    assert_eq!(old.read(|r| store::cards::get(r, LISTED_CARD)).unwrap().unwrap().original_value_fen, OLD_VALUE);
    drop(old);

    // Opened again, nothing runs twice; this build itself refuses the newer file.
    let store = Store::open_with(dir.path(), next, &steps).unwrap();
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(schema::version(&store).unwrap(), Some(next));
    drop(store);
    assert_eq!(backups(dir.path()).len(), 1);
    let err = Store::open(dir.path()).err().expect("newer schema refused");
    assert!(matches!(err, StoreError::NewerSchema { found, .. } if found == next), "{err}");
}
