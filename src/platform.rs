//! What differs between operating systems, kept in one small module: where the double-click data
//! folder lives, how the browser is opened, how a private file is written, and keeping a
//! double-clicked console window open long enough to read an error.

use std::future::Future;
use std::io::Write;

use anyhow::Context;
use std::path::{Path, PathBuf};

/// The folder name beside the executable, and inside the user's application-data folder.
const DATA_FOLDER: &str = "gongwucang-data";

/// Where a double-click start keeps its data, and why when it is not beside the executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDirChoice {
    /// The data folder.
    pub dir: PathBuf,
    /// Set when the folder beside the executable could not be used (e.g. under Program Files).
    pub fallback_reason: Option<String>,
}

/// The data folder for a double-click start: `gongwucang-data` beside the executable, unless
/// that folder cannot be written (Program Files, a read-only share); then the user's
/// application-data folder. A folder that already holds a node is always kept.
pub fn double_click_data_dir() -> DataDirChoice {
    let exe_dir = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf));
    let beside = exe_dir.unwrap_or_else(|| PathBuf::from(".")).join(DATA_FOLDER);
    choose_data_dir(beside, user_data_dir())
}

/// [`double_click_data_dir`] with the two candidates given (separate for tests).
pub fn choose_data_dir(beside: PathBuf, user: Option<PathBuf>) -> DataDirChoice {
    let holds_node = |dir: &Path| dir.join(crate::store::DB_FILE).is_file();
    if holds_node(&beside) {
        return DataDirChoice { dir: beside, fallback_reason: None };
    }
    if let Some(user) = user.as_ref().filter(|u| holds_node(u)) {
        let reason = format!("沿用用户目录中已有的数据（程序所在文件夹 {} 中没有数据）", display_parent(&beside));
        return DataDirChoice { dir: user.clone(), fallback_reason: Some(reason) };
    }
    match (writable(&beside), user) {
        (Ok(()), _) => DataDirChoice { dir: beside, fallback_reason: None },
        (Err(e), Some(user)) => {
            let reason = format!("程序所在文件夹 {} 不可写入（{e}），数据保存在用户目录中", display_parent(&beside));
            DataDirChoice { dir: user, fallback_reason: Some(reason) }
        }
        (Err(_), None) => DataDirChoice { dir: beside, fallback_reason: None },
    }
}

fn display_parent(dir: &Path) -> String {
    dir.parent().unwrap_or(dir).display().to_string()
}

/// Creates `dir` if needed and writes and removes a probe file in it.
fn writable(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(".gongwucang-write-test");
    std::fs::write(&probe, b"ok")?;
    std::fs::remove_file(&probe)
}

/// The user's application-data folder: `%LOCALAPPDATA%` on Windows, `$XDG_DATA_HOME` or
/// `~/.local/share` elsewhere, with `gongwucang` appended.
fn user_data_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    #[cfg(windows)]
    let base = non_empty("LOCALAPPDATA").or_else(|| non_empty("APPDATA"));
    #[cfg(not(windows))]
    let base = non_empty("XDG_DATA_HOME").or_else(|| non_empty("HOME").map(|h| h.join(".local").join("share")));
    base.map(|b| b.join("gongwucang"))
}

/// Keeps a double-clicked console window open after an error until Enter is pressed: Windows
/// closes the window the moment the program ends, before anyone could read why.
pub fn wait_before_closing_window() {
    #[cfg(windows)]
    {
        println!("按回车键关闭此窗口……");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

/// Writes a file that only the owner may read (the node's private key).
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens `url` in the default browser; failure only logs (the URL is printed anyway).
/// `GONGWUCANG_NO_BROWSER=1` turns it off (tests, remote sessions).
pub fn open_browser(url: &str) {
    if std::env::var_os("GONGWUCANG_NO_BROWSER").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    #[cfg(target_os = "windows")]
    let result = std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn();
    #[cfg(target_os = "macos")]
    let result = std::process::Command::new("open").arg(url).spawn();
    #[cfg(all(unix, not(target_os = "macos")))]
    let result = std::process::Command::new("xdg-open").arg(url).spawn();
    if let Err(e) = result {
        tracing::warn!("无法自动打开浏览器（{e}），请手动访问 {url}");
    }
}

/// A future that resolves on Ctrl-C (and SIGTERM on Unix; closing the console window on Windows). The handlers are installed when
/// this function is called, so a signal that arrives before serving starts is not lost.
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("无法注册 SIGTERM 处理")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("无法注册 Ctrl+C 处理")?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
        })
    }
    #[cfg(windows)]
    {
        // Closing the console window, logging off or shutting down also stop the server cleanly
        // (Windows allows a few seconds for it).
        use tokio::signal::windows;
        let mut ctrl_c = windows::ctrl_c().context("无法注册 Ctrl+C 处理")?;
        let mut close = windows::ctrl_close().context("无法注册关闭窗口处理")?;
        let mut logoff = windows::ctrl_logoff().context("无法注册注销处理")?;
        let mut shutdown = windows::ctrl_shutdown().context("无法注册关机处理")?;
        Ok(async move {
            tokio::select! {
                _ = ctrl_c.recv() => {},
                _ = close.recv() => {},
                _ = logoff.recv() => {},
                _ = shutdown.recv() => {},
            }
        })
    }
}

/// Whether log lines may carry colour codes: not on Windows, whose classic console prints them
/// as garbage.
pub fn log_colors() -> bool {
    !cfg!(windows)
}

#[cfg(test)]
mod tests;
