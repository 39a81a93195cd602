//! `/v1/refund...` and the admin's refund execution.

use api_tests::app::TestApp;
use serde_json::json;

use crate::market::*;

async fn refunded(app: &TestApp, token: &str, id: u64) -> api_tests::app::TestResponse {
    app.post(&format!("/v1/admin/refund/{id}/refunded"), json!({}))
        .token(token)
        .send()
        .await
}

async fn refund_status(app: &TestApp, m: &Market, id: u64) -> u64 {
    let refund = app
        .get(&format!("/v1/refund/{id}"))
        .token(&m.consumer)
        .send()
        .await;
    refund.assert_ok(200);
    refund.data()["status"].as_u64().unwrap()
}

#[tokio::test]
async fn request_answers_the_seed_shape_and_the_full_happy_path() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let photo = "https://assets.test/variants/7/ori.jpg";
    app.calls();
    let created = app
        .post(
            "/v1/refund",
            json!({"order_id": order, "reason": "没有上门", "illustration": [photo]}),
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
    let id: u64 = data["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(data["reason"], "没有上门");
    assert_eq!(data["illustration"], json!([photo]));
    assert!(data["order_no"].as_u64().unwrap() > 2_000_000_000_000_000);
    // While the refund is open the order cannot be confirmed.
    order_action(&app, &m.consumer, order, 4)
        .await
        .assert_error(400, 10017);
    // Detail: parties only.
    app.calls();
    let detail = app
        .get(&format!("/v1/refund/{id}"))
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "GetItem"]);
    detail.assert_ok(200);
    assert_eq!(detail.data()["service_order"]["id"], order);
    assert_eq!(detail.data()["illustration"], json!([photo]));
    assert_eq!(
        detail.data()["images"],
        json!([photo]),
        "the seed's detail name"
    );
    assert_eq!(detail.data()["service_order"]["status"], 2);
    assert_eq!(detail.data()["publisher"]["id"], m.publisher_id);
    assert_eq!(detail.data()["consumer"]["id"], m.consumer_id);
    assert_eq!(detail.data()["status"], 0);
    // 0 → 1 (publisher agrees) → 2 (admin) → 3 (consumer confirms; order → 5).
    app.calls();
    refund_action(&app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(refund_status(&app, &m, id).await, 1);
    refund_action(&app, &m.consumer, id, 4)
        .await
        .assert_error(400, 10016);
    refunded(&app, &m.admin, id).await.assert_ok(200);
    assert_eq!(refund_status(&app, &m, id).await, 2);
    app.calls();
    refund_action(&app, &m.consumer, id, 4).await.assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(refund_status(&app, &m, id).await, 3);
    assert_eq!(order_status(&app, &m, order).await, 5);
    refund_action(&app, &m.consumer, id, 4)
        .await
        .assert_error(400, 10016);
    // A closed refund's order shows its final status.
    let detail = app
        .get(&format!("/v1/refund/{id}"))
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(detail.data()["service_order"]["status"], 5);
}

#[tokio::test]
async fn refuse_and_cancel_close_the_refund_and_free_the_order() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let first = request_refund(&app, &m.consumer, order).await;
    let first: u64 = first.data()["id"].as_str().unwrap().parse().unwrap();
    refund_action(&app, &m.publisher, first, 2)
        .await
        .assert_ok(200);
    assert_eq!(refund_status(&app, &m, first).await, 4);
    refund_action(&app, &m.publisher, first, 1)
        .await
        .assert_error(400, 10016);
    let second = request_refund(&app, &m.consumer, order).await;
    second.assert_ok(201);
    let second: u64 = second.data()["id"].as_str().unwrap().parse().unwrap();
    refund_action(&app, &m.consumer, second, 3)
        .await
        .assert_ok(200);
    assert_eq!(refund_status(&app, &m, second).await, 5);
    refund_action(&app, &m.consumer, second, 3)
        .await
        .assert_error(400, 10016);
    assert_eq!(order_status(&app, &m, order).await, 2);
    // The order moves on normally once no refund is open.
    order_action(&app, &m.consumer, order, 4)
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn error_10013_a_refund_is_already_open() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    request_refund(&app, &m.consumer, order)
        .await
        .assert_ok(201);
    request_refund(&app, &m.consumer, order)
        .await
        .assert_error(400, 10013);
}

#[tokio::test]
async fn error_10014_only_the_publisher_agrees_or_refuses() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let id: u64 = request_refund(&app, &m.consumer, order).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    refund_action(&app, &m.consumer, id, 1)
        .await
        .assert_error(403, 10014);
    refund_action(&app, &m.stranger, id, 2)
        .await
        .assert_error(403, 10014);
}

#[tokio::test]
async fn error_10015_the_publisher_may_only_agree_or_refuse() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let id: u64 = request_refund(&app, &m.consumer, order).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    refund_action(&app, &m.publisher, id, 3)
        .await
        .assert_error(400, 10015);
    refund_action(&app, &m.publisher, id, 4)
        .await
        .assert_error(400, 10015);
}

#[tokio::test]
async fn error_10016_the_refund_status_does_not_allow_it() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let id: u64 = request_refund(&app, &m.consumer, order).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    refund_action(&app, &m.consumer, id, 4)
        .await
        .assert_error(400, 10016);
    refunded(&app, &m.admin, id).await.assert_error(400, 10016);
    refunded(&app, &m.publisher, id)
        .await
        .assert_error(403, 10010);
    refunded(&app, &m.admin, 999).await.assert_error(404, 10008);
}

#[tokio::test]
async fn error_10023_only_paid_unconfirmed_orders() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    for status in [0, 1, 3, 5] {
        let order = order_in(&app, &m, service, status).await;
        request_refund(&app, &m.consumer, order)
            .await
            .assert_error(400, 10023);
    }
}

#[tokio::test]
async fn error_10024_only_the_orders_consumer() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    request_refund(&app, &m.stranger, order)
        .await
        .assert_error(403, 10024);
    request_refund(&app, &m.publisher, order)
        .await
        .assert_error(403, 10024);
    let id: u64 = request_refund(&app, &m.consumer, order).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    refund_action(&app, &m.stranger, id, 3)
        .await
        .assert_error(403, 10024);
    app.get(&format!("/v1/refund/{id}"))
        .token(&m.stranger)
        .send()
        .await
        .assert_error(403, 10010);
    request_refund(&app, &m.consumer, 999)
        .await
        .assert_error(404, 10008);
}

#[tokio::test]
async fn screenshots_must_be_up_to_five_image_urls() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 2).await;
    let url = "https://assets.test/variants/1/ori.jpg";
    let long = format!("https://assets.test/{}", "a".repeat(500));
    for illustration in [
        json!([7]),
        json!(vec![url; 6]),
        json!(["ftp://assets.test/a.jpg"]),
        json!(["/variants/1/ori.jpg"]),
        json!([long]),
        json!(url),
    ] {
        app.post(
            "/v1/refund",
            json!({"order_id": order, "reason": "x", "illustration": illustration}),
        )
        .token(&m.consumer)
        .send()
        .await
        .assert_error(400, 10000);
    }
    request_refund(&app, &m.consumer, order)
        .await
        .assert_ok(201);
}

#[tokio::test]
async fn lists_by_role_status_and_the_open_ones() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let a = order_in(&app, &m, service, 2).await;
    let b = order_in(&app, &m, service, 2).await;
    let ra: u64 = request_refund(&app, &m.consumer, a).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let rb: u64 = request_refund(&app, &m.consumer, b).await.data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    refund_action(&app, &m.publisher, ra, 2)
        .await
        .assert_ok(200);
    app.calls();
    for (role, token) in [(1, &m.publisher), (2, &m.consumer)] {
        let all = app
            .get(&format!("/v1/refund?role={role}&page=1&count=10"))
            .token(token)
            .send()
            .await;
        assert_eq!(app.calls().len(), 3, "the session, the list and its total");
        all.assert_ok(200);
        assert_eq!(all.data()["total"], 2);
        assert_eq!(all.data()["data"][0]["id"], rb);
        assert_eq!(all.data()["data"][0]["service_order"]["id"], b);
        let refused = app
            .get(&format!("/v1/refund?role={role}&status=4&page=1&count=10"))
            .token(token)
            .send()
            .await;
        assert_eq!(refused.data()["total"], 1);
        assert_eq!(refused.data()["data"][0]["id"], ra);
        let open = app
            .get(&format!("/v1/refund/process?role={role}&page=1&count=10"))
            .token(token)
            .send()
            .await;
        app.calls();
        assert_eq!(open.data()["total"], 1);
        assert_eq!(open.data()["data"][0]["id"], rb);
    }
    let none = app
        .get("/v1/refund?role=2&page=1&count=10")
        .token(&m.stranger)
        .send()
        .await;
    assert_eq!(none.data()["total"], 0);
}
