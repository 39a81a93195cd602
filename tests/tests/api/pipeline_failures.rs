//! Upload events Lambda gives up on: an event that fails every attempt lands, as a
//! destination record, in the failure queue, and the file ends `failed` with a reason —
//! never `processing` forever. Lambda's retries and the queue are stood in by
//! `api_tests::async_invoke`; the function, the table and the bucket are the real ones.

use api_tests::app::TestApp;
use api_tests::async_invoke::{deliver, failure_queue_event, retry_delay, Delivered};
use api_tests::images::jpeg;
use api_tests::s3_event::object_created;
use aws_lambda_events::event::sqs::SqsEvent;
use image_variants::failures::GAVE_UP;
use image_variants::Outcome;
use serde_json::{json, Value};
use shared::file::{FileAction, FileStatus, CLAIM_LEASE_SECONDS, PENDING_TTL_SECONDS};

use crate::files::{deliver as deliver_once, upload};

/// An address nothing listens on: every S3 call of a state pointed there fails.
const NO_S3: &str = "http://127.0.0.1:9";

/// A member's upload through a presigned URL, its file `pending`, on an app whose clock is
/// frozen at `now`.
struct Upload {
    app: TestApp,
    now: i64,
    token: String,
    id: u64,
    key: String,
    etag: String,
}

async fn uploaded(original: Vec<u8>) -> Upload {
    let app = TestApp::new().await;
    let now = shared::time::now();
    app.set_now(now);
    let (token, _) = app.member(&[], None).await;
    let (id, key, etag) = upload(&app, &token, "image/jpeg", original).await;
    Upload {
        app,
        now,
        token,
        id,
        key,
        etag,
    }
}

/// Claims file `id` for the delivery `claim` at `now`, as a delivery of its upload event
/// with `etag` does before it reads the original.
async fn claimed(app: &TestApp, id: u64, etag: &str, claim: &str, now: i64) {
    let store = app.state.store();
    let file = store.file(id).await.unwrap().unwrap();
    let until = now + CLAIM_LEASE_SECONDS;
    let claimed = store
        .claim_file(
            &file,
            FileAction::Claim,
            etag.trim_matches('"'),
            claim,
            until,
        )
        .await
        .unwrap();
    assert!(claimed.is_some(), "{claim} could not claim file {id}");
}

/// Hands `records` to the function as the failure queue's event source does: the messages
/// kept for another try, and what became of each file.
async fn from_the_queue(app: &TestApp, records: &[Value]) -> (Vec<String>, Vec<Outcome>) {
    let event: SqsEvent = serde_json::from_value(failure_queue_event(records)).unwrap();
    let (kept, outcomes) = image_variants::handle_failed(&app.state, event)
        .await
        .unwrap();
    let kept = kept
        .batch_item_failures
        .into_iter()
        .map(|failure| failure.item_identifier)
        .collect();
    (kept, outcomes)
}

/// The destination record Lambda would send after giving up on `key`'s event in the
/// invocation `request_id`.
fn gave_up_on(app: &TestApp, key: &str, etag: &str, request_id: &str) -> Value {
    let event = serde_json::to_value(object_created(app.state.bucket().unwrap(), key, etag, 0));
    api_tests::async_invoke::destination_record(&event.unwrap(), request_id, 3, "timed out")
}

#[tokio::test]
async fn an_upload_event_that_fails_every_attempt_ends_with_the_file_failed() {
    let Upload {
        app,
        token,
        id,
        key,
        etag,
        ..
    } = uploaded(jpeg(640, 480)).await;
    let event =
        serde_json::to_value(object_created(app.state.bucket().unwrap(), &key, &etag, 0)).unwrap();

    // The bucket cannot be read: each attempt claims the file (the previous attempt's
    // claim having run out by the retry) and fails.
    let broken = app.state_with_s3_at(NO_S3);
    let attempts = std::cell::Cell::new(0);
    let delivered = deliver(
        &event,
        "req-1",
        |event| {
            attempts.set(attempts.get() + 1);
            let broken = broken.clone();
            async move {
                let event = serde_json::from_value(event).map_err(|error| error.to_string())?;
                image_variants::handle(&broken, event, "req-1")
                    .await
                    .map(|outcomes| json!(outcomes))
                    .map_err(|error| format!("{error:?}"))
            }
        },
        |retry| {
            app.set_now(app.state.now() + retry_delay(retry).as_secs() as i64);
            async {}
        },
    )
    .await;
    assert_eq!(attempts.get(), 3);
    let Delivered::GaveUp(record) = delivered else {
        panic!("every attempt should fail: {delivered:?}")
    };
    let stuck = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(
        (stuck.status, stuck.claim.as_deref()),
        (FileStatus::Processing, Some("req-1#0"))
    );

    let (kept, outcomes) = from_the_queue(&app, &[record]).await;
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(
        outcomes,
        [Outcome::Failed {
            id,
            reason: GAVE_UP.to_owned()
        }]
    );
    let file = app
        .get(&format!("/v1/file/{id}"))
        .token(&token)
        .send()
        .await;
    file.assert_ok(200);
    assert_eq!(
        (&file.data()["status"], &file.data()["reason"]),
        (&json!("failed"), &json!(GAVE_UP))
    );
    let record = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!((record.claim, record.expires_at), (None, None));
}

#[tokio::test]
async fn a_file_another_delivery_is_processing_waits_then_fails() {
    let Upload {
        app,
        now,
        id,
        key,
        etag,
        ..
    } = uploaded(jpeg(64, 48)).await;
    claimed(&app, id, &etag, "req-2#0", now).await;
    let store = app.state.store();
    let record = gave_up_on(&app, &key, &etag, "req-1");

    let (kept, outcomes) = from_the_queue(&app, std::slice::from_ref(&record)).await;
    assert_eq!(
        (kept, outcomes),
        (vec!["message-0".to_owned()], vec![Outcome::Waiting { id }])
    );
    assert_eq!(
        store.file(id).await.unwrap().unwrap().status,
        FileStatus::Processing
    );

    // The message comes back after its visibility timeout; the claim has run out by then.
    app.set_now(now + CLAIM_LEASE_SECONDS);
    let (kept, outcomes) = from_the_queue(&app, &[record]).await;
    assert!(kept.is_empty());
    assert!(
        matches!(outcomes[..], [Outcome::Failed { .. }]),
        "{outcomes:?}"
    );
    assert_eq!(
        store.file(id).await.unwrap().unwrap().status,
        FileStatus::Failed
    );
}

#[tokio::test]
async fn a_finished_file_is_left_as_it_is_and_a_pending_one_fails() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let (ready, ready_key, ready_etag) = upload(&app, &token, "image/jpeg", jpeg(64, 48)).await;
    assert_eq!(
        deliver_once(&app, &ready_key, &ready_etag, "d1").await,
        Outcome::Ready { id: ready }
    );
    let (pending, pending_key, pending_etag) =
        upload(&app, &token, "image/jpeg", jpeg(64, 48)).await;
    let before = app.state.store().file(ready).await.unwrap();

    let (kept, outcomes) = from_the_queue(
        &app,
        &[
            gave_up_on(&app, &ready_key, &ready_etag, "req-1"),
            gave_up_on(&app, &pending_key, &pending_etag, "req-2"),
        ],
    )
    .await;
    assert!(kept.is_empty());
    assert!(
        matches!(outcomes[0], Outcome::Skipped { .. }),
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes[1],
        Outcome::Failed {
            id: pending,
            reason: GAVE_UP.to_owned()
        }
    );
    assert_eq!(app.state.store().file(ready).await.unwrap(), before);
}

#[tokio::test]
async fn a_message_that_is_not_a_destination_record_is_kept_for_the_dead_letter_queue() {
    let app = TestApp::new().await;
    let mut event = failure_queue_event(&[json!({})]);
    event["Records"][0]["body"] = json!("not a destination record");
    let event: SqsEvent = serde_json::from_value(event).unwrap();
    let (kept, outcomes) = image_variants::handle_failed(&app.state, event)
        .await
        .unwrap();
    assert_eq!(kept.batch_item_failures.len(), 1);
    assert_eq!(kept.batch_item_failures[0].item_identifier, "message-0");
    assert!(outcomes.is_empty());
}

#[tokio::test]
async fn a_presigned_file_expires_unless_its_upload_is_processed() {
    let Upload {
        app,
        now,
        id,
        key,
        etag,
        ..
    } = uploaded(jpeg(64, 48)).await;
    let pending = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(pending.expires_at, Some(now + PENDING_TTL_SECONDS));
    assert_eq!(
        deliver_once(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    let ready = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!((ready.status, ready.expires_at), (FileStatus::Ready, None));
}

#[tokio::test]
async fn a_claim_whose_holder_died_is_taken_over_once_its_lease_runs_out() {
    let Upload {
        app,
        now,
        id,
        key,
        etag,
        ..
    } = uploaded(jpeg(64, 48)).await;
    // A delivery claimed the file, then its run crashed or timed out.
    claimed(&app, id, &etag, "crashed#0", now).await;
    let store = app.state.store();

    let early = deliver_once(&app, &key, &etag, "retry-1").await;
    assert!(matches!(early, Outcome::Skipped { .. }), "{early:?}");
    app.set_now(now + CLAIM_LEASE_SECONDS);
    assert_eq!(
        deliver_once(&app, &key, &etag, "retry-2").await,
        Outcome::Ready { id }
    );
    let ready = store.file(id).await.unwrap().unwrap();
    assert_eq!((ready.status, ready.claim), (FileStatus::Ready, None));
}
