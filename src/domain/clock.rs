//! Time as the product shows it: RFC 3339 UTC timestamps and `YYYY-MM-DD` dates.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// The current time, RFC 3339 in UTC (the UI shows it in local time).
pub fn now_rfc3339() -> String {
    format_rfc3339(OffsetDateTime::now_utc())
}

/// Today's date, `YYYY-MM-DD` in UTC (the day the date-based rules, such as a hold's last day, compare with).
pub fn today() -> String {
    format_date(OffsetDateTime::now_utc().date())
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// The day `days` after `day` (`YYYY-MM-DD`); `None` for an invalid day.
pub fn add_days(day: &str, days: u32) -> Option<String> {
    let date = parse_date(day)?.checked_add(time::Duration::days(i64::from(days)))?;
    Some(format_date(date))
}

/// Formats a time as RFC 3339, seconds precision.
pub fn format_rfc3339(at: OffsetDateTime) -> String {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), format).ok()
}

/// Parses an RFC 3339 timestamp.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}
