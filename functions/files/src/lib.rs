//! Uploads: `POST /v1/file/presign` (presigned S3 PUTs of originals to
//! `uploads/{user_id}/{file_id}`, where the `image-variants` function picks them up), the
//! seed's multipart `POST /v1/file` (variants made before it answers, with the same image
//! code), and `GET /v1/file/{id}`. This function also takes every request no route matched
//! (API Gateway's `$default`, the local router's catch-all): see [`collapsing_slashes`].

mod handlers;
mod multipart;
mod storage;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use shared::file::{MAX_MULTIPART_BYTES, MULTIPART_FRAMING_BYTES};
use shared::http::{collapsing_slashes, with_envelope};
use shared::AppState;

/// `POST /v1/file`, `POST /v1/file/presign`, `GET /v1/file/{id}`, and whatever no route
/// matched.
pub fn router(state: AppState) -> Router {
    collapsing_slashes(with_envelope(
        Router::new()
            .route("/v1/file", post(handlers::upload))
            .route("/v1/file/presign", post(handlers::presign))
            .route("/v1/file/{id}", get(handlers::file))
            .layer(DefaultBodyLimit::max(
                (MAX_MULTIPART_BYTES + MULTIPART_FRAMING_BYTES) as usize,
            ))
            .with_state(state),
    ))
}
