//! The command line (SPEC §10): one `*_command` per subcommand; `main` only dispatches.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::app::{self, Application, Listen};
use crate::domain::audit::Actor;
use crate::domain::node::{self, NodeKind, NodeSettings};
use crate::domain::peer::{NewPeer, PeerRole};
use crate::domain::reference::Reference;
use crate::domain::user;
use crate::federation::keys;
use crate::setup::{self, SetupRequest};
use crate::store::{Store, StoreError};
use crate::{demo, platform};

/// 公物仓 — 行政事业单位国有资产虚拟公物仓及调剂共享平台（单文件节点）
#[derive(Parser, Debug)]
#[command(name = "gongwucang", version = crate::build_info::LONG_VERSION, about, long_about = None)]
pub struct Cli {
    /// What to do; none means: serve the folder beside the executable and open the browser.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// 初始化节点：创建数据目录、数据库、节点密钥和 admin 账户
    Init {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 节点类型：local（市、县或省本级）、province、national
        #[arg(long, value_parser = parse_kind)]
        kind: NodeKind,
        /// 财政区划代码，如 210100（全国节点为 100000）
        #[arg(long)]
        region: String,
        /// 节点名称，如 沈阳市财政局公物仓
        #[arg(long)]
        name: String,
        /// admin 账户的密码（至少 8 位，含字母和数字）
        #[arg(long)]
        admin_password: String,
    },
    /// 生成演示节点：沈阳市的单位、账户和资产卡片
    Demo {
        /// 数据目录（须为空或不存在）
        #[arg(long)]
        data: PathBuf,
    },
    /// 启动服务
    Serve {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 监听地址
        #[arg(long, default_value = app::DEFAULT_ADDR)]
        listen: SocketAddr,
        /// 启动后打开浏览器
        #[arg(long)]
        open: bool,
        /// 以 HTTPS 提供服务（局域网内使用时必须开启，密码不再以明文传输）；未给出证书时使用本节点
        /// 初始化时生成的自签名证书（数据目录/tls/），其指纹显示在“节点信息”页
        #[arg(long)]
        tls: bool,
        /// HTTPS 证书文件（PEM，含证书链），须与 --tls-key 一起给出
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// HTTPS 私钥文件（PEM）
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// 各单位在浏览器中输入的本机地址或域名（可多次给出，如 --tls-name 192.168.1.20），写入自签名
        /// 证书；监听的具体地址会自动写入
        #[arg(long, requires = "tls")]
        tls_name: Vec<String>,
    },
    /// 节点密钥
    Key {
        /// What to do with the key.
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// 立即备份：整个节点的一致快照（签名、压缩），服务运行时也可执行
    Backup {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 备份文件另存到（默认只保存在 数据目录/backups）
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 从备份恢复到一个空文件夹：先完整校验（签名、校验和、每条记录），再写入，再核对审计链
    Restore {
        /// 备份文件（.gwcbak）
        #[arg(long)]
        from: PathBuf,
        /// 恢复到的数据目录（须为空或不存在）
        #[arg(long)]
        data: PathBuf,
        /// 只接受这个节点的备份（节点编号，如 210100-3fa2c91b）
        #[arg(long)]
        node: Option<String>,
        /// 只校验备份文件，不恢复
        #[arg(long)]
        check: bool,
    },
    /// 数据包：导出、导入、查看
    Bundle {
        /// What to do with bundles.
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// 对端节点（上级、下级）
    Peer {
        /// What to do with peers.
        #[command(subcommand)]
        command: PeerCommand,
    },
    /// 作为系统服务运行（省级、全国节点）
    Service {
        /// What to do.
        #[command(subcommand)]
        command: ServiceCommand,
    },
}

/// `service` subcommands.
#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// 打印服务配置文件（加固的 systemd 单元），安装步骤见文件开头的注释
    Print {
        /// 打印 systemd 单元文件（目前唯一支持的格式）
        #[arg(long, required = true)]
        systemd: bool,
        /// 数据目录（绝对路径）
        #[arg(long, default_value = "/var/lib/gongwucang")]
        data: PathBuf,
        /// 监听地址
        #[arg(long, default_value = app::DEFAULT_ADDR)]
        listen: SocketAddr,
        /// 运行服务的专用系统用户
        #[arg(long, default_value = "gongwucang")]
        user: String,
        /// 程序的安装位置（绝对路径）
        #[arg(long, default_value = "/usr/local/bin/gongwucang")]
        exec: PathBuf,
    },
}

/// `bundle` subcommands.
#[derive(Subcommand, Debug)]
pub enum BundleCommand {
    /// 导出发给对端节点的数据包（包含对方尚未确认的全部事件）
    Export {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 对端节点编号
        #[arg(long)]
        to: String,
        /// 输出文件（.gwcb）
        #[arg(long)]
        out: PathBuf,
    },
    /// 导入对端节点发来的数据包
    Import {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 数据包文件
        file: PathBuf,
    },
    /// 查看数据包内容（不导入）
    Inspect {
        /// 数据包文件
        file: PathBuf,
        /// 数据目录（给出时用已登记的发送节点公钥核验签名）
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

/// `peer` subcommands.
#[derive(Subcommand, Debug)]
pub enum PeerCommand {
    /// 登记上级或下级节点（请先与对方电话核对公钥指纹）
    Add {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// parent（上级）或 child（下级）
        #[arg(long)]
        role: String,
        /// 对方的节点编号（对方运行 gongwucang key show 查看）
        #[arg(long)]
        node: String,
        /// 对方的公钥（64 位十六进制）
        #[arg(long)]
        key: String,
        /// 名称（默认为对方区划名称）
        #[arg(long)]
        name: Option<String>,
    },
    /// 列出已登记的对端节点
    List {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
    },
    /// 停用对端节点（对方密钥丢失或更换、节点撤销）：不再导入其数据包，也不再向其导出
    Revoke {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
        /// 对方的节点编号
        #[arg(long)]
        node: String,
        /// 停用原因
        #[arg(long)]
        reason: String,
    },
}

/// `key` subcommands.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// 显示本节点公钥和指纹（用于电话核对）
    Show {
        /// 数据目录
        #[arg(long)]
        data: PathBuf,
    },
}

fn parse_kind(s: &str) -> Result<NodeKind, String> {
    NodeKind::parse(s).map_err(|e| e.to_string())
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => {
            let choice = platform::double_click_data_dir();
            if let Some(reason) = &choice.fallback_reason {
                println!("提示：{reason}。");
            }
            serve_command(&choice.dir, Listen::PreferDefault, true, None).await
        }
        Some(Command::Init { data, kind, region, name, admin_password }) => {
            init_command(&data, kind, &region, &name, &admin_password).await
        }
        Some(Command::Demo { data }) => demo_command(&data).await,
        Some(Command::Serve { data, listen, open, tls, tls_cert, tls_key, tls_name }) => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(Tls::Given(crate::tls::TlsFiles { cert, key, self_signed: false })),
                _ if tls => {
                    let mut names = tls_name;
                    if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
                        names.push(listen.ip().to_string());
                    }
                    Some(Tls::Own(names))
                }
                _ => None,
            };
            serve_command(&data, Listen::Exact(listen), open, tls).await
        }
        Some(Command::Key { command: KeyCommand::Show { data } }) => key_show_command(&data),
        Some(Command::Peer { command: PeerCommand::Add { data, role, node, key, name } }) => {
            peer_add_command(&data, &role, node, key, name)
        }
        Some(Command::Peer { command: PeerCommand::List { data } }) => peer_list_command(&data),
        Some(Command::Peer { command: PeerCommand::Revoke { data, node, reason } }) => {
            let store = initialised_store(&data)?;
            let peer = store.write(&Actor::system(), |tx| crate::store::peers::revoke(tx, &node, &reason))?;
            println!(
                "已停用{}：{}（{}）。其数据包将被拒绝，也不再向其导出。",
                peer.role.label(),
                peer.name,
                peer.node_id
            );
            Ok(())
        }
        Some(Command::Service { command: ServiceCommand::Print { systemd: _, data, listen, user, exec } }) => {
            let settings = crate::service::ServiceSettings { exec: &exec, data: &data, listen, user: &user };
            print!("{}", crate::service::systemd_unit(&settings)?);
            Ok(())
        }
        Some(Command::Bundle { command: BundleCommand::Export { data, to, out } }) => {
            bundle_export_command(&data, &to, &out)
        }
        Some(Command::Bundle { command: BundleCommand::Import { data, file } }) => bundle_import_command(&data, &file),
        Some(Command::Backup { data, out }) => backup_command(&data, out.as_deref()),
        Some(Command::Restore { from, data, node, check }) => restore_command(&from, &data, node.as_deref(), check),
        Some(Command::Bundle { command: BundleCommand::Inspect { file, data } }) => {
            bundle_inspect_command(&file, data.as_deref())
        }
    }
}

fn open_store(data: &Path) -> anyhow::Result<Store> {
    app::check_data_dir(data)?;
    std::fs::create_dir_all(data).with_context(|| format!("无法创建数据目录 {}", data.display()))?;
    Ok(Store::open(data)?)
}

async fn init_command(
    data: &Path,
    kind: NodeKind,
    region: &str,
    name: &str,
    admin_password: &str,
) -> anyhow::Result<()> {
    // Check the flags before anything is created, so a typo leaves no files behind.
    NodeSettings::validate(kind, region, name, &Reference::from_shipped()?)?;
    user::validate_password(admin_password)?;
    let store = open_store(data)?;
    let request = SetupRequest { kind, region, name, admin_password };
    let node = setup::initialize(data, &store, request)?;
    let reference = store.reference();
    println!("节点已初始化：{}（{}）", node.name, node.kind.label());
    println!("  节点编号：{}", node.node_id);
    println!("  财政区划：{} {}", node.region, reference.region_path(node.region.as_str()));
    println!("  公钥指纹：{}", node::fingerprint(&hex::decode(&node.public_key)?));
    println!("  管理员账户：admin");
    println!("  数据目录：{}", data.display());
    println!("启动服务：gongwucang serve --data {} --open", data.display());
    Ok(())
}

async fn demo_command(data: &Path) -> anyhow::Result<()> {
    let store = open_store(data)?;
    let summary = demo::create(data, &store)?;
    println!("{summary}");
    Ok(())
}

/// The certificate `serve` uses for HTTPS.
enum Tls {
    /// The node's own self-signed one (made at `init`, or now for a node made before), naming
    /// these LAN addresses too.
    Own(Vec<String>),
    /// Given with `--tls-cert` and `--tls-key`.
    Given(crate::tls::TlsFiles),
}

async fn serve_command(data: &Path, listen: Listen, open: bool, tls: Option<Tls>) -> anyhow::Result<()> {
    app::check_data_dir(data)?;
    let application = match Application::build(data, listen).await {
        Ok(application) => application,
        Err(e) if matches!(e.downcast_ref::<StoreError>(), Some(StoreError::AlreadyOpen(_))) => {
            let Some(url) = app::running_instance(data) else { return Err(e) };
            if open {
                // A second double-click: show the running node instead of failing.
                println!("公物仓已在运行（数据目录 {}），请在浏览器中访问：{url}", data.display());
                println!("已为您打开浏览器。本窗口可以关闭。");
                platform::open_browser(&url);
                return Ok(());
            }
            bail!("数据目录 {} 正被另一个正在运行的公物仓使用，其访问地址为 {url}", data.display());
        }
        Err(e) => return Err(e),
    };
    let application = match tls {
        None => application,
        Some(tls) => {
            // Before the first start on the LAN the node must exist: otherwise anyone there could
            // run the first-run wizard and become its administrator.
            let Some(node) = application.node()? else {
                bail!(
                    "本节点尚未初始化：请先在本机完成初始化（gongwucang init，或不带 --tls 启动后在本机浏览器中完成初始化向导），再以 --tls 在局域网提供服务"
                );
            };
            let files = match tls {
                Tls::Own(names) => crate::tls::ensure_own(data, &node.name, &names)?,
                Tls::Given(files) => files,
            };
            application.with_tls(&files)?
        }
    };
    if !application.local_addr()?.ip().is_loopback() && !application.serves_tls() {
        println!(
            "警告：正在以 HTTP 在非本机地址 {} 上提供服务，登录密码将以明文经过网络。局域网内使用请加 --tls。",
            application.local_addr()?
        );
    }
    let shutdown = platform::shutdown_signal()?;
    let url = application.url()?;
    println!("公物仓 {} 已启动，请在浏览器中访问：{url}", crate::build_info::VERSION);
    println!("  数据目录：{}", application.data_dir().display());
    if !application.initialized() {
        println!("  本节点尚未初始化：请在浏览器中完成初始化向导。");
    }
    if let Some(tls) = application.tls_info() {
        println!("  HTTPS 证书指纹（SHA-256）：{}", tls.fingerprint);
        if tls.self_signed {
            println!(
                "  这是本节点的自签名证书：浏览器首次访问时会提示“不安全”，请核对上面的指纹与浏览器显示的一致后再继续。"
            );
        }
    }
    println!("  停止服务：在此窗口按 Ctrl+C");
    if open {
        platform::open_browser(&url);
    }
    application.run_until(shutdown).await?;
    println!("公物仓已停止。");
    Ok(())
}

fn key_show_command(data: &Path) -> anyhow::Result<()> {
    let store = open_store(data)?;
    let node = store.node()?.context("本节点尚未初始化：请先运行 gongwucang init")?;
    keys::load_checked(data, &node.public_key)?;
    println!("节点编号：{}", node.node_id);
    println!("公钥：{}", node.public_key);
    println!("指纹：{}", node::fingerprint(&hex::decode(&node.public_key)?));
    Ok(())
}

fn initialised_store(data: &Path) -> anyhow::Result<Store> {
    if !data.join(crate::store::DB_FILE).exists() {
        bail!("数据目录 {} 中没有节点：请先运行 gongwucang init", data.display());
    }
    let store = open_store(data)?;
    store.node()?.context("本节点尚未初始化：请先运行 gongwucang init")?;
    Ok(store)
}

fn peer_add_command(data: &Path, role: &str, node_id: String, key: String, name: Option<String>) -> anyhow::Result<()> {
    let role = PeerRole::parse(role)?;
    let store = initialised_store(data)?;
    let new_peer = NewPeer { role, node_id, region: None, public_key: key, name };
    let reference = store.reference();
    let peer = store.write(&Actor::system(), |tx| crate::store::peers::add(tx, &new_peer, &reference))?;
    println!("已登记{}：{}（{}）", peer.role.label(), peer.name, peer.node_id);
    println!("公钥指纹：{}", node::fingerprint(&hex::decode(&peer.public_key)?));
    println!("请与对方再次核对指纹；如不一致，说明公钥抄错或被替换，切勿交换数据。");
    Ok(())
}

fn peer_list_command(data: &Path) -> anyhow::Result<()> {
    let store = initialised_store(data)?;
    let peers = store.read(crate::store::peers::all)?;
    if peers.is_empty() {
        println!("尚未登记对端节点：用 gongwucang peer add 登记上级或下级节点");
    }
    for peer in peers {
        let state = match &peer.revoked_at {
            Some(at) => {
                format!("\t已停用（{}，{}）", &at[..at.len().min(10)], peer.revoked_reason.as_deref().unwrap_or(""))
            }
            None => String::new(),
        };
        println!(
            "{}\t{}\t{}\t指纹 {}{state}",
            peer.role.label(),
            peer.node_id,
            peer.name,
            node::fingerprint(&hex::decode(&peer.public_key)?)
        );
    }
    Ok(())
}

fn bundle_export_command(data: &Path, to: &str, out: &Path) -> anyhow::Result<()> {
    let store = initialised_store(data)?;
    let node = store.node()?.context("本节点尚未初始化")?;
    let key = keys::load_checked(data, &node.public_key)?;
    eprintln!("正在汇总发给 {to} 的事件并压缩、签名……");
    let started = std::time::Instant::now();
    let bytes =
        crate::store::exchange::export(&store, &Actor::system(), &key, to, &crate::domain::clock::now_rfc3339())?;
    eprintln!("正在写入 {}（{}）……", out.display(), size(bytes.len()));
    std::fs::write(out, &bytes).with_context(|| format!("无法写入 {}", out.display()))?;
    eprintln!("用时 {:.1} 秒", started.elapsed().as_secs_f64());
    let header = crate::federation::bundle::read_header(&bytes, &Default::default())?.header;
    println!("已导出数据包 {}（{} 字节）：{}", out.display(), bytes.len(), header.summary);
    Ok(())
}

fn bundle_import_command(data: &Path, file: &Path) -> anyhow::Result<()> {
    let store = initialised_store(data)?;
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let total = crate::federation::bundle::read_header(&bytes, &Default::default())
        .map(|s| (s.header.last + 1).saturating_sub(s.header.first))
        .unwrap_or(0);
    eprintln!("正在校验数据包 {}（{}，{total} 条事件）的签名和内容……", file.display(), size(bytes.len()));
    let applied = std::cell::Cell::new(0u64);
    let progress =
        |tx: &crate::store::Tx, peer: &crate::domain::peer::Peer, event: &crate::federation::bundle::Event| {
            applied.set(applied.get() + 1);
            let n = applied.get();
            if n == 1 || n.is_multiple_of(1000) || n == total {
                eprint!("\r正在导入事件 {n} / {total}");
            }
            crate::store::relay::apply(tx, peer, event)
        };
    let apply: crate::store::exchange::ApplyEvent<'_> = &progress;
    let outcome =
        crate::store::exchange::import(&store, &Actor::system(), &bytes, apply, &crate::domain::clock::now_rfc3339())?;
    if applied.get() > 0 {
        eprintln!();
    }
    println!("{}", outcome.message);
    if outcome.result == "refused" {
        bail!("数据包未导入");
    }
    Ok(())
}

fn backup_command(data: &Path, out: Option<&Path>) -> anyhow::Result<()> {
    use crate::store::backup;
    let made = match open_store(data) {
        Ok(store) => {
            store.node()?.context("本节点尚未初始化：没有可备份的数据")?;
            backup::take(&store, data, "manual", &Actor::system())?.name
        }
        Err(e) if matches!(e.downcast_ref::<StoreError>(), Some(StoreError::AlreadyOpen(_))) => {
            eprintln!("公物仓正在运行，已请它做一次备份（不影响使用）……");
            backup::request(data, std::time::Duration::from_secs(30 * 60))?
        }
        Err(e) => return Err(e),
    };
    let path = data.join(crate::store::BACKUP_DIR).join(&made);
    let header = backup::verify(&path)?;
    println!(
        "备份完成：{}（{} 条记录，{}）",
        path.display(),
        header.rows(),
        size(std::fs::metadata(&path)?.len() as usize)
    );
    if let Some(out) = out {
        std::fs::copy(&path, out).with_context(|| format!("无法写入 {}", out.display()))?;
        backup::verify(out)?;
        println!("已另存到：{}", out.display());
    }
    println!("请妥善保管备份文件：其中含有本节点的签名密钥。");
    Ok(())
}

fn restore_command(from: &Path, data: &Path, node: Option<&str>, check: bool) -> anyhow::Result<()> {
    use crate::store::backup;
    let header = backup::verify(from)?;
    println!(
        "备份文件有效：节点 {}（{}），备份时间 {}，{} 条记录",
        header.node_name,
        header.node_id,
        header.created_at,
        header.rows()
    );
    if check {
        return Ok(());
    }
    let restored = backup::restore(from, data, node)?;
    println!(
        "已恢复到 {}：审计日志 {} 条，校验通过。启动：gongwucang serve --data {}",
        data.display(),
        restored.audit_events,
        data.display()
    );
    Ok(())
}

fn bundle_inspect_command(file: &Path, data: Option<&Path>) -> anyhow::Result<()> {
    use crate::federation::bundle::Direction;
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let store = data.map(initialised_store).transpose()?;
    let found = crate::store::exchange::inspect_with(&bytes, |sender| match &store {
        Some(store) => store.read(|r| crate::store::peers::get(r, sender)),
        None => Ok(None),
    })?;
    let inspection = found.map_err(anyhow::Error::msg)?;
    let h = &inspection.header;
    println!("格式：公物仓数据包 v{}，{} 字节", crate::federation::bundle::VERSION, bytes.len());
    println!("发送节点：{}", h.sender);
    println!("接收节点：{}", h.recipient);
    let direction =
        if h.direction == Direction::Up { "上报（下级 → 上级）" } else { "下发（上级 → 下级）" };
    println!("方向：{direction}");
    if h.last < h.first {
        println!("事件：无新事件，确认已接收对方事件至第 {} 条", h.ack);
    } else {
        let range = crate::store::exchange::range_text(h.first, h.last);
        println!("事件：{range}（{} 条），确认已接收对方事件至第 {} 条", h.last + 1 - h.first, h.ack);
    }
    println!("生成时间：{}", h.created_at);
    println!("摘要：{}", h.summary);
    match (data, inspection.signature_valid) {
        (None, _) => println!("签名：未核验（加 --data 数据目录 可用已登记的发送节点公钥核验）"),
        (Some(_), None) => println!("签名：发送节点 {} 未在本节点登记，无法核验", h.sender),
        (Some(_), Some(true)) => println!(
            "签名：有效，签名者 {}（{}），指纹 {}",
            inspection.sender_name.as_deref().unwrap_or(""),
            h.sender,
            inspection.sender_fingerprint.as_deref().unwrap_or("")
        ),
        (Some(_), Some(false)) => bail!("{}", crate::federation::bundle::BundleError::Signature),
    }
    if let Some(problem) = &inspection.problem {
        bail!("{problem}");
    }
    for (kind, n) in &inspection.counts {
        println!("  {}（{kind}）：{n} 条", crate::store::exchange::kind_label(kind));
    }
    println!("照片：{} 张", inspection.photos);
    Ok(())
}

/// A byte count for people: 812 字节, 3.4 KB, 12.5 MB.
fn size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} 字节"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}
