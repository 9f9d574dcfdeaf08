//! Running a province or national node as a service: the hardened systemd unit that
//! `gongwucang service print --systemd` prints (a dedicated user, a read-only system apart from
//! the data folder, no privileges, only the address families a web server needs).

use std::net::SocketAddr;
use std::path::Path;

use crate::domain::DomainError;

/// What the unit runs.
pub struct ServiceSettings<'a> {
    /// The executable, absolute.
    pub exec: &'a Path,
    /// The data folder, absolute.
    pub data: &'a Path,
    /// The listen address.
    pub listen: SocketAddr,
    /// The dedicated system user (and group).
    pub user: &'a str,
}

/// The unit file, or why the settings cannot go into one.
pub fn systemd_unit(settings: &ServiceSettings<'_>) -> Result<String, DomainError> {
    let exec = unit_path("--exec", settings.exec)?;
    let data = unit_path("--data", settings.data)?;
    let user = settings.user;
    if user.is_empty()
        || user.len() > 31
        || !user.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(DomainError::invalid("--user 须为系统用户名：小写字母、数字、- 或 _，不超过 31 个字符"));
    }
    let listen = settings.listen;
    // Under /var/lib, systemd creates the folder with the right owner (StateDirectory).
    let state_directory = data.strip_prefix("/var/lib/").filter(|rest| !rest.is_empty() && !rest.contains('/'));
    let state = match state_directory {
        Some(name) => format!("StateDirectory={name}\nStateDirectoryMode=0700\n"),
        None => String::new(),
    };
    Ok(format!(
        "# 公物仓节点服务（省级、全国节点）。安装步骤（以 root 身份）：
#   useradd --system --home-dir {data} --shell /usr/sbin/nologin {user}
#   install -m 0755 gongwucang-版本-linux-x86_64-musl {exec}   （ARM64：…-linux-aarch64-musl）
#   install -d -m 0700 -o {user} -g {user} {data}
#   sudo -u {user} {exec} init --data {data} --kind province --region 210000 --name 辽宁省公物仓 --admin-password …
#   （或首次访问网页时在初始化向导中完成）
#   {exec} service print --systemd > /etc/systemd/system/gongwucang.service
#   systemctl daemon-reload && systemctl enable --now gongwucang
# 查看状态：systemctl status gongwucang；查看日志：journalctl -u gongwucang
# 服务只监听 {listen}；如需为局域网提供服务，请在前面放置配置了 TLS 证书的反向代理（见 README）。

[Unit]
Description=公物仓 gongwucang node
After=network.target

[Service]
Type=exec
User={user}
Group={user}
ExecStart={exec} serve --data {data} --listen {listen}
WorkingDirectory={data}
{state}Environment=RUST_LOG=info
Restart=on-failure
RestartSec=5s
TimeoutStopSec=30s
UMask=0077

# 加固：除数据目录外文件系统只读，无特权，只允许网络服务所需的系统调用。
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ReadWritePaths={data}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
"
    ))
}

/// An absolute path without characters that a unit file would split or expand.
fn unit_path<'a>(flag: &str, path: &'a Path) -> Result<&'a str, DomainError> {
    let text = path.to_str().ok_or_else(|| DomainError::invalid(format!("{flag} 路径须为 UTF-8")))?;
    if !text.starts_with('/') {
        return Err(DomainError::invalid(format!("{flag} 须为绝对路径（以 / 开头）：{text}")));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '\\' | '%' | '$' | ';')) {
        return Err(DomainError::invalid(format!("{flag} 路径不能包含空格、引号或 % $ ; \\：{text}")));
    }
    Ok(text.trim_end_matches('/'))
}

#[cfg(test)]
mod tests;
