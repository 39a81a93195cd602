//! The current user: profile and IM signature.

mod handlers;

use axum::routing::get;
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `GET/PUT /v1/user`, `GET /v1/user/sign`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route(
                "/v1/user",
                get(handlers::show_user).put(handlers::update_user),
            )
            .route("/v1/user/sign", get(handlers::im_signature))
            .with_state(state),
    )
}
