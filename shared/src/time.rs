//! Times: stored as Unix seconds, shown as `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai (UTC+8,
//! no daylight saving) where the seeds show that format.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// Asia/Shanghai's offset.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("+08:00 is a valid offset"))
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// `YYYY-MM-DD HH:MM:SS` in Shanghai time.
pub fn format_datetime(unix_seconds: i64) -> String {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Parses `YYYY-MM-DD HH:MM:SS` as Shanghai time.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()?;
    shanghai()
        .from_local_datetime(&naive)
        .single()
        .map(|time| time.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_round_trip() {
        assert_eq!(format_datetime(0), "1970-01-01 08:00:00");
        let text = "2021-03-07 14:32:20";
        assert_eq!(format_datetime(parse_datetime(text).unwrap()), text);
        assert_eq!(parse_datetime("2021-03-07"), None);
    }
}
