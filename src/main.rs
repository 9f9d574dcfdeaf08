//! `gongwucang`: parse the command line and dispatch; everything else lives in the library.

#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_target(false)
        .with_ansi(gongwucang::platform::log_colors())
        .init();
    let cli = gongwucang::cli::Cli::parse();
    let double_click = cli.command.is_none();
    match gongwucang::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            if double_click {
                gongwucang::platform::wait_before_closing_window();
            }
            std::process::ExitCode::FAILURE
        }
    }
}
