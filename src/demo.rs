//! The demo node (`gongwucang demo`): a local node for 沈阳市 with the units, accounts and asset
//! cards of `fixtures/demo/` (generated, fictional names; real region and category codes). Each
//! unit and each unit's card ledger is written as its own audited transaction, as a bureau would
//! have entered them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::card::{CardFields, CardStatus};
use crate::domain::clock;
use crate::domain::node::NodeKind;
use crate::domain::photo::{Photo, PhotoFlag};
use crate::domain::settings::{Settings, SupportContact};
use crate::domain::unit::{NewUnit, UnitType};
use crate::domain::user::{INITIAL_PASSWORD, NewUser, Role};
use crate::media::{self, Subject};
use crate::setup::{self, SetupRequest};
use crate::store::{self, Store};

const UNITS_CSV: &str = include_str!("../fixtures/demo/units.csv");
const CARDS_CSV: &str = include_str!("../fixtures/demo/cards.csv");

/// The demo node's region: 沈阳市.
pub const REGION: &str = "210100";
/// The demo `admin` password (a demo node only; real nodes set theirs at `init`).
pub const ADMIN_PASSWORD: &str = "Demo2025admin";
/// The demo authority account (沈阳市财政局资产管理处).
pub const AUTHORITY_USERNAME: &str = "210100czj";
/// The file in the data folder that lists the demo accounts.
pub const ACCOUNTS_FILE: &str = "演示账户.txt";

#[derive(Deserialize)]
struct UnitRow {
    budget_code: String,
    name: String,
    region: String,
    department: String,
    unit_type: UnitType,
    contact_name: String,
    contact_phone: String,
    physical_warehouse: bool,
}

#[derive(Deserialize)]
struct CardRow {
    asset_code: String,
    budget_code: String,
    region: String,
    name: String,
    category: String,
    spec: String,
    brand: String,
    quantity: u32,
    measure_unit: String,
    acquired_on: String,
    original_value_fen: i64,
    net_value_fen: i64,
    status: CardStatus,
    shared: bool,
    compound: String,
    building: String,
    floor: String,
    room: String,
    using_department: String,
    custodian: String,
}

fn rows<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.with_context(|| format!("{file} 第 {} 行无效", i + 2)))
        .collect()
}

/// Creates the demo node in an empty data folder and returns what to print.
pub fn create(data_dir: &Path, store: &Store) -> anyhow::Result<String> {
    if store.node()?.is_some() {
        bail!("数据目录 {} 已有节点，演示数据只能生成到空目录中", data_dir.display());
    }
    let request = SetupRequest {
        kind: NodeKind::Local,
        region: REGION,
        name: "沈阳市财政局公物仓（演示）",
        admin_password: ADMIN_PASSWORD,
    };
    let node = setup::initialize(data_dir, store, request)?;
    let reference = store.reference();
    let admin = store.read(|r| store::users::by_username(r, "admin"))?.context("admin 账户缺失")?;
    let actor = Actor::user(&admin);

    let mut units = HashMap::new();
    let mut in_order = Vec::new();
    for row in rows::<UnitRow>(UNITS_CSV, "units.csv")? {
        let new_unit = NewUnit {
            budget_code: row.budget_code,
            name: row.name,
            region: row.region,
            department: row.department,
            unit_type: row.unit_type,
            contact_name: row.contact_name,
            contact_phone: row.contact_phone,
            physical_warehouse: row.physical_warehouse,
        };
        let (unit, accounts) = store::units::add(store, &actor, &new_unit, &node.region)?;
        in_order.push((unit.name.clone(), accounts.clone()));
        units.insert(accounts.reviewer.clone(), (unit, accounts));
    }

    let authority = NewUser {
        username: AUTHORITY_USERNAME.to_owned(),
        name: "沈阳市财政局资产管理处".to_owned(),
        role: Role::Authority,
        unit_id: None,
        region: Some(REGION.to_owned()),
        password: INITIAL_PASSWORD.to_owned(),
    };
    let account = authority.validate(None, node.kind, &node.region, &reference)?;
    store::users::add(store, &actor, account, INITIAL_PASSWORD)?;

    let mut ledgers: HashMap<String, Vec<CardRow>> = HashMap::new();
    for row in rows::<CardRow>(CARDS_CSV, "cards.csv")? {
        ledgers.entry(format!("{}{}", row.region, row.budget_code)).or_default().push(row);
    }
    let mut photos = DemoPhotos::default();
    let mut card_count = 0;
    let mut ledger_keys: Vec<_> = ledgers.keys().cloned().collect();
    ledger_keys.sort();
    for key in ledger_keys {
        let (unit, _) = units.get(&key).with_context(|| format!("cards.csv 中的单位 {key} 不在 units.csv 中"))?;
        let cards = ledgers.remove(&key).unwrap_or_default();
        for card in &cards {
            if reference.category(&card.category).is_none() {
                bail!("cards.csv 中资产 {} 的分类代码 {} 不在资产分类表中", card.asset_code, card.category);
            }
        }
        card_count += cards.len();
        let card_photos: Vec<Vec<Photo>> = cards.iter().map(|c| photos.for_card(&c.category, &c.spec)).collect();
        store.write(&actor, |tx| {
            for photo in card_photos.iter().flatten() {
                store::cards::put_photo(tx, &photo.hash, photos.bytes(&photo.hash))?;
            }
            let now = clock::now_rfc3339();
            let mut tree = store::locations::tree(tx, &unit.id)?;
            for (row, card_photos) in cards.iter().zip(&card_photos) {
                let names: Vec<String> = [&row.compound, &row.building, &row.floor, &row.room]
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .take_while(|s| !s.is_empty())
                    .collect();
                let (location_id, _) = store::locations::find_or_create(tx, &mut tree, &unit.id, &names)?;
                let fields = CardFields {
                    asset_code: row.asset_code.clone(),
                    name: row.name.clone(),
                    category: row.category.clone(),
                    spec: row.spec.clone(),
                    brand: row.brand.clone(),
                    quantity: row.quantity,
                    measure_unit: row.measure_unit.clone(),
                    acquired_on: row.acquired_on.clone(),
                    original_value_fen: row.original_value_fen,
                    net_value_fen: row.net_value_fen,
                    status: row.status,
                    shared: row.shared,
                    location_id,
                    using_department: row.using_department.clone(),
                    custodian: row.custodian.clone(),
                    lease_end_on: (row.status == CardStatus::Leased).then(|| lease_end(&row.asset_code)),
                };
                let mut card = fields.into_card(tx.next_id("c")?, unit.id.clone(), now.clone());
                card.photos = card_photos.clone();
                store::cards::insert(tx, &card)?;
            }
            let summary = format!("导入“{}”资产卡片 {} 张（演示数据）", unit.name, cards.len());
            Ok((
                (),
                AuditEntry::new("cards_imported", format!("unit:{}", unit.id), summary, Some(unit.region.to_string())),
            ))
        })?;
    }

    let listed = demo_listings(store, &units)?;
    let demanded = demo_demands(store, &units)?;
    let settings = Settings {
        business_contact: SupportContact {
            name: "沈阳市财政局资产管理处（演示）".to_owned(),
            phone: "024-22751001".to_owned(),
        },
        technical_contact: SupportContact {
            name: "公物仓技术支持（演示）".to_owned(),
            phone: "024-22751002".to_owned(),
        },
        ..Settings::default()
    };
    store.write(&actor, |tx| store::settings::put(tx, &settings))?;

    let mut text = String::new();
    writeln!(text, "演示节点已生成：{}（{}，{}）", node.name, node.node_id, reference.region_path(REGION))?;
    writeln!(
        text,
        "  单位 {} 个，资产卡片 {} 张，照片 {} 张，公物仓广场资产 {listed} 件，已发布需求 {demanded} 条",
        units.len(),
        card_count,
        photos.bytes.len()
    )?;
    writeln!(text, "可用账户：")?;
    writeln!(text, "  系统管理员      admin / {ADMIN_PASSWORD}")?;
    writeln!(text, "  主管部门（财政局） {AUTHORITY_USERNAME} / {INITIAL_PASSWORD}（首次登录须修改）")?;
    for (name, accounts) in in_order.iter().take(4) {
        writeln!(
            text,
            "  {name}：审核岗 {} / 经办岗 {}，初始密码 {INITIAL_PASSWORD}",
            accounts.reviewer, accounts.clerk
        )?;
    }
    writeln!(
        text,
        "  其余 {} 个单位的账户同样为 财政区划+预算代码（经办岗加 jb），见单位管理页面",
        units.len().saturating_sub(4)
    )?;
    std::fs::write(data_dir.join(ACCOUNTS_FILE), &text).context("无法写入演示账户清单")?;
    Ok(text)
}

/// The RFC 3339 time `days` ago.
fn days_ago(days: i64) -> String {
    clock::format_rfc3339(time::OffsetDateTime::now_utc() - time::Duration::days(days))
}

/// Two published demands: 皇姑区第二小学 needs desktop computers (published 100 days ago, so it
/// shows the 及时清理需求信息 reminder and matches the computers in the plaza) and 沈阳市社会福利院
/// a projector. Each is drafted and submitted by the clerk and published by the reviewer.
fn demo_demands(
    store: &Store,
    units: &HashMap<String, (crate::domain::unit::Unit, crate::domain::unit::UnitAccounts)>,
) -> anyhow::Result<usize> {
    use crate::domain::demand::{self, Demand, DemandAction, DemandFields, DemandState, Indicator};
    use crate::domain::listing::Scope;
    let wanted = [
        (
            "210105002002",
            "A02010105",
            "台式计算机",
            5,
            vec![("CPU", "≥ i5"), ("内存", "≥ 8G"), ("硬盘", "≥ 256G 固态")],
            450_000,
            100,
        ),
        ("210100005002", "A02020200", "投影仪", 1, vec![("亮度", "≥ 3000 流明")], 500_000, 3),
    ];
    let count = wanted.len();
    for (key, category, name, quantity, indicators, budget, age) in wanted {
        let (unit, accounts) = units.get(key).with_context(|| format!("演示单位 {key} 缺失"))?;
        let clerk = store.read(|r| store::users::by_username(r, &accounts.clerk))?.context("经办岗账户缺失")?;
        let reviewer = store.read(|r| store::users::by_username(r, &accounts.reviewer))?.context("审核岗账户缺失")?;
        let when = days_ago(age);
        let fields = DemandFields {
            category: category.to_owned(),
            name: name.to_owned(),
            quantity,
            indicators: indicators
                .into_iter()
                .map(|(key, value)| Indicator { key: key.to_owned(), value: value.to_owned() })
                .collect(),
            budget_per_unit_fen: budget,
            expected_on: days_ago(age - 120)[..10].to_owned(),
            contact_name: unit.contact_name.clone(),
            contact_phone: unit.contact_phone.clone(),
            scope: Scope::City,
        };
        fields.validate(&store.reference())?;
        let draft = Demand {
            id: String::new(),
            unit_id: unit.id.clone(),
            unit_region: unit.region.clone(),
            unit_department: unit.department.clone(),
            fields,
            state: DemandState::Draft,
            close_reason: None,
            reason: None,
            created_at: when.clone(),
            published_at: None,
            updated_at: when.clone(),
            matches_seen_at: None,
            origin: None,
            sent_to: Vec::new(),
        };
        let submit = |d: &Demand, role, user: &crate::domain::user::User, action: DemandAction| {
            demand::apply(d, role, user.unit_id.as_deref(), &action, &when).map_err(crate::domain::DomainError::from)
        };
        let id = store.write(&Actor::user(&clerk), |tx| {
            let draft = Demand { id: tx.next_id("D")?, ..draft };
            let submitted = submit(&draft, Role::Clerk, &clerk, DemandAction::Submit)?;
            store::demands::put(tx, &submitted)?;
            let summary = format!("需求“{name}”（{}）：提交审核（演示数据）", submitted.id);
            Ok((
                submitted.id.clone(),
                AuditEntry::new(
                    "demand_changed",
                    format!("demand:{}", submitted.id),
                    summary,
                    Some(unit.region.to_string()),
                ),
            ))
        })?;
        store.write(&Actor::user(&reviewer), |tx| {
            let current = store::demands::get(tx, &id)?
                .context("需求缺失")
                .map_err(|e| crate::domain::DomainError::invalid(e.to_string()))?;
            let published = submit(&current, Role::Reviewer, &reviewer, DemandAction::Publish { scope: None })?;
            store::demands::put(tx, &published)?;
            let summary = format!("需求“{name}”（{id}）：审核发布（演示数据）");
            Ok(((), AuditEntry::new("demand_changed", format!("demand:{id}"), summary, Some(unit.region.to_string()))))
        })?;
    }
    Ok(count)
}

/// A lease end date for a demo card: some past (overdue, for the data-quality view), most ahead.
fn lease_end(asset_code: &str) -> String {
    let pick = asset_code.bytes().fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    let year = if pick % 4 == 0 { 2025 } else { 2027 };
    format!("{year}-{:02}-{:02}", pick % 12 + 1, pick % 28 + 1)
}

/// The demo's photos: cards of the same spec share one set (as the notice allows); about 60 % of
/// specs have photos, and one set in seven has a defective second photo, for the quality checks.
#[derive(Default)]
struct DemoPhotos {
    drawn: HashMap<(String, u32, Option<PhotoFlag>), Photo>,
    bytes: HashMap<String, Vec<u8>>,
}

impl DemoPhotos {
    fn for_card(&mut self, category: &str, spec: &str) -> Vec<Photo> {
        let digest = media::content_hash(format!("{category}/{spec}").as_bytes());
        let pick = u32::from_str_radix(&digest[..6], 16).unwrap_or(0);
        if pick % 10 >= 6 {
            return Vec::new();
        }
        let defects = [PhotoFlag::Blurred, PhotoFlag::Dark, PhotoFlag::Bright, PhotoFlag::Small];
        let defect = pick.is_multiple_of(7).then(|| defects[(pick / 7) as usize % defects.len()]);
        let subject = Subject::for_category(category);
        let variant = (pick / 10) % 3;
        vec![self.draw(subject, variant * 2, None), self.draw(subject, variant * 2 + 1, defect)]
    }

    fn draw(&mut self, subject: Subject, variant: u32, defect: Option<PhotoFlag>) -> Photo {
        let key = (format!("{subject:?}"), variant, defect);
        if let Some(photo) = self.drawn.get(&key) {
            return photo.clone();
        }
        let (photo, bytes) = media::demo_photo(subject, variant, defect);
        self.bytes.insert(photo.hash.clone(), bytes);
        self.drawn.insert(key, photo.clone());
        photo
    }

    fn bytes(&self, hash: &str) -> &[u8] {
        self.bytes.get(hash).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Puts some idle assets of each unit into the warehouse, as units would have by the notice's
/// deadline: the physical warehouse lists all its publishable cards; other units list their
/// first idle card — most approved (公物仓广场), a few still waiting for the reviewer, and some
/// pushed toward the national platform (待主管部门审核). Each step is the same audited transition
/// a person would make, by the unit's own clerk and reviewer.
fn demo_listings(
    store: &Store,
    units: &HashMap<String, (crate::domain::unit::Unit, crate::domain::unit::UnitAccounts)>,
) -> anyhow::Result<usize> {
    use crate::domain::listing::{self, ListingAction, ListingFields, Mode, Scope, Source};
    let mut published = 0;
    let mut keys: Vec<&String> = units.keys().collect();
    keys.sort();
    let cards = store.read(store::cards::all)?;
    for (n, key) in keys.into_iter().enumerate() {
        let (unit, accounts) = &units[key];
        let clerk = store.read(|r| store::users::by_username(r, &accounts.clerk))?.context("经办岗账户缺失")?;
        let reviewer = store.read(|r| store::users::by_username(r, &accounts.reviewer))?.context("审核岗账户缺失")?;
        let offered: Vec<_> = cards
            .iter()
            .filter(|c| c.unit_id == unit.id && c.publishable())
            .take(if unit.physical_warehouse { 30 } else { 1 })
            .collect();
        for (i, card) in offered.into_iter().enumerate() {
            let national = (n + i) % 4 == 0;
            let fields = ListingFields {
                mode: if card.shared { Mode::Share } else { Mode::Transfer },
                national,
                // Mostly city-wide; some only for the county or the 主管部门's own units.
                scope: match (national, (n + i) % 6) {
                    (true, _) => Scope::National,
                    (false, 1) => Scope::County,
                    (false, 2) => Scope::Department,
                    _ => Scope::City,
                },
                description: format!("{} {}，{}，可正常使用", card.brand, card.spec, card.status.label()),
                condition: if card.status == CardStatus::PendingDisposal {
                    "有使用痕迹".to_owned()
                } else {
                    "良好".to_owned()
                },
                source: if unit.physical_warehouse { Source::PhysicalWarehouse } else { Source::Routine },
                contact_name: unit.contact_name.clone(),
                contact_phone: unit.contact_phone.clone(),
                open_until: None,
            };
            let clerk_actor =
                listing::Actor { role: Role::Clerk, unit_id: Some(unit.id.clone()), region: unit.region.clone() };
            let reviewer_actor = listing::Actor { role: Role::Reviewer, ..clerk_actor.clone() };
            // The warehouse's first offers were published long ago and are still waiting: they
            // show the to-do's 长期未调剂共享 reminder.
            let now = if unit.physical_warehouse && i < 3 { days_ago(200) } else { clock::now_rfc3339() };
            let id = store.write(&Actor::user(&clerk), |tx| {
                let draft = listing::create(
                    tx.next_id("L")?,
                    card.id.clone(),
                    true,
                    &unit.id,
                    unit.region.clone(),
                    unit.department.clone(),
                    &clerk_actor,
                    &fields,
                    &now,
                )
                .map_err(crate::domain::DomainError::from)?;
                let submitted = listing::transition(&draft, &clerk_actor, &ListingAction::Submit, &now)
                    .map_err(crate::domain::DomainError::from)?;
                let entry = store::listings::create(tx, &submitted, &clerk.username)?;
                Ok((submitted.id.clone(), entry))
            })?;
            if (n + i) % 7 == 3 {
                continue;
            }
            store.write(&Actor::user(&reviewer), |tx| {
                let approve = |_: &listing::Listing| ListingAction::ReviewEntry { approve: true, reason: None };
                store::listings::act(tx, &id, &reviewer_actor, &reviewer.username, approve, &now)
            })?;
            published += 1;
        }
    }
    Ok(published)
}
