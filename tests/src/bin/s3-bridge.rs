//! Local stand-in for S3 bucket notifications (the local S3 server sends none): polls
//! `BUCKET_NAME` under `uploads/` and, for each new object or new ETag, invokes the
//! `image-variants` function with an S3 `ObjectCreated` event through `cargo lambda
//! watch`'s invoke API (`INVOKE_URL`, default port 9000), like the deployed notification:
//! asynchronously, retried twice when it fails, then handed to the function as a message of
//! its failure queue until the function lets it go (`api_tests::async_invoke`).
//! It also serves `variants/...` read-only on `ASSETS_ADDRESS` (default 127.0.0.1:8015), the
//! local stand-in for the CDN in front of the private bucket (the local S3 answers only
//! signed requests), so that `ASSET_BASE_URL` links open in a browser.

use std::collections::HashMap;
use std::time::Duration;

use api_tests::async_invoke::{
    deliver, failure_queue_event, retry_delay, Delivered, MAX_RECEIVES, VISIBILITY_TIMEOUT,
};
use api_tests::s3_event::object_created;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use shared::AppState;

/// How often the bucket is listed: well inside the 2 s an upload may take to show variants.
const POLL: Duration = Duration::from_millis(300);

#[tokio::main]
async fn main() -> Result<(), String> {
    let state = AppState::from_env().map_err(|error| error.to_string())?;
    let bucket = state
        .bucket()
        .map_err(|error| error.to_string())?
        .to_owned();
    let invoke_url = std::env::var("INVOKE_URL").unwrap_or_else(|_| {
        "http://127.0.0.1:9000/2015-03-31/functions/image-variants/invocations".to_owned()
    });
    let assets_address =
        std::env::var("ASSETS_ADDRESS").unwrap_or_else(|_| "127.0.0.1:8015".to_owned());
    let listener = tokio::net::TcpListener::bind(&assets_address)
        .await
        .map_err(|error| format!("{assets_address}: {error}"))?;
    let assets = Router::new()
        .route("/variants/{*rest}", get(variant))
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, assets).await });
    println!("s3-bridge: serving variants at http://{assets_address}/variants/...");
    let http = reqwest::Client::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut invocations = 0u64;
    println!("s3-bridge: {bucket}/uploads/ → {invoke_url}");
    loop {
        let listing = state
            .s3()
            .list_objects_v2()
            .bucket(&bucket)
            .prefix("uploads/")
            .send()
            .await;
        match listing {
            Ok(listing) => {
                for object in listing.contents() {
                    let Some(key) = object.key() else {
                        continue;
                    };
                    // The local server's listing carries no ETag: note the object's
                    // version by time and size, and ask for the ETag when it changes.
                    let version = format!("{:?}/{:?}", object.last_modified(), object.size());
                    if seen.get(key) == Some(&version) {
                        continue;
                    }
                    let head = state
                        .s3()
                        .head_object()
                        .bucket(&bucket)
                        .key(key)
                        .send()
                        .await;
                    let Some(etag) = head.ok().and_then(|head| head.e_tag().map(str::to_owned))
                    else {
                        continue;
                    };
                    seen.insert(key.to_owned(), version);
                    let event = object_created(&bucket, key, &etag, object.size().unwrap_or(0));
                    invocations += 1;
                    tokio::spawn(invoke_async(
                        http.clone(),
                        invoke_url.clone(),
                        key.to_owned(),
                        serde_json::to_value(event).unwrap_or_default(),
                        format!("s3-bridge-{invocations}"),
                    ));
                }
            }
            Err(error) => eprintln!("s3-bridge: list {bucket}: {error}"),
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Invokes the function with `event` as Lambda invokes it asynchronously, and hands what it
/// gave up on to the function as its failure queue does, until the function lets it go.
async fn invoke_async(
    http: reqwest::Client,
    url: String,
    key: String,
    event: Value,
    request_id: String,
) {
    let delivered = deliver(
        &event,
        &request_id,
        |event| invoke(&http, &url, event),
        |retry| tokio::time::sleep(retry_delay(retry)),
    )
    .await;
    let Delivered::GaveUp(record) = delivered else {
        println!("s3-bridge: {key} processed");
        return;
    };
    eprintln!("s3-bridge: {key}: every attempt failed; to the failure queue");
    let message = failure_queue_event(&[record]);
    for _ in 0..MAX_RECEIVES {
        match invoke(&http, &url, message.clone()).await {
            Ok(answer)
                if answer["batchItemFailures"]
                    .as_array()
                    .is_some_and(Vec::is_empty) =>
            {
                println!("s3-bridge: {key}: the failure queue's message is done");
                return;
            }
            Ok(_) => println!("s3-bridge: {key}: kept in the failure queue"),
            Err(error) => {
                eprintln!("s3-bridge: {key}: the failure queue's delivery failed: {error}")
            }
        }
        tokio::time::sleep(VISIBILITY_TIMEOUT).await;
    }
    eprintln!("s3-bridge: {key}: moved to the dead-letter queue");
}

/// One invocation through the invoke API: the function's answer, or its error.
async fn invoke(http: &reqwest::Client, url: &str, event: Value) -> Result<Value, String> {
    let response = http
        .post(url)
        .json(&event)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status();
    let function_error = response.headers().contains_key("x-amz-function-error");
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() || function_error || answer.get("errorType").is_some() {
        return Err(format!("{status}: {answer}"));
    }
    Ok(answer)
}

/// `GET /variants/...`: the object from the bucket, as a CDN would serve it.
async fn variant(State(state): State<AppState>, Path(rest): Path<String>) -> Response {
    let Ok(bucket) = state.bucket() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let key = format!("variants/{rest}");
    let Ok(object) = state
        .s3()
        .get_object()
        .bucket(bucket)
        .key(&key)
        .send()
        .await
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let content_type = object
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_owned();
    match object.body.collect().await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type)], bytes.to_vec()).into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}
