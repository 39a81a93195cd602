//! Local stand-in for S3 bucket notifications (the local S3 server sends none): polls
//! `BUCKET_NAME` under `uploads/` and, for each new object or new ETag, invokes the
//! `image-variants` function with an S3 `ObjectCreated` event through `cargo lambda
//! watch`'s invoke API (`INVOKE_URL`, default port 9000), like the deployed notification.
//! It also serves `variants/...` read-only on `ASSETS_ADDRESS` (default 127.0.0.1:8015), the
//! local stand-in for the CDN in front of the private bucket (the local S3 answers only
//! signed requests), so that `ASSET_BASE_URL` links open in a browser.

use std::collections::HashMap;
use std::time::Duration;

use api_tests::s3_event::object_created;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
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
                    let sent = http.post(&invoke_url).json(&event).send().await;
                    match sent {
                        Ok(response) => println!("s3-bridge: {key} → {}", response.status()),
                        Err(error) => eprintln!("s3-bridge: {key}: {error}"),
                    }
                }
            }
            Err(error) => eprintln!("s3-bridge: list {bucket}: {error}"),
        }
        tokio::time::sleep(POLL).await;
    }
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
