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
