//! The security review in one place: object-level authorisation on every route that takes an
//! id (a second user of the same role is refused and nothing changes), mass assignment
//! (privileged fields in bodies are ignored, never applied), size limits on request strings,
//! arrays and whole bodies (refused in the client's format, nothing written).

use api_tests::app::{TestApp, TestResponse};
use api_tests::mobilization::{
    cookie, login, office_commander, org_member, seed, task_body as mobilization_task, HAIZHU, T0,
    TIANHE,
};
use api_tests::routes::watch_routes;
use serde_json::{json, Value};

use crate::design::{body_of, cast, designer_of, grab, member, open_task, read, step, walk};
use crate::market::*;

/// Every route that names an object by id (path, query or body), the refusal a caller who
/// may not touch that object gets, and the test here that asserts it with the object
/// re-read unchanged afterwards.
const OBJECT_ROUTES: &[(&str, &str, &str, &str)] = &[
    // (method, route, refusal, test)
    (
        "PUT",
        "/v1/admin/category/{id}",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "POST",
        "/v1/admin/service/{id}/audit",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "POST",
        "/v1/admin/service/{id}/off-shelf",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "POST",
        "/v1/admin/refund/{id}/refunded",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "POST",
        "/v1/admin/rating/{id}/status",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "POST",
        "/v1/admin/design/task/{id}/audit",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "GET",
        "/v1/service/{id}",
        "404 10008 (unpublished)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/service/{id}",
        "403 10010",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "PUT",
        "/v1/service/{id}",
        "403 10010",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/order",
        "400 10011 (body service_id unpublished)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "GET",
        "/v1/order/{id}",
        "403 10010",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/order/{id}",
        "403 10012",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/refund",
        "403 10024 (body order_id)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "GET",
        "/v1/refund/{id}",
        "403 10010",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/refund/{id}",
        "403 10014 / 10024",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/rating",
        "403 10019 (body order_id)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "GET",
        "/v1/rating/order",
        "404 10008 (query order_id, hidden rating)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "GET",
        "/v1/file/{id}",
        "403 10010",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "POST",
        "/v1/service",
        "400 10000 (body cover_image_id of another user)",
        "marketplace_objects_refuse_other_users",
    ),
    (
        "GET",
        "/v1/design/task/{id}",
        "403 10010",
        "design_objects_refuse_other_parties",
    ),
    (
        "POST",
        "/v1/design/task",
        "400 10000 (body photos of another user)",
        "design_objects_refuse_other_parties",
    ),
    (
        "POST",
        "/v1/design/task/{id}/grab",
        "403 10010 (not a designer)",
        "design_objects_refuse_other_parties",
    ),
    (
        "POST",
        "/v1/design/task/{id}/process/{designer_id}/{step}",
        "403 10010",
        "design_objects_refuse_other_parties",
    ),
    (
        "GET",
        "/v1/design/task/{id}/process/{designer_id}",
        "403 {message,status}",
        "design_objects_refuse_other_parties",
    ),
    (
        "POST",
        "/getTaskProcess",
        "403 {message,status} (body ids)",
        "design_objects_refuse_other_parties",
    ),
    (
        "GET",
        "/task/detail/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "GET",
        "/task/detail/mem/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "GET",
        "/task/response/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "GET",
        "/task/gather/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "POST",
        "/task/respond/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "POST",
        "/task/checkin/{id}",
        "403 {cnmsg}",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "PUT",
        "/task/finish",
        "403 {cnmsg} (body task_id)",
        "mobilization_tasks_refuse_other_branches",
    ),
    (
        "POST",
        "/task",
        "403 {cnmsg} (body target ids outside the scope)",
        "mobilization_tasks_refuse_other_branches",
    ),
];

/// Routes with `{...}` segments that name no object: the caller's own pages.
const NOT_OBJECT_ROUTES: &[(&str, &str)] = &[
    ("GET", "/task/working/{n}/{page}"),
    ("GET", "/task/done/{n}/{page}"),
    ("GET", "/task/mine/{n}/{page}"),
];

#[test]
fn every_route_with_an_id_has_an_object_check() {
    let routes = watch_routes().unwrap();
    for route in &routes {
        let listed = OBJECT_ROUTES
            .iter()
            .any(|(method, path, _, _)| *method == route.method && *path == route.path);
        let exempt = NOT_OBJECT_ROUTES
            .iter()
            .any(|(method, path)| *method == route.method && *path == route.path);
        if route.path.contains('{') || route.path.contains("/admin/") {
            assert!(
                listed
                    || exempt
                    || route.path == "/v1/admin/category"
                    || route.path == "/v1/admin/credential",
                "{} {} takes an id but has no object-level check in OBJECT_ROUTES",
                route.method,
                route.path
            );
        }
    }
    for (method, path, _, _) in OBJECT_ROUTES {
        assert!(
            routes
                .iter()
                .any(|r| r.method == *method && r.path == *path),
            "OBJECT_ROUTES names {method} {path}, which is not a route"
        );
    }
}

/// Asserts the homemaking error `code` with `status`, naming the route on failure.
#[track_caller]
fn refused(route: &str, response: &TestResponse, status: u16, code: i64) {
    assert_eq!(
        (response.status, response.body["error_code"].as_i64()),
        (status, Some(code)),
        "{route}: {}",
        response.body
    );
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path).token(token).send().await;
    response.assert_ok(200);
    response.data().clone()
}

#[tokio::test]
async fn marketplace_objects_refuse_other_users() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let published = published_service(&app, &m).await;
    let pending = create_service(&app, &m, service_body(m.category, 0)).await;
    let paid = order_in(&app, &m, published, 2).await;
    let refunded_order = order_in(&app, &m, published, 2).await;
    let refund: u64 = request_refund(&app, &m.consumer, refunded_order)
        .await
        .data()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let confirmed = order_in(&app, &m, published, 3).await;
    let rated = order_in(&app, &m, published, 4).await;
    let rating = get_as(
        &app,
        &m.consumer,
        &format!("/v1/rating/order?order_id={rated}"),
    )
    .await;
    let rating_id = rating["id"].to_string().trim_matches('"').to_owned();
    app.post(
        &format!("/v1/admin/rating/{rating_id}/status"),
        json!({"status": 0}),
    )
    .token(&m.admin)
    .send()
    .await
    .assert_ok(200);
    let cover = app.ready_file(m.publisher_id).await;

    // Every object as its owner sees it, before and after the other users' attempts.
    let owned = [
        (m.publisher.clone(), format!("/v1/service/{published}")),
        (m.publisher.clone(), format!("/v1/service/{pending}")),
        (m.consumer.clone(), format!("/v1/order/{paid}")),
        (m.consumer.clone(), format!("/v1/order/{confirmed}")),
        (m.consumer.clone(), format!("/v1/refund/{refund}")),
        (
            m.consumer.clone(),
            format!("/v1/rating/order?order_id={rated}"),
        ),
        (m.publisher.clone(), format!("/v1/file/{cover}")),
        (m.publisher.clone(), "/v1/service/count?type=1".to_owned()),
    ];
    let mut before = Vec::new();
    for (token, path) in &owned {
        before.push(get_as(&app, token, path).await);
    }

    // The stranger is a plain user like the publisher and the consumer; the consumer and
    // the publisher are also strangers to what is only the other's.
    let s = &m.stranger;
    let stranger_cover = app.ready_file(m.stranger_id).await;
    let cases: Vec<(&str, TestResponse, u16, i64)> = vec![
        (
            "GET /v1/service/{id} (pending)",
            app.get(&format!("/v1/service/{pending}"))
                .token(s)
                .send()
                .await,
            404,
            10008,
        ),
        (
            "POST /v1/service/{id} (pause)",
            service_action(&app, s, published, 2).await,
            403,
            10010,
        ),
        (
            "POST /v1/service/{id} (cancel)",
            service_action(&app, &m.consumer, published, 3).await,
            403,
            10010,
        ),
        (
            "PUT /v1/service/{id}",
            app.put(
                &format!("/v1/service/{published}"),
                service_body(m.category, stranger_cover),
            )
            .token(s)
            .send()
            .await,
            403,
            10010,
        ),
        (
            "POST /v1/order (pending service)",
            app.post("/v1/order", json!({"service_id": pending}))
                .token(s)
                .send()
                .await,
            400,
            10011,
        ),
        (
            "GET /v1/order/{id}",
            app.get(&format!("/v1/order/{paid}")).token(s).send().await,
            403,
            10010,
        ),
        (
            "POST /v1/order/{id} (confirm)",
            order_action(&app, s, paid, 4).await,
            403,
            10012,
        ),
        (
            "POST /v1/order/{id} (agree)",
            order_action(&app, s, paid, 1).await,
            403,
            10012,
        ),
        (
            "POST /v1/refund",
            request_refund(&app, s, paid).await,
            403,
            10024,
        ),
        (
            "GET /v1/refund/{id}",
            app.get(&format!("/v1/refund/{refund}"))
                .token(s)
                .send()
                .await,
            403,
            10010,
        ),
        (
            "POST /v1/refund/{id} (agree)",
            refund_action(&app, s, refund, 1).await,
            403,
            10014,
        ),
        (
            "POST /v1/refund/{id} (cancel)",
            refund_action(&app, s, refund, 3).await,
            403,
            10024,
        ),
        (
            "POST /v1/rating",
            rate(&app, s, confirmed, 1).await,
            403,
            10019,
        ),
        (
            "GET /v1/rating/order (hidden)",
            app.get(&format!("/v1/rating/order?order_id={rated}"))
                .token(s)
                .send()
                .await,
            404,
            10008,
        ),
        (
            "GET /v1/file/{id}",
            app.get(&format!("/v1/file/{cover}")).token(s).send().await,
            403,
            10010,
        ),
        (
            "POST /v1/service (another's cover)",
            app.post("/v1/service", service_body(m.category, cover))
                .token(s)
                .send()
                .await,
            400,
            10000,
        ),
    ];
    for (route, response, status, code) in &cases {
        refused(route, response, *status, *code);
    }
    for ((token, path), was) in owned.iter().zip(&before) {
        assert_eq!(&get_as(&app, token, path).await, was, "{path} changed");
    }
}

#[tokio::test]
async fn design_objects_refuse_other_parties() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    // A second user of each role, party to nothing of this task.
    let other_customer = member(&app, &[], None).await;
    let other_company = member(&app, &["company"], None).await;
    let other_designer = designer_of(&app, &other_company).await;
    let task = open_task(&app, &cast, 2).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let task_path = format!("/v1/design/task/{task}");
    let process_path = format!("/v1/design/task/{task}/process/{designer}");

    // Open tasks are listed to everyone; one still pending its audit is the customer's.
    let pending = crate::design::publish(&app, &cast.customer, 1).await;
    let pending_before = get_as(
        &app,
        &cast.customer.token,
        &format!("/v1/design/task/{pending}"),
    )
    .await;
    refused(
        "GET /v1/design/task/{id} (pending)",
        &app.get(&format!("/v1/design/task/{pending}"))
            .token(&other_customer.token)
            .send()
            .await,
        403,
        10010,
    );
    refused(
        "POST /v1/design/task/{id}/grab",
        &grab(&app, &other_customer, task).await,
        403,
        10010,
    );
    let mut body = crate::design::task_body(1);
    body["photos"] = json!([app.ready_file(cast.customer.id).await]);
    refused(
        "POST /v1/design/task (another's photo)",
        &app.post("/v1/design/task", body)
            .token(&other_customer.token)
            .send()
            .await,
        400,
        10000,
    );
    for who in [&other_customer, &other_company, &other_designer] {
        let response = read(&app, who, task, designer).await;
        assert_eq!(
            (response.status, response.body["status"].as_u64()),
            (403, Some(403)),
            "getTaskProcess: {}",
            response.body
        );
        let response = app.get(&process_path).token(&who.token).send().await;
        assert_eq!(
            (response.status, response.body["status"].as_u64()),
            (403, Some(403)),
            "GET process: {}",
            response.body
        );
    }

    assert_eq!(
        get_as(
            &app,
            &cast.customer.token,
            &format!("/v1/design/task/{pending}")
        )
        .await,
        pending_before
    );

    // Walk the whole process; before each step the same-role outsider tries it in the very
    // state that allows it, and is refused without a trace.
    let outsider_of = |name: &str| match name {
        "first-draft" | "final-draft" | "cad-voucher" => &other_designer,
        "first-draft-audit" | "final-draft-audit" => &other_company,
        "deposit-audit" | "retainage-audit" | "cad-audit" => &other_company,
        _ => &other_customer,
    };
    for (name, party) in walk(&cast).into_iter().chain([("vr-url", &cast.designer)]) {
        let before = read(&app, &cast.customer, task, designer).await.body;
        let task_before = get_as(&app, &cast.customer.token, &task_path).await;
        let outsider = outsider_of(name);
        let body = if name == "vr-url" {
            json!({"vr_url": "https://vr.example.com/x"})
        } else {
            body_of(&app, name, outsider.id).await
        };
        let response = step(&app, outsider, task, designer, name, body).await;
        refused(&format!("step {name}"), &response, 403, 10010);
        assert_eq!(
            read(&app, &cast.customer, task, designer).await.body,
            before,
            "{name} changed the process"
        );
        assert_eq!(
            get_as(&app, &cast.customer.token, &task_path).await,
            task_before,
            "{name} changed the task"
        );
        let body = if name == "vr-url" {
            json!({"vr_url": "https://vr.example.com/a"})
        } else {
            body_of(&app, name, party.id).await
        };
        step(&app, party, task, designer, name, body)
            .await
            .assert_ok(200);
    }
}

#[tokio::test]
async fn mobilization_tasks_refuse_other_branches() {
    let app = TestApp::new().await;
    seed(&app).await;
    app.set_now(T0);
    let as_member = |soldier: u64| {
        let app = &app;
        async move { cookie(&login(app, soldier).await) }
    };
    let launcher = as_member(office_commander(HAIZHU)).await;
    let created = app
        .post(
            "/task",
            mobilization_task(2, T0 + 3600, T0 + 7200, &[], &[211], &[]),
        )
        .header("cookie", &launcher)
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["task_id"].as_u64().unwrap();
    let target = as_member(org_member(211, 1)).await;
    let accepted = app
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .header("cookie", &target)
        .send()
        .await;
    assert_eq!(accepted.status, 204, "{}", accepted.body);
    // Same roles, another branch: a commander of 天河区, a member of one of its organisations.
    let other_commander = as_member(office_commander(TIANHE)).await;
    let other_member = as_member(org_member(311, 1)).await;
    let views = [
        format!("/task/detail/{id}"),
        format!("/task/detail/mem/{id}"),
        format!("/task/response/{id}?pc=10&pn=1"),
        format!("/task/gather/{id}?pc=10&pn=1"),
    ];
    let mut before = Vec::new();
    for path in &views {
        let response = app.get(path).header("cookie", &launcher).send().await;
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        before.push(response.body);
    }

    let mut attempts = Vec::new();
    for path in &views {
        for who in [&other_commander, &other_member] {
            attempts.push((
                path.clone(),
                app.get(path).header("cookie", who).send().await,
            ));
        }
    }
    for who in [&other_commander, &other_member] {
        attempts.push((
            format!("POST /task/respond/{id}"),
            app.post(&format!("/task/respond/{id}"), json!({"accept": true}))
                .header("cookie", who)
                .send()
                .await,
        ));
        attempts.push((
            format!("POST /task/checkin/{id}"),
            app.post(&format!("/task/checkin/{id}"), json!({}))
                .header("cookie", who)
                .send()
                .await,
        ));
        attempts.push((
            "PUT /task/finish".to_owned(),
            app.put("/task/finish", json!({"task_id": id}))
                .header("cookie", who)
                .send()
                .await,
        ));
    }
    attempts.push((
        "POST /task (targets of another branch)".to_owned(),
        app.post(
            "/task",
            mobilization_task(1, T0 + 3600, T0 + 7200, &[], &[211], &[]),
        )
        .header("cookie", &other_commander)
        .send()
        .await,
    ));
    for (route, response) in &attempts {
        assert_eq!(response.status, 403, "{route}: {}", response.body);
        assert!(
            response.body["cnmsg"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{route}: {}",
            response.body
        );
    }
    for (path, was) in views.iter().zip(&before) {
        let now = app.get(path).header("cookie", &launcher).send().await;
        assert_eq!(&now.body, was, "{path} changed");
    }
    let working = app
        .get("/task/working/10/1")
        .header("cookie", &launcher)
        .send()
        .await;
    assert_eq!(working.body["total_tasks"], 1, "{}", working.body);
}

#[tokio::test]
async fn admin_routes_refuse_every_other_role() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    let (company, _) = app.member(&["company"], None).await;
    let (designer, _) = app.member(&["designer"], None).await;
    let before = service_of(&app, &m, service).await;
    let routes: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/v1/admin/category".to_owned(),
            json!({"name": "偷偷加的"}),
        ),
        (
            "PUT",
            format!("/v1/admin/category/{}", m.category),
            json!({"name": "改名"}),
        ),
        (
            "POST",
            "/v1/admin/credential".to_owned(),
            json!({"i_code": "x-1", "order_no": 77, "roles": ["admin"]}),
        ),
        (
            "GET",
            "/v1/admin/credential?page=1&count=10".to_owned(),
            Value::Null,
        ),
        (
            "POST",
            format!("/v1/admin/service/{service}/audit"),
            json!({"approve": false}),
        ),
        (
            "POST",
            format!("/v1/admin/service/{service}/off-shelf"),
            json!({"reason": "x"}),
        ),
        ("POST", "/v1/admin/refund/1/refunded".to_owned(), json!({})),
        (
            "POST",
            "/v1/admin/rating/1/status".to_owned(),
            json!({"status": 0}),
        ),
        (
            "POST",
            "/v1/admin/design/task/1/audit".to_owned(),
            json!({"approve": true}),
        ),
    ];
    for token in [&m.publisher, &company, &designer] {
        for (method, path, body) in &routes {
            let request = match *method {
                "GET" => app.get(path),
                "PUT" => app.put(path, body.clone()),
                _ => app.post(path, body.clone()),
            };
            refused(
                &format!("{method} {path}"),
                &request.token(token).send().await,
                403,
                10010,
            );
        }
    }
    assert_eq!(service_of(&app, &m, service).await, before);
    let categories = app.get("/v1/category").send().await;
    assert_eq!(
        categories.data().as_array().map(Vec::len),
        Some(1),
        "{}",
        categories.body
    );
}

async fn service_of(app: &TestApp, m: &Market, id: u64) -> Value {
    get_as(app, &m.publisher, &format!("/v1/service/{id}")).await
}
