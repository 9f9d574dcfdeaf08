//! The node as users reach it: the benchmark starts itself again as a server process on the data
//! it loaded (`gongwucang-bench serve DIR`: the node's own `app::Application` on 127.0.0.1, and
//! an axum hello-world on another port as the ceiling), times the start-up to the first answered
//! request, drives the warehouse plaza, the item detail and the hello route with 50 connections,
//! and reads the server's peak memory from /proc.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use gongwucang::app::{Application, Listen};
use gongwucang::domain::clock;
use gongwucang::domain::listing::{NationalState, Scope, State};
use gongwucang::domain::unit::Unit;
use gongwucang::domain::user::{self, Role, User};
use gongwucang::store::{self, Store};
use serde_json::{Value, json};

/// Connections the load keeps open.
pub const CONNECTIONS: usize = 50;
/// How long each route is driven (after one second of warm-up).
const DRIVE: Duration = Duration::from_secs(5);
const USERNAME: &str = "bench-clerk";
const PASSWORD: &str = "Bench2026clerk";

/// What the server process showed.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub startup_ms: f64,
    pub plaza_rps: f64,
    pub plaza_p99_ms: f64,
    pub detail_rps: f64,
    pub detail_p99_ms: f64,
    pub hello_rps: f64,
    pub hello_p99_ms: f64,
    pub peak_rss_mb: f64,
    pub approvals_per_s: f64,
    pub import_10k_rows_s: f64,
}

/// An account of `unit` with the bench's password, already changed (one Argon2 hash).
fn account(unit: &Unit, username: &str, name: &str, role: Role) -> anyhow::Result<User> {
    Ok(User {
        id: username.to_owned(),
        username: username.to_owned(),
        name: name.to_owned(),
        role,
        unit_id: Some(unit.id.clone()),
        region: unit.region.clone(),
        password_hash: user::hash_password(PASSWORD)?,
        must_change_password: false,
        disabled: false,
        created_at: clock::now_rfc3339(),
        last_login_at: None,
    })
}

/// A clerk account of `unit`.
pub fn add_clerk(store: &Store, unit: &Unit) -> anyhow::Result<()> {
    let user = account(unit, USERNAME, "基准测试经办人", Role::Clerk)?;
    let entry = gongwucang::domain::audit::AuditEntry::new("bench_user", "bench", "基准测试账号".to_owned(), None);
    store.write(&gongwucang::domain::audit::Actor::system(), |tx| {
        store::users::insert(tx, &user)?;
        Ok(((), entry))
    })?;
    Ok(())
}

const REVIEWER: &str = "bench-reviewer";

/// Entry requests of `unit` awaiting its reviewer (入仓申请, 待审核), `count` of them, and the
/// unit's reviewer account: what the approvals are measured on. Offers are numbered from `first`
/// (after the loaded ones, so their asset codes are new).
pub fn add_pending(
    store: &Store,
    generator: &mut crate::data::Generator,
    unit: &Unit,
    (first, count): (usize, usize),
) -> anyhow::Result<Vec<String>> {
    let reviewer = account(unit, REVIEWER, "基准测试审核人", Role::Reviewer)?;
    let offers: Vec<_> = (first..first + count)
        .map(|i| {
            let mut offer = generator.offer(i, std::slice::from_ref(unit));
            let l = &mut offer.listing;
            l.state = State::PendingEntry;
            l.national = false;
            l.national_state = NationalState::None;
            l.scope = Scope::City;
            l.published_at = None;
            l.national_published_at = None;
            l.result = None;
            l.hold = None;
            l.open_until = None;
            l.scope_change = None;
            offer
        })
        .collect();
    let entry = gongwucang::domain::audit::AuditEntry::new("bench_pending", "bench", "基准测试待审核".to_owned(), None);
    let ids = store.write(&gongwucang::domain::audit::Actor::system(), |tx| {
        store::users::insert(tx, &reviewer)?;
        let mut ids = Vec::with_capacity(offers.len());
        for offer in offers {
            ids.push(crate::load::put_offer(tx, offer.card, offer.listing)?.1.id);
        }
        Ok((ids, entry))
    })?;
    Ok(ids)
}

/// The server process: serves `dir` and a hello-world until its standard input closes.
pub fn serve(dir: &Path) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = Application::build(dir, Listen::Exact("127.0.0.1:0".parse()?)).await?;
        let hello = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let hello_url = format!("http://{}/hello", hello.local_addr()?);
        let router = axum::Router::new().route("/hello", axum::routing::get(|| async { "hello" }));
        tokio::spawn(async move { axum::serve(hello, router).await });
        println!("READY {} {hello_url}", app.url()?);
        let stdin_closed = async {
            let _ = tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await;
        };
        app.run_until(stdin_closed).await
    })
}

struct Server {
    child: Child,
    url: String,
    hello: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> anyhow::Result<Server> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("serve")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the server process")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let mut words = line.split_whitespace().skip(1);
    let (Some(url), Some(hello)) = (words.next(), words.next()) else {
        anyhow::bail!("the server process did not start: {line}");
    };
    Ok(Server { child, url: url.trim_end_matches('/').to_owned(), hello: hello.to_owned() })
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Requests per second and p99 (ms) of `urls` (taken in turn) with [`CONNECTIONS`] at once.
async fn drive(client: &reqwest::Client, urls: Arc<Vec<String>>) -> anyhow::Result<(f64, f64)> {
    let run = |until: Instant| {
        let mut tasks = Vec::new();
        for worker in 0..CONNECTIONS {
            let (client, urls) = (client.clone(), urls.clone());
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                let mut i = worker;
                while Instant::now() < until {
                    let start = Instant::now();
                    let response = client.get(&urls[i % urls.len()]).send().await?;
                    anyhow::ensure!(
                        response.status().is_success(),
                        "{} answered {}",
                        urls[i % urls.len()],
                        response.status()
                    );
                    response.bytes().await?;
                    times.push(start.elapsed().as_secs_f64() * 1000.0);
                    i += CONNECTIONS;
                }
                Ok(times)
            }));
        }
        tasks
    };
    for task in run(Instant::now() + Duration::from_secs(1)) {
        task.await??;
    }
    let started = Instant::now();
    let mut times = Vec::new();
    for task in run(started + DRIVE) {
        times.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let p99 = times.get((times.len() * 99 / 100).min(times.len().saturating_sub(1))).copied().unwrap_or(0.0);
    Ok((times.len() as f64 / elapsed, p99))
}

/// Logs `username` in on `client` (its cookie store keeps the session); the CSRF token.
async fn login(client: &reqwest::Client, url: &str, username: &str) -> anyhow::Result<String> {
    let session: Value = client
        .post(format!("{url}/api/v1/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(session["csrf_token"].as_str().context("csrf token")?.to_owned())
}

/// The unit's reviewer approves every pending entry request (入仓审批同意: one durable write
/// transaction with its audit event each) with [`CONNECTIONS`] at once; approvals per second.
async fn approve(url: &str, pending: Vec<String>) -> anyhow::Result<f64> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let csrf = login(&client, url, REVIEWER).await?;
    let pending = Arc::new(pending);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, pending, next, csrf, url) =
            (client.clone(), pending.clone(), next.clone(), csrf.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(id) = pending.get(i) else { return anyhow::Ok(()) };
                let response = client
                    .post(format!("{url}/api/v1/listings/{id}/review"))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({"decision": "approve"}))
                    .send()
                    .await?;
                anyhow::ensure!(response.status().is_success(), "approving {id}: {}", response.text().await?);
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(pending.len() as f64 / started.elapsed().as_secs_f64())
}

/// The clerk imports `fixtures/ledger/ledger-10000.xlsx` (10 000 rows, 9 700 of them valid: one
/// transaction with the cards, their history and new locations); seconds.
async fn import(client: &reqwest::Client, url: &str, csrf: &str) -> anyhow::Result<f64> {
    let xlsx = include_bytes!("../../fixtures/ledger/ledger-10000.xlsx").to_vec();
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(xlsx).file_name("台账.xlsx"));
    let started = Instant::now();
    let response =
        client.post(format!("{url}/api/v1/cards/import")).header("x-csrf-token", csrf).multipart(form).send().await?;
    anyhow::ensure!(response.status().is_success(), "import: {}", response.text().await?);
    let applied: Value = response.json().await?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(applied["applied"].as_bool() == Some(true), "import applied: {applied}");
    Ok(seconds)
}

/// Starts the server on `dir` (the store closed), measures, stops it.
pub fn measure(dir: &Path, pending: Vec<String>) -> anyhow::Result<Figures> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let started = Instant::now();
    let server = start(dir)?;
    runtime.block_on(async {
        let client = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(CONNECTIONS).build()?;
        let first = client.get(format!("{}/api/v1/setup", server.url)).send().await?;
        anyhow::ensure!(first.status().is_success(), "first request: {}", first.status());
        let startup_ms = started.elapsed().as_secs_f64() * 1000.0;

        let csrf = login(&client, &server.url, USERNAME).await?;
        let plaza: Vec<String> =
            (1..=5).map(|page| format!("{}/api/v1/plaza/warehouse?page={page}&page_size=20", server.url)).collect();
        let mut details = Vec::new();
        for url in &plaza {
            let page: Value = client.get(url).send().await?.error_for_status()?.json().await?;
            for item in page["items"].as_array().into_iter().flatten() {
                if let Some(id) = item["id"].as_str() {
                    details.push(format!("{}/api/v1/listings/{id}", server.url));
                }
            }
        }
        anyhow::ensure!(!details.is_empty(), "the bench clerk sees no listing");
        let (plaza_rps, plaza_p99_ms) = drive(&client, Arc::new(plaza)).await?;
        let (detail_rps, detail_p99_ms) = drive(&client, Arc::new(details)).await?;
        let (hello_rps, hello_p99_ms) = drive(&client, Arc::new(vec![server.hello.clone()])).await?;
        let approvals_per_s = approve(&server.url, pending).await?;
        let import_10k_rows_s = import(&client, &server.url, &csrf).await?;
        let peak_rss_mb = peak_rss_mb(server.child.id());
        Ok(Figures {
            startup_ms,
            plaza_rps,
            plaza_p99_ms,
            detail_rps,
            detail_p99_ms,
            hello_rps,
            hello_p99_ms,
            peak_rss_mb,
            approvals_per_s,
            import_10k_rows_s,
        })
    })
}
