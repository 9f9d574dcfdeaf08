//! Users and the username index.

use crate::domain::DomainError;

use super::tables::{USERNAMES, USERS};
use super::{Read, Result, Tx};
use crate::domain::user::User;

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
