//! Lambda entry of the `image-variants` function (no HTTP): S3 upload notifications, the
//! table's stream of expired file records, and the failure queue of upload events Lambda
//! gave up on.

use aws_lambda_events::event::dynamodb::Event as TableEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use shared::AppState;

/// Which source sent an event: the `eventSource` of its records.
fn source(event: &Value) -> Option<&str> {
    event["Records"][0]["eventSource"].as_str()
}

async fn handle(
    state: &AppState,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error> {
    shared::lambda::invocation_started();
    Ok(match source(&event.payload) {
        Some("aws:dynamodb") => {
            let records: TableEvent = serde_json::from_value(event.payload)?;
            serde_json::to_value(image_variants::handle_expired(state, records).await?)?
        }
        // The answer lists the messages to keep (`batchItemFailures`).
        Some("aws:sqs") => {
            let records: SqsEvent = serde_json::from_value(event.payload)?;
            let (kept, outcomes) = image_variants::handle_failed(state, records).await?;
            tracing::info!(?outcomes, "failure queue reconciled");
            serde_json::to_value(kept)?
        }
        _ => {
            let records: S3Event = serde_json::from_value(event.payload)?;
            let outcomes =
                image_variants::handle(state, records, &event.context.request_id).await?;
            serde_json::to_value(outcomes)?
        }
    })
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::lambda::init_tracing(env!("CARGO_PKG_NAME"));
    let state = AppState::from_env()?;
    lambda_runtime::run(service_fn(|event| handle(&state, event))).await
}
