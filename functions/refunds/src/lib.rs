//! Refunds: request, act on, read and list; the admin's refund execution and queue by status.

mod handlers;

use axum::routing::{get, post};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// Every `/v1/refund...` route, `POST /v1/admin/refund/{id}/refunded` and
/// `GET /v1/admin/refunds`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/refund", post(handlers::request).get(handlers::mine))
            .route("/v1/refund/process", get(handlers::open))
            .route("/v1/refund/{id}", get(handlers::detail).post(handlers::act))
            .route("/v1/admin/refunds", get(handlers::queue))
            .route("/v1/admin/refund/{id}/refunded", post(handlers::refunded))
            .with_state(state),
    )
}
