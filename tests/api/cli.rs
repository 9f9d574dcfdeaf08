//! The command line, run as a separate process (the real binary).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("run gongwucang")
}

pub(crate) fn init(dir: &str) -> std::process::Output {
    run(&[
        "init",
        "--data",
        dir,
        "--kind",
        "local",
        "--region",
        "210100",
        "--name",
        "沈阳市公物仓",
        "--admin-password",
        "Admin12345",
    ])
}

/// Starts `serve` and waits for the line with the URL.
pub(crate) fn serve(dir: &str) -> (Child, String) {
    let mut command = Command::new(BIN);
    command.args(["serve", "--data", dir, "--listen", "127.0.0.1:0"]);
    let (child, url, _) = start_until_url(command);
    (child, url)
}

/// Starts `command` and reads its standard output up to the line with the URL; returns the
/// process, the URL and the lines before it.
pub(crate) fn start_until_url(mut command: Command) -> (Child, String, Vec<String>) {
    let mut child = command
        .env("RUST_LOG", "warn")
        .env("GONGWUCANG_NO_BROWSER", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut before = Vec::new();
    let url = loop {
        let line = lines.next().expect("serve printed its URL").expect("read line");
        if let Some(start) = line.find("http://").or_else(|| line.find("https://")) {
            break line[start..].trim().to_owned();
        }
        before.push(line);
    };
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url, before)
}

/// Sends SIGTERM and waits (up to 5 s) for a clean exit.
#[cfg(unix)]
fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("serve did not exit within 5 s of SIGTERM");
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn init_creates_the_node_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let first = init(path);
    assert!(first.status.success(), "{}", stderr(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("节点已初始化") && stdout.contains("公钥指纹"), "{stdout}");
    let key_before = std::fs::read(dir.path().join("node.key")).unwrap();

    let second = init(path);
    assert!(!second.status.success());
    assert!(stderr(&second).contains("已初始化"), "{}", stderr(&second));
    assert_eq!(std::fs::read(dir.path().join("node.key")).unwrap(), key_before);
}

#[test]
fn init_explains_bad_flags_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let output = run(&[
        "init",
        "--data",
        path,
        "--kind",
        "local",
        "--region",
        "999999",
        "--name",
        "x",
        "--admin-password",
        "Admin12345",
    ]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("不在区划表中"), "{}", stderr(&output));
    let output = run(&[
        "init",
        "--data",
        path,
        "--kind",
        "county",
        "--region",
        "210100",
        "--name",
        "x",
        "--admin-password",
        "Admin12345",
    ]);
    assert!(stderr(&output).contains("节点类型"), "{}", stderr(&output));
}

#[test]
fn a_second_serve_on_the_same_data_folder_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(init(path).status.success());
    let (mut first, url) = serve(path);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let second = Command::new(BIN).args(["serve", "--data", path, "--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!second.status.success());
    let message = stderr(&second);
    assert!(message.contains("正被另一个正在运行的公物仓使用") && message.contains(&url), "{message}");

    first.kill().unwrap();
    first.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm_and_the_folder_can_be_served_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(init(path).status.success());
    let (mut child, url) = serve(path);
    let address_file = dir.path().join(gongwucang::app::ADDRESS_FILE);
    assert_eq!(std::fs::read_to_string(&address_file).unwrap().trim(), url, "the running server says where it is");
    let exited = terminate(&mut child);
    assert!(exited.success(), "{exited:?}");
    assert!(!address_file.exists(), "a clean stop removes the address file");
    let (mut again, _) = serve(path);
    again.kill().unwrap();
    again.wait().unwrap();
}

#[tokio::test]
async fn an_uninitialised_folder_is_served_in_setup_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = serve(dir.path().join("new").to_str().unwrap());
    let body = reqwest::get(format!("{url}api/v1/setup")).await.unwrap().text().await.unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body, "{\"initialized\":false}");
}

#[test]
fn key_show_prints_the_fingerprint_and_a_changed_key_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(init(path).status.success());
    let shown = run(&["key", "show", "--data", path]);
    let stdout = String::from_utf8_lossy(&shown.stdout);
    let fingerprint = stdout.lines().find(|l| l.starts_with("指纹：")).expect("fingerprint line");
    assert_eq!(fingerprint.trim_start_matches("指纹：").split(' ').count(), 8);

    std::fs::write(dir.path().join("node.key"), "11".repeat(32)).unwrap();
    let refused = Command::new(BIN).args(["serve", "--data", path, "--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("节点密钥与初始化时记录的不一致"), "{}", stderr(&refused));
}

#[test]
fn demo_creates_a_ready_shenyang_node() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let output = run(&["demo", "--data", path]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("单位 31 个，资产卡片 410 张"), "{stdout}");
    assert!(stdout.contains("公物仓广场资产"), "the demo has listings in the warehouse plaza: {stdout}");
    assert!(stdout.contains("210102001001"), "{stdout}");
    assert!(dir.path().join("演示账户.txt").exists());
    let again = run(&["demo", "--data", path]);
    assert!(!again.status.success());
}

#[test]
fn version_names_the_commit_the_build_date_and_the_target() {
    let output = run(&["--version"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let expected = format!(
        "gongwucang {}（提交 {}，构建日期 {}，{}）",
        gongwucang::build_info::VERSION,
        gongwucang::build_info::COMMIT,
        gongwucang::build_info::BUILD_DATE,
        gongwucang::build_info::TARGET
    );
    assert_eq!(text.trim(), expected);
    assert_eq!(gongwucang::build_info::BUILD_DATE.len(), 10, "YYYY-MM-DD");
    assert!(gongwucang::build_info::TARGET.contains('-'), "a target triple");
}

/// A copy of the executable in a folder of its own, as a bureau would put it on a desktop.
fn copied_executable() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("gongwucang");
    std::fs::copy(BIN, &exe).unwrap();
    (dir, exe)
}

#[cfg(unix)]
#[tokio::test]
async fn a_double_click_serves_the_folder_beside_the_executable_and_a_second_one_points_to_the_first() {
    let (desktop, exe) = copied_executable();
    let home = tempfile::tempdir().unwrap();
    let start = || {
        let mut command = Command::new(&exe);
        command.env("HOME", home.path()).env_remove("XDG_DATA_HOME");
        command
    };
    let (mut first, url, _) = start_until_url(start());
    let data = desktop.path().join("gongwucang-data");
    assert!(data.join("gongwucang.redb").is_file(), "the data folder is beside the executable");
    let body = reqwest::get(format!("{url}api/v1/setup")).await.unwrap().text().await.unwrap();
    assert_eq!(body, "{\"initialized\":false}", "the first-run wizard is next");

    // The second double-click finds the running node, opens the browser on it and ends.
    let second = start().env("GONGWUCANG_NO_BROWSER", "1").output().unwrap();
    let text = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(second.status.success(), "{text}{}", stderr(&second));
    assert!(text.contains("公物仓已在运行") && text.contains(&url), "{text}");
    assert!(first.try_wait().unwrap().is_none(), "the first one keeps serving");

    assert!(terminate(&mut first).success());
    assert!(!home.path().join(".local").exists(), "nothing is written to the user's folder");
}

#[cfg(unix)]
#[test]
fn a_double_click_where_the_executable_s_folder_cannot_be_written_keeps_the_data_in_the_user_s_folder() {
    let (desktop, exe) = copied_executable();
    // Where the data folder should go there is a file, so nothing can be written there (even as root).
    std::fs::write(desktop.path().join("gongwucang-data"), b"").unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(&exe);
    command.env("HOME", home.path()).env_remove("XDG_DATA_HOME");
    let (mut child, _, before) = start_until_url(command);
    let data = home.path().join(".local/share/gongwucang");
    assert!(data.join("gongwucang.redb").is_file(), "the data went to the user's folder");
    assert!(before.iter().any(|l| l.contains("不可写入") && l.contains("用户目录")), "{before:?}");
    assert!(terminate(&mut child).success());

    // The next start finds it there again and says so.
    let mut command = Command::new(&exe);
    command.env("HOME", home.path()).env_remove("XDG_DATA_HOME");
    let (mut child, _, before) = start_until_url(command);
    assert!(before.iter().any(|l| l.contains("沿用用户目录中已有的数据")), "{before:?}");
    assert!(terminate(&mut child).success());
}

#[test]
fn a_data_folder_from_a_newer_release_is_refused_with_a_clear_message_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(init(path).status.success());
    // A later release added a migration step and opened the folder.
    let next = gongwucang::store::schema::CURRENT_VERSION + 1;
    let steps = [gongwucang::store::schema::Migration { version: next, apply: |_| Ok(()) }];
    drop(gongwucang::store::Store::open_with(dir.path(), next, &steps).unwrap());
    let output = Command::new(BIN).args(["serve", "--data", path, "--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(&format!("数据库版本 {next} 比本程序支持的版本")) && message.contains("更新版本"),
        "{message}"
    );
    let store = gongwucang::store::Store::open_with(dir.path(), next, &steps).unwrap();
    assert_eq!(gongwucang::store::schema::version(&store).unwrap(), Some(next));
    assert!(store.node().unwrap().is_some(), "the node is intact");
}

#[test]
fn service_print_writes_a_unit_that_systemd_accepts() {
    let output = run(&["service", "print", "--systemd", "--exec", BIN, "--data", "/var/lib/gongwucang"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let unit = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        unit.contains(&format!("ExecStart={BIN} serve --data /var/lib/gongwucang --listen 127.0.0.1:8080")),
        "{unit}"
    );

    let refused = run(&["service", "print", "--systemd", "--data", "relative/path"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--data 须为绝对路径"), "{}", stderr(&refused));

    // systemd's own checker, where the machine has it (Debian's systemd package).
    let Ok(verify) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze not installed: unit file not verified by systemd");
        return;
    };
    assert!(verify.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gongwucang.service");
    std::fs::write(&file, &unit).unwrap();
    let checked = Command::new("systemd-analyze").arg("verify").arg(&file).output().unwrap();
    let complaints = format!("{}{}", String::from_utf8_lossy(&checked.stdout), stderr(&checked));
    assert!(checked.status.success() && complaints.trim().is_empty(), "{complaints}");
}
