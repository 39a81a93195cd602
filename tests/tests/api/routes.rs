//! The route table is the same in `template.yaml`, the `cargo lambda watch` router in
//! `Cargo.toml`, and the axum routers — and every route is really served.

use api_tests::app::TestApp;
use api_tests::routes::{source_routes, template_routes, watch_routes};
use axum::http::Method;

#[test]
fn template_watch_router_and_axum_routers_agree() {
    let watch = watch_routes().unwrap();
    let template = template_routes().unwrap();
    let source = source_routes().unwrap();
    assert!(!watch.is_empty());
    let missing =
        |from: &str, a: &std::collections::BTreeSet<_>, b: &std::collections::BTreeSet<_>| {
            let gap: Vec<_> = a.difference(b).collect();
            assert!(gap.is_empty(), "routes missing from {from}: {gap:#?}");
        };
    missing("template.yaml", &watch, &template);
    missing("Cargo.toml", &template, &watch);
    missing("the axum routers", &watch, &source);
    missing("Cargo.toml", &source, &watch);
}

#[tokio::test]
async fn every_route_is_served_by_its_function() {
    let app = TestApp::new().await;
    for route in watch_routes().unwrap() {
        let path = route.path.replace("{id}", "1");
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let response = app
            .request(method, &path)
            .send_to(app.router(&route.function))
            .await;
        assert_ne!(
            response.status, 404,
            "{} {} is not served by {}: {}",
            route.method, route.path, route.function, response.body
        );
    }
}
