//! `/v1/rating...` and the admin's moderation.

use api_tests::app::TestApp;
use serde_json::json;

use crate::market::*;

#[tokio::test]
async fn rating_answers_strings_completes_the_order_and_scores_the_service() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    let photo = "http://assets.test/variants/7/ori.jpg";
    app.calls();
    let created = app
        .post(
            "/v1/rating",
            json!({"order_id": order, "score": 4, "content": "很好", "illustration": [photo]}),
        )
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(
        app.calls(),
        ["GetItem", "GetItem", "UpdateItem", "TransactWriteItems"]
    );
    created.assert_ok(201);
    let data = created.data();
    assert!(data["id"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(data["score"], "4");
    assert_eq!(data["content"], "很好");
    assert_eq!(data["illustration"], json!([photo]));
    assert_eq!(data["create_time"].as_str().unwrap().len(), 19);
    assert_eq!(order_status(&app, &m, order).await, 4);
    let shown = crate::market::service(&app, &m, service).await;
    assert_eq!(
        (shown["score"].clone(), shown["sales_volume"].clone()),
        (json!("4"), json!(1))
    );
    // A second order rated 5: mean 4.5.
    let second = order_in(&app, &m, service, 3).await;
    rate(&app, &m.consumer, second, 5).await.assert_ok(201);
    assert_eq!(
        crate::market::service(&app, &m, service).await["score"],
        "4.5"
    );
    // Read by order (one Query) and by service (two calls).
    app.calls();
    let by_order = app
        .get(&format!("/v1/rating/order?order_id={order}"))
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "Query"]);
    by_order.assert_ok(200);
    assert_eq!(by_order.data()["score"], 4);
    assert_eq!(by_order.data()["status"], 2);
    assert_eq!(by_order.data()["author"]["id"], m.consumer_id);
    let list = app
        .get(&format!(
            "/v1/rating/service?service_id={service}&page=1&count=10"
        ))
        .token(&m.stranger)
        .send()
        .await;
    assert_eq!(app.calls().len(), 3);
    list.assert_ok(200);
    assert_eq!(list.data()["total"], 2);
    assert_eq!(list.data()["data"][0]["score"], 5);
}

#[tokio::test]
async fn moderation_keeps_the_score_equal_to_the_shown_ratings() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let a = order_in(&app, &m, service, 3).await;
    let b = order_in(&app, &m, service, 3).await;
    rate(&app, &m.consumer, a, 2).await.assert_ok(201);
    let rb: u64 = rate(&app, &m.consumer, b, 5).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        crate::market::service(&app, &m, service).await["score"],
        "3.5"
    );
    let moderate = |status: u8| {
        app.post(
            &format!("/v1/admin/rating/{rb}/status"),
            json!({"status": status}),
        )
    };
    app.calls();
    moderate(0).token(&m.admin).send().await.assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(
        crate::market::service(&app, &m, service).await["score"],
        "2"
    );
    let list = app
        .get(&format!(
            "/v1/rating/service?service_id={service}&page=1&count=10"
        ))
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(list.data()["total"], 1);
    // Hidden: only its author still sees it by order.
    app.get(&format!("/v1/rating/order?order_id={b}"))
        .token(&m.stranger)
        .send()
        .await
        .assert_error(404, 10008);
    app.get(&format!("/v1/rating/order?order_id={b}"))
        .token(&m.consumer)
        .send()
        .await
        .assert_ok(200);
    moderate(1).token(&m.admin).send().await.assert_ok(200);
    assert_eq!(
        crate::market::service(&app, &m, service).await["score"],
        "2"
    );
    moderate(2).token(&m.admin).send().await.assert_ok(200);
    assert_eq!(
        crate::market::service(&app, &m, service).await["score"],
        "3.5"
    );
    moderate(2)
        .token(&m.admin)
        .send()
        .await
        .assert_error(400, 10009);
    moderate(2)
        .token(&m.publisher)
        .send()
        .await
        .assert_error(403, 10010);
    moderate(3)
        .token(&m.admin)
        .send()
        .await
        .assert_error(400, 10000);
    app.post("/v1/admin/rating/999/status", json!({"status": 0}))
        .token(&m.admin)
        .send()
        .await
        .assert_error(404, 10008);
}

#[tokio::test]
async fn error_10018_the_publisher_cannot_rate_their_service() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    rate(&app, &m.publisher, order, 5)
        .await
        .assert_error(403, 10018);
}

#[tokio::test]
async fn error_10019_only_the_orders_consumer_rates() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    rate(&app, &m.stranger, order, 5)
        .await
        .assert_error(403, 10019);
}

#[tokio::test]
async fn error_10020_the_service_is_not_the_orders() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    app.post(
        "/v1/rating",
        json!({"order_id": order, "service_id": service + 1, "score": 5, "content": "好"}),
    )
    .token(&m.consumer)
    .send()
    .await
    .assert_error(400, 10020);
    app.post(
        "/v1/rating",
        json!({"order_id": order, "service_id": service, "score": 5, "content": "好"}),
    )
    .token(&m.consumer)
    .send()
    .await
    .assert_ok(201);
}

#[tokio::test]
async fn error_10021_already_rated() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 4).await;
    rate(&app, &m.consumer, order, 5)
        .await
        .assert_error(400, 10021);
}

#[tokio::test]
async fn error_10022_the_order_is_not_waiting_for_a_rating() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    for status in [0, 1, 2, 5] {
        let order = order_in(&app, &m, service, status).await;
        rate(&app, &m.consumer, order, 5)
            .await
            .assert_error(400, 10022);
    }
}

#[tokio::test]
async fn bad_ratings_are_10000_and_missing_orders_10008() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    for score in [0, 6] {
        rate(&app, &m.consumer, order, score)
            .await
            .assert_error(400, 10000);
    }
    rate(&app, &m.consumer, 999, 5)
        .await
        .assert_error(404, 10008);
    app.get("/v1/rating/order?order_id=999")
        .token(&m.consumer)
        .send()
        .await
        .assert_error(404, 10008);
    app.get("/v1/rating/service?service_id=1&page=1&count=10")
        .send()
        .await
        .assert_error(401, 10001);
}
