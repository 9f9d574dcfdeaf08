//! Crash safety: the real binary, written to by four concurrent clients through the API (cards
//! created and changed, entry requests, approvals, ledger imports), is killed with SIGKILL at a
//! random moment and started again with nothing but `serve`, round after round. After every
//! restart:
//! - every write answered 2xx before the kill is there, with what it wrote;
//! - a write that got no answer is there whole or not at all, and nothing else is there;
//! - nothing is half-applied: the cards, custodian versions, entry requests and approvals add up
//!   to the audit events their actions write, each import holds all of its rows or none, a card
//!   is held by an entry request exactly when that request exists;
//! - the audit chain verifies.
//!
//! `make test` kills 20 times; `make soak` sets `GWC_CRASH_KILLS=200`.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::cli;
use crate::helpers::{ADMIN_PASSWORD, CHANGED, INITIAL, unit_body};

const CLERK: &str = "210102001001jb";
const REVIEWER: &str = "210102001001";
const IMPORT_ROWS: usize = 5;

/// A client of one server process that reports a lost connection instead of panicking.
struct Client {
    http: reqwest::Client,
    base: String,
    csrf: Option<String>,
}

type Answer = Result<(StatusCode, Value), reqwest::Error>;

impl Client {
    async fn login(base: &str, username: &str, password: &str) -> Client {
        let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(60)).build().unwrap();
        let mut client = Client { http, base: base.trim_end_matches('/').to_owned(), csrf: None };
        let body = json!({"username": username, "password": password});
        let (status, answer) = client.send(Method::POST, "/api/v1/login", Some(&body)).await.expect("login");
        assert_eq!(status, StatusCode::OK, "login {username}: {answer}");
        client.csrf = answer["csrf_token"].as_str().map(str::to_owned);
        client
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Answer {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(reqwest::multipart::Form::new().part("file", part));
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, serde_json::from_str(&response.text().await?).unwrap_or(Value::Null)))
    }

    /// A GET on a live server: panics unless 200.
    async fn read(&self, path: &str) -> Value {
        let (status, body) = self.send(Method::GET, path, None).await.expect("the restarted node answers");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// Every item of a paged list.
    async fn all(&self, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        for page in 1.. {
            let body = self.read(&format!("{path}?page={page}&page_size=200")).await;
            let got = body["items"].as_array().expect("items").clone();
            items.extend(got);
            if items.len() as u64 >= body["total"].as_u64().expect("total") {
                return items;
            }
        }
        unreachable!()
    }

    async fn audit_total(&self, action: &str) -> u64 {
        self.read(&format!("/api/v1/audit?action={action}&page_size=1")).await["total"].as_u64().expect("total")
    }
}

/// A card created one at a time, and which custodian versions it may show: the acknowledged
/// one, or one sent after it that got no answer.
struct Custody {
    code: String,
    acknowledged: u32,
    sent: u32,
}

/// What the clients were told, and what they sent without being told.
#[derive(Default)]
struct Ledger {
    cards: BTreeMap<String, Custody>,
    /// Asset codes of card creations that got no answer.
    unanswered_cards: BTreeSet<String>,
    /// Entry request id → (approval acknowledged, approval sent).
    listings: BTreeMap<String, (bool, bool)>,
    /// Cards whose entry request got no answer.
    unanswered_listings: BTreeSet<String>,
    /// Acknowledged entry requests not yet approved, for the reviewer.
    pending: Vec<String>,
    /// Import batch (asset-code prefix) → acknowledged.
    imports: BTreeMap<String, bool>,
    /// Writes answered 2xx, over all rounds.
    acknowledged: u64,
}

struct Shared {
    ledger: Mutex<Ledger>,
    killed: AtomicBool,
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap()
    }
}

/// A write's answer: `Some(body)` when acknowledged, `None` when the connection went away
/// because the test is killing the server. Any other answer fails the test: the workload is
/// valid, so a 4xx or a 5xx is a bug, and so is a connection lost (or a request timed out)
/// before the kill — the server crashed or stalled by itself.
fn acknowledged(shared: &Shared, what: &str, answer: Answer) -> Option<Value> {
    match answer {
        Ok((status, body)) if status.is_success() => Some(body),
        Ok((status, body)) => panic!("{what}: {status} {body}"),
        Err(_) if shared.killed.load(Ordering::SeqCst) => None,
        Err(e) => panic!("{what}: the connection failed before the kill: {e}"),
    }
}

fn card(code: &str, status: &str) -> Value {
    json!({
        "asset_code": code, "name": "台式计算机", "category": "A02010105", "spec": "启天M450", "brand": "联想",
        "quantity": 1, "measure_unit": "台", "acquired_on": "2021-03-15", "original_value_fen": 568_000,
        "net_value_fen": 120_000, "status": status, "shared": false, "using_department": "办公室",
        "custodian": "保管人0"
    })
}

fn custodian(version: u32) -> String {
    format!("保管人{version}")
}

/// Creates cards and changes each one's custodian twice.
async fn card_writer(client: Client, shared: Arc<Shared>, round: usize) {
    for i in 0.. {
        let code = format!("K{round:04}A{i:04}");
        shared.ledger().unanswered_cards.insert(code.clone());
        let Some(body) =
            acknowledged(&shared, "create card", client.post("/api/v1/cards", &card(&code, "in_use")).await)
        else {
            return;
        };
        let id = body["id"].as_str().expect("card id").to_owned();
        {
            let mut ledger = shared.ledger();
            ledger.unanswered_cards.remove(&code);
            ledger.cards.insert(id.clone(), Custody { code, acknowledged: 0, sent: 0 });
            ledger.acknowledged += 1;
        }
        for version in 1..=2 {
            shared.ledger().cards.get_mut(&id).unwrap().sent = version;
            let change = json!({"custodian": custodian(version), "note": "保管人变更"});
            let path = format!("/api/v1/cards/{id}/changes");
            if acknowledged(&shared, "change card", client.post(&path, &change).await).is_none() {
                return;
            }
            let mut ledger = shared.ledger();
            ledger.cards.get_mut(&id).unwrap().acknowledged = version;
            ledger.acknowledged += 1;
        }
    }
}

/// Creates idle cards and submits an entry request for each.
async fn entry_writer(client: Client, shared: Arc<Shared>, round: usize) {
    for i in 0.. {
        let code = format!("K{round:04}B{i:04}");
        shared.ledger().unanswered_cards.insert(code.clone());
        let Some(body) = acknowledged(&shared, "create card", client.post("/api/v1/cards", &card(&code, "idle")).await)
        else {
            return;
        };
        let card_id = body["id"].as_str().expect("card id").to_owned();
        {
            let mut ledger = shared.ledger();
            ledger.unanswered_cards.remove(&code);
            ledger.cards.insert(card_id.clone(), Custody { code, acknowledged: 0, sent: 0 });
            ledger.unanswered_listings.insert(card_id.clone());
            ledger.acknowledged += 1;
        }
        let entry = json!({
            "card_id": card_id, "mode": "transfer", "national": false, "scope": "city", "description": "九成新",
            "condition": "良好", "source": "routine", "contact_name": "王丽", "contact_phone": "024-22861234",
            "submit": true
        });
        let Some(listing) = acknowledged(&shared, "entry request", client.post("/api/v1/listings", &entry).await)
        else {
            return;
        };
        let id = listing["id"].as_str().expect("listing id").to_owned();
        let mut ledger = shared.ledger();
        ledger.unanswered_listings.remove(&card_id);
        ledger.listings.insert(id.clone(), (false, false));
        ledger.pending.push(id);
        ledger.acknowledged += 1;
    }
}

/// Approves the acknowledged entry requests as they come.
async fn reviewer(client: Client, shared: Arc<Shared>) {
    while !shared.killed.load(Ordering::SeqCst) {
        let next = shared.ledger().pending.pop();
        let Some(id) = next else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        shared.ledger().listings.get_mut(&id).unwrap().1 = true;
        let path = format!("/api/v1/listings/{id}/review");
        if acknowledged(&shared, "approve", client.post(&path, &json!({"decision": "approve"})).await).is_none() {
            return;
        }
        let mut ledger = shared.ledger();
        ledger.listings.get_mut(&id).unwrap().0 = true;
        ledger.acknowledged += 1;
    }
}

/// Imports ledgers of [`IMPORT_ROWS`] new cards each.
async fn importer(client: Client, shared: Arc<Shared>, round: usize) {
    for i in 0.. {
        let prefix = format!("K{round:04}D{i:04}-");
        let mut csv = "资产编号,资产名称,资产分类代码,数量,取得日期,原值,净值,使用状态\n".to_owned();
        for row in 1..=IMPORT_ROWS {
            csv.push_str(&format!("{prefix}{row},办公椅,A05010201,1,2019-05-01,800.00,100.00,在用\n"));
        }
        shared.ledger().imports.insert(prefix.clone(), false);
        let Some(report) =
            acknowledged(&shared, "import", client.upload("/api/v1/cards/import", "台账.csv", csv.into_bytes()).await)
        else {
            return;
        };
        assert_eq!(report["created"], IMPORT_ROWS as u64, "{report}");
        let mut ledger = shared.ledger();
        *ledger.imports.get_mut(&prefix).unwrap() = true;
        ledger.acknowledged += 1;
    }
}

/// Checks the restarted node against the ledger, then takes what it found as the new truth:
/// an unanswered write seen now must stay, one not seen must never appear.
async fn verify(admin: &Client, clerk: &Client, ledger: &mut Ledger) {
    let cards = clerk.all("/api/v1/cards").await;
    let mut by_code: BTreeMap<String, &Value> = BTreeMap::new();
    for card in &cards {
        let code = card["asset_code"].as_str().unwrap().to_owned();
        assert!(by_code.insert(code.clone(), card).is_none(), "card {code} is there twice");
    }
    let by_id: BTreeMap<&str, &Value> = cards.iter().map(|c| (c["id"].as_str().unwrap(), c)).collect();

    // Cards created one at a time, with their custodians.
    for (id, custody) in &mut ledger.cards {
        let card = by_id.get(id.as_str()).unwrap_or_else(|| panic!("acknowledged card {} is lost", custody.code));
        let found = card["custodian"].as_str().unwrap();
        let version = (custody.acknowledged..=custody.sent).find(|v| custodian(*v) == found).unwrap_or_else(|| {
            panic!("card {}: custodian {found}, acknowledged {}", custody.code, custodian(custody.acknowledged))
        });
        custody.acknowledged = version;
        custody.sent = version;
    }
    for code in std::mem::take(&mut ledger.unanswered_cards) {
        if let Some(card) = by_code.get(&code) {
            assert_eq!(card["custodian"], custodian(0), "an unanswered creation of {code}");
            let id = card["id"].as_str().unwrap().to_owned();
            ledger.cards.insert(id, Custody { code, acknowledged: 0, sent: 0 });
        }
    }

    // Imports: all rows or none.
    let mut imported = 0u64;
    ledger.imports.retain(|prefix, acknowledged| {
        let rows = by_code.keys().filter(|c| c.starts_with(prefix.as_str())).count();
        assert!(rows == 0 || rows == IMPORT_ROWS, "import {prefix} is half there: {rows} rows");
        assert!(rows == IMPORT_ROWS || !*acknowledged, "acknowledged import {prefix} is lost");
        imported += u64::from(rows == IMPORT_ROWS);
        *acknowledged = rows == IMPORT_ROWS;
        *acknowledged
    });
    let known = ledger.cards.len() as u64 + imported * IMPORT_ROWS as u64;
    assert_eq!(cards.len() as u64, known, "cards the clients never asked for are there");

    // Entry requests and approvals.
    let listings = clerk.all("/api/v1/listings").await;
    let mut published = 0u64;
    for listing in &listings {
        let id = listing["id"].as_str().unwrap().to_owned();
        let card_id = listing["card_id"].as_str().unwrap();
        if !ledger.listings.contains_key(&id) {
            assert!(ledger.unanswered_listings.contains(card_id), "entry request {id} was never asked for");
            ledger.listings.insert(id.clone(), (false, false));
        }
        let (approved, approval_sent) = ledger.listings[&id];
        let state = listing["state"].as_str().unwrap();
        match state {
            "published" => assert!(approval_sent, "{id} published without an approval"),
            "pending_entry" => assert!(!approved, "acknowledged approval of {id} is lost"),
            other => panic!("{id} is {other}"),
        }
        published += u64::from(state == "published");
        ledger.listings.insert(id.clone(), (state == "published", state == "published"));
        assert_eq!(by_id[card_id]["active_listing_id"], id.as_str(), "card of {id} is not held by it");
    }
    assert_eq!(listings.len(), ledger.listings.len(), "acknowledged entry requests are lost");
    ledger.unanswered_listings.clear();
    ledger.pending = ledger.listings.iter().filter(|(_, (approved, _))| !approved).map(|(id, _)| id.clone()).collect();
    let held = cards.iter().filter(|c| !c["active_listing_id"].is_null()).count();
    assert_eq!(held, listings.len(), "cards held by entry requests that do not exist");

    // Every object adds up to the audit events its actions wrote.
    let changes: u64 = ledger.cards.values().map(|c| u64::from(c.acknowledged)).sum();
    assert_eq!(admin.audit_total("card_created").await, ledger.cards.len() as u64);
    assert_eq!(admin.audit_total("card_changed").await, changes);
    assert_eq!(admin.audit_total("cards_imported").await, imported);
    assert_eq!(admin.audit_total("listing_created").await, listings.len() as u64);
    assert_eq!(admin.audit_total("listing_entry_reviewed").await, published);
    let verification = admin.read("/api/v1/audit/verify").await;
    assert_eq!(verification["ok"], true, "audit chain: {verification}");
}

/// A small deterministic generator for the moments of the kills.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_sigkill_and_nothing_is_half_applied() {
    let kills: usize = std::env::var("GWC_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let mut seed: u64 = std::env::var("GWC_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_2026);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(cli::init(path).status.success());
    let (mut child, url) = cli::serve(path);
    let admin = Client::login(&url, "admin", ADMIN_PASSWORD).await;
    let (status, body) = admin.post("/api/v1/units", &unit_body("210102", "001001", "和平区财政局")).await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for username in [CLERK, REVIEWER] {
        let user = Client::login(&url, username, INITIAL).await;
        let change = json!({"old_password": INITIAL, "new_password": CHANGED});
        assert_eq!(user.post("/api/v1/password", &change).await.unwrap().0, StatusCode::NO_CONTENT);
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let shared = Arc::new(Shared { ledger: Mutex::default(), killed: AtomicBool::new(false) });
    let started = Instant::now();
    for round in 0..=kills {
        // The restart takes nothing but `serve`: it prints its address and answers.
        let (mut child, url) = cli::serve(path);
        let admin = Client::login(&url, "admin", ADMIN_PASSWORD).await;
        let clerk = || Client::login(&url, CLERK, CHANGED);
        let reviewer_client = Client::login(&url, REVIEWER, CHANGED).await;
        let checker = clerk().await;
        let mut ledger = std::mem::take(&mut *shared.ledger());
        verify(&admin, &checker, &mut ledger).await;
        *shared.ledger() = ledger;
        if round == kills {
            child.kill().unwrap();
            child.wait().unwrap();
            break;
        }
        shared.killed.store(false, Ordering::SeqCst);
        let workers = [
            tokio::spawn(card_writer(clerk().await, shared.clone(), round)),
            tokio::spawn(entry_writer(clerk().await, shared.clone(), round)),
            tokio::spawn(importer(clerk().await, shared.clone(), round)),
            tokio::spawn(reviewer(reviewer_client, shared.clone())),
        ];
        tokio::time::sleep(Duration::from_millis(30 + next(&mut seed) % 900)).await;
        assert!(child.try_wait().unwrap().is_none(), "round {round}: the server exited by itself");
        shared.killed.store(true, Ordering::SeqCst);
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "round {round}: the server ended otherwise than by our SIGKILL");
        for worker in workers {
            worker.await.expect("a client panicked: the node gave an answer other than 2xx");
        }
    }
    let ledger = shared.ledger();
    println!(
        "crash: {kills} kills survived in {:.0} s; {} acknowledged writes, all found; {} cards, {} entry requests at the end",
        started.elapsed().as_secs_f64(),
        ledger.acknowledged,
        ledger.cards.len() + ledger.imports.len() * IMPORT_ROWS,
        ledger.listings.len()
    );
}
