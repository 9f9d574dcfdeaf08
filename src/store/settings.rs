//! The node settings row (support contacts, reminder periods); defaults until the admin saves.

use crate::domain::audit::AuditEntry;
use crate::domain::settings::Settings;

use super::tables::{META, meta_keys};
use super::{Read, Result, Tx};

/// The settings, or the defaults when never saved.
pub fn get(r: &impl Read) -> Result<Settings> {
    Ok(r.get(META, meta_keys::SETTINGS)?.unwrap_or_default())
}

/// Checks and saves the settings; the audit entry names what changed.
pub fn put(tx: &Tx, settings: &Settings) -> Result<(Settings, AuditEntry)> {
    let before = get(tx)?;
    let after = settings.checked()?;
    tx.put(META, meta_keys::SETTINGS, &after)?;
    let mut changed = Vec::new();
    if before.business_contact != after.business_contact {
        changed.push(format!("业务问题联系：{} {}", after.business_contact.name, after.business_contact.phone));
    }
    if before.technical_contact != after.technical_contact {
        changed.push(format!("技术问题联系：{} {}", after.technical_contact.name, after.technical_contact.phone));
    }
    if before.stale_listing_days != after.stale_listing_days {
        changed.push(format!("长期未调剂共享提醒 {} 天", after.stale_listing_days));
    }
    if before.listing_deadline != after.listing_deadline {
        changed.push(format!("入仓截止日期 {}", after.listing_deadline));
    }
    if before.stale_demand_days != after.stale_demand_days {
        changed.push(format!("需求清理提醒 {} 天", after.stale_demand_days));
    }
    if before.backup_keep != after.backup_keep {
        changed.push(match after.backup_keep {
            0 => "停止每日自动备份".to_owned(),
            keep => format!("每日自动备份保留 {keep} 份"),
        });
    }
    let summary = if changed.is_empty() {
        "保存系统设置（无变化）".to_owned()
    } else {
        format!("修改系统设置：{}", changed.join("；"))
    };
    Ok((after, AuditEntry::new("settings_updated", "node:settings", summary, None)))
}
