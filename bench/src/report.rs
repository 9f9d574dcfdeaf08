//! What the benchmark prints and writes: the machine, the table, and `results.json` in the shape
//! of issue 9 (figures later steps measure are `null`).

use std::path::Path;

use serde_json::{Value, json};

use crate::measure::Figures;
use crate::queries::Query;

/// CPU model, cores and RAM, from /proc.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split(':').nth(1)))
        .map(str::trim)
        .unwrap_or("unknown CPU");
    let cores = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    format!("{model}, {cores} cores, {:.1} GB RAM", ram_kb as f64 / 1024.0 / 1024.0)
}

/// One line of the table; a run count cut short by the time budget is marked `*`.
pub fn row(query: Query, f: &Figures) -> String {
    let runs = format!("{}{}", f.runs, if f.capped { "*" } else { "" });
    format!(
        "| {} {:<38} | {:>9.2} | {:>9.2} | {:>9.2} | {:>9.2} | {:>7.4} | {:>5} |",
        query.key(),
        query.label(),
        f.p50_ms,
        f.p99_ms,
        f.sqlite_p50_ms,
        f.sqlite_p99_ms,
        f.sqlite_p50_ms / f.p50_ms,
        runs
    )
}

/// The head of the table.
pub fn header() -> String {
    format!(
        "| {:<41} | {:>9} | {:>9} | {:>9} | {:>9} | {:>7} | {:>5} |\n|{}|{}|{}|{}|{}|{}|{}|",
        "query (page of 20 + total, in process)",
        "ours p50",
        "ours p99",
        "SQL p50",
        "SQL p99",
        "ratio",
        "runs",
        "-".repeat(43),
        "-".repeat(11),
        "-".repeat(11),
        "-".repeat(11),
        "-".repeat(11),
        "-".repeat(9),
        "-".repeat(7),
    )
}

/// The load figures.
pub struct Load {
    pub redb_s: f64,
    pub sqlite_s: f64,
    pub bytes_per_listing: f64,
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Writes `results.json`.
pub fn write(path: &Path, n: usize, results: &[(Query, Figures)], load: &Load) -> anyhow::Result<()> {
    let queries: serde_json::Map<String, Value> = results
        .iter()
        .map(|(q, f)| {
            let figures = json!({
                "p50_ms": round(f.p50_ms),
                "p99_ms": round(f.p99_ms),
                "sqlite_p50_ms": round(f.sqlite_p50_ms),
                "sqlite_p99_ms": round(f.sqlite_p99_ms),
                "runs": f.runs,
            });
            (q.key().to_owned(), figures)
        })
        .collect();
    let results = json!({
        "n": n,
        "machine": machine(),
        "queries": queries,
        "http": {"plaza_rps": null, "plaza_p99_ms": null, "detail_rps": null, "hello_rps": null},
        "writes": {"approvals_per_s": null, "import_10k_rows_s": null},
        "bundle": {"export_events_per_s": null, "import_events_per_s": null, "bytes": null, "json_bytes": null},
        "web": {"js_css_gzip_kb": null, "plaza_first_results_ms": null},
        "startup_ms": null,
        "peak_rss_mb": null,
        "bytes_per_listing": round(load.bytes_per_listing),
        "load_s": {"redb": round(load.redb_s), "sqlite": round(load.sqlite_s)},
    });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&results)? + "\n")?;
    Ok(())
}
