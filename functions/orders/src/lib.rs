//! Orders: place, act on, read, list and count one's orders.

mod handlers;

use axum::routing::{get, post};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// Every `/v1/order...` route.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/order/count", get(handlers::counts))
            .route("/v1/order/my", get(handlers::mine))
            .route("/v1/order", post(handlers::place))
            .route("/v1/order/{id}", get(handlers::detail).post(handlers::act))
            .with_state(state),
    )
}
