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
use crate::store::Store;
use crate::{demo, platform};

/// 公物仓 — 行政事业单位国有资产虚拟公物仓及调剂共享平台（单文件节点）
#[derive(Parser, Debug)]
#[command(name = "gongwucang", version, about, long_about = None)]
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
    },
    /// 节点密钥
    Key {
        /// What to do with the key.
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// 对端节点（上级、下级）
    Peer {
        /// What to do with peers.
        #[command(subcommand)]
        command: PeerCommand,
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
        None => serve_command(&platform::default_data_dir(), Listen::PreferDefault, true).await,
        Some(Command::Init { data, kind, region, name, admin_password }) => {
            init_command(&data, kind, &region, &name, &admin_password).await
        }
        Some(Command::Demo { data }) => demo_command(&data).await,
        Some(Command::Serve { data, listen, open }) => serve_command(&data, Listen::Exact(listen), open).await,
        Some(Command::Key { command: KeyCommand::Show { data } }) => key_show_command(&data),
        Some(Command::Peer { command: PeerCommand::Add { data, role, node, key, name } }) => {
            peer_add_command(&data, &role, node, key, name)
        }
        Some(Command::Peer { command: PeerCommand::List { data } }) => peer_list_command(&data),
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

async fn serve_command(data: &Path, listen: Listen, open: bool) -> anyhow::Result<()> {
    app::check_data_dir(data)?;
    let application = Application::build(data, listen).await?;
    let shutdown = app::shutdown_signal()?;
    let url = application.url()?;
    println!("公物仓已启动，请在浏览器中访问：{url}");
    println!("  数据目录：{}", application.data_dir().display());
    if !application.initialized() {
        println!("  本节点尚未初始化：请在浏览器中完成初始化向导。");
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
        println!(
            "{}\t{}\t{}\t指纹 {}",
            peer.role.label(),
            peer.node_id,
            peer.name,
            node::fingerprint(&hex::decode(&peer.public_key)?)
        );
    }
    Ok(())
}
