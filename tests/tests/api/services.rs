//! `/v1/service...` and the admin audit/off-shelf routes.

use api_tests::app::TestApp;
use serde_json::json;

use crate::market::*;

#[tokio::test]
async fn create_answers_a_string_id_and_the_service_waits_for_audit() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let cover = app.ready_file(m.publisher_id).await;
    app.calls();
    let created = app
        .post("/v1/service", service_body(m.category, cover))
        .token(&m.publisher)
        .send()
        .await;
    created.assert_ok(201);
    assert_eq!(
        app.calls(),
        [
            "GetItem",
            "BatchGetItem",
            "UpdateItem",
            "TransactWriteItems"
        ]
    );
    let id = created.data()["service_id"].as_str().unwrap().to_owned();
    let detail = app
        .get(&format!("/v1/service/{id}"))
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "GetItem"]);
    detail.assert_ok(200);
    let data = detail.data();
    assert_eq!(data["id"], json!(id.parse::<u64>().unwrap()));
    assert_eq!(data["type"], 1);
    assert_eq!(data["designated_place"], 0);
    assert_eq!(data["price"], "300.00");
    assert_eq!(data["score"], "0");
    assert_eq!(data["sales_volume"], 0);
    assert_eq!(data["status"], 0);
    assert_eq!(data["begin_date"], "2021-03-07");
    assert_eq!(data["category"], json!({"id": m.category, "name": "宠物"}));
    assert_eq!(data["publisher"]["id"], m.publisher_id);
    assert_eq!(data["cover_image"]["id"], cover);
    assert_eq!(data["cover_image"]["path"], data["cover_image"]["big"]);
    assert!(data["cover_image"]["sml"]
        .as_str()
        .unwrap()
        .ends_with("/sml.jpg"));
    assert_eq!(data["create_time"].as_str().unwrap().len(), 19);
}

#[tokio::test]
async fn every_service_transition_through_the_api() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let id = create_service(&app, &m, service_body(m.category, 0)).await;
    // 0: publish and pause are refused; approve → 1.
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_error(400, 10009);
    service_action(&app, &m.publisher, id, 2)
        .await
        .assert_error(400, 10009);
    app.calls();
    audit(&app, &m, id, true).await.assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(service(&app, &m, id).await["status"], 1);
    audit(&app, &m, id, true).await.assert_error(400, 10009);
    service_action(&app, &m.publisher, id, 2)
        .await
        .assert_error(400, 10009);
    // 1 → 2 → 1 → 2.
    app.calls();
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    assert_eq!(app.calls(), ["GetItem", "GetItem", "TransactWriteItems"]);
    assert_eq!(service(&app, &m, id).await["status"], 2);
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_error(400, 10009);
    service_action(&app, &m.publisher, id, 2)
        .await
        .assert_ok(200);
    assert_eq!(service(&app, &m, id).await["status"], 1);
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    // 2 → 3 (admin take-down); 3 refuses publish, cancel, take-down.
    let off = app
        .post(
            &format!("/v1/admin/service/{id}/off-shelf"),
            json!({"reason": "违规"}),
        )
        .token(&m.admin)
        .send()
        .await;
    off.assert_ok(200);
    assert_eq!(service(&app, &m, id).await["status"], 3);
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_error(400, 10009);
    service_action(&app, &m.publisher, id, 3)
        .await
        .assert_error(400, 10009);
    app.post(
        &format!("/v1/admin/service/{id}/off-shelf"),
        json!({"reason": "again"}),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_error(400, 10009);
    // Edit → 0; reject → 5; cancel → 4; a cancelled service cannot be edited.
    let cover = app.ready_file(m.publisher_id).await;
    let mut body = service_body(m.category, cover);
    body["title"] = json!("陪笑服务Plus");
    app.calls();
    let edited = app
        .put(&format!("/v1/service/{id}"), body.clone())
        .token(&m.publisher)
        .send()
        .await;
    edited.assert_ok(200);
    assert_eq!(
        app.calls(),
        ["GetItem", "BatchGetItem", "GetItem", "TransactWriteItems"]
    );
    assert_eq!(edited.data()["title"], "陪笑服务Plus");
    assert_eq!(edited.data()["status"], 0);
    audit(&app, &m, id, false).await.assert_ok(200);
    assert_eq!(service(&app, &m, id).await["status"], 5);
    service_action(&app, &m.publisher, id, 3)
        .await
        .assert_ok(200);
    assert_eq!(service(&app, &m, id).await["status"], 4);
    service_action(&app, &m.publisher, id, 3)
        .await
        .assert_error(400, 10009);
    body["cover_image_id"] = json!(cover);
    app.put(&format!("/v1/service/{id}"), body)
        .token(&m.publisher)
        .send()
        .await
        .assert_error(400, 10009);
}

#[tokio::test]
async fn error_10008_missing_service() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    app.get("/v1/service/999")
        .token(&m.publisher)
        .send()
        .await
        .assert_error(404, 10008);
    service_action(&app, &m.publisher, 999, 1)
        .await
        .assert_error(404, 10008);
    audit(&app, &m, 999, true).await.assert_error(404, 10008);
}

#[tokio::test]
async fn error_10009_action_the_status_does_not_allow() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let id = create_service(&app, &m, service_body(m.category, 0)).await;
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_error(400, 10009);
    app.post(
        &format!("/v1/admin/service/{id}/off-shelf"),
        json!({"reason": "x"}),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_error(400, 10009);
}

#[tokio::test]
async fn error_10010_another_users_service_and_non_admin_audit() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let id = create_service(&app, &m, service_body(m.category, 0)).await;
    // A stranger cannot see an unpublished service (as if absent), act on or edit it.
    app.get(&format!("/v1/service/{id}"))
        .token(&m.stranger)
        .send()
        .await
        .assert_error(404, 10008);
    audit(&app, &m, id, true).await.assert_ok(200);
    service_action(&app, &m.stranger, id, 1)
        .await
        .assert_error(403, 10010);
    let cover = app.ready_file(m.stranger_id).await;
    app.put(
        &format!("/v1/service/{id}"),
        service_body(m.category, cover),
    )
    .token(&m.stranger)
    .send()
    .await
    .assert_error(403, 10010);
    app.post(
        &format!("/v1/admin/service/{id}/audit"),
        json!({"approve": true}),
    )
    .token(&m.publisher)
    .send()
    .await
    .assert_error(403, 10010);
    // Published: everyone with a token may read it.
    service_action(&app, &m.publisher, id, 1)
        .await
        .assert_ok(200);
    app.get(&format!("/v1/service/{id}"))
        .token(&m.stranger)
        .send()
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn bad_input_is_10000_naming_the_field() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let cover = app.ready_file(m.publisher_id).await;
    let others = app.ready_file(m.stranger_id).await;
    for (field, value) in [
        ("price", json!("1.234")),
        ("price", json!("-1")),
        ("type", json!(3)),
        ("designated_place", json!(2)),
        ("begin_date", json!("2021-13-01")),
        ("title", json!("")),
        ("cover_image_id", json!(others)),
        ("cover_image_id", json!(99999)),
        ("category_id", json!(999)),
        ("end_date", json!("2021-03-01")),
    ] {
        let mut body = service_body(m.category, cover);
        body[field] = value;
        let response = app
            .post("/v1/service", body)
            .token(&m.publisher)
            .send()
            .await;
        response.assert_error(400, 10000);
        assert!(
            response.body["message"].as_str().unwrap().contains(field),
            "{field}: {}",
            response.body
        );
    }
    app.post("/v1/service", service_body(m.category, cover))
        .send()
        .await
        .assert_error(401, 10001);
    app.post("/v1/service/1", json!({"action": 4}))
        .token(&m.publisher)
        .send()
        .await
        .assert_error(400, 10000);
}

#[tokio::test]
async fn published_list_filters_and_totals() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let admin = m.admin.clone();
    let other_category = app
        .post("/v1/admin/category", json!({"name": "保洁"}))
        .token(&admin)
        .send()
        .await
        .data()["id"]
        .as_u64()
        .unwrap();
    let a = published_service(&app, &m).await;
    let b = published_service(&app, &m).await;
    let mut seeking = service_body(other_category, 0);
    seeking["type"] = json!(2);
    let c = create_service(&app, &m, seeking).await;
    audit(&app, &m, c, true).await.assert_ok(200);
    service_action(&app, &m.publisher, c, 1)
        .await
        .assert_ok(200);
    let _pending = create_service(&app, &m, service_body(m.category, 0)).await;
    app.calls();
    let all = app.get("/v1/service/list?page=1&count=10").send().await;
    assert_eq!(app.calls().len(), 2);
    all.assert_ok(200);
    let data = all.data();
    assert_eq!(data["total"], 3);
    assert_eq!(
        (
            data["page"].clone(),
            data["count"].clone(),
            data["has_more"].clone()
        ),
        (json!(1), json!(10), json!(false))
    );
    let ids: Vec<u64> = data["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![c, b, a]);
    assert_eq!(first_of(&app, "type=1").await, (2, Some(b), true));
    assert_eq!(first_of(&app, "type=2").await, (1, Some(c), false));
    let category = format!("category_id={}", m.category);
    assert_eq!(first_of(&app, &category).await, (2, Some(b), true));
    let both = format!("category_id={other_category}&type=2");
    assert_eq!(first_of(&app, &both).await, (1, Some(c), false));
    let none = format!("category_id={other_category}&type=1");
    assert_eq!(first_of(&app, &none).await, (0, None, false));
    let second = app.get("/v1/service/list?page=2&count=2").send().await;
    assert_eq!(second.data()["data"].as_array().unwrap().len(), 1);
    app.get("/v1/service/list?page=0&count=10")
        .send()
        .await
        .assert_error(400, 10000);
    app.get("/v1/service/list?page=1&count=101")
        .send()
        .await
        .assert_error(400, 10000);
    app.get("/v1/service/list?page=1&count=10&type=9")
        .send()
        .await
        .assert_error(400, 10000);
}

/// (total, first id, has_more) of the first one-item page of the published list filtered by
/// `query`; two DynamoDB calls.
async fn first_of(app: &TestApp, query: &str) -> (u64, Option<u64>, bool) {
    app.calls();
    let page = app
        .get(&format!("/v1/service/list?page=1&count=1&{query}"))
        .send()
        .await;
    assert_eq!(app.calls().len(), 2);
    page.assert_ok(200);
    let data = page.data();
    (
        data["total"].as_u64().unwrap(),
        data["data"][0]["id"].as_u64(),
        data["has_more"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn my_services_and_status_counts() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let published = published_service(&app, &m).await;
    let pending = create_service(&app, &m, service_body(m.category, 0)).await;
    let off = published_service(&app, &m).await;
    app.post(
        &format!("/v1/admin/service/{off}/off-shelf"),
        json!({"reason": "违规"}),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_ok(200);
    app.calls();
    let counts = app
        .get("/v1/service/count?type=1")
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls(), ["GetItem", "GetItem"]);
    counts.assert_ok(200);
    assert_eq!(
        counts.data(),
        &json!({"pending": 1, "unpublished": 0, "published": 1, "off_shelves": 1})
    );
    let mine = app
        .get("/v1/service/my?type=1&page=1&count=10")
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(app.calls().len(), 3);
    assert_eq!(mine.data()["total"], 3);
    let only = app
        .get("/v1/service/my?type=1&status=0&page=1&count=10")
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(only.data()["total"], 1);
    assert_eq!(only.data()["data"][0]["id"], pending);
    let live = app
        .get("/v1/service/my?type=1&status=2&page=1&count=10")
        .token(&m.publisher)
        .send()
        .await;
    assert_eq!(live.data()["data"][0]["id"], published);
    let theirs = app
        .get("/v1/service/my?type=1&page=1&count=10")
        .token(&m.stranger)
        .send()
        .await;
    assert_eq!(theirs.data()["total"], 0);
    app.get("/v1/service/count")
        .token(&m.publisher)
        .send()
        .await
        .assert_error(400, 10000);
}
