//! Peers (SPEC §9): the parent and child nodes this node exchanges bundle files with, each known by
//! its node id, region and ed25519 public key. The node id embeds the key's hash, so a mistyped
//! key or id is caught when the peer is registered, and the admin compares the fingerprint read
//! out over the phone before saving.

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::node::{self, Node};
use super::reference::Reference;
use super::region::RegionCode;

/// Where the peer sits relative to this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeerRole {
    /// The level above (local → province → national).
    Parent,
    /// A level below.
    Child,
}

impl PeerRole {
    /// Parses the CLI's lower-case name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "parent" => Ok(Self::Parent),
            "child" => Ok(Self::Child),
            _ => Err(DomainError::invalid(format!("对端角色“{s}”无效：应为 parent（上级）或 child（下级）"))),
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Parent => "上级节点",
            Self::Child => "下级节点",
        }
    }
}

/// A registered peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// `region-hash`, e.g. `210000-8d01e4a7`.
    pub node_id: String,
    /// Parent or child.
    pub role: PeerRole,
    /// Its region (the node id's prefix).
    pub region: RegionCode,
    /// ed25519 public key, hex.
    pub public_key: String,
    /// A human name, e.g. 辽宁省财政厅.
    pub name: String,
    /// RFC 3339.
    pub added_at: String,
    /// When the admin stopped exchanging with it (停用), RFC 3339: its bundles are refused and
    /// nothing more is exported to it. The registration stays for the history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// Why (e.g. 对方更换了密钥).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

impl Peer {
    /// The key to verify its bundles with.
    pub fn verifying_key(&self) -> Result<VerifyingKey, DomainError> {
        parse_key(&self.public_key)
    }

    /// Whether bundles are exchanged with it.
    pub fn active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// 停用: the peer's key is no longer trusted (lost, replaced, the node retired).
    pub fn revoke(&self, reason: &str, now: String) -> Result<Peer, DomainError> {
        if let Some(at) = &self.revoked_at {
            return Err(DomainError::conflict(format!(
                "对端节点 {} 已于 {} 停用",
                self.node_id,
                &at[..at.len().min(10)]
            )));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(DomainError::invalid("请填写停用原因（200 字以内），例如“对方更换了密钥”"));
        }
        Ok(Peer { revoked_at: Some(now), revoked_reason: Some(reason.to_owned()), ..self.clone() })
    }
}

/// What the admin enters (`POST /peers`, `gongwucang peer add`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewPeer {
    /// parent or child.
    pub role: PeerRole,
    /// The peer's node id, as its `gongwucang key show` prints it.
    pub node_id: String,
    /// Its region; optional, must agree with the node id.
    #[serde(default)]
    pub region: Option<String>,
    /// Its public key, 64 hex digits.
    pub public_key: String,
    /// A name; defaults to the region's name.
    #[serde(default)]
    pub name: Option<String>,
}

fn parse_key(hex_key: &str) -> Result<VerifyingKey, DomainError> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex_key.trim(), &mut bytes)
        .map_err(|_| DomainError::invalid("公钥应为 64 位十六进制数字（对方运行 gongwucang key show 可查看）"))?;
    let key =
        VerifyingKey::from_bytes(&bytes).map_err(|_| DomainError::invalid("公钥无效：不是有效的 ed25519 公钥"))?;
    if key.is_weak() {
        return Err(DomainError::invalid("公钥无效：不能使用弱公钥"));
    }
    Ok(key)
}

impl NewPeer {
    /// Checks the peer against this node and the peers already registered: a valid key that
    /// matches the node id, a region that exists, a parent whose region contains ours (only one
    /// parent), a child whose region lies within ours, not ourselves, not twice.
    pub fn validate(
        &self,
        me: &Node,
        existing: &[Peer],
        reference: &Reference,
        now: String,
    ) -> Result<Peer, DomainError> {
        let key = parse_key(&self.public_key)?;
        let node_id = self.node_id.trim();
        let Some((prefix, _)) = node_id.split_once('-') else {
            return Err(DomainError::invalid(format!(
                "节点编号“{node_id}”格式不对，应为“区划代码-8 位十六进制”，如 210000-8d01e4a7"
            )));
        };
        let region = reference.known_region(prefix)?;
        if let Some(given) = self.region.as_deref().map(str::trim).filter(|r| !r.is_empty())
            && given != region.as_str()
        {
            return Err(DomainError::invalid(format!("财政区划 {given} 与节点编号中的区划 {region} 不一致")));
        }
        if node::node_id(&region, key.as_bytes()) != node_id {
            return Err(DomainError::invalid(
                "节点编号与公钥不匹配：请与对方逐字核对公钥和节点编号（对方运行 gongwucang key show）",
            ));
        }
        if hex::encode(key.as_bytes()) == me.public_key || node_id == me.node_id {
            return Err(DomainError::invalid("不能把本节点自己登记为对端节点"));
        }
        if let Some(p) = existing.iter().find(|p| p.node_id == node_id) {
            return Err(DomainError::conflict(if p.active() {
                format!("对端节点 {node_id} 已登记")
            } else {
                format!("对端节点 {node_id} 已登记并已停用；对方更换密钥后会有新的节点编号，请登记新的编号")
            }));
        }
        match self.role {
            PeerRole::Parent => {
                if region == me.region || !region.contains(&me.region) {
                    return Err(DomainError::invalid(format!(
                        "上级节点的区划 {} 应包含本节点的区划 {}",
                        reference.region_path(region.as_str()),
                        reference.region_path(me.region.as_str())
                    )));
                }
                if let Some(parent) = existing.iter().find(|p| p.role == PeerRole::Parent && p.active()) {
                    return Err(DomainError::conflict(format!(
                        "本节点已登记上级节点 {}（{}），只能有一个上级",
                        parent.name, parent.node_id
                    )));
                }
            }
            PeerRole::Child => {
                if me.kind == node::NodeKind::Local {
                    return Err(DomainError::invalid(
                        "本地节点没有下级节点：数据按 本地节点 → 省级节点 → 全国节点 逐级交换，下级节点请登记在省级节点",
                    ));
                }
                if region == me.region || !me.region.contains(&region) {
                    return Err(DomainError::invalid(format!(
                        "下级节点的区划 {} 应在本节点的区划 {} 之内",
                        reference.region_path(region.as_str()),
                        reference.region_path(me.region.as_str())
                    )));
                }
            }
        }
        let name = match self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) if name.chars().count() > 60 => return Err(DomainError::invalid("节点名称不超过 60 个字")),
            Some(name) => name.to_owned(),
            None => reference.region_name(region.as_str()),
        };
        Ok(Peer {
            node_id: node_id.to_owned(),
            role: self.role,
            region,
            public_key: hex::encode(key.as_bytes()),
            name,
            added_at: now,
            revoked_at: None,
            revoked_reason: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::domain::node::NodeKind;

    fn node(region: &str, seed: u8) -> (Node, String) {
        let key = SigningKey::from_bytes(&[seed; 32]).verifying_key();
        let region = RegionCode::parse(region).unwrap();
        let node = Node {
            node_id: node::node_id(&region, key.as_bytes()),
            kind: NodeKind::Local,
            region,
            name: "节点".into(),
            public_key: hex::encode(key.as_bytes()),
            created_at: String::new(),
        };
        let key_hex = node.public_key.clone();
        (node, key_hex)
    }

    fn new_peer(role: PeerRole, peer: &Node) -> NewPeer {
        NewPeer { role, node_id: peer.node_id.clone(), region: None, public_key: peer.public_key.clone(), name: None }
    }

    #[test]
    fn a_parent_must_contain_us_and_match_its_key() {
        let reference = Reference::from_shipped().unwrap();
        let (me, _) = node("210100", 1);
        let (province, _) = node("210000", 2);
        let peer = new_peer(PeerRole::Parent, &province).validate(&me, &[], &reference, "t".into()).unwrap();
        assert_eq!((peer.name.as_str(), peer.region.as_str()), ("辽宁省", "210000"));
        let err =
            new_peer(PeerRole::Parent, &province).validate(&me, std::slice::from_ref(&peer), &reference, "t".into());
        assert!(err.unwrap_err().to_string().contains("已登记"));
        let (other_province, _) = node("220000", 3);
        let err = new_peer(PeerRole::Parent, &other_province).validate(&me, &[], &reference, "t".into());
        assert!(err.unwrap_err().to_string().contains("应包含本节点"));
        let mut typo = new_peer(PeerRole::Parent, &province);
        typo.public_key = node("210000", 4).1;
        assert!(typo.validate(&me, &[], &reference, "t".into()).unwrap_err().to_string().contains("不匹配"));
        let mut bad = new_peer(PeerRole::Parent, &province);
        bad.public_key = "xyz".into();
        assert!(bad.validate(&me, &[], &reference, "t".into()).unwrap_err().to_string().contains("64 位"));
    }

    #[test]
    fn a_child_lies_within_us_and_we_are_not_our_own_peer() {
        let reference = Reference::from_shipped().unwrap();
        let (mut me, _) = node("210000", 1);
        let (city, _) = node("210100", 2);
        let err = new_peer(PeerRole::Child, &city).validate(&me, &[], &reference, "t".into()).unwrap_err();
        assert!(err.to_string().contains("本地节点没有下级节点"), "a local node (省本级) has no children: {err}");
        me.kind = NodeKind::Province;
        assert!(new_peer(PeerRole::Child, &city).validate(&me, &[], &reference, "t".into()).is_ok());
        assert!(new_peer(PeerRole::Parent, &city).validate(&me, &[], &reference, "t".into()).is_err());
        let err = new_peer(PeerRole::Child, &me).validate(&me, &[], &reference, "t".into()).unwrap_err();
        assert!(err.to_string().contains("自己") || err.to_string().contains("之内"), "{err}");
    }
}
