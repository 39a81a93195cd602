//! One upload event, end to end: decide from the file record, claim it, read the original,
//! render the variants, write them, record the outcome, drop the original.

use aws_lambda_events::event::s3::S3Event;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use serde::Serialize;
use shared::file::{
    parse_upload_key, Delivery, FileRecord, VariantFolder, CLAIM_LEASE_SECONDS, MAX_FILE_BYTES,
};
use shared::store::files::FileOutcome;
use shared::{ApiError, AppState};

use crate::metrics::{self, Measure, PipelineOutcome};
use crate::variants::{render, Encoded, Rejection};

/// What became of one object of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Nothing to do (a redelivery, a duplicate in flight, or not an upload).
    Skipped {
        /// The object key.
        key: String,
        /// Why.
        why: String,
    },
    /// Variants written, file `ready`.
    Ready {
        /// File id.
        id: u64,
    },
    /// The original was refused, file `failed`.
    Failed {
        /// File id.
        id: u64,
        /// Why.
        reason: String,
    },
    /// The file's record expired; its variants were deleted.
    Expired {
        /// File id.
        id: u64,
    },
    /// Lambda gave up on the file's event while another delivery holds a live claim on
    /// it: asked again later.
    Waiting {
        /// File id.
        id: u64,
    },
}

pub(crate) fn skipped(key: &str, why: &str) -> Outcome {
    Outcome::Skipped {
        key: key.to_owned(),
        why: why.to_owned(),
    }
}

/// Handles every record of `event`; `delivery` identifies this invocation (the Lambda
/// request id) and makes each claim's token unique.
pub async fn handle(
    state: &AppState,
    event: S3Event,
    delivery: &str,
) -> Result<Vec<Outcome>, ApiError> {
    let mut outcomes = Vec::with_capacity(event.records.len());
    for (index, record) in event.records.into_iter().enumerate() {
        let key = record.s3.object.key.unwrap_or_default();
        let etag = record.s3.object.e_tag.unwrap_or_default();
        let token = format!("{delivery}#{index}");
        let outcome = process(state, &key, etag.trim_matches('"'), &token).await?;
        tracing::info!(?outcome, key, "processed");
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// The record of the file whose original is at `key`, or the outcome to answer when there
/// is none.
pub(crate) async fn file_of(
    state: &AppState,
    key: &str,
) -> Result<Result<FileRecord, Outcome>, ApiError> {
    let Some((owner_id, id)) = parse_upload_key(key) else {
        return Ok(Err(skipped(key, "not an upload key")));
    };
    let file = state.store().file(id).await?;
    Ok(file
        .filter(|file| file.owner_id == Some(owner_id))
        .ok_or_else(|| skipped(key, "no file record for this key")))
}

/// Processes the original at `key` with `etag` under the claim token `token`.
pub async fn process(
    state: &AppState,
    key: &str,
    etag: &str,
    token: &str,
) -> Result<Outcome, ApiError> {
    let file = match file_of(state, key).await? {
        Ok(file) => file,
        Err(skip) => return Ok(skip),
    };
    let (store, id) = (state.store(), file.id);
    let now = state.now();
    let action = match file.delivery(etag, now) {
        Delivery::Process(action) => action,
        Delivery::Skip => return Ok(skipped(key, "already processed or in progress")),
        Delivery::Refuse => {
            tracing::warn!(key, etag, status = ?file.status, "second object under a finished file's key");
            return Ok(skipped(
                key,
                "the file is done with: a presigned upload is used once",
            ));
        }
        Delivery::Retry => {
            return Err(ApiError::internal(format!(
                "{key}: another original is being processed"
            )))
        }
    };
    if store
        .claim_file(&file, action, etag, token, now + CLAIM_LEASE_SECONDS)
        .await?
        .is_none()
    {
        return Ok(skipped(key, "another delivery claimed it"));
    }
    let started = std::time::Instant::now();
    let outcome = match read_original(state, key, etag).await? {
        Ok(bytes) => match make_variants(state, &file.variant_folder(), bytes).await? {
            Ok((width, height)) => FileOutcome::Ready { width, height },
            Err(rejection) => FileOutcome::Failed {
                reason: rejection.to_string(),
            },
        },
        Err(reason) => FileOutcome::Failed { reason },
    };
    store.finish_file(id, token, &outcome).await?;
    let milliseconds = started.elapsed().as_secs_f64() * 1000.0;
    Ok(match outcome {
        FileOutcome::Ready { width, height } => {
            metrics::pipeline(
                PipelineOutcome::Ready,
                Some(Measure {
                    milliseconds,
                    megapixels: Some(f64::from(width) * f64::from(height) / 1e6),
                }),
            );
            delete_original(state, key).await;
            Outcome::Ready { id }
        }
        FileOutcome::Failed { reason } => {
            let measure = Measure {
                milliseconds,
                megapixels: None,
            };
            metrics::pipeline(PipelineOutcome::Rejected, Some(measure));
            Outcome::Failed { id, reason }
        }
    })
}

/// The original's bytes, if it is still the one with `etag` and within the size limit
/// (checked before reading the body); `Err(reason)` when it is not.
async fn read_original(
    state: &AppState,
    key: &str,
    etag: &str,
) -> Result<Result<Vec<u8>, String>, ApiError> {
    let result = state
        .s3()
        .get_object()
        .bucket(state.bucket()?)
        .key(key)
        .if_match(format!("\"{etag}\""))
        .send()
        .await;
    let object = match result {
        Ok(object) => object,
        Err(error) => {
            let status = error
                .raw_response()
                .map(|response| response.status().as_u16());
            return match status {
                Some(404) => Ok(Err("the original is gone".to_owned())),
                Some(412) => Ok(Err(
                    "the original was replaced while it was processed".to_owned()
                )),
                _ => Err(ApiError::internal(format!(
                    "get {key}: {}",
                    DisplayErrorContext(&error)
                ))),
            };
        }
    };
    if object
        .content_length()
        .is_some_and(|length| length as u64 > MAX_FILE_BYTES)
    {
        return Ok(Err(Rejection::TooLarge.to_string()));
    }
    let bytes = object
        .body
        .collect()
        .await
        .map_err(|error| ApiError::internal(format!("read {key}: {error}")))?;
    Ok(Ok(bytes.to_vec()))
}

/// Renders the variants of a file from its `original` (on a blocking thread) and writes
/// them into `folder`: the pixel size of `ori`, or why the original is refused. The one
/// image path of the product: the upload event's pipeline and the multipart `POST /v1/file`
/// both come here.
pub async fn make_variants(
    state: &AppState,
    folder: &VariantFolder,
    original: Vec<u8>,
) -> Result<Result<(u32, u32), Rejection>, ApiError> {
    let rendered = tokio::task::spawn_blocking(move || render(&original))
        .await
        .map_err(ApiError::internal)?;
    match rendered {
        Ok(variants) => write_variants(state, folder, variants).await.map(Ok),
        Err(rejection) => Ok(Err(rejection)),
    }
}

/// Writes the four variants into `folder` (concurrently), each buffer handed to its request
/// rather than copied; answers the size of `ori`.
async fn write_variants(
    state: &AppState,
    folder: &VariantFolder,
    variants: Vec<Encoded>,
) -> Result<(u32, u32), ApiError> {
    let bucket = state.bucket()?;
    let ori = variants
        .first()
        .map(|ori| (ori.width, ori.height))
        .ok_or_else(|| ApiError::internal("no variants"))?;
    let puts = variants.into_iter().map(|encoded| {
        state
            .s3()
            .put_object()
            .bucket(bucket)
            .key(folder.key(encoded.variant))
            .content_type("image/jpeg")
            .cache_control("public, max-age=31536000, immutable")
            .body(ByteStream::from(encoded.jpeg))
            .send()
    });
    futures::future::try_join_all(puts).await.map_err(|error| {
        ApiError::internal(format!("put variants: {}", DisplayErrorContext(&error)))
    })?;
    Ok(ori)
}

/// The original (with whatever metadata it carried) is not kept once `ori` exists; a
/// failure here only leaves it to the bucket's lifecycle rule.
async fn delete_original(state: &AppState, key: &str) {
    let Ok(bucket) = state.bucket() else { return };
    if let Err(error) = state
        .s3()
        .delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
    {
        tracing::warn!(key, error = %DisplayErrorContext(&error), "original not deleted");
    }
}
