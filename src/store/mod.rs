//! Storage: the only module that names redb. One file, `gongwucang.redb`, in the data folder.
//!
//! Writes go through [`Store::write`], which runs one business action in one write transaction and
//! appends the action's audit event in that same transaction: there is no other way to change the
//! database. Reads go through [`Store::read`] (a consistent snapshot).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::reference::Reference;

/// The audit chain: append and verify.
pub mod audit;
/// 数据备份与恢复: signed snapshots of the whole node.
pub mod backup;
/// 配置预算衔接: checked budget lines.
pub mod budget;
/// Asset cards and photos.
pub mod cards;
/// The value codec (JSON).
pub mod codec;
/// Demands.
pub mod demands;
/// Channels, bundle export and import.
pub mod exchange;
/// Applying a checked ledger import.
pub mod import;
/// 意向登记 and 洽谈中.
pub mod interests;
/// Listings and their effect on cards.
pub mod listings;
/// Location trees.
pub mod locations;
/// The node row and reference data.
pub mod node;
/// Peers of the federation tree.
pub mod peers;
/// The plaza index: posting lists per term, written with the listings.
pub mod plaza;
/// What travels to and from peers: the events of changed listings and demands, and received ones.
pub mod relay;
/// What 统计报表 reads, from one snapshot.
pub mod report;
/// Schema version and migrations.
pub mod schema;
/// The node settings row.
pub mod settings;
/// 低效闲置资产盘点 tasks.
pub mod stocktakes;
/// Table definitions.
pub mod tables;
/// Units.
pub mod units;
/// Users.
pub mod users;
/// 关注: the watches of the units.
pub mod watches;

use tables::{META, Records, meta_keys};

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "gongwucang.redb";

/// What can go wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A rule refused the action (maps to 4xx).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Another process holds the data folder.
    #[error("数据目录 {0} 正被另一个 gongwucang 进程使用。请先关闭正在运行的程序，或用 --data 指定其他数据目录。")]
    AlreadyOpen(PathBuf),
    /// The file was written by a newer release.
    #[error("数据库版本 {found} 比本程序支持的版本 {supported} 新：请使用更新版本的 gongwucang 打开此数据目录。")]
    NewerSchema {
        /// In the file.
        found: u32,
        /// This build's.
        supported: u32,
    },
    /// A record does not decode or encode.
    #[error("{0}")]
    Corrupt(String),
    /// redb reported an error.
    #[error("数据库错误：{0}")]
    Db(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
from_redb!(redb::Error, redb::TransactionError, redb::TableError, redb::StorageError, redb::CommitError);

/// Shorthand.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The folder inside the data folder where the copies taken before a migration go.
pub const BACKUP_DIR: &str = "backups";

/// Copies the (closed) database file to `backups/before-upgrade-v{found}-{UTC time}.redb`,
/// written under a temporary name, flushed, then renamed.
fn backup_before_migration(data_dir: &Path, found: u32) -> Result<PathBuf> {
    let stamp: String = clock::now_rfc3339().chars().filter(|c| c.is_ascii_digit() || *c == 'T').collect();
    let dir = data_dir.join(BACKUP_DIR);
    let target = dir.join(format!("before-upgrade-v{found}-{stamp}.redb"));
    let partial = target.with_extension("redb.partial");
    let copy = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(data_dir.join(DB_FILE), &partial)?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &target)
    };
    copy().map_err(|e| {
        StoreError::Db(format!(
            "升级数据库前无法备份到 {}：{e}。数据库未改动，请检查磁盘空间和文件夹权限。",
            target.display()
        ))
    })?;
    Ok(target)
}

/// The open database and the reference data held in memory.
pub struct Store {
    db: Database,
    path: PathBuf,
    reference: RwLock<Arc<Reference>>,
    /// Commits made so far without waiting for the disk, numbered from 1.
    committed: AtomicU64,
    flush: Mutex<Flush>,
    flushed: Condvar,
}

/// Where the flushing of group commits stands.
#[derive(Default)]
struct Flush {
    /// Commits up to this number are on disk.
    durable: u64,
    /// A caller is flushing now.
    flushing: bool,
}

/// How a business action's transaction reaches the disk.
#[derive(Clone, Copy)]
enum Commit {
    /// Without waiting, then covered by one shared flushing commit ([`Store::write`]).
    Group,
    /// On its own, with redb's two-phase commit ([`Store::write_from_outside`]).
    TwoPhase,
}

impl Store {
    /// Opens (or creates) the database in `data_dir`, migrating it to this build's schema.
    /// A folder held by another process gives [`StoreError::AlreadyOpen`] at once.
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::open_with(data_dir, schema::CURRENT_VERSION, schema::MIGRATIONS)
    }

    /// [`Store::open`] towards schema `target` with `steps` (separate for tests). Before any step
    /// runs, the closed file is copied to `backups/` in the data folder; a copy that fails stops
    /// the start with the file untouched.
    pub fn open_with(data_dir: &Path, target: u32, steps: &[schema::Migration]) -> Result<Self> {
        let mut store = Self::open_file(data_dir)?;
        if let Some(found) = schema::version(&store)?
            && schema::pending(found, target, steps)
        {
            drop(store);
            let backup = backup_before_migration(data_dir, found)?;
            tracing::warn!("数据库将从版本 {found} 升级到版本 {target}，升级前的数据已备份到 {}", backup.display());
            store = Self::open_file(data_dir)?;
        }
        schema::migrate_with(&store, target, steps)?;
        if !store.read(plaza::is_current)? {
            tracing::info!("正在建立广场检索索引");
            store.write_schema(plaza::rebuild)?;
        }
        store.reload_reference()?;
        Ok(store)
    }

    fn open_file(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(DB_FILE);
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::AlreadyOpen(data_dir.to_owned())),
            Err(e) => return Err(StoreError::Db(format!("无法打开 {}：{e}", path.display()))),
        };
        Ok(Self {
            db,
            path,
            reference: RwLock::new(Arc::new(Reference::default())),
            committed: AtomicU64::new(0),
            flush: Mutex::default(),
            flushed: Condvar::new(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Regions and categories: from the database once the node is initialised, the shipped
    /// files before.
    pub fn reference(&self) -> Arc<Reference> {
        self.reference.read().map(|r| Arc::clone(&r)).unwrap_or_default()
    }

    fn reload_reference(&self) -> Result<()> {
        let reference = match self.read(node::load_reference)? {
            Some(reference) => reference,
            None => Reference::from_shipped()?,
        };
        if let Ok(mut slot) = self.reference.write() {
            *slot = Arc::new(reference);
        }
        Ok(())
    }

    /// The node, once initialised.
    pub fn node(&self) -> Result<Option<crate::domain::node::Node>> {
        self.read(node::get)
    }

    /// Runs one business action in one write transaction, appending its audit event in the same
    /// transaction. If `action` fails, nothing is written. Returns once the action is durable.
    pub fn write<T>(&self, actor: &Actor, action: impl FnOnce(&Tx) -> Result<(T, AuditEntry)>) -> Result<T> {
        self.durable(actor, |tx| action(tx).map(|(value, entry)| (value, vec![entry])))
    }

    /// [`Store::write`] for a business action on several objects (a bulk action): one audit event
    /// per object, all in the one transaction.
    pub fn write_all<T>(&self, actor: &Actor, action: impl FnOnce(&Tx) -> Result<(T, Vec<AuditEntry>)>) -> Result<T> {
        self.durable(actor, |tx| {
            let (value, entries) = action(tx)?;
            if entries.is_empty() {
                return Err(StoreError::Domain(crate::domain::DomainError::invalid("没有要办理的事项")));
            }
            Ok((value, entries))
        })
    }

    /// [`Store::write`] for what arrived from outside (a bundle file): the transaction commits
    /// on its own with redb's two-phase commit (two flushes), so that even a file crafted to
    /// collide with redb's non-cryptographic page checksums cannot turn a crash into an
    /// attacker-chosen state.
    pub fn write_from_outside<T>(
        &self,
        actor: &Actor,
        action: impl FnOnce(&Tx) -> Result<(T, AuditEntry)>,
    ) -> Result<T> {
        self.commit(actor, Commit::TwoPhase, |tx| action(tx).map(|(value, entry)| (value, vec![entry])))
    }

    /// Group commit: the action's transaction commits without waiting for the disk, then the
    /// caller waits until a commit that does wait covers it — one such commit covers every action
    /// committed before it began, so concurrent actions share one disk flush. A crash before that
    /// flush loses only actions whose callers have not been answered yet.
    fn durable<T>(&self, actor: &Actor, action: impl FnOnce(&Tx) -> Result<(T, Vec<AuditEntry>)>) -> Result<T> {
        self.commit(actor, Commit::Group, action)
    }

    fn commit<T>(
        &self,
        actor: &Actor,
        how: Commit,
        action: impl FnOnce(&Tx) -> Result<(T, Vec<AuditEntry>)>,
    ) -> Result<T> {
        // Every commit counted now has finished, so a flushing commit of ours covers it.
        let before = self.committed.load(Ordering::SeqCst);
        let mut txn = self.db.begin_write()?;
        match how {
            Commit::Group => txn.set_durability(redb::Durability::None).map_err(|e| StoreError::Db(e.to_string()))?,
            Commit::TwoPhase => txn.set_two_phase_commit(true),
        }
        let tx = Tx::new(txn);
        let (value, entries) = action(&tx)?;
        let now = clock::now_rfc3339();
        for entry in entries {
            audit::append(&tx, actor, entry, now.clone())?;
        }
        tx.commit()?;
        let mine = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        match how {
            Commit::Group => self.flush_to(mine)?,
            Commit::TwoPhase => {
                let mut f = self.lock_flush();
                f.durable = f.durable.max(before);
                self.flushed.notify_all();
            }
        }
        Ok(value)
    }

    fn lock_flush(&self) -> MutexGuard<'_, Flush> {
        self.flush.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until commit number `mine` is on disk, flushing it (and every commit before it) when
    /// no other caller is flushing.
    fn flush_to(&self, mine: u64) -> Result<()> {
        let mut f = self.lock_flush();
        loop {
            if f.durable >= mine {
                return Ok(());
            }
            if !f.flushing {
                f.flushing = true;
                drop(f);
                // Every commit counted so far finished before this transaction begins.
                let target = self.committed.load(Ordering::SeqCst);
                let flushed = (|| {
                    let mut tx = self.db.begin_write()?;
                    // What it makes durable includes what users sent (imports, photos, texts): two
                    // flushes, so that no crafted content can pass redb's non-cryptographic checksums
                    // as a valid commit after a crash (the second flush is shared by the whole group).
                    tx.set_two_phase_commit(true);
                    tx.open_table(META)?.insert(meta_keys::DURABLE, codec::encode(&target)?.as_slice())?;
                    tx.commit()?;
                    Ok::<(), StoreError>(())
                })();
                f = self.lock_flush();
                f.flushing = false;
                if flushed.is_ok() {
                    f.durable = f.durable.max(target);
                }
                self.flushed.notify_all();
                flushed?;
                continue;
            }
            f = self.flushed.wait(f).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Runs an action in a write transaction and throws the transaction away: what the action
    /// would do, computed by the very code that does it (dry runs).
    pub fn rehearse<T>(&self, action: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let tx = Tx::new(self.db.begin_write()?);
        let value = action(&tx)?;
        tx.txn.abort()?;
        Ok(value)
    }

    /// A write with no audit event, for the schema itself (version marker, migrations).
    pub(crate) fn write_schema(&self, action: impl FnOnce(&Tx) -> Result<()>) -> Result<()> {
        let tx = Tx::new(self.db.begin_write()?);
        action(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `query` on a consistent snapshot.
    pub fn read<T>(&self, query: impl FnOnce(&Rx) -> Result<T>) -> Result<T> {
        let rx = Rx { txn: self.db.begin_read()? };
        query(&rx)
    }
}

/// Typed access shared by read and write transactions.
pub trait Read {
    /// A record by key.
    fn get<T: DeserializeOwned>(&self, table: Records, key: &str) -> Result<Option<T>>;
    /// Every record of a table, in key order.
    fn scan<T: DeserializeOwned>(&self, table: Records) -> Result<Vec<T>>;
    /// A string index entry.
    fn lookup(&self, table: TableDefinition<'static, &'static str, &'static str>, key: &str) -> Result<Option<String>>;
    /// Number of rows of a table.
    fn count(&self, table: Records) -> Result<u64>;
    /// The values of a string index whose keys start with `prefix`, in key order.
    fn lookup_prefix(
        &self,
        table: TableDefinition<'static, &'static str, &'static str>,
        prefix: &str,
    ) -> Result<Vec<String>>;
}

fn prefix_values(table: &impl ReadableTable<&'static str, &'static str>, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for row in table.range(prefix..)? {
        let (key, value) = row?;
        if !key.value().starts_with(prefix) {
            break;
        }
        out.push(value.value().to_owned());
    }
    Ok(out)
}

/// A write transaction (see [`Store::write`]).
pub struct Tx {
    txn: redb::WriteTransaction,
    /// Listings changed in this transaction, in order, for the plaza index ([`plaza::flush`]).
    plaza_dirty: std::cell::RefCell<(Vec<String>, std::collections::HashSet<String>)>,
}

/// A read transaction (see [`Store::read`]).
pub struct Rx {
    txn: redb::ReadTransaction,
}

fn scan_table<T: DeserializeOwned>(table: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for row in table.iter()? {
        let (_, value) = row?;
        out.push(codec::decode(value.value())?);
    }
    Ok(out)
}

impl Read for Rx {
    fn get<T: DeserializeOwned>(&self, table: Records, key: &str) -> Result<Option<T>> {
        let table = match self.txn.open_table(table) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        table.get(key)?.map(|v| codec::decode(v.value())).transpose()
    }

    fn scan<T: DeserializeOwned>(&self, table: Records) -> Result<Vec<T>> {
        match self.txn.open_table(table) {
            Ok(t) => scan_table(&t),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    fn lookup(&self, table: TableDefinition<'static, &'static str, &'static str>, key: &str) -> Result<Option<String>> {
        match self.txn.open_table(table) {
            Ok(t) => Ok(t.get(key)?.map(|v| v.value().to_owned())),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn count(&self, table: Records) -> Result<u64> {
        match self.txn.open_table(table) {
            Ok(t) => Ok(t.len()?),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    fn lookup_prefix(
        &self,
        table: TableDefinition<'static, &'static str, &'static str>,
        prefix: &str,
    ) -> Result<Vec<String>> {
        match self.txn.open_table(table) {
            Ok(t) => prefix_values(&t, prefix),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }
}

impl Read for Tx {
    fn get<T: DeserializeOwned>(&self, table: Records, key: &str) -> Result<Option<T>> {
        let table = self.txn.open_table(table)?;

        table.get(key)?.map(|v| codec::decode(v.value())).transpose()
    }

    fn scan<T: DeserializeOwned>(&self, table: Records) -> Result<Vec<T>> {
        scan_table(&self.txn.open_table(table)?)
    }

    fn lookup(&self, table: TableDefinition<'static, &'static str, &'static str>, key: &str) -> Result<Option<String>> {
        let table = self.txn.open_table(table)?;
        let value = table.get(key)?.map(|v| v.value().to_owned());
        Ok(value)
    }

    fn count(&self, table: Records) -> Result<u64> {
        Ok(self.txn.open_table(table)?.len()?)
    }

    fn lookup_prefix(
        &self,
        table: TableDefinition<'static, &'static str, &'static str>,
        prefix: &str,
    ) -> Result<Vec<String>> {
        prefix_values(&self.txn.open_table(table)?, prefix)
    }
}

impl Tx {
    fn new(txn: redb::WriteTransaction) -> Self {
        Self { txn, plaza_dirty: Default::default() }
    }

    /// Brings the plaza index up to date with this transaction's changes, then commits.
    fn commit(self) -> Result<()> {
        plaza::flush(&self)?;
        self.txn.commit()?;
        Ok(())
    }

    /// Inserts or replaces a record.
    pub fn put<T: Serialize>(&self, table: Records, key: &str, value: &T) -> Result<()> {
        let bytes = codec::encode(value)?;
        self.txn.open_table(table)?.insert(key, bytes.as_slice())?;
        Ok(())
    }

    /// Removes a record (absent is fine).
    pub fn remove(&self, table: Records, key: &str) -> Result<()> {
        self.txn.open_table(table)?.remove(key)?;
        Ok(())
    }

    /// Sets a string index entry.
    pub fn index(
        &self,
        table: TableDefinition<'static, &'static str, &'static str>,
        key: &str,
        value: &str,
    ) -> Result<()> {
        self.txn.open_table(table)?.insert(key, value)?;
        Ok(())
    }

    /// The next id of a kind: `prefix` followed by a counter (`u1`, `u2` …).
    pub fn next_id(&self, prefix: &str) -> Result<String> {
        let key = format!("{}{prefix}", meta_keys::COUNTER_PREFIX);
        let next = self.get::<u64>(META, &key)?.unwrap_or(0) + 1;
        self.put(META, &key, &next)?;
        Ok(format!("{prefix}{next}"))
    }

    /// Raw access for the modules of this folder.
    pub(crate) fn raw(&self) -> &redb::WriteTransaction {
        &self.txn
    }
}

impl Rx {
    /// Raw access for the modules of this folder.
    pub(crate) fn raw(&self) -> &redb::ReadTransaction {
        &self.txn
    }
}

#[cfg(test)]
mod tests;
