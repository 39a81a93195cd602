//! Tokens: exchange a credential pair for a JWT, and check a token.

mod handlers;

use axum::routing::post;
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `POST /v1/token`, `POST /v1/token/verify`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/token", post(handlers::issue_token))
            .route("/v1/token/verify", post(handlers::verify_token))
            .with_state(state),
    )
}
