//! Slowing down password guessing: after 5 failed logins in a row an account must wait before
//! the next try, and the wait doubles with each failure. A client address is slowed down the same
//! way after 20 failures in a row: every user of a node served on 127.0.0.1 shares one address, so
//! one person's typos must not lock everybody out, while guessing across many accounts from one
//! address is still slowed.

use std::time::Duration;

/// Failures of one account allowed before waits start.
pub const FREE_FAILURES: u32 = 5;
/// Failures from one client address allowed before waits start.
pub const FREE_ADDRESS_FAILURES: u32 = 20;
/// The first wait.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// How long to wait after `failures` consecutive failures when `free` are allowed.
pub fn wait_after(failures: u32, free: u32) -> Option<Duration> {
    if failures < free {
        return None;
    }
    let doublings = (failures - free).min(10);
    Some((FIRST_WAIT * 2u32.pow(doublings)).min(MAX_WAIT))
}

/// Seconds left before another try is allowed, given the failures, how many are free and the
/// time since the last.
pub fn retry_after(failures: u32, free: u32, since_last: Duration) -> Option<u64> {
    let wait = wait_after(failures, free)?;
    let left = wait.checked_sub(since_last)?;
    Some(left.as_secs().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_start_a_wait_that_doubles_up_to_fifteen_minutes() {
        assert_eq!(wait_after(4, FREE_FAILURES), None);
        assert_eq!(wait_after(5, FREE_FAILURES), Some(Duration::from_secs(30)));
        assert_eq!(wait_after(6, FREE_FAILURES), Some(Duration::from_secs(60)));
        assert_eq!(wait_after(40, FREE_FAILURES), Some(MAX_WAIT));
        assert_eq!(wait_after(19, FREE_ADDRESS_FAILURES), None);
    }

    #[test]
    fn the_wait_runs_out() {
        assert_eq!(retry_after(5, FREE_FAILURES, Duration::from_secs(10)), Some(20));
        assert_eq!(retry_after(5, FREE_FAILURES, Duration::from_secs(31)), None);
        assert_eq!(retry_after(3, FREE_FAILURES, Duration::ZERO), None);
    }
}
