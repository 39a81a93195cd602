//! The console: the web page of platform operators, design companies and mobilization
//! commanders, a single-page app (`console/`, built to `console/dist`) served on the API's
//! own origin, so its requests carry the API's `token` cookie and need no CORS.

mod handlers;

use axum::routing::get;
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// `GET /console` (the page) and `GET /console/assets/{file}` (its scripts and styles).
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/console", get(handlers::page))
            .route("/console/assets/{file}", get(handlers::asset))
            .with_state(state),
    )
}
