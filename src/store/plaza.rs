//! The plaza index (issue 9): posting lists kept in redb next to the listings and changed in the
//! same write transaction, so that a plaza page and its total read a few compressed bitmaps
//! instead of every listing and card.
//!
//! Each listing in a plaza has a document number `day << 16 | n`: its publication day
//! ([`plaza::day_number`]) and the order it entered the index that day, so newest first is
//! simply the largest numbers first, and a publication-date filter is a range. A term
//! ([`plaza::terms`]) has one roaring bitmap per block of 32 days (`(term, block)` →
//! bitmap). The 原值 of the documents of a day sit side by side in one record, for value
//! ranges and the value sort. Writes only mark a listing as changed ([`touch`]); the changes of
//! a transaction are folded into the bitmaps once, just before it commits ([`flush`]).
//!
//! The tables are derived: a backup leaves them out, and a database without them (restored,
//! or written by a release before the index) has them built once when it is opened.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use redb::{ReadableTable, ReadableTableMetadata, TableDefinition};
use roaring::RoaringBitmap;

use crate::domain::DomainError;
use crate::domain::plaza::{self, Entry};

use super::codec;
use super::{Result, Rx, StoreError, Tx};

/// `(term, block)` → the serialized bitmap of the block's documents carrying the term.
pub const POSTINGS: TableDefinition<'static, (&'static str, u32), &'static [u8]> =
    TableDefinition::new("plaza_postings");
/// Document number → its [`Entry`].
pub const DOCS: TableDefinition<'static, u32, &'static [u8]> = TableDefinition::new("plaza_docs");
/// Listing id → document number.
pub const IDS: TableDefinition<'static, &'static str, u32> = TableDefinition::new("plaza_ids");
/// Day number → the 原值 (fen) of that day's documents, 8 bytes little-endian each, in order.
pub const VALUES: TableDefinition<'static, u32, &'static [u8]> = TableDefinition::new("plaza_values");
/// `version` → the layout of the index tables ([`VERSION`]).
pub const STATE: TableDefinition<'static, &'static str, u32> = TableDefinition::new("plaza_state");

/// The layout of the index tables; a database with another (or none) has them rebuilt at open.
pub const VERSION: u32 = 1;

/// Every table of the index (left out of backups, rebuilt from the listings).
pub const TABLES: [&str; 5] = ["plaza_postings", "plaza_docs", "plaza_ids", "plaza_values", "plaza_state"];

const BLOCK_SHIFT: u32 = 21;
const DAY_SHIFT: u32 = 16;

fn block(doc: u32) -> u32 {
    doc >> BLOCK_SHIFT
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(e.to_string())
}

fn bitmap(bytes: &[u8]) -> Result<RoaringBitmap> {
    RoaringBitmap::deserialize_unchecked_from(bytes).map_err(|e| StoreError::Corrupt(format!("检索索引无法解码：{e}")))
}

/// Marks a listing as changed in this transaction: its index entry is brought up to date when
/// the transaction commits.
pub(crate) fn touch(tx: &Tx, listing_id: &str) {
    let mut dirty = tx.plaza_dirty.borrow_mut();
    if dirty.1.insert(listing_id.to_owned()) {
        dirty.0.push(listing_id.to_owned());
    }
}

/// Whether the index is built in the layout of this build.
pub(crate) fn is_current(r: &Rx) -> Result<bool> {
    match r.raw().open_table(STATE) {
        Ok(t) => Ok(t.get("version")?.map(|v| v.value()) == Some(VERSION)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Builds the index afresh from every listing: the documents of a day in the order of their
/// `published_at`, then id.
pub(crate) fn rebuild(tx: &Tx) -> Result<()> {
    let txn = tx.raw();
    txn.delete_table(POSTINGS)?;
    txn.delete_table(DOCS)?;
    txn.delete_table(IDS)?;
    txn.delete_table(VALUES)?;
    txn.delete_table(STATE)?;
    create(tx)?;
    let mut listings = super::listings::all(tx)?;
    listings.sort_by(|a, b| a.published_at.cmp(&b.published_at).then_with(|| a.id.cmp(&b.id)));
    for l in &listings {
        touch(tx, &l.id);
    }
    flush(tx)?;
    txn.open_table(STATE)?.insert("version", VERSION)?;
    Ok(())
}

/// Creates the index tables (empty).
pub(crate) fn create(tx: &Tx) -> Result<()> {
    let txn = tx.raw();
    txn.open_table(POSTINGS)?;
    txn.open_table(DOCS)?;
    txn.open_table(IDS)?;
    txn.open_table(VALUES)?;
    txn.open_table(STATE)?.insert("version", VERSION)?;
    Ok(())
}

/// The day's values, read once per flush.
struct Values {
    days: HashMap<u32, Vec<u8>>,
}

impl Values {
    fn set(&mut self, table: &redb::Table<u32, &[u8]>, doc: u32, value: i64) -> Result<()> {
        let day = doc >> DAY_SHIFT;
        let slot = (doc & 0xFFFF) as usize;
        let bytes = match self.days.entry(day) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(table.get(day)?.map(|b| b.value().to_vec()).unwrap_or_default())
            }
        };
        if bytes.len() < (slot + 1) * 8 {
            bytes.resize((slot + 1) * 8, 0);
        }
        bytes[slot * 8..slot * 8 + 8].copy_from_slice(&value.to_le_bytes());
        Ok(())
    }
}

#[derive(Default)]
struct Change {
    add: RoaringBitmap,
    remove: RoaringBitmap,
}

/// Folds the listings touched in this transaction into the index.
pub(crate) fn flush(tx: &Tx) -> Result<()> {
    let (order, _) = std::mem::take(&mut *tx.plaza_dirty.borrow_mut());
    if order.is_empty() {
        return Ok(());
    }
    let txn = tx.raw();
    let mut changes: BTreeMap<(String, u32), Change> = BTreeMap::new();
    let mut change = |term: &str, doc: u32, add: bool| {
        let c = changes.entry((term.to_owned(), block(doc))).or_default();
        if add {
            c.add.insert(doc)
        } else {
            c.remove.insert(doc)
        };
    };
    {
        let mut docs = txn.open_table(DOCS)?;
        let mut ids = txn.open_table(IDS)?;
        let mut values_table = txn.open_table(VALUES)?;
        let mut values = Values { days: HashMap::new() };
        for id in &order {
            let old = match ids.get(id.as_str())?.map(|d| d.value()) {
                Some(doc) => {
                    let entry: Entry = match docs.get(doc)? {
                        Some(bytes) => codec::decode(bytes.value())?,
                        None => return Err(StoreError::Corrupt(format!("检索索引缺少文档 {doc}"))),
                    };
                    Some((doc, entry))
                }
                None => None,
            };
            let new = match super::listings::get(tx, id)? {
                Some(l) => super::relay::card_of(tx, &l)?.and_then(|card| plaza::entry(&l, &card)),
                None => None,
            };
            if old.as_ref().map(|(_, e)| e) == new.as_ref() {
                continue;
            }
            let same_day = matches!((&old, &new), (Some((_, o)), Some(n)) if o.published_on == n.published_on);
            let old_terms = old.as_ref().map(|(_, e)| plaza::terms(e)).unwrap_or_default();
            let new_terms = new.as_ref().map(plaza::terms).unwrap_or_default();
            if same_day {
                let (Some((doc, _)), Some(entry)) = (&old, &new) else { continue };
                for t in old_terms.difference(&new_terms) {
                    change(t, *doc, false);
                }
                for t in new_terms.difference(&old_terms) {
                    change(t, *doc, true);
                }
                docs.insert(*doc, codec::encode(entry)?.as_slice())?;
                values.set(&values_table, *doc, entry.value_fen)?;
                continue;
            }
            if let Some((doc, _)) = &old {
                for t in &old_terms {
                    change(t, *doc, false);
                }
                docs.remove(*doc)?;
                ids.remove(id.as_str())?;
            }
            if let Some(entry) = &new {
                let day = u32::from(plaza::day_number(&entry.published_on));
                let first = day << DAY_SHIFT;
                let last = first | 0xFFFF;
                let doc = match docs.range(first..=last)?.next_back() {
                    None => first,
                    Some(row) => {
                        let top = row?.0.value();
                        if top == last {
                            return Err(DomainError::conflict(format!(
                                "{} 一天发布的资产超过 65 536 条，检索索引已满",
                                entry.published_on
                            ))
                            .into());
                        }
                        top + 1
                    }
                };
                for t in &new_terms {
                    change(t, doc, true);
                }
                docs.insert(doc, codec::encode(entry)?.as_slice())?;
                ids.insert(id.as_str(), doc)?;
                values.set(&values_table, doc, entry.value_fen)?;
            }
        }
        for (day, bytes) in values.days {
            values_table.insert(day, bytes.as_slice())?;
        }
    }
    let mut postings = txn.open_table(POSTINGS)?;
    let mut out = Vec::new();
    for ((term, blk), c) in changes {
        let key = (term.as_str(), blk);
        let mut bm = match postings.get(key)? {
            Some(bytes) => bitmap(bytes.value())?,
            None => RoaringBitmap::new(),
        };
        bm -= &c.remove;
        bm |= c.add;
        if bm.is_empty() {
            postings.remove(key)?;
        } else {
            out.clear();
            bm.serialize_into(&mut out).map_err(db)?;
            postings.insert(key, out.as_slice())?;
        }
    }
    Ok(())
}

/// How a page is ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// Newest first: publication day, then the order of entry, latest first.
    Newest,
    /// 原值 from high to low, then newest first.
    Value,
    /// The listings carrying the first term, then the second, then the third, then the rest;
    /// newest first within each (the viewer's county, city, province).
    Tiers([String; 3]),
}

/// A plaza question in index terms.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// The viewer sees a listing carrying any of these ([`plaza::viewer_terms`]).
    pub any: Vec<String>,
    /// Every answer carries all of these (mode, status, category, region, keyword).
    pub all: Vec<String>,
    /// Publication days, inclusive.
    pub days: Option<(u16, u16)>,
    /// 原值 at least, at most.
    pub value: (Option<i64>, Option<i64>),
    /// The keyword, when carrying its terms does not prove a match.
    pub verify: Option<&'a str>,
    /// Today (`YYYY-MM-DD`): listings held today (洽谈中) are left out.
    pub today: &'a str,
    /// The order.
    pub order: Order,
    /// Answers skipped.
    pub offset: usize,
    /// Answers returned at most.
    pub limit: usize,
}

type Blocks = BTreeMap<u32, RoaringBitmap>;

struct Reader {
    postings: redb::ReadOnlyTable<(&'static str, u32), &'static [u8]>,
    docs: redb::ReadOnlyTable<u32, &'static [u8]>,
    values: redb::ReadOnlyTable<u32, &'static [u8]>,
}

impl Reader {
    fn term(&self, term: &str) -> Result<Blocks> {
        let mut out = Blocks::new();
        for row in self.postings.range((term, 0)..=(term, u32::MAX))? {
            let (key, value) = row?;
            out.insert(key.value().1, bitmap(value.value())?);
        }
        Ok(out)
    }

    /// How many bytes the term's bitmaps take (how rare it is).
    fn size(&self, term: &str) -> Result<usize> {
        let mut size = 0;
        for row in self.postings.range((term, 0)..=(term, u32::MAX))? {
            size += row?.1.value().len();
        }
        Ok(size)
    }

    fn entry(&self, doc: u32) -> Result<Entry> {
        match self.docs.get(doc)? {
            Some(bytes) => codec::decode(bytes.value()),
            None => Err(StoreError::Corrupt(format!("检索索引缺少文档 {doc}"))),
        }
    }

    /// Calls `each` with the value of every document of `set`, in order.
    fn values(&self, set: &RoaringBitmap, mut each: impl FnMut(u32, i64)) -> Result<()> {
        let mut day = u32::MAX;
        let mut guard = None;
        for doc in set {
            if doc >> DAY_SHIFT != day {
                day = doc >> DAY_SHIFT;
                guard = self.values.get(day)?;
            }
            let slot = (doc & 0xFFFF) as usize * 8;
            let value = guard
                .as_ref()
                .and_then(|g| g.value().get(slot..slot + 8).map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8]))))
                .ok_or_else(|| StoreError::Corrupt(format!("检索索引缺少文档 {doc} 的原值")))?;
            each(doc, value);
        }
        Ok(())
    }
}

fn and_term(reader: &Reader, set: &mut Blocks, term: &str) -> Result<()> {
    let blocks: Vec<u32> = set.keys().copied().collect();
    for blk in blocks {
        let kept = match (reader.postings.get((term, blk))?, set.get(&blk)) {
            (Some(bytes), Some(mine)) => {
                mine.intersection_with_serialized_unchecked(Cursor::new(bytes.value())).map_err(db)?
            }
            _ => RoaringBitmap::new(),
        };
        if kept.is_empty() {
            set.remove(&blk);
        } else {
            set.insert(blk, kept);
        }
    }
    Ok(())
}

/// The documents of `set` that carry one of `terms` (each read only where `set` has documents).
fn and_any(reader: &Reader, set: &Blocks, terms: &[String]) -> Result<Blocks> {
    let mut out = Blocks::new();
    for (blk, mine) in set {
        let mut kept = RoaringBitmap::new();
        for term in terms {
            if let Some(bytes) = reader.postings.get((term.as_str(), *blk))? {
                kept |= mine.intersection_with_serialized_unchecked(Cursor::new(bytes.value())).map_err(db)?;
            }
        }
        if !kept.is_empty() {
            out.insert(*blk, kept);
        }
    }
    Ok(out)
}

fn restrict_days(set: &mut Blocks, days: Option<(u16, u16)>) {
    if let Some((from, to)) = days {
        let (lo, hi) = (u32::from(from) << DAY_SHIFT, (u32::from(to) << DAY_SHIFT) | 0xFFFF);
        set.retain(|blk, bm| {
            if *blk < block(lo) || *blk > block(hi) {
                return false;
            }
            bm.remove_range(..lo);
            bm.remove_range(hi.saturating_add(1)..);
            !bm.is_empty()
        });
    }
}

/// 洽谈中 today: the few listings with a hold are looked at one by one.
fn drop_held(reader: &Reader, r: &Rx, set: &mut Blocks, today: &str) -> Result<()> {
    let mut held = Blocks::new();
    for (blk, bm) in reader.term(plaza::HELD)? {
        if let Some(mine) = set.get(&blk) {
            held.insert(blk, bm & mine);
        }
    }
    for (blk, docs) in held {
        for doc in docs {
            let id = reader.entry(doc)?.id;
            let reserved = super::listings::get(r, &id)?.is_some_and(|l| l.reserved(today));
            if reserved && let Some(bm) = set.get_mut(&blk) {
                bm.remove(doc);
            }
        }
    }
    Ok(())
}

fn open(r: &Rx) -> Result<Reader> {
    let txn = r.raw();
    Ok(Reader { postings: txn.open_table(POSTINGS)?, docs: txn.open_table(DOCS)?, values: txn.open_table(VALUES)? })
}

fn union(reader: &Reader, terms: &[String]) -> Result<Blocks> {
    let mut set = Blocks::new();
    for term in terms {
        for (blk, bm) in reader.term(term)? {
            *set.entry(blk).or_default() |= bm;
        }
    }
    Ok(set)
}

/// The entries carrying one of `any` and one of `either`, not held today, with their document
/// numbers (larger is newer): the candidates a demand's matches are scored among.
pub fn candidates(r: &Rx, any: &[String], either: &[String], today: &str) -> Result<Vec<(u32, Entry)>> {
    let reader = open(r)?;
    let mut set = and_any(&reader, &union(&reader, either)?, any)?;
    drop_held(&reader, r, &mut set, today)?;
    let mut out = Vec::with_capacity(set.values().map(RoaringBitmap::len).sum::<u64>() as usize);
    for doc in set.values().flat_map(RoaringBitmap::iter) {
        out.push((doc, reader.entry(doc)?));
    }
    Ok(out)
}

/// Answers a plaza question: the listing ids of the page, in order, and the total.
pub fn search(r: &Rx, q: &Question<'_>) -> Result<(Vec<String>, u64)> {
    let reader = open(r)?;
    // With filters: the rarest filter first, the others and the viewer's reach intersected with
    // it where it has documents. Without: the viewer's whole reach.
    let mut set = if q.all.is_empty() {
        let mut set = union(&reader, &q.any)?;
        restrict_days(&mut set, q.days);
        set
    } else {
        let mut all: Vec<(usize, &String)> =
            q.all.iter().map(|t| Ok((reader.size(t)?, t))).collect::<Result<Vec<_>>>()?;
        all.sort();
        let mut set = reader.term(all[0].1)?;
        restrict_days(&mut set, q.days);
        for (_, term) in &all[1..] {
            and_term(&reader, &mut set, term)?;
        }
        and_any(&reader, &set, &q.any)?
    };
    if q.value != (None, None) {
        let (min, max) = q.value;
        for bm in set.values_mut() {
            let mut out = Vec::new();
            reader.values(bm, |doc, v| {
                if min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m) {
                    out.push(doc);
                }
            })?;
            *bm = RoaringBitmap::from_sorted_iter(out).map_err(db)?;
        }
        set.retain(|_, bm| !bm.is_empty());
    }
    if let Some(text) = q.verify {
        for bm in set.values_mut() {
            let mut misses = Vec::new();
            for doc in bm.iter() {
                if !reader.entry(doc)?.mentions(text) {
                    misses.push(doc);
                }
            }
            for doc in misses {
                bm.remove(doc);
            }
        }
        set.retain(|_, bm| !bm.is_empty());
    }
    drop_held(&reader, r, &mut set, q.today)?;
    let total: u64 = set.values().map(RoaringBitmap::len).sum();
    let page: Vec<u32> = match &q.order {
        Order::Newest => newest(set.values()).skip(q.offset).take(q.limit).collect(),
        Order::Value => {
            let mut all: Vec<(i64, u32)> = Vec::with_capacity(total as usize);
            for bm in set.values() {
                reader.values(bm, |doc, v| all.push((v, doc)))?;
            }
            let end = (q.offset + q.limit).min(all.len());
            let by = |a: &(i64, u32), b: &(i64, u32)| b.cmp(a);
            if end > 0 && end < all.len() {
                all.select_nth_unstable_by(end - 1, by);
                all.truncate(end);
            }
            all.sort_unstable_by(by);
            all.into_iter().skip(q.offset).map(|(_, doc)| doc).take(q.limit).collect()
        }
        Order::Tiers(terms) => {
            let mut tiers: Vec<Blocks> = Vec::new();
            let mut rest = set;
            for term in terms {
                let mut tier = rest.clone();
                and_term(&reader, &mut tier, term)?;
                for (blk, bm) in &tier {
                    if let Some(r) = rest.get_mut(blk) {
                        *r -= bm;
                    }
                }
                tiers.push(tier);
            }
            tiers.push(rest);
            tiers.iter().flat_map(|t| newest(t.values())).skip(q.offset).take(q.limit).collect()
        }
    };
    let ids = page.into_iter().map(|doc| Ok(reader.entry(doc)?.id)).collect::<Result<Vec<_>>>()?;
    Ok((ids, total))
}

fn newest<'a>(blocks: impl DoubleEndedIterator<Item = &'a RoaringBitmap>) -> impl Iterator<Item = u32> {
    blocks.rev().flat_map(|bm| bm.iter().rev())
}

/// How many documents the index holds (what `make bench` reports next to the listings).
pub fn documents(r: &Rx) -> Result<u64> {
    Ok(r.raw().open_table(DOCS)?.len()?)
}
