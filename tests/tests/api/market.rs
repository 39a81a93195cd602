//! Helpers of the marketplace tests: a publisher, a consumer and a stranger, a category, and
//! services and orders driven into a given status through the routes.

use api_tests::app::TestApp;
use serde_json::{json, Value};

/// The people and the category of a marketplace test.
pub struct Market {
    pub admin: String,
    pub publisher: String,
    pub publisher_id: u64,
    pub consumer: String,
    pub consumer_id: u64,
    pub stranger: String,
    pub stranger_id: u64,
    pub category: u64,
}

pub async fn market(app: &TestApp) -> Market {
    let admin = app.admin_token().await;
    let category = app
        .post("/v1/admin/category", json!({"name": "宠物", "sort": 1}))
        .token(&admin)
        .send()
        .await;
    category.assert_ok(201);
    let (publisher, publisher_id) = app.member(&[], None).await;
    let (consumer, consumer_id) = app.member(&[], None).await;
    let (stranger, stranger_id) = app.member(&[], None).await;
    Market {
        admin,
        publisher,
        publisher_id,
        consumer,
        consumer_id,
        stranger,
        stranger_id,
        category: category.data()["id"].as_u64().unwrap(),
    }
}

/// A valid create/edit body.
pub fn service_body(category: u64, cover: u64) -> Value {
    json!({
        "type": 1,
        "title": "节假日宠物寄养",
        "category_id": category,
        "cover_image_id": cover,
        "designated_place": 0,
        "description": "五一劳动节三天假期宠物寄养服务，代溜，代喂食。",
        "begin_date": "2021-03-07",
        "end_date": "2021-03-15",
        "price": "300"
    })
}

/// Creates a service of the publisher with `body` (its cover replaced by a fresh ready file
/// of theirs) and answers its id; status 0.
pub async fn create_service(app: &TestApp, m: &Market, mut body: Value) -> u64 {
    body["cover_image_id"] = json!(app.ready_file(m.publisher_id).await);
    if body["category_id"].is_null() {
        body["category_id"] = json!(m.category);
    }
    let created = app
        .post("/v1/service", body)
        .token(&m.publisher)
        .send()
        .await;
    created.assert_ok(201);
    created.data()["service_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

pub async fn service_action(
    app: &TestApp,
    token: &str,
    id: u64,
    action: u8,
) -> api_tests::app::TestResponse {
    app.post(&format!("/v1/service/{id}"), json!({ "action": action }))
        .token(token)
        .send()
        .await
}

pub async fn audit(
    app: &TestApp,
    m: &Market,
    id: u64,
    approve: bool,
) -> api_tests::app::TestResponse {
    app.post(
        &format!("/v1/admin/service/{id}/audit"),
        json!({ "approve": approve, "reason": "ok" }),
    )
    .token(&m.admin)
    .send()
    .await
}

/// A published offering of the publisher (created, approved, published).
pub async fn published_service(app: &TestApp, m: &Market) -> u64 {
    let id = create_service(app, m, service_body(m.category, 0)).await;
    audit(app, m, id, true).await.assert_ok(200);
    service_action(app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    id
}

pub async fn order_action(
    app: &TestApp,
    token: &str,
    id: u64,
    action: u8,
) -> api_tests::app::TestResponse {
    app.post(&format!("/v1/order/{id}"), json!({ "action": action }))
        .token(token)
        .send()
        .await
}

/// Places an order of `service` by the consumer; status 0.
pub async fn place(app: &TestApp, m: &Market, service: u64) -> u64 {
    let placed = app
        .post("/v1/order", json!({ "service_id": service }))
        .token(&m.consumer)
        .send()
        .await;
    placed.assert_ok(201);
    placed.data()["order_id"].as_u64().unwrap()
}

/// An order of `service` driven to `status` (0–6) through the routes.
pub async fn order_in(app: &TestApp, m: &Market, service: u64, status: u8) -> u64 {
    let id = place(app, m, service).await;
    let steps: &[(bool, u8)] = match status {
        0 => &[],
        1 => &[(true, 1)],
        2 => &[(true, 1), (false, 3)],
        3 => &[(true, 1), (false, 3), (false, 4)],
        4 => &[(true, 1), (false, 3), (false, 4)],
        5 => &[(false, 7)],
        6 => &[(true, 2)],
        _ => panic!("no order status {status}"),
    };
    for (by_publisher, action) in steps {
        let token = if *by_publisher {
            &m.publisher
        } else {
            &m.consumer
        };
        order_action(app, token, id, *action).await.assert_ok(200);
    }
    if status == 4 {
        rate(app, &m.consumer, id, 5).await.assert_ok(201);
    }
    id
}

pub async fn rate(
    app: &TestApp,
    token: &str,
    order: u64,
    score: u8,
) -> api_tests::app::TestResponse {
    app.post(
        "/v1/rating",
        json!({ "order_id": order, "score": score, "content": "非常好，家里狗子甚至都不想回家了。" }),
    )
    .token(token)
    .send()
    .await
}

pub async fn request_refund(
    app: &TestApp,
    token: &str,
    order: u64,
) -> api_tests::app::TestResponse {
    app.post(
        "/v1/refund",
        json!({ "order_id": order, "reason": "说好的代溜没有做到" }),
    )
    .token(token)
    .send()
    .await
}

pub async fn refund_action(
    app: &TestApp,
    token: &str,
    id: u64,
    action: u8,
) -> api_tests::app::TestResponse {
    app.post(&format!("/v1/refund/{id}"), json!({ "action": action }))
        .token(token)
        .send()
        .await
}

/// Status of order `id` as its consumer sees it.
pub async fn order_status(app: &TestApp, m: &Market, id: u64) -> u64 {
    let order = app
        .get(&format!("/v1/order/{id}"))
        .token(&m.consumer)
        .send()
        .await;
    order.assert_ok(200);
    order.data()["status"].as_u64().unwrap()
}

/// The service as its publisher sees it.
pub async fn service(app: &TestApp, m: &Market, id: u64) -> Value {
    let service = app
        .get(&format!("/v1/service/{id}"))
        .token(&m.publisher)
        .send()
        .await;
    service.assert_ok(200);
    service.data().clone()
}
