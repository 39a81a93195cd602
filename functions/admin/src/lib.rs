//! Credential pairs and roles, for admins: register, list, remove pairs; set a user's roles.

mod handlers;

use axum::routing::{delete, post, put};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `POST /v1/admin/credential`, `GET /v1/admin/credential`,
/// `DELETE /v1/admin/credential/{id}`, `PUT /v1/admin/user/{id}/roles`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route(
                "/v1/admin/credential",
                post(handlers::register_credential).get(handlers::list_credentials),
            )
            .route(
                "/v1/admin/credential/{id}",
                delete(handlers::remove_credential),
            )
            .route("/v1/admin/user/{id}/roles", put(handlers::set_roles))
            .with_state(state),
    )
}
