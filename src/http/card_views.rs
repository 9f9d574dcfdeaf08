//! The card as the API shows it: the stored card joined with names (unit, category, location
//! path), the location's completeness, the publishable test and the photo problems.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::card::{AssetCard, CardStatus};
use crate::domain::location::LocationTree;
use crate::domain::photo::Photo;
use crate::domain::reference::Reference;
use crate::domain::unit::Unit;
use crate::store::cards::HistoryEntry;
use crate::store::{self, Read, Result};

/// Fewer photos than this is a data-quality problem (the notice recommends 4–6 angles).
pub const RECOMMENDED_PHOTOS: usize = 4;

/// Data-quality problems of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// 无照片
    NoPhotos,
    /// 照片少于 4 张
    FewPhotos,
    /// 照片质量问题
    FlaggedPhotos,
    /// 存放地点不完整
    IncompleteLocation,
    /// 闲置未入仓
    IdleNotListed,
    /// 出租出借已到期未收回
    LeaseOverdue,
}

/// A card as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardView {
    /// Opaque id.
    pub id: String,
    /// Owning unit.
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// 资产编号.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// GB/T 14885-2022 code.
    pub category: String,
    /// Its name, e.g. 台式计算机.
    pub category_name: String,
    /// 规格型号.
    pub spec: String,
    /// 品牌.
    pub brand: String,
    /// 数量.
    pub quantity: u32,
    /// 计量单位.
    pub measure_unit: String,
    /// 取得日期.
    pub acquired_on: String,
    /// 原值, fen.
    pub original_value_fen: i64,
    /// 净值, fen.
    pub net_value_fen: i64,
    /// 使用状态.
    pub status: CardStatus,
    /// 是否共享共用.
    pub shared: bool,
    /// 存放地点 node.
    pub location_id: Option<String>,
    /// 院落 › 楼栋 › 楼层 › 房间.
    pub location_text: String,
    /// As deep as the compound has levels.
    pub location_complete: bool,
    /// 使用部门.
    pub using_department: String,
    /// 使用人.
    pub custodian: String,
    /// 出租出借到期日.
    pub lease_end_on: Option<String>,
    /// Photos with their quality flags.
    pub photos: Vec<Photo>,
    /// Photo problems: no_photos, few_photos, flagged_photos.
    pub photo_problems: Vec<Problem>,
    /// SPEC §4.
    pub publishable: bool,
    /// The active listing, if any.
    pub active_listing_id: Option<String>,
    /// The card it was split from.
    pub parent_id: Option<String>,
    /// 已调出: the receiver and the listing (无偿调拨 recorded).
    pub transferred_to: Option<String>,
    /// The listing whose result transferred it.
    pub transferred_listing_id: Option<String>,
    /// 共享使用单位 and period.
    pub shared_with: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A card with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardDetail {
    /// The card.
    #[serde(flatten)]
    pub card: CardView,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
}

/// Names and trees for building many views at once.
pub struct CardContext {
    reference: std::sync::Arc<Reference>,
    units: HashMap<String, Unit>,
    trees: HashMap<String, LocationTree>,
    today: String,
}

impl CardContext {
    /// Loads the units and their location trees.
    pub fn load(r: &impl Read, reference: std::sync::Arc<Reference>, unit_ids: &[String]) -> Result<Self> {
        let mut units = HashMap::new();
        let mut trees = HashMap::new();
        for id in unit_ids {
            if let Some(unit) = store::units::get(r, id)? {
                trees.insert(id.clone(), store::locations::tree(r, id)?);
                units.insert(id.clone(), unit);
            }
        }
        let today = time::OffsetDateTime::now_utc().date().to_string();
        Ok(Self { reference, units, trees, today })
    }

    /// The unit's tree.
    pub fn tree(&self, unit_id: &str) -> Option<&LocationTree> {
        self.trees.get(unit_id)
    }

    /// Every problem of a card.
    pub fn problems(&self, card: &AssetCard) -> Vec<Problem> {
        if card.transferred_to.is_some() {
            // Transferred out: no longer in the unit's ledger.
            return Vec::new();
        }
        let mut problems = photo_problems(&card.photos);
        if !self.location_complete(card) {
            problems.push(Problem::IncompleteLocation);
        }
        if card.status == CardStatus::Idle && card.active_listing_id.is_none() {
            problems.push(Problem::IdleNotListed);
        }
        if card.status == CardStatus::Leased
            && card.lease_end_on.as_deref().is_some_and(|end| end < self.today.as_str())
        {
            problems.push(Problem::LeaseOverdue);
        }
        problems
    }

    fn location_complete(&self, card: &AssetCard) -> bool {
        LocationTree::places_completely(self.trees.get(&card.unit_id), card.location_id.as_deref())
    }

    /// The view of a card.
    pub fn view(&self, card: &AssetCard) -> CardView {
        let tree = self.trees.get(&card.unit_id);
        CardView {
            id: card.id.clone(),
            unit_id: card.unit_id.clone(),
            unit_name: self.units.get(&card.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
            asset_code: card.asset_code.clone(),
            name: card.name.clone(),
            category: card.category.clone(),
            category_name: self.reference.category(&card.category).map(|c| c.name.clone()).unwrap_or_default(),
            spec: card.spec.clone(),
            brand: card.brand.clone(),
            quantity: card.quantity,
            measure_unit: card.measure_unit.clone(),
            acquired_on: card.acquired_on.clone(),
            original_value_fen: card.original_value_fen,
            net_value_fen: card.net_value_fen,
            status: card.status,
            shared: card.shared,
            location_id: card.location_id.clone(),
            location_text: card.location_id.as_deref().and_then(|id| tree.map(|t| t.path(id))).unwrap_or_default(),
            location_complete: self.location_complete(card),
            using_department: card.using_department.clone(),
            custodian: card.custodian.clone(),
            lease_end_on: card.lease_end_on.clone(),
            photos: card.photos.clone(),
            photo_problems: photo_problems(&card.photos),
            publishable: card.publishable(),
            active_listing_id: card.active_listing_id.clone(),
            parent_id: card.parent_id.clone(),
            transferred_to: card.transferred_to.clone(),
            transferred_listing_id: card.transferred_listing_id.clone(),
            shared_with: card.shared_with.clone(),
            created_at: card.created_at.clone(),
            updated_at: card.updated_at.clone(),
        }
    }
}

/// no_photos / few_photos / flagged_photos.
pub fn photo_problems(photos: &[Photo]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if photos.is_empty() {
        problems.push(Problem::NoPhotos);
    } else if photos.len() < RECOMMENDED_PHOTOS {
        problems.push(Problem::FewPhotos);
    }
    if photos.iter().any(|p| !p.flags.is_empty()) {
        problems.push(Problem::FlaggedPhotos);
    }
    problems
}
