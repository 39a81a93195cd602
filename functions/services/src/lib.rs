//! Services: the published list, a publisher's own services and counts, create, read,
//! act, edit; the admin audit and forced take-down, and the admin queue by status.

mod handlers;

use axum::routing::{get, post};
use axum::Router;
use shared::http::with_envelope;
use shared::AppState;

/// Every `/v1/service...` route, `POST /v1/admin/service/{id}/{audit,off-shelf}` and
/// `GET /v1/admin/services`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/service/list", get(handlers::published))
            .route("/v1/service", post(handlers::create))
            .route("/v1/service/my", get(handlers::mine))
            .route("/v1/service/count", get(handlers::counts))
            .route(
                "/v1/service/{id}",
                get(handlers::detail)
                    .post(handlers::act)
                    .put(handlers::edit),
            )
            .route("/v1/admin/services", get(handlers::queue))
            .route("/v1/admin/service/{id}/audit", post(handlers::audit))
            .route(
                "/v1/admin/service/{id}/off-shelf",
                post(handlers::off_shelf),
            )
            .with_state(state),
    )
}
