//! The node: one running `gongwucang` with its kind, region, name and ed25519 identity.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::DomainError;
use super::reference::Reference;
use super::region::{RegionCode, RegionLevel};

/// Which level of the federation a node serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// A city, a county, or 省本级 departments: runs the warehouse for its units.
    Local,
    /// A provincial finance department: reviews and forwards to the national node.
    Province,
    /// The national platform.
    National,
}

impl NodeKind {
    /// Parses the lower-case name used by the CLI and the API.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "local" => Ok(Self::Local),
            "province" => Ok(Self::Province),
            "national" => Ok(Self::National),
            _ => Err(DomainError::invalid(format!("节点类型“{s}”无效：应为 local、province 或 national"))),
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Local => "本地节点",
            Self::Province => "省级节点",
            Self::National => "全国节点",
        }
    }
}

/// The node's identity and settings, stored once in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Region code plus the first hex digits of the key's hash, e.g. `210100-3fa2c91b`.
    pub node_id: String,
    /// local, province or national.
    pub kind: NodeKind,
    /// The node's region (全国 `100000` for the national node).
    pub region: RegionCode,
    /// A human name, e.g. 沈阳市财政局公物仓.
    pub name: String,
    /// The ed25519 public key, hex.
    pub public_key: String,
    /// When the node was initialised.
    pub created_at: String,
}

/// What `init` and the first-run wizard ask for, checked.
#[derive(Debug, Clone)]
pub struct NodeSettings {
    /// Node kind.
    pub kind: NodeKind,
    /// A region that exists and fits the kind.
    pub region: RegionCode,
    /// Trimmed, non-empty name.
    pub name: String,
}

impl NodeSettings {
    /// Checks that the region exists and suits the kind: a province node sits on a province, the
    /// national node on 全国, a local node on a province (省本级), city or county.
    pub fn validate(kind: NodeKind, region: &str, name: &str, reference: &Reference) -> Result<Self, DomainError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(DomainError::invalid("节点名称不能为空，且不超过 60 个字"));
        }
        let region = if kind == NodeKind::National && region.trim().is_empty() {
            RegionCode::national()
        } else {
            reference.known_region(region)?
        };
        let fits = match kind {
            NodeKind::National => region.level() == RegionLevel::National,
            NodeKind::Province => region.level() == RegionLevel::Province,
            NodeKind::Local => region.level() != RegionLevel::National,
        };
        if !fits {
            let expected = match kind {
                NodeKind::National => "全国节点的财政区划应为 100000（全国）",
                NodeKind::Province => "省级节点的财政区划应为省级区划（如 210000 辽宁省）",
                NodeKind::Local => "本地节点的财政区划应为省本级、地市或区县",
            };
            return Err(DomainError::invalid(expected));
        }
        Ok(Self { kind, region, name: name.to_owned() })
    }
}

/// A key fingerprint short enough to read over the phone: the first 16 bytes of SHA-256 of the
/// public key, as 8 groups of 4 upper-case hex digits.
pub fn fingerprint(public_key: &[u8]) -> String {
    let digest = Sha256::digest(public_key);
    let hex = hex::encode_upper(&digest[..16]);
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The node id: region code and the first 8 hex digits of the key's hash.
pub fn node_id(region: &RegionCode, public_key: &[u8]) -> String {
    let digest = Sha256::digest(public_key);
    format!("{}-{}", region, hex::encode(&digest[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_eight_groups_of_four_hex_digits() {
        let fp = fingerprint(&[7u8; 32]);
        let groups: Vec<&str> = fp.split(' ').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())));
    }

    #[test]
    fn kinds_must_match_their_region_level() {
        let r = Reference::from_shipped().expect("fixtures");
        assert!(NodeSettings::validate(NodeKind::Local, "210100", "沈阳市", &r).is_ok());
        assert!(NodeSettings::validate(NodeKind::Local, "210102", "和平区", &r).is_ok());
        assert!(NodeSettings::validate(NodeKind::Province, "210000", "辽宁省", &r).is_ok());
        assert!(NodeSettings::validate(NodeKind::Province, "210100", "沈阳市", &r).is_err());
        assert!(NodeSettings::validate(NodeKind::National, "100000", "全国", &r).is_ok());
        assert!(NodeSettings::validate(NodeKind::National, "210000", "辽宁", &r).is_err());
        assert!(NodeSettings::validate(NodeKind::Local, "210100", "  ", &r).is_err());
    }
}
