//! S3 `ObjectCreated` events as S3 sends them to Lambda, for the tests and the local
//! bridge (the local S3 server sends no notifications).

use aws_lambda_events::event::s3::S3Event;
use serde_json::json;

/// The event S3 sends when `key` (with `etag` and `size`) is created in `bucket`.
pub fn object_created(bucket: &str, key: &str, etag: &str, size: i64) -> S3Event {
    let event = json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "us-east-1",
            "eventTime": "1970-01-01T00:00:00.000Z",
            "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "local" },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": {},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "uploads",
                "bucket": {
                    "name": bucket,
                    "ownerIdentity": { "principalId": "local" },
                    "arn": format!("arn:aws:s3:::{bucket}")
                },
                "object": {
                    "key": key,
                    "size": size,
                    "eTag": etag.trim_matches('"'),
                    "sequencer": "0"
                }
            }
        }]
    });
    serde_json::from_value(event).unwrap_or_default()
}
