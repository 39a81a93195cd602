//! The route table is the same in `template.yaml`, the `cargo lambda watch` router in
//! `Cargo.toml`, and the axum routers — and every route is really served and described in
//! `openapi.yaml`.

use api_tests::app::TestApp;
use std::collections::BTreeSet;

use api_tests::routes::{
    openapi_document, openapi_operations, openapi_problems, paths_of, source_routes,
    template_routes, watch_paths, Operation, CATCH_ALL,
};
use axum::http::Method;

#[test]
fn template_watch_router_and_axum_routers_agree() {
    let template = template_routes().unwrap();
    let source = source_routes().unwrap();
    assert!(!template.is_empty());
    let missing =
        |from: &str, a: &std::collections::BTreeSet<_>, b: &std::collections::BTreeSet<_>| {
            let gap: Vec<_> = a.difference(b).collect();
            assert!(gap.is_empty(), "routes missing from {from}: {gap:#?}");
        };
    missing("the axum routers", &template, &source);
    missing("template.yaml", &source, &template);
    // The local router sends each path, whatever the method, to the function serving it.
    assert_eq!(watch_paths().unwrap(), paths_of(&template).unwrap());
}

#[tokio::test]
async fn every_route_is_served_by_its_function() {
    let app = TestApp::new().await;
    for route in template_routes().unwrap() {
        if route.path == CATCH_ALL {
            continue;
        }
        let path = route
            .path
            .replace("{id}", "1")
            .replace("{file}", &built_console_file());
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

/// A file the console build wrote (`console/dist/assets/`): its names carry content hashes.
fn built_console_file() -> String {
    let assets = api_tests::workspace_root().join("console/dist/assets");
    std::fs::read_dir(&assets)
        .unwrap_or_else(|error| panic!("{}: {error}; build the console first", assets.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.ends_with(".js"))
        .expect("the console build wrote no script")
}

#[test]
fn openapi_describes_exactly_the_routed_operations() {
    let document = openapi_document().unwrap();
    let described = openapi_operations(&document).unwrap();
    let routed: BTreeSet<Operation> = template_routes()
        .unwrap()
        .iter()
        .filter(|route| route.path != CATCH_ALL)
        .map(Operation::from)
        .collect();
    let undocumented: Vec<_> = routed.difference(&described).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.yaml: {undocumented:#?}"
    );
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        unrouted.is_empty(),
        "openapi.yaml operations no router serves: {unrouted:#?}"
    );
}

#[test]
fn openapi_is_a_well_formed_3_1_document() {
    let document = openapi_document().unwrap();
    let problems = openapi_problems(&document);
    assert!(problems.is_empty(), "openapi.yaml: {problems:#?}");
}

#[test]
fn openapi_structure_check_catches_dangling_refs_and_undeclared_parameters() {
    let broken: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Missing'}\n",
    )
    .unwrap();
    let problems = openapi_problems(&broken);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("#/components/responses/Missing")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("path parameter id")),
        "{problems:?}"
    );
}
