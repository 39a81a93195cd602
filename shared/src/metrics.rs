//! CloudWatch metrics as log lines in the embedded metric format (EMF): one JSON object
//! per measurement on stdout, which CloudWatch Logs turns into metrics with no API call
//! and no extra permission. The namespace is `METRICS_NAMESPACE` (one per stack), the
//! dimensions are the function's `service` and the measurement's `outcome`.
//!
//! Format: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html>

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{json, Map, Value};

use crate::lambda::service_name;

/// The namespace where `METRICS_NAMESPACE` is not set (local runs).
pub const DEFAULT_NAMESPACE: &str = "Homemaking";

static WRITING: AtomicBool = AtomicBool::new(false);

/// Makes [`emit`] write: a function's process does at start-up (`shared::lambda`); code
/// linked elsewhere (the test suite, operator commands) writes no metrics.
pub fn start_writing() {
    WRITING.store(true, Ordering::Relaxed);
}

/// The unit of a value, as CloudWatch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of events.
    Count,
    /// A duration.
    Milliseconds,
    /// A plain number (megapixels).
    None,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
            Unit::None => "None",
        }
    }
}

/// One value of a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric {
    /// Its name (`Logins`, `ProcessingMs`).
    pub name: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// Its value.
    pub value: f64,
}

impl Metric {
    /// One event counted as `name`.
    pub fn count(name: &'static str) -> Metric {
        Metric {
            name,
            unit: Unit::Count,
            value: 1.0,
        }
    }
}

/// The EMF object for `metrics` measured at `timestamp_ms` by `service` with `outcome`.
pub fn emf(
    namespace: &str,
    service: &str,
    outcome: &str,
    metrics: &[Metric],
    timestamp_ms: i64,
) -> Value {
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|metric| json!({"Name": metric.name, "Unit": metric.unit.name()}))
        .collect();
    let mut line = Map::new();
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [["service", "outcome"]],
                "Metrics": definitions,
            }],
        }),
    );
    line.insert("service".into(), service.into());
    line.insert("outcome".into(), outcome.into());
    for metric in metrics {
        line.insert(metric.name.into(), metric.value.into());
    }
    Value::Object(line)
}

/// Writes one measurement with `outcome` to stdout, beside the function's logs, once
/// [`start_writing`] was called.
pub fn emit(outcome: &str, metrics: &[Metric]) {
    if !WRITING.load(Ordering::Relaxed) {
        return;
    }
    let namespace = std::env::var("METRICS_NAMESPACE")
        .ok()
        .filter(|namespace| !namespace.is_empty());
    let line = emf(
        namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE),
        service_name(),
        outcome,
        metrics,
        chrono::Utc::now().timestamp_millis(),
    );
    let mut stdout = std::io::stdout().lock();
    // A metric that cannot be written is lost; the request goes on.
    let _ = writeln!(stdout, "{line}");
}

/// How a login ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Signed in.
    Ok,
    /// An unknown pair (9999), counted against the caller.
    Refused,
    /// Refused unread: the caller or the `i_code` failed too often (429).
    Throttled,
}

/// Counts a login as `Logins` with its outcome (`ok`, `refused`, `throttled`).
pub fn login(outcome: LoginOutcome) {
    let outcome = match outcome {
        LoginOutcome::Ok => "ok",
        LoginOutcome::Refused => "refused",
        LoginOutcome::Throttled => "throttled",
    };
    emit(outcome, &[Metric::count("Logins")]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emf_line_declares_each_value_under_the_service_and_outcome() {
        let line = emf(
            "Homemaking/homemaking-dev",
            "image-variants",
            "ready",
            &[
                Metric::count("Files"),
                Metric {
                    name: "ProcessingMs",
                    unit: Unit::Milliseconds,
                    value: 312.0,
                },
            ],
            1_765_000_000_000,
        );
        assert_eq!(
            line,
            json!({
                "_aws": {
                    "Timestamp": 1_765_000_000_000_i64,
                    "CloudWatchMetrics": [{
                        "Namespace": "Homemaking/homemaking-dev",
                        "Dimensions": [["service", "outcome"]],
                        "Metrics": [
                            {"Name": "Files", "Unit": "Count"},
                            {"Name": "ProcessingMs", "Unit": "Milliseconds"}
                        ]
                    }]
                },
                "service": "image-variants",
                "outcome": "ready",
                "Files": 1.0,
                "ProcessingMs": 312.0
            })
        );
    }
}
