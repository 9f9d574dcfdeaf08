//! GB/T 2260 administrative region codes (财政区划). Six digits: `PPCCXX`, where a province is
//! `PP0000`, a city `PPCC00`, a county or district anything else. `100000` stands for 全国,
//! the national node's region.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;

/// The code of the whole country, used by the national node.
pub const NATIONAL: &str = "100000";

/// How high a region sits in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    /// 全国
    National,
    /// 省级
    Province,
    /// 地市级
    City,
    /// 区县级
    County,
}

impl RegionLevel {
    /// The level as `fixtures/` CSV files spell it.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "national" => Some(Self::National),
            "province" => Some(Self::Province),
            "city" => Some(Self::City),
            "county" => Some(Self::County),
            _ => None,
        }
    }
}

/// A syntactically valid region code. Whether it exists is a question for [`super::reference`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses six ASCII digits.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::invalid(format!("财政区划代码“{s}”无效：应为 6 位数字")))
        }
    }

    /// The code of the whole country.
    pub fn national() -> Self {
        Self(NATIONAL.to_owned())
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level implied by the code's shape.
    pub fn level(&self) -> RegionLevel {
        if self.0 == NATIONAL {
            RegionLevel::National
        } else if self.0.ends_with("0000") {
            RegionLevel::Province
        } else if self.0.ends_with("00") {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// Whether `other` lies within this region (a region contains itself).
    pub fn contains(&self, other: &RegionCode) -> bool {
        match self.level() {
            RegionLevel::National => true,
            RegionLevel::Province => self.0[..2] == other.0[..2],
            RegionLevel::City => self.0[..4] == other.0[..4],
            RegionLevel::County => self.0 == other.0,
        }
    }

    /// The province that contains this region (`PP0000`), or itself for 全国.
    pub fn province(&self) -> RegionCode {
        match self.level() {
            RegionLevel::National => self.clone(),
            _ => Self(format!("{}0000", &self.0[..2])),
        }
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid code")
    }

    #[test]
    fn levels_follow_the_shape_of_the_code() {
        assert_eq!(code("100000").level(), RegionLevel::National);
        assert_eq!(code("210000").level(), RegionLevel::Province);
        assert_eq!(code("210100").level(), RegionLevel::City);
        assert_eq!(code("210102").level(), RegionLevel::County);
    }

    #[test]
    fn a_city_contains_its_districts_but_not_its_neighbours() {
        assert!(code("210100").contains(&code("210102")));
        assert!(code("210100").contains(&code("210100")));
        assert!(!code("210100").contains(&code("210302")));
        assert!(code("210000").contains(&code("210302")));
        assert!(!code("210102").contains(&code("210100")));
        assert!(code("100000").contains(&code("110101")));
    }

    #[test]
    fn malformed_codes_are_refused_in_chinese() {
        for bad in ["", "21010", "2101000", "21O100"] {
            let err = RegionCode::parse(bad).unwrap_err();
            assert!(err.to_string().contains("财政区划"), "{err}");
        }
    }
}
