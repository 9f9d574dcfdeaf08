//! Embeds what `--version` and 关于 show besides the crate version: the commit it was built from,
//! the build date (`SOURCE_DATE_EPOCH` when set, for reproducible builds) and the target.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=web/dist");
    let _ = std::fs::create_dir_all("web/dist");

    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    for path in [".git/HEAD", ".git/packed-refs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        println!("cargo:rerun-if-changed=.git/{reference}");
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=GWC_COMMIT={commit}");

    let seconds = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let when = match seconds {
        Some(seconds) => time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        None => time::OffsetDateTime::now_utc(),
    };
    let date = when.date();
    println!("cargo:rustc-env=GWC_BUILD_DATE={:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day());
    println!("cargo:rustc-env=GWC_TARGET={}", std::env::var("TARGET").unwrap_or_default());
}

/// One line of `git …`'s output, or nothing outside a work tree or without git.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}
