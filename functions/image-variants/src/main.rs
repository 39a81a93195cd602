//! Lambda entry of the `image-variants` function (S3 events, no HTTP).

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::{service_fn, LambdaEvent};
use shared::AppState;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::lambda::init_tracing();
    let state = AppState::from_env()?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<S3Event>| {
        let state = state.clone();
        async move {
            let outcomes =
                image_variants::handle(&state, event.payload, &event.context.request_id).await?;
            Ok::<_, lambda_runtime::Error>(serde_json::to_value(outcomes)?)
        }
    }))
    .await
}
