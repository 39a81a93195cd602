//! The Lambda entry shared by every function: JSON logs naming the function (`service`),
//! whether the invocation is a cold start (`cold_start`) and its request id; state built
//! once, then the runtime loop.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use axum::Router;
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::time::SystemTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::state::AppState;

static SERVICE: OnceLock<&'static str> = OnceLock::new();
static INVOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The function's name in logs and metrics (its crate's name), once logging is set up.
pub fn service_name() -> &'static str {
    SERVICE.get().copied().unwrap_or("local")
}

/// Notes that an invocation begins.
pub fn invocation_started() {
    INVOCATIONS.fetch_add(1, Ordering::Relaxed);
}

/// Whether this process is still in its first invocation (or in its start-up before it):
/// Lambda runs one invocation at a time per execution environment.
pub fn cold_start() -> bool {
    INVOCATIONS.load(Ordering::Relaxed) <= 1
}

/// The level filter: `RUST_LOG` when set (levels by target: `warn,shared=debug`; local
/// runs), else the level Lambda passes from the function's `LoggingConfig`
/// (`AWS_LAMBDA_LOG_LEVEL`: `TRACE` … `FATAL`), else `INFO`. A [`Targets`], not an
/// `EnvFilter`: span and field filters are not needed, and `EnvFilter`'s regex engine would
/// add a quarter of a megabyte to every binary.
pub fn level_filter(rust_log: Option<&str>, lambda_level: Option<&str>) -> Targets {
    if let Some(targets) = rust_log.and_then(|directives| directives.parse::<Targets>().ok()) {
        return targets;
    }
    let level = match lambda_level.map(str::to_ascii_uppercase).as_deref() {
        Some("TRACE") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("WARN") => LevelFilter::WARN,
        Some("ERROR" | "FATAL") => LevelFilter::ERROR,
        _ => LevelFilter::INFO,
    };
    Targets::new().with_default(level)
}

/// Each line as tracing's JSON format writes it (timestamp, level, fields, the runtime's
/// span with `requestId`), led by `service` and `cold_start`.
struct LambdaJson(Format<Json, SystemTime>);

impl<S, N> FormatEvent<S, N> for LambdaJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut line = String::new();
        self.0
            .format_event(context, Writer::new(&mut line), event)?;
        let fields = line.strip_prefix('{').unwrap_or(&line);
        write!(
            writer,
            "{{\"service\":{},\"cold_start\":{},{fields}",
            serde_json::Value::from(service_name()),
            cold_start()
        )
    }
}

/// Structured JSON logs and EMF metrics for the function `service`.
pub fn init_tracing(service: &'static str) {
    let _ = SERVICE.set(service);
    crate::metrics::start_writing();
    let filter = level_filter(
        std::env::var("RUST_LOG").ok().as_deref(),
        std::env::var("AWS_LAMBDA_LOG_LEVEL").ok().as_deref(),
    );
    let format = tracing_subscriber::fmt::format()
        .json()
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_ansi(false);
    tracing_subscriber::fmt()
        .fmt_fields(JsonFields::new())
        .event_format(LambdaJson(format))
        .with_max_level(LevelFilter::TRACE)
        .finish()
        .with(filter)
        .init();
}

/// Builds the state from the environment, the router from the state, and serves API
/// Gateway events until the runtime stops.
pub async fn run_http(
    service: &'static str,
    router: fn(AppState) -> Router,
) -> Result<(), lambda_http::Error> {
    init_tracing(service);
    let state = AppState::from_env()?;
    let app = tower::ServiceBuilder::new()
        .map_request(|request| {
            invocation_started();
            request
        })
        .service(router(state));
    lambda_http::run(app).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;
        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    #[test]
    fn every_line_names_the_service_and_whether_the_start_is_cold() {
        let _ = SERVICE.set("orders");
        let lines = Lines::default();
        let format = tracing_subscriber::fmt::format().json().with_target(false);
        let subscriber = tracing_subscriber::fmt()
            .fmt_fields(JsonFields::new())
            .event_format(LambdaJson(format))
            .with_writer(lines.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(order_id = 7, "placed");
            invocation_started();
            invocation_started();
            tracing::warn!("again");
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let parsed: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0]["service"], "orders");
        assert_eq!(parsed[0]["cold_start"], true);
        assert_eq!(parsed[0]["level"], "INFO");
        assert_eq!(parsed[0]["fields"]["order_id"], 7);
        assert_eq!(parsed[1]["cold_start"], false);
        assert_eq!(parsed[1]["fields"]["message"], "again");
    }

    #[test]
    fn the_level_comes_from_rust_log_then_lambda() {
        use tracing::Level;
        let enabled = |filter: Targets, level| filter.would_enable("shared", &level);
        assert!(!enabled(level_filter(None, Some("WARN")), Level::INFO));
        assert!(enabled(level_filter(None, Some("debug")), Level::DEBUG));
        assert!(!enabled(level_filter(None, Some("FATAL")), Level::WARN));
        assert!(enabled(level_filter(None, None), Level::INFO));
        assert!(!enabled(level_filter(None, None), Level::DEBUG));
        assert!(enabled(
            level_filter(Some("shared=trace"), Some("ERROR")),
            Level::TRACE
        ));
    }
}
