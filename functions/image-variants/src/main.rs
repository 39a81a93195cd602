//! Lambda entry of the `image-variants` function (no HTTP): S3 upload notifications, and the
//! table's stream of expired file records.

use aws_lambda_events::event::dynamodb::Event as TableEvent;
use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use shared::AppState;

/// Which source sent an event: the `eventSource` of its records.
fn from_table(event: &Value) -> bool {
    event["Records"][0]["eventSource"] == "aws:dynamodb"
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::lambda::init_tracing();
    let state = AppState::from_env()?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            let outcomes = if from_table(&event.payload) {
                let records: TableEvent = serde_json::from_value(event.payload)?;
                image_variants::handle_expired(&state, records).await?
            } else {
                let records: S3Event = serde_json::from_value(event.payload)?;
                image_variants::handle(&state, records, &event.context.request_id).await?
            };
            Ok::<_, lambda_runtime::Error>(serde_json::to_value(outcomes)?)
        }
    }))
    .await
}
