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
