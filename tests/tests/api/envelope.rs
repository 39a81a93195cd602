//! The error envelope on unknown routes and methods.

use api_tests::app::TestApp;
use axum::http::Method;

#[tokio::test]
async fn unknown_route_in_a_function_is_10008_with_the_request() {
    let app = TestApp::new().await;
    let response = app.get("/v1/nope").send_to(app.router("users")).await;
    response.assert_error(404, 10008);
    assert_eq!(response.body["request"], "GET /v1/nope");
    assert_eq!(response.body["message"], "访问的资源不存在");
}

#[tokio::test]
async fn wrong_method_is_10008() {
    let app = TestApp::new().await;
    let response = app
        .request(Method::DELETE, "/v1/user")
        .send_to(app.router("users"))
        .await;
    response.assert_error(404, 10008);
    assert_eq!(response.body["request"], "DELETE /v1/user");
}

#[tokio::test]
async fn unrouted_paths_never_reach_a_function() {
    let app = TestApp::new().await;
    let response = app.get("/v2/anything").send().await;
    assert_eq!(response.status, 404);
}

#[tokio::test]
async fn call_budget_of_identity_routes() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let admin = app.admin_token().await;
    app.calls();
    app.get("/v1/user")
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    assert_eq!(app.calls(), ["GetItem"]);
    app.get("/v1/category").send().await.assert_ok(200);
    assert_eq!(app.calls(), ["Query"]);
    app.get("/v1/admin/credential?page=1&count=5")
        .token(&admin)
        .send()
        .await
        .assert_ok(200);
    let mut listed = app.calls();
    listed.sort();
    assert_eq!(listed, ["GetItem", "GetItem", "Query"]);
    app.post("/v1/token", serde_json::json!({"i_code": api_tests::app::BOOTSTRAP_ADMIN.0, "order_no": api_tests::app::BOOTSTRAP_ADMIN.1}))
        .send()
        .await
        .assert_ok(200);
    assert_eq!(
        app.calls(),
        ["BatchGetItem", "GetItem", "GetItem", "GetItem"],
        "a returning sign-in reads its failure windows (address and i_code, one call), the \
         pair, the count of other admins (the bootstrap pair only) and the user"
    );
}

#[tokio::test]
async fn scan_is_refused_by_the_client() {
    let app = TestApp::new().await;
    let scan = app
        .state
        .store()
        .client()
        .scan()
        .table_name(&app.table)
        .send()
        .await;
    assert!(scan.is_err());
}
