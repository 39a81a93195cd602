//! Failed-login throttling: failures are counted per source IP and per `i_code` in windows
//! that open at the first failure and last `window_seconds`; once a window holds the
//! limit, every login it covers is refused (429) until it closes — a correct pair too,
//! so guessing gains nothing by getting one right.

use serde::{Deserialize, Serialize};

/// What a login is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginSubject {
    /// The caller's address, as API Gateway gives it.
    SourceIp(String),
    /// The pair's code.
    ICode(String),
}

/// One subject's failures in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureWindow {
    /// Failures counted since `opened_at`.
    pub failures: u64,
    /// When the window opened (the first failure), Unix seconds.
    pub opened_at: i64,
}

impl FailureWindow {
    /// When this window closes.
    pub fn closes_at(&self, window_seconds: i64) -> i64 {
        self.opened_at + window_seconds
    }

    /// Seconds until logins are admitted again, when this window refuses them at `now`.
    pub fn refusal(&self, limit: u64, window_seconds: i64, now: i64) -> Option<i64> {
        let open = now < self.closes_at(window_seconds);
        (open && self.failures >= limit).then(|| self.closes_at(window_seconds) - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_refuses_at_its_limit_until_it_closes() {
        let window = |failures| FailureWindow {
            failures,
            opened_at: 1_000,
        };
        let cases = [
            // (failures, now, refusal)
            (9, 1_000, None),
            (10, 1_000, Some(900)),
            (10, 1_899, Some(1)),
            (10, 1_900, None),
            (11, 1_450, Some(450)),
        ];
        for (failures, now, expected) in cases {
            assert_eq!(
                window(failures).refusal(10, 900, now),
                expected,
                "{failures} failures at {now}"
            );
        }
    }
}
