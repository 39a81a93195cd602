//! Service categories: the public list and the admin's create/update.

mod handlers;

use axum::routing::{get, post, put};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `GET /v1/category`, `POST /v1/admin/category`, `PUT /v1/admin/category/{id}`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/category", get(handlers::list_categories))
            .route("/v1/admin/category", post(handlers::create_category))
            .route("/v1/admin/category/{id}", put(handlers::update_category))
            .with_state(state),
    )
}
