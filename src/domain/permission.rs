//! The role table (SPEC §3) as code: every action of the API, who may perform it, and the scope
//! rules that decide which objects a user may see. The HTTP layer asks here for every route; the
//! UI receives [`permissions_of`] only to decide which menus to show.

use super::DomainError;
use super::audit::AuditEvent;
use super::region::RegionCode;
use super::unit::Unit;
use super::user::{Role, User};

/// Every action a logged-in user can ask for. Public routes (login, setup, node, regions) are not
/// actions: they need no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `GET /me`, `POST /logout`
    SessionRead,
    /// `POST /password`
    PasswordChange,
    /// `GET /todo`
    TodoRead,
    /// `GET /categories`
    CategoriesRead,
    /// `GET /units`
    UnitsList,
    /// `GET /units/{id}` (scope: [`can_read_unit`])
    UnitsRead,
    /// `POST /units`
    UnitsCreate,
    /// `PATCH /units/{id}`
    UnitsUpdate,
    /// `GET /users`
    UsersList,
    /// `POST /users`
    UsersCreate,
    /// `PATCH /users/{id}`
    UsersUpdate,
    /// `POST /users/{id}/reset-password`
    UsersResetPassword,
    /// `GET /audit` (scope: [`can_see_audit_event`])
    AuditList,
    /// `GET /audit/verify`
    AuditVerify,
    /// The node page: identity, key fingerprint (the public `GET /node` shows the same facts;
    /// this decides who gets the page in the menu).
    NodeRead,
    /// `GET /photos/{hash}`: any logged-in user. A photo is addressed by the SHA-256 of its bytes,
    /// which only someone who was shown the card or listing can know.
    PhotosRead,
    /// `GET /cards`, `GET /cards/{id}`, the import template (scope: [`can_read_cards_of`]).
    CardsRead,
    /// Create cards, 信息卡变动, recall, split, photos (scope: [`can_change_cards_of`]).
    CardsChange,
    /// `POST /cards/import`.
    CardsImport,
    /// `GET /locations`.
    LocationsRead,
    /// Create, rename, delete locations.
    LocationsChange,
    /// `GET /quality`.
    QualityRead,
    /// A clerk's listing actions: create, edit, submit, exit, cancel, result (scope: own unit).
    ListingsCreate,
    /// `GET /listings`, `GET /listings/{id}` (scope: own unit, region, or plaza visibility).
    ListingsRead,
    /// 入仓审批 / 退仓审批.
    ListingsReview,
    /// 调整调剂共享范围 / 审核同意.
    ListingsAuthorityReview,
    /// 报送至中央.
    ListingsSubmitCentral,
    /// The plazas.
    PlazaRead,
    /// `GET /listings/{id}`: the own unit, the region's authority and province, or a plaza viewer
    /// (scope decided by the handler with `domain::listing::visible`).
    ListingsView,
    /// 需求发布, edit, close (clerk, own unit).
    DemandsCreate,
    /// `GET /demands`, `GET /demands/{id}`, matches.
    DemandsRead,
    /// 调整调剂共享范围 / 报送至中央 / 退回 of demands (reviewer, own unit).
    DemandsReview,
    /// 系统设置: support contacts and reminder periods.
    SettingsManage,
    /// 数据备份: take, list, download and check backups.
    BackupsManage,
    /// 数据交换: peers and bundles.
    PeersManage,
    /// `GET /units/directory`: the node's unit names, for picking a receiving unit.
    UnitsDirectory,
    /// `GET /reports/nodes`: the figures of this node and those reported from below.
    FiguresRead,
    /// 登记、接受、不予采纳、撤回调剂意向 (clerk; the rules decide which unit may do which).
    InterestsManage,
    /// The interests of the caller's unit and the queue of its listings.
    InterestsRead,
    /// 关注: a unit's watches and the listings matching them (clerk, own unit).
    WatchesManage,
    /// 配置预算衔接: budget lines checked against the warehouse (authority; scope: its region).
    BudgetCheck,
    /// 统计报表 and 未按期入仓单位 (scope: own unit, or the region).
    ReportsRead,
    /// 盘点任务 of the caller's unit (clerk and reviewer).
    StocktakesRead,
    /// 新建盘点任务, 盘点, 盘盈, 提交, 作废, 生成入仓申请 (clerk, own unit).
    StocktakesManage,
    /// 审核盘点结果 (reviewer, own unit).
    StocktakesReview,
    /// 盘点情况 of the year (a unit its own; an authority its region's units).
    StocktakesOverview,
}

impl Action {
    /// Every action, for listing permissions.
    pub const ALL: [Action; 46] = [
        Self::SessionRead,
        Self::PasswordChange,
        Self::TodoRead,
        Self::CategoriesRead,
        Self::UnitsList,
        Self::UnitsRead,
        Self::UnitsCreate,
        Self::UnitsUpdate,
        Self::UsersList,
        Self::UsersCreate,
        Self::UsersUpdate,
        Self::UsersResetPassword,
        Self::AuditList,
        Self::AuditVerify,
        Self::NodeRead,
        Self::PhotosRead,
        Self::CardsRead,
        Self::CardsChange,
        Self::CardsImport,
        Self::LocationsRead,
        Self::LocationsChange,
        Self::QualityRead,
        Self::ListingsCreate,
        Self::ListingsRead,
        Self::ListingsReview,
        Self::ListingsAuthorityReview,
        Self::ListingsSubmitCentral,
        Self::PlazaRead,
        Self::ListingsView,
        Self::DemandsCreate,
        Self::DemandsRead,
        Self::DemandsReview,
        Self::SettingsManage,
        Self::BackupsManage,
        Self::PeersManage,
        Self::UnitsDirectory,
        Self::FiguresRead,
        Self::InterestsManage,
        Self::InterestsRead,
        Self::WatchesManage,
        Self::BudgetCheck,
        Self::ReportsRead,
        Self::StocktakesRead,
        Self::StocktakesManage,
        Self::StocktakesReview,
        Self::StocktakesOverview,
    ];

    /// The name the UI receives in `permissions`.
    pub fn name(self) -> &'static str {
        match self {
            Self::SessionRead => "session.read",
            Self::PasswordChange => "password.change",
            Self::TodoRead => "todo.read",
            Self::CategoriesRead => "categories.read",
            Self::UnitsList => "units.list",
            Self::UnitsRead => "units.read",
            Self::UnitsCreate => "units.create",
            Self::UnitsUpdate => "units.update",
            Self::UsersList => "users.list",
            Self::UsersCreate => "users.create",
            Self::UsersUpdate => "users.update",
            Self::UsersResetPassword => "users.reset_password",
            Self::AuditList => "audit.list",
            Self::AuditVerify => "audit.verify",
            Self::NodeRead => "node.read",
            Self::PhotosRead => "photos.read",
            Self::CardsRead => "cards.read",
            Self::CardsChange => "cards.change",
            Self::CardsImport => "cards.import",
            Self::LocationsRead => "locations.read",
            Self::LocationsChange => "locations.change",
            Self::QualityRead => "quality.read",
            Self::ListingsCreate => "listings.create",
            Self::ListingsRead => "listings.read",
            Self::ListingsReview => "listings.review",
            Self::ListingsAuthorityReview => "listings.authority_review",
            Self::ListingsSubmitCentral => "listings.submit_central",
            Self::PlazaRead => "plaza.read",
            Self::ListingsView => "listings.view",
            Self::DemandsCreate => "demands.create",
            Self::DemandsRead => "demands.read",
            Self::DemandsReview => "demands.review",
            Self::SettingsManage => "settings.manage",
            Self::BackupsManage => "backups.manage",
            Self::PeersManage => "peers.manage",
            Self::UnitsDirectory => "units.directory",
            Self::FiguresRead => "figures.read",
            Self::InterestsManage => "interests.manage",
            Self::InterestsRead => "interests.read",
            Self::WatchesManage => "watches.manage",
            Self::BudgetCheck => "budget.check",
            Self::ReportsRead => "reports.read",
            Self::StocktakesRead => "stocktakes.read",
            Self::StocktakesManage => "stocktakes.manage",
            Self::StocktakesReview => "stocktakes.review",
            Self::StocktakesOverview => "stocktakes.overview",
        }
    }

    /// The roles allowed to perform the action. This is the role table.
    pub fn allowed(self, role: Role) -> bool {
        use Role::*;
        match self {
            Self::SessionRead
            | Self::PasswordChange
            | Self::TodoRead
            | Self::CategoriesRead
            | Self::PhotosRead
            | Self::UnitsDirectory => true,
            Self::UnitsList => matches!(role, Admin | Authority | Province | National),
            Self::UnitsRead => true,
            Self::UnitsCreate | Self::UnitsUpdate => role == Admin,
            Self::UsersList | Self::UsersCreate | Self::UsersUpdate | Self::UsersResetPassword => role == Admin,
            Self::AuditList | Self::AuditVerify => matches!(role, Admin | Authority),
            Self::NodeRead | Self::SettingsManage | Self::PeersManage | Self::BackupsManage => role == Admin,
            Self::CardsRead | Self::LocationsRead | Self::QualityRead => matches!(role, Clerk | Reviewer | Authority),
            Self::CardsChange | Self::CardsImport | Self::LocationsChange | Self::ListingsCreate => role == Clerk,
            Self::ListingsRead => matches!(role, Clerk | Reviewer | Authority | Province),
            Self::ReportsRead => matches!(role, Clerk | Reviewer | Authority | Province | National),
            Self::ListingsReview | Self::DemandsReview => role == Reviewer,
            Self::InterestsManage | Self::WatchesManage => role == Clerk,
            Self::InterestsRead => matches!(role, Clerk | Reviewer),
            Self::DemandsCreate => role == Clerk,
            Self::DemandsRead => matches!(role, Clerk | Reviewer | Authority | Province | National),
            Self::ListingsAuthorityReview | Self::BudgetCheck => role == Authority,
            Self::ListingsSubmitCentral => role == Province,
            Self::PlazaRead | Self::ListingsView => matches!(role, Clerk | Reviewer | Authority | Province | National),
            Self::FiguresRead => matches!(role, Admin | Province | National),
            Self::StocktakesRead => matches!(role, Clerk | Reviewer),
            Self::StocktakesManage => role == Clerk,
            Self::StocktakesReview => role == Reviewer,
            Self::StocktakesOverview => matches!(role, Clerk | Reviewer | Authority),
        }
    }

    /// Actions still open to a user who must first change an initial password.
    pub fn allowed_before_password_change(self) -> bool {
        matches!(self, Self::SessionRead | Self::PasswordChange)
    }
}

/// Every route that needs a session, with the action it performs. The session extractor checks
/// this table before the handler runs (and before the body is read); a route missing here is
/// refused, so a new route cannot be reached until it is given its row.
pub const ROUTES: &[(&str, &str, Action)] = &[
    ("POST", "/api/v1/logout", Action::SessionRead),
    ("GET", "/api/v1/me", Action::SessionRead),
    ("POST", "/api/v1/password", Action::PasswordChange),
    ("GET", "/api/v1/todo", Action::TodoRead),
    ("GET", "/api/v1/categories", Action::CategoriesRead),
    ("GET", "/api/v1/photos/{hash}", Action::PhotosRead),
    ("GET", "/api/v1/units", Action::UnitsList),
    ("POST", "/api/v1/units", Action::UnitsCreate),
    ("GET", "/api/v1/units/{id}", Action::UnitsRead),
    ("GET", "/api/v1/units/directory", Action::UnitsDirectory),
    ("PATCH", "/api/v1/units/{id}", Action::UnitsUpdate),
    ("GET", "/api/v1/users", Action::UsersList),
    ("POST", "/api/v1/users", Action::UsersCreate),
    ("PATCH", "/api/v1/users/{id}", Action::UsersUpdate),
    ("POST", "/api/v1/users/{id}/reset-password", Action::UsersResetPassword),
    ("GET", "/api/v1/audit", Action::AuditList),
    ("GET", "/api/v1/audit/verify", Action::AuditVerify),
    ("GET", "/api/v1/cards", Action::CardsRead),
    ("POST", "/api/v1/cards", Action::CardsChange),
    ("GET", "/api/v1/cards/{id}", Action::CardsRead),
    ("POST", "/api/v1/cards/{id}/changes", Action::CardsChange),
    ("POST", "/api/v1/cards/{id}/recall", Action::CardsChange),
    ("POST", "/api/v1/cards/{id}/split", Action::CardsChange),
    ("POST", "/api/v1/cards/{id}/photos", Action::CardsChange),
    ("DELETE", "/api/v1/cards/{id}/photos/{hash}", Action::CardsChange),
    ("POST", "/api/v1/cards/{id}/photos/apply-to-spec", Action::CardsChange),
    ("POST", "/api/v1/cards/import", Action::CardsImport),
    ("GET", "/api/v1/cards/import/template", Action::CardsRead),
    ("GET", "/api/v1/locations", Action::LocationsRead),
    ("POST", "/api/v1/locations", Action::LocationsChange),
    ("PATCH", "/api/v1/locations/{id}", Action::LocationsChange),
    ("DELETE", "/api/v1/locations/{id}", Action::LocationsChange),
    ("GET", "/api/v1/quality", Action::QualityRead),
    ("GET", "/api/v1/listings", Action::ListingsRead),
    ("GET", "/api/v1/mine", Action::ListingsRead),
    ("POST", "/api/v1/listings", Action::ListingsCreate),
    ("GET", "/api/v1/listings/{id}", Action::ListingsView),
    ("PATCH", "/api/v1/listings/{id}", Action::ListingsCreate),
    ("DELETE", "/api/v1/listings/{id}", Action::ListingsCreate),
    ("POST", "/api/v1/listings/{id}/submit", Action::ListingsCreate),
    ("POST", "/api/v1/listings/{id}/review", Action::ListingsReview),
    ("POST", "/api/v1/listings/{id}/exit", Action::ListingsCreate),
    ("POST", "/api/v1/listings/{id}/authority-review", Action::ListingsAuthorityReview),
    ("POST", "/api/v1/listings/{id}/submit-central", Action::ListingsSubmitCentral),
    ("POST", "/api/v1/listings/{id}/cancel", Action::ListingsCreate),
    ("POST", "/api/v1/listings/{id}/result", Action::ListingsCreate),
    ("GET", "/api/v1/listings/{id}/handover", Action::ListingsView),
    ("POST", "/api/v1/listings/{id}/extend", Action::ListingsCreate),
    ("POST", "/api/v1/listings/{id}/widen", Action::ListingsCreate),
    ("POST", "/api/v1/listings/bulk", Action::ListingsCreate),
    ("GET", "/api/v1/plaza/warehouse", Action::PlazaRead),
    ("GET", "/api/v1/plaza/transfer", Action::PlazaRead),
    ("GET", "/api/v1/plaza/share", Action::PlazaRead),
    ("GET", "/api/v1/plaza/demand", Action::PlazaRead),
    ("GET", "/api/v1/plaza/freshness", Action::PlazaRead),
    ("GET", "/api/v1/demands", Action::DemandsRead),
    ("POST", "/api/v1/demands", Action::DemandsCreate),
    ("GET", "/api/v1/demands/{id}", Action::DemandsRead),
    ("PATCH", "/api/v1/demands/{id}", Action::DemandsCreate),
    ("POST", "/api/v1/demands/{id}/submit", Action::DemandsReview),
    ("POST", "/api/v1/demands/{id}/return", Action::DemandsReview),
    ("POST", "/api/v1/demands/{id}/close", Action::DemandsCreate),
    ("GET", "/api/v1/demands/{id}/matches", Action::DemandsRead),
    ("POST", "/api/v1/demands/{id}/matches/seen", Action::DemandsCreate),
    ("GET", "/api/v1/listings/{id}/demands", Action::ListingsView),
    ("GET", "/api/v1/settings", Action::SettingsManage),
    ("GET", "/api/v1/backups", Action::BackupsManage),
    ("POST", "/api/v1/backups", Action::BackupsManage),
    ("GET", "/api/v1/backups/{name}", Action::BackupsManage),
    ("POST", "/api/v1/backups/check", Action::BackupsManage),
    ("PUT", "/api/v1/settings", Action::SettingsManage),
    ("GET", "/api/v1/peers", Action::PeersManage),
    ("POST", "/api/v1/peers", Action::PeersManage),
    ("POST", "/api/v1/peers/{id}/revoke", Action::PeersManage),
    ("POST", "/api/v1/bundles/export", Action::PeersManage),
    ("POST", "/api/v1/bundles/inspect", Action::PeersManage),
    ("POST", "/api/v1/bundles/import", Action::PeersManage),
    ("GET", "/api/v1/bundles", Action::PeersManage),
    ("GET", "/api/v1/reports/nodes", Action::FiguresRead),
    ("POST", "/api/v1/listings/{id}/interests", Action::InterestsManage),
    ("GET", "/api/v1/listings/{id}/interests", Action::InterestsRead),
    ("GET", "/api/v1/interests", Action::InterestsRead),
    ("POST", "/api/v1/interests/{id}/accept", Action::InterestsManage),
    ("POST", "/api/v1/interests/{id}/decline", Action::InterestsManage),
    ("POST", "/api/v1/interests/{id}/withdraw", Action::InterestsManage),
    ("GET", "/api/v1/watches", Action::WatchesManage),
    ("POST", "/api/v1/watches", Action::WatchesManage),
    ("DELETE", "/api/v1/watches/{id}", Action::WatchesManage),
    ("GET", "/api/v1/watches/{id}/listings", Action::WatchesManage),
    ("POST", "/api/v1/watches/{id}/seen", Action::WatchesManage),
    ("GET", "/api/v1/budget-checks", Action::BudgetCheck),
    ("POST", "/api/v1/budget-checks", Action::BudgetCheck),
    ("GET", "/api/v1/budget-checks/{id}", Action::BudgetCheck),
    ("GET", "/api/v1/budget-checks/{id}/matches", Action::BudgetCheck),
    ("POST", "/api/v1/budget-checks/{id}/outcome", Action::BudgetCheck),
    ("GET", "/api/v1/reports/summary", Action::ReportsRead),
    ("GET", "/api/v1/reports/summary.xlsx", Action::ReportsRead),
    ("GET", "/api/v1/reports/late-units", Action::ReportsRead),
    ("GET", "/api/v1/stocktakes", Action::StocktakesRead),
    ("GET", "/api/v1/stocktakes/overview", Action::StocktakesOverview),
    ("GET", "/api/v1/stocktakes/overview.xlsx", Action::StocktakesOverview),
    ("POST", "/api/v1/stocktakes", Action::StocktakesManage),
    ("GET", "/api/v1/stocktakes/{id}", Action::StocktakesRead),
    ("PUT", "/api/v1/stocktakes/{id}/lines/{card_id}", Action::StocktakesManage),
    ("DELETE", "/api/v1/stocktakes/{id}/lines/{card_id}", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/surplus", Action::StocktakesManage),
    ("DELETE", "/api/v1/stocktakes/{id}/surplus/{surplus_id}", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/submit", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/cancel", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/review", Action::StocktakesReview),
    ("POST", "/api/v1/stocktakes/{id}/lines/{card_id}/photos", Action::StocktakesManage),
    ("DELETE", "/api/v1/stocktakes/{id}/lines/{card_id}/photos/{hash}", Action::StocktakesManage),
    ("DELETE", "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos/{hash}", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos", Action::StocktakesManage),
    ("POST", "/api/v1/stocktakes/{id}/entry-requests", Action::StocktakesManage),
];

/// The action of a route (`path` as the router matched it, e.g. `/api/v1/units/{id}`).
pub fn route_action(method: &str, path: &str) -> Option<Action> {
    ROUTES.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, a)| *a)
}

/// Why a user may not act: the message the API returns.
pub fn check(user: &User, action: Action) -> Result<(), Refusal> {
    if user.must_change_password && !action.allowed_before_password_change() {
        return Err(Refusal::MustChangePassword);
    }
    if !action.allowed(user.role) {
        return Err(Refusal::Forbidden(DomainError::Forbidden(format!("{}无权执行此操作", user.role.label()))));
    }
    Ok(())
}

/// A refused permission check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The initial password must be changed first (403 `must_change_password`).
    MustChangePassword,
    /// The role may not perform the action (403 `forbidden`).
    Forbidden(DomainError),
}

/// The names of every action the role may perform.
pub fn permissions_of(role: Role) -> Vec<&'static str> {
    Action::ALL.iter().filter(|a| a.allowed(role)).map(|a| a.name()).collect()
}

/// Whether the user may see a unit: admin and national everything, authority and province their
/// region, unit users their own unit.
pub fn can_read_unit(user: &User, unit: &Unit) -> bool {
    match user.role {
        Role::Admin | Role::National => true,
        Role::Authority | Role::Province => user.region.contains(&unit.region),
        Role::Clerk | Role::Reviewer => user.unit_id.as_deref() == Some(unit.id.as_str()),
    }
}

/// Whether a listing or demand of unit `unit_id` in `region` belongs in the user's 我的信息: its
/// own unit for clerks and reviewers, the region for authorities, province and national.
pub fn in_my_information(user: &User, unit_id: &str, region: &RegionCode) -> bool {
    match user.role {
        Role::Clerk | Role::Reviewer => user.unit_id.as_deref() == Some(unit_id),
        Role::Authority | Role::Province | Role::National => user.region.contains(region),
        Role::Admin => false,
    }
}

/// Whether the user may read a unit's cards, locations and data quality: its own unit's clerk
/// and reviewer, and the authority of a region that contains it.
pub fn can_read_cards_of(user: &User, unit: &Unit) -> bool {
    match user.role {
        Role::Clerk | Role::Reviewer => user.unit_id.as_deref() == Some(unit.id.as_str()),
        Role::Authority => user.region.contains(&unit.region),
        _ => false,
    }
}

/// Whether the user may change a unit's cards and locations: only that unit's clerk.
pub fn can_change_cards_of(user: &User, unit_id: &str) -> bool {
    user.role == Role::Clerk && user.unit_id.as_deref() == Some(unit_id)
}

/// The region whose units a list shows, or `None` for all.
pub fn unit_list_scope(user: &User) -> Option<RegionCode> {
    match user.role {
        Role::Admin | Role::National => None,
        _ => Some(user.region.clone()),
    }
}

/// Whether the user may see an audit event: the admin all, an authority those of its region.
pub fn can_see_audit_event(user: &User, event: &AuditEvent) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Authority => {
            event.region.as_deref().and_then(|r| RegionCode::parse(r).ok()).is_some_and(|r| user.region.contains(&r))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, must_change: bool) -> User {
        User {
            id: "x".into(),
            username: "x".into(),
            name: "x".into(),
            role,
            unit_id: Some("u1".into()),
            region: RegionCode::parse("210102").unwrap(),
            password_hash: String::new(),
            must_change_password: must_change,
            disabled: false,
            created_at: String::new(),
            last_login_at: None,
        }
    }

    #[test]
    fn only_the_admin_manages_units_and_users() {
        for role in Role::ALL {
            let expected = role == Role::Admin;
            assert_eq!(Action::UnitsCreate.allowed(role), expected, "{role:?}");
            assert_eq!(Action::UsersCreate.allowed(role), expected, "{role:?}");
        }
    }

    #[test]
    fn an_initial_password_blocks_everything_but_changing_it() {
        let u = user(Role::Admin, true);
        assert_eq!(check(&u, Action::UnitsList), Err(Refusal::MustChangePassword));
        assert!(check(&u, Action::PasswordChange).is_ok());
        assert!(check(&u, Action::SessionRead).is_ok());
    }

    #[test]
    fn every_route_is_listed_once() {
        let mut routes: Vec<_> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
        routes.sort();
        routes.dedup();
        assert_eq!(routes.len(), ROUTES.len());
        assert_eq!(route_action("GET", "/api/v1/units/{id}"), Some(Action::UnitsRead));
        assert_eq!(route_action("GET", "/api/v1/nowhere"), None);
    }

    #[test]
    fn every_action_has_a_distinct_name() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
