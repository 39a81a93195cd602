//! Credential pairs: registration and listing, for admins.

mod handlers;

use axum::routing::post;
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `POST /v1/admin/credential`, `GET /v1/admin/credential`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route(
                "/v1/admin/credential",
                post(handlers::register_credential).get(handlers::list_credentials),
            )
            .with_state(state),
    )
}
