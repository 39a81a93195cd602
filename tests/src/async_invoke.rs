//! Lambda's asynchronous invocation as the local stack stands it in: S3 invokes
//! `image-variants` asynchronously, Lambda retries a failed event (template.yaml's
//! `EventInvokeConfig`: two retries, about one and two minutes apart) under the same
//! request id, and when the last attempt fails sends a destination record to the failure
//! queue, which the same function consumes as an SQS event source. The local bridge and
//! the tests drive the function through [`deliver`], then hand what it gave up on to the
//! function as the queue's event ([`failure_queue_event`]).

use std::future::Future;
use std::time::Duration;

use serde_json::{json, Value};

/// Retries after the first attempt, as `EventInvokeConfig.MaximumRetryAttempts`.
pub const MAX_RETRIES: u32 = 2;

/// How long a failure-queue message stays hidden after a receive that kept it, as the
/// queue's `VisibilityTimeout`.
pub const VISIBILITY_TIMEOUT: Duration = Duration::from_secs(180);

/// Receives of a failure-queue message before it moves to the dead-letter queue, as the
/// queue's `maxReceiveCount`.
pub const MAX_RECEIVES: u32 = 5;

/// How long Lambda waits before retry `n` (0-based): about a minute, then two.
pub fn retry_delay(retry: u32) -> Duration {
    Duration::from_secs(60 << retry)
}

/// How an asynchronous invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// An attempt succeeded with this answer.
    Answered(Value),
    /// Every attempt failed: the destination record Lambda sends to the failure queue.
    GaveUp(Value),
}

/// Invokes `invoke` with `event` as Lambda invokes a function asynchronously: on an error,
/// `wait(retry)` and try again, up to [`MAX_RETRIES`] times; then give up.
pub async fn deliver<I, IF, W, WF>(
    event: &Value,
    request_id: &str,
    mut invoke: I,
    mut wait: W,
) -> Delivered
where
    I: FnMut(Value) -> IF,
    IF: Future<Output = Result<Value, String>>,
    W: FnMut(u32) -> WF,
    WF: Future<Output = ()>,
{
    let mut attempt = 0;
    loop {
        let error = match invoke(event.clone()).await {
            Ok(answer) => return Delivered::Answered(answer),
            Err(error) => error,
        };
        if attempt == MAX_RETRIES {
            return Delivered::GaveUp(destination_record(event, request_id, attempt + 1, &error));
        }
        wait(attempt).await;
        attempt += 1;
    }
}

/// The record Lambda sends to an `OnFailure` destination, in its documented shape.
pub fn destination_record(event: &Value, request_id: &str, attempts: u32, error: &str) -> Value {
    json!({
        "version": "1.0",
        "timestamp": "2026-01-01T00:00:00.000Z",
        "requestContext": {
            "requestId": request_id,
            "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:image-variants:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts
        },
        "requestPayload": event,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled"
        },
        "responsePayload": {
            "errorType": "Error",
            "errorMessage": error
        }
    })
}

/// The event the SQS event source sends for `records` waiting in the failure queue.
pub fn failure_queue_event(records: &[Value]) -> Value {
    let messages: Vec<Value> = records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            json!({
                "messageId": format!("message-{index}"),
                "receiptHandle": format!("receipt-{index}"),
                "body": record.to_string(),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1767225600000",
                    "SenderId": "AROA000000000000000000:image-variants",
                    "ApproximateFirstReceiveTimestamp": "1767225600000"
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:image-failures",
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    json!({ "Records": messages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[tokio::test]
    async fn three_failed_attempts_give_up_with_the_event_and_the_last_error() {
        let attempts = Cell::new(0);
        let waits = std::cell::RefCell::new(Vec::new());
        let event = json!({"Records": [{"s3": {"object": {"key": "uploads/2/9"}}}]});
        let delivered = deliver(
            &event,
            "req-1",
            |_| {
                attempts.set(attempts.get() + 1);
                let n = attempts.get();
                async move { Err(format!("attempt {n} failed")) }
            },
            |retry| {
                waits.borrow_mut().push(retry_delay(retry));
                async {}
            },
        )
        .await;
        assert_eq!(attempts.get(), 3);
        assert_eq!(
            *waits.borrow(),
            [Duration::from_secs(60), Duration::from_secs(120)]
        );
        let Delivered::GaveUp(record) = delivered else {
            panic!("gave up expected")
        };
        assert_eq!(record["requestContext"]["requestId"], "req-1");
        assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
        assert_eq!(record["requestPayload"], event);
        assert_eq!(
            record["responsePayload"]["errorMessage"],
            "attempt 3 failed"
        );
        let queued = failure_queue_event(std::slice::from_ref(&record));
        let body: Value =
            serde_json::from_str(queued["Records"][0]["body"].as_str().unwrap()).unwrap();
        assert_eq!(body, record);
    }

    #[tokio::test]
    async fn a_retry_that_succeeds_answers() {
        let attempts = Cell::new(0);
        let delivered = deliver(
            &json!({}),
            "req-2",
            |_| {
                attempts.set(attempts.get() + 1);
                let ok = attempts.get() == 2;
                async move {
                    if ok {
                        Ok(json!("done"))
                    } else {
                        Err("no".into())
                    }
                }
            },
            |_| async {},
        )
        .await;
        assert_eq!(delivered, Delivered::Answered(json!("done")));
        assert_eq!(attempts.get(), 2);
    }
}
