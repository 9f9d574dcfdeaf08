use std::time::{Duration, Instant};

use super::*;

/// Sets a session's clocks back by `idle` (last seen) and `age` (opened).
fn age(sessions: &Sessions, token: &str, idle: Duration, age: Duration) {
    let now = Instant::now();
    let mut map = sessions.map.lock().unwrap();
    let session = map.get_mut(token).unwrap();
    session.last_seen = now.checked_sub(idle).unwrap();
    session.created = now.checked_sub(age).unwrap();
}

#[test]
fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours_in_all() {
    let sessions = Sessions::default();
    let (token, csrf) = sessions.open("u1").unwrap();
    assert_eq!(sessions.touch(&token), Some(("u1".to_owned(), csrf.clone())));

    age(&sessions, &token, Duration::from_secs(29 * 60), Duration::from_secs(11 * 3600));
    assert!(sessions.touch(&token).is_some(), "29 idle minutes, 11 hours: still open");
    age(&sessions, &token, Duration::from_secs(31 * 60), Duration::from_secs(3600));
    assert_eq!(sessions.touch(&token), None, "31 idle minutes: ended");
    assert!(!sessions.map.lock().unwrap().contains_key(&token), "and forgotten");

    let (busy, _) = sessions.open("u1").unwrap();
    age(&sessions, &busy, Duration::from_secs(60), Duration::from_secs(12 * 3600 + 60));
    assert_eq!(sessions.touch(&busy), None, "in use all along, but over twelve hours old");
    assert_eq!(sessions.touch("not a token"), None);
}
