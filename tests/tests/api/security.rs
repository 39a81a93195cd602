//! The security review in one place: object-level authorisation on every route that takes an
//! id (a second user of the same role is refused and nothing changes), mass assignment
//! (privileged fields in bodies are ignored, never applied), size limits on request strings,
//! arrays and whole bodies (refused in the client's format, nothing written).

use api_tests::app::{TestApp, TestResponse};
use api_tests::mobilization::{
    cookie, login, office_commander, org_member, seed, task_body as mobilization_task, HAIZHU, T0,
    TIANHE,
};
use api_tests::routes::template_routes;
use serde_json::{json, Value};

use crate::design::{body_of, cast, designer_of, grab, member, open_task, read, step, walk};
use crate::market::*;

/// Every route that names an object by id (path, query or body), the refusal a caller who
/// may not touch that object gets, and the test here that asserts it with the object
/// re-read unchanged afterwards.
const OBJECT_ROUTES: &[(&str, &str, &str, &str)] = &[
    // (method, route, refusal, test)
    (
        "DELETE",
        "/v1/admin/credential/{id}",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
    (
        "PUT",
        "/v1/admin/user/{id}/roles",
        "403 10010",
        "admin_routes_refuse_every_other_role",
    ),
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

/// Admin routes that name no object: lists and creations, for admins only (the admin
/// check of each is tested by `credentials`, `catalog` and
/// `admin_queues::queues_are_for_admins_only`).
const ADMIN_LISTS: &[&str] = &[
    "/v1/admin/category",
    "/v1/admin/credential",
    "/v1/admin/services",
    "/v1/admin/refunds",
    "/v1/admin/ratings",
    "/v1/admin/design/tasks",
    "/v1/admin/design/processes",
];

/// Routes with `{...}` segments that name no object: the caller's own pages, and the
/// console's public files.
const NOT_OBJECT_ROUTES: &[(&str, &str)] = &[
    ("GET", "/console/assets/{file}"),
    ("GET", "/task/working/{n}/{page}"),
    ("GET", "/task/done/{n}/{page}"),
    ("GET", "/task/mine/{n}/{page}"),
];

#[test]
fn every_route_with_an_id_has_an_object_check() {
    let routes = template_routes().unwrap();
    for route in &routes {
        let listed = OBJECT_ROUTES
            .iter()
            .any(|(method, path, _, _)| *method == route.method && *path == route.path);
        let exempt = route.path == api_tests::routes::CATCH_ALL
            || NOT_OBJECT_ROUTES
                .iter()
                .any(|(method, path)| *method == route.method && *path == route.path);
        if route.path.contains('{') || route.path.contains("/admin/") {
            assert!(
                listed || exempt || ADMIN_LISTS.contains(&route.path.as_str()),
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
        ("DELETE", "/v1/admin/credential/1".to_owned(), Value::Null),
        (
            "PUT",
            "/v1/admin/user/1/roles".to_owned(),
            json!({"roles": ["admin"]}),
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
                "DELETE" => app.request(axum::http::Method::DELETE, path),
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

// ---------------------------------------------------------------------------------------
// Mass assignment: request types ignore unknown fields (docs/decisions.md), so privileged
// fields a client adds are dropped at deserialization; the server sets them itself.

/// `body` with the fields of `extras` it does not hold yet added.
fn with_extras(mut body: Value, extras: &Value) -> Value {
    for (key, value) in extras.as_object().unwrap() {
        if body.get(key).is_none() {
            body[key.as_str()] = value.clone();
        }
    }
    body
}

/// `body` with the fields of `changes` set.
fn with_changes(mut body: Value, changes: &Value) -> Value {
    for (key, value) in changes.as_object().unwrap() {
        body[key.as_str()] = value.clone();
    }
    body
}

/// Fields no client may set, with values that would be visible if they were applied.
fn privileged(intruder: u64) -> Value {
    json!({
        "id": 424242, "service_id": 424242, "user_id": intruder,
        "owner_id": intruder, "publisher": {"id": intruder}, "consumer": {"id": intruder},
        "customer": {"id": intruder}, "author": {"id": intruder}, "roles": ["admin"],
        "role": "admin", "status": 3, "sales_volume": 99, "score_sum": 99, "rating_count": 99,
        "create_time": "2000-01-01 00:00:00", "company_id": intruder, "order_no": 1,
        "taken": 9, "step_id": 13, "audit_status": 1, "choose_status": 1,
        "accept_count": 9, "check_count": 9, "checked_in": true, "launch_admin": "冒充"
    })
}

#[tokio::test]
async fn marketplace_writes_ignore_privileged_fields() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let extras = privileged(m.stranger_id);

    // A new service: pending audit, no sales, no score, the caller's, a fresh id and time.
    let id = create_service(&app, &m, with_extras(service_body(m.category, 0), &extras)).await;
    assert_ne!(id, 424242);
    let service = service_of(&app, &m, id).await;
    assert_eq!(
        (
            &service["status"],
            &service["sales_volume"],
            &service["score"],
            &service["publisher"]["id"]
        ),
        (&json!(0), &json!(0), &json!("0"), &json!(m.publisher_id))
    );
    assert_ne!(service["create_time"], "2000-01-01 00:00:00");

    // An edit of a published service: back to pending, counters untouched.
    let published = published_service(&app, &m).await;
    let mut body = with_extras(service_body(m.category, 0), &extras);
    body["cover_image_id"] = json!(app.ready_file(m.publisher_id).await);
    app.put(&format!("/v1/service/{published}"), body)
        .token(&m.publisher)
        .send()
        .await
        .assert_ok(200);
    let edited = service_of(&app, &m, published).await;
    assert_eq!(
        (&edited["status"], &edited["sales_volume"], &edited["id"]),
        (&json!(0), &json!(0), &json!(published))
    );

    // An order: status 0, the service's price, the caller as consumer.
    let service = published_service(&app, &m).await;
    let mut body = with_extras(json!({"service_id": service}), &extras);
    body["price"] = json!("0.01");
    let placed = app.post("/v1/order", body).token(&m.consumer).send().await;
    placed.assert_ok(201);
    let order_id = placed.data()["order_id"].as_u64().unwrap();
    let order = get_as(&app, &m.consumer, &format!("/v1/order/{order_id}")).await;
    assert_eq!(
        (
            &order["status"],
            &order["price"],
            &order["consumer"]["id"],
            &order["publisher"]["id"]
        ),
        (
            &json!(0),
            &json!("300.00"),
            &json!(m.consumer_id),
            &json!(m.publisher_id)
        )
    );
    assert_ne!(order["order_no"], 1);

    // A refund: waiting for the publisher.
    let paid = order_in(&app, &m, service, 2).await;
    let body = with_extras(json!({"order_id": paid, "reason": "没有上门"}), &extras);
    let refund = app.post("/v1/refund", body).token(&m.consumer).send().await;
    refund.assert_ok(201);
    let refund_id = refund.data()["id"].as_str().unwrap().to_owned();
    let refund = get_as(&app, &m.consumer, &format!("/v1/refund/{refund_id}")).await;
    assert_eq!(refund["status"], 0, "{refund}");

    // A rating: shown, by the caller, with the score given.
    let confirmed = order_in(&app, &m, service, 3).await;
    let body = with_extras(
        json!({"order_id": confirmed, "service_id": service, "score": 2, "content": "一般"}),
        &extras,
    );
    app.post("/v1/rating", body)
        .token(&m.consumer)
        .send()
        .await
        .assert_ok(201);
    let rating = get_as(
        &app,
        &m.consumer,
        &format!("/v1/rating/order?order_id={confirmed}"),
    )
    .await;
    assert_eq!(
        (&rating["status"], &rating["score"], &rating["author"]["id"]),
        (&json!(2), &json!(2), &json!(m.consumer_id)),
        "{rating}"
    );
    let scored = service_of(&app, &m, service).await;
    assert_eq!(
        (&scored["score"], &scored["sales_volume"]),
        (&json!("2"), &json!(1))
    );
}

#[tokio::test]
async fn identity_writes_ignore_privileged_fields() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let extras = privileged(id + 100);
    // A profile save cannot grant roles or move the user.
    let body = with_extras(
        json!({"nickname": "新名字", "avatar": "", "gender": 1}),
        &extras,
    );
    app.put("/v1/user", body)
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    let me = get_as(&app, &token, "/v1/user").await;
    assert_eq!((&me["id"], &me["nickname"]), (&json!(id), &json!("新名字")));
    // Neither the old token nor a fresh one is an admin's.
    refused(
        "admin route",
        &app.get("/v1/admin/credential?page=1&count=1")
            .token(&token)
            .send()
            .await,
        403,
        10010,
    );
    // A sign-in cannot ask for roles either.
    let admin = app.admin_token().await;
    app.post(
        "/v1/admin/credential",
        json!({"i_code": "plain-1", "order_no": 31, "roles": []}),
    )
    .token(&admin)
    .send()
    .await
    .assert_ok(201);
    let signed = app
        .post(
            "/v1/token",
            with_extras(json!({"i_code": "plain-1", "order_no": 31}), &extras),
        )
        .send()
        .await;
    signed.assert_ok(200);
    let fresh = signed.data()["token"].as_str().unwrap().to_owned();
    refused(
        "admin route, fresh token",
        &app.get("/v1/admin/credential?page=1&count=1")
            .token(&fresh)
            .send()
            .await,
        403,
        10010,
    );
    // A category's id comes from the counter.
    let category = app
        .post(
            "/v1/admin/category",
            with_extras(json!({"name": "家电"}), &extras),
        )
        .token(&admin)
        .send()
        .await;
    category.assert_ok(201);
    assert_ne!(category.data()["id"], 424242);
    // A presigned file starts pending and belongs to the caller.
    let presigned = app
        .post(
            "/v1/file/presign",
            json!({"files": [with_extras(json!({"key": "a.jpg", "content_type": "image/jpeg", "size": 1000}), &json!({"status": "ready", "owner_id": id + 100}))], "owner_id": id + 100}),
        )
        .token(&token)
        .send()
        .await;
    presigned.assert_ok(201);
    let file_id = presigned.data()[0]["id"].as_u64().unwrap();
    let file = get_as(&app, &token, &format!("/v1/file/{file_id}")).await;
    assert_eq!(file["status"], "pending", "{file}");
}

#[tokio::test]
async fn design_writes_ignore_privileged_fields() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let extras = privileged(cast.designer.id);
    let created = app
        .post(
            "/v1/design/task",
            with_extras(crate::design::task_body(2), &extras),
        )
        .token(&cast.customer.token)
        .send()
        .await;
    created.assert_ok(201);
    let task = created.data()["id"].as_u64().unwrap();
    let view = get_as(
        &app,
        &cast.customer.token,
        &format!("/v1/design/task/{task}"),
    )
    .await;
    assert_eq!(
        (&view["status"], &view["taken"], &view["customer"]["id"]),
        (&json!(0), &json!(0), &json!(cast.customer.id)),
        "{view}"
    );
    app.post(
        &format!("/v1/admin/design/task/{task}/audit"),
        json!({"approve": true}),
    )
    .token(&cast.admin.token)
    .send()
    .await
    .assert_ok(200);
    let grabbed = app
        .post(&format!("/v1/design/task/{task}/grab"), extras.clone())
        .token(&cast.designer.token)
        .send()
        .await;
    grabbed.assert_ok(201);
    assert_eq!(grabbed.data()["step_id"], 1);
    let designer = cast.designer.id;
    let draft = with_extras(body_of(&app, "first-draft", designer).await, &extras);
    let stepped = step(&app, &cast.designer, task, designer, "first-draft", draft).await;
    stepped.assert_ok(200);
    assert_eq!(stepped.data()["step_id"], 2);
    let process = read(&app, &cast.customer, task, designer).await;
    assert_eq!(process.status, 200, "{}", process.body);
    let text = process.body.to_string();
    assert!(!text.contains("\"audit_status\":1"), "{text}");
    assert!(!text.contains("\"choose_status\":1"), "{text}");
}

#[tokio::test]
async fn mobilization_writes_ignore_privileged_fields() {
    let app = TestApp::new().await;
    seed(&app).await;
    app.set_now(T0);
    let launcher = cookie(&login(&app, office_commander(HAIZHU)).await);
    let extras = privileged(1);
    let body = with_extras(
        mobilization_task(1, T0 + 3600, T0 + 7200, &[], &[211], &[]),
        &extras,
    );
    let created = app
        .post("/task", body)
        .header("cookie", &launcher)
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["task_id"].as_u64().unwrap();
    let target = cookie(&login(&app, org_member(211, 1)).await);
    let responded = app
        .post(
            &format!("/task/respond/{id}"),
            with_extras(json!({"accept": true}), &extras),
        )
        .header("cookie", &target)
        .send()
        .await;
    assert_eq!(responded.status, 204, "{}", responded.body);
    let mine = app
        .get("/task/mine/10/1")
        .header("cookie", &target)
        .send()
        .await;
    let entry = &mine.body["data"][0];
    assert_eq!(
        (&entry["task_id"], &entry["status"], &entry["checked_in"]),
        (&json!(id), &json!("AC"), &json!(false)),
        "{}",
        mine.body
    );
    assert_ne!(entry["launch_admin"], "冒充");
    let detail = app
        .get(&format!("/task/detail/{id}"))
        .header("cookie", &launcher)
        .send()
        .await;
    let text = detail.body.to_string();
    assert!(
        !text.contains("冒充")
            && !text.contains("\"check_count\":9")
            && !text.contains("\"accept_count\":9"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// Size limits: every string and array of every request body has a bound; one past it is
// refused in the client's format and writes nothing.

const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
];

fn long(n: usize) -> String {
    "长".repeat(n)
}

/// Sends `request`-style cases and asserts each is a 4xx in the client's format that
/// wrote nothing.
#[track_caller]
fn assert_refused_unwritten(
    name: &str,
    response: &TestResponse,
    calls: &[String],
    code: Option<i64>,
) {
    assert!(
        (400..500).contains(&response.status),
        "{name}: {} {}",
        response.status,
        response.body
    );
    match code {
        Some(code) => assert_eq!(
            response.body["error_code"].as_i64(),
            Some(code),
            "{name}: {}",
            response.body
        ),
        None => assert!(
            response.body["cnmsg"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{name}: {}",
            response.body
        ),
    }
    let writes: Vec<_> = calls
        .iter()
        .filter(|call| WRITES.contains(&call.as_str()))
        .collect();
    assert!(writes.is_empty(), "{name} wrote: {writes:?}");
}

#[tokio::test]
async fn oversized_strings_and_arrays_are_refused_and_write_nothing() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let (user, admin) = (&cast.customer.token, &cast.admin.token);
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let service = json!({
        "type": 1, "title": "保洁", "category_id": 1, "cover_image_id": 1, "designated_place": 0,
        "description": "好", "begin_date": "2026-01-01", "end_date": "2026-01-02", "price": "1"
    });
    let task_body = crate::design::task_body(1);
    let draft = body_of(&app, "first-draft", designer).await;
    let ids = |n: usize| json!((1..=n as u64).collect::<Vec<_>>());
    // (name, method, path, token, body, code)
    let homemaking: Vec<(&str, &str, String, &String, Value, i64)> = vec![
        (
            "token i_code",
            "POST",
            "/v1/token".into(),
            user,
            json!({"i_code": "x".repeat(65), "order_no": 1}),
            10000,
        ),
        (
            "verify token",
            "POST",
            "/v1/token/verify".into(),
            user,
            json!({"token": "x".repeat(4097)}),
            10000,
        ),
        (
            "user nickname",
            "PUT",
            "/v1/user".into(),
            user,
            json!({"nickname": long(33), "avatar": "", "gender": 1}),
            10000,
        ),
        (
            "user avatar",
            "PUT",
            "/v1/user".into(),
            user,
            json!({"nickname": "a", "avatar": "x".repeat(501), "gender": 1}),
            10000,
        ),
        (
            "user real_name",
            "PUT",
            "/v1/user".into(),
            user,
            json!({"nickname": "a", "avatar": "", "gender": 1, "real_name": long(33)}),
            10000,
        ),
        (
            "service title",
            "POST",
            "/v1/service".into(),
            user,
            with_changes(service.clone(), &json!({"title": long(61)})),
            10000,
        ),
        (
            "service description",
            "POST",
            "/v1/service".into(),
            user,
            with_changes(service.clone(), &json!({"description": long(2001)})),
            10000,
        ),
        (
            "order address",
            "POST",
            "/v1/order".into(),
            user,
            json!({"service_id": 1, "address": {"detailInfo": long(2001)}}),
            10000,
        ),
        (
            "refund reason",
            "POST",
            "/v1/refund".into(),
            user,
            json!({"order_id": 1, "reason": long(501)}),
            10000,
        ),
        (
            "refund illustration",
            "POST",
            "/v1/refund".into(),
            user,
            json!({"order_id": 1, "reason": "a", "illustration": vec!["https://a.test/1.jpg"; 6]}),
            10000,
        ),
        (
            "rating content",
            "POST",
            "/v1/rating".into(),
            user,
            json!({"order_id": 1, "score": 5, "content": long(501)}),
            10000,
        ),
        (
            "rating illustration",
            "POST",
            "/v1/rating".into(),
            user,
            json!({"order_id": 1, "score": 5, "content": "a", "illustration": vec!["https://a.test/1.jpg"; 6]}),
            10000,
        ),
        (
            "presign files",
            "POST",
            "/v1/file/presign".into(),
            user,
            json!({"files": vec![json!({"key": "a.jpg", "content_type": "image/jpeg", "size": 1}); 10]}),
            10005,
        ),
        (
            "presign key",
            "POST",
            "/v1/file/presign".into(),
            user,
            json!({"files": [{"key": "x".repeat(65), "content_type": "image/jpeg", "size": 1}]}),
            10000,
        ),
        (
            "presign content_type",
            "POST",
            "/v1/file/presign".into(),
            user,
            json!({"files": [{"key": "a", "content_type": "x".repeat(100_000), "size": 1}]}),
            10004,
        ),
        (
            "design title",
            "POST",
            "/v1/design/task".into(),
            user,
            with_changes(task_body.clone(), &json!({"title": long(61)})),
            10000,
        ),
        (
            "design style",
            "POST",
            "/v1/design/task".into(),
            user,
            with_changes(task_body.clone(), &json!({"style": long(31)})),
            10000,
        ),
        (
            "design address",
            "POST",
            "/v1/design/task".into(),
            user,
            with_changes(task_body.clone(), &json!({"address": long(201)})),
            10000,
        ),
        (
            "design description",
            "POST",
            "/v1/design/task".into(),
            user,
            with_changes(task_body.clone(), &json!({"description": long(2001)})),
            10000,
        ),
        (
            "design photos",
            "POST",
            "/v1/design/task".into(),
            user,
            with_changes(task_body.clone(), &json!({"photos": vec![1; 10]})),
            10000,
        ),
        (
            "first-draft explain",
            "POST",
            format!("/v1/design/task/{task}/process/{designer}/first-draft"),
            &cast.designer.token,
            with_changes(draft.clone(), &json!({"explain": long(2001)})),
            10000,
        ),
        (
            "vr_url",
            "POST",
            format!("/v1/design/task/{task}/process/{designer}/vr-url"),
            &cast.designer.token,
            json!({"vr_url": format!("https://a.example/{}", "x".repeat(500))}),
            10000,
        ),
        (
            "category name",
            "POST",
            "/v1/admin/category".into(),
            admin,
            json!({"name": long(21)}),
            10000,
        ),
        (
            "category icon",
            "POST",
            "/v1/admin/category".into(),
            admin,
            json!({"name": "a", "icon": "x".repeat(501)}),
            10000,
        ),
        (
            "credential roles",
            "POST",
            "/v1/admin/credential".into(),
            admin,
            json!({"i_code": "r-1", "order_no": 5, "roles": vec!["designer"; 9]}),
            10000,
        ),
        (
            "credential nickname",
            "POST",
            "/v1/admin/credential".into(),
            admin,
            json!({"i_code": "r-2", "order_no": 6, "nickname": long(33)}),
            10000,
        ),
        (
            "audit reason",
            "POST",
            "/v1/admin/service/1/audit".into(),
            admin,
            json!({"approve": false, "reason": long(201)}),
            10000,
        ),
        (
            "off-shelf reason",
            "POST",
            "/v1/admin/service/1/off-shelf".into(),
            admin,
            json!({"reason": long(201)}),
            10000,
        ),
        (
            "design audit reason",
            "POST",
            format!("/v1/admin/design/task/{task}/audit"),
            admin,
            json!({"approve": false, "reason": long(201)}),
            10000,
        ),
    ];
    for (name, method, path, token, body, code) in homemaking {
        app.calls();
        let request = if method == "PUT" {
            app.put(&path, body)
        } else {
            app.post(&path, body)
        };
        let response = request.token(token).send().await;
        assert_refused_unwritten(name, &response, &app.calls(), Some(code));
    }

    seed(&app).await;
    app.set_now(T0);
    let commander = cookie(&login(&app, office_commander(HAIZHU)).await);
    let admin_cookie = cookie(admin);
    let base = mobilization_task(1, T0 + 3600, T0 + 7200, &[], &[211], &[]);
    let office =
        |n: u64| json!({"office_id": 5000 + n, "name": "新单位", "level": "C", "parent_id": 1});
    let place = |n: u64| json!({"place_id": n, "place_name": "操场"});
    let mobilization: Vec<(&str, &str, &str, &String, Value)> = vec![
        (
            "task title",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"title": long(61)})),
        ),
        (
            "task detail",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"detail": long(2001)})),
        ),
        (
            "task place_name",
            "POST",
            "/task",
            &commander,
            with_changes(
                base.clone(),
                &json!({"place_id": -1, "place_name": long(65)}),
            ),
        ),
        (
            "task launch_datetime",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"launch_datetime": "x".repeat(33)})),
        ),
        (
            "task accept_org_ids",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"accept_org_ids": ids(1001)})),
        ),
        (
            "task accept_office_ids",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"accept_office_ids": ids(1001)})),
        ),
        (
            "task accept_soldr_ids",
            "POST",
            "/task",
            &commander,
            with_changes(base.clone(), &json!({"accept_soldr_ids": ids(10_001)})),
        ),
        (
            "directory offices",
            "PUT",
            "/task/directory",
            &admin_cookie,
            json!({"offices": (1..=10_001).map(office).collect::<Vec<_>>()}),
        ),
        (
            "directory places",
            "PUT",
            "/task/directory",
            &admin_cookie,
            json!({"offices": [with_changes(office(1), &json!({"places": (1..=101).map(place).collect::<Vec<_>>()}))]}),
        ),
        (
            "directory office name",
            "PUT",
            "/task/directory",
            &admin_cookie,
            json!({"offices": [with_changes(office(1), &json!({"name": long(65)}))]}),
        ),
        (
            "directory member name",
            "PUT",
            "/task/directory",
            &admin_cookie,
            json!({"members": [{"soldier_id": 9, "name": long(33), "office_id": 1}]}),
        ),
    ];
    for (name, method, path, who, body) in mobilization {
        app.calls();
        let request = if method == "PUT" {
            app.put(path, body)
        } else {
            app.post(path, body)
        };
        let response = request.header("cookie", who).send().await;
        assert_eq!(response.status, 400, "{name}: {}", response.body);
        assert_refused_unwritten(name, &response, &app.calls(), None);
    }
}

/// A JSON body far past what any route reads (and past Lambda's 6 MB payload) is a 4xx in
/// the client's format on every JSON write route, never a 500.
#[tokio::test]
async fn six_megabyte_bodies_are_refused_on_every_write_route() {
    let app = TestApp::new().await;
    seed(&app).await;
    let token = app.admin_token().await;
    let body = json!({ "pad": "x".repeat(6 * 1024 * 1024) });
    for route in template_routes().unwrap() {
        // `/v1/file` reads multipart; `/v1/token/revoke` reads no body.
        let no_json_body = ["/v1/file", "/v1/token/revoke"].contains(&route.path.as_str());
        if !matches!(route.method.as_str(), "POST" | "PUT") || no_json_body {
            continue;
        }
        let path = route
            .path
            .replace("{designer_id}", "1")
            .replace("{step}", "first-draft")
            .replace("{id}", "1");
        let request = if route.method == "PUT" {
            app.put(&path, body.clone())
        } else {
            app.post(&path, body.clone())
        };
        app.calls();
        let response = request
            .token(&token)
            .header("cookie", &cookie(&token))
            .send()
            .await;
        let name = format!("{} {}", route.method, route.path);
        assert!(
            (400..500).contains(&response.status),
            "{name}: {} {}",
            response.status,
            response.body
        );
        let formatted = response.body["error_code"].is_i64()
            || response.body["cnmsg"].is_string()
            || response.body["message"].is_string();
        assert!(formatted, "{name}: {}", response.body);
        let writes: Vec<_> = app
            .calls()
            .into_iter()
            .filter(|call| WRITES.contains(&call.as_str()))
            .collect();
        assert!(writes.is_empty(), "{name} wrote: {writes:?}");
    }
}

/// The multipart form's field name is the file's `key`, kept on its record: past 64
/// characters it is 10000 and nothing is stored.
#[tokio::test]
async fn an_oversized_multipart_field_name_is_refused() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let boundary = "----security-boundary";
    let jpeg = api_tests::images::jpeg(8, 8);
    let form = |name: &str| {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&jpeg);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    };
    let send = |name: String| {
        app.request(axum::http::Method::POST, "/v1/file")
            .token(&token)
            .header(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .raw_body(&form(&name))
    };
    app.calls();
    let response = send("k".repeat(65)).send().await;
    assert_refused_unwritten("multipart key", &response, &app.calls(), Some(10000));
    send("k".repeat(64)).send().await.assert_ok(201);
}

/// Type confusion: serde's derive reads a JSON array as a struct's fields in order, so
/// `["admin-test", 1]` would sign in as the bootstrap admin and `[7]` would place an order.
/// A JSON array where an object belongs is 10000; so is anything in a leniently read integer
/// field that is neither a number nor a string of digits (other text, a fraction, a boolean).
#[tokio::test]
async fn arrays_where_objects_belong_are_10000() {
    let app = TestApp::new().await;
    let admin_pair = json!([
        api_tests::app::BOOTSTRAP_ADMIN.0,
        api_tests::app::BOOTSTRAP_ADMIN.1
    ]);
    app.post("/v1/token", admin_pair)
        .send()
        .await
        .assert_error(400, 10000);
    let m = market(&app).await;
    let service = published_service(&app, &m).await;
    app.post("/v1/order", json!([service]))
        .token(&m.consumer)
        .send()
        .await
        .assert_error(400, 10000);
    for order_no in [json!("20260101x"), json!(""), json!(1.5), json!(true)] {
        let body = json!({"i_code": api_tests::app::BOOTSTRAP_ADMIN.0, "order_no": order_no});
        let refused = app.post("/v1/token", body).send().await;
        refused.assert_error(400, 10000);
        assert!(refused.body["message"]
            .as_str()
            .unwrap()
            .contains("order_no"));
    }
}
