//! 关注 (watch list): a unit follows an asset category or a keyword; listings offered to it that
//! match and were published after its clerk last looked are new on the to-do. A demand does the
//! same for a unit's own need (see `domain::demand`); a watch is lighter — no review, no scope.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::card::{AssetCard, category_prefix};
use super::listing::{Listing, Viewer, visible};
use super::user::Role;

/// The most watches one unit keeps.
pub const MAX_WATCHES: usize = 20;

/// A unit's watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    /// Opaque id.
    pub id: String,
    /// The watching unit.
    pub unit_id: String,
    /// GB/T 14885 category code, matched as a prefix (padded codes like A02010000 mean A020100…).
    pub category: Option<String>,
    /// Words that must appear in the asset's name, spec, brand or description.
    pub keyword: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// Who set it up.
    pub created_by: String,
    /// When the unit last looked at its matches (RFC 3339); listings published later are new.
    pub seen_at: String,
}

/// What a clerk fills in.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct WatchFields {
    /// 资产分类 (code).
    #[serde(default)]
    pub category: Option<String>,
    /// 关键词.
    #[serde(default)]
    pub keyword: Option<String>,
}

impl WatchFields {
    /// Trimmed fields, or why they cannot be kept; `known_category` says whether a code exists.
    pub fn checked(&self, known_category: impl Fn(&str) -> bool) -> Result<Self, DomainError> {
        let category = self.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let keyword = self.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty());
        if category.is_none() && keyword.is_none() {
            return Err(DomainError::invalid("请选择资产分类或填写关键词（至少一项）"));
        }
        if let Some(code) = category
            && !known_category(code)
        {
            return Err(DomainError::invalid(format!("资产分类代码“{code}”不存在，请从分类列表中选择")));
        }
        if let Some(word) = keyword
            && word.chars().count() > 20
        {
            return Err(DomainError::invalid("关键词不超过 20 个字"));
        }
        Ok(Self { category: category.map(str::to_owned), keyword: keyword.map(str::to_owned) })
    }
}

/// Who may keep a unit's watches: its clerk.
pub fn may_manage(role: Role, actor_unit: Option<&str>, watch_unit: &str) -> Result<(), DomainError> {
    if role == Role::Clerk && actor_unit == Some(watch_unit) {
        Ok(())
    } else {
        Err(DomainError::Forbidden("只有本单位经办岗可以设置关注".to_owned()))
    }
}

/// A new watch of `unit_id`, refused when it repeats one of `existing` or the unit has too many.
pub fn create(
    id: String,
    unit_id: &str,
    fields: &WatchFields,
    existing: &[Watch],
    username: &str,
    now: &str,
) -> Result<Watch, DomainError> {
    if existing.len() >= MAX_WATCHES {
        return Err(DomainError::Conflict {
            message: format!("每个单位最多关注 {MAX_WATCHES} 项，请先取消不再需要的关注"),
            state: Some("too_many".to_owned()),
        });
    }
    if existing.iter().any(|w| w.category == fields.category && w.keyword == fields.keyword) {
        return Err(DomainError::Conflict {
            message: "已关注相同的分类和关键词，无需重复设置".to_owned(),
            state: Some("duplicate".to_owned()),
        });
    }
    Ok(Watch {
        id,
        unit_id: unit_id.to_owned(),
        category: fields.category.clone(),
        keyword: fields.keyword.clone(),
        created_at: now.to_owned(),
        created_by: username.to_owned(),
        // What is already on offer counts as new: the unit has not looked at it yet.
        seen_at: String::new(),
    })
}

/// Whether a listing offered to the watching unit (`viewer`) today matches the watch: offered on
/// this node, visible to it, not its own, not 洽谈中, and of the category and with the keyword.
pub fn matches(watch: &Watch, listing: &Listing, card: &AssetCard, viewer: &Viewer, today: &str) -> bool {
    if !listing.offered_here()
        || listing.unit_id == watch.unit_id
        || listing.reserved(today)
        || !visible(listing, viewer)
    {
        return false;
    }
    let category_ok = watch.category.as_deref().is_none_or(|c| card.category.starts_with(category_prefix(c)));
    let keyword_ok = watch.keyword.as_deref().is_none_or(|k| {
        [&card.name, &card.spec, &card.brand, &listing.description].iter().any(|field| field.contains(k))
    });
    category_ok && keyword_ok
}

/// When the listing was offered to this node's units: its publication here, or the widening of
/// its scope (units it newly reaches see it as new); for one received from another node, the
/// later of its first arrival and its publication on the platform.
pub fn offered_at(listing: &Listing) -> Option<&str> {
    match &listing.origin {
        Some(origin) => {
            Some(origin.received_at.as_str().max(listing.national_published_at.as_deref().unwrap_or_default()))
        }
        None => listing.published_at.as_deref().max(listing.offered_since.as_deref()),
    }
}

/// Whether a matching listing is new to the watching unit: offered at or after its last look (times
/// have one-second precision, so one offered in the very second of the look stays new rather than
/// being missed).
pub fn is_new(watch: &Watch, listing: &Listing) -> bool {
    offered_at(listing).is_some_and(|at| at >= watch.seen_at.as_str())
}

#[cfg(test)]
mod tests;
