//! Users: one role each, bound to one unit (clerk, reviewer) or one region (authority, province,
//! national, admin). Passwords are Argon2id hashes; initial passwords must be changed at the first
//! login.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DomainError;
use super::node::NodeKind;
use super::reference::Reference;
use super::region::{RegionCode, RegionLevel};

/// The initial password of every unit account, as the notice prescribes.
pub const INITIAL_PASSWORD: &str = "123qweQWE";

/// The node administrator's username.
pub const ADMIN_USERNAME: &str = "admin";

/// A user's role (SPEC §3). A user has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 单位经办岗
    Clerk,
    /// 单位审核岗
    Reviewer,
    /// 资产管理行政主管部门 (财政局 / 机关事务管理局)
    Authority,
    /// 省财政厅
    Province,
    /// 全国平台运营
    National,
    /// 系统管理员
    Admin,
}

impl Role {
    /// Every role, in the order of SPEC §3.
    pub const ALL: [Role; 6] =
        [Self::Clerk, Self::Reviewer, Self::Authority, Self::Province, Self::National, Self::Admin];

    /// The Chinese post name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Clerk => "单位经办岗",
            Self::Reviewer => "单位审核岗",
            Self::Authority => "资产管理行政主管部门",
            Self::Province => "省财政厅",
            Self::National => "全国平台运营",
            Self::Admin => "系统管理员",
        }
    }

    /// The lower-case API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::Reviewer => "reviewer",
            Self::Authority => "authority",
            Self::Province => "province",
            Self::National => "national",
            Self::Admin => "admin",
        }
    }

    /// Whether the role belongs to a unit (rather than a region).
    pub fn is_unit_role(self) -> bool {
        matches!(self, Self::Clerk | Self::Reviewer)
    }
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Opaque id.
    pub id: String,
    /// Login name, unique.
    pub username: String,
    /// Display name.
    pub name: String,
    /// The one role.
    pub role: Role,
    /// The unit, for clerk and reviewer.
    pub unit_id: Option<String>,
    /// The region the user acts for (a unit user's is the unit's).
    pub region: RegionCode,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Set for initial passwords; cleared by a successful change.
    pub must_change_password: bool,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339 of the last successful login.
    pub last_login_at: Option<String>,
}

/// The fields of a new account, as the admin enters them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    /// Login name: letters, digits, `_`, `.`, `-`.
    pub username: String,
    /// Display name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// Required for clerk and reviewer.
    pub unit_id: Option<String>,
    /// Required for authority and province; national uses 100000.
    pub region: Option<String>,
    /// The initial password; the user must change it at the first login.
    pub password: String,
}

/// A partial update of an account (login name, role and place are fixed).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Display name.
    pub name: Option<String>,
    /// 停用 / 启用.
    pub disabled: Option<bool>,
}

/// A new account whose fields and place (unit or region) have been checked.
#[derive(Debug, Clone)]
pub struct CheckedUser {
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The unit of a clerk or reviewer.
    pub unit_id: Option<String>,
    /// The region the account acts for.
    pub region: RegionCode,
}

impl NewUser {
    /// Checks an account the admin creates: name shapes, the password policy, no second admin,
    /// unit roles bound to an existing unit (`unit` is the one `unit_id` names, if found), region
    /// roles bound to a region that fits the node.
    pub fn validate(
        &self,
        unit: Option<&super::unit::Unit>,
        node_kind: NodeKind,
        node_region: &RegionCode,
        reference: &Reference,
    ) -> Result<CheckedUser, DomainError> {
        let username = validate_username(&self.username)?;
        let name = validate_display_name(&self.name)?;
        validate_password(&self.password)?;
        if self.role == Role::Admin || username.eq_ignore_ascii_case(ADMIN_USERNAME) {
            return Err(DomainError::invalid("系统管理员账户只有 admin 一个，由节点初始化时设置"));
        }
        let (unit_id, region) = if self.role.is_unit_role() {
            if self.unit_id.as_deref().is_none_or(str::is_empty) {
                return Err(DomainError::invalid("单位经办岗和审核岗账户须选择所属单位"));
            }
            let unit = unit.ok_or_else(|| DomainError::invalid("所选单位不存在"))?;
            (Some(unit.id.clone()), unit.region.clone())
        } else {
            (None, account_region(self.role, self.region.as_deref(), node_kind, node_region, reference)?)
        };
        Ok(CheckedUser { username, name, role: self.role, unit_id, region })
    }
}

impl CheckedUser {
    /// The stored account; it must change its password at the first login.
    pub fn into_user(self, id: String, password_hash: String, now: String) -> User {
        User {
            id,
            username: self.username,
            name: self.name,
            role: self.role,
            unit_id: self.unit_id,
            region: self.region,
            password_hash,
            must_change_password: true,
            disabled: false,
            created_at: now,
            last_login_at: None,
        }
    }
}

/// Checks a login name's shape.
pub fn validate_username(username: &str) -> Result<String, DomainError> {
    let username = username.trim();
    let ok_chars = username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(2..=40).contains(&username.len()) || !ok_chars {
        return Err(DomainError::invalid("用户名应为 2 至 40 位字母、数字或“_ . -”"));
    }
    Ok(username.to_owned())
}

/// Checks a display name.
pub fn validate_display_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(DomainError::invalid("姓名不能为空，且不超过 40 个字"));
    }
    Ok(name.to_owned())
}

/// The password policy: at least 8 characters, at most 128, with letters and digits.
pub fn validate_password(password: &str) -> Result<(), DomainError> {
    let long_enough = password.chars().count() >= 8;
    let has_letter = password.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !long_enough || !has_letter || !has_digit {
        return Err(DomainError::invalid("密码至少 8 位，且须同时包含字母和数字"));
    }
    if password.chars().count() > 128 {
        return Err(DomainError::invalid("密码不能超过 128 位"));
    }
    Ok(())
}

/// The policy for a password change: the policy above, different from the old one and from the
/// published initial password.
pub fn validate_new_password(old: &str, new: &str) -> Result<(), DomainError> {
    validate_password(new)?;
    if new == old {
        return Err(DomainError::invalid("新密码不能与原密码相同"));
    }
    if new == INITIAL_PASSWORD {
        return Err(DomainError::invalid("新密码不能使用初始密码"));
    }
    Ok(())
}

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, DomainError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| DomainError::invalid("密码无法处理"))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// Where a new region-bound account may sit on this node: authorities on local nodes (within the
/// node's region), province users on province nodes, national users on the national node.
pub fn account_region(
    role: Role,
    region: Option<&str>,
    node_kind: NodeKind,
    node_region: &RegionCode,
    reference: &Reference,
) -> Result<RegionCode, DomainError> {
    // Authorities (财政局, 机关事务管理局) sit on local nodes, and on a province node for 省本级 units.
    let fits = match role {
        Role::Authority => matches!(node_kind, NodeKind::Local | NodeKind::Province),
        Role::Province => node_kind == NodeKind::Province,
        Role::National => node_kind == NodeKind::National,
        _ => true,
    };
    if !fits {
        let kind = match role {
            Role::Authority => "本地节点或省级节点",
            Role::Province => NodeKind::Province.label(),
            _ => NodeKind::National.label(),
        };
        return Err(DomainError::invalid(format!("{}账户只能在{kind}上设置", role.label())));
    }
    let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(code) => reference.known_region(code)?,
        None => node_region.clone(),
    };
    if !node_region.contains(&region) {
        return Err(DomainError::invalid(format!("账户的财政区划 {region} 不在本节点区划 {node_region} 之内")));
    }
    if role == Role::Province && region.level() != RegionLevel::Province {
        return Err(DomainError::invalid("省财政厅账户的财政区划应为省级区划"));
    }
    Ok(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_letters_digits_and_eight_characters() {
        assert!(validate_password("abc12345").is_ok());
        assert!(validate_password("abcdefgh").is_err());
        assert!(validate_password("12345678").is_err());
        assert!(validate_password("abc1234").is_err());
        assert!(validate_password(INITIAL_PASSWORD).is_ok());
    }

    #[test]
    fn a_new_password_differs_from_the_old_and_the_initial_one() {
        assert!(validate_new_password("abc12345", "abc12345").is_err());
        assert!(validate_new_password("abc12345", INITIAL_PASSWORD).is_err());
        assert!(validate_new_password(INITIAL_PASSWORD, "Xian2025a").is_ok());
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let hash = hash_password("Secret123").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "Secret123"));
        assert!(!verify_password(&hash, "Secret124"));
        assert!(!verify_password("not a hash", "Secret123"));
    }

    #[test]
    fn an_authority_is_set_up_only_on_a_local_node_within_its_region() {
        let r = Reference::from_shipped().unwrap();
        let shenyang = RegionCode::parse("210100").unwrap();
        assert!(account_region(Role::Authority, Some("210102"), NodeKind::Local, &shenyang, &r).is_ok());
        assert!(account_region(Role::Authority, Some("210302"), NodeKind::Local, &shenyang, &r).is_err());
        assert!(account_region(Role::Province, Some("210000"), NodeKind::Local, &shenyang, &r).is_err());
    }
}
