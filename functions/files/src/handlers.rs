use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::IntoResponse;
use shared::auth::Role;
use shared::file::{FileRecord, PresignRequest};
use shared::http::{created, ok, CurrentUser, IdPath, JsonBody};
use shared::{ApiError, AppState};

use crate::multipart::read_uploads;
use crate::storage::{presign_put, put_original, Uploaded};

/// `POST /v1/file/presign {files:[{key, content_type, size}]}` → 201, per file
/// `{id, key, upload_url, method, headers, expires_in}`.
pub async fn presign(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(request): JsonBody<PresignRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let uploads = request.into_uploads()?;
    let ids = state.store().next_ids("file", uploads.len()).await?;
    let records: Vec<FileRecord> = ids
        .iter()
        .zip(&uploads)
        .map(|(id, upload)| FileRecord::pending(*id, user.id, upload, state.now()))
        .collect();
    state.store().create_files(&records).await?;
    let mut answers = Vec::with_capacity(records.len());
    for (record, upload) in records.iter().zip(uploads) {
        answers.push(presign_put(&state, record, upload.key).await?);
    }
    Ok(created(answers))
}

/// The seed's multipart `POST /v1/file` (fields `file1..fileN`) → 201 `[{id, key, path}]`.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let parts = read_uploads(multipart.map_err(|_| ApiError::NoFile)?).await?;
    let ids = state.store().next_ids("file", parts.len()).await?;
    let records: Vec<FileRecord> = ids
        .iter()
        .zip(&parts)
        .map(|(id, part)| FileRecord::pending(*id, user.id, &part.spec, state.now()))
        .collect();
    state.store().create_files(&records).await?;
    let mut answers = Vec::with_capacity(records.len());
    for (record, part) in records.iter().zip(parts) {
        put_original(&state, record, part.bytes).await?;
        answers.push(Uploaded::new(&state, record, part.spec.key));
    }
    Ok(created(answers))
}

/// `GET /v1/file/{id}` → `{id, key, status, path, photo}`: the owner's or an admin's view.
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let record = state.store().file(id).await?.ok_or(ApiError::NotFound)?;
    record.check_readable(user.id, user.has(Role::Admin))?;
    Ok(ok(record.view(&state.config().asset_base_url)))
}
