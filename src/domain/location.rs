//! Locations (存放地点): a per-unit tree 院落 › 楼栋 › 楼层 › 房间. A card's location is complete
//! when it sits at the deepest level its compound has (notice 四(二): "按照院落、楼栋、楼、房间等顺序
//! 详细设立存放地点").

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;

/// A level of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LocationLevel {
    /// 院落
    Compound,
    /// 楼栋
    Building,
    /// 楼层
    Floor,
    /// 房间
    Room,
}

impl LocationLevel {
    /// The level below, if any.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::Compound => Some(Self::Building),
            Self::Building => Some(Self::Floor),
            Self::Floor => Some(Self::Room),
            Self::Room => None,
        }
    }

    /// 1 for a compound … 4 for a room.
    pub fn depth(self) -> usize {
        self as usize + 1
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Compound => "院落",
            Self::Building => "楼栋",
            Self::Floor => "楼层",
            Self::Room => "房间",
        }
    }

    /// The level at a depth (1..=4).
    pub fn at_depth(depth: usize) -> Option<Self> {
        [Self::Compound, Self::Building, Self::Floor, Self::Room].get(depth.checked_sub(1)?).copied()
    }
}

/// One node of a unit's location tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Opaque id.
    pub id: String,
    /// The unit whose tree it is.
    pub unit_id: String,
    /// The node above; none for a compound.
    pub parent_id: Option<String>,
    /// Its level.
    pub level: LocationLevel,
    /// e.g. 综合办公楼.
    pub name: String,
}

/// Checks a location name.
pub fn validate_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(DomainError::invalid("存放地点名称不能为空，且不超过 40 个字"));
    }
    if name.contains('›') {
        return Err(DomainError::invalid("存放地点名称不能包含“›”"));
    }
    Ok(name.to_owned())
}

/// The level of a new node under `parent` (none: a compound).
pub fn level_under(parent: Option<&Location>) -> Result<LocationLevel, DomainError> {
    match parent {
        None => Ok(LocationLevel::Compound),
        Some(p) => p.level.child().ok_or_else(|| DomainError::invalid("房间下不能再设下级存放地点")),
    }
}

/// A unit's whole tree, for paths, completeness and subtree queries.
#[derive(Debug, Default, Clone)]
pub struct LocationTree {
    nodes: HashMap<String, Location>,
    children: HashMap<String, Vec<String>>,
}

impl LocationTree {
    /// Builds the indexes.
    pub fn new(locations: impl IntoIterator<Item = Location>) -> Self {
        let mut tree = Self::default();
        for location in locations {
            tree.insert(location);
        }
        tree
    }

    /// Adds a node.
    pub fn insert(&mut self, location: Location) {
        if let Some(parent) = &location.parent_id {
            self.children.entry(parent.clone()).or_default().push(location.id.clone());
        }
        self.nodes.insert(location.id.clone(), location);
    }

    /// A node.
    pub fn get(&self, id: &str) -> Option<&Location> {
        self.nodes.get(id)
    }

    /// Every node.
    pub fn all(&self) -> impl Iterator<Item = &Location> {
        self.nodes.values()
    }

    /// The node and its ancestors, from the compound down.
    pub fn chain(&self, id: &str) -> Vec<&Location> {
        let mut chain = Vec::new();
        let mut next = self.nodes.get(id);
        while let Some(node) = next {
            chain.push(node);
            next = node.parent_id.as_deref().and_then(|p| self.nodes.get(p));
            if chain.len() > 4 {
                break;
            }
        }
        chain.reverse();
        chain
    }

    /// e.g. 机关大院 › 综合楼 › 3层 › 305室.
    pub fn path(&self, id: &str) -> String {
        self.chain(id).iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(" › ")
    }

    /// Direct children.
    pub fn children(&self, id: &str) -> &[String] {
        self.children.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    /// The node and everything below it.
    pub fn subtree(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_owned()];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.children(&out[i]).iter().cloned());
            i += 1;
        }
        out
    }

    /// The deepest level present under a compound (1 when it has no buildings).
    pub fn compound_depth(&self, compound_id: &str) -> usize {
        self.subtree(compound_id).iter().filter_map(|id| self.nodes.get(id)).map(|l| l.level.depth()).max().unwrap_or(1)
    }

    /// Whether a card at `id` is located as precisely as its compound allows.
    pub fn is_complete(&self, id: &str) -> bool {
        let chain = self.chain(id);
        match (chain.first(), chain.last()) {
            (Some(compound), Some(node)) => node.level.depth() >= self.compound_depth(&compound.id),
            _ => false,
        }
    }

    /// Whether a card placed at `location_id` (none: not placed) is located completely.
    pub fn places_completely(tree: Option<&Self>, location_id: Option<&str>) -> bool {
        match (location_id, tree) {
            (Some(id), Some(tree)) => tree.is_complete(id),
            _ => false,
        }
    }

    /// The child of `parent` (or the compound, when `parent` is none) with this name.
    pub fn find_child(&self, unit_id: &str, parent: Option<&str>, name: &str) -> Option<&Location> {
        match parent {
            Some(p) => self.children(p).iter().filter_map(|c| self.nodes.get(c)).find(|l| l.name == name),
            None => self.nodes.values().find(|l| l.parent_id.is_none() && l.unit_id == unit_id && l.name == name),
        }
    }
}

/// Splits a free-text 存放地点 into at most four names: on `›`, `>`, `/`, `\`, `-`, `—`, `|` and
/// whitespace. More than four parts: the rest joins the room.
pub fn split_location_text(text: &str) -> Vec<String> {
    let parts: Vec<String> = text
        .split(|c: char| matches!(c, '›' | '>' | '/' | '\\' | '|' | '—' | '－' | '-') || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
        .map(str::to_owned)
        .collect();
    if parts.len() <= 4 {
        return parts;
    }
    let mut head = parts[..3].to_vec();
    head.push(parts[3..].join(" "));
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, parent: Option<&str>, level: LocationLevel) -> Location {
        Location { id: id.into(), unit_id: "u1".into(), parent_id: parent.map(Into::into), level, name: id.into() }
    }

    fn tree() -> LocationTree {
        use LocationLevel::*;
        LocationTree::new([
            node("main", None, Compound),
            node("office", Some("main"), Building),
            node("f3", Some("office"), Floor),
            node("r305", Some("f3"), Room),
            node("garage", Some("main"), Building),
            node("depot", None, Compound),
            node("shed", Some("depot"), Building),
        ])
    }

    #[test]
    fn a_location_is_complete_at_the_depth_its_compound_has() {
        let t = tree();
        assert!(t.is_complete("r305"));
        assert!(!t.is_complete("f3"));
        assert!(!t.is_complete("garage"), "the main compound has rooms, so a building is not precise enough");
        assert!(t.is_complete("shed"), "the depot has only buildings");
        assert!(!t.is_complete("depot"));
        assert_eq!(t.path("r305"), "main › office › f3 › r305");
        assert_eq!(t.subtree("office").len(), 3);
    }

    #[test]
    fn free_text_locations_split_into_levels() {
        assert_eq!(split_location_text("机关大院 › 综合楼 › 3层 › 305室"), ["机关大院", "综合楼", "3层", "305室"]);
        assert_eq!(split_location_text("机关大院/综合楼"), ["机关大院", "综合楼"]);
        assert_eq!(split_location_text("东院-会议中心-1层-101室"), ["东院", "会议中心", "1层", "101室"]);
        assert_eq!(split_location_text("  "), Vec::<String>::new());
        assert_eq!(split_location_text("a b c d e"), ["a", "b", "c", "d e"]);
    }

    #[test]
    fn a_room_has_no_children() {
        assert!(level_under(Some(&node("r", None, LocationLevel::Room))).is_err());
        assert_eq!(level_under(None).unwrap(), LocationLevel::Compound);
    }
}
