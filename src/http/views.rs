//! The wire shapes of API.md: domain records joined with the names a person reads (region and
//! unit names). Handlers build these; nothing else is sent.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::node::{self, Node, NodeKind};
use crate::domain::reference::Reference;
use crate::domain::unit::{Unit, UnitAccounts, UnitType, unit_accounts};
use crate::domain::user::{Role, User};

/// A user as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Opaque id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The unit of a clerk or reviewer.
    pub unit_id: Option<String>,
    /// That unit's name.
    pub unit_name: Option<String>,
    /// The region the user acts for.
    pub region: String,
    /// Its name, e.g. 和平区.
    pub region_name: String,
    /// From the province down, e.g. 辽宁省 / 沈阳市 / 和平区.
    pub region_path: String,
    /// 停用.
    pub disabled: bool,
    /// Still on an initial password.
    pub must_change_password: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub last_login_at: Option<String>,
}

impl UserView {
    /// Joins the names.
    pub fn new(user: &User, unit: Option<&Unit>, reference: &Reference) -> Self {
        Self {
            id: user.id.clone(),
            username: user.username.clone(),
            name: user.name.clone(),
            role: user.role,
            unit_id: user.unit_id.clone(),
            unit_name: unit.map(|u| u.name.clone()),
            region: user.region.to_string(),
            region_name: reference.region_name(user.region.as_str()),
            region_path: reference.region_path(user.region.as_str()),
            disabled: user.disabled,
            must_change_password: user.must_change_password,
            created_at: user.created_at.clone(),
            last_login_at: user.last_login_at.clone(),
        }
    }
}

/// The answer of `POST /login` and `GET /me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Who is logged in.
    pub user: UserView,
    /// The initial password must be changed before anything else.
    pub must_change_password: bool,
    /// To send back in `X-CSRF-Token`.
    pub csrf_token: String,
    /// The actions the role may perform (for the UI's menus; the server checks anyway).
    pub permissions: Vec<&'static str>,
}

/// A unit with its region name and account names.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    /// Opaque id.
    pub id: String,
    /// 单位预算代码.
    pub budget_code: String,
    /// 单位名称.
    pub name: String,
    /// 财政区划.
    pub region: String,
    /// Its name, e.g. 和平区.
    pub region_name: String,
    /// From the province down, e.g. 辽宁省 / 沈阳市 / 和平区.
    pub region_path: String,
    /// 主管部门.
    pub department: String,
    /// 行政/事业.
    pub unit_type: UnitType,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 实体公物仓.
    pub physical_warehouse: bool,
    /// 停用.
    pub disabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// Reviewer and clerk logins.
    pub accounts: UnitAccounts,
}

impl UnitView {
    /// Joins the names.
    pub fn new(unit: &Unit, reference: &Reference) -> Self {
        Self {
            id: unit.id.clone(),
            budget_code: unit.budget_code.clone(),
            name: unit.name.clone(),
            region: unit.region.to_string(),
            region_name: reference.region_name(unit.region.as_str()),
            region_path: reference.region_path(unit.region.as_str()),
            department: unit.department.clone(),
            unit_type: unit.unit_type,
            contact_name: unit.contact_name.clone(),
            contact_phone: unit.contact_phone.clone(),
            physical_warehouse: unit.physical_warehouse,
            disabled: unit.disabled,
            created_at: unit.created_at.clone(),
            accounts: unit_accounts(&unit.region, &unit.budget_code),
        }
    }
}

/// `POST /units` answers the unit and its new accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUnit {
    /// The unit.
    pub unit: UnitView,
    /// The two new logins (initial password 123qweQWE).
    pub accounts: UnitAccounts,
}

/// `GET /node`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeView {
    /// Node id.
    pub node_id: String,
    /// local, province or national.
    pub kind: NodeKind,
    /// Region code.
    pub region: String,
    /// Region name, e.g. 沈阳市.
    pub region_name: String,
    /// From the province down, e.g. 辽宁省 / 沈阳市.
    pub region_path: String,
    /// Node name.
    pub name: String,
    /// ed25519 public key, hex.
    pub public_key: String,
    /// 8 groups of 4 hex digits, to read over the phone.
    pub fingerprint: String,
    /// This build's version.
    pub version: &'static str,
    /// The HTTPS certificate this server answers with (`serve --tls`); absent over plain HTTP.
    pub https: Option<HttpsView>,
}

/// The certificate of `serve --tls`, to compare with what the browser shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct HttpsView {
    /// SHA-256 of the certificate, `AB:CD:…` (32 pairs), as browsers show it.
    pub fingerprint: String,
    /// The node's own self-signed certificate (browsers warn until it is trusted).
    pub self_signed: bool,
}

impl NodeView {
    /// [`NodeView::new`] with the certificate this server answers with.
    pub fn served(node: &Node, reference: &Reference, tls: Option<&crate::tls::TlsInfo>) -> Self {
        let https = tls.map(|t| HttpsView { fingerprint: t.fingerprint.clone(), self_signed: t.self_signed });
        Self { https, ..Self::new(node, reference) }
    }

    /// Joins the names and computes the fingerprint.
    pub fn new(node: &Node, reference: &Reference) -> Self {
        let key = hex::decode(&node.public_key).unwrap_or_default();
        Self {
            node_id: node.node_id.clone(),
            kind: node.kind,
            region: node.region.to_string(),
            region_name: reference.region_name(node.region.as_str()),
            region_path: reference.region_path(node.region.as_str()),
            name: node.name.clone(),
            public_key: node.public_key.clone(),
            fingerprint: node::fingerprint(&key),
            version: crate::build_info::VERSION,
            https: None,
        }
    }
}
