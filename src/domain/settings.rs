//! Node settings the admin keeps: the support contacts shown on 关于 and on error pages (the
//! notice names one for business questions and one for technical questions), and the periods after
//! which a listing without result or an open demand is flagged on the to-do (SPEC §5, §8).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;

/// Default days a listing may stay published without result before it is flagged (SPEC §5).
pub const DEFAULT_STALE_LISTING_DAYS: u32 = 180;
/// Default days a demand may stay open before its clerk is asked to clear it (及时清理需求信息).
pub const DEFAULT_STALE_DEMAND_DAYS: u32 = 90;

/// Who to call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupportContact {
    /// Office or person, e.g. 沈阳市财政局资产管理处.
    pub name: String,
    /// Telephone, e.g. 024-22821903.
    pub phone: String,
}

/// The node's adjustable settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// 业务问题 contact.
    pub business_contact: SupportContact,
    /// 技术问题 contact.
    pub technical_contact: SupportContact,
    /// A listing published this many days without result is flagged (长期未调剂共享).
    pub stale_listing_days: u32,
    /// A demand open this many days is flagged (及时清理需求信息).
    pub stale_demand_days: u32,
    /// An accepted interest holds its listing this many days without a result (洽谈期限).
    #[serde(default = "default_hold_days")]
    pub hold_days: u32,
    /// 入仓截止日期 (`YYYY-MM-DD`): units still holding idle assets outside the warehouse after it are
    /// listed for reminders (the notice's deadline is 2025-06-30).
    #[serde(default = "default_listing_deadline")]
    pub listing_deadline: String,
    /// 每日自动备份: how many automatic backups are kept (0: none are taken).
    #[serde(default = "default_backup_keep")]
    pub backup_keep: u32,
}

/// Automatic backups kept by default: two weeks of daily ones.
pub const DEFAULT_BACKUP_KEEP: u32 = 14;

fn default_backup_keep() -> u32 {
    DEFAULT_BACKUP_KEEP
}

/// The notice's deadline for entering idle assets in the warehouse.
pub const DEFAULT_LISTING_DEADLINE: &str = "2025-06-30";

fn default_listing_deadline() -> String {
    DEFAULT_LISTING_DEADLINE.to_owned()
}

fn default_hold_days() -> u32 {
    super::interest::DEFAULT_HOLD_DAYS
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            business_contact: SupportContact::default(),
            technical_contact: SupportContact::default(),
            stale_listing_days: DEFAULT_STALE_LISTING_DAYS,
            stale_demand_days: DEFAULT_STALE_DEMAND_DAYS,
            hold_days: super::interest::DEFAULT_HOLD_DAYS,
            listing_deadline: default_listing_deadline(),
            backup_keep: DEFAULT_BACKUP_KEEP,
        }
    }
}

impl SupportContact {
    fn checked(&self, what: &str) -> Result<Self, DomainError> {
        let name = self.name.trim();
        let phone = self.phone.trim();
        if name.chars().count() > 60 {
            return Err(DomainError::invalid(format!("{what}联系单位（人）不能超过 60 个字")));
        }
        if phone.chars().count() > 40 {
            return Err(DomainError::invalid(format!("{what}联系电话不能超过 40 个字符")));
        }
        if !phone.chars().all(|c| c.is_ascii_digit() || " -+()（）转,，、".contains(c)) {
            return Err(DomainError::invalid(format!(
                "{what}联系电话“{phone}”只能包含数字、空格和 - + ( ) 转，例如 024-22821903"
            )));
        }
        if name.is_empty() != phone.is_empty() {
            return Err(DomainError::invalid(format!("{what}联系单位（人）和联系电话请同时填写，或同时留空")));
        }
        Ok(Self { name: name.to_owned(), phone: phone.to_owned() })
    }
}

impl Settings {
    /// The settings with trimmed text, or why they cannot be saved.
    pub fn checked(&self) -> Result<Self, DomainError> {
        let days = |value: u32, what: &str, low: u32| {
            if (low..=3650).contains(&value) {
                Ok(value)
            } else {
                Err(DomainError::invalid(format!("{what}应在 {low} 至 3650 天之间，当前为 {value} 天")))
            }
        };
        Ok(Self {
            business_contact: self.business_contact.checked("业务问题")?,
            technical_contact: self.technical_contact.checked("技术问题")?,
            stale_listing_days: days(self.stale_listing_days, "长期未调剂共享的提醒期限", 30)?,
            stale_demand_days: days(self.stale_demand_days, "需求清理的提醒期限", 7)?,
            hold_days: days(self.hold_days, "调剂意向的洽谈期限", 1)?,
            backup_keep: match self.backup_keep {
                keep @ 0..=365 => keep,
                keep => return Err(DomainError::invalid(format!("自动备份保留份数应在 0 至 365 之间，当前为 {keep}"))),
            },
            listing_deadline: match super::clock::parse_date(&self.listing_deadline) {
                Some(date) => super::clock::format_date(date),
                None => {
                    return Err(DomainError::invalid(format!(
                        "入仓截止日期“{}”无效，应为 YYYY-MM-DD",
                        self.listing_deadline
                    )));
                }
            },
        })
    }
}

/// Whether the daily automatic backup is due at `now`: automatic backups are kept (`keep` > 0) and
/// the newest one (RFC 3339) is a day old or there is none.
pub fn auto_backup_due(keep: u32, newest: Option<&str>, now: &str) -> bool {
    let parse = super::clock::parse_rfc3339;
    keep > 0
        && match (newest.and_then(parse), parse(now)) {
            (Some(newest), Some(now)) => now - newest >= time::Duration::hours(24),
            (None, _) => true,
            (Some(_), None) => false,
        }
}

/// Whether `since` (RFC 3339) lies `days` or more before `now` (RFC 3339).
pub fn older_than(since: &str, now: &str, days: u32) -> bool {
    let (Some(since), Some(now)) = (since.get(..10), now.get(..10)) else { return false };
    match (super::clock::parse_date(since), super::clock::parse_date(now)) {
        (Some(since), Some(now)) => (now - since).whole_days() >= i64::from(days),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_automatic_backup_is_due_a_day_after_the_last_one_unless_turned_off() {
        let now = "2026-11-28T08:00:00Z";
        assert!(auto_backup_due(14, None, now), "none yet");
        assert!(!auto_backup_due(14, Some("2026-11-27T08:00:01Z"), now));
        assert!(auto_backup_due(14, Some("2026-11-27T08:00:00Z"), now));
        assert!(!auto_backup_due(0, None, now), "0 keeps none: turned off");
        let s = Settings { backup_keep: 366, ..Settings::default() };
        assert!(s.checked().unwrap_err().to_string().contains("0 至 365"));
        let old: Settings = serde_json::from_str(
            r#"{"business_contact":{"name":"","phone":""},"technical_contact":{"name":"","phone":""},"stale_listing_days":90,"stale_demand_days":30}"#,
        )
        .unwrap();
        assert_eq!(old.backup_keep, DEFAULT_BACKUP_KEEP, "settings saved before backups existed");
    }

    #[test]
    fn contacts_are_trimmed_and_checked() {
        let mut s = Settings {
            business_contact: SupportContact {
                name: " 辽宁省财政厅资产管理处 ".into(), phone: "024-22821903 ".into()
            },
            ..Settings::default()
        };
        let ok = s.checked().unwrap();
        assert_eq!(ok.business_contact.phone, "024-22821903");
        s.technical_contact = SupportContact { name: "久其软件".into(), phone: "电话".into() };
        assert!(s.checked().unwrap_err().to_string().contains("只能包含数字"));
        s.technical_contact = SupportContact { name: String::new(), phone: "024-82859510".into() };
        assert!(s.checked().unwrap_err().to_string().contains("同时填写"));
    }

    #[test]
    fn periods_have_sensible_bounds() {
        let s = Settings { stale_listing_days: 5, ..Settings::default() };
        assert!(s.checked().unwrap_err().to_string().contains("30 至 3650"));
        let s = Settings { stale_demand_days: 4000, ..Settings::default() };
        assert!(s.checked().is_err());
    }

    #[test]
    fn age_is_counted_in_whole_days() {
        assert!(older_than("2026-05-31T08:00:00Z", "2026-11-27T01:00:00Z", 180));
        assert!(!older_than("2026-06-01T08:00:00Z", "2026-11-27T01:00:00Z", 180));
        assert!(!older_than("garbage", "2026-11-27T01:00:00Z", 1));
    }
}
