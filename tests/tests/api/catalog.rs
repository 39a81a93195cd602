//! `GET /v1/category` and the admin's create/update.

use api_tests::app::TestApp;
use serde_json::json;

#[tokio::test]
async fn list_is_public_and_empty_at_first() {
    let app = TestApp::new().await;
    let response = app.get("/v1/category").send().await;
    response.assert_ok(200);
    assert_eq!(response.data(), &json!([]));
}

#[tokio::test]
async fn fixture_gives_the_seed_list_exactly() {
    let app = TestApp::new().await;
    api_tests::fixture::load(&app.state, &api_tests::fixture::demo())
        .await
        .unwrap();
    let response = app.get("/v1/category").send().await;
    response.assert_ok(200);
    let expected = json!([
        {"id": 1, "name": "保洁"}, {"id": 2, "name": "汽修"}, {"id": 3, "name": "疏通"},
        {"id": 4, "name": "在线教育"}, {"id": 5, "name": "宠物"}, {"id": 6, "name": "护理"},
        {"id": 7, "name": "婚恋"}
    ]);
    assert_eq!(response.data(), &expected);
}

#[tokio::test]
async fn admin_creates_and_updates() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let created = app
        .post("/v1/admin/category", json!({"name": "家电维修", "sort": 2}))
        .token(&admin)
        .send()
        .await;
    created.assert_ok(201);
    let id = created.data()["id"].as_u64().unwrap();
    app.post("/v1/admin/category", json!({"name": "保洁", "sort": 1}))
        .token(&admin)
        .send()
        .await
        .assert_ok(201);
    let listed = app.get("/v1/category").send().await;
    assert_eq!(
        listed.data()[0]["name"],
        "保洁",
        "sorted by sort: {}",
        listed.body
    );
    let updated = app
        .put(
            &format!("/v1/admin/category/{id}"),
            json!({"name": "家电清洗", "sort": 0}),
        )
        .token(&admin)
        .send()
        .await;
    updated.assert_ok(200);
    assert_eq!(updated.data(), &json!({"result": true}));
    let listed = app.get("/v1/category").send().await;
    assert_eq!(listed.data()[0], json!({"id": id, "name": "家电清洗"}));
}

#[tokio::test]
async fn non_admins_are_10010_and_anonymous_10001() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&["designer"], None).await;
    app.post("/v1/admin/category", json!({"name": "x"}))
        .token(&token)
        .send()
        .await
        .assert_error(403, 10010);
    app.put("/v1/admin/category/1", json!({"name": "x"}))
        .token(&token)
        .send()
        .await
        .assert_error(403, 10010);
    app.post("/v1/admin/category", json!({"name": "x"}))
        .send()
        .await
        .assert_error(401, 10001);
}

#[tokio::test]
async fn unknown_category_is_10008_and_bad_input_10000() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    app.put("/v1/admin/category/42", json!({"name": "x"}))
        .token(&admin)
        .send()
        .await
        .assert_error(404, 10008);
    app.put("/v1/admin/category/abc", json!({"name": "x"}))
        .token(&admin)
        .send()
        .await
        .assert_error(400, 10000);
    for body in [
        json!({"name": ""}),
        json!({"name": "x".repeat(21)}),
        json!({"name": "x", "sort": "one"}),
        json!({}),
    ] {
        app.post("/v1/admin/category", body)
            .token(&admin)
            .send()
            .await
            .assert_error(400, 10000);
    }
    let listed = app.get("/v1/category").send().await;
    assert_eq!(listed.data(), &json!([]), "nothing is written on bad input");
}
