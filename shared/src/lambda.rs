//! The Lambda entry shared by every HTTP function: JSON logs carrying the Lambda request
//! id, state built once, then the runtime loop.

use axum::Router;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::state::AppState;

/// Structured JSON logs; each line carries the runtime's span with `requestId`.
/// `RUST_LOG` filters by level and target (`info`, `warn,shared=debug`; default `info`).
/// The filter is a [`Targets`], not an `EnvFilter`: span and field filters are not
/// needed here, and `EnvFilter`'s regex engine would add a quarter of a megabyte to every
/// binary.
pub fn init_tracing() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    tracing_subscriber::fmt()
        .json()
        .with_max_level(LevelFilter::TRACE)
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_ansi(false)
        .finish()
        .with(filter)
        .init();
}

/// Builds the state from the environment, the router from the state, and serves API
/// Gateway events until the runtime stops.
pub async fn run_http(router: fn(AppState) -> Router) -> Result<(), lambda_http::Error> {
    init_tracing();
    let state = AppState::from_env()?;
    lambda_http::run(router(state)).await
}
