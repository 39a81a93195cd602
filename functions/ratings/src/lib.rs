//! Ratings: rate a confirmed order, read an order's rating, list a service's ratings;
//! the admin's moderation and queue by status.

mod handlers;

use axum::routing::{get, post};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// Every `/v1/rating...` route, `POST /v1/admin/rating/{id}/status` and
/// `GET /v1/admin/ratings`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/rating", post(handlers::create))
            .route("/v1/rating/order", get(handlers::of_order))
            .route("/v1/rating/service", get(handlers::of_service))
            .route("/v1/admin/ratings", get(handlers::queue))
            .route("/v1/admin/rating/{id}/status", post(handlers::moderate))
            .with_state(state),
    )
}
