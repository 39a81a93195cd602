//! Racing requests through the routers: every state change is conditioned on the state it
//! was decided on, so exactly one racer wins and the counters stay equal to a recount.

use api_tests::app::{TestApp, TestResponse};
use aws_sdk_dynamodb::types::{AttributeValue, Select};
use futures::future::join_all;

use crate::market::*;

/// Counts the items of one index partition with a Query (a test-only recount).
async fn recount(app: &TestApp, index: &str, partition: &str) -> u64 {
    let output = app
        .state
        .store()
        .client()
        .query()
        .table_name(&app.table)
        .index_name(index)
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", format!("{index}PK"))
        .expression_attribute_values(":pk", AttributeValue::S(partition.to_owned()))
        .select(Select::Count)
        .send()
        .await
        .unwrap();
    output.count() as u64
}

async fn tally(app: &TestApp, counter: &str, field: &str) -> u64 {
    app.state.store().tally(counter).await.unwrap().get(field)
}

fn outcomes(responses: &[TestResponse]) -> (usize, Vec<i64>) {
    let wins = responses.iter().filter(|r| r.status < 300).count();
    let mut codes: Vec<i64> = responses
        .iter()
        .filter(|r| r.status >= 300)
        .map(|r| r.code())
        .collect();
    codes.dedup();
    (wins, codes)
}

#[tokio::test]
async fn twenty_concurrent_agrees_one_wins_the_rest_get_10017() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = place(&app, &m, service).await;
    let responses = join_all((0..20).map(|_| order_action(&app, &m.publisher, order, 1))).await;
    let (wins, codes) = outcomes(&responses);
    assert_eq!((wins, codes), (1, vec![10017]), "{responses:?}");
    assert_eq!(order_status(&app, &m, order).await, 1);
    let p = m.publisher_id;
    for status in 0..=6 {
        let partition = format!("ORD#P#{p}#S{status}");
        let counted = recount(&app, "GSI3", &partition).await;
        assert_eq!(
            tally(&app, &format!("ord-P-{p}"), &format!("s{status}")).await,
            counted
        );
    }
    assert_eq!(recount(&app, "GSI3", &format!("ORD#P#{p}#S1")).await, 1);
    assert_eq!(
        tally(&app, &format!("ord-P-{p}"), "all").await,
        recount(&app, "GSI1", &format!("ORD#P#{p}")).await
    );
}

#[tokio::test]
async fn twenty_concurrent_payments_one_wins_the_rest_get_10017() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 1).await;
    let responses = join_all((0..20).map(|_| order_action(&app, &m.consumer, order, 3))).await;
    assert_eq!(outcomes(&responses), (1, vec![10017]), "{responses:?}");
    let c = m.consumer_id;
    assert_eq!(recount(&app, "GSI1", &format!("ORD#C#{c}#S2")).await, 1);
    assert_eq!(tally(&app, &format!("ord-C-{c}"), "s2").await, 1);
    assert_eq!(tally(&app, &format!("ord-C-{c}"), "s1").await, 0);
}

#[tokio::test]
async fn ten_concurrent_ratings_one_rating_and_the_service_counts_one() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    let responses =
        join_all((0..10).map(|i| rate(&app, &m.consumer, order, 1 + (i % 5) as u8))).await;
    assert_eq!(outcomes(&responses), (1, vec![10021]), "{responses:?}");
    let stored = app.state.store().service(service).await.unwrap().unwrap();
    assert_eq!(stored.rating_count, 1);
    assert_eq!(recount(&app, "GSI1", &format!("RATING#O#{order}")).await, 1);
    let shown = recount(&app, "GSI2", &format!("RATING#S#{service}")).await;
    assert_eq!(shown, 1);
    assert_eq!(
        tally(&app, &format!("rating-S{service}"), "shown").await,
        shown
    );
    assert_eq!(order_status(&app, &m, order).await, 4);
}

#[tokio::test]
async fn ten_concurrent_refund_requests_one_open_refund() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let responses = join_all((0..10).map(|_| request_refund(&app, &m.consumer, order))).await;
    assert_eq!(outcomes(&responses), (1, vec![10013]), "{responses:?}");
    let c = m.consumer_id;
    let open = recount(&app, "GSI3", &format!("REF#C#{c}#OPEN")).await;
    assert_eq!(open, 1);
    assert_eq!(tally(&app, &format!("ref-C-{c}"), "open").await, open);
    assert_eq!(
        tally(&app, &format!("ref-C-{c}"), "all").await,
        recount(&app, "GSI2", &format!("REF#C#{c}")).await
    );
    let p = m.publisher_id;
    assert_eq!(
        tally(&app, &format!("ref-P-{p}"), "open").await,
        recount(&app, "GSI2", &format!("REF#P#{p}#OPEN")).await
    );
}

#[tokio::test]
async fn racing_service_actions_keep_the_published_counter_exact() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    // Pause and publish race from status 2: one pause wins, publishes are refused.
    let responses = join_all(
        (0..10)
            .map(|i| service_action(&app, &m.publisher, service, if i % 2 == 0 { 2 } else { 1 })),
    )
    .await;
    let (wins, _) = outcomes(&responses);
    assert!(wins >= 1);
    let published = recount(&app, "GSI3", "SVC#PUB").await;
    assert_eq!(tally(&app, "svc-pub", "all").await, published);
    let mine = format!("svc-my-{}-T1", m.publisher_id);
    for status in 0..=5 {
        let partition = format!("SVC#MY#{}#T1#S{status}", m.publisher_id);
        assert_eq!(
            tally(&app, &mine, &format!("s{status}")).await,
            recount(&app, "GSI2", &partition).await
        );
    }
}
