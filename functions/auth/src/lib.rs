//! Tokens: exchange a credential pair for a JWT, check a token, end a user's sessions.

mod handlers;

use axum::routing::post;
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `POST /v1/token`, `POST /v1/token/verify`, `POST /v1/token/revoke`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/token", post(handlers::issue_token))
            .route("/v1/token/verify", post(handlers::verify_token))
            .route("/v1/token/revoke", post(handlers::revoke_token))
            .with_state(state),
    )
}
