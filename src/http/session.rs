//! Sessions, CSRF and login throttling. A session is an opaque random token in an HttpOnly,
//! SameSite=Strict cookie; its CSRF token must come back in `X-CSRF-Token` on every state change.
//! Sessions live in memory: a restart logs everybody out, which an appliance can afford.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{Method, header};

use crate::domain::permission;
use crate::domain::throttle;
use crate::domain::user::User;
use crate::store;

use super::AppState;
use super::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "gwc_session";
/// The CSRF header.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A session ends after this long in any case.
pub const MAX_AGE: Duration = Duration::from_secs(12 * 60 * 60);

struct Session {
    user_id: String,
    csrf: String,
    created: Instant,
    last_seen: Instant,
}

/// The open sessions.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

/// A random token, hex.
pub fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("random: {e}")))?;
    Ok(hex::encode(bytes))
}

impl Sessions {
    /// Opens a session; returns `(token, csrf)`.
    pub fn open(&self, user_id: &str) -> Result<(String, String), ApiError> {
        let token = random_token()?;
        let csrf = random_token()?;
        let now = Instant::now();
        let session = Session { user_id: user_id.to_owned(), csrf: csrf.clone(), created: now, last_seen: now };
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, s| !expired(s, now));
            map.insert(token.clone(), session);
        }
        Ok((token, csrf))
    }

    /// `(user_id, csrf)` of a live session, refreshing its idle timer.
    fn touch(&self, token: &str) -> Option<(String, String)> {
        let mut map = self.map.lock().ok()?;
        let now = Instant::now();
        let session = map.get_mut(token)?;
        if expired(session, now) {
            map.remove(token);
            return None;
        }
        session.last_seen = now;
        Some((session.user_id.clone(), session.csrf.clone()))
    }

    /// Ends one session.
    pub fn close(&self, token: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(token);
        }
    }

    /// Ends every session of a user (disabled, password reset).
    pub fn close_user(&self, user_id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, s| s.user_id != user_id);
        }
    }

    /// Ends every session of a user except one (after a password change).
    pub fn close_user_except(&self, user_id: &str, keep: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|token, s| s.user_id != user_id || token == keep);
        }
    }
}

fn expired(session: &Session, now: Instant) -> bool {
    now.duration_since(session.last_seen) > IDLE_TIMEOUT || now.duration_since(session.created) > MAX_AGE
}

/// Failed-login counters per account and per client address.
#[derive(Default)]
pub struct Throttle {
    map: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    fn keys(username: &str, ip: Option<IpAddr>) -> Vec<(String, u32)> {
        let mut keys = vec![(format!("user:{}", username.trim().to_lowercase()), throttle::FREE_FAILURES)];
        if let Some(ip) = ip {
            keys.push((format!("ip:{ip}"), throttle::FREE_ADDRESS_FAILURES));
        }
        keys
    }

    /// Seconds to wait before the next try, if any.
    pub fn retry_after(&self, username: &str, ip: Option<IpAddr>) -> Option<u64> {
        let map = self.map.lock().ok()?;
        Self::keys(username, ip)
            .iter()
            .filter_map(|(k, free)| map.get(k).map(|entry| (entry, *free)))
            .filter_map(|((failures, last), free)| throttle::retry_after(*failures, free, last.elapsed()))
            .max()
    }

    /// Counts a failure.
    pub fn fail(&self, username: &str, ip: Option<IpAddr>) {
        if let Ok(mut map) = self.map.lock() {
            for (key, _) in Self::keys(username, ip) {
                let entry = map.entry(key).or_insert((0, Instant::now()));
                entry.0 += 1;
                entry.1 = Instant::now();
            }
        }
    }

    /// Clears the counters after a success.
    pub fn succeed(&self, username: &str, ip: Option<IpAddr>) {
        if let Ok(mut map) = self.map.lock() {
            for (key, _) in Self::keys(username, ip) {
                map.remove(&key);
            }
        }
    }
}

/// The logged-in user of a request. Extracting it checks the session, the CSRF token on
/// state-changing methods, that the user and its unit are still enabled, and — before the handler
/// runs or the body is read — the role table for the route (`domain::permission::ROUTES`); a
/// route without a row is refused. Object scope (which unit, which region) is the handler's.
pub struct Ctx {
    /// The user, read fresh from the database.
    pub user: User,
    /// The session token (to close it).
    pub token: String,
    /// The session's CSRF token.
    pub csrf: String,
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let store = state.store.clone();
        let node = tokio::task::spawn_blocking(move || store.node())
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))??;
        if node.is_none() {
            return Err(ApiError::NotInitialized);
        }
        let unauthenticated = || ApiError::Unauthenticated("未登录或登录已过期，请重新登录".to_owned());
        let token = cookie_token(parts).ok_or_else(unauthenticated)?;
        let (user_id, csrf) = state.sessions.touch(&token).ok_or_else(unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(ApiError::Csrf);
            }
        }
        let store = state.store.clone();
        let user = tokio::task::spawn_blocking(move || -> Result<Option<User>, ApiError> {
            let Some(user) = store.read(|r| store::users::get(r, &user_id))? else { return Ok(None) };
            let unit_disabled = match &user.unit_id {
                Some(unit_id) => store.read(|r| store::units::get(r, unit_id))?.is_none_or(|u| u.disabled),
                None => false,
            };
            Ok((!user.disabled && !unit_disabled).then_some(user))
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
        match user {
            Some(user) => {
                let path = parts.extensions.get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
                let action = permission::route_action(parts.method.as_str(), &path)
                    .ok_or_else(|| ApiError::Forbidden("该接口未登记访问权限".to_owned()))?;
                permission::check(&user, action)?;
                Ok(Ctx { user, token, csrf })
            }
            None => {
                state.sessions.close(&token);
                Err(ApiError::Unauthenticated("账户已停用，请联系系统管理员".to_owned()))
            }
        }
    }
}

#[cfg(test)]
mod tests;
