//! Every route × every role, table-driven: the expected answers are written here from SPEC §3,
//! independently of `domain::permission`, and the table must cover exactly the routes of the
//! OpenAPI document (so a new route without a row fails this test).

use std::collections::BTreeSet;

use gongwucang::domain::node::NodeKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// Has not changed the initial password yet.
    MustChange,
    Clerk,
    Reviewer,
    /// The clerk of another unit.
    OtherClerk,
    /// Authority for 沈阳市 (contains the target unit).
    Authority,
    /// Authority for 沈河区 (does not contain the target unit, 和平区).
    OtherAuthority,
    Province,
    National,
    Admin,
}
use Who::*;

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// No session needed.
    Public,
    /// Any logged-in user, even before the initial password is changed.
    AnyUserEvenFirstLogin,
    /// Any logged-in user who has changed the initial password.
    AnyUser,
    /// Only these.
    Only(&'static [Who]),
}

struct Route {
    method: Method,
    template: &'static str,
    rule: Rule,
}

const fn route(method: Method, template: &'static str, rule: Rule) -> Route {
    Route { method, template, rule }
}

fn table() -> Vec<Route> {
    use Rule::*;
    vec![
        route(Method::GET, "/api/v1/setup", Public),
        route(Method::POST, "/api/v1/setup", Public),
        route(Method::GET, "/api/v1/node", Public),
        route(Method::GET, "/api/v1/regions", Public),
        route(Method::GET, "/api/v1/about", Public),
        route(Method::GET, "/api/v1/backups", Only(&[Admin])),
        route(Method::POST, "/api/v1/backups", Only(&[Admin])),
        route(Method::GET, "/api/v1/backups/{name}", Only(&[Admin])),
        route(Method::POST, "/api/v1/backups/check", Only(&[Admin])),
        route(Method::GET, "/api/v1/settings", Only(&[Admin])),
        route(Method::PUT, "/api/v1/settings", Only(&[Admin])),
        route(Method::GET, "/api/v1/peers", Only(&[Admin])),
        route(Method::POST, "/api/v1/peers", Only(&[Admin])),
        route(Method::POST, "/api/v1/peers/{id}/revoke", Only(&[Admin])),
        route(Method::POST, "/api/v1/bundles/export", Only(&[Admin])),
        route(Method::POST, "/api/v1/bundles/inspect", Only(&[Admin])),
        route(Method::POST, "/api/v1/bundles/import", Only(&[Admin])),
        route(Method::GET, "/api/v1/bundles", Only(&[Admin])),
        route(Method::GET, "/api/v1/reports/nodes", Only(&[Admin, Province, National])),
        route(Method::POST, "/api/v1/logout", AnyUserEvenFirstLogin),
        route(Method::GET, "/api/v1/me", AnyUserEvenFirstLogin),
        route(Method::POST, "/api/v1/password", AnyUserEvenFirstLogin),
        route(Method::GET, "/api/v1/todo", AnyUser),
        route(Method::GET, "/api/v1/categories", AnyUser),
        route(Method::GET, "/api/v1/units", Only(&[Admin, Authority, OtherAuthority, Province, National])),
        route(Method::POST, "/api/v1/units", Only(&[Admin])),
        route(Method::GET, "/api/v1/units/directory", AnyUser),
        route(Method::GET, "/api/v1/units/{id}", Only(&[Admin, Authority, Province, National, Clerk, Reviewer])),
        route(Method::PATCH, "/api/v1/units/{id}", Only(&[Admin])),
        route(Method::GET, "/api/v1/users", Only(&[Admin])),
        route(Method::POST, "/api/v1/users", Only(&[Admin])),
        route(Method::PATCH, "/api/v1/users/{id}", Only(&[Admin])),
        route(Method::POST, "/api/v1/users/{id}/reset-password", Only(&[Admin])),
        route(Method::GET, "/api/v1/audit", Only(&[Admin, Authority, OtherAuthority])),
        route(Method::GET, "/api/v1/audit/verify", Only(&[Admin, Authority, OtherAuthority])),
        route(Method::GET, "/api/v1/photos/{hash}", AnyUser),
        route(Method::GET, "/api/v1/cards", Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority])),
        route(Method::POST, "/api/v1/cards", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/cards/{id}", Only(&[Clerk, Reviewer, Authority])),
        route(Method::POST, "/api/v1/cards/{id}/changes", Only(&[Clerk])),
        route(Method::POST, "/api/v1/cards/{id}/recall", Only(&[Clerk])),
        route(Method::POST, "/api/v1/cards/{id}/split", Only(&[Clerk])),
        route(Method::POST, "/api/v1/cards/{id}/photos", Only(&[Clerk])),
        route(Method::DELETE, "/api/v1/cards/{id}/photos/{hash}", Only(&[Clerk])),
        route(Method::POST, "/api/v1/cards/{id}/photos/apply-to-spec", Only(&[Clerk])),
        route(Method::POST, "/api/v1/cards/import", Only(&[Clerk, OtherClerk])),
        route(
            Method::GET,
            "/api/v1/cards/import/template",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority]),
        ),
        route(Method::GET, "/api/v1/locations", Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority])),
        route(Method::POST, "/api/v1/locations", Only(&[Clerk, OtherClerk])),
        route(Method::PATCH, "/api/v1/locations/{id}", Only(&[Clerk])),
        route(Method::DELETE, "/api/v1/locations/{id}", Only(&[Clerk])),
        route(Method::GET, "/api/v1/quality", Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority])),
        route(
            Method::GET,
            "/api/v1/listings",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province]),
        ),
        route(Method::POST, "/api/v1/listings", Only(&[Clerk])),
        route(Method::GET, "/api/v1/mine", Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province])),
        route(Method::GET, "/api/v1/listings/{id}", Only(&[Clerk, Reviewer, Authority, Province])),
        route(Method::GET, "/api/v1/listings/{id}/demands", Only(&[Clerk, Reviewer, Authority, Province])),
        route(Method::PATCH, "/api/v1/listings/{id}", Only(&[Clerk])),
        route(Method::DELETE, "/api/v1/listings/{id}", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/submit", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/review", Only(&[Reviewer])),
        route(Method::POST, "/api/v1/listings/{id}/exit", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/authority-review", Only(&[Authority])),
        route(Method::POST, "/api/v1/listings/{id}/submit-central", Only(&[Province])),
        route(Method::POST, "/api/v1/listings/{id}/cancel", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/result", Only(&[Clerk])),
        route(Method::GET, "/api/v1/listings/{id}/handover", Only(&[Clerk, Reviewer, Authority, Province])),
        route(Method::POST, "/api/v1/listings/{id}/extend", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/widen", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/bulk", Only(&[Clerk])),
        route(Method::POST, "/api/v1/listings/{id}/interests", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/listings/{id}/interests", Only(&[Clerk, Reviewer, OtherClerk])),
        route(Method::GET, "/api/v1/interests", Only(&[Clerk, Reviewer, OtherClerk])),
        route(Method::POST, "/api/v1/interests/{id}/accept", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/interests/{id}/decline", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/interests/{id}/withdraw", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/watches", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/watches", Only(&[Clerk, OtherClerk])),
        route(Method::DELETE, "/api/v1/watches/{id}", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/watches/{id}/listings", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/watches/{id}/seen", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/budget-checks", Only(&[Authority, OtherAuthority])),
        route(Method::POST, "/api/v1/budget-checks", Only(&[Authority])),
        route(Method::GET, "/api/v1/budget-checks/{id}", Only(&[Authority, OtherAuthority])),
        route(Method::GET, "/api/v1/budget-checks/{id}/matches", Only(&[Authority, OtherAuthority])),
        route(Method::POST, "/api/v1/budget-checks/{id}/outcome", Only(&[Authority, OtherAuthority])),
        route(
            Method::GET,
            "/api/v1/reports/summary",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/reports/summary.xlsx",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/reports/late-units",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(Method::GET, "/api/v1/stocktakes", Only(&[Clerk, Reviewer, OtherClerk])),
        route(
            Method::GET,
            "/api/v1/stocktakes/overview",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority]),
        ),
        route(
            Method::GET,
            "/api/v1/stocktakes/overview.xlsx",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority]),
        ),
        route(Method::POST, "/api/v1/stocktakes", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/stocktakes/{id}", Only(&[Clerk, Reviewer, OtherClerk])),
        route(Method::PUT, "/api/v1/stocktakes/{id}/lines/{card_id}", Only(&[Clerk, OtherClerk])),
        route(Method::DELETE, "/api/v1/stocktakes/{id}/lines/{card_id}", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/surplus", Only(&[Clerk, OtherClerk])),
        route(Method::DELETE, "/api/v1/stocktakes/{id}/surplus/{surplus_id}", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/submit", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/cancel", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/review", Only(&[Reviewer])),
        route(Method::POST, "/api/v1/stocktakes/{id}/lines/{card_id}/photos", Only(&[Clerk, OtherClerk])),
        route(Method::DELETE, "/api/v1/stocktakes/{id}/lines/{card_id}/photos/{hash}", Only(&[Clerk, OtherClerk])),
        route(Method::DELETE, "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos/{hash}", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/surplus/{surplus_id}/photos", Only(&[Clerk, OtherClerk])),
        route(Method::POST, "/api/v1/stocktakes/{id}/entry-requests", Only(&[Clerk, OtherClerk])),
        route(
            Method::GET,
            "/api/v1/plaza/warehouse",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/plaza/transfer",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/plaza/share",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/plaza/demand",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/plaza/freshness",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(
            Method::GET,
            "/api/v1/demands",
            Only(&[Clerk, Reviewer, OtherClerk, Authority, OtherAuthority, Province, National]),
        ),
        route(Method::POST, "/api/v1/demands", Only(&[Clerk, OtherClerk])),
        route(Method::GET, "/api/v1/demands/{id}", Only(&[Clerk, Reviewer, Authority, Province, National])),
        route(Method::PATCH, "/api/v1/demands/{id}", Only(&[Clerk])),
        route(Method::POST, "/api/v1/demands/{id}/submit", Only(&[Reviewer])),
        route(Method::POST, "/api/v1/demands/{id}/return", Only(&[Reviewer])),
        route(Method::GET, "/api/v1/demands/{id}/matches", Only(&[Clerk, Reviewer, Authority, Province, National])),
        route(Method::POST, "/api/v1/demands/{id}/matches/seen", Only(&[Clerk])),
        route(Method::POST, "/api/v1/demands/{id}/close", Only(&[Clerk])),
        // Last: its wrong password counts towards the client address's failed logins.
        route(Method::POST, "/api/v1/login", Public),
    ]
}

#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    Forbidden,
    Unauthenticated,
    MustChange,
}

fn expect(rule: Rule, who: Who) -> Expect {
    match (rule, who) {
        (Rule::Public, _) => Expect::Allowed,
        (_, Anonymous) => Expect::Unauthenticated,
        (Rule::AnyUserEvenFirstLogin, _) => Expect::Allowed,
        (_, MustChange) => Expect::MustChange,
        (Rule::AnyUser, _) => Expect::Allowed,
        (Rule::Only(whos), who) if whos.contains(&who) => Expect::Allowed,
        (Rule::Only(_), _) => Expect::Forbidden,
    }
}

/// A node with its users logged in and the objects the routes act on.
struct World {
    app: TestApp,
    sessions: Vec<(Who, Session, Option<String>)>,
    unit_id: String,
    spare_user_id: String,
    card_id: String,
    location_id: String,
    listing_id: String,
    demand_id: String,
}

impl World {
    async fn new(kind: NodeKind, region: &str, roles: &[Who]) -> Self {
        let app = spawn_node(kind, region).await;
        let admin = app.admin().await;
        let unit_id =
            app.create_unit(&admin, "210102", "001001", "和平区财政局").await["id"].as_str().unwrap().to_owned();
        app.create_unit(&admin, "210103", "002001", "沈河区教育局").await;
        let spare = admin
            .create_user(&json!({"username": "spare", "name": "备用", "role": "clerk", "unit_id": unit_id, "password": "Start2025x"}))
            .await
            .1;
        let clerk = app.login("210102001001jb", INITIAL).await;
        clerk.change_password(INITIAL, CHANGED).await;
        let (status, card) = clerk
            .post("/api/v1/cards", &card_body("ZC001", "办公椅", "A05010301", 10, 100_000, 50_000, "leased"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{card}");
        let (status, location) = clerk.post("/api/v1/locations", &json!({"name": "机关大院"})).await;
        assert_eq!(status, StatusCode::CREATED, "{location}");
        let (_, idle) = clerk
            .post("/api/v1/cards", &card_body("ZC002", "台式计算机", "A02010105", 1, 100_000, 50_000, "idle"))
            .await;
        let (status, listing) = clerk.post("/api/v1/listings", &listing_body(idle["id"].as_str().unwrap(), true)).await;
        assert_eq!(status, StatusCode::CREATED, "{listing}");
        let (status, demand) = clerk.post("/api/v1/demands", &demand_body(true)).await;
        assert_eq!(status, StatusCode::CREATED, "{demand}");
        let mut sessions = Vec::new();
        for &who in roles {
            let (username, password) = match who {
                Anonymous => {
                    sessions.push((who, app.anonymous(), None));
                    continue;
                }
                Admin => ("admin".to_owned(), ADMIN_PASSWORD.to_owned()),
                MustChange => ("210103002001".to_owned(), INITIAL.to_owned()),
                Clerk => ("210102001001jb".to_owned(), CHANGED.to_owned()),
                Reviewer => ("210102001001".to_owned(), INITIAL.to_owned()),
                OtherClerk => ("210103002001jb".to_owned(), INITIAL.to_owned()),
                Authority | OtherAuthority | Province | National => {
                    let (role, region, name) = match who {
                        Authority => ("authority", kind_region(region), "shenyang-czj"),
                        OtherAuthority => ("authority", "210103", "shenhe-czj"),
                        Province => ("province", "210000", "liaoning-czt"),
                        _ => ("national", "100000", "national-op"),
                    };
                    let body = json!({"username": name, "name": name, "role": role, "region": region, "password": "Start2025x"});
                    let (status, answer) = admin.create_user(&body).await;
                    assert_eq!(status, StatusCode::CREATED, "{answer}");
                    (name.to_owned(), "Start2025x".to_owned())
                }
            };
            let session = if who == MustChange || who == Clerk {
                app.login(&username, &password).await
            } else {
                let session = app.login(&username, &password).await;
                let (status, body) = session.change_password(&password, CHANGED).await;
                assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
                session
            };
            sessions.push((who, session, Some(username)));
        }
        Self {
            app,
            sessions,
            unit_id,
            spare_user_id: spare["id"].as_str().unwrap().to_owned(),
            card_id: card["id"].as_str().unwrap().to_owned(),
            location_id: location["id"].as_str().unwrap().to_owned(),
            listing_id: listing["id"].as_str().unwrap().to_owned(),
            demand_id: demand["id"].as_str().unwrap().to_owned(),
        }
    }

    fn path(&self, template: &str) -> String {
        template
            .replace("/units/{id}", &format!("/units/{}", self.unit_id))
            .replace("/users/{id}", &format!("/users/{}", self.spare_user_id))
            .replace("/cards/{id}", &format!("/cards/{}", self.card_id))
            .replace("/locations/{id}", &format!("/locations/{}", self.location_id))
            .replace("/listings/{id}", &format!("/listings/{}", self.listing_id))
            .replace("/demands/{id}", &format!("/demands/{}", self.demand_id))
            .replace("/watches/{id}", "/watches/W404")
            .replace("/budget-checks/{id}", "/budget-checks/B404")
            .replace("/stocktakes/{id}", "/stocktakes/ST404")
            .replace("{card_id}", &self.card_id)
            .replace("{surplus_id}", "P1")
            .replace("{hash}", &"0".repeat(64))
    }
}

fn in_days(days: u32) -> String {
    gongwucang::domain::clock::add_days(&gongwucang::domain::clock::today(), days).unwrap()
}

fn listing_body(card_id: &str, national: bool) -> Value {
    json!({
        "card_id": card_id, "mode": "transfer", "national": national, "scope": if national { "national" } else { "city" },
        "source": "routine", "contact_name": "王丽", "contact_phone": "024-1", "submit": true
    })
}

fn demand_body(submit: bool) -> Value {
    json!({
        "category": "A02021003", "name": "A4黑白打印机", "quantity": 2, "indicators": [{"key": "速度", "value": "≥ 30 页/分"}],
        "budget_per_unit_fen": 150_000, "expected_on": "2027-03-01", "contact_name": "王丽", "contact_phone": "024-1",
        "scope": "county", "submit": submit
    })
}

fn kind_region(region: &str) -> &str {
    if region == "210100" { "210100" } else { region }
}

fn body_for(method: &Method, template: &str, n: usize) -> Option<Value> {
    if *method == Method::GET {
        return None;
    }
    Some(match template {
        "/api/v1/setup" => json!({"kind": "local", "region": "210100", "name": "x", "admin_password": "Admin12345"}),
        "/api/v1/login" => json!({"username": "nobody", "password": "nothing1"}),
        "/api/v1/password" => json!({"old_password": "wrong-old-1", "new_password": "Another2025"}),
        "/api/v1/units" => unit_body("210102", &format!("9{n:05}"), "新单位"),
        "/api/v1/units/{id}" => json!({"contact_name": "张三"}),
        "/api/v1/users" => json!({"username": "weak", "name": "x", "role": "authority", "password": "1"}),
        "/api/v1/users/{id}" => json!({"name": "备用账户"}),
        "/api/v1/cards" => card_body(&format!("R{n}"), "办公桌", "A05010201", 1, 100, 50, "idle"),
        "/api/v1/cards/{id}/changes" => json!({"custodian": "李四", "note": "核对"}),
        "/api/v1/cards/{id}/recall" => json!({"status": "idle", "date": "2026-01-01", "note": "x"}),
        "/api/v1/cards/{id}/split" => {
            json!({"parts": [{"quantity": 1, "status": "idle", "shared": false}, {"quantity": 1, "status": "idle", "shared": false}]})
        }
        "/api/v1/locations" => json!({"name": format!("院落{n}")}),
        "/api/v1/locations/{id}" => json!({"name": "机关大院"}),
        "/api/v1/listings" => listing_body("c1", false),
        "/api/v1/listings/{id}" => {
            json!({"mode": "transfer", "national": false, "scope": "city", "source": "routine", "contact_name": "x", "contact_phone": "1"})
        }
        "/api/v1/listings/{id}/review"
        | "/api/v1/listings/{id}/authority-review"
        | "/api/v1/listings/{id}/submit-central" => json!({"decision": "approve"}),
        "/api/v1/listings/{id}/exit" => json!({"reason": "自用"}),
        "/api/v1/demands" | "/api/v1/demands/{id}" => demand_body(false),
        "/api/v1/demands/{id}/submit" => json!({}),
        "/api/v1/settings" => json!({
            "business_contact": {"name": "沈阳市财政局资产管理处", "phone": "024-22751001"},
            "technical_contact": {"name": "", "phone": ""},
            "stale_listing_days": 180, "stale_demand_days": 90
        }),
        "/api/v1/demands/{id}/return" => json!({"reason": "指标不清"}),
        "/api/v1/demands/{id}/close" => json!({"reason": "purchased"}),
        "/api/v1/listings/{id}/interests" => {
            json!({"quantity": 1, "purpose": "办公使用", "contact_name": "李明", "contact_phone": "024-2"})
        }
        "/api/v1/interests/{id}/decline" => json!({"reason": "已调剂给其他单位"}),
        "/api/v1/listings/{id}/extend" => json!({"until": in_days(30)}),
        "/api/v1/watches" => json!({"keyword": format!("电脑{n}")}),
        // The unit id is the world's (see `check_world`).
        "/api/v1/budget-checks" => {
            json!({"unit_id": "", "year": 2027, "budget_item": "办公设备购置", "category": "A02010105",
            "name": "台式计算机", "spec": "", "quantity": 2, "unit_price_fen": 600_000})
        }
        "/api/v1/budget-checks/{id}/outcome" => {
            json!({"met_quantity": 0, "purchase_quantity": 2, "reason": "无可调剂资产"})
        }
        "/api/v1/listings/{id}/widen" => json!({"scope": "national"}),
        // The ids are the world's listing (see `check_world`).
        "/api/v1/listings/bulk" => json!({"ids": [], "action": "extend", "until": in_days(30)}),
        "/api/v1/listings/{id}/result" => {
            json!({"method": "other", "receiver_name": "x", "date": "2026-01-01", "quantity": 1, "note": ""})
        }
        _ => json!({}),
    })
}

async fn check_world(world: &World) -> Vec<String> {
    let mut failures = Vec::new();
    for (n, route) in table().iter().enumerate() {
        for (who, session, username) in &world.sessions {
            let session = if route.template == "/api/v1/logout" && *who != Anonymous {
                // Logging out ends the session: use a fresh one.
                let password = if *who == MustChange { INITIAL } else { CHANGED };
                &world.app.login(username.as_deref().unwrap(), password).await
            } else {
                session
            };
            let mut body = body_for(&route.method, route.template, n);
            if route.template == "/api/v1/listings/bulk" {
                body.as_mut().unwrap()["ids"] = json!([world.listing_id]);
            }
            if route.template == "/api/v1/budget-checks" && route.method == Method::POST {
                body.as_mut().unwrap()["unit_id"] = json!(world.unit_id);
            }
            let (status, answer) =
                session.request(route.method.clone(), &world.path(route.template), body.as_ref()).await;
            let got = match (status, code(&answer)) {
                (StatusCode::UNAUTHORIZED, _) if route.template != "/api/v1/login" => Expect::Unauthenticated,
                (StatusCode::FORBIDDEN, "must_change_password") => Expect::MustChange,
                (StatusCode::FORBIDDEN, _) => Expect::Forbidden,
                (s, _) if s.is_server_error() => {
                    failures.push(format!("{} {} as {who:?}: server error {answer}", route.method, route.template));
                    continue;
                }
                _ => Expect::Allowed,
            };
            let wanted = expect(route.rule, *who);
            if got != wanted {
                failures.push(format!(
                    "{} {} as {who:?}: wanted {wanted:?}, got {got:?} ({status} {answer})",
                    route.method, route.template
                ));
            }
        }
    }
    failures
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_role_table_says() {
    let local = World::new(
        NodeKind::Local,
        "210100",
        &[Anonymous, MustChange, OtherClerk, Reviewer, Authority, OtherAuthority, Admin, Clerk],
    )
    .await;
    let province = World::new(NodeKind::Province, "210000", &[Province, Admin]).await;
    let national = World::new(NodeKind::National, "100000", &[National, Admin]).await;
    let mut failures = Vec::new();
    for world in [&local, &province, &national] {
        failures.extend(check_world(world).await);
    }
    assert!(failures.is_empty(), "role table violations:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn the_role_table_covers_every_route_of_the_api() {
    let app = spawn_app().await;
    let doc = app.anonymous().get("/api/v1/openapi.json").await.1;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let tabled: BTreeSet<_> = table().iter().map(|r| format!("{} {}", r.method, r.template)).collect();
    assert_eq!(documented, tabled, "routes missing from the role table, or rows for routes that do not exist");
    let public: BTreeSet<_> = table()
        .iter()
        .filter(|r| matches!(r.rule, Rule::Public))
        .map(|r| format!("{} {}", r.method, r.template))
        .collect();
    let checked: BTreeSet<_> =
        gongwucang::domain::permission::ROUTES.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    let with_session: BTreeSet<_> = documented.difference(&public).cloned().collect();
    assert_eq!(
        checked, with_session,
        "the server's route table (domain::permission::ROUTES) must name every route that needs a session"
    );
}

#[tokio::test]
async fn a_forbidden_caller_is_refused_before_the_body_is_read() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_unit(&admin, "210102", "001001", "和平区财政局").await;
    let reviewer = app.login_first_time("210102001001").await;
    for (path, body) in
        [("/api/v1/units", json!({})), ("/api/v1/users", json!({"x": 1})), ("/api/v1/cards", json!("notjson"))]
    {
        let (status, answer) = reviewer.post(path, &body).await;
        assert_eq!((status, code(&answer)), (StatusCode::FORBIDDEN, "forbidden"), "{path}: {answer}");
    }
}
