//! `/v1/order...`.

use api_tests::app::TestApp;
use serde_json::json;

use crate::market::*;

#[tokio::test]
async fn place_answers_the_id_and_the_order_shows_the_snapshots() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    app.set_now(1_615_207_826); // 2021-03-08 20:50:26 +08:00
    app.calls();
    let placed = app
        .post("/v1/order", json!({"service_id": service}))
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(
        app.calls(),
        ["GetItem", "GetItem", "UpdateItem", "TransactWriteItems"]
    );
    placed.assert_ok(201);
    let id = placed.data()["order_id"].as_u64().unwrap();
    let detail = app
        .get(&format!("/v1/order/{id}"))
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "GetItem"]);
    detail.assert_ok(200);
    let data = detail.data();
    assert_eq!(data["id"], id);
    assert_eq!(data["order_no"], json!(2021030800000000u64 + id));
    assert_eq!(data["price"], "300.00");
    assert_eq!(data["status"], 0);
    assert_eq!(data["create_time"], "2021-03-08 20:50:26");
    assert_eq!(data["service_snap"]["id"], service);
    assert_eq!(data["service_snap"]["status"], 2);
    assert_eq!(data["service_snap"]["score"], "0");
    assert_eq!(data["service_snap"]["publisher"]["id"], m.publisher_id);
    assert_eq!(data["publisher"]["id"], m.publisher_id);
    assert_eq!(data["consumer"]["id"], m.consumer_id);
    assert_eq!(data["address_snap"], json!(null));
}

#[tokio::test]
async fn an_address_is_kept_and_required_where_the_service_needs_a_place() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let mut body = service_body(m.category, 0);
    body["designated_place"] = json!(1);
    let service = create_service(&app, &m, body).await;
    audit(&app, &m, service, true).await.assert_ok(200);
    service_action(&app, &m.publisher, service, 1)
        .await
        .assert_ok(200);
    let missing = app
        .post("/v1/order", json!({"service_id": service}))
        .token(&m.consumer)
        .send()
        .await;
    missing.assert_error(400, 10000);
    assert!(missing.body["message"]
        .as_str()
        .unwrap()
        .contains("address"));
    let address = json!({"cityName": "广州市", "userName": "张三", "telNumber": "020-81167888"});
    let placed = app
        .post(
            "/v1/order",
            json!({"service_id": service, "address": address.to_string()}),
        )
        .token(&m.consumer)
        .send()
        .await;
    placed.assert_ok(201);
    let id = placed.data()["order_id"].as_u64().unwrap();
    let order = app
        .get(&format!("/v1/order/{id}"))
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(order.data()["address_snap"], address);
}

#[tokio::test]
async fn error_10011_service_not_published_or_not_an_offering() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let pending = create_service(&app, &m, service_body(m.category, 0)).await;
    app.post("/v1/order", json!({"service_id": pending}))
        .token(&m.consumer)
        .send()
        .await
        .assert_error(400, 10011);
    let mut body = service_body(m.category, 0);
    body["type"] = json!(2);
    let seeking = create_service(&app, &m, body).await;
    audit(&app, &m, seeking, true).await.assert_ok(200);
    service_action(&app, &m.publisher, seeking, 1)
        .await
        .assert_ok(200);
    app.post("/v1/order", json!({"service_id": seeking}))
        .token(&m.consumer)
        .send()
        .await
        .assert_error(400, 10011);
}

#[tokio::test]
async fn ordering_ones_own_service_is_10009_and_a_missing_one_10008() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    app.post("/v1/order", json!({"service_id": service}))
        .token(&m.publisher)
        .send()
        .await
        .assert_error(400, 10009);
    app.post("/v1/order", json!({"service_id": 999}))
        .token(&m.consumer)
        .send()
        .await
        .assert_error(404, 10008);
    app.get("/v1/order/999")
        .token(&m.consumer)
        .send()
        .await
        .assert_error(404, 10008);
    order_action(&app, &m.consumer, 999, 3)
        .await
        .assert_error(404, 10008);
}

#[tokio::test]
async fn every_order_transition_through_the_api() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    // 0 → 1 → 2 → 3, confirm adds to the sales volume.
    let id = place(&app, &m, service).await;
    app.calls();
    order_action(&app, &m.publisher, id, 1).await.assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(order_status(&app, &m, id).await, 1);
    order_action(&app, &m.consumer, id, 3).await.assert_ok(200);
    assert_eq!(order_status(&app, &m, id).await, 2);
    app.calls();
    order_action(&app, &m.consumer, id, 4).await.assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(order_status(&app, &m, id).await, 3);
    assert_eq!(
        crate::market::service(&app, &m, service).await["sales_volume"],
        1
    );
    // Refused in 3: everything through this route.
    for action in 1..=7 {
        let token = if action <= 2 {
            &m.publisher
        } else {
            &m.consumer
        };
        order_action(&app, token, id, action)
            .await
            .assert_error(400, 10017);
    }
    // 0 → 6 (refuse), 0 → 5 and 1 → 5 (cancel).
    let refused = place(&app, &m, service).await;
    order_action(&app, &m.publisher, refused, 2)
        .await
        .assert_ok(200);
    assert_eq!(order_status(&app, &m, refused).await, 6);
    order_action(&app, &m.publisher, refused, 1)
        .await
        .assert_error(400, 10017);
    let cancelled = place(&app, &m, service).await;
    order_action(&app, &m.consumer, cancelled, 3)
        .await
        .assert_error(400, 10017);
    order_action(&app, &m.consumer, cancelled, 4)
        .await
        .assert_error(400, 10017);
    order_action(&app, &m.consumer, cancelled, 7)
        .await
        .assert_ok(200);
    assert_eq!(order_status(&app, &m, cancelled).await, 5);
    order_action(&app, &m.consumer, cancelled, 7)
        .await
        .assert_error(400, 10017);
    let agreed = order_in(&app, &m, service, 1).await;
    order_action(&app, &m.publisher, agreed, 1)
        .await
        .assert_error(400, 10017);
    order_action(&app, &m.consumer, agreed, 4)
        .await
        .assert_error(400, 10017);
    order_action(&app, &m.consumer, agreed, 7)
        .await
        .assert_ok(200);
    assert_eq!(order_status(&app, &m, agreed).await, 5);
    // Paid: cancel is no longer possible.
    let paid = order_in(&app, &m, service, 2).await;
    order_action(&app, &m.consumer, paid, 7)
        .await
        .assert_error(400, 10017);
}

#[tokio::test]
async fn error_10017_rate_and_refund_go_through_their_own_routes() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let unrated = order_in(&app, &m, service, 3).await;
    order_action(&app, &m.consumer, unrated, 5)
        .await
        .assert_error(400, 10017);
    let paid = order_in(&app, &m, service, 2).await;
    order_action(&app, &m.consumer, paid, 6)
        .await
        .assert_error(400, 10017);
    order_action(&app, &m.consumer, paid, 8)
        .await
        .assert_error(400, 10000);
}

#[tokio::test]
async fn error_10012_wrong_party_or_another_users_order() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let id = place(&app, &m, service).await;
    order_action(&app, &m.consumer, id, 1)
        .await
        .assert_error(403, 10012);
    order_action(&app, &m.publisher, id, 7)
        .await
        .assert_error(403, 10012);
    order_action(&app, &m.stranger, id, 7)
        .await
        .assert_error(403, 10012);
    order_action(&app, &m.stranger, id, 1)
        .await
        .assert_error(403, 10012);
    app.get(&format!("/v1/order/{id}"))
        .token(&m.stranger)
        .send()
        .await
        .assert_error(403, 10010);
    app.get(&format!("/v1/order/{id}"))
        .token(&m.admin)
        .send()
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn my_orders_by_role_and_status_and_the_counts() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let mut ids = Vec::new();
    for status in 0..=6 {
        ids.push(order_in(&app, &m, service, status).await);
    }
    app.calls();
    let counts = app
        .get("/v1/order/count?role=1")
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "GetItem"]);
    assert_eq!(
        counts.data(),
        &json!({"unapproved": 1, "unpaid": 1, "unconfirmed": 1, "unrated": 1})
    );
    let consumer_counts = app
        .get("/v1/order/count?role=2")
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(consumer_counts.data(), counts.data());
    let nothing = app
        .get("/v1/order/count?role=1")
        .token(&m.consumer)
        .send()
        .await;
    assert_eq!(
        nothing.data(),
        &json!({"unapproved": 0, "unpaid": 0, "unconfirmed": 0, "unrated": 0})
    );
    app.calls();
    for (role, token) in [(1, &m.publisher), (2, &m.consumer)] {
        let all = app
            .get(&format!("/v1/order/my?role={role}&page=1&count=5"))
            .token(token)
            .send()
            .await;
        assert_eq!(app.calls().len(), 3);
        all.assert_ok(200);
        assert_eq!(all.data()["total"], 7);
        assert_eq!(all.data()["has_more"], true);
        assert_eq!(all.data()["data"][0]["id"], ids[6]);
        for status in 0..=6u64 {
            let one = app
                .get(&format!(
                    "/v1/order/my?role={role}&status={status}&page=1&count=10"
                ))
                .token(token)
                .send()
                .await;
            assert_eq!(app.calls().len(), 3);
            assert_eq!(one.data()["total"], 1, "role {role} status {status}");
            assert_eq!(one.data()["data"][0]["id"], ids[status as usize]);
            assert_eq!(one.data()["data"][0]["status"], status);
        }
    }
    let theirs = app
        .get("/v1/order/my?role=2&page=1&count=10")
        .token(&m.stranger)
        .send()
        .await;
    assert_eq!(theirs.data()["total"], 0);
    app.get("/v1/order/my?role=3&page=1&count=10")
        .token(&m.consumer)
        .send()
        .await
        .assert_error(400, 10000);
    app.get("/v1/order/my?role=1&page=1&count=10")
        .send()
        .await
        .assert_error(401, 10001);
}

#[tokio::test]
async fn addresses_dynamodb_cannot_store_are_10000() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    for address in [
        json!({"": "x"}),
        json!({"detailInfo": {"": [null]}}),
        json!({"g\u{fb}n\u{2}": {"": [null]}}),
    ] {
        let response = app
            .post(
                "/v1/order",
                json!({"service_id": service, "address": address}),
            )
            .token(&m.consumer)
            .send()
            .await;
        response.assert_error(400, 10000);
        assert!(response.body["message"]
            .as_str()
            .unwrap()
            .contains("address"));
    }
}
