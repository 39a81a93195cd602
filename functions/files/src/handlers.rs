use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::IntoResponse;
use image_variants::{make_variants, Rejection};
use shared::auth::Role;
use shared::file::{new_variant_token, FileRecord, PresignRequest, VariantFolder, PRESIGN_QUOTA};
use shared::http::{created, ok, CurrentUser, IdPath, JsonBody, MaybeUser};
use shared::{ApiError, AppState};

use crate::multipart::read_uploads;
use crate::storage::{presign_put, Uploaded};

/// `POST /v1/file/presign {files:[{key, content_type, size}]}` → 201, per file
/// `{id, key, upload_url, method, headers, expires_in}`; 429 (10009) past
/// [`shared::file::PRESIGNS_PER_HOUR`] files in the caller's clock hour, and nothing is registered.
pub async fn presign(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(request): JsonBody<PresignRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let uploads = request.into_uploads()?;
    let count = uploads.len() as u64;
    let store = state.store();
    store
        .take_quota(
            &PRESIGN_QUOTA,
            user.id,
            count,
            state.now(),
            ApiError::TooManyRequests,
        )
        .await?;
    let ids = store.next_ids("file", uploads.len()).await?;
    let records = ids
        .iter()
        .zip(&uploads)
        .map(|(id, upload)| {
            let token = new_variant_token()?;
            Ok(FileRecord::pending(
                *id,
                user.id,
                upload,
                token,
                state.now(),
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    store.create_files(&records).await?;
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
        let token = new_variant_token()?;
        let folder = VariantFolder::of(id, Some(&token));
        let size = make_variants(&state, &folder, part.bytes)
            .await
            .map_err(|error| {
                tracing::error!(id, %error, "writing variants failed");
                ApiError::FileSaveFailed
            })?
            .map_err(refused)?;
        let record = FileRecord::uploaded(id, owner, &part.spec, token, size, state.now());
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

/// `GET /v1/file/{id}` → `{id, key, status, path, photo}`: the owner's or an admin's view
/// (an upload nobody owns yet: an admin's only).
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let record = state.store().file(id).await?.ok_or(ApiError::NotFound)?;
    record.check_readable(user.id, user.has(Role::Admin))?;
    Ok(ok(record.view(&state.config().asset_base_url)))
}
