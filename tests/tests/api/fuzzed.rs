//! Regressions for inputs the schemathesis run (`scripts/fuzz-api`) found answering a 500,
//! and the raw-bytes case the local gateway keeps from reaching the functions.

use api_tests::app::TestApp;
use api_tests::mobilization::{login, office_commander, seed, task_body, CITY, HAIZHU, T0};
use axum::http::Method;
use serde_json::json;

fn design_task(area: serde_json::Value) -> serde_json::Value {
    json!({"title": "新房设计", "area": area, "style": "", "budget": "0", "address": "",
           "description": ""})
}

#[tokio::test]
async fn a_design_area_too_small_to_store_is_a_400_not_a_500() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    for area in [json!(5e-324), json!(1e-131), json!(0.009)] {
        let response = app
            .post("/v1/design/task", design_task(area.clone()))
            .token(&token)
            .send()
            .await;
        response.assert_error(400, 10000);
        assert!(
            response.body["message"].as_str().unwrap().contains("area"),
            "{area}"
        );
    }
    app.post("/v1/design/task", design_task(json!(0.01)))
        .token(&token)
        .send()
        .await
        .assert_ok(201);
}

#[tokio::test]
async fn directory_coordinates_out_of_range_are_a_400_and_tiny_ones_are_stored_rounded() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let import = |lat: f64, lng: f64| {
        json!({"offices": [{"office_id": 900, "name": "测试人武部", "level": "C",
            "parent_id": null,
            "places": [{"place_id": 900, "place_name": "广场", "place_lat": lat, "place_lng": lng}]}]})
    };
    for (lat, lng) in [(1e300, 0.0), (0.0, -1e300), (90.5, 0.0), (0.0, 180.5)] {
        let response = app
            .put("/task/directory", import(lat, lng))
            .token(&admin)
            .send()
            .await;
        assert_eq!(response.status, 400, "{lat},{lng}: {}", response.body);
        assert!(response.body["cnmsg"].as_str().unwrap().contains("place_l"));
    }
    let stored = app
        .put("/task/directory", import(5e-324, -5e-324))
        .token(&admin)
        .send()
        .await;
    assert_eq!(stored.status, 200, "{}", stored.body);
}

#[tokio::test]
async fn a_new_place_with_unstorable_coordinates_is_a_400_not_a_500() {
    let app = TestApp::new().await;
    seed(&app).await;
    app.set_now(T0);
    let commander = login(&app, office_commander(CITY)).await;
    let body = |lat: f64, lng: f64| {
        let mut body = task_body(1, T0 + 3600, T0 + 7200, &[HAIZHU], &[], &[]);
        body["place_id"] = json!(-1);
        body["place_name"] = json!("临时集合点");
        body["place_lat"] = json!(lat);
        body["place_lng"] = json!(lng);
        body
    };
    let refused = app
        .post("/task", body(1e300, 0.0))
        .token(&commander)
        .send()
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let created = app
        .post("/task", body(5e-324, 113.264))
        .token(&commander)
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
}

#[tokio::test]
async fn non_utf8_bodies_are_refused_in_each_clients_format() {
    let app = TestApp::new().await;
    seed(&app).await;
    let admin = app.admin_token().await;
    let bytes: &[u8] = &[0xff, 0xfe, 0x15, 0x39, 0xc3];
    let send = |method: Method, path: &'static str| {
        app.request(method, path)
            .token(&admin)
            .header("content-type", "application/json")
            .raw_body(bytes)
    };
    send(Method::POST, "/v1/admin/category")
        .send()
        .await
        .assert_error(400, 10000);
    let process = send(Method::POST, "/getTaskProcess").send().await;
    assert_eq!(process.status, 400, "{}", process.body);
    assert_eq!(process.body["status"], 400);
    let mobilization = send(Method::PUT, "/task/directory").send().await;
    assert_eq!(mobilization.status, 400, "{}", mobilization.body);
    assert!(mobilization.body["cnmsg"].is_string());
}
