//! Local stand-in for S3 bucket notifications (the local S3 server sends none): polls
//! `BUCKET_NAME` under `uploads/` and, for each new object or new ETag, invokes the
//! `image-variants` function with an S3 `ObjectCreated` event through `cargo lambda
//! watch`'s invoke API (`INVOKE_URL`, default port 9000), like the deployed notification.

use std::collections::HashMap;
use std::time::Duration;

use api_tests::s3_event::object_created;
use shared::AppState;

/// How often the bucket is listed: well inside the 2 s an upload may take to show variants.
const POLL: Duration = Duration::from_millis(300);

#[tokio::main]
async fn main() -> Result<(), String> {
    let state = AppState::from_env()
        .await
        .map_err(|error| error.to_string())?;
    let bucket = state
        .bucket()
        .map_err(|error| error.to_string())?
        .to_owned();
    let invoke_url = std::env::var("INVOKE_URL").unwrap_or_else(|_| {
        "http://127.0.0.1:9000/2015-03-31/functions/image-variants/invocations".to_owned()
    });
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
                    let (Some(key), Some(etag)) = (object.key(), object.e_tag()) else {
                        continue;
                    };
                    if seen.get(key).map(String::as_str) == Some(etag) {
                        continue;
                    }
                    seen.insert(key.to_owned(), etag.to_owned());
                    let event = object_created(&bucket, key, etag, object.size().unwrap_or(0));
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
