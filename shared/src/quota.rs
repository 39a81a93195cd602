//! Hourly allowances: at most so many units of something (files presigned, …) per user
//! per clock hour, counted in one item per user and hour that the table's TTL removes
//! afterwards.

/// The length of a window, seconds.
const HOUR_SECONDS: i64 = 60 * 60;

/// An allowance of `limit` units per user per clock hour (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourlyQuota {
    /// What is counted; part of the counter's key.
    pub name: &'static str,
    /// Units allowed per user per hour.
    pub limit: u64,
}

/// The counter of one user in one hour: which hour, and when its item may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaWindow {
    /// Hours since the Unix epoch.
    pub hour: i64,
    /// When the counter's item expires (the table's TTL attribute): an hour after the
    /// window closes, so a late write of the window never meets a removed item early.
    pub expires_at: i64,
}

impl HourlyQuota {
    /// An allowance of `limit` units per hour, counted under `name`.
    pub const fn new(name: &'static str, limit: u64) -> HourlyQuota {
        HourlyQuota { name, limit }
    }

    /// The window holding `now` (Unix seconds).
    pub fn window(self, now: i64) -> QuotaWindow {
        let hour = now.div_euclid(HOUR_SECONDS);
        QuotaWindow {
            hour,
            expires_at: (hour + 2) * HOUR_SECONDS,
        }
    }

    /// The most a counter may hold before taking `amount` more (the condition of the
    /// write that takes them), or `None` when `amount` alone is past the limit.
    pub fn room_for(self, amount: u64) -> Option<u64> {
        self.limit.checked_sub(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_clock_hours() {
        let quota = HourlyQuota::new("x", 100);
        let start = 1_767_225_600; // 2026-01-01 00:00:00 UTC
        assert_eq!(quota.window(start).hour, quota.window(start + 3599).hour);
        assert_eq!(
            quota.window(start + 3600).hour,
            quota.window(start).hour + 1
        );
        assert_eq!(quota.window(start + 10).expires_at, start + 2 * 3600);
    }

    #[test]
    fn room_before_taking() {
        let quota = HourlyQuota::new("x", 100);
        assert_eq!(quota.room_for(9), Some(91));
        assert_eq!(quota.room_for(100), Some(0));
        assert_eq!(quota.room_for(101), None);
    }
}
