//! The Lambda entry shared by every HTTP function: JSON logs carrying the Lambda request
//! id, state built once, then the runtime loop.

use axum::Router;
use tracing_subscriber::EnvFilter;

use crate::state::AppState;

/// Structured JSON logs; each line carries the runtime's span with `requestId`.
/// `RUST_LOG` filters (default `info`).
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_span_list(true)
        .with_target(false)
        .with_ansi(false)
        .init();
}

/// Builds the state from the environment, the router from the state, and serves API
/// Gateway events until the runtime stops.
pub async fn run_http(router: fn(AppState) -> Router) -> Result<(), lambda_http::Error> {
    init_tracing();
    let state = AppState::from_env().await?;
    lambda_http::run(router(state)).await
}
