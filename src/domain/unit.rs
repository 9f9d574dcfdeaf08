//! Units (单位): the administrative and public institutions whose assets the node manages. Each
//! unit has a reviewer (单位审核岗, login `财政区划 + 单位预算代码`) and a clerk (单位经办岗, the same
//! followed by `jb`), as the notice prescribes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::reference::Reference;
use super::region::RegionCode;

/// 行政单位 or 事业单位.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitType {
    /// 行政单位
    Administrative,
    /// 事业单位
    Institution,
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Opaque id.
    pub id: String,
    /// 单位预算代码.
    pub budget_code: String,
    /// 单位名称.
    pub name: String,
    /// 财政区划 of the unit.
    pub region: RegionCode,
    /// 主管部门.
    pub department: String,
    /// 行政/事业.
    pub unit_type: UnitType,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// Whether the unit runs a physical warehouse (实体公物仓).
    pub physical_warehouse: bool,
    /// A disabled unit's accounts cannot log in.
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// The fields of a new unit, as the admin enters them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUnit {
    /// 单位预算代码, digits.
    pub budget_code: String,
    /// 单位名称.
    pub name: String,
    /// 财政区划, within the node's region.
    pub region: String,
    /// 主管部门.
    pub department: String,
    /// administrative or institution.
    pub unit_type: UnitType,
    /// 联系人.
    #[serde(default)]
    pub contact_name: String,
    /// 联系电话.
    #[serde(default)]
    pub contact_phone: String,
    /// 实体公物仓.
    #[serde(default)]
    pub physical_warehouse: bool,
}

/// A partial update; budget code and region are fixed because the login names derive from them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    /// 单位名称.
    pub name: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// administrative or institution.
    pub unit_type: Option<UnitType>,
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联系电话.
    pub contact_phone: Option<String>,
    /// 实体公物仓.
    pub physical_warehouse: Option<bool>,
    /// 停用 / 启用.
    pub disabled: Option<bool>,
}

/// The two accounts every unit has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitAccounts {
    /// 单位审核岗 login.
    pub reviewer: String,
    /// 单位经办岗 login.
    pub clerk: String,
}

/// The logins of a unit's reviewer and clerk.
pub fn unit_accounts(region: &RegionCode, budget_code: &str) -> UnitAccounts {
    let reviewer = format!("{region}{budget_code}");
    UnitAccounts { clerk: format!("{reviewer}jb"), reviewer }
}

fn required(value: &str, label: &str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(format!("{label}不能为空")));
    }
    optional(value, label, max)
}

fn optional(value: &str, label: &str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(DomainError::invalid(format!("{label}不能超过 {max} 个字")));
    }
    Ok(value.to_owned())
}

fn phone(value: &str) -> Result<String, DomainError> {
    let value = optional(value, "联系电话", 30)?;
    if value.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '转')) {
        Ok(value)
    } else {
        Err(DomainError::invalid("联系电话只能包含数字和“-”"))
    }
}

impl NewUnit {
    /// Checks every field; the region must exist and lie within the node's region.
    pub fn validate(
        &self,
        id: String,
        node_region: &RegionCode,
        reference: &Reference,
        now: String,
    ) -> Result<Unit, DomainError> {
        let budget_code = self.budget_code.trim();
        if !(3..=20).contains(&budget_code.len()) || !budget_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid("单位预算代码应为 3 至 20 位数字"));
        }
        let region = reference.known_region(&self.region)?;
        if !node_region.contains(&region) {
            return Err(DomainError::invalid(format!(
                "单位的财政区划 {}（{}）不在本节点区划 {}（{}）之内",
                region,
                reference.region_name(region.as_str()),
                node_region,
                reference.region_name(node_region.as_str())
            )));
        }
        Ok(Unit {
            id,
            budget_code: budget_code.to_owned(),
            name: required(&self.name, "单位名称", 80)?,
            region,
            department: required(&self.department, "主管部门", 80)?,
            unit_type: self.unit_type,
            contact_name: optional(&self.contact_name, "联系人", 30)?,
            contact_phone: phone(&self.contact_phone)?,
            physical_warehouse: self.physical_warehouse,
            disabled: false,
            created_at: now,
        })
    }
}

impl UnitPatch {
    /// Applies the patch to a copy of `unit`, validating each changed field.
    pub fn apply(&self, unit: &Unit) -> Result<Unit, DomainError> {
        let mut next = unit.clone();
        if let Some(name) = &self.name {
            next.name = required(name, "单位名称", 80)?;
        }
        if let Some(department) = &self.department {
            next.department = required(department, "主管部门", 80)?;
        }
        if let Some(unit_type) = self.unit_type {
            next.unit_type = unit_type;
        }
        if let Some(contact_name) = &self.contact_name {
            next.contact_name = optional(contact_name, "联系人", 30)?;
        }
        if let Some(contact_phone) = &self.contact_phone {
            next.contact_phone = phone(contact_phone)?;
        }
        if let Some(flag) = self.physical_warehouse {
            next.physical_warehouse = flag;
        }
        if let Some(disabled) = self.disabled {
            next.disabled = disabled;
        }
        if next == *unit {
            return Err(DomainError::invalid("没有需要修改的内容"));
        }
        Ok(next)
    }

    /// A short Chinese description of what changes, for the audit trail.
    pub fn describe(&self, before: &Unit, after: &Unit) -> String {
        let mut parts = Vec::new();
        if before.name != after.name {
            parts.push(format!("名称 {} → {}", before.name, after.name));
        }
        if before.department != after.department {
            parts.push(format!("主管部门 {} → {}", before.department, after.department));
        }
        if before.unit_type != after.unit_type {
            parts.push("单位类型".to_owned());
        }
        if before.contact_name != after.contact_name || before.contact_phone != after.contact_phone {
            parts.push("联系人".to_owned());
        }
        if before.physical_warehouse != after.physical_warehouse {
            parts.push(format!("实体公物仓 {}", if after.physical_warehouse { "是" } else { "否" }));
        }
        if before.disabled != after.disabled {
            parts.push(if after.disabled { "停用" } else { "启用" }.to_owned());
        }
        if parts.is_empty() { "无变化".to_owned() } else { parts.join("；") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_unit(region: &str, budget_code: &str) -> NewUnit {
        NewUnit {
            budget_code: budget_code.into(),
            name: "沈阳市第三中学".into(),
            region: region.into(),
            department: "和平区教育局".into(),
            unit_type: UnitType::Institution,
            contact_name: "王丽".into(),
            contact_phone: "024-22861234".into(),
            physical_warehouse: false,
        }
    }

    #[test]
    fn accounts_follow_the_notice() {
        let accounts = unit_accounts(&RegionCode::parse("210102").unwrap(), "001001");
        assert_eq!(accounts.reviewer, "210102001001");
        assert_eq!(accounts.clerk, "210102001001jb");
    }

    #[test]
    fn a_unit_must_lie_within_the_node_region() {
        let r = Reference::from_shipped().unwrap();
        let shenyang = RegionCode::parse("210100").unwrap();
        assert!(new_unit("210102", "001001").validate("u1".into(), &shenyang, &r, String::new()).is_ok());
        let err = new_unit("210302", "001001").validate("u1".into(), &shenyang, &r, String::new()).unwrap_err();
        assert!(err.to_string().contains("不在本节点区划"), "{err}");
    }

    #[test]
    fn budget_codes_are_digits() {
        let r = Reference::from_shipped().unwrap();
        let shenyang = RegionCode::parse("210100").unwrap();
        assert!(new_unit("210102", "00a001").validate("u1".into(), &shenyang, &r, String::new()).is_err());
        assert!(new_unit("210102", "01").validate("u1".into(), &shenyang, &r, String::new()).is_err());
    }
}
