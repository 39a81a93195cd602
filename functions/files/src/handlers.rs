use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::IntoResponse;
use image_variants::{make_variants, Rejection};
use shared::auth::Role;
use shared::file::{FileRecord, PresignRequest};
use shared::http::{created, ok, CurrentUser, IdPath, JsonBody, MaybeUser};
use shared::{ApiError, AppState};

use crate::multipart::read_uploads;
use crate::storage::{presign_put, Uploaded};

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

/// The seed's multipart `POST /v1/file` (fields `file1..fileN`, any names) → 201
/// `[{id, key, path}]`. A token is taken when sent (the uploader owns the files), not
/// required (the course clients send none: the first signed-in user to attach a file
/// claims it). The variants are written before the answer, so `path` loads and `id`
/// attaches at once; a part that is not a usable image is 10004 (10006 above 40 MP), and
/// nothing is recorded.
pub async fn upload(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let parts = read_uploads(multipart.map_err(|_| ApiError::NoFile)?).await?;
    let ids = state.store().next_ids("file", parts.len()).await?;
    let owner = user.map(|user| user.id);
    let mut records = Vec::with_capacity(parts.len());
    let mut answers = Vec::with_capacity(parts.len());
    for (id, part) in ids.into_iter().zip(parts) {
        let size = make_variants(&state, id, part.bytes)
            .await
            .map_err(|error| {
                tracing::error!(id, %error, "writing variants failed");
                ApiError::FileSaveFailed
            })?
            .map_err(refused)?;
        let record = FileRecord::uploaded(id, owner, &part.spec, size, state.now());
        answers.push(Uploaded::new(&state, &record, part.spec.key.clone()));
        records.push(record);
    }
    state.store().create_files(&records).await?;
    Ok(created(answers))
}

/// The seed's code for an original the image code refuses.
fn refused(rejection: Rejection) -> ApiError {
    match rejection {
        Rejection::TooLarge | Rejection::TooManyPixels { .. } => ApiError::FileTooLarge,
        Rejection::NotAnImage | Rejection::Corrupt(_) => ApiError::FileType,
    }
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
