//! Build, serve, shut down. [`Application::build`] opens the data folder and binds the listener
//! first, so port 0 works and the URL is known before serving; [`Application::run_until`] serves
//! until the shutdown future resolves (Ctrl-C in the CLI, a signal in tests).

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::federation::keys;
use crate::http::{self, AppState};
use crate::store::Store;

/// Where to listen.
#[derive(Debug, Clone, Copy)]
pub enum Listen {
    /// Exactly this address; fail when taken.
    Exact(SocketAddr),
    /// 127.0.0.1:8080, or any free port when taken (double-click).
    PreferDefault,
}

/// The default address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// A node ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    initialized: bool,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Application {
    /// Opens (creating if needed) the data folder and its database, checks the node key, binds.
    pub async fn build(data_dir: &Path, listen: Listen) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir).with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
        let dir = data_dir.to_owned();
        let store = tokio::task::spawn_blocking(move || Store::open(&dir)).await??;
        let node = store.node()?;
        if let Some(node) = &node {
            keys::load_checked(data_dir, &node.public_key)?;
        }
        let listener = bind(listen).await?;
        let state = AppState {
            store: Arc::new(store),
            data_dir: data_dir.to_owned(),
            sessions: Arc::default(),
            throttle: Arc::default(),
            tls: None,
        };
        let application = Self { listener, state, initialized: node.is_some(), tls: None };
        application.write_address_file();
        Ok(application)
    }

    /// Serves HTTPS with `files` instead of HTTP (the session cookie then carries `Secure`).
    pub fn with_tls(mut self, files: &crate::tls::TlsFiles) -> anyhow::Result<Self> {
        let (config, info) = crate::tls::load(files)?;
        self.tls = Some(config);
        self.state.tls = Some(Arc::new(info));
        self.write_address_file();
        Ok(self)
    }

    /// Tells a second start on this folder where the running one answers (single instance).
    fn write_address_file(&self) {
        let path = self.state.data_dir.join(ADDRESS_FILE);
        let Ok(url) = self.url() else { return };
        if let Err(e) = std::fs::write(&path, format!("{url}\n")) {
            tracing::warn!("无法写入 {}：{e}", path.display());
        }
    }

    /// The bound address.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// `http://127.0.0.1:PORT/`, or `https://…` with TLS (for a wildcard listen address, the
    /// loopback one).
    pub fn url(&self) -> anyhow::Result<String> {
        Ok(url_of(self.local_addr()?, self.tls.is_some()))
    }

    /// Whether the node has been initialised (otherwise the UI shows the first-run wizard).
    pub fn initialized(&self) -> bool {
        self.initialized
    }

    /// The node, once initialised.
    pub fn node(&self) -> anyhow::Result<Option<crate::domain::node::Node>> {
        Ok(self.state.store.node()?)
    }

    /// Whether this server answers HTTPS.
    pub fn serves_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// The certificate in use, with HTTPS.
    pub fn tls_info(&self) -> Option<&crate::tls::TlsInfo> {
        self.state.tls.as_deref()
    }

    /// The data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.state.data_dir.clone()
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and closes the database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let address_file = self.state.data_dir.join(ADDRESS_FILE);
        let url = self.url()?;
        let backups = tokio::spawn(auto_backups(self.state.clone()));
        let requests = tokio::spawn(backup_requests(self.state.clone()));
        let app = http::app(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = match self.tls {
            None => axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await,
            Some(config) => {
                let handle = axum_server::Handle::new();
                let stopping = handle.clone();
                tokio::spawn(async move {
                    shutdown.await;
                    stopping.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
                });
                let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
                match axum_server::tls_rustls::from_tcp_rustls(self.listener.into_std()?, config) {
                    Ok(server) => server.handle(handle).serve(app).await,
                    Err(e) => Err(e),
                }
            }
        }
        .context("服务异常退出");
        backups.abort();
        requests.abort();
        if std::fs::read_to_string(&address_file).is_ok_and(|written| written.trim() == url) {
            let _ = std::fs::remove_file(&address_file);
        }
        served
    }
}

/// The file in the data folder that holds the running server's URL while it serves.
pub const ADDRESS_FILE: &str = "gongwucang.addr";

/// The URL of the server that holds `data_dir` open, when it answers on the address it wrote.
pub fn running_instance(data_dir: &Path) -> Option<String> {
    let written = std::fs::read_to_string(data_dir.join(ADDRESS_FILE)).ok()?;
    let url = written.trim();
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let addr: SocketAddr = rest.trim_end_matches('/').parse().ok()?;
    std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).ok()?;
    Some(url.to_owned())
}

/// How often the server looks whether the daily automatic backup is due (first five minutes after
/// the start, so a start is never slowed down by it).
const BACKUP_CHECK: std::time::Duration = std::time::Duration::from_secs(10 * 60);
const BACKUP_FIRST: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// 每日自动备份: while serving, every ten minutes, takes the automatic backup when a day has passed
/// since the last one (系统设置 keeps how many; 0 turns them off). A failure is logged and tried again.
async fn auto_backups(state: http::AppState) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + BACKUP_FIRST, BACKUP_CHECK);
    loop {
        ticks.tick().await;
        let (store, data_dir) = (state.store.clone(), state.data_dir.clone());
        let taken = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<String>> {
            if store.node()?.is_none() {
                return Ok(None);
            }
            let keep = store.read(crate::store::settings::get)?.backup_keep;
            let backups = crate::store::backup::list(&data_dir);
            let newest = backups.iter().find(|b| b.kind == "auto").map(|b| b.created_at.as_str());
            if !crate::domain::settings::auto_backup_due(keep, newest, &crate::domain::clock::now_rfc3339()) {
                return Ok(None);
            }
            let made = crate::store::backup::take(&store, &data_dir, "auto", &crate::domain::audit::Actor::system())?;
            Ok(Some(made.name))
        })
        .await;
        match taken {
            Ok(Ok(Some(name))) => tracing::info!("每日自动备份完成：{name}"),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!("每日自动备份失败，稍后重试：{e}"),
            Err(e) => tracing::warn!("每日自动备份失败，稍后重试：{e}"),
        }
    }
}

/// Answers `gongwucang backup` run while this server holds the data folder (see
/// `store::backup::request`): looks for requests every second.
async fn backup_requests(state: http::AppState) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        ticks.tick().await;
        let (store, data_dir) = (state.store.clone(), state.data_dir.clone());
        let answered = tokio::task::spawn_blocking(move || {
            for answer in crate::store::backup::pending_requests(&data_dir) {
                let made =
                    crate::store::backup::take(&store, &data_dir, "manual", &crate::domain::audit::Actor::system());
                let text = match made {
                    Ok(made) => format!("ok:{}", made.name),
                    Err(e) => format!("error:{e}"),
                };
                if let Err(e) = std::fs::write(&answer, text) {
                    tracing::warn!("无法答复备份请求 {}：{e}", answer.display());
                }
            }
        })
        .await;
        if let Err(e) = answered {
            tracing::warn!("备份请求处理失败：{e}");
        }
    }
}

fn url_of(addr: SocketAddr, tls: bool) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    format!("{}://{addr}/", if tls { "https" } else { "http" })
}

async fn bind(listen: Listen) -> anyhow::Result<TcpListener> {
    match listen {
        Listen::Exact(addr) => TcpListener::bind(addr).await.with_context(|| {
            format!("无法监听 {addr}：端口可能已被占用。请用 --listen 指定其他地址，例如 --listen 127.0.0.1:8081")
        }),
        Listen::PreferDefault => match TcpListener::bind(DEFAULT_ADDR).await {
            Ok(listener) => Ok(listener),
            Err(_) => TcpListener::bind("127.0.0.1:0").await.context("无法在 127.0.0.1 上找到可用端口"),
        },
    }
}

/// Refuses a data folder argument that is a file.
pub fn check_data_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("--data {} 不是目录：请指定一个文件夹", dir.display());
    }
    Ok(())
}
