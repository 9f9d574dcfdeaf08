//! Loading the generated ledger: into the node's redb store through the crate's own store
//! functions (`units::update`, `cards::insert`, `listings::put`, `demands::put`, ids from the
//! store's counters), `BATCH` records per audited write transaction; and the same rows into the
//! SQLite peer. The two are timed apart.

use std::time::{Duration, Instant};

use gongwucang::domain::audit::{Actor, AuditEntry};
use gongwucang::domain::card::AssetCard;
use gongwucang::domain::demand::{Demand, DemandState};
use gongwucang::domain::listing::{Listing, ListingResult, ResultMethod};
use gongwucang::domain::region::RegionCode;
use gongwucang::domain::unit::Unit;
use gongwucang::store::{self, Store, Tx};

use crate::data::Generator;
use crate::sqlite::Peer;

/// Records per write transaction.
pub const BATCH: usize = 10_000;

/// What a plaza listing is, for drawing query parameters from the data.
pub struct Facts {
    pub category: String,
    pub region: RegionCode,
    pub value_fen: i64,
}

/// The loaded data the queries draw their parameters from, and the load figures.
pub struct Loaded {
    pub units: Vec<Unit>,
    /// One per listing in the warehouse plaza.
    pub plaza: Vec<Facts>,
    /// The published demands.
    pub demands: Vec<Demand>,
    pub redb: Duration,
    pub sqlite: Duration,
    /// The database file's size once the units, cards and listings are in (before the demands).
    pub listings_file_bytes: u64,
}

fn batch_entry(what: &str, count: usize) -> AuditEntry {
    AuditEntry::new("bench_loaded", "bench".to_owned(), format!("基准测试数据：{what} {count} 条"), None)
}

fn timed<T>(spent: &mut Duration, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = work();
    *spent += start.elapsed();
    value
}

/// Generates and loads `units` units, `n` listings and `demands` demands into both stores.
pub fn load(
    store: &Store,
    peer: &mut Peer,
    generator: &mut Generator,
    (units, n, demands): (usize, usize, usize),
) -> anyhow::Result<Loaded> {
    let actor = Actor::system();
    let mut redb = Duration::ZERO;
    let mut sqlite = Duration::ZERO;

    let mut all_units = Vec::with_capacity(units);
    for chunk in generator.units(units).chunks(BATCH) {
        let chunk = chunk.to_vec();
        let stored = timed(&mut redb, || {
            store.write(&actor, |tx| {
                let mut stored = Vec::with_capacity(chunk.len());
                for mut unit in chunk {
                    unit.id = tx.next_id("u")?;
                    store::units::update(tx, &unit)?;
                    stored.push(unit);
                }
                let count = stored.len();
                Ok((stored, batch_entry("单位", count)))
            })
        })?;
        all_units.extend(stored);
    }

    let mut plaza = Vec::new();
    let mut done = 0;
    while done < n {
        let count = BATCH.min(n - done);
        let offers: Vec<_> = (done..done + count).map(|i| generator.offer(i, &all_units)).collect();
        let rows = timed(&mut redb, || {
            store.write(&actor, |tx| {
                let mut rows = Vec::with_capacity(offers.len());
                for offer in offers {
                    rows.push(put_offer(tx, offer.card, offer.listing)?);
                }
                Ok((rows, batch_entry("资产卡片及入仓单", count)))
            })
        })?;
        timed(&mut sqlite, || peer.insert(&rows))?;
        plaza.extend(rows.iter().filter(|(_, l)| l.in_warehouse_plaza()).map(|(card, l)| Facts {
            category: card.category.clone(),
            region: l.unit_region.clone(),
            value_fen: card.original_value_fen,
        }));
        done += count;
        if done % 100_000 == 0 {
            eprintln!("  {done} listings loaded");
        }
    }
    timed(&mut sqlite, || peer.finish())?;
    let listings_file_bytes = std::fs::metadata(store.path())?.len();

    let mut published = Vec::new();
    let mut done = 0;
    while done < demands {
        let count = BATCH.min(demands - done);
        let batch: Vec<Demand> = (0..count).map(|_| generator.demand(&all_units)).collect();
        let stored = timed(&mut redb, || {
            store.write(&actor, |tx| {
                let mut stored = Vec::with_capacity(batch.len());
                for mut demand in batch {
                    demand.id = tx.next_id("D")?;
                    store::demands::put(tx, &demand)?;
                    stored.push(demand);
                }
                Ok((stored, batch_entry("需求", count)))
            })
        })?;
        published.extend(stored.into_iter().filter(|d| d.state == DemandState::Published));
        done += count;
    }
    Ok(Loaded { units: all_units, plaza, demands: published, redb, sqlite, listings_file_bytes })
}

/// Stores one card and its listing, the card held by the listing while the listing holds it.
pub fn put_offer(tx: &Tx, mut card: AssetCard, mut listing: Listing) -> store::Result<(AssetCard, Listing)> {
    card.id = tx.next_id("c")?;
    listing.id = tx.next_id("L")?;
    listing.card_id = card.id.clone();
    if listing.holds_card() {
        card.active_listing_id = Some(listing.id.clone());
    }
    let transferred = |r: &&ListingResult| !listing.holds_card() && r.method == ResultMethod::Allocation;
    if let Some(result) = listing.result.as_ref().filter(transferred) {
        card.transferred_to = Some(result.receiver_name.clone());
        card.transferred_listing_id = Some(listing.id.clone());
    }
    store::cards::insert(tx, &card)?;
    store::listings::put(tx, &listing)?;
    Ok((card, listing))
}
