//! Slowing down password guessing: after 5 failed logins in a row, an account (and, separately,
//! a client address) must wait before the next try, and the wait doubles with each failure.

use std::time::Duration;

/// Failures allowed before waits start.
pub const FREE_FAILURES: u32 = 5;
/// The first wait.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

/// How long to wait after `failures` consecutive failures (measured from the last one).
pub fn wait_after(failures: u32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10);
    Some((FIRST_WAIT * 2u32.pow(doublings)).min(MAX_WAIT))
}

/// Seconds left before another try is allowed, given the failures and the time since the last.
pub fn retry_after(failures: u32, since_last: Duration) -> Option<u64> {
    let wait = wait_after(failures)?;
    let left = wait.checked_sub(since_last)?;
    Some(left.as_secs().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_start_a_wait_that_doubles_up_to_fifteen_minutes() {
        assert_eq!(wait_after(4), None);
        assert_eq!(wait_after(5), Some(Duration::from_secs(30)));
        assert_eq!(wait_after(6), Some(Duration::from_secs(60)));
        assert_eq!(wait_after(40), Some(MAX_WAIT));
    }

    #[test]
    fn the_wait_runs_out() {
        assert_eq!(retry_after(5, Duration::from_secs(10)), Some(20));
        assert_eq!(retry_after(5, Duration::from_secs(31)), None);
        assert_eq!(retry_after(3, Duration::ZERO), None);
    }
}
