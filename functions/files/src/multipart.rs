//! Reading the seed's multipart form: every part with a file name is one upload, named by
//! its field (`file1`, `file2`, …).

use std::collections::HashSet;

use axum::extract::multipart::Multipart;
use axum::http::StatusCode;
use shared::file::{
    check_count, check_upload, ImageType, UploadSpec, MAX_FILES, MAX_MULTIPART_BYTES,
};
use shared::text::BoundedText;
use shared::ApiError;

/// One file of the form, within the limits.
pub struct Part {
    /// Field name, type and size.
    pub spec: UploadSpec,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The files of the form: 10003 when there is none, 10005 above nine, 10004 for a type
/// other than JPEG/PNG/WebP (by the part's content type, else its file name), 10006 above
/// 4 MiB in total, 10000 for a repeated field name or a malformed form.
pub async fn read_uploads(mut multipart: Multipart) -> Result<Vec<Part>, ApiError> {
    let mut parts = Vec::new();
    let mut names = HashSet::new();
    let mut total: u64 = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(form_error)? {
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        // The field name is the seed's `key`, kept on the record: bounded like a presign key.
        let name = BoundedText::<0, 64>::try_from(field.name().unwrap_or_default().to_owned())
            .map_err(|problem| ApiError::invalid("key", problem))?
            .into_inner();
        if !names.insert(name.clone()) {
            return Err(ApiError::invalid(&name, "field name repeated"));
        }
        if parts.len() == MAX_FILES {
            return Err(ApiError::TooManyFiles);
        }
        let image_type = field
            .content_type()
            .and_then(ImageType::from_content_type)
            .or_else(|| ImageType::from_file_name(&file_name));
        if image_type.is_none() {
            return Err(ApiError::FileType);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(form_error)? {
            total += chunk.len() as u64;
            if total > MAX_MULTIPART_BYTES {
                return Err(ApiError::FileTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        let spec = check_upload(name, image_type, bytes.len() as u64)?;
        parts.push(Part { spec, bytes });
    }
    check_count(parts.len())?;
    Ok(parts)
}

/// A body past the size limit is 10006; any other malformed form is 10000.
fn form_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::FileTooLarge
    } else {
        ApiError::invalid("file", error.body_text())
    }
}
