//! What this executable is: its version, the commit and date it was built from, and its target
//! (`--version`, 关于, the start-up status).

/// The crate version, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit it was built from (12 hex digits), or `unknown` outside a git work tree.
pub const COMMIT: &str = env!("GWC_COMMIT");
/// The build date, `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
pub const BUILD_DATE: &str = env!("GWC_BUILD_DATE");
/// The target triple, e.g. `x86_64-pc-windows-gnu`.
pub const TARGET: &str = env!("GWC_TARGET");
/// What `--version` prints after the program name.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "（提交 ",
    env!("GWC_COMMIT"),
    "，构建日期 ",
    env!("GWC_BUILD_DATE"),
    "，",
    env!("GWC_TARGET"),
    "）"
);
