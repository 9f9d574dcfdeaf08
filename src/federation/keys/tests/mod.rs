use super::*;

#[test]
fn a_written_key_loads_back_and_a_changed_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = generate().unwrap();
    write(dir.path(), &key).unwrap();
    let public = hex::encode(key.verifying_key().to_bytes());
    assert!(load_checked(dir.path(), &public).is_ok());

    write(dir.path(), &generate().unwrap()).unwrap();
    assert!(matches!(load_checked(dir.path(), &public), Err(KeyError::Changed(_))));
}

#[cfg(unix)]
#[test]
fn the_private_key_is_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &generate().unwrap()).unwrap();
    let mode = fs::metadata(dir.path().join(PRIVATE_KEY_FILE)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
