use super::*;

fn bump_to_two(tx: &Tx) -> Result<()> {
    tx.put(META, "migrated", &true)
}

#[test]
fn an_older_file_is_migrated_and_a_newer_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(version(&store).unwrap(), Some(CURRENT_VERSION));

    let steps = [Migration { version: CURRENT_VERSION + 1, apply: bump_to_two }];
    migrate_with(&store, CURRENT_VERSION + 1, &steps).unwrap();
    assert_eq!(version(&store).unwrap(), Some(CURRENT_VERSION + 1));
    assert_eq!(store.read(|r| r.get::<bool>(META, "migrated")).unwrap(), Some(true));

    let err = migrate_with(&store, CURRENT_VERSION, MIGRATIONS).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
}

#[test]
fn the_file_is_copied_to_backups_before_a_migration_and_not_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    drop(Store::open(dir.path()).unwrap());
    assert!(!dir.path().join(crate::store::BACKUP_DIR).exists(), "no step, no backup");

    let steps = [Migration { version: CURRENT_VERSION + 1, apply: bump_to_two }];
    let store = Store::open_with(dir.path(), CURRENT_VERSION + 1, &steps).unwrap();
    assert_eq!(version(&store).unwrap(), Some(CURRENT_VERSION + 1));
    drop(store);

    let backups: Vec<_> =
        std::fs::read_dir(dir.path().join(crate::store::BACKUP_DIR)).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let name = backups[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with(&format!("before-upgrade-v{CURRENT_VERSION}-")) && name.ends_with(".redb"), "{name}");
    // The backup is the file as it was: it opens at the old version, without the step's change.
    let old = tempfile::tempdir().unwrap();
    std::fs::copy(&backups[0], old.path().join(crate::store::DB_FILE)).unwrap();
    let old = Store::open(old.path()).unwrap();
    assert_eq!(version(&old).unwrap(), Some(CURRENT_VERSION));
    assert_eq!(old.read(|r| r.get::<bool>(META, "migrated")).unwrap(), None);

    // The newer file is refused by this build, without a backup or a change.
    let err = Store::open(dir.path()).err().expect("newer schema refused");
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
    let store = Store::open_with(dir.path(), CURRENT_VERSION + 1, &steps).unwrap();
    assert_eq!(version(&store).unwrap(), Some(CURRENT_VERSION + 1));
    assert_eq!(std::fs::read_dir(dir.path().join(crate::store::BACKUP_DIR)).unwrap().count(), 1);
}
