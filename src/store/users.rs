//! Users and the username index.

use crate::domain::DomainError;
use crate::domain::audit::{Actor, AuditEntry};
use crate::domain::clock;
use crate::domain::user::{self, CheckedUser, User};

use super::tables::{USERNAMES, USERS};
use super::{Read, Result, Store, Tx};

/// A user by id.
pub fn get(r: &impl Read, id: &str) -> Result<Option<User>> {
    r.get(USERS, id)
}

/// A user by login name (case-insensitive).
pub fn by_username(r: &impl Read, username: &str) -> Result<Option<User>> {
    match r.lookup(USERNAMES, &username.trim().to_lowercase())? {
        Some(id) => get(r, &id),
        None => Ok(None),
    }
}

/// Every user, in id order.
pub fn all(r: &impl Read) -> Result<Vec<User>> {
    r.scan(USERS)
}

/// Inserts a new user; the login name must be free.
pub fn insert(tx: &Tx, user: &User) -> Result<()> {
    let key = user.username.to_lowercase();
    if tx.lookup(USERNAMES, &key)?.is_some() {
        return Err(DomainError::conflict(format!("用户名 {} 已存在", user.username)).into());
    }
    tx.index(USERNAMES, &key, &user.id)?;
    tx.put(USERS, &user.id, user)
}

/// Stores a changed user (the login name never changes).
pub fn update(tx: &Tx, user: &User) -> Result<()> {
    tx.put(USERS, &user.id, user)
}

/// Creates a checked account with `password` (hashed here) as its initial password, audited.
pub fn add(store: &Store, actor: &Actor, account: CheckedUser, password: &str) -> Result<User> {
    let hash = user::hash_password(password)?;
    store.write(actor, |tx| {
        let user = account.into_user(tx.next_id("s")?, hash, clock::now_rfc3339());
        insert(tx, &user)?;
        let summary = format!("新增账户 {}（{}，{}）", user.username, user.name, user.role.label());
        Ok((
            user.clone(),
            AuditEntry::new("user_created", format!("user:{}", user.id), summary, Some(user.region.to_string())),
        ))
    })
}
