//! Asset cards (资产卡片, SPEC §4) and the rules of their upkeep (notice 四): which values a card
//! may hold, card changes (信息卡变动), lease recall (出租出借收回), splitting (拆分) with exact
//! apportioning of values in fen, and the publishable test.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::clock;
use super::photo::Photo;
use super::reference::Reference;

/// 使用状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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
    /// Every status.
    pub const ALL: [CardStatus; 5] =
        [Self::InUse, Self::Idle, Self::PendingDisposal, Self::LowEfficiency, Self::Leased];

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

    /// Parses the ledger's Chinese word (or the API name).
    pub fn from_label(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|st| st.label() == s || serde_json::to_value(st).is_ok_and(|v| v == s))
    }

    /// Whether the status alone makes a card publishable.
    pub fn is_spare(self) -> bool {
        matches!(self, Self::Idle | Self::PendingDisposal | Self::LowEfficiency)
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
    /// 存放地点: a node of the unit's location tree.
    pub location_id: Option<String>,
    /// 使用部门.
    pub using_department: String,
    /// 使用人.
    pub custodian: String,
    /// 出租出借到期日, for leased cards.
    #[serde(default)]
    pub lease_end_on: Option<String>,
    /// The card's photos (content-addressed, stored once).
    pub photos: Vec<Photo>,
    /// The card this one was split from.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The listing the card is in, while one is active (set by the warehouse workflow).
    #[serde(default)]
    pub active_listing_id: Option<String>,
    /// Set when a transfer (无偿调拨) recorded on a listing moved the asset out of the unit:
    /// the receiver's name and the listing.
    #[serde(default)]
    pub transferred_to: Option<String>,
    /// The listing whose result transferred it.
    #[serde(default)]
    pub transferred_listing_id: Option<String>,
    /// 共享使用: the using unit and period, from the listing's result.
    #[serde(default)]
    pub shared_with: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    #[serde(default)]
    pub updated_at: String,
}

/// The facts of a card as a clerk or a ledger import gives them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CardFields {
    /// 资产编号.
    pub asset_code: String,
    /// 资产名称.
    pub name: String,
    /// 资产分类代码.
    pub category: String,
    /// 规格型号.
    #[serde(default)]
    pub spec: String,
    /// 品牌.
    #[serde(default)]
    pub brand: String,
    /// 数量 (≥ 1).
    pub quantity: u32,
    /// 计量单位.
    #[serde(default)]
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
    #[serde(default)]
    pub shared: bool,
    /// 存放地点.
    #[serde(default)]
    pub location_id: Option<String>,
    /// 使用部门.
    #[serde(default)]
    pub using_department: String,
    /// 使用人.
    #[serde(default)]
    pub custodian: String,
    /// 出租出借到期日.
    #[serde(default)]
    pub lease_end_on: Option<String>,
}

/// A field that failed validation: which column, and why (Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The ledger's column name.
    pub column: &'static str,
    /// Why.
    pub message: String,
}

fn field_error(column: &'static str, message: impl Into<String>) -> FieldError {
    FieldError { column, message: message.into() }
}

impl CardFields {
    /// Every problem with the fields, by column (empty when valid). `today` bounds dates.
    pub fn problems(&self, reference: &Reference, today: time::Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let code = self.asset_code.trim();
        if code.is_empty() || code.chars().count() > 40 {
            errors.push(field_error("资产编号", "资产编号不能为空，且不超过 40 个字符"));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            errors.push(field_error("资产名称", "资产名称不能为空，且不超过 60 个字"));
        }
        match reference.category(self.category.trim()) {
            Some(c) if c.level > 0 => {}
            _ => errors.push(field_error(
                "资产分类代码",
                format!("资产分类代码“{}”不在 GB/T 14885-2022 分类表中", self.category.trim()),
            )),
        }
        if self.quantity == 0 {
            errors.push(field_error("数量", "数量应为正整数"));
        }
        match clock::parse_date(&self.acquired_on) {
            None => {
                errors.push(field_error("取得日期", format!("取得日期“{}”无效，应为 YYYY-MM-DD", self.acquired_on)))
            }
            Some(d) if d > today => errors.push(field_error("取得日期", format!("取得日期 {d} 晚于今天"))),
            Some(_) => {}
        }
        if self.original_value_fen < 0 {
            errors.push(field_error("原值", "原值不能为负数"));
        } else if self.original_value_fen > MAX_VALUE_FEN {
            errors.push(field_error("原值", "原值超过 100 亿元，请核对单位（元）"));
        }
        if self.net_value_fen < 0 {
            errors.push(field_error("净值", "净值不能为负数"));
        } else if self.net_value_fen > self.original_value_fen {
            errors.push(field_error(
                "净值",
                format!("净值 {} 大于原值 {}", yuan(self.net_value_fen), yuan(self.original_value_fen)),
            ));
        }
        if let Some(end) = self.lease_end_on.as_deref().filter(|s| !s.is_empty())
            && clock::parse_date(end).is_none()
        {
            errors.push(field_error("出租到期日", format!("出租到期日“{end}”无效")));
        }
        for (column, value, max) in [
            ("规格型号", &self.spec, 80),
            ("品牌", &self.brand, 40),
            ("计量单位", &self.measure_unit, 10),
            ("使用部门", &self.using_department, 40),
            ("使用人", &self.custodian, 40),
        ] {
            if value.chars().count() > max {
                errors.push(field_error(column, format!("{column}不能超过 {max} 个字")));
            }
        }
        errors
    }

    /// The card these fields describe (checked by [`Self::problems`] first).
    pub fn into_card(self, id: String, unit_id: String, now: String) -> AssetCard {
        AssetCard {
            id,
            unit_id,
            asset_code: self.asset_code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            category: self.category.trim().to_owned(),
            spec: self.spec.trim().to_owned(),
            brand: self.brand.trim().to_owned(),
            quantity: self.quantity,
            measure_unit: self.measure_unit.trim().to_owned(),
            acquired_on: clock::parse_date(&self.acquired_on).map(|d| d.to_string()).unwrap_or(self.acquired_on),
            original_value_fen: self.original_value_fen,
            net_value_fen: self.net_value_fen,
            status: self.status,
            shared: self.shared,
            location_id: self.location_id.filter(|l| !l.is_empty()),
            using_department: self.using_department.trim().to_owned(),
            custodian: self.custodian.trim().to_owned(),
            lease_end_on: self.lease_end_on.filter(|s| !s.is_empty()),
            photos: Vec::new(),
            parent_id: None,
            active_listing_id: None,
            transferred_to: None,
            transferred_listing_id: None,
            shared_with: None,
            created_at: now.clone(),
            updated_at: now,
        }
    }
}

/// The largest value a card may hold: 100 亿元.
pub const MAX_VALUE_FEN: i64 = 1_000_000_000_000;

/// Fen as 元 with two decimals and thousands separators, e.g. `12,345.60`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

/// Parses 元 as written in a ledger (`5680`, `5,680.5`, `¥5680.00`) into fen, exactly: no floats.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let cleaned: String =
        text.trim().trim_start_matches(['¥', '￥']).chars().filter(|c| *c != ',' && *c != '，').collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let fen = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -fen } else { fen })
}

/// One changed field, for the card's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    /// Chinese field name, e.g. 使用状态.
    pub field: String,
    /// Shown before.
    pub before: String,
    /// Shown after.
    pub after: String,
}

fn change(field: &str, before: impl Into<String>, after: impl Into<String>) -> FieldChange {
    FieldChange { field: field.to_owned(), before: before.into(), after: after.into() }
}

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

/// 信息卡变动: the fields a clerk may change on a card.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CardChange {
    /// 使用状态.
    pub status: Option<CardStatus>,
    /// 是否共享共用.
    pub shared: Option<bool>,
    /// 存放地点 (a node of the unit's tree; empty string clears it).
    pub location_id: Option<String>,
    /// 使用人.
    pub custodian: Option<String>,
    /// 使用部门.
    pub using_department: Option<String>,
    /// 出租出借到期日.
    pub lease_end_on: Option<String>,
    /// 变动原因 (required).
    #[serde(default)]
    pub note: String,
}

impl AssetCard {
    /// Whether the card may still be changed (信息卡变动, photos, recall, split): not once a
    /// transfer (无偿调拨) has moved it out of the unit's ledger.
    pub fn changeable(&self) -> Result<(), DomainError> {
        match &self.transferred_to {
            Some(to) => Err(DomainError::Conflict {
                message: format!("该资产已通过公物仓无偿调拨调出至{to}，已不在本单位账内，不能再修改"),
                state: Some("transferred".to_owned()),
            }),
            None => Ok(()),
        }
    }
}

/// Refuses a change to a card that is in the warehouse.
fn not_in_listing(card: &AssetCard) -> Result<(), DomainError> {
    match &card.active_listing_id {
        Some(listing) => Err(DomainError::Conflict {
            message: format!(
                "该资产正在公物仓中（入仓单 {listing}），不能修改其发布信息；请先提交退仓申请，经审核同意后再修改（已纳入调剂共享平台的，还须取消调剂共享）"
            ),
            state: Some("in_listing".to_owned()),
        }),
        None => Ok(()),
    }
}

fn note(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("请填写变动原因"));
    }
    if text.chars().count() > 200 {
        return Err(DomainError::invalid("变动原因不能超过 200 个字"));
    }
    Ok(text.to_owned())
}

impl CardChange {
    /// Applies the change to a copy of the card. `location_path` names a location id for the
    /// history (and `None` when the id is not in the unit's tree). Returns the changed card, the
    /// note and the changed fields; refuses a card in an active listing and a status change of a
    /// leased card (that is a lease recall).
    pub fn apply(
        &self,
        card: &AssetCard,
        location_path: impl Fn(&str) -> Option<String>,
    ) -> Result<(AssetCard, String, Vec<FieldChange>), DomainError> {
        let note = note(&self.note)?;
        not_in_listing(card)?;
        let mut next = card.clone();
        let mut changes = Vec::new();
        if let Some(status) = self.status.filter(|s| *s != card.status) {
            if card.status == CardStatus::Leased {
                return Err(DomainError::invalid("出租出借中的资产须通过“出租出借收回”改变使用状态"));
            }
            changes.push(change("使用状态", card.status.label(), status.label()));
            next.status = status;
        }
        if let Some(shared) = self.shared.filter(|s| *s != card.shared) {
            changes.push(change("是否共享共用", yes_no(card.shared), yes_no(shared)));
            next.shared = shared;
        }
        if let Some(location) = &self.location_id {
            let location = Some(location.trim()).filter(|l| !l.is_empty()).map(str::to_owned);
            if location != card.location_id {
                let describe = |id: &Option<String>| {
                    id.as_deref().and_then(&location_path).unwrap_or_else(|| "（未设置）".to_owned())
                };
                if let Some(id) = &location
                    && location_path(id).is_none()
                {
                    return Err(DomainError::invalid("所选存放地点不属于本单位"));
                }
                changes.push(change("存放地点", describe(&card.location_id), describe(&location)));
                next.location_id = location;
            }
        }
        for (field, new, slot, max) in [
            ("使用人", &self.custodian, &mut next.custodian, 40),
            ("使用部门", &self.using_department, &mut next.using_department, 40),
        ] {
            if let Some(value) = new.as_deref().map(str::trim).filter(|v| *v != slot.as_str()) {
                if value.chars().count() > max {
                    return Err(DomainError::invalid(format!("{field}不能超过 {max} 个字")));
                }
                changes.push(change(field, slot.clone(), value));
                *slot = value.to_owned();
            }
        }
        if let Some(end) = &self.lease_end_on {
            let end = Some(end.trim()).filter(|e| !e.is_empty()).map(str::to_owned);
            if let Some(e) = &end
                && clock::parse_date(e).is_none()
            {
                return Err(DomainError::invalid(format!("出租到期日“{e}”无效，应为 YYYY-MM-DD")));
            }
            if end != card.lease_end_on {
                changes.push(change(
                    "出租到期日",
                    card.lease_end_on.clone().unwrap_or_default(),
                    end.clone().unwrap_or_default(),
                ));
                next.lease_end_on = end;
            }
        }
        if next.status != CardStatus::Leased && card.status != CardStatus::Leased {
            next.lease_end_on = None;
        }
        if next.status == CardStatus::Leased && next.lease_end_on.is_none() {
            return Err(DomainError::invalid("改为出租出借时请填写出租到期日，到期未收回的资产会提醒"));
        }
        if changes.is_empty() {
            return Err(DomainError::invalid("没有需要变动的内容"));
        }
        Ok((next, note, changes))
    }
}

/// 出租出借收回.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Recall {
    /// The status after the recall: in_use, idle or pending_disposal.
    pub status: CardStatus,
    /// 收回日期.
    pub date: String,
    /// 备注.
    #[serde(default)]
    pub note: String,
}

impl Recall {
    /// Recalls a leased card; any other card is refused with its state.
    pub fn apply(
        &self,
        card: &AssetCard,
        today: time::Date,
    ) -> Result<(AssetCard, String, Vec<FieldChange>), DomainError> {
        if card.status != CardStatus::Leased {
            return Err(DomainError::Conflict {
                message: format!("该资产当前为“{}”，只有出租出借中的资产才能收回", card.status.label()),
                state: Some(
                    serde_json::to_value(card.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                ),
            });
        }
        if !matches!(self.status, CardStatus::InUse | CardStatus::Idle | CardStatus::PendingDisposal) {
            return Err(DomainError::invalid("收回后的使用状态应为在用、闲置或待处置"));
        }
        let date = clock::parse_date(&self.date)
            .ok_or_else(|| DomainError::invalid(format!("收回日期“{}”无效", self.date)))?;
        if date > today {
            return Err(DomainError::invalid("收回日期不能晚于今天"));
        }
        let mut next = card.clone();
        next.status = self.status;
        next.lease_end_on = None;
        let note = format!(
            "{date} 收回{}",
            if self.note.trim().is_empty() { String::new() } else { format!("：{}", self.note.trim()) }
        );
        Ok((next, note, vec![change("使用状态", CardStatus::Leased.label(), self.status.label())]))
    }
}

/// One part of a split.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SplitPart {
    /// 数量 (≥ 1).
    pub quantity: u32,
    /// 使用状态 of the part.
    pub status: CardStatus,
    /// 是否共享共用 of the part.
    pub shared: bool,
}

/// `POST /cards/{id}/split` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Split {
    /// At least two parts whose quantities sum to the card's.
    pub parts: Vec<SplitPart>,
}

/// Apportions `total` over `weights` by largest remainder: the parts sum exactly to `total`, each
/// part is `floor(total × w / Σw)` plus at most one, ties go to the earlier part. Deterministic.
pub fn apportion(total: i64, weights: &[u32]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let total = i128::from(total);
    let mut shares: Vec<i128> = weights.iter().map(|&w| total * i128::from(w) / sum).collect();
    let mut remainders: Vec<(i128, usize)> =
        weights.iter().enumerate().map(|(i, &w)| (total * i128::from(w) - shares[i] * sum, i)).collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = total - shares.iter().sum::<i128>();
    for (_, i) in remainders.into_iter().take(left as usize) {
        shares[i] += 1;
    }
    shares.into_iter().map(|s| s as i64).collect()
}

impl Split {
    /// The parts of a 拆分 the clerk asks for, if the card may be split now (not in the warehouse:
    /// a partial 无偿调拨 splits its card through [`split_parts`] directly).
    pub fn parts_of(&self, card: &AssetCard) -> Result<&[SplitPart], DomainError> {
        not_in_listing(card)?;
        Ok(&self.parts)
    }
}

/// The parts of a split as cards: the first keeps the card's id and asset code, the others get
/// `新id` from `next_id` and `资产编号-2`, `-3` …; values apportioned exactly. The parts after the
/// first leave any listing (a partial 无偿调拨 splits the card it records).
pub fn split_parts(
    card: &AssetCard,
    parts: &[SplitPart],
    mut next_id: impl FnMut() -> String,
    now: &str,
) -> Result<Vec<AssetCard>, DomainError> {
    if parts.len() < 2 {
        return Err(DomainError::invalid("拆分至少要分成两张卡片"));
    }
    if parts.iter().any(|p| p.quantity == 0) {
        return Err(DomainError::invalid("每张拆分后的卡片数量至少为 1"));
    }
    let total: u64 = parts.iter().map(|p| u64::from(p.quantity)).sum();
    if total != u64::from(card.quantity) {
        return Err(DomainError::invalid(format!("拆分后数量合计 {total} 与原卡片数量 {} 不符", card.quantity)));
    }
    let weights: Vec<u32> = parts.iter().map(|p| p.quantity).collect();
    let originals = apportion(card.original_value_fen, &weights);
    let nets = apportion(card.net_value_fen, &weights);
    Ok(parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let mut piece = card.clone();
            if i > 0 {
                piece.id = next_id();
                piece.asset_code = format!("{}-{}", card.asset_code, i + 1);
                piece.parent_id = Some(card.id.clone());
                piece.active_listing_id = None;
                piece.created_at = now.to_owned();
            }
            piece.quantity = part.quantity;
            piece.status = part.status;
            piece.shared = part.shared;
            piece.original_value_fen = originals[i];
            piece.net_value_fen = nets[i].min(originals[i]);
            if part.status != CardStatus::Leased {
                piece.lease_end_on = None;
            }
            piece.updated_at = now.to_owned();
            piece
        })
        .collect())
}

/// The code prefix a category filter means: `A05010000` (家具) covers every code starting
/// `A0501`; trailing `00` pairs are padding.
pub fn category_prefix(code: &str) -> &str {
    let mut prefix = code.trim();
    while prefix.len() > 3 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    prefix
}

impl AssetCard {
    /// SPEC §4: idle, pending disposal, low efficiency or shared, and not in an active listing.
    pub fn publishable(&self) -> bool {
        (self.shared || self.status.is_spare()) && self.active_listing_id.is_none() && self.transferred_to.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_text_converts_to_fen_exactly() {
        assert_eq!(parse_yuan("5680.00"), Some(568_000));
        assert_eq!(parse_yuan("5,680.5"), Some(568_050));
        assert_eq!(parse_yuan("￥0.07"), Some(7));
        assert_eq!(parse_yuan("-12"), Some(-1200));
        assert_eq!(parse_yuan("五千"), None);
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!(yuan(5), "0.05");
    }

    fn card(status: CardStatus) -> AssetCard {
        let fields = CardFields {
            asset_code: "ZC1".into(),
            name: "办公椅".into(),
            category: "A05010301".into(),
            spec: String::new(),
            brand: String::new(),
            quantity: 10,
            measure_unit: "把".into(),
            acquired_on: "2020-01-01".into(),
            original_value_fen: 680_000,
            net_value_fen: 204_050,
            status,
            shared: false,
            location_id: None,
            using_department: String::new(),
            custodian: String::new(),
            lease_end_on: None,
        };
        fields.into_card("c1".into(), "u1".into(), String::new())
    }

    #[test]
    fn a_card_in_an_active_listing_cannot_change_what_the_listing_shows() {
        let mut listed = card(CardStatus::Idle);
        listed.active_listing_id = Some("L1".into());
        assert!(!listed.publishable());
        let change = CardChange { status: Some(CardStatus::InUse), note: "x".into(), ..CardChange::default() };
        let err = change.apply(&listed, |_| None).unwrap_err();
        assert!(
            matches!(err, DomainError::Conflict { ref state, .. } if state.as_deref() == Some("in_listing")),
            "{err:?}"
        );
        let split = Split { parts: vec![SplitPart { quantity: 5, status: CardStatus::Idle, shared: false }; 2] };
        assert!(matches!(split.parts_of(&listed), Err(DomainError::Conflict { .. })));
    }

    #[test]
    fn padded_category_codes_filter_by_their_prefix() {
        assert_eq!(category_prefix("A05010000"), "A0501");
        assert_eq!(category_prefix("A02010105"), "A02010105");
        assert_eq!(category_prefix("A02000000"), "A02");
        assert_eq!(category_prefix("A020101"), "A020101");
    }

    #[test]
    fn ten_chairs_split_six_and_four_keep_every_fen() {
        assert_eq!(apportion(680_000, &[6, 4]), vec![408_000, 272_000]);
        assert_eq!(apportion(204_050, &[6, 4]), vec![122_430, 81_620]);
        assert_eq!(apportion(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(apportion(0, &[3, 7]), vec![0, 0]);
    }

    proptest::proptest! {
        #[test]
        fn apportioned_parts_sum_to_the_whole_and_are_never_negative(
            total in 0i64..10_000_000_000,
            weights in proptest::collection::vec(1u32..1_000, 1..12),
        ) {
            let parts = apportion(total, &weights);
            proptest::prop_assert_eq!(parts.iter().sum::<i64>(), total);
            proptest::prop_assert!(parts.iter().all(|p| *p >= 0));
            let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
            for (part, w) in parts.iter().zip(&weights) {
                let exact = i128::from(total) * i128::from(*w);
                proptest::prop_assert!(i128::from(*part) * sum >= exact - sum && i128::from(*part) * sum <= exact + sum);
            }
        }
    }
}
