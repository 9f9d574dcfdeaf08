//! The warehouse and platform tracks against a reference model (issue 4, correctness bar): random
//! sequences of entry requests and actions by random actors (every role, own and other units) run
//! through the real store transactions, and after every step
//! - the store accepted exactly what the model of SPEC §5 accepts, with the same resulting states;
//! - a refused action changed nothing (listings, cards, audit log);
//! - a card is held by at most one active listing, and the card names that listing;
//! - the warehouse plaza each viewer sees equals the SPEC §7 rule computed here independently.

use gongwucang::domain::audit::Actor as AuditActor;
use gongwucang::domain::card::{CardFields, CardStatus};
use gongwucang::domain::listing::{
    self, Actor, Listing, ListingAction, ListingFields, ListingResult, Mode, ResultMethod, Scope, Source, Viewer,
};
use gongwucang::domain::node::NodeKind;
use gongwucang::domain::region::RegionCode;
use gongwucang::domain::unit::{NewUnit, UnitType};
use gongwucang::domain::user::Role;
use gongwucang::store::{self, Store};
use proptest::prelude::*;

const UNITS: [(&str, &str, &str); 2] = [("210102", "001001", "和平区教育局"), ("210103", "002001", "沈河区教育局")];
const CARDS_PER_UNIT: usize = 3;

/// Who acts: (role, unit index, region).
const ACTORS: [(Role, Option<usize>, &str); 9] = [
    (Role::Clerk, Some(0), "210102"),
    (Role::Reviewer, Some(0), "210102"),
    (Role::Clerk, Some(1), "210103"),
    (Role::Reviewer, Some(1), "210103"),
    (Role::Authority, None, "210100"),
    (Role::Authority, None, "210300"),
    (Role::Province, None, "210000"),
    (Role::National, None, "100000"),
    (Role::Admin, None, "210100"),
];

#[derive(Debug, Clone)]
enum Op {
    Create {
        card: usize,
        actor: usize,
        national: bool,
        scope: usize,
        submit: bool,
    },
    /// `natural`: the actor is the one SPEC §5 names for the action (own clerk, own reviewer,
    /// 沈阳市 authority, 辽宁省 province), so that long legal paths happen; otherwise `actor`.
    Act {
        listing: usize,
        actor: usize,
        natural: bool,
        action: usize,
        approve: bool,
        with_reason: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0..UNITS.len() * CARDS_PER_UNIT, 0..ACTORS.len(), any::<bool>(), 0..5usize, any::<bool>())
            .prop_map(|(card, actor, national, scope, submit)| {
                // Mostly the card's own clerk.
                let actor = if actor < 6 { (card / CARDS_PER_UNIT) * 2 } else { actor };
                Op::Create { card, actor, national, scope, submit }
            }),
        6 => (0..8usize, 0..ACTORS.len(), proptest::bool::weighted(0.75), 0..9usize, proptest::bool::weighted(0.7), proptest::bool::weighted(0.8))
            .prop_map(|(listing, actor, natural, action, approve, with_reason)| Op::Act { listing, actor, natural, action, approve, with_reason }),
    ]
}

/// The model's view of a listing: SPEC §5 states as strings.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    unit: usize,
    card: usize,
    national: bool,
    state: &'static str,
    platform: &'static str,
}

impl Model {
    fn holds_card(&self) -> bool {
        match self.state {
            "completed" | "deleted" => false,
            "withdrawn" => ["pending_authority", "pending_province", "published_national"].contains(&self.platform),
            _ => true,
        }
    }
}

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    unit_ids: Vec<String>,
    departments: Vec<String>,
    card_ids: Vec<String>,
    listing_ids: Vec<String>,
    models: Vec<Model>,
    transferred: Vec<bool>,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    crate::helpers::initialise(dir.path(), NodeKind::Local, "210100");
    let store = Store::open(dir.path()).unwrap();
    let admin = store.read(|r| store::users::by_username(r, "admin")).unwrap().unwrap();
    let node_region = RegionCode::parse("210100").unwrap();
    let (mut unit_ids, mut departments, mut card_ids) = (Vec::new(), Vec::new(), Vec::new());
    for (u, (region, code, department)) in UNITS.iter().enumerate() {
        let new_unit = NewUnit {
            budget_code: (*code).to_owned(),
            name: (*department).to_owned(),
            region: (*region).to_owned(),
            department: (*department).to_owned(),
            unit_type: UnitType::Administrative,
            contact_name: "王丽".to_owned(),
            contact_phone: "024-1".to_owned(),
            physical_warehouse: false,
        };
        let (unit, _) = store::units::add(&store, &AuditActor::user(&admin), &new_unit, &node_region).unwrap();
        for c in 0..CARDS_PER_UNIT {
            let fields = CardFields {
                asset_code: format!("ZC{u}{c}"),
                name: "台式计算机".to_owned(),
                category: "A02010105".to_owned(),
                spec: "i5".to_owned(),
                brand: "联想".to_owned(),
                quantity: 1,
                measure_unit: "台".to_owned(),
                acquired_on: "2020-01-01".to_owned(),
                original_value_fen: 500_000,
                net_value_fen: 100_000,
                status: CardStatus::Idle,
                shared: false,
                location_id: None,
                using_department: String::new(),
                custodian: String::new(),
                lease_end_on: None,
            };
            let id = store
                .write(&AuditActor::user(&admin), |tx| {
                    let card = fields.into_card(tx.next_id("c")?, unit.id.clone(), "2026-01-01T00:00:00Z".to_owned());
                    store::cards::insert(tx, &card)?;
                    Ok((
                        card.id.clone(),
                        gongwucang::domain::audit::AuditEntry::new("card_created", "card", "卡片", None),
                    ))
                })
                .unwrap();
            card_ids.push(id);
        }
        unit_ids.push(unit.id.clone());
        departments.push(unit.department.clone());
    }
    World {
        _dir: dir,
        store,
        unit_ids,
        departments,
        card_ids,
        listing_ids: Vec::new(),
        models: Vec::new(),
        transferred: vec![false; UNITS.len() * CARDS_PER_UNIT],
    }
}

fn actor(w: &World, a: usize) -> Actor {
    let (role, unit, region) = ACTORS[a];
    Actor { role, unit_id: unit.map(|u| w.unit_ids[u].clone()), region: RegionCode::parse(region).unwrap() }
}

const SCOPES: [Scope; 5] = [Scope::Department, Scope::County, Scope::City, Scope::Province, Scope::National];

fn action(kind: usize, approve: bool, with_reason: bool) -> ListingAction {
    let reason = with_reason.then(|| "理由".to_owned());
    match kind {
        0 => ListingAction::Submit,
        1 => ListingAction::ReviewEntry { approve, reason },
        2 => ListingAction::RequestExit { reason: if with_reason { "自用".into() } else { String::new() } },
        3 => ListingAction::ReviewExit { approve, reason },
        4 => ListingAction::AuthorityReview { approve, scope: None, reason },
        5 => ListingAction::SubmitCentral { approve, reason },
        6 => ListingAction::Cancel,
        _ => ListingAction::RecordResult(ListingResult {
            method: if approve { ResultMethod::Allocation } else { ResultMethod::SharedUse },
            receiver_name: "沈阳市第三中学".into(),
            receiver_unit_id: None,
            receiver_region: None,
            receiver_budget_code: None,
            date: "2026-11-20".into(),
            quantity: 1,
            note: String::new(),
            until: None,
        }),
    }
}

/// Whether an authority of `region` oversees a unit of `unit_region` (GB/T 2260 prefixes).
fn oversees(region: &str, unit_region: &str) -> bool {
    match region {
        "100000" => true,
        r if r.ends_with("0000") => unit_region[..2] == r[..2],
        r if r.ends_with("00") => unit_region[..4] == r[..4],
        r => unit_region == r,
    }
}

/// SPEC §5 as a table: the model's next (state, platform state), or `None` when refused.
fn model_next(
    m: &Model,
    a: usize,
    kind: usize,
    approve: bool,
    with_reason: bool,
) -> Option<(&'static str, &'static str)> {
    let (role, unit, region) = ACTORS[a];
    let own = unit == Some(m.unit);
    let own_clerk = own && role == Role::Clerk;
    let own_reviewer = own && role == Role::Reviewer;
    let unit_region = UNITS[m.unit].0;
    let oversees = oversees(region, unit_region);
    let in_plaza = matches!(m.state, "published" | "pending_exit");
    let reject_ok = approve || with_reason;
    match kind {
        0 if own_clerk && matches!(m.state, "draft" | "returned") => Some(("pending_entry", m.platform)),
        1 if own_reviewer && m.state == "pending_entry" && reject_ok => Some(if approve {
            ("published", if m.national { "pending_authority" } else { "none" })
        } else {
            ("returned", m.platform)
        }),
        2 if own_clerk && m.state == "published" && with_reason => Some(("pending_exit", m.platform)),
        3 if own_reviewer && m.state == "pending_exit" && reject_ok => Some(if approve {
            let platform =
                if matches!(m.platform, "pending_authority" | "pending_province") { "cancelled" } else { m.platform };
            ("withdrawn", platform)
        } else {
            ("published", m.platform)
        }),
        4 if role == Role::Authority && oversees && m.platform == "pending_authority" && in_plaza && reject_ok => {
            Some((m.state, if approve { "pending_province" } else { "rejected" }))
        }
        5 if role == Role::Province && oversees && m.platform == "pending_province" && in_plaza && reject_ok => {
            Some((m.state, if approve { "published_national" } else { "rejected" }))
        }
        6 if own_clerk && m.state == "withdrawn" && m.national && !matches!(m.platform, "cancelled" | "none") => {
            Some((m.state, "cancelled"))
        }
        8 if own_clerk && matches!(m.state, "draft" | "returned") => Some(("deleted", m.platform)),
        7 if own_clerk && m.state == "published" => {
            let platform =
                if matches!(m.platform, "pending_authority" | "pending_province") { "cancelled" } else { m.platform };
            Some(("completed", platform))
        }
        _ => None,
    }
}

fn name<T: serde::Serialize>(value: T) -> &'static str {
    serde_json::to_value(value).unwrap().as_str().unwrap().to_owned().leak()
}

fn snapshot(store: &Store) -> (String, String, u64) {
    store
        .read(|r| {
            Ok((
                serde_json::to_string(&store::listings::all(r)?).unwrap(),
                serde_json::to_string(&store::cards::all(r)?).unwrap(),
                store::audit::count(r)?,
            ))
        })
        .unwrap()
}

fn run(w: &mut World, op: &Op) -> Result<(), TestCaseError> {
    let before = snapshot(&w.store);
    let accepted = match *op {
        Op::Create { card, actor: a, national, scope, submit } => {
            let unit = card / CARDS_PER_UNIT;
            let held = w.models.iter().any(|m| m.card == card && m.holds_card());
            let scope = SCOPES[scope];
            let expect = ACTORS[a].0 == Role::Clerk
                && ACTORS[a].1 == Some(unit)
                && !held
                && !w.transferred[card]
                && scope.fits(national);
            let fields = ListingFields {
                mode: Mode::Transfer,
                national,
                scope,
                description: String::new(),
                condition: String::new(),
                source: Source::Routine,
                contact_name: "王丽".into(),
                contact_phone: "024-1".into(),
                open_until: None,
            };
            let who = actor(w, a);
            let (unit_id, card_id) = (w.unit_ids[unit].clone(), w.card_ids[card].clone());
            let region = RegionCode::parse(UNITS[unit].0).unwrap();
            let department = w.departments[unit].clone();
            let result = w.store.write(&AuditActor::system(), |tx| {
                let c = store::cards::get(tx, &card_id)?.unwrap();
                let now = "2026-11-27T00:00:00Z";
                let mut l = listing::create(
                    tx.next_id("L")?,
                    card_id.clone(),
                    c.publishable(),
                    &unit_id,
                    region,
                    department,
                    &who,
                    &fields,
                    now,
                )
                .map_err(gongwucang::domain::DomainError::from)?;
                if submit {
                    l = listing::transition(&l, &who, &ListingAction::Submit, now)
                        .map_err(gongwucang::domain::DomainError::from)?;
                }
                let entry = store::listings::create(tx, &l, "t")?;
                Ok((l, entry))
            });
            prop_assert_eq!(
                result.is_ok(),
                expect,
                "create {:?}: {:?}",
                op,
                result.as_ref().err().map(|e| e.to_string())
            );
            if let Ok(l) = result {
                w.listing_ids.push(l.id.clone());
                w.models.push(Model {
                    unit,
                    card,
                    national,
                    state: if submit { "pending_entry" } else { "draft" },
                    platform: "none",
                });
            }
            expect
        }
        Op::Act { listing: i, actor: a, natural, action: kind, approve, with_reason } => {
            if w.listing_ids.is_empty() {
                return Ok(());
            }
            let i = i % w.listing_ids.len();
            let a = if natural {
                let unit = w.models[i].unit;
                match kind {
                    1 | 3 => unit * 2 + 1,
                    4 => 4,
                    5 => 6,
                    _ => unit * 2,
                }
            } else {
                a
            };
            let expect = model_next(&w.models[i], a, kind, approve, with_reason);
            let who = actor(w, a);
            let id = w.listing_ids[i].clone();
            let result = w.store.write(&AuditActor::system(), |tx| {
                if kind == 8 {
                    let entry = store::listings::discard(tx, &id, &who, "t", "2026-11-27T01:00:00Z")?;
                    return Ok((None, entry));
                }
                let (l, entry) = store::listings::act(
                    tx,
                    &id,
                    &who,
                    "t",
                    |_| action(kind, approve, with_reason),
                    "2026-11-27T01:00:00Z",
                )?;
                Ok((Some(l), entry))
            });
            prop_assert_eq!(
                result.is_ok(),
                expect.is_some(),
                "{:?} on {:?}: {:?}",
                op,
                w.models[i],
                result.as_ref().err().map(|e| e.to_string())
            );
            if let (Ok(l), Some((state, platform))) = (result, expect) {
                match l {
                    Some(l) => prop_assert_eq!((name(l.state), name(l.national_state)), (state, platform), "{:?}", op),
                    None => prop_assert_eq!(state, "deleted"),
                }
                w.models[i].state = state;
                w.models[i].platform = platform;
                // 无偿调拨 moves the card out; 共享使用 puts it in use: either way it is not offered again.
                if kind == 7 {
                    w.transferred[w.models[i].card] = true;
                }
            }
            expect.is_some()
        }
    };
    if !accepted {
        prop_assert_eq!(snapshot(&w.store), before, "a refused {:?} changed something", op);
    }
    check_invariants(w)
}

fn check_invariants(w: &World) -> Result<(), TestCaseError> {
    let listings: Vec<Listing> = w.store.read(store::listings::all).unwrap();
    let cards = w.store.read(store::cards::all).unwrap();
    for (c, card_id) in w.card_ids.iter().enumerate() {
        let holders: Vec<&String> = w
            .models
            .iter()
            .zip(&w.listing_ids)
            .filter(|(m, _)| m.card == c && m.holds_card())
            .map(|(_, id)| id)
            .collect();
        prop_assert!(holders.len() <= 1, "card {} held by {:?}", c, holders);
        let card = cards.iter().find(|k| &k.id == card_id).unwrap();
        prop_assert_eq!(card.active_listing_id.as_ref(), holders.first().copied(), "card {} names its listing", c);
    }
    // Every actor, plus clerks of units outside the node: another department of 和平区 and a unit
    // of 鞍山市 (same province, other city).
    let mut viewers: Vec<(Role, Option<String>, &str, Option<String>)> = ACTORS
        .iter()
        .map(|(role, unit, region)| {
            (*role, unit.map(|u| w.unit_ids[u].clone()), *region, unit.map(|u| w.departments[u].clone()))
        })
        .collect();
    viewers.push((Role::Clerk, Some("x1".into()), "210102", Some("和平区卫生健康局".into())));
    viewers.push((Role::Clerk, Some("x2".into()), "210302", Some("铁东区教育局".into())));
    for (role, unit_id, region, department) in viewers {
        let viewer = Viewer {
            role,
            unit_id: unit_id.clone(),
            region: RegionCode::parse(region).unwrap(),
            department: department.clone(),
        };
        let shown: Vec<&str> = listings
            .iter()
            .filter(|l| l.in_warehouse_plaza() && listing::visible(l, &viewer))
            .map(|l| l.id.as_str())
            .collect();
        let expected: Vec<&str> = listings
            .iter()
            .filter(|l| {
                let m = &w.models[w.listing_ids.iter().position(|id| id == &l.id).unwrap()];
                let u = UNITS[m.unit].0;
                let own = unit_id.as_deref() == Some(w.unit_ids[m.unit].as_str());
                let by_scope = match name(l.scope) {
                    "department" => {
                        department.as_deref() == Some(w.departments[m.unit].as_str()) && u[..4] == region[..4]
                    }
                    "county" => u == region,
                    "city" => u[..4] == region[..4],
                    "province" => u[..2] == region[..2],
                    _ => true,
                };
                let by_role = match role {
                    Role::Admin => false,
                    Role::Authority | Role::Province | Role::National => oversees(region, u) || by_scope,
                    Role::Clerk | Role::Reviewer => by_scope,
                };
                matches!(m.state, "published" | "pending_exit") && (own || by_role)
            })
            .map(|l| l.id.as_str())
            .collect();
        prop_assert_eq!(shown, expected, "plaza of {:?} {}", role, region);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_actions_by_random_actors_follow_the_model(ops in proptest::collection::vec(op(), 1..100)) {
        let mut w = world();
        for op in &ops {
            run(&mut w, op)?;
        }
    }
}
