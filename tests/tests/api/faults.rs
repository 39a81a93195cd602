//! DynamoDB dies in the middle of a burst of writes and comes back: every request gets a
//! clean envelope in bounded time, no write is half-applied, and the same warm functions
//! recover without a restart.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api_tests::app::TestApp;
use api_tests::dynamodb_local::DedicatedDynamoDb;
use serde_json::json;
use shared::credential::Credential;
use shared::store::Index;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_mid_burst_answers_clean_errors_and_recovers() {
    let mut dynamodb = DedicatedDynamoDb::start().unwrap();
    let app = TestApp::with_endpoint(&dynamodb.endpoint()).await;
    let admin = app.admin_token().await;

    // Writers keep four registrations in flight until they have seen the outage; the
    // outage strikes once some writes have landed, so it falls in the middle of the burst.
    let landed = AtomicUsize::new(0);
    let killed = AtomicBool::new(false);
    let writers = async {
        let mut answers = Vec::new();
        let mut failures_after_kill = 0;
        for wave in 0..100u64 {
            let requests = (0..4u64).map(|slot| {
                let n = wave * 4 + slot;
                let request = app
                    .post(
                        "/v1/admin/credential",
                        json!({"i_code": format!("burst-{n}"), "order_no": n + 1, "roles": []}),
                    )
                    .token(&admin);
                async move {
                    let started = Instant::now();
                    let response = request.send().await;
                    (response, started.elapsed())
                }
            });
            for (response, elapsed) in futures::future::join_all(requests).await {
                if response.status == 201 {
                    landed.fetch_add(1, Ordering::SeqCst);
                } else if killed.load(Ordering::SeqCst) {
                    failures_after_kill += 1;
                }
                answers.push((response, elapsed));
            }
            if failures_after_kill >= 8 {
                break;
            }
        }
        answers
    };
    let outage = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        while landed.load(Ordering::SeqCst) < 6 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        dynamodb.kill();
        killed.store(true, Ordering::SeqCst);
    };
    let (answers, ()) = tokio::join!(writers, outage);

    let (mut created, mut failed) = (0, 0);
    for (response, elapsed) in &answers {
        assert!(
            elapsed < &Duration::from_secs(15),
            "a request hung for {elapsed:?}"
        );
        match response.status {
            201 => created += 1,
            500 => {
                response.assert_error(500, 10025);
                failed += 1;
            }
            other => panic!("unexpected answer {other}: {}", response.body),
        }
    }
    assert!(
        created > 0 && failed > 0,
        "the outage must split the burst: {created} created, {failed} failed"
    );

    dynamodb.restart().unwrap();
    let mut recovered = None;
    for attempt in 0..20u64 {
        let response = app
            .post(
                "/v1/admin/credential",
                json!({"i_code": "after", "order_no": 1000 + attempt, "roles": []}),
            )
            .token(&admin)
            .send()
            .await;
        if response.status == 201 {
            recovered = Some(attempt);
            break;
        }
        response.assert_error(500, 10025);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered.is_some(), "the warm functions did not recover");

    // No write is half-applied: each registration and its count are one transaction. (A
    // crash of DynamoDB Local — SQLite underneath — may drop its last acknowledged writes,
    // which DynamoDB itself never does, so only whole-transaction consistency is checked.)
    let store = app.state.store();
    let listed: Vec<Credential> = store
        .query_partition(Some(Index::Gsi1), "CREDS", true, 10_000)
        .await
        .unwrap();
    assert_eq!(
        store.total("credentials").await.unwrap(),
        listed.len() as u64,
        "counter and items disagree"
    );
}
