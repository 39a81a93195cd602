//! Uploads: `POST /v1/file/presign` (presigned S3 PUTs, the way clients should upload),
//! the seed's multipart `POST /v1/file`, and `GET /v1/file/{id}`. Both upload routes put
//! the original under `uploads/{user_id}/{file_id}`, where the `image-variants` function
//! picks it up.

mod handlers;
mod multipart;
mod storage;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use shared::file::MAX_MULTIPART_BYTES;
use shared::http::with_envelope;
use shared::AppState;

/// Room for the multipart framing around [`MAX_MULTIPART_BYTES`] of files.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// `POST /v1/file`, `POST /v1/file/presign`, `GET /v1/file/{id}`.
pub fn router(state: AppState) -> Router {
    with_envelope(
        Router::new()
            .route("/v1/file", post(handlers::upload))
            .route("/v1/file/presign", post(handlers::presign))
            .route("/v1/file/{id}", get(handlers::file))
            .layer(DefaultBodyLimit::max(
                MAX_MULTIPART_BYTES as usize + MULTIPART_OVERHEAD,
            ))
            .with_state(state),
    )
}
