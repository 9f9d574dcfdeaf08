use super::*;

#[test]
fn the_folder_beside_the_executable_is_used_when_it_can_be_written() {
    let exe = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let beside = exe.path().join(DATA_FOLDER);
    let choice = choose_data_dir(beside.clone(), Some(user.path().join(DATA_FOLDER)));
    assert_eq!(choice, DataDirChoice { dir: beside.clone(), fallback_reason: None });
    assert!(beside.is_dir(), "created by the probe");
    assert_eq!(std::fs::read_dir(&beside).unwrap().count(), 0, "the probe file is removed");
}

#[test]
fn an_unwritable_folder_beside_the_executable_falls_back_to_the_user_folder() {
    // A file where the folder should be cannot be written into, even as root.
    let exe = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    std::fs::write(exe.path().join("blocked"), b"").unwrap();
    let beside = exe.path().join("blocked").join(DATA_FOLDER);
    let choice = choose_data_dir(beside, Some(user.path().join(DATA_FOLDER)));
    assert_eq!(choice.dir, user.path().join(DATA_FOLDER));
    let reason = choice.fallback_reason.expect("the status says why");
    assert!(reason.contains("不可写入") && reason.contains("blocked"), "{reason}");

    // Without a user folder (no HOME), the start keeps the first choice and reports its error later.
    let choice = choose_data_dir(exe.path().join("blocked").join(DATA_FOLDER), None);
    assert_eq!(choice.fallback_reason, None);
}

#[test]
fn a_folder_that_holds_a_node_is_kept() {
    let exe = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let beside = exe.path().join(DATA_FOLDER);
    let in_user = user.path().join(DATA_FOLDER);
    std::fs::create_dir_all(&in_user).unwrap();
    std::fs::write(in_user.join(crate::store::DB_FILE), b"").unwrap();
    // An earlier start fell back to the user folder: later starts find the data there.
    let choice = choose_data_dir(beside.clone(), Some(in_user.clone()));
    assert_eq!(choice.dir, in_user);
    assert!(choice.fallback_reason.unwrap().contains("沿用"));
    assert!(!beside.exists(), "nothing is created beside the executable");

    // Data beside the executable wins over the user folder.
    std::fs::create_dir_all(&beside).unwrap();
    std::fs::write(beside.join(crate::store::DB_FILE), b"").unwrap();
    assert_eq!(choose_data_dir(beside.clone(), Some(in_user)), DataDirChoice { dir: beside, fallback_reason: None });
}
