//! What differs between operating systems, kept in one small module: where the double-click data
//! folder lives, how the browser is opened, and how a private file is written.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The data folder for a double-click start: `gongwucang-data` beside the executable.
pub fn default_data_dir() -> PathBuf {
    let exe_dir = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf));
    exe_dir.unwrap_or_else(|| PathBuf::from(".")).join("gongwucang-data")
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
pub fn open_browser(url: &str) {
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
