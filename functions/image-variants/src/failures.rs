//! Upload events Lambda gave up on. S3 invokes this function asynchronously; after its
//! retries (template.yaml: `EventInvokeConfig`) Lambda sends a destination record (the
//! event, the invocation's request id, the last error) to the failure queue, which this
//! function also consumes. Each file named there ends `failed` with a reason, unless a
//! live claim of another delivery is still at work on it: then the message goes back to
//! the queue (a batch item failure) and comes again once that claim is over. A message
//! that cannot be read also goes back, and after its last receive the queue's own
//! dead-letter queue keeps it for an operator, with an alarm.

use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use serde::Deserialize;
use serde_json::Value;
use shared::file::Exhausted;
use shared::{ApiError, AppState};

use crate::metrics::{self, PipelineOutcome};
use crate::pipeline::{file_of, skipped, Outcome};

/// What the uploader reads in the file's `reason`: the cause goes to the logs, not to them.
pub const GAVE_UP: &str = "the image could not be processed; upload it again";

/// The destination record Lambda sends on failure (the fields read here).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRecord {
    /// The invocation that failed.
    pub request_context: RequestContext,
    /// The event it was given.
    pub request_payload: S3Event,
    /// What the last attempt answered (`errorMessage`, `errorType`).
    #[serde(default)]
    pub response_payload: Value,
}

/// The invocation a destination record is about.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The invocation's request id: every retry of an asynchronous invocation has it.
    pub request_id: String,
    /// Why Lambda gave up: `RetriesExhausted` or `EventAgeExceeded`.
    pub condition: String,
    /// How many times the event was tried.
    #[serde(default)]
    pub approximate_invoke_count: u32,
}

/// Marks the files of every destination record in `event` failed; the messages to keep
/// for another try are the batch item failures.
pub async fn handle_failed(
    state: &AppState,
    event: SqsEvent,
) -> Result<(SqsBatchResponse, Vec<Outcome>), ApiError> {
    let mut response = SqsBatchResponse::default();
    let mut outcomes = Vec::new();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let record = message
            .body
            .as_deref()
            .map(serde_json::from_str::<DestinationRecord>);
        let record = match record {
            Some(Ok(record)) => record,
            Some(Err(error)) => {
                tracing::error!(message_id = id, %error, "failure queue message is not a destination record");
                response.add_failure(id);
                continue;
            }
            None => {
                tracing::error!(message_id = id, "failure queue message without a body");
                response.add_failure(id);
                continue;
            }
        };
        match reconcile(state, &record).await {
            Ok(mut done)
                if done
                    .iter()
                    .all(|outcome| !matches!(outcome, Outcome::Waiting { .. })) =>
            {
                outcomes.append(&mut done);
            }
            Ok(mut waiting) => {
                outcomes.append(&mut waiting);
                response.add_failure(id);
            }
            Err(error) => {
                tracing::error!(
                    message_id = id,
                    ?error,
                    "failure queue message not reconciled"
                );
                response.add_failure(id);
            }
        }
    }
    Ok((response, outcomes))
}

/// Gives up on each file of `record`'s event.
async fn reconcile(state: &AppState, record: &DestinationRecord) -> Result<Vec<Outcome>, ApiError> {
    let context = &record.request_context;
    let mut outcomes = Vec::new();
    for s3 in &record.request_payload.records {
        let key = s3.s3.object.key.as_deref().unwrap_or_default();
        tracing::warn!(
            key,
            request_id = context.request_id,
            condition = context.condition,
            attempts = context.approximate_invoke_count,
            error = %record.response_payload,
            "Lambda gave up on an upload event"
        );
        outcomes.push(give_up(state, key, &context.request_id).await?);
    }
    Ok(outcomes)
}

/// Marks the file of the original at `key` failed, if nothing else is at work on it.
async fn give_up(state: &AppState, key: &str, request_id: &str) -> Result<Outcome, ApiError> {
    let file = match file_of(state, key).await? {
        Ok(file) => file,
        Err(skip) => return Ok(skip),
    };
    let (store, id) = (state.store(), file.id);
    match file.when_retries_exhausted(request_id, state.now()) {
        Exhausted::Nothing => Ok(skipped(key, "the file is done with")),
        Exhausted::Wait => Ok(Outcome::Waiting { id }),
        Exhausted::GiveUp => match store.give_up_file(&file, GAVE_UP).await? {
            Some(_) => {
                metrics::pipeline(PipelineOutcome::Failed, None);
                Ok(Outcome::Failed {
                    id,
                    reason: GAVE_UP.to_owned(),
                })
            }
            // A delivery claimed or finished it meanwhile: the next message decides.
            None => Ok(Outcome::Waiting { id }),
        },
    }
}
