use std::collections::BTreeSet;

use super::*;
use crate::domain::audit::{Actor, AuditEntry};

/// A demo node in a temporary folder, with its key.
fn demo() -> (tempfile::TempDir, Store, SigningKey) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    crate::demo::create(dir.path(), &store).unwrap();
    let key = crate::federation::keys::load(dir.path()).unwrap();
    (dir, store, key)
}

/// A bare node (initialised, an admin, the reference data): quicker than the demo.
fn node() -> (tempfile::TempDir, Store, SigningKey) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let request = crate::setup::SetupRequest {
        kind: crate::domain::node::NodeKind::Local,
        region: "210100",
        name: "沈阳市财政局公物仓",
        admin_password: "Backup2025admin",
    };
    crate::setup::initialize(dir.path(), &store, request).unwrap();
    let key = crate::federation::keys::load(dir.path()).unwrap();
    (dir, store, key)
}

/// Every row of every table: (table, key, value).
fn dump(store: &Store) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let txn = store.db.begin_read().unwrap();
    let mut bytes = Vec::new();
    write_tables(&txn, &mut bytes).unwrap();
    let mut rows = Vec::new();
    let mut table = String::new();
    let mut input = bytes.as_slice();
    loop {
        let mut tag = [0u8; 1];
        input.read_exact(&mut tag).unwrap_or_else(|_| tag[0] = TAG_END);
        match tag[0] {
            TAG_TABLE => {
                table = String::from_utf8(read_bytes(&mut input, 256).unwrap()).unwrap();
                input.read_exact(&mut [0u8; 1]).unwrap();
            }
            TAG_ROW => {
                let key = read_bytes(&mut input, 1 << 16).unwrap();
                rows.push((table.clone(), key, read_bytes(&mut input, 1 << 30).unwrap()));
            }
            _ => return rows,
        }
    }
}

#[test]
fn every_table_of_the_node_is_backed_up() {
    let source = include_str!("../../tables.rs");
    let defined: BTreeSet<&str> =
        source.split("TableDefinition::new(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    let listed: BTreeSet<&str> = TABLES.iter().map(|(name, _)| *name).collect();
    assert_eq!(defined, listed, "a new table in tables.rs must be added to backup::TABLES");
}

#[test]
fn a_restore_is_the_snapshot_record_for_record_with_the_nodes_keys() {
    let (dir, store, key) = demo();
    let file = dir.path().join(BACKUP_DIR).join(file_name("manual", "2026-11-28T06:30:00Z"));
    let header = create(&store, dir.path(), &key, &file).unwrap();
    assert_eq!(file.file_name().unwrap().to_str(), Some("manual-20261128T063000Z.gwcbak"));
    assert!(header.rows() > 100 && header.tables.iter().any(|(t, n)| t == "audit" && *n > 0), "{header:?}");
    assert_eq!(verify(&file).unwrap(), header);
    assert_eq!(
        list(dir.path()).iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        ["manual-20261128T063000Z.gwcbak"]
    );

    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("restored");
    let restored = restore(&file, &into, Some(&header.node_id)).unwrap();
    assert!(restored.audit_events > 0);
    let again = Store::open(&into).unwrap();
    let (before, after) = (dump(&store), dump(&again));
    assert_eq!(before.len(), after.len());
    assert!(before == after, "every row of every table is the same");
    for name in FILES {
        assert_eq!(fs::read(dir.path().join(name)).unwrap(), fs::read(into.join(name)).unwrap(), "{name}");
    }
}

#[test]
fn a_flipped_byte_anywhere_is_refused_before_anything_is_written() {
    let (dir, store, key) = node();
    let file = dir.path().join("b.gwcbak");
    let header = create(&store, dir.path(), &key, &file).unwrap();
    let good = fs::read(&file).unwrap();
    let header_end = MAGIC.len() + 4 + serde_json::to_vec(&header).unwrap().len();
    for at in
        [0, MAGIC.len() + 1, MAGIC.len() + 20, header_end + 3, header_end + 64 + 10, good.len() / 2, good.len() - 1]
    {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let damaged = dir.path().join(format!("bad-{at}.gwcbak"));
        fs::write(&damaged, &bad).unwrap();
        let target = tempfile::tempdir().unwrap();
        let err = restore(&damaged, target.path(), None).unwrap_err();
        assert!(matches!(err, BackupError::Invalid(_) | BackupError::Foreign(_)), "byte {at}: {err}");
        assert_eq!(fs::read_dir(target.path()).unwrap().count(), 0, "byte {at}: nothing written");
    }
    // Cut short, or not a backup at all.
    fs::write(dir.path().join("short.gwcbak"), &good[..good.len() - 100]).unwrap();
    assert!(restore(&dir.path().join("short.gwcbak"), &dir.path().join("x"), None).is_err());
    assert!(!dir.path().join("x").exists());
    let err = restore(&dir.path().join(DB_FILE), &dir.path().join("x"), None).unwrap_err();
    assert!(err.to_string().contains("不是公物仓备份文件"), "{err}");
}

#[test]
fn a_foreign_backup_or_a_full_folder_is_refused() {
    let (dir, store, key) = node();
    let file = dir.path().join("b.gwcbak");
    create(&store, dir.path(), &key, &file).unwrap();
    let target = tempfile::tempdir().unwrap();

    // Another node's backup where this node's is expected.
    let err = restore(&file, &target.path().join("a"), Some("210100-00000000")).unwrap_err();
    assert!(matches!(err, BackupError::Foreign(_)), "{err}");

    // Re-signed by another key that claims to be the node: the signature holds, the data does not agree.
    let good = fs::read(&file).unwrap();
    let len = u32::from_le_bytes(good[MAGIC.len()..MAGIC.len() + 4].try_into().unwrap()) as usize;
    let start = MAGIC.len() + 4;
    let mut header: BackupHeader = serde_json::from_slice(&good[start..start + len]).unwrap();
    let other = SigningKey::from_bytes(&[7u8; 32]);
    header.public_key = hex::encode(other.verifying_key().to_bytes());
    let json = serde_json::to_vec(&header).unwrap();
    let signature = other.sign(&[MAGIC, &json].concat());
    let forged =
        [MAGIC, &(json.len() as u32).to_le_bytes(), &json, &signature.to_bytes(), &good[start + len + 64..]].concat();
    fs::write(dir.path().join("forged.gwcbak"), forged).unwrap();
    let into = target.path().join("b");
    let err = restore(&dir.path().join("forged.gwcbak"), &into, None).unwrap_err();
    assert!(matches!(err, BackupError::Foreign(_)), "{err}");
    assert!(!into.exists(), "what was written is removed");

    // A folder that already holds something.
    let full = target.path().join("c");
    fs::create_dir_all(&full).unwrap();
    fs::write(full.join("note.txt"), "x").unwrap();
    assert!(matches!(restore(&file, &full, None), Err(BackupError::NotEmpty(_))));
    assert_eq!(fs::read_to_string(full.join("note.txt")).unwrap(), "x");
}

#[test]
fn a_backup_taken_while_writes_go_on_is_one_consistent_moment() {
    let (dir, store, key) = node();
    let store = std::sync::Arc::new(store);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                store
                    .write(&Actor::system(), |_| {
                        Ok(((), AuditEntry::new("test_write", format!("t:{n}"), "写入".to_owned(), None)))
                    })
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    let file = dir.path().join("during.gwcbak");
    let header = create(&store, dir.path(), &key, &file).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    let target = tempfile::tempdir().unwrap();
    let restored = restore(&file, &target.path().join("r"), None).unwrap();
    let audit_rows = header.tables.iter().find(|(t, _)| t == "audit").map(|(_, n)| *n).unwrap();
    assert_eq!(restored.audit_events, audit_rows, "the chain verifies up to the snapshot's last event");
}

#[test]
fn only_the_newest_automatic_backups_are_kept_and_manual_ones_stay() {
    let (dir, store, key) = node();
    let folder = dir.path().join(BACKUP_DIR);
    for name in ["auto-1", "auto-2", "auto-3", "manual-1"] {
        create(&store, dir.path(), &key, &folder.join(format!("{name}.{EXTENSION}"))).unwrap();
    }
    fs::write(folder.join("notes.txt"), "x").unwrap();
    assert_eq!(prune(dir.path(), 2), ["auto-1.gwcbak"]);
    let left: BTreeSet<String> = list(dir.path()).into_iter().map(|b| b.name).collect();
    assert_eq!(left, BTreeSet::from(["auto-2.gwcbak".into(), "auto-3.gwcbak".into(), "manual-1.gwcbak".into()]));
    assert!(folder.join("notes.txt").exists());
    assert!(checked_name("auto-2.gwcbak").is_ok());
    for bad in ["../gongwucang.redb", "auto-2.gwcbak/..", ".gwcbak", "node.key", "a b.gwcbak"] {
        assert!(checked_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn backups_taken_at_the_same_moment_each_get_their_own_file() {
    let (dir, store, _) = node();
    let store = std::sync::Arc::new(store);
    let taken: Vec<BackupFile> = std::thread::scope(|scope| {
        let runs: Vec<_> =
            (0..3).map(|_| scope.spawn(|| take(&store, dir.path(), "manual", &Actor::system()).unwrap())).collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let names: BTreeSet<&str> = taken.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for made in &taken {
        let path = dir.path().join(BACKUP_DIR).join(&made.name);
        assert_eq!(fs::metadata(&path).unwrap().len(), made.size, "{}", made.name);
        verify(&path).unwrap();
    }
}
