//! The S3 side of uploads: presigned PUT URLs and originals sent through the API.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_s3::presigning::PresigningConfig;
use serde::Serialize;
use shared::file::{FileRecord, Variant, PRESIGN_TTL_SECONDS};
use shared::{ApiError, AppState};

/// One presigned upload: PUT `upload_url` with exactly `headers` and the declared bytes.
#[derive(Debug, Serialize)]
pub struct PresignedUpload {
    id: u64,
    key: String,
    upload_url: String,
    method: &'static str,
    headers: BTreeMap<String, String>,
    expires_in: u64,
}

/// A presigned PUT of `record`'s original: the signature covers the content type and the
/// content length, so S3 refuses another type or size, and `If-None-Match: *`, so S3
/// refuses to write over an original that is there (a URL used twice while its first
/// upload waits or fails; the pipeline refuses any later object of a finished file). It
/// expires after 15 minutes, counted from the state's clock.
pub async fn presign_put(
    state: &AppState,
    record: &FileRecord,
    label: String,
) -> Result<PresignedUpload, ApiError> {
    let start = UNIX_EPOCH + Duration::from_secs(u64::try_from(state.now()).unwrap_or_default());
    let presigning = PresigningConfig::builder()
        .start_time(start)
        .expires_in(Duration::from_secs(PRESIGN_TTL_SECONDS))
        .build()
        .map_err(ApiError::internal)?;
    let size = i64::try_from(record.size).map_err(ApiError::internal)?;
    let request = state
        .s3()
        .put_object()
        .bucket(state.bucket()?)
        .key(&record.key)
        .content_type(&record.content_type)
        .content_length(size)
        .if_none_match("*")
        .presigned(presigning)
        .await
        .map_err(|error| ApiError::internal(format!("presign: {error}")))?;
    let signed = signed_headers(request.uri());
    Ok(PresignedUpload {
        id: record.id,
        key: label,
        upload_url: request.uri().to_owned(),
        method: "PUT",
        headers: request
            .headers()
            .filter(|(name, _)| signed.iter().any(|s| s.eq_ignore_ascii_case(name)))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        expires_in: PRESIGN_TTL_SECONDS,
    })
}

/// The headers a presigned URL signs (its `X-Amz-SignedHeaders`): the client must send
/// exactly these; others the SDK attaches (trace ids) are not part of the contract.
fn signed_headers(uri: &str) -> Vec<String> {
    let query = uri.split_once('?').map_or("", |(_, query)| query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "X-Amz-SignedHeaders")
        .map(|(_, value)| value.split(';').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The seed's answer per uploaded file: `{id, key, path}`, `path` the full-size variant.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    id: u64,
    key: String,
    path: String,
}

impl Uploaded {
    /// The answer for `record`, uploaded as field `label`.
    pub fn new(state: &AppState, record: &FileRecord, label: String) -> Self {
        Uploaded {
            id: record.id,
            key: label,
            path: record.variant_url(&state.config().asset_base_url, Variant::Ori),
        }
    }
}
