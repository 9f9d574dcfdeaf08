//! The command line, run as a separate process (the real binary).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_gongwucang");

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("RUST_LOG", "warn").output().expect("run gongwucang")
}

fn init(dir: &str) -> std::process::Output {
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
fn serve(dir: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--data", dir, "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("serve printed its URL").expect("read line");
        if let Some(start) = line.find("http://") {
            break line[start..].trim().to_owned();
        }
    };
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, url)
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
    assert!(stderr(&second).contains("正被另一个 gongwucang 进程使用"), "{}", stderr(&second));

    first.kill().unwrap();
    first.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm_and_the_folder_can_be_served_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    assert!(init(path).status.success());
    let (mut child, _) = serve(path);
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let exited = exited.expect("serve exited after SIGTERM");
    assert!(exited.success(), "{exited:?}");
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
