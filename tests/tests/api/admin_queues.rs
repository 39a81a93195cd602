//! The console's admin queues: `GET /v1/admin/services`, … `?status=` — newest first, paged,
//! one Query on an index partition per page, admins only.

use api_tests::app::TestApp;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use crate::market::*;

/// The ids of a page's items, in order.
pub fn ids(page: &Value) -> Vec<u64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect()
}

/// The `data` of a list route's answer (200) to `token`.
pub async fn queue(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path).token(token).send().await;
    response.assert_ok(200);
    response.data().clone()
}

/// The two pages (`count=2`) of a queue of three items, `made` in order: read by one Query
/// besides the session's and the tally's GetItem, newest first. Answers the first page.
pub async fn three_in_two_pages(
    app: &TestApp,
    token: &str,
    at: impl Fn(u8) -> String,
    made: &[u64],
) -> Value {
    app.calls();
    let first = queue(app, token, &at(1)).await;
    let mut calls = app.calls();
    calls.sort();
    assert_eq!(
        calls,
        ["GetItem", "GetItem", "Query"],
        "session, tally, page"
    );
    assert_eq!(ids(&first), [made[2], made[1]]);
    assert_eq!(
        (&first["total"], &first["has_more"]),
        (&Value::from(3), &Value::from(true))
    );
    let second = queue(app, token, &at(2)).await;
    assert_eq!(ids(&second), [made[0]]);
    assert_eq!(second["has_more"], false);
    first
}

#[tokio::test]
async fn services_by_status_newest_first_paged_in_one_query() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let mut pending = Vec::new();
    for _ in 0..3 {
        pending.push(create_service(&app, &m, service_body(m.category, 0)).await);
    }
    let published = published_service(&app, &m).await;
    let at = |page: u8| format!("/v1/admin/services?status=0&page={page}&count=2");
    let first = three_in_two_pages(&app, &m.admin, at, &pending).await;
    assert_eq!(first["last_page"], 2);

    // What the operator decides on: title, price, cover photo, publisher with contacts.
    let item = &first["data"][0];
    assert_eq!(item["title"], "节假日宠物寄养");
    assert_eq!(item["price"], "300.00");
    assert_eq!(item["status"], 0);
    assert_eq!(item["category"]["name"], "宠物");
    for size in ["sml", "mid"] {
        let url = item["cover_image"][size].as_str().unwrap();
        assert!(url.ends_with(&format!("/{size}.jpg")), "{url}");
    }
    assert_eq!(item["publisher"]["id"], m.publisher_id);
    assert!(item["publisher"].get("tel").is_some(), "{item}");

    let listed = queue(
        &app,
        &m.admin,
        "/v1/admin/services?status=2&page=1&count=10",
    )
    .await;
    assert_eq!(ids(&listed), [published]);
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn a_service_moves_between_queues_with_its_status() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let id = create_service(&app, &m, service_body(m.category, 0)).await;
    let at = |status: u8| format!("/v1/admin/services?status={status}&page=1&count=10");
    assert_eq!(ids(&queue(&app, &m.admin, &at(0)).await), [id]);
    audit(&app, &m, id, true).await.assert_ok(200);
    let waiting = queue(&app, &m.admin, &at(0)).await;
    assert_eq!(
        (ids(&waiting), &waiting["total"]),
        (vec![], &Value::from(0))
    );
    let approved = queue(&app, &m.admin, &at(1)).await;
    assert_eq!(
        (ids(&approved), &approved["total"]),
        (vec![id], &Value::from(1))
    );
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    assert!(ids(&queue(&app, &m.admin, &at(1)).await).is_empty());
    assert_eq!(ids(&queue(&app, &m.admin, &at(2)).await), [id]);
    service_action(&app, &m.publisher, id, 3)
        .await
        .assert_ok(200);
    assert!(ids(&queue(&app, &m.admin, &at(2)).await).is_empty());
    let cancelled = queue(&app, &m.admin, &at(4)).await;
    assert_eq!(
        (ids(&cancelled), &cancelled["total"]),
        (vec![id], &Value::from(1))
    );
}

/// Each queue route with a valid query string.
const QUEUES: &[&str] = &[
    "/v1/admin/services?status=0&page=1&count=10",
    "/v1/admin/design/tasks?status=0&page=1&count=10",
    "/v1/admin/refunds?status=0&page=1&count=10",
    "/v1/admin/ratings?status=0&page=1&count=10",
];

#[tokio::test]
async fn queues_are_for_admins_only() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    for path in QUEUES {
        app.get(path)
            .token(&m.publisher)
            .send()
            .await
            .assert_error(403, 10010);
        app.get(path).send().await.assert_error(401, 10001);
        app.get(path)
            .token("not-a-token")
            .send()
            .await
            .assert_error(401, 10002);
    }
}

#[tokio::test]
async fn a_status_outside_the_enum_is_10000_naming_status() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    for path in QUEUES {
        for bad in ["9", "x", "-1", ""] {
            let path = path.replace("status=0", &format!("status={bad}"));
            let response = app.get(&path).token(&m.admin).send().await;
            response.assert_error(400, 10000);
            let message = response.body["message"].as_str().unwrap();
            assert!(message.contains("status"), "{path}: {message}");
        }
        let missing = path.replace("status=0&", "");
        app.get(&missing)
            .token(&m.admin)
            .send()
            .await
            .assert_error(400, 10000);
        let deep = path.replace("count=10", "count=101");
        app.get(&deep)
            .token(&m.admin)
            .send()
            .await
            .assert_error(400, 10000);
    }
}

/// The operator's store, over a client that may scan (the app's may not).
pub fn operator(app: &TestApp) -> shared::store::Store {
    let sdk = api_tests::app::local_sdk_config(api_tests::dynamodb_local::endpoint());
    shared::store::Store::new(aws_sdk_dynamodb::Client::new(&sdk), &app.table)
}

/// Where a record's queue key sits: an index of its main item, or a copy of its own.
enum QueueKey {
    Gsi3,
    Copy(&'static str),
}

/// Turns a stored record back into one written before the queues: no queue key, not
/// counted in the queue tally (`tally = (counter SK, field)`).
async fn make_legacy(app: &TestApp, pk: &str, sk: &str, queue: QueueKey, tally: (&str, &str)) {
    let client = app.state.store().client();
    let remove = match queue {
        QueueKey::Gsi3 => "REMOVE queue_counted, GSI3PK, GSI3SK",
        QueueKey::Copy(copy) => {
            client
                .delete_item()
                .table_name(&app.table)
                .key("PK", AttributeValue::S(pk.into()))
                .key("SK", AttributeValue::S(copy.into()))
                .send()
                .await
                .unwrap();
            "REMOVE queue_counted"
        }
    };
    client
        .update_item()
        .table_name(&app.table)
        .key("PK", AttributeValue::S(pk.into()))
        .key("SK", AttributeValue::S(sk.into()))
        .update_expression(remove)
        .send()
        .await
        .unwrap();
    let (tally, field) = tally;
    client
        .update_item()
        .table_name(&app.table)
        .key("PK", AttributeValue::S("COUNTER".into()))
        .key("SK", AttributeValue::S(tally.into()))
        .update_expression("ADD #f :minus")
        .expression_attribute_names("#f", field)
        .expression_attribute_values(":minus", AttributeValue::N("-1".into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn services_stored_before_the_queues_are_counted_in_by_the_backfill() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let old = create_service(&app, &m, service_body(m.category, 0)).await;
    let new = create_service(&app, &m, service_body(m.category, 0)).await;
    make_legacy(
        &app,
        &format!("SERVICE#{old}"),
        "SERVICE",
        QueueKey::Gsi3,
        ("tally#svc-queue", "s0"),
    )
    .await;
    let at = "/v1/admin/services?status=0&page=1&count=10";
    let before = queue(&app, &m.admin, at).await;
    assert_eq!(
        (ids(&before), &before["total"]),
        (vec![new], &Value::from(1))
    );

    let operator = operator(&app);
    let done = operator.backfill_queues().await.unwrap();
    assert_eq!(done.services, 1);
    assert_eq!(
        operator.backfill_queues().await.unwrap().services,
        0,
        "idempotent"
    );
    let after = queue(&app, &m.admin, at).await;
    assert_eq!(
        (ids(&after), &after["total"]),
        (vec![new, old], &Value::from(2))
    );
    // Once counted, it moves like any other.
    audit(&app, &m, old, false).await.assert_ok(200);
    let after = queue(&app, &m.admin, at).await;
    assert_eq!((ids(&after), &after["total"]), (vec![new], &Value::from(1)));
}

/// A refund requested on a fresh order of `service` (status 0).
async fn new_refund(app: &TestApp, m: &Market, service: u64) -> u64 {
    let order = order_in(app, m, service, 2).await;
    let requested = request_refund(app, &m.consumer, order).await;
    requested.assert_ok(201);
    requested.data()["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn refunds_by_status_newest_first_paged_in_one_query_and_moving_with_their_status() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let mut refunds = Vec::new();
    for _ in 0..3 {
        refunds.push(new_refund(&app, &m, service).await);
    }
    let at =
        |status: u8, page: u8| format!("/v1/admin/refunds?status={status}&page={page}&count=2");
    let first = three_in_two_pages(&app, &m.admin, |page| at(0, page), &refunds).await;

    // What the operator decides on: the reason, the amount, the service, both parties.
    let item = &first["data"][0];
    assert_eq!(item["reason"], "说好的代溜没有做到");
    assert_eq!(item["status"], 0);
    assert_eq!(item["service_order"]["price"], "300.00");
    assert_eq!(
        item["service_order"]["service_snap"]["title"],
        "节假日宠物寄养"
    );
    for size in ["sml", "mid"] {
        let url = item["service_order"]["service_snap"]["cover_image"][size]
            .as_str()
            .unwrap();
        assert!(url.ends_with(&format!("/{size}.jpg")), "{url}");
    }
    assert_eq!(item["publisher"]["id"], m.publisher_id);
    assert_eq!(item["consumer"]["id"], m.consumer_id);

    // Agreed (1) waits for the platform; paid back (2) leaves that queue.
    refund_action(&app, &m.publisher, refunds[0], 1)
        .await
        .assert_ok(200);
    let waiting = queue(&app, &m.admin, &at(1, 1)).await;
    assert_eq!(
        (ids(&waiting), &waiting["total"]),
        (vec![refunds[0]], &Value::from(1))
    );
    assert_eq!(queue(&app, &m.admin, &at(0, 1)).await["total"], 2);
    app.post(
        &format!("/v1/admin/refund/{}/refunded", refunds[0]),
        serde_json::json!({}),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_ok(200);
    let waiting = queue(&app, &m.admin, &at(1, 1)).await;
    assert_eq!(
        (ids(&waiting), &waiting["total"]),
        (vec![], &Value::from(0))
    );
    assert_eq!(ids(&queue(&app, &m.admin, &at(2, 1)).await), [refunds[0]]);
}

#[tokio::test]
async fn refunds_stored_before_the_queues_are_counted_in_by_the_backfill() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let old = new_refund(&app, &m, service).await;
    let new = new_refund(&app, &m, service).await;
    make_legacy(
        &app,
        &format!("REFUND#{old}"),
        "REFUND",
        QueueKey::Copy("QUEUE"),
        ("tally#ref-queue", "s0"),
    )
    .await;
    let at = "/v1/admin/refunds?status=0&page=1&count=10";
    let before = queue(&app, &m.admin, at).await;
    assert_eq!(
        (ids(&before), &before["total"]),
        (vec![new], &Value::from(1))
    );

    let operator = operator(&app);
    assert_eq!(operator.backfill_queues().await.unwrap().refunds, 1);
    assert_eq!(
        operator.backfill_queues().await.unwrap().refunds,
        0,
        "idempotent"
    );
    let after = queue(&app, &m.admin, at).await;
    assert_eq!(
        (ids(&after), &after["total"]),
        (vec![new, old], &Value::from(2))
    );
}

/// A rating of a fresh confirmed order of `service` (shown, 2).
async fn new_rating(app: &TestApp, m: &Market, service: u64) -> u64 {
    let order = order_in(app, m, service, 3).await;
    let rated = rate(app, &m.consumer, order, 4).await;
    rated.assert_ok(201);
    rated.data()["id"].as_str().unwrap().parse().unwrap()
}

async fn moderate(app: &TestApp, m: &Market, id: u64, status: u8) {
    app.post(
        &format!("/v1/admin/rating/{id}/status"),
        serde_json::json!({ "status": status }),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_ok(200);
}

#[tokio::test]
async fn ratings_by_status_newest_first_paged_in_one_query_and_moving_with_their_status() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let mut ratings = Vec::new();
    for _ in 0..3 {
        ratings.push(new_rating(&app, &m, service).await);
    }
    let at =
        |status: u8, page: u8| format!("/v1/admin/ratings?status={status}&page={page}&count=2");
    let first = three_in_two_pages(&app, &m.admin, |page| at(2, page), &ratings).await;

    // What the moderator decides on: the text, the author with contacts, the service.
    let item = &first["data"][0];
    assert_eq!(item["content"], "非常好，家里狗子甚至都不想回家了。");
    assert_eq!(item["score"], 4);
    assert_eq!(item["author"]["id"], m.consumer_id);
    assert!(item["author"].get("tel").is_some(), "{item}");
    assert_eq!(item["service_id"], service);
    assert!(item["order_id"].as_u64().is_some());
    assert_eq!(item["service_title"], "节假日宠物寄养");
    for size in ["sml", "mid"] {
        let url = item["service_cover"][size].as_str().unwrap();
        assert!(url.ends_with(&format!("/{size}.jpg")), "{url}");
    }

    moderate(&app, &m, ratings[1], 1).await;
    let held = queue(&app, &m.admin, &at(1, 1)).await;
    assert_eq!(
        (ids(&held), &held["total"]),
        (vec![ratings[1]], &Value::from(1))
    );
    assert_eq!(
        ids(&queue(&app, &m.admin, &at(2, 1)).await),
        [ratings[2], ratings[0]]
    );
    moderate(&app, &m, ratings[1], 0).await;
    assert!(ids(&queue(&app, &m.admin, &at(1, 1)).await).is_empty());
    assert_eq!(ids(&queue(&app, &m.admin, &at(0, 1)).await), [ratings[1]]);
}

#[tokio::test]
async fn ratings_stored_before_the_queues_are_counted_in_by_the_backfill() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let old = new_rating(&app, &m, service).await;
    make_legacy(
        &app,
        &format!("RATING#{old}"),
        "RATING",
        QueueKey::Copy("QUEUE"),
        ("tally#rating-queue", "s2"),
    )
    .await;
    let at = "/v1/admin/ratings?status=2&page=1&count=10";
    let before = queue(&app, &m.admin, at).await;
    assert_eq!((ids(&before), &before["total"]), (vec![], &Value::from(0)));

    let operator = operator(&app);
    assert_eq!(operator.backfill_queues().await.unwrap().ratings, 1);
    assert_eq!(
        operator.backfill_queues().await.unwrap().ratings,
        0,
        "idempotent"
    );
    let after = queue(&app, &m.admin, at).await;
    assert_eq!((ids(&after), &after["total"]), (vec![old], &Value::from(1)));
}

async fn audit_task(app: &TestApp, cast: &crate::design::Cast, id: u64, approve: bool) {
    app.post(
        &format!("/v1/admin/design/task/{id}/audit"),
        serde_json::json!({ "approve": approve, "reason": "图片不清晰" }),
    )
    .token(&cast.admin.token)
    .send()
    .await
    .assert_ok(200);
}

#[tokio::test]
async fn design_tasks_by_status_newest_first_paged_in_one_query_and_moving_with_their_status() {
    use crate::design::{approved_first_draft, cast, choose_first_draft, grab, publish};
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let mut tasks = Vec::new();
    for _ in 0..3 {
        tasks.push(publish(&app, &cast.customer, 2).await);
    }
    let admin = &cast.admin.token;
    let at = |status: u8, page: u8| {
        format!("/v1/admin/design/tasks?status={status}&page={page}&count=2")
    };
    let first = three_in_two_pages(&app, admin, |page| at(0, page), &tasks).await;

    // What the auditor decides on: title, budget, area, photos, the customer.
    let item = &first["data"][0];
    assert_eq!(item["title"], "三居室现代简约设计");
    assert_eq!(item["budget"], "20000.00");
    assert_eq!(item["status"], 0);
    assert_eq!(item["customer"]["id"], cast.customer.id);
    for size in ["sml", "mid"] {
        let url = item["photos"][0][size].as_str().unwrap();
        assert!(url.ends_with(&format!("/{size}.jpg")), "{url}");
    }

    // 0 → 1 (approved), 0 → 2 (refused), 1 → 3 (a first draft chosen).
    audit_task(&app, &cast, tasks[0], true).await;
    audit_task(&app, &cast, tasks[1], false).await;
    let waiting = queue(&app, admin, &at(0, 1)).await;
    assert_eq!(
        (ids(&waiting), &waiting["total"]),
        (vec![tasks[2]], &Value::from(1))
    );
    let open = queue(&app, admin, &at(1, 1)).await;
    assert_eq!(
        (ids(&open), &open["total"]),
        (vec![tasks[0]], &Value::from(1))
    );
    assert_eq!(ids(&queue(&app, admin, &at(2, 1)).await), [tasks[1]]);
    grab(&app, &cast.designer, tasks[0]).await.assert_ok(201);
    approved_first_draft(&app, &cast, tasks[0], &cast.designer).await;
    choose_first_draft(&app, &cast, tasks[0], cast.designer.id, 1)
        .await
        .assert_ok(200);
    let open = queue(&app, admin, &at(1, 1)).await;
    assert_eq!((ids(&open), &open["total"]), (vec![], &Value::from(0)));
    let started = queue(&app, admin, &at(3, 1)).await;
    assert_eq!(
        (ids(&started), &started["total"]),
        (vec![tasks[0]], &Value::from(1))
    );
}

#[tokio::test]
async fn design_tasks_stored_before_the_queues_are_counted_in_by_the_backfill() {
    let app = TestApp::new().await;
    let cast = crate::design::cast(&app).await;
    let old = crate::design::publish(&app, &cast.customer, 2).await;
    make_legacy(
        &app,
        &format!("DTASK#{old}"),
        "TASK",
        QueueKey::Gsi3,
        ("total#design-status-0", "value"),
    )
    .await;
    let at = "/v1/admin/design/tasks?status=0&page=1&count=10";
    let before = queue(&app, &cast.admin.token, at).await;
    assert_eq!((ids(&before), &before["total"]), (vec![], &Value::from(0)));
    // A legacy task moves on without being counted: the backfill counts it where it is.
    audit_task(&app, &cast, old, true).await;

    let operator = operator(&app);
    assert_eq!(operator.backfill_queues().await.unwrap().design_tasks, 1);
    assert_eq!(
        operator.backfill_queues().await.unwrap().design_tasks,
        0,
        "idempotent"
    );
    let open = "/v1/admin/design/tasks?status=1&page=1&count=10";
    let after = queue(&app, &cast.admin.token, open).await;
    assert_eq!((ids(&after), &after["total"]), (vec![old], &Value::from(1)));
    let waiting = queue(&app, &cast.admin.token, at).await;
    assert_eq!(waiting["total"], 0);
}
