//! Timing one query. The parameters of every run are drawn first; then each side answers all of
//! them in a pass of its own (warm-up, then timed runs until `runs` are done or the time budget
//! is spent), so neither is timed in the caches and the heap the other just left behind (our
//! full scans free a gigabyte per answer at 100 000 listings, which made SQLite's next answer
//! 10–20 times slower when the sides alternated). Then the answers of every run are compared
//! (the benchmark stops at the first difference); p50 and p99 per side.

use std::time::{Duration, Instant};

use anyhow::bail;
use gongwucang::store::Store;

use crate::queries::{Draw, Params, Query};
use crate::sqlite::{Answer, Peer};

/// Runs before timing starts.
const WARM_UP: usize = 3;

/// How long and how often.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub runs: usize,
    /// Per side and query.
    pub budget: Duration,
    /// Print SQLite's plan for the first run of each query.
    pub explain: bool,
}

/// p50 and p99 of both sides, in milliseconds, and how many runs they come from.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub sqlite_p50_ms: f64,
    pub sqlite_p99_ms: f64,
    pub runs: usize,
    /// Whether the budget ran out before `runs`.
    pub capped: bool,
}

/// The nearest-rank percentile `p` (0–1) of `samples`, in milliseconds.
fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let rank = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1].as_secs_f64() * 1000.0
}

/// One side's pass over `params` (at most): the answers and the timed runs' durations.
fn pass(
    params: &[Params],
    budget: Duration,
    answer: impl Fn(&Params) -> anyhow::Result<Answer>,
) -> anyhow::Result<(Vec<Answer>, Vec<Duration>)> {
    let started = Instant::now();
    let mut answers = Vec::with_capacity(params.len());
    let mut times = Vec::with_capacity(params.len());
    for p in params {
        if answers.len() >= WARM_UP && started.elapsed() >= budget {
            break;
        }
        let start = Instant::now();
        answers.push(answer(p)?);
        if answers.len() > WARM_UP {
            times.push(start.elapsed());
        }
    }
    Ok((answers, times))
}

/// Measures `query` on both sides.
pub fn measure(query: Query, draw: &mut Draw<'_>, store: &Store, peer: &Peer, plan: Plan) -> anyhow::Result<Figures> {
    let params: Vec<Params> = (0..WARM_UP + plan.runs).map(|_| draw.params(query)).collect();
    if plan.explain {
        print!("{}", params[0].explain(peer)?);
    }
    let (ours, mut my_times) = pass(&params, plan.budget, |p| p.ours(store))?;
    if my_times.is_empty() {
        bail!("{}: no timed run within the budget of {:?} (raise BENCH_BUDGET_S)", query.key(), plan.budget);
    }
    let (theirs, mut their_times) = pass(&params[..ours.len()], plan.budget, |p| p.peer(peer))?;
    for ((p, mine), other) in params.iter().zip(&ours).zip(&theirs) {
        if mine != other {
            bail!(
                "{}: the answers differ for {}\n  ours:   total {} page {:?}\n  SQLite: total {} page {:?}",
                query.key(),
                p.describe(),
                mine.1,
                mine.0,
                other.1,
                other.0
            );
        }
    }
    let runs = my_times.len().min(their_times.len());
    my_times.truncate(runs);
    their_times.truncate(runs);
    Ok(Figures {
        p50_ms: percentile(&mut my_times, 0.50),
        p99_ms: percentile(&mut my_times, 0.99),
        sqlite_p50_ms: percentile(&mut their_times, 0.50),
        sqlite_p99_ms: percentile(&mut their_times, 0.99),
        runs,
        capped: runs < plan.runs,
    })
}
