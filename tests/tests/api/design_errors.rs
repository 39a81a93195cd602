//! Every error of the design routes, with its code and HTTP status; the grab race.

use api_tests::app::{TestApp, TestResponse};
use serde_json::json;

use crate::design::{
    body_of, cast, designer_of, grab, member, open_task, publish, read, step, task_body, walk,
    Party,
};

/// Asserts a `{message, status}` failure of the process reads.
#[track_caller]
fn assert_status_error(response: &TestResponse, status: u16) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(response.body["status"], status);
    assert!(response.body["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        response.body.as_object().map(|o| o.len()),
        Some(2),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn publishing_needs_a_token_and_a_valid_body() {
    let app = TestApp::new().await;
    let customer = member(&app, &[], None).await;
    app.post("/v1/design/task", task_body(3))
        .send()
        .await
        .assert_error(401, 10001);
    app.post("/v1/design/task", task_body(3))
        .token("not-a-token")
        .send()
        .await
        .assert_error(401, 10002);
    let mut bodies = Vec::new();
    for (field, value) in [
        ("title", json!("")),
        ("title", json!("x".repeat(61))),
        ("area", json!(0)),
        ("area", json!("89")),
        ("style", json!("x".repeat(31))),
        ("budget", json!("12.345")),
        ("budget", json!(20000)),
        ("address", json!("x".repeat(201))),
        ("description", json!("x".repeat(2001))),
        ("slots", json!(0)),
        ("slots", json!(6)),
        ("photos", json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
        ("photos", json!([0])),
    ] {
        let mut body = task_body(3);
        body[field] = value;
        bodies.push((field, body));
    }
    let mut missing = task_body(3);
    missing.as_object_mut().unwrap().remove("budget");
    bodies.push(("budget", missing));
    let stranger = member(&app, &[], None).await;
    let theirs = app.ready_file(stranger.id).await;
    let pending = {
        let id = app.ready_file(customer.id).await;
        let mut record = app.state.store().file(id).await.unwrap().unwrap();
        record.status = shared::file::FileStatus::Pending;
        record.id = app.state.store().next_id("file").await.unwrap();
        app.state.store().create_file(&record).await.unwrap();
        record.id
    };
    for photos in [json!([theirs]), json!([pending]), json!([999_999])] {
        let mut body = task_body(3);
        body["photos"] = photos;
        bodies.push(("photos", body));
    }
    for (field, body) in bodies {
        let response = app
            .post("/v1/design/task", body)
            .token(&customer.token)
            .send()
            .await;
        response.assert_error(400, 10000);
        assert!(
            response.body["message"].as_str().unwrap().contains(field),
            "{}",
            response.body
        );
    }
    let mine = app
        .get("/v1/design/my/tasks?role=customer&page=1&count=10")
        .token(&customer.token)
        .send()
        .await;
    assert_eq!(mine.data()["total"], 0, "nothing written on bad input");
    let ok = app
        .post("/v1/design/task", task_body(3))
        .token(&customer.token)
        .send()
        .await;
    ok.assert_ok(201);
}

#[tokio::test]
async fn task_reads_and_audits() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let stranger = member(&app, &[], None).await;
    let task = publish(&app, &cast.customer, 3).await;
    let path = format!("/v1/design/task/{task}");
    app.get(&path).send().await.assert_error(401, 10001);
    app.get(&path)
        .token(&stranger.token)
        .send()
        .await
        .assert_error(403, 10010);
    app.get(&path)
        .token(&cast.customer.token)
        .send()
        .await
        .assert_ok(200);
    app.get(&path)
        .token(&cast.admin.token)
        .send()
        .await
        .assert_ok(200);
    app.get("/v1/design/task/999")
        .token(&cast.admin.token)
        .send()
        .await
        .assert_error(404, 10008);
    app.get("/v1/design/task/abc")
        .token(&cast.admin.token)
        .send()
        .await
        .assert_error(400, 10000);

    let audit = format!("/v1/admin/design/task/{task}/audit");
    app.post(&audit, json!({"approve": true}))
        .token(&cast.customer.token)
        .send()
        .await
        .assert_error(403, 10010);
    app.post(&audit, json!({"approve": true}))
        .send()
        .await
        .assert_error(401, 10001);
    app.post(&audit, json!({"approve": "yes"}))
        .token(&cast.admin.token)
        .send()
        .await
        .assert_error(400, 10000);
    app.post("/v1/admin/design/task/999/audit", json!({"approve": true}))
        .token(&cast.admin.token)
        .send()
        .await
        .assert_error(404, 10008);
    app.post(&audit, json!({"approve": true}))
        .token(&cast.admin.token)
        .send()
        .await
        .assert_ok(200);
    app.post(&audit, json!({"approve": false}))
        .token(&cast.admin.token)
        .send()
        .await
        .assert_error(400, 10009);
    app.get(&path)
        .token(&stranger.token)
        .send()
        .await
        .assert_ok(200);

    let refused = publish(&app, &cast.customer, 3).await;
    app.post(
        &format!("/v1/admin/design/task/{refused}/audit"),
        json!({"approve": false, "reason": "信息不全"}),
    )
    .token(&cast.admin.token)
    .send()
    .await
    .assert_ok(200);
    let shown = app
        .get(&format!("/v1/design/task/{refused}"))
        .token(&cast.customer.token)
        .send()
        .await;
    assert_eq!(shown.data()["status"], 2);
    grab(&app, &cast.designer, refused)
        .await
        .assert_error(400, 10009);
}

#[tokio::test]
async fn grab_refusals() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let pending = publish(&app, &cast.customer, 1).await;
    grab(&app, &cast.designer, pending)
        .await
        .assert_error(400, 10009);
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.customer, task)
        .await
        .assert_error(403, 10010);
    grab(&app, &cast.company, task)
        .await
        .assert_error(403, 10010);
    let freelancer = member(&app, &["designer"], None).await;
    grab(&app, &freelancer, task).await.assert_error(403, 10010);
    app.post(&format!("/v1/design/task/{task}/grab"), json!({}))
        .send()
        .await
        .assert_error(401, 10001);
    grab(&app, &cast.designer, 999)
        .await
        .assert_error(404, 10008);
    // A designer may not grab their own task.
    let own = {
        let body = task_body(2);
        let response = app
            .post("/v1/design/task", body)
            .token(&cast.designer.token)
            .send()
            .await;
        let id = response.data()["id"].as_u64().unwrap();
        app.post(
            &format!("/v1/admin/design/task/{id}/audit"),
            json!({"approve": true}),
        )
        .token(&cast.admin.token)
        .send()
        .await
        .assert_ok(200);
        id
    };
    grab(&app, &cast.designer, own)
        .await
        .assert_error(400, 10009);
    grab(&app, &cast.designer, task).await.assert_ok(201);
    grab(&app, &cast.designer, task)
        .await
        .assert_error(400, 10009);
    let second = designer_of(&app, &cast.company).await;
    grab(&app, &second, task).await.assert_error(400, 10009);
}

#[tokio::test]
async fn twenty_designers_race_for_three_slots() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 3).await;
    let mut designers: Vec<Party> = Vec::new();
    for _ in 0..20 {
        designers.push(designer_of(&app, &cast.company).await);
    }
    let answers = futures::future::join_all(designers.iter().map(|d| grab(&app, d, task))).await;
    let mut won = 0;
    for answer in &answers {
        if answer.status == 201 {
            won += 1;
        } else {
            answer.assert_error(400, 10009);
        }
    }
    assert_eq!(won, 3);
    let shown = app
        .get(&format!("/v1/design/task/{task}"))
        .token(&cast.customer.token)
        .send()
        .await;
    assert_eq!(
        (shown.data()["taken"].clone(), shown.data()["slots"].clone()),
        (json!(3), json!(3))
    );
    let company = app
        .get("/v1/design/my/tasks?role=company&page=1&count=50")
        .token(&cast.company.token)
        .send()
        .await;
    assert_eq!(company.data()["total"], 3);
    assert_eq!(company.data()["data"].as_array().unwrap().len(), 3);
    let mut readable = 0;
    for designer in &designers {
        if read(&app, designer, task, designer.id).await.status == 200 {
            readable += 1;
        }
    }
    assert_eq!(readable, 3, "exactly the winners have a process");
    let open = app
        .get("/v1/design/tasks?page=1&count=10")
        .token(&cast.designer.token)
        .send()
        .await;
    assert_eq!(open.data()["total"], 0);
}

#[tokio::test]
async fn step_route_errors() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let stranger = member(&app, &[], None).await;
    let other_company = member(&app, &["company"], None).await;
    let task = open_task(&app, &cast, 2).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let draft = body_of(&app, "first-draft", designer).await;

    step(
        &app,
        &cast.designer,
        task,
        designer,
        "second-draft",
        draft.clone(),
    )
    .await
    .assert_error(404, 10008);
    step(
        &app,
        &cast.designer,
        task,
        999,
        "first-draft",
        draft.clone(),
    )
    .await
    .assert_error(404, 10008);
    step(
        &app,
        &cast.designer,
        999,
        designer,
        "first-draft",
        draft.clone(),
    )
    .await
    .assert_error(404, 10008);
    app.post(
        &format!("/v1/design/task/{task}/process/x/first-draft"),
        draft.clone(),
    )
    .token(&cast.designer.token)
    .send()
    .await
    .assert_error(400, 10000);
    app.post(
        &format!("/v1/design/task/{task}/process/{designer}/first-draft"),
        draft.clone(),
    )
    .send()
    .await
    .assert_error(401, 10001);
    // Wrong parties: strangers, another company, and every role on another role's step.
    for (who, name) in [
        (&stranger, "first-draft"),
        (&cast.customer, "first-draft"),
        (&cast.admin, "first-draft"),
        (&cast.company, "first-draft"),
        (&stranger, "vr-url"),
    ] {
        let body = if name == "vr-url" {
            json!({"vr_url": "https://vr.example.com/a"})
        } else {
            draft.clone()
        };
        step(&app, who, task, designer, name, body)
            .await
            .assert_error(403, 10010);
    }
    for (who, name) in [
        (&other_company, "first-draft-audit"),
        (&cast.designer, "first-draft-audit"),
        (&cast.customer, "first-draft-audit"),
        (&cast.company, "first-draft-choice"),
        (&cast.designer, "deposit-voucher"),
        (&cast.customer, "deposit-audit"),
        (&cast.company, "final-draft"),
        (&cast.designer, "final-draft-choice"),
        (&cast.admin, "retainage-voucher"),
        (&cast.company, "retainage-audit"),
        (&cast.customer, "cad-voucher"),
        (&cast.designer, "cad-audit"),
    ] {
        let body = body_of(&app, name, who.id).await;
        step(&app, who, task, designer, name, body)
            .await
            .assert_error(403, 10010);
    }
    // Steps the process has not reached.
    for (name, who) in walk(&cast).into_iter().skip(1) {
        let body = body_of(&app, name, who.id).await;
        step(&app, who, task, designer, name, body)
            .await
            .assert_error(400, 10009);
    }
    // Bad bodies, and photos that are not the caller's ready files.
    let stranger_file = app.ready_file(stranger.id).await;
    for body in [
        json!({}),
        json!({"photo": "x", "explain": "", "deposit": "1"}),
        json!({"photo": stranger_file, "explain": "", "deposit": "1"}),
        json!({"photo": 999_999, "explain": "", "deposit": "1"}),
        json!({"photo": app.ready_file(designer).await, "explain": "", "deposit": "-1"}),
    ] {
        step(&app, &cast.designer, task, designer, "first-draft", body)
            .await
            .assert_error(400, 10000);
    }
    for body in [
        json!({"vr_url": "http://vr.example.com"}),
        json!({"vr_url": format!("https://{}", "x".repeat(500))}),
    ] {
        step(&app, &cast.designer, task, designer, "vr-url", body)
            .await
            .assert_error(400, 10000);
    }
    let photo = app.ready_file(designer).await;
    let voucher = app.ready_file(cast.customer.id).await;
    let mut final_draft = body_of(&app, "final-draft", designer).await;
    final_draft["room_list"] = json!([]);
    assert_process_unchanged(&app, &cast.customer, task, designer).await;
    // Bad bodies on the way (10000), and the good ones that move the process on.
    let invalid = Some((400, 10000));
    let script = [
        (
            &cast.designer,
            "first-draft",
            json!({"photo": photo, "explain": "", "deposit": "1"}),
            None,
        ),
        (
            &cast.company,
            "first-draft-audit",
            json!({"approve": 2}),
            invalid,
        ),
        (
            &cast.company,
            "first-draft-audit",
            json!({"approve": true}),
            None,
        ),
        (
            &cast.customer,
            "first-draft-choice",
            json!({"choose": 3}),
            invalid,
        ),
        (
            &cast.customer,
            "first-draft-choice",
            json!({"choose": 1}),
            None,
        ),
        (
            &cast.customer,
            "deposit-voucher",
            json!({"photo": voucher, "amount": 0}),
            invalid,
        ),
        (
            &cast.customer,
            "deposit-voucher",
            json!({"photo": voucher, "amount": 10}),
            None,
        ),
        (&cast.admin, "deposit-audit", json!({"approve": true}), None),
        (&cast.designer, "final-draft", final_draft, invalid),
    ];
    for (who, name, body, error) in script {
        let response = step(&app, who, task, designer, name, body).await;
        match error {
            Some((status, code)) => response.assert_error(status, code),
            None => response.assert_ok(200),
        }
    }
}

async fn assert_process_unchanged(app: &TestApp, who: &Party, task: u64, designer: u64) {
    crate::design::assert_process(&read(app, who, task, designer).await, 1);
}

#[tokio::test]
async fn my_tasks_needs_a_role_it_holds() {
    let app = TestApp::new().await;
    let customer = member(&app, &[], None).await;
    for (query, status, code) in [
        ("page=1&count=10", 400, 10000),
        ("role=owner&page=1&count=10", 400, 10000),
        ("role=customer&page=0&count=10", 400, 10000),
        ("role=designer&page=1&count=10", 403, 10010),
        ("role=company&page=1&count=10", 403, 10010),
    ] {
        app.get(&format!("/v1/design/my/tasks?{query}"))
            .token(&customer.token)
            .send()
            .await
            .assert_error(status, code);
    }
    app.get("/v1/design/my/tasks?role=customer&page=1&count=10")
        .send()
        .await
        .assert_error(401, 10001);
    app.get("/v1/design/tasks?page=1&count=10")
        .send()
        .await
        .assert_error(401, 10001);
    app.get("/v1/design/tasks?page=1&count=101")
        .token(&customer.token)
        .send()
        .await
        .assert_error(400, 10000);
}

#[tokio::test]
async fn process_reads_answer_message_and_status() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let stranger = member(&app, &[], None).await;
    let other_company = member(&app, &["company"], None).await;
    let colleague = designer_of(&app, &cast.company).await;
    let task = open_task(&app, &cast, 2).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let get = |token: Option<&str>, path: String| {
        let request = app.get(&path);
        match token {
            Some(token) => request.token(token),
            None => request,
        }
    };
    let path = format!("/v1/design/task/{task}/process/{designer}");

    let anonymous = app
        .post(
            "/getTaskProcess",
            json!({"task_id": task, "designer_id": designer}),
        )
        .send()
        .await;
    assert_status_error(&anonymous, 401);
    assert_status_error(&get(None, path.clone()).send().await, 401);
    let forged = app
        .post(
            "/getTaskProcess",
            json!({"task_id": task, "designer_id": designer}),
        )
        .token("forged")
        .send()
        .await;
    assert_status_error(&forged, 401);
    for who in [&stranger, &other_company, &colleague] {
        assert_status_error(&read(&app, who, task, designer).await, 403);
        assert_status_error(&get(Some(&who.token), path.clone()).send().await, 403);
    }
    assert_status_error(&read(&app, &cast.customer, task, 999).await, 404);
    assert_status_error(&read(&app, &cast.customer, 999, designer).await, 404);
    assert_status_error(
        &get(
            Some(&cast.customer.token),
            format!("/v1/design/task/{task}/process/999"),
        )
        .send()
        .await,
        404,
    );
    for body in [
        json!({"task_id": "x", "designer_id": designer}),
        json!({"task_id": task}),
        json!({"task_id": 0, "designer_id": 1}),
    ] {
        let response = app
            .post("/getTaskProcess", body)
            .token(&cast.customer.token)
            .send()
            .await;
        assert_status_error(&response, 400);
    }
    let raw = app
        .request(axum::http::Method::POST, "/getTaskProcess")
        .raw_body(b"{not json")
        .token(&cast.customer.token)
        .send()
        .await;
    assert_status_error(&raw, 400);
    assert_status_error(
        &get(
            Some(&cast.customer.token),
            format!("/v1/design/task/{task}/process/abc"),
        )
        .send()
        .await,
        400,
    );
    let wrong_method = app
        .request(axum::http::Method::PUT, &path)
        .token(&cast.customer.token)
        .send_to(app.router("design"))
        .await;
    assert_status_error(&wrong_method, 405);
    for who in [&cast.customer, &cast.designer, &cast.company, &cast.admin] {
        crate::design::assert_process(&read(&app, who, task, designer).await, 1);
    }
}
