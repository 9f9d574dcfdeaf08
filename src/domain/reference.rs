//! Reference data shipped in `fixtures/` (see `fixtures/SOURCES.md`): GB/T 2260 regions and the
//! 2022 goods catalogue whose codes match GB/T 14885-2022. The files are compiled into the binary,
//! written into the database at `init`, and held in memory as a [`Reference`] for look-ups.
//! Nothing here invents a code: the only code not in the files is `100000` 全国.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::region::{NATIONAL, RegionCode, RegionLevel};

const REGIONS_LIAONING: &str = include_str!("../../fixtures/regions-liaoning.csv");
const REGIONS_CHINA_CITIES: &str = include_str!("../../fixtures/regions-china-cities.csv");
const ASSET_CATEGORIES: &str = include_str!("../../fixtures/asset-categories.csv");

/// One administrative region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Region {
    /// GB/T 2260 code.
    pub code: String,
    /// 名称, e.g. 和平区.
    pub name: String,
    /// The containing region, empty for a province.
    pub parent_code: Option<String>,
    /// province, city or county.
    pub level: RegionLevel,
}

/// One category of the goods catalogue (A = 货物), levels 0 (root) to 4 (小类).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Category {
    /// e.g. `A02010105`.
    pub code: String,
    /// e.g. 台式计算机.
    pub name: String,
    /// The containing category, empty for the root `A`.
    pub parent_code: Option<String>,
    /// 0 root, 1 门类, 2 大类, 3 中类, 4 小类.
    pub level: u8,
}

/// Regions and categories with their parent/child indexes, for pickers and validation.
#[derive(Debug, Default, Clone)]
pub struct Reference {
    regions: BTreeMap<String, Region>,
    region_children: BTreeMap<String, Vec<String>>,
    categories: BTreeMap<String, Category>,
    category_children: BTreeMap<String, Vec<String>>,
}

/// The regions and categories compiled into the binary, parsed.
pub fn shipped() -> Result<(Vec<Region>, Vec<Category>), DomainError> {
    let mut regions = parse_regions(REGIONS_CHINA_CITIES)?;
    for region in parse_regions(REGIONS_LIAONING)? {
        if !regions.iter().any(|r| r.code == region.code) {
            regions.push(region);
        }
    }
    Ok((regions, parse_categories(ASSET_CATEGORIES)?))
}

fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| (n + 1, line.split(',').map(str::trim).collect()))
}

/// Regions from a CSV of `fixtures/` (code, name, parent_code, level).
pub fn parse_regions(text: &str) -> Result<Vec<Region>, DomainError> {
    rows(text)
        .map(|(n, f)| {
            let level = f.get(3).and_then(|l| RegionLevel::parse(l));
            match (f.first(), f.get(1), f.get(2), level) {
                (Some(code), Some(name), Some(parent), Some(level)) => Ok(Region {
                    code: RegionCode::parse(code)?.to_string(),
                    name: (*name).to_owned(),
                    parent_code: (!parent.is_empty()).then(|| (*parent).to_owned()),
                    level,
                }),
                _ => Err(DomainError::invalid(format!("区划数据第 {n} 行格式错误"))),
            }
        })
        .collect()
}

fn parse_categories(text: &str) -> Result<Vec<Category>, DomainError> {
    rows(text)
        .map(|(n, f)| match (f.first(), f.get(1), f.get(2), f.get(3).and_then(|l| l.parse().ok())) {
            (Some(code), Some(name), Some(parent), Some(level)) => Ok(Category {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                parent_code: (!parent.is_empty()).then(|| (*parent).to_owned()),
                level,
            }),
            _ => Err(DomainError::invalid(format!("资产分类数据第 {n} 行格式错误"))),
        })
        .collect()
}

impl Reference {
    /// Builds the indexes.
    pub fn new(regions: Vec<Region>, categories: Vec<Category>) -> Self {
        let mut reference = Self::default();
        for region in regions {
            if let Some(parent) = &region.parent_code {
                reference.region_children.entry(parent.clone()).or_default().push(region.code.clone());
            }
            reference.regions.insert(region.code.clone(), region);
        }
        for category in categories {
            if let Some(parent) = &category.parent_code {
                reference.category_children.entry(parent.clone()).or_default().push(category.code.clone());
            }
            reference.categories.insert(category.code.clone(), category);
        }
        reference
    }

    /// The reference data compiled into the binary (used before a node is initialised).
    pub fn from_shipped() -> Result<Self, DomainError> {
        let (regions, categories) = shipped()?;
        Ok(Self::new(regions, categories))
    }

    /// A region by code; `100000` is 全国.
    pub fn region(&self, code: &str) -> Option<Region> {
        if code == NATIONAL {
            return Some(Region {
                code: NATIONAL.to_owned(),
                name: "全国".to_owned(),
                parent_code: None,
                level: RegionLevel::National,
            });
        }
        self.regions.get(code).cloned()
    }

    /// Parses a code and checks that it names a known region.
    pub fn known_region(&self, code: &str) -> Result<RegionCode, DomainError> {
        let parsed = RegionCode::parse(code)?;
        match self.region(parsed.as_str()) {
            Some(_) => Ok(parsed),
            None => Err(DomainError::invalid(format!("财政区划代码“{code}”不在区划表中"))),
        }
    }

    /// The region's name, or the code itself when unknown.
    pub fn region_name(&self, code: &str) -> String {
        self.region(code).map(|r| r.name).unwrap_or_else(|| code.to_owned())
    }

    /// Names from the province down, e.g. 辽宁省 / 沈阳市 / 和平区.
    pub fn region_path(&self, code: &str) -> String {
        let mut names = Vec::new();
        let mut next = self.regions.get(code);
        while let Some(region) = next {
            names.push(region.name.as_str());
            next = region.parent_code.as_deref().and_then(|p| self.regions.get(p));
        }
        if names.is_empty() {
            return self.region_name(code);
        }
        names.reverse();
        names.join(" / ")
    }

    /// The direct children of a region, or the provinces when `parent` is `None`.
    pub fn region_children(&self, parent: Option<&str>) -> Vec<Region> {
        match parent {
            None => self.regions.values().filter(|r| r.parent_code.is_none()).cloned().collect(),
            Some(p) => self.children_of(&self.region_children, p, |c| self.regions.get(c).cloned()),
        }
    }

    /// Whether a region has children in the table.
    pub fn region_has_children(&self, code: &str) -> bool {
        self.region_children.contains_key(code)
    }

    /// Regions whose name or code contains `q`, at most `limit`.
    pub fn search_regions(&self, q: &str, limit: usize) -> Vec<Region> {
        self.regions.values().filter(|r| r.name.contains(q) || r.code.starts_with(q)).take(limit).cloned().collect()
    }

    /// A category by code.
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.get(code)
    }

    /// Names from the 门类 down, e.g. 设备 / 信息化设备 / 计算机 / 台式计算机.
    pub fn category_path(&self, code: &str) -> String {
        let mut names = Vec::new();
        let mut next = self.categories.get(code);
        while let Some(category) = next.filter(|c| c.level > 0) {
            names.push(category.name.as_str());
            next = category.parent_code.as_deref().and_then(|p| self.categories.get(p));
        }
        names.reverse();
        names.join(" / ")
    }

    /// Direct children of a category, or the 8 门类 when `parent` is `None`.
    pub fn category_children(&self, parent: Option<&str>) -> Vec<Category> {
        self.children_of(&self.category_children, parent.unwrap_or("A"), |c| self.categories.get(c).cloned())
    }

    /// Whether a category has children.
    pub fn category_has_children(&self, code: &str) -> bool {
        self.category_children.contains_key(code)
    }

    /// Categories whose name contains `q` or whose code starts with it, at most `limit`.
    pub fn search_categories(&self, q: &str, limit: usize) -> Vec<Category> {
        let q_upper = q.to_uppercase();
        self.categories
            .values()
            .filter(|c| c.level > 0 && (c.name.contains(q) || c.code.starts_with(&q_upper)))
            .take(limit)
            .cloned()
            .collect()
    }

    /// All regions, for writing them into the database.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// All categories, for writing them into the database.
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.values()
    }

    fn children_of<T>(
        &self,
        index: &BTreeMap<String, Vec<String>>,
        parent: &str,
        get: impl Fn(&str) -> Option<T>,
    ) -> Vec<T> {
        index.get(parent).map(|codes| codes.iter().filter_map(|c| get(c)).collect()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Reference {
        Reference::from_shipped().expect("shipped fixtures parse")
    }

    #[test]
    fn the_shipped_files_hold_liaoning_and_every_province() {
        let r = reference();
        assert_eq!(r.region_children(None).len(), 34);
        assert_eq!(r.region_children(Some("210000")).len(), 14);
        assert_eq!(r.region_path("210102"), "辽宁省 / 沈阳市 / 和平区");
        assert_eq!(r.region_path("210302"), "辽宁省 / 鞍山市 / 铁东区");
        assert_eq!(r.region_name("100000"), "全国");
    }

    #[test]
    fn the_2022_catalogue_codes_desktop_computers_as_105() {
        let r = reference();
        assert_eq!(r.categories().count(), 3482);
        assert_eq!(r.category("A02010105").map(|c| c.name.as_str()), Some("台式计算机"));
        assert_eq!(r.category_children(None).len(), 8);
        assert!(r.category_path("A02010105").ends_with("计算机 / 台式计算机"));
    }

    #[test]
    fn unknown_regions_are_refused() {
        let r = reference();
        assert!(r.known_region("210102").is_ok());
        assert!(r.known_region("219999").is_err());
    }
}
