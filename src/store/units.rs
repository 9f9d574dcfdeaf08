//! Units and the two accounts each one gets.

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::region::RegionCode;
use crate::domain::unit::{NewUnit, Unit, UnitAccounts, unit_accounts};
use crate::domain::user::{self, INITIAL_PASSWORD, Role, User};

use super::tables::{UNIT_CODES, UNITS};
use super::{Read, Result, Store, Tx, users};

/// A unit by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<Unit>> {
    r.get(UNITS, id)
}

/// Every unit, in id order.
pub fn all(r: &impl Read) -> Result<Vec<Unit>> {
    r.scan(UNITS)
}

/// Checks and creates a unit of the node's region with its two accounts, in one audited
/// transaction (the initial passwords are hashed before the transaction starts).
pub fn add(store: &Store, actor: &Actor, new_unit: &NewUnit, node_region: &RegionCode) -> Result<(Unit, UnitAccounts)> {
    let reference = store.reference();
    let hashes = [user::hash_password(INITIAL_PASSWORD)?, user::hash_password(INITIAL_PASSWORD)?];
    store.write(actor, |tx| {
        let unit = new_unit.validate(tx.next_id("u")?, node_region, &reference, clock::now_rfc3339())?;
        let (unit, accounts, entry) = create(tx, unit, hashes)?;
        Ok(((unit, accounts), entry))
    })
}

/// Creates a checked unit and its reviewer and clerk accounts (initial password, to be changed at
/// the first login). `initial_hash` is a hash of the initial password for each account.
fn create(tx: &Tx, unit: Unit, initial_hashes: [String; 2]) -> Result<(Unit, UnitAccounts, AuditEntry)> {
    let accounts = unit_accounts(&unit.region, &unit.budget_code);
    if tx.lookup(UNIT_CODES, &accounts.reviewer)?.is_some() {
        return Err(DomainError::conflict(format!(
            "财政区划 {} 下已有预算代码为 {} 的单位",
            unit.region, unit.budget_code
        ))
        .into());
    }
    tx.put(UNITS, &unit.id, &unit)?;
    tx.index(UNIT_CODES, &accounts.reviewer, &unit.id)?;
    let [reviewer_hash, clerk_hash] = initial_hashes;
    for (username, role, hash) in
        [(&accounts.reviewer, Role::Reviewer, reviewer_hash), (&accounts.clerk, Role::Clerk, clerk_hash)]
    {
        let user = User {
            id: tx.next_id("s")?,
            username: username.clone(),
            name: format!("{}{}", unit.name, role.label()),
            role,
            unit_id: Some(unit.id.clone()),
            region: unit.region.clone(),
            password_hash: hash,
            must_change_password: true,
            disabled: false,
            created_at: unit.created_at.clone(),
            last_login_at: None,
        };
        users::insert(tx, &user)?;
    }
    let summary = format!(
        "新增单位“{}”（预算代码 {}，区划 {}），账户 {} / {}",
        unit.name, unit.budget_code, unit.region, accounts.reviewer, accounts.clerk
    );
    let entry = AuditEntry::new("unit_created", format!("unit:{}", unit.id), summary, Some(unit.region.to_string()));
    Ok((unit, accounts, entry))
}

/// Stores a changed unit.
pub fn update(tx: &Tx, unit: &Unit) -> Result<()> {
    tx.put(UNITS, &unit.id, unit)
}
