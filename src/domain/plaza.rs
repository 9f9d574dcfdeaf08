//! The plazas as an index (issue 9): which plaza a listing is in, and the visibility rule of
//! SPEC §7 restated as terms — a listing carries terms, a viewer asks for terms, and the viewer
//! sees the listing exactly when the two share one ([`visible`](super::listing::visible), tested
//! so). The same terms carry the filters a plaza offers: mode, 使用状态, category prefix, region,
//! and the characters and character pairs of the text for keywords. The store keeps one posting
//! list per term; this module only says what the terms are.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::card::{AssetCard, CardStatus};
use super::listing::{Listing, Mode, NationalState, Scope, Viewer};
use super::region::{RegionCode, RegionLevel};
use super::user::Role;

/// Which plaza.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Plaza {
    /// 公物仓广场: this node's own listings in the warehouse.
    Warehouse,
    /// 调剂广场: transfer listings published to the national platform.
    Transfer,
    /// 共享广场: sharing listings published to the national platform.
    Share,
}

impl Plaza {
    /// Every plaza.
    pub const ALL: [Plaza; 3] = [Plaza::Warehouse, Plaza::Transfer, Plaza::Share];

    /// Whether a listing is in this plaza (before visibility, holds and filters).
    pub fn shows(self, l: &Listing) -> bool {
        let on_platform =
            |mode| l.mode == mode && l.national_state == NationalState::PublishedNational && l.in_warehouse_plaza();
        match self {
            Self::Warehouse => l.in_warehouse_plaza() && l.origin.is_none(),
            Self::Transfer => on_platform(Mode::Transfer),
            Self::Share => on_platform(Mode::Share),
        }
    }

    fn letter(self) -> char {
        match self {
            Self::Warehouse => 'W',
            Self::Transfer => 'T',
            Self::Share => 'S',
        }
    }
}

/// What the index knows of a listing in a plaza: the facts its terms come from, kept so that a
/// later change can take exactly the old terms away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The listing's id.
    pub id: String,
    /// The plazas it is in (at least one).
    pub plazas: Vec<Plaza>,
    /// The offering unit.
    pub unit_id: String,
    /// Its region.
    pub unit_region: RegionCode,
    /// Its 主管部门.
    pub unit_department: String,
    /// 调剂共享范围.
    pub scope: Scope,
    /// 调剂 / 共享.
    pub mode: Mode,
    /// The card's 使用状态.
    pub status: CardStatus,
    /// The card's GB/T 14885 code.
    pub category: String,
    /// Whether it carries a hold (洽谈中 until a day: the query checks the day).
    pub held: bool,
    /// The card's 原值.
    pub value_fen: i64,
    /// The publication day, `YYYY-MM-DD` as written in `published_at`.
    pub published_on: String,
    /// The texts a keyword is looked for in: name, spec, brand, description.
    pub text: [String; 4],
}

/// The entry of a listing and its card, or `None` when it is in no plaza.
pub fn entry(listing: &Listing, card: &AssetCard) -> Option<Entry> {
    let plazas: Vec<Plaza> = Plaza::ALL.into_iter().filter(|p| p.shows(listing)).collect();
    if plazas.is_empty() {
        return None;
    }
    Some(Entry {
        id: listing.id.clone(),
        plazas,
        unit_id: listing.unit_id.clone(),
        unit_region: listing.unit_region.clone(),
        unit_department: listing.unit_department.clone(),
        scope: listing.scope,
        mode: listing.mode,
        status: card.status,
        category: card.category.clone(),
        held: listing.hold.is_some(),
        value_fen: card.original_value_fen,
        published_on: published_on(listing.published_at.as_deref()),
        text: [card.name.clone(), card.spec.clone(), card.brand.clone(), listing.description.clone()],
    })
}

/// The day part of a `published_at` (empty when there is none).
pub fn published_on(published_at: Option<&str>) -> String {
    published_at.and_then(|p| p.get(..10)).unwrap_or_default().to_owned()
}

/// The index's day number of a `YYYY-MM-DD` (days since 2000-01-01, 0 before that or when
/// unreadable, at most `u16::MAX`): newest first is the day, then the order listings entered the
/// plaza that day.
pub fn day_number(day: &str) -> u16 {
    let Some(date) = super::clock::parse_date(day) else { return 0 };
    let start = time::Date::from_calendar_date(2000, time::Month::January, 1).unwrap_or(date);
    u16::try_from((date - start).whole_days().max(0)).unwrap_or(u16::MAX)
}

/// The term of the listings of `plaza` within `region` (the region filter and the reach of
/// authorities, provinces and the national node).
pub fn within(plaza: Plaza, region: &RegionCode) -> String {
    let r = region.as_str();
    let prefix = match region.level() {
        RegionLevel::National => return format!("{}|a", plaza.letter()),
        RegionLevel::Province => &r[..2],
        RegionLevel::City => &r[..4],
        RegionLevel::County => r,
    };
    format!("{}|r{prefix}", plaza.letter())
}

/// The nearest sort's tiers for a viewer in `region`: the listings of units in the very same
/// region, then in the same city, then in the same province (the rest after them).
pub fn nearest_terms(plaza: Plaza, region: &RegionCode) -> [String; 3] {
    let (p, r) = (plaza.letter(), region.as_str());
    [format!("{p}|r{r}"), format!("{p}|r{}", &r[..4]), format!("{p}|r{}", &r[..2])]
}

fn scope_term(plaza: Plaza, scope: Scope, region: &str, department: &str) -> String {
    let p = plaza.letter();
    match scope {
        Scope::National => format!("{p}|sN"),
        Scope::Province => format!("{p}|sP{}", &region[..2]),
        Scope::City => format!("{p}|sC{}", &region[..4]),
        Scope::County => format!("{p}|sK{region}"),
        Scope::Department => format!("{p}|sD{}|{department}", &region[..4]),
    }
}

/// The term of a mode.
pub fn mode_term(mode: Mode) -> String {
    format!("m|{mode:?}")
}

/// The term of a 使用状态.
pub fn status_term(status: CardStatus) -> String {
    format!("st|{status:?}")
}

/// The term of a category prefix (any prefix of a code, as the filter takes it).
pub fn category_term(prefix: &str) -> String {
    format!("c|{prefix}")
}

/// The term of the listings carrying a hold.
pub const HELD: &str = "h";

fn gram(s: &str) -> String {
    format!("g|{s}")
}

/// Every term of an entry.
pub fn terms(e: &Entry) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let r = e.unit_region.as_str();
    for &p in &e.plazas {
        out.insert(format!("{}|a", p.letter()));
        out.insert(format!("{}|u{}", p.letter(), e.unit_id));
        out.insert(format!("{}|r{}", p.letter(), &r[..2]));
        out.insert(format!("{}|r{}", p.letter(), &r[..4]));
        out.insert(format!("{}|r{r}", p.letter()));
        out.insert(scope_term(p, e.scope, r, &e.unit_department));
    }
    out.insert(mode_term(e.mode));
    out.insert(status_term(e.status));
    for end in 1..=e.category.len() {
        if e.category.is_char_boundary(end) {
            out.insert(category_term(&e.category[..end]));
        }
    }
    if e.held {
        out.insert(HELD.to_owned());
    }
    for text in &e.text {
        let chars: Vec<char> = text.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            out.insert(gram(&c.to_string()));
            if let Some(next) = chars.get(i + 1) {
                out.insert(gram(&format!("{c}{next}")));
            }
        }
    }
    out
}

/// The terms whose listings in `plaza` `viewer` sees (any one suffices): the own unit's, the
/// whole region of an authority or a province, and the scope buckets that reach the viewer.
pub fn viewer_terms(viewer: &Viewer, plaza: Plaza) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(unit) = &viewer.unit_id {
        out.push(format!("{}|u{unit}", plaza.letter()));
    }
    match viewer.role {
        Role::Admin => return out,
        Role::Authority | Role::Province | Role::National => out.push(within(plaza, &viewer.region)),
        Role::Clerk | Role::Reviewer => {}
    }
    let v = viewer.region.as_str();
    for scope in [Scope::National, Scope::Province, Scope::City, Scope::County] {
        out.push(scope_term(plaza, scope, v, ""));
    }
    if let Some(department) = &viewer.department {
        out.push(scope_term(plaza, Scope::Department, v, department));
    }
    out
}

/// What the index answers for a keyword: the terms every match carries, and whether carrying
/// them proves the match (one or two characters) or each candidate's text must be checked.
pub fn keyword_terms(q: &str) -> (Vec<String>, bool) {
    let chars: Vec<char> = q.chars().collect();
    match chars.len() {
        0 => (Vec::new(), true),
        1 | 2 => (vec![gram(q)], true),
        _ => {
            let pairs: BTreeSet<String> = chars.windows(2).map(|w| gram(&w.iter().collect::<String>())).collect();
            (pairs.into_iter().collect(), false)
        }
    }
}

/// Terms of which every listing that could meet a need carries at least one
/// ([`match_reasons`](super::demand::match_reasons) needs seven characters of the category code
/// in common, or a two-character piece of the name, or an ASCII word of it, in the text).
pub fn need_terms(category: &str, name: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    if let Some(prefix) = category.get(..7) {
        out.insert(category_term(prefix));
    }
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    for pair in chars.windows(2).filter(|w| !w[0].is_ascii() && !w[1].is_ascii()) {
        out.insert(gram(&pair.iter().collect::<String>()));
    }
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 2) {
        out.insert(gram(&word[..2]));
    }
    out.into_iter().collect()
}

impl Entry {
    /// What it offers, for [`match_reasons`](super::demand::match_reasons).
    pub fn offer(&self) -> super::demand::Offer<'_> {
        super::demand::Offer { category: &self.category, text: self.text.join(" "), region: &self.unit_region }
    }

    /// Whether one of its texts contains `q` (the keyword rule).
    pub fn mentions(&self, q: &str) -> bool {
        self.text.iter().any(|t| t.contains(q))
    }
}

#[cfg(test)]
mod tests;
