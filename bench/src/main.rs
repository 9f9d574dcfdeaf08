//! `make bench` (issue 9): generates a national ledger from a seed, loads it into a fresh node's
//! redb store and into a tuned SQLite, runs the plaza queries Q1–Q6 in process on both with the
//! same parameters, checks the answers are equal, prints one table and writes
//! `target/bench/results.json`.
//!
//! Environment: `BENCH_N` listings (1 000 000), `BENCH_RUNS` timed runs per query (200),
//! `BENCH_SEED` (20261128), `BENCH_BUDGET_S` seconds per query before the runs are cut short (30),
//! `BENCH_DEMANDS` (50 000), `BENCH_DIR` for the data and results (`target/bench`); `BENCH_EXPLAIN=1`
//! prints SQLite's query plans.
#![forbid(unsafe_code)]

mod data;
mod demands;
mod load;
mod measure;
mod queries;
mod reach;
mod reference;
mod report;
mod serve;
mod sqlite;
mod vocab;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use gongwucang::domain::node::NodeKind;
use gongwucang::setup::{self, SetupRequest};
use gongwucang::store::Store;

use crate::measure::Plan;
use crate::queries::{Draw, Query};

/// Entry requests approved through the API.
const APPROVALS: usize = 5_000;

/// A number from the environment, or `default`.
fn setting(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => {
            value.trim().replace('_', "").parse().with_context(|| format!("{name}={value} is not a number"))
        }
        _ => Ok(default),
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let [_, command, dir] = args.as_slice()
        && command == "serve"
    {
        return serve::serve(std::path::Path::new(dir));
    }
    let n = setting("BENCH_N", 1_000_000)? as usize;
    let runs = setting("BENCH_RUNS", 200)? as usize;
    let seed = setting("BENCH_SEED", 20_261_128)?;
    let budget = Duration::from_secs(setting("BENCH_BUDGET_S", 30)?);
    let demands = setting("BENCH_DEMANDS", 50_000)? as usize;
    let dir = PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "target/bench".to_owned()));
    anyhow::ensure!(n > 0 && runs > 0, "BENCH_N and BENCH_RUNS must be positive");

    println!("make bench: {n} listings, {demands} demands, seed {seed}, {runs} runs per query (budget {budget:?})");
    println!("machine: {}", report::machine());
    let reference = reference::Reference::load(seed)?;
    let units = (n / 40).max(50);
    println!(
        "units: {units} over {} region codes (every city and county code of fixtures/regions-china-counties.csv), \
         {} leaf categories",
        reference.regions.len(),
        reference.categories.len()
    );

    let data_dir = dir.join("data");
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir).with_context(|| format!("removing {}", data_dir.display()))?;
    }
    std::fs::create_dir_all(&data_dir)?;
    let store = Store::open(&data_dir)?;
    let request = SetupRequest {
        kind: NodeKind::National,
        region: "100000",
        name: "全国公物仓（基准测试）",
        admin_password: "Bench2026admin",
    };
    setup::initialize(&data_dir, &store, request)?;

    let mut generator = data::Generator::new(seed, n, reference)?;
    let mut peer = sqlite::Peer::open()?;
    let loaded = load::load(&store, &mut peer, &mut generator, (units, n, demands))?;
    let file_size = std::fs::metadata(store.path())?.len();
    let load = report::Load {
        redb_s: loaded.redb.as_secs_f64(),
        sqlite_s: loaded.sqlite.as_secs_f64(),
        bytes_per_listing: loaded.listings_file_bytes as f64 / n as f64,
    };
    println!(
        "load: redb {:.1} s ({:.0} listings/s with their cards, batches of {}); SQLite {:.1} s (rows, FTS, indexes)",
        load.redb_s,
        n as f64 / load.redb_s,
        load::BATCH,
        load.sqlite_s
    );
    println!(
        "redb file: {:.1} MB with the listings = {:.0} bytes per listing (units, cards, listings); {:.1} MB with the demands",
        loaded.listings_file_bytes as f64 / 1e6,
        load.bytes_per_listing,
        file_size as f64 / 1e6
    );
    println!("in the warehouse plaza: {} listings; published demands: {}", loaded.plaza.len(), loaded.demands.len());

    let plan = Plan { runs, budget, explain: setting("BENCH_EXPLAIN", 0)? == 1 };
    let mut draw = Draw::new(seed ^ 0x5EED, &loaded, &generator.reference().categories);
    let mut results = Vec::new();
    println!("{}", report::header());
    for query in Query::ALL {
        let figures = measure::measure(query, &mut draw, &store, &peer, plan)?;
        println!("{}", report::row(query, &figures));
        results.push((query, figures));
    }
    println!(
        "times in ms; ratio = SQLite p50 / ours p50 (above 1: ours is faster); * = runs cut short by the time budget \
         (BENCH_BUDGET_S per side and query); page ids and totals equal in every run"
    );

    // The server in a process of its own, on the same data, the benchmark's store closed.
    let unit = loaded.units.first().context("units")?;
    serve::add_clerk(&store, unit)?;
    let pending = serve::add_pending(&store, &mut generator, unit, (n, APPROVALS))?;
    drop(store);
    drop(peer);
    let served = serve::measure(&data_dir, pending)?;
    println!("{}", report::served(n, &served));

    let path = dir.join("results.json");
    report::write(&path, n, &results, &load, &served)?;
    println!("written: {}", path.display());
    Ok(())
}
