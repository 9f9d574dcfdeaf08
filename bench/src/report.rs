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

/// The server's figures, as lines of the printed report.
pub fn served(n: usize, s: &crate::serve::Figures) -> String {
    format!(
        "server process on the same {n} listings, {} connections on 127.0.0.1, 5 s each:\n\
         | route | requests/s | p99 ms |\n|---|---|---|\n\
         | GET /api/v1/plaza/warehouse (pages 1-5 of 20, a clerk) | {:.0} | {:.2} |\n\
         | GET /api/v1/listings/{{id}} (the items of those pages) | {:.0} | {:.2} |\n\
         | axum hello-world (same machine, same run: the ceiling) | {:.0} | {:.2} |\n\
         approvals (入仓审批同意, each a durable transaction with its audit event): {:.0} per second\n\
         ledger import of a 10 000-row .xlsx (9 700 cards applied): {:.2} s\n\
         the UI's JavaScript and CSS (web/dist, every route), gzipped: {:.0} KB\n\
         start-up to the first answered request: {:.0} ms; server peak memory (VmHWM): {:.0} MB",
        crate::serve::CONNECTIONS,
        s.plaza_rps,
        s.plaza_p99_ms,
        s.detail_rps,
        s.detail_p99_ms,
        s.hello_rps,
        s.hello_p99_ms,
        s.approvals_per_s,
        s.import_10k_rows_s,
        web_gzip_kb(),
        s.startup_ms,
        s.peak_rss_mb
    )
}

/// The UI's JavaScript and CSS (every file of `web/dist/assets`), each gzipped (level 9, as
/// a web server would send them), in KB.
pub fn web_gzip_kb() -> f64 {
    use std::io::Write;
    let Ok(dir) = std::fs::read_dir("web/dist/assets") else { return f64::NAN };
    let mut total = 0usize;
    for entry in dir.flatten() {
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "js" || e == "css") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        if gz.write_all(&bytes).is_ok()
            && let Ok(out) = gz.finish()
        {
            total += out.len();
        }
    }
    total as f64 / 1024.0
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
pub fn write(
    path: &Path,
    n: usize,
    results: &[(Query, Figures)],
    load: &Load,
    served: &crate::serve::Figures,
) -> anyhow::Result<()> {
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
        "http": {
            "connections": crate::serve::CONNECTIONS,
            "plaza_rps": round(served.plaza_rps),
            "plaza_p99_ms": round(served.plaza_p99_ms),
            "detail_rps": round(served.detail_rps),
            "detail_p99_ms": round(served.detail_p99_ms),
            "hello_rps": round(served.hello_rps),
            "hello_p99_ms": round(served.hello_p99_ms),
        },
        "writes": {"approvals_per_s": round(served.approvals_per_s), "import_10k_rows_s": round(served.import_10k_rows_s)},
        "bundle": {"export_events_per_s": null, "import_events_per_s": null, "bytes": null, "json_bytes": null},
        "web": {"js_css_gzip_kb": round(web_gzip_kb()), "plaza_first_results_ms": null},
        "startup_ms": round(served.startup_ms),
        "peak_rss_mb": round(served.peak_rss_mb),
        "bytes_per_listing": round(load.bytes_per_listing),
        "load_s": {"redb": round(load.redb_s), "sqlite": round(load.sqlite_s)},
    });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&results)? + "\n")?;
    Ok(())
}
