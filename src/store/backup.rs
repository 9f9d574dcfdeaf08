//! 数据备份与恢复: a consistent snapshot of the whole node through one read transaction (never a
//! copy of a file being written), as one file:
//!
//! ```text
//! GWCBACKUP1\n | header length (u32 LE) | header (JSON) | ed25519 signature (64) | payload
//! ```
//!
//! The header names the node, the time, the schema version, each table's row count and the
//! payload's SHA-256; the node's key signs the magic and the header. The payload is the zstd-compressed
//! records of every table and the node's key files. A restore checks the signature, the checksum
//! and the counts before it writes anything, writes into an empty folder in one transaction, and
//! then checks the result is the node the header says (its key, its audit chain) — or removes what
//! it wrote.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read as _, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use redb::{ReadableDatabase, ReadableTable, TableDefinition, TableHandle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{BACKUP_DIR, DB_FILE, Store, StoreError};
use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};

/// The first bytes of every backup file.
pub const MAGIC: &[u8] = b"GWCBACKUP1\n";
/// Backup files' extension.
pub const EXTENSION: &str = "gwcbak";
/// The format written here.
pub const FORMAT: u32 = 1;
/// The largest header read (a header is a few kilobytes).
const MAX_HEADER: u32 = 1 << 20;

/// The key types of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// `&str` → bytes.
    StrBytes,
    /// `&str` → `&str` (indexes).
    StrStr,
    /// `u64` → bytes (the audit chain).
    U64Bytes,
}

/// Every table of the node and its kind: a backup refuses a database holding a table not listed
/// here rather than leave it out.
pub const TABLES: &[(&str, TableKind)] = &[
    ("meta", TableKind::StrBytes),
    ("regions", TableKind::StrBytes),
    ("categories", TableKind::StrBytes),
    ("units", TableKind::StrBytes),
    ("unit_codes", TableKind::StrStr),
    ("users", TableKind::StrBytes),
    ("usernames", TableKind::StrStr),
    ("cards", TableKind::StrBytes),
    ("card_codes", TableKind::StrStr),
    ("card_history", TableKind::StrBytes),
    ("locations", TableKind::StrBytes),
    ("listings", TableKind::StrBytes),
    ("remote_cards", TableKind::StrBytes),
    ("figures", TableKind::StrBytes),
    ("demands", TableKind::StrBytes),
    ("interests", TableKind::StrBytes),
    ("watches", TableKind::StrBytes),
    ("budget_checks", TableKind::StrBytes),
    ("stocktakes", TableKind::StrBytes),
    ("peers", TableKind::StrBytes),
    ("outbox", TableKind::StrBytes),
    ("inbox", TableKind::StrBytes),
    ("channels", TableKind::StrBytes),
    ("bundle_log", TableKind::StrBytes),
    ("bundle_files", TableKind::StrBytes),
    ("photos", TableKind::StrBytes),
    ("audit", TableKind::U64Bytes),
];

/// The node's files kept in a backup besides the database.
const FILES: &[&str] = &[crate::federation::keys::PRIVATE_KEY_FILE, crate::federation::keys::PUBLIC_KEY_FILE];

/// What a backup says of itself (signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BackupHeader {
    /// [`FORMAT`].
    pub format: u32,
    /// The node backed up.
    pub node_id: String,
    /// Its name.
    pub node_name: String,
    /// Its public key, hex: the key that signed this header.
    pub public_key: String,
    /// When the snapshot was taken, RFC 3339.
    pub created_at: String,
    /// The database's schema version.
    pub schema_version: u32,
    /// Rows per table.
    pub tables: Vec<(String, u64)>,
    /// SHA-256 of the payload, hex.
    pub payload_sha256: String,
    /// Payload bytes (compressed).
    pub payload_bytes: u64,
}

impl BackupHeader {
    /// Rows in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Why a backup or a restore could not be made. Nothing is left half-written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file is not a backup of this program, or is damaged.
    #[error("备份文件无效：{0}")]
    Invalid(String),
    /// The signature does not hold, or the backup is of another node than expected.
    #[error("备份文件未通过验证：{0}")]
    Foreign(String),
    /// The target folder is not empty.
    #[error("恢复的目标文件夹 {0} 不是空的：请指定一个新的空文件夹，以免覆盖现有数据")]
    NotEmpty(PathBuf),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file.
    #[error("读写文件 {path} 失败：{source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

fn db_error(e: impl std::fmt::Display) -> BackupError {
    BackupError::Store(StoreError::Db(e.to_string()))
}

/// A writer that hashes what passes through.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

// Payload records.
const TAG_END: u8 = 0;
const TAG_TABLE: u8 = 1;
const TAG_ROW: u8 = 2;
const TAG_FILE: u8 = 3;

fn put_bytes(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("记录过大"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(bytes)
}

fn kind_byte(kind: TableKind) -> u8 {
    match kind {
        TableKind::StrBytes => 0,
        TableKind::StrStr => 1,
        TableKind::U64Bytes => 2,
    }
}

/// Writes every table of `txn` into `out`; answers the row counts.
fn write_tables(txn: &redb::ReadTransaction, out: &mut impl Write) -> Result<Vec<(String, u64)>, BackupError> {
    // The plaza index is derived from the listings: left out, rebuilt when the restored node opens.
    let present: Vec<String> = txn
        .list_tables()
        .map_err(db_error)?
        .map(|t| t.name().to_owned())
        .filter(|name| !super::plaza::TABLES.contains(&name.as_str()))
        .collect();
    if let Some(unknown) = present.iter().find(|name| !TABLES.iter().any(|(t, _)| t == name)) {
        return Err(db_error(format!("数据库中有本程序不认识的表 {unknown}，未备份")));
    }
    let mut counts = Vec::new();
    for &(name, kind) in TABLES.iter().filter(|(name, _)| present.iter().any(|p| p == name)) {
        let w = |e: io::Error| db_error(e);
        out.write_all(&[TAG_TABLE]).map_err(w)?;
        put_bytes(out, name.as_bytes()).map_err(w)?;
        out.write_all(&[kind_byte(kind)]).map_err(w)?;
        let mut rows = 0u64;
        let mut row = |key: &[u8], value: &[u8]| -> Result<(), BackupError> {
            out.write_all(&[TAG_ROW]).map_err(w)?;
            put_bytes(out, key).map_err(w)?;
            put_bytes(out, value).map_err(w)?;
            rows += 1;
            Ok(())
        };
        match kind {
            TableKind::StrBytes => {
                let table = txn.open_table(TableDefinition::<&str, &[u8]>::new(name)).map_err(db_error)?;
                for entry in table.iter().map_err(db_error)? {
                    let (k, v) = entry.map_err(db_error)?;
                    row(k.value().as_bytes(), v.value())?;
                }
            }
            TableKind::StrStr => {
                let table = txn.open_table(TableDefinition::<&str, &str>::new(name)).map_err(db_error)?;
                for entry in table.iter().map_err(db_error)? {
                    let (k, v) = entry.map_err(db_error)?;
                    row(k.value().as_bytes(), v.value().as_bytes())?;
                }
            }
            TableKind::U64Bytes => {
                let table = txn.open_table(TableDefinition::<u64, &[u8]>::new(name)).map_err(db_error)?;
                for entry in table.iter().map_err(db_error)? {
                    let (k, v) = entry.map_err(db_error)?;
                    row(&k.value().to_be_bytes(), v.value())?;
                }
            }
        }
        counts.push((name.to_owned(), rows));
    }
    Ok(counts)
}

/// A backup's file name: `{kind}-{UTC time}.gwcbak`, e.g. `manual-20261128T063000Z.gwcbak`.
pub fn file_name(kind: &str, now: &str) -> String {
    let stamp: String = now.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{kind}-{stamp}.{EXTENSION}")
}

/// Takes a backup of `store` (open, possibly serving) into `target`, signed with `key`: one read
/// transaction, written under a temporary name, flushed, then renamed. Answers its header.
pub fn create(store: &Store, data_dir: &Path, key: &SigningKey, target: &Path) -> Result<BackupHeader, BackupError> {
    let node = store.node()?.ok_or_else(|| BackupError::Invalid("本节点尚未初始化，没有可备份的数据".to_owned()))?;
    if node.public_key != hex::encode(key.verifying_key().to_bytes()) {
        return Err(BackupError::Foreign("节点密钥与数据库记录的不一致".to_owned()));
    }
    let schema_version = super::schema::version(store)?.unwrap_or_default();
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    let payload_path = target.with_extension(format!("{EXTENSION}.payload"));
    let partial = target.with_extension(format!("{EXTENSION}.partial"));
    let result = (|| {
        let created_at = crate::domain::clock::now_rfc3339();
        let file = File::create(&payload_path).map_err(io_at(&payload_path))?;
        let mut hashing = Hashing { inner: BufWriter::new(file), hash: Sha256::new(), bytes: 0 };
        let tables = {
            let mut encoder = zstd::Encoder::new(&mut hashing, 3).map_err(io_at(&payload_path))?;
            let txn = store.db.begin_read().map_err(db_error)?;
            let tables = write_tables(&txn, &mut encoder)?;
            drop(txn);
            for name in FILES {
                let path = data_dir.join(name);
                let bytes = fs::read(&path).map_err(io_at(&path))?;
                encoder.write_all(&[TAG_FILE]).map_err(io_at(&payload_path))?;
                put_bytes(&mut encoder, name.as_bytes()).map_err(io_at(&payload_path))?;
                put_bytes(&mut encoder, &bytes).map_err(io_at(&payload_path))?;
            }
            encoder.write_all(&[TAG_END]).map_err(io_at(&payload_path))?;
            encoder.finish().map_err(io_at(&payload_path))?;
            tables
        };
        hashing.flush().map_err(io_at(&payload_path))?;
        let header = BackupHeader {
            format: FORMAT,
            node_id: node.node_id.clone(),
            node_name: node.name.clone(),
            public_key: node.public_key.clone(),
            created_at,
            schema_version,
            tables,
            payload_sha256: hex::encode(hashing.hash.clone().finalize()),
            payload_bytes: hashing.bytes,
        };
        drop(hashing);
        let header_json = serde_json::to_vec(&header).map_err(|e| BackupError::Invalid(e.to_string()))?;
        let signature = key.sign(&[MAGIC, &header_json].concat());
        let mut out = BufWriter::new(File::create(&partial).map_err(io_at(&partial))?);
        let header_len = u32::try_from(header_json.len()).map_err(|_| BackupError::Invalid("头部过大".to_owned()))?;
        out.write_all(MAGIC).map_err(io_at(&partial))?;
        out.write_all(&header_len.to_le_bytes()).map_err(io_at(&partial))?;
        out.write_all(&header_json).map_err(io_at(&partial))?;
        out.write_all(&signature.to_bytes()).map_err(io_at(&partial))?;
        io::copy(&mut File::open(&payload_path).map_err(io_at(&payload_path))?, &mut out).map_err(io_at(&partial))?;
        let file = out
            .into_inner()
            .map_err(|e| BackupError::Io { path: partial.display().to_string(), source: e.into_error() })?;
        file.sync_all().map_err(io_at(&partial))?;
        fs::rename(&partial, target).map_err(io_at(target))?;
        Ok(header)
    })();
    let _ = fs::remove_file(&payload_path);
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// Takes a backup of this node now (`manual` or `auto`) into its backup folder, with its audit
/// event; automatic ones beyond what the settings keep are removed.
pub fn take(store: &Store, data_dir: &Path, kind: &str, actor: &Actor) -> Result<BackupFile, BackupError> {
    // One backup at a time (立即备份 from two admins, the CLI, the daily one): each gets its own file.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let node = store.node()?.ok_or_else(|| BackupError::Invalid("本节点尚未初始化，没有可备份的数据".to_owned()))?;
    let key = crate::federation::keys::load_checked(data_dir, &node.public_key)
        .map_err(|e| BackupError::Foreign(e.to_string()))?;
    let first = file_name(kind, &crate::domain::clock::now_rfc3339());
    let name =
        (1..)
            .map(|n| {
                if n == 1 {
                    first.clone()
                } else {
                    first.replace(&format!(".{EXTENSION}"), &format!("-{n}.{EXTENSION}"))
                }
            })
            .find(|name| !data_dir.join(BACKUP_DIR).join(name).exists())
            .unwrap_or(first);
    let target = data_dir.join(BACKUP_DIR).join(&name);
    let header = create(store, data_dir, &key, &target)?;
    let size = fs::metadata(&target).map(|m| m.len()).unwrap_or_default();
    let removed = match kind {
        "auto" => prune(data_dir, store.read(super::settings::get)?.backup_keep as usize),
        _ => Vec::new(),
    };
    let summary = format!(
        "{}：{name}（{} 条记录，{} 字节）{}",
        if kind == "auto" { "每日自动备份" } else { "立即备份" },
        header.rows(),
        size,
        if removed.is_empty() { String::new() } else { format!("；按保留份数删除 {}", removed.join("、")) }
    );
    store.write(actor, |_| Ok(((), AuditEntry::new("backup_created", format!("backup:{name}"), summary, None))))?;
    Ok(BackupFile { name, kind: kind.to_owned(), size, created_at: header.created_at })
}

/// Reads and checks a backup's header and signature; answers the header and where the payload starts.
fn open_checked(file: &Path) -> Result<(BackupHeader, BufReader<File>), BackupError> {
    let mut reader = BufReader::new(File::open(file).map_err(io_at(file))?);
    let invalid = |what: &str| BackupError::Invalid(what.to_owned());
    let mut magic = vec![0u8; MAGIC.len()];
    reader.read_exact(&mut magic).map_err(|_| invalid("不是公物仓备份文件"))?;
    if magic != MAGIC {
        return Err(invalid("不是公物仓备份文件"));
    }
    let mut len = [0u8; 4];
    reader.read_exact(&mut len).map_err(|_| invalid("文件不完整"))?;
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(invalid("文件头损坏"));
    }
    let mut header_json = vec![0u8; len as usize];
    reader.read_exact(&mut header_json).map_err(|_| invalid("文件不完整"))?;
    let mut signature = [0u8; 64];
    reader.read_exact(&mut signature).map_err(|_| invalid("文件不完整"))?;
    let header: BackupHeader = serde_json::from_slice(&header_json).map_err(|_| invalid("文件头损坏"))?;
    if header.format != FORMAT {
        return Err(BackupError::Invalid(format!("备份格式 {} 不受本程序支持", header.format)));
    }
    let key: [u8; 32] = hex::decode(&header.public_key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| invalid("文件头中的节点公钥无效"))?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| invalid("文件头中的节点公钥无效"))?;
    key.verify(&[MAGIC, &header_json].concat(), &Signature::from_bytes(&signature))
        .map_err(|_| BackupError::Foreign("签名与文件头中的节点公钥不符，文件已损坏或被改动".to_owned()))?;
    Ok((header, reader))
}

/// Checks a backup file completely without writing anything: the signature, the payload's
/// checksum and every record. Answers its header.
pub fn verify(file: &Path) -> Result<BackupHeader, BackupError> {
    let (header, mut reader) = open_checked(file)?;
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(io_at(file))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        bytes += n as u64;
    }
    if bytes != header.payload_bytes || hex::encode(hash.finalize()) != header.payload_sha256 {
        return Err(BackupError::Invalid("校验和不符，文件已损坏（或不完整）".to_owned()));
    }
    let (_, reader) = open_checked(file)?;
    let counts = read_payload(reader, |_| Ok(()))?;
    if counts != header.tables {
        return Err(BackupError::Invalid("记录数与文件头不符".to_owned()));
    }
    Ok(header)
}

fn read_bytes(input: &mut impl io::Read, max: u32) -> Result<Vec<u8>, BackupError> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len).map_err(|_| BackupError::Invalid("数据不完整".to_owned()))?;
    let len = u32::from_le_bytes(len);
    if len > max {
        return Err(BackupError::Invalid("记录长度异常".to_owned()));
    }
    let mut bytes = vec![0u8; len as usize];
    input.read_exact(&mut bytes).map_err(|_| BackupError::Invalid("数据不完整".to_owned()))?;
    Ok(bytes)
}

/// One record of the payload.
enum Record<'a> {
    /// The rows that follow are of this table.
    Table(&'a str, TableKind),
    /// A row of the current table.
    Row(&'a [u8], &'a [u8]),
    /// A node file.
    File(&'a str, &'a [u8]),
}

/// Walks the payload, record by record. Answers the row counts per table.
fn read_payload(
    reader: impl io::Read,
    mut each: impl FnMut(Record<'_>) -> Result<(), BackupError>,
) -> Result<Vec<(String, u64)>, BackupError> {
    let mut input = zstd::Decoder::new(reader).map_err(|_| BackupError::Invalid("数据无法解压".to_owned()))?;
    let mut counts: Vec<(String, u64)> = Vec::new();
    let short = || BackupError::Invalid("数据不完整".to_owned());
    loop {
        let mut tag = [0u8; 1];
        input.read_exact(&mut tag).map_err(|_| short())?;
        match tag[0] {
            TAG_END => return Ok(counts),
            TAG_TABLE => {
                let name = String::from_utf8(read_bytes(&mut input, 256)?)
                    .map_err(|_| BackupError::Invalid("表名无效".to_owned()))?;
                let mut kind = [0u8; 1];
                input.read_exact(&mut kind).map_err(|_| short())?;
                let Some(&(_, known)) = TABLES.iter().find(|(t, k)| *t == name && kind_byte(*k) == kind[0]) else {
                    return Err(BackupError::Invalid(format!("未知的表 {name}")));
                };
                each(Record::Table(&name, known))?;
                counts.push((name, 0));
            }
            TAG_ROW => {
                let key = read_bytes(&mut input, 1 << 16)?;
                let value = read_bytes(&mut input, 1 << 30)?;
                let Some((_, n)) = counts.last_mut() else {
                    return Err(BackupError::Invalid("记录不属于任何表".to_owned()));
                };
                each(Record::Row(&key, &value))?;
                *n += 1;
            }
            TAG_FILE => {
                let name = String::from_utf8(read_bytes(&mut input, 256)?)
                    .map_err(|_| BackupError::Invalid("文件名无效".to_owned()))?;
                if !FILES.contains(&name.as_str()) {
                    return Err(BackupError::Invalid(format!("未知的文件 {name}")));
                }
                let bytes = read_bytes(&mut input, 1 << 20)?;
                each(Record::File(&name, &bytes))?;
            }
            _ => return Err(BackupError::Invalid("数据损坏".to_owned())),
        }
    }
}

/// The table a restore is writing.
enum Writing<'t> {
    None,
    StrBytes(redb::Table<'t, &'static str, &'static [u8]>),
    StrStr(redb::Table<'t, &'static str, &'static str>),
    U64Bytes(redb::Table<'t, u64, &'static [u8]>),
}

impl Writing<'_> {
    fn insert(&mut self, key: &[u8], value: &[u8]) -> Result<(), BackupError> {
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| BackupError::Invalid("键无效".to_owned()))
        };
        match self {
            Self::None => return Err(BackupError::Invalid("记录不属于任何表".to_owned())),
            Self::StrBytes(t) => drop(t.insert(text(key)?.as_str(), value).map_err(db_error)?),
            Self::StrStr(t) => drop(t.insert(text(key)?.as_str(), text(value)?.as_str()).map_err(db_error)?),
            Self::U64Bytes(t) => {
                let key: [u8; 8] = key.try_into().map_err(|_| BackupError::Invalid("键无效".to_owned()))?;
                drop(t.insert(u64::from_be_bytes(key), value).map_err(db_error)?);
            }
        }
        Ok(())
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Restored {
    /// The backup's header.
    pub header: BackupHeader,
    /// Audit events whose chain was checked after the restore.
    pub audit_events: u64,
}

/// Restores `file` into `data_dir` (absent or empty). `expect_node`: refuse a backup of another
/// node. Checks everything first; on any failure afterwards removes what it wrote.
pub fn restore(file: &Path, data_dir: &Path, expect_node: Option<&str>) -> Result<Restored, BackupError> {
    let header = verify(file)?;
    if let Some(expected) = expect_node.filter(|n| *n != header.node_id) {
        return Err(BackupError::Foreign(format!("这是节点 {} 的备份，不是节点 {expected} 的", header.node_id)));
    }
    if data_dir.exists() && fs::read_dir(data_dir).map_err(io_at(data_dir))?.next().is_some() {
        return Err(BackupError::NotEmpty(data_dir.to_owned()));
    }
    let created_dir = !data_dir.exists();
    let result = write_restore(file, data_dir, &header);
    if result.is_err() {
        for name in FILES.iter().chain([&DB_FILE]) {
            let _ = fs::remove_file(data_dir.join(name));
        }
        let _ = fs::remove_dir_all(data_dir.join(BACKUP_DIR));
        if created_dir {
            let _ = fs::remove_dir(data_dir);
        }
    }
    result
}

fn write_restore(file: &Path, data_dir: &Path, header: &BackupHeader) -> Result<Restored, BackupError> {
    fs::create_dir_all(data_dir).map_err(io_at(data_dir))?;
    {
        let db = redb::Database::create(data_dir.join(DB_FILE)).map_err(db_error)?;
        let mut txn = db.begin_write().map_err(db_error)?;
        // The file came from outside: two-phase commit, as for bundles (Store::write_from_outside).
        txn.set_two_phase_commit(true);
        let (_, reader) = open_checked(file)?;
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut writing = Writing::None;
        read_payload(reader, |record| {
            match record {
                Record::Table(name, kind) => {
                    writing = Writing::None;
                    writing = match kind {
                        TableKind::StrBytes => {
                            Writing::StrBytes(txn.open_table(TableDefinition::new(name)).map_err(db_error)?)
                        }
                        TableKind::StrStr => {
                            Writing::StrStr(txn.open_table(TableDefinition::new(name)).map_err(db_error)?)
                        }
                        TableKind::U64Bytes => {
                            Writing::U64Bytes(txn.open_table(TableDefinition::new(name)).map_err(db_error)?)
                        }
                    };
                }
                Record::Row(key, value) => writing.insert(key, value)?,
                Record::File(name, bytes) => files.push((name.to_owned(), bytes.to_vec())),
            }
            Ok(())
        })?;
        drop(writing);
        for (name, bytes) in &files {
            let path = data_dir.join(name);
            crate::platform::write_private_file(&path, bytes).map_err(io_at(&path))?;
        }
        txn.commit().map_err(db_error)?;
    }
    // The node it says it is: its key files, the key recorded in the database, its audit chain.
    let store = Store::open(data_dir)?;
    let node = store.node()?.ok_or_else(|| BackupError::Invalid("备份中没有节点信息".to_owned()))?;
    if node.public_key != header.public_key || node.node_id != header.node_id {
        return Err(BackupError::Foreign("备份中的节点与签名的节点不一致".to_owned()));
    }
    crate::federation::keys::load_checked(data_dir, &node.public_key)
        .map_err(|e| BackupError::Foreign(e.to_string()))?;
    let audit = store.read(super::audit::verify)?;
    if !audit.ok {
        return Err(BackupError::Invalid(format!("恢复后审计链校验未通过：{}", audit.message)));
    }
    Ok(Restored { header: header.clone(), audit_events: audit.events })
}

/// A backup file in the node's backup folder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BackupFile {
    /// File name.
    pub name: String,
    /// manual (立即备份, the CLI) or auto (每日自动备份).
    pub kind: String,
    /// Bytes.
    pub size: u64,
    /// When it was taken, RFC 3339 (from the header).
    pub created_at: String,
}

/// The backups in `data_dir/backups`, newest first (files that do not read as backups are left out).
pub fn list(data_dir: &Path) -> Vec<BackupFile> {
    let dir = data_dir.join(BACKUP_DIR);
    let mut found: Vec<BackupFile> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.ends_with(&format!(".{EXTENSION}")) {
                return None;
            }
            let (header, _) = open_checked(&entry.path()).ok()?;
            Some(BackupFile {
                kind: name.split('-').next().unwrap_or("manual").to_owned(),
                size: entry.metadata().ok()?.len(),
                created_at: header.created_at,
                name,
            })
        })
        .collect();
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.name.cmp(&a.name)));
    found
}

/// Keeps the newest `keep` automatic backups, removing older ones; answers the removed names.
pub fn prune(data_dir: &Path, keep: usize) -> Vec<String> {
    let autos: Vec<BackupFile> = list(data_dir).into_iter().filter(|b| b.kind == "auto").collect();
    autos
        .into_iter()
        .skip(keep)
        .filter(|b| fs::remove_file(data_dir.join(BACKUP_DIR).join(&b.name)).is_ok())
        .map(|b| b.name)
        .collect()
}

/// A backup asked of the running server by another process (`gongwucang backup` while it
/// serves): a file `backups/request-{token}.json` that the server answers with
/// `backups/request-{token}.done` holding the backup's name or why it failed. Whoever may write
/// into the data folder may already read the whole node, so the folder is the permission.
pub fn request(data_dir: &Path, wait: std::time::Duration) -> Result<String, BackupError> {
    let dir = data_dir.join(BACKUP_DIR);
    fs::create_dir_all(&dir).map_err(io_at(&dir))?;
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).map_err(|e| BackupError::Invalid(e.to_string()))?;
    let token = hex::encode(token);
    let asked = dir.join(format!("request-{token}.json"));
    let answer = dir.join(format!("request-{token}.done"));
    fs::write(&asked, b"{}").map_err(io_at(&asked))?;
    let started = std::time::Instant::now();
    while started.elapsed() < wait {
        if let Ok(text) = fs::read_to_string(&answer) {
            let _ = fs::remove_file(&answer);
            let _ = fs::remove_file(&asked);
            return match text.strip_prefix("ok:") {
                Some(name) => Ok(name.trim().to_owned()),
                None => Err(BackupError::Invalid(text.trim_start_matches("error:").trim().to_owned())),
            };
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = fs::remove_file(&asked);
    Err(BackupError::Invalid(
        "正在运行的公物仓没有应答备份请求（请确认它在运行，或在 系统管理 › 数据备份 中备份）".to_owned(),
    ))
}

/// The requests waiting in the backup folder (see [`request`]): their answer files.
pub fn pending_requests(data_dir: &Path) -> Vec<PathBuf> {
    let dir = data_dir.join(BACKUP_DIR);
    fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let token = name.strip_prefix("request-")?.strip_suffix(".json")?;
            let answer = dir.join(format!("request-{token}.done"));
            (!answer.exists()).then_some(answer)
        })
        .collect()
}

/// A backup file name as given by a caller: one of ours, no path.
pub fn checked_name(name: &str) -> Result<&str, DomainError> {
    let ok = name.ends_with(&format!(".{EXTENSION}"))
        && name.len() < 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with('.');
    if ok { Ok(name) } else { Err(DomainError::NotFound("备份文件不存在".to_owned())) }
}

#[cfg(test)]
mod tests;
