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
use crate::domain::card::{AssetCard, CardStatus, Location};
use crate::domain::clock;
use crate::domain::node::NodeKind;
use crate::domain::unit::{NewUnit, UnitType};
use crate::domain::user::{INITIAL_PASSWORD, NewUser, Role};
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
        store.write(&actor, |tx| {
            let now = clock::now_rfc3339();
            for row in &cards {
                let card = AssetCard {
                    id: tx.next_id("c")?,
                    unit_id: unit.id.clone(),
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
                    location: Location {
                        compound: row.compound.clone(),
                        building: row.building.clone(),
                        floor: row.floor.clone(),
                        room: row.room.clone(),
                    },
                    using_department: row.using_department.clone(),
                    custodian: row.custodian.clone(),
                    photos: Vec::new(),
                    created_at: now.clone(),
                };
                store::cards::insert(tx, &card)?;
            }
            let summary = format!("导入“{}”资产卡片 {} 张（演示数据）", unit.name, cards.len());
            Ok((
                (),
                AuditEntry::new("cards_imported", format!("unit:{}", unit.id), summary, Some(unit.region.to_string())),
            ))
        })?;
    }

    let mut text = String::new();
    writeln!(text, "演示节点已生成：{}（{}，{}）", node.name, node.node_id, reference.region_path(REGION))?;
    writeln!(text, "  单位 {} 个，资产卡片 {} 张", units.len(), card_count)?;
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
