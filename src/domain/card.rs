//! Asset cards (资产卡片, SPEC §4): one record of the unit's asset ledger. This module holds the
//! card's facts and the rules that need no I/O: status names, location completeness and the
//! publishable test.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::photo::Photo;

/// 使用状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    /// 在用
    InUse,
    /// 闲置
    Idle,
    /// 待处置
    PendingDisposal,
    /// 低效运转
    LowEfficiency,
    /// 出租出借
    Leased,
}

impl CardStatus {
    /// Parses the API name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in_use" => Some(Self::InUse),
            "idle" => Some(Self::Idle),
            "pending_disposal" => Some(Self::PendingDisposal),
            "low_efficiency" => Some(Self::LowEfficiency),
            "leased" => Some(Self::Leased),
            _ => None,
        }
    }

    /// The ledger's Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            Self::InUse => "在用",
            Self::Idle => "闲置",
            Self::PendingDisposal => "待处置",
            Self::LowEfficiency => "低效运转",
            Self::Leased => "出租出借",
        }
    }
}

/// 存放地点: 院落 › 楼栋 › 楼层 › 房间.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Location {
    /// 院落
    pub compound: String,
    /// 楼栋
    pub building: String,
    /// 楼层
    pub floor: String,
    /// 房间
    pub room: String,
}

impl Location {
    /// Complete when every level is filled.
    pub fn is_complete(&self) -> bool {
        [&self.compound, &self.building, &self.floor, &self.room].iter().all(|s| !s.trim().is_empty())
    }

    /// e.g. 主院 › 综合楼 › 3层 › 305室.
    pub fn text(&self) -> String {
        [&self.compound, &self.building, &self.floor, &self.room]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim())
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

/// An asset card as stored. Money is integer fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetCard {
    /// Opaque id.
    pub id: String,
    /// Owning unit.
    pub unit_id: String,
    /// 资产编号, unique within the unit.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// GB/T 14885-2022 code.
    pub category: String,
    /// 规格型号.
    pub spec: String,
    /// 品牌.
    pub brand: String,
    /// 数量.
    pub quantity: u32,
    /// 计量单位.
    pub measure_unit: String,
    /// 取得日期 `YYYY-MM-DD`.
    pub acquired_on: String,
    /// 原值, fen.
    pub original_value_fen: i64,
    /// 净值, fen.
    pub net_value_fen: i64,
    /// 使用状态.
    pub status: CardStatus,
    /// 是否共享共用.
    pub shared: bool,
    /// 存放地点.
    pub location: Location,
    /// 使用部门.
    pub using_department: String,
    /// 使用人.
    pub custodian: String,
    /// The card's photos (content-addressed, stored once).
    pub photos: Vec<Photo>,
    /// RFC 3339.
    pub created_at: String,
}

impl AssetCard {
    /// SPEC §4: status idle, pending disposal or low efficiency, or shared (the active-listing
    /// test joins once listings exist).
    pub fn publishable_by_status(&self) -> bool {
        self.shared || matches!(self.status, CardStatus::Idle | CardStatus::PendingDisposal | CardStatus::LowEfficiency)
    }
}
