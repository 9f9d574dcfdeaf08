//! The peer: the same listings in SQLite (bundled, in memory), tuned as a competent engineer would
//! for these queries. One row per listing with the card facts the plaza filters on; partial
//! indexes over the warehouse plaza's rows (newest first, covering the visibility columns so a
//! deep page never reads the table; one per scope's visibility column so a total is a sum of
//! index ranges); FTS5 with the trigram tokenizer for terms of three
//! characters or more and `instr` for two-character terms, which a trigram index cannot serve;
//! the visibility rule of SPEC §7 (`domain::listing::scope_visible`) written out in SQL. Every
//! answer is an id page and a total, compared with ours by the caller.

use anyhow::Context;
use gongwucang::domain::card::{AssetCard, CardStatus, category_prefix};
use gongwucang::domain::demand::{self, Demand, Offer};
use gongwucang::domain::listing::{Listing, Mode, Scope, State, Viewer};
use gongwucang::domain::plaza::{day_number, published_on};
use gongwucang::domain::region::RegionCode;
use gongwucang::http::plaza::PlazaFilter;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::reach::{Reach, text, within};

/// A page of ids and the total, as both sides answer.
pub type Answer = (Vec<String>, u64);

const SCHEMA: &str = "
CREATE TABLE listing (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    card_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    region TEXT NOT NULL,        -- 6 digits
    city TEXT NOT NULL,          -- its first 4
    province TEXT NOT NULL,      -- its first 2
    department TEXT NOT NULL,
    mode INTEGER NOT NULL,       -- 0 调剂, 1 共享
    scope INTEGER NOT NULL,      -- 0 本部门, 1 本区县, 2 本地市, 3 本省, 4 全国
    state TEXT NOT NULL,
    in_plaza INTEGER NOT NULL,   -- this node's own, published or pending exit (公物仓广场)
    hold_until TEXT,             -- 洽谈中 to this day (published listings only)
    published_at INTEGER,        -- Unix seconds
    published_day INTEGER,       -- days since 2000-01-01 (newest first: the day, then the order loaded, n)
    category TEXT NOT NULL,
    value_fen INTEGER NOT NULL,
    status INTEGER NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    brand TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE VIRTUAL TABLE listing_text USING fts5(
    name, spec, brand, description, content = 'listing', content_rowid = 'n', tokenize = 'trigram case_sensitive 1'
);
";

/// Built once the rows are in (faster than maintaining them row by row), then `ANALYZE`.
const INDEXES: &str = "
INSERT INTO listing_text(listing_text) VALUES ('rebuild');
CREATE INDEX plaza_newest ON listing(
    published_day DESC, n DESC, scope, province, city, region, department, unit_id, hold_until
) WHERE in_plaza = 1;
CREATE INDEX plaza_scope_region ON listing(scope, region, hold_until) WHERE in_plaza = 1;
CREATE INDEX plaza_scope_city ON listing(scope, city, department, hold_until) WHERE in_plaza = 1;
CREATE INDEX plaza_scope_province ON listing(scope, province, hold_until) WHERE in_plaza = 1;
CREATE INDEX plaza_unit ON listing(unit_id, scope, hold_until) WHERE in_plaza = 1;
CREATE INDEX plaza_category ON listing(category) WHERE in_plaza = 1;
CREATE INDEX plaza_value ON listing(value_fen) WHERE in_plaza = 1;
ANALYZE;
";

/// The SQLite side.
pub struct Peer {
    conn: Connection,
    today: String,
}

fn scope_code(scope: Scope) -> i64 {
    match scope {
        Scope::Department => 0,
        Scope::County => 1,
        Scope::City => 2,
        Scope::Province => 3,
        Scope::National => 4,
    }
}

fn status_code(status: CardStatus) -> i64 {
    CardStatus::ALL.iter().position(|s| *s == status).unwrap_or(0) as i64
}

fn state_name(state: State) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn seconds(rfc3339: &str) -> Option<i64> {
    gongwucang::domain::clock::parse_rfc3339(rfc3339).map(|t| t.unix_timestamp())
}

/// The smallest string above every string starting with `prefix` (ASCII codes).
fn after_prefix(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last += 1;
    }
    String::from_utf8(bytes).unwrap_or_default()
}

impl Peer {
    /// An empty in-memory database with the schema and the matching function.
    pub fn open() -> anyhow::Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;")?;
        conn.execute_batch(SCHEMA).context("SQLite schema (FTS5 trigram)")?;
        conn.create_scalar_function(
            "fit",
            9,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let text = |i: usize| ctx.get_raw(i).as_str().unwrap_or("");
                let (Ok(need_region), Ok(region)) = (RegionCode::parse(text(2)), RegionCode::parse(text(8))) else {
                    return Ok(None);
                };
                let offer = Offer {
                    category: text(3),
                    text: format!("{} {} {} {}", text(4), text(5), text(6), text(7)),
                    region: &region,
                };
                Ok(demand::match_reasons(text(0), text(1), &need_region, &offer).map(|(score, _)| i64::from(score)))
            },
        )?;
        Ok(Self { conn, today: gongwucang::domain::clock::today() })
    }

    /// Inserts listings with their cards in one transaction.
    pub fn insert(&mut self, rows: &[(AssetCard, Listing)]) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO listing VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (card, l) in rows {
                let region = l.unit_region.as_str();
                let in_plaza = l.in_warehouse_plaza() && l.origin.is_none();
                let hold = l.hold.as_ref().filter(|_| l.state == State::Published);
                insert.execute(rusqlite::params![
                    l.id,
                    l.card_id,
                    l.unit_id,
                    region,
                    &region[..4],
                    &region[..2],
                    l.unit_department,
                    i64::from(l.mode == Mode::Share),
                    scope_code(l.scope),
                    state_name(l.state),
                    i64::from(in_plaza),
                    hold.map(|h| h.until.clone()),
                    l.published_at.as_deref().and_then(seconds),
                    l.published_at.as_deref().map(|p| day_number(&published_on(Some(p)))),
                    card.category,
                    card.original_value_fen,
                    status_code(card.status),
                    card.name,
                    card.spec,
                    card.brand,
                    l.description,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Builds the full-text and plaza indexes and the planner's statistics.
    pub fn finish(&self) -> anyhow::Result<()> {
        self.conn.execute_batch(INDEXES)?;
        Ok(())
    }

    /// A substring of three characters or more through the trigram index.
    fn text_match(q: &str, args: &mut Vec<Value>) -> String {
        if q.chars().count() < 3 {
            return Self::contains(q, args);
        }
        args.push(Value::Text(format!("\"{}\"", q.replace('"', "\"\""))));
        "n IN (SELECT rowid FROM listing_text WHERE listing_text MATCH ?)".to_owned()
    }

    /// A substring by scanning the text (what two-character terms need).
    fn contains(q: &str, args: &mut Vec<Value>) -> String {
        args.extend(std::iter::repeat_n(Value::Text(q.to_owned()), 4));
        "(instr(name, ?) OR instr(spec, ?) OR instr(brand, ?) OR instr(description, ?))".to_owned()
    }

    /// The plaza's conditions besides visibility, and their arguments.
    fn filters(&self, filter: &PlazaFilter) -> anyhow::Result<(Vec<String>, Vec<Value>)> {
        anyhow::ensure!(
            filter.published_from.is_none() && filter.published_to.is_none() && filter.sort.is_none(),
            "the peer answers the benchmark's filters only"
        );
        let mut args = vec![text(&self.today)];
        let mut conditions = vec!["in_plaza = 1".to_owned(), "(hold_until IS NULL OR hold_until < ?)".to_owned()];
        if let Some(mode) = filter.mode {
            conditions.push("mode = ?".to_owned());
            args.push(Value::Integer(i64::from(mode == Mode::Share)));
        }
        if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
            let region = RegionCode::parse(region)?;
            let (sql, values) = within(region.level(), region.as_str());
            conditions.push(sql);
            args.extend(values);
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            conditions.push(Self::text_match(q, &mut args));
        }
        if let Some(prefix) = filter.category.as_deref().map(category_prefix).filter(|p| !p.is_empty()) {
            conditions.push("category >= ? AND category < ?".to_owned());
            args.extend([text(prefix), Value::Text(after_prefix(prefix))]);
        }
        if let Some(min) = filter.min_value_fen {
            conditions.push("value_fen >= ?".to_owned());
            args.push(Value::Integer(min));
        }
        if let Some(max) = filter.max_value_fen {
            conditions.push("value_fen <= ?".to_owned());
            args.push(Value::Integer(max));
        }
        if let Some(status) = filter.status {
            conditions.push("status = ?".to_owned());
            args.push(Value::Integer(status_code(status)));
        }
        Ok((conditions, args))
    }

    /// The warehouse plaza's SQL for `viewer` with `filter` (newest first): the page's statement,
    /// the total's, and the arguments of each. Without a search term the total is the sum of the
    /// counts of [`Reach::parts`].
    fn plaza_sql(&self, viewer: &Viewer, filter: &PlazaFilter) -> anyhow::Result<[(String, Vec<Value>); 2]> {
        let reach = Reach::of(viewer);
        let (conditions, filter_args) = self.filters(filter)?;
        let filters = conditions.join(" AND ");
        let mut page_args = filter_args.clone();
        let visible = reach.condition(&mut page_args);
        let size = i64::from(filter.page_size.unwrap_or(20));
        let offset = (i64::from(filter.page.unwrap_or(1).max(1)) - 1) * size;
        let page = format!(
            "SELECT id FROM listing WHERE {filters} AND {visible} ORDER BY published_day DESC, n DESC LIMIT {size} OFFSET {offset}"
        );
        let searched = filter.q.as_deref().is_some_and(|q| !q.trim().is_empty());
        let count = if searched {
            let mut args = filter_args;
            let visible = reach.condition(&mut args);
            (format!("SELECT count(*) FROM listing WHERE {filters} AND {visible}"), args)
        } else {
            let mut args = Vec::new();
            let mut parts = vec!["0".to_owned()];
            for (part, values) in reach.parts() {
                parts.push(format!("(SELECT count(*) FROM listing WHERE {filters} AND {part})"));
                args.extend(filter_args.iter().cloned());
                args.extend(values);
            }
            (format!("SELECT {}", parts.join(" + ")), args)
        };
        Ok([(page, page_args), count])
    }

    /// The warehouse plaza for `viewer` with `filter`: what `plaza::search` answers.
    pub fn plaza(&self, viewer: &Viewer, filter: &PlazaFilter) -> anyhow::Result<Answer> {
        let [(page, page_args), (count, count_args)] = self.plaza_sql(viewer, filter)?;
        let ids = self
            .conn
            .prepare_cached(&page)?
            .query_map(params_from_iter(&page_args), |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        let total: i64 =
            self.conn.prepare_cached(&count)?.query_row(params_from_iter(&count_args), |row| row.get(0))?;
        Ok((ids, total as u64))
    }

    /// The SQL of [`Peer::fitting`] and its arguments.
    fn fitting_sql(&self, demand: &Demand, viewer: &Viewer, page_size: u32) -> (String, Vec<Value>) {
        let need = &demand.fields;
        let mut args = vec![
            Value::Text(need.category.clone()),
            Value::Text(need.name.clone()),
            Value::Text(demand.unit_region.to_string()),
            Value::Text(self.today.clone()),
            Value::Text(demand.unit_id.clone()),
        ];
        let visible = Reach::of(viewer).condition(&mut args);
        let class = &need.category[..need.category.len().min(7)];
        args.extend([Value::Text(class.to_owned()), Value::Text(after_prefix(class))]);
        let mut candidates = vec!["(category >= ? AND category < ?)".to_owned()];
        for piece in name_pieces(&need.name) {
            candidates.push(Self::contains(&piece, &mut args));
        }
        let sql = format!(
            "SELECT id, count(*) OVER () FROM (
                SELECT id, published_day, n,
                    fit(?1, ?2, ?3, category, name, spec, brand, description, region) AS score
                FROM listing
                WHERE in_plaza = 1 AND (hold_until IS NULL OR hold_until < ?4) AND unit_id <> ?5
                    AND {visible} AND ({}))
            WHERE score IS NOT NULL ORDER BY score DESC, published_day DESC, n DESC LIMIT {page_size}",
            candidates.join(" OR ")
        );
        (sql, args)
    }

    /// The listings that could meet `demand` for `viewer`, best first (`demand::fitting_listings`):
    /// the candidates (same 小类, or sharing a piece of the name) in SQL, the score by the same
    /// rule as ours, as a SQL function.
    pub fn fitting(&self, demand: &Demand, viewer: &Viewer, page_size: u32) -> anyhow::Result<Answer> {
        let (sql, args) = self.fitting_sql(demand, viewer, page_size);
        let rows: Vec<(String, i64)> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(&args), |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let total = rows.first().map_or(0, |(_, total)| *total as u64);
        Ok((rows.into_iter().map(|(id, _)| id).collect(), total))
    }

    /// SQLite's plans for the statements of a plaza answer (`BENCH_EXPLAIN=1`).
    pub fn explain_plaza(&self, viewer: &Viewer, filter: &PlazaFilter) -> anyhow::Result<String> {
        let [(page, page_args), (count, count_args)] = self.plaza_sql(viewer, filter)?;
        Ok(format!("{}{}", self.explain(&page, &page_args)?, self.explain(&count, &count_args)?))
    }

    /// SQLite's plan for [`Peer::fitting`].
    pub fn explain_fitting(&self, demand: &Demand, viewer: &Viewer, page_size: u32) -> anyhow::Result<String> {
        let (sql, args) = self.fitting_sql(demand, viewer, page_size);
        self.explain(&sql, &args)
    }

    fn explain(&self, sql: &str, args: &[Value]) -> anyhow::Result<String> {
        let mut out = format!("  {}\n", sql.split_whitespace().collect::<Vec<_>>().join(" "));
        let mut statement = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let mut rows = statement.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            out.push_str(&format!("    {}\n", row.get::<_, String>(3)?));
        }
        Ok(out)
    }
}

/// The pieces of a demand's name a fitting listing's text must contain one of (see
/// `demand::shared_phrases`): every two consecutive non-ASCII characters, spaces left out, and
/// every ASCII word of two characters or more.
fn name_pieces(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut pieces: Vec<String> =
        chars.windows(2).filter(|w| w.iter().all(|c| !c.is_ascii())).map(|w| w.iter().collect()).collect();
    pieces.extend(name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2).map(str::to_owned));
    pieces.sort();
    pieces.dedup();
    pieces
}
