//! The design workflow end to end: one task through all 14 steps with the four roles,
//! refused audits and re-uploads, elimination of the other designers, and the
//! `getTaskProcess` body after every step.

use api_tests::app::{TestApp, TestResponse};
use serde_json::{json, Value};

/// 2026-01-01 00:00:00 UTC.
pub const START: i64 = 1_767_225_600;

/// The seed's step titles (step 3: "审核初稿").
pub const TITLES: [&str; 14] = [
    "发布",
    "抢单",
    "上传初稿",
    "审核初稿",
    "选初稿",
    "支付定金",
    "审核定金支付凭证",
    "上传终稿",
    "审核终稿",
    "选择终稿",
    "支付尾款",
    "审核尾款支付凭证",
    "上传施工图凭证",
    "审核完结",
];

/// The field an upload step's data appears under.
pub fn data_field(step: usize) -> Option<&'static str> {
    match step {
        2 => Some("first_draft"),
        5 => Some("first_reception"),
        7 => Some("final_draft"),
        10 => Some("final_reception"),
        12 => Some("cad_reception"),
        _ => None,
    }
}

/// A user: token and id.
#[derive(Clone, Debug)]
pub struct Party {
    /// Token.
    pub token: String,
    /// User id.
    pub id: u64,
}

/// The four roles of a design order.
pub struct Cast {
    /// Platform operator.
    pub admin: Party,
    /// Design company.
    pub company: Party,
    /// A designer of that company.
    pub designer: Party,
    /// The customer.
    pub customer: Party,
}

/// A party from `app.member`.
pub async fn member(app: &TestApp, roles: &[&str], company: Option<u64>) -> Party {
    let (token, id) = app.member(roles, company).await;
    Party { token, id }
}

/// A designer of `company`.
pub async fn designer_of(app: &TestApp, company: &Party) -> Party {
    member(app, &["designer"], Some(company.id)).await
}

/// Admin, company, designer of it, and a customer.
pub async fn cast(app: &TestApp) -> Cast {
    let admin_token = app.admin_token().await;
    let admin_id = app.get("/v1/user").token(&admin_token).send().await.data()["id"]
        .as_u64()
        .unwrap();
    let company = member(app, &["company"], None).await;
    let designer = designer_of(app, &company).await;
    let customer = member(app, &[], None).await;
    Cast {
        admin: Party {
            token: admin_token,
            id: admin_id,
        },
        company,
        designer,
        customer,
    }
}

/// A valid task body with `slots`.
pub fn task_body(slots: u8) -> Value {
    json!({
        "title": "三居室现代简约设计", "area": 89.5, "style": "现代简约", "budget": "20000",
        "address": "北京市朝阳区建国路 88 号", "description": "希望客厅开阔。", "slots": slots
    })
}

/// Publishes a task of `customer` with one photo; answers its id.
pub async fn publish(app: &TestApp, customer: &Party, slots: u8) -> u64 {
    let photo = app.ready_file(customer.id).await;
    let mut body = task_body(slots);
    body["photos"] = json!([photo]);
    let response = app
        .post("/v1/design/task", body)
        .token(&customer.token)
        .send()
        .await;
    response.assert_ok(201);
    response.data()["id"].as_u64().unwrap()
}

/// Publishes and approves a task; answers its id.
pub async fn open_task(app: &TestApp, cast: &Cast, slots: u8) -> u64 {
    let id = publish(app, &cast.customer, slots).await;
    app.post(
        &format!("/v1/admin/design/task/{id}/audit"),
        json!({"approve": true}),
    )
    .token(&cast.admin.token)
    .send()
    .await
    .assert_ok(200);
    id
}

/// `designer` grabs task `id`.
pub async fn grab(app: &TestApp, designer: &Party, id: u64) -> TestResponse {
    app.post(&format!("/v1/design/task/{id}/grab"), json!({}))
        .token(&designer.token)
        .send()
        .await
}

/// A step route call.
pub async fn step(
    app: &TestApp,
    who: &Party,
    task: u64,
    designer: u64,
    name: &str,
    body: Value,
) -> TestResponse {
    app.post(
        &format!("/v1/design/task/{task}/process/{designer}/{name}"),
        body,
    )
    .token(&who.token)
    .send()
    .await
}

/// `POST /getTaskProcess` as `who`.
pub async fn read(app: &TestApp, who: &Party, task: u64, designer: u64) -> TestResponse {
    app.post(
        "/getTaskProcess",
        json!({"task_id": task, "designer_id": designer}),
    )
    .token(&who.token)
    .send()
    .await
}

/// The body of each step route, with photos of `owner` (a fresh ready file each).
pub async fn body_of(app: &TestApp, name: &str, owner: u64) -> Value {
    match name {
        "first-draft" => json!({
            "photo": app.ready_file(owner).await, "explain": "客厅以浅色为主", "deposit": "2000"
        }),
        "deposit-voucher" | "retainage-voucher" => json!({
            "photo": app.ready_file(owner).await, "amount": 2000
        }),
        "final-draft" => json!({
            "room_list": [
                {"name": "客厅", "explain": "电视墙用木饰面", "part": [
                    {"name": "电视墙", "photo": app.ready_file(owner).await},
                    {"name": "沙发背景", "photo": app.ready_file(owner).await}
                ]},
                {"name": "主卧", "explain": "", "part": [
                    {"name": "衣帽间", "photo": app.ready_file(owner).await}
                ]}
            ],
            "explain": "整体暖色调", "retainage": "8000.5", "practical_area": 86.2,
            "practical_style": "北欧", "charge": "100元/平米", "design_budget": "10000",
            "is_quota": false
        }),
        "cad-voucher" => json!({"photo": app.ready_file(owner).await}),
        "first-draft-choice" | "final-draft-choice" => json!({"choose": 1}),
        _ => json!({"approve": true}),
    }
}

/// The step routes in order with who takes each.
pub fn walk(cast: &Cast) -> Vec<(&'static str, &Party)> {
    vec![
        ("first-draft", &cast.designer),
        ("first-draft-audit", &cast.company),
        ("first-draft-choice", &cast.customer),
        ("deposit-voucher", &cast.customer),
        ("deposit-audit", &cast.admin),
        ("final-draft", &cast.designer),
        ("final-draft-audit", &cast.company),
        ("final-draft-choice", &cast.customer),
        ("retainage-voucher", &cast.customer),
        ("retainage-audit", &cast.admin),
        ("cad-voucher", &cast.designer),
        ("cad-audit", &cast.admin),
    ]
}

/// `designer` uploads a first draft and the company approves it (step 3).
pub async fn approved_first_draft(app: &TestApp, cast: &Cast, task: u64, designer: &Party) {
    let body = body_of(app, "first-draft", designer.id).await;
    step(app, designer, task, designer.id, "first-draft", body)
        .await
        .assert_ok(200);
    let approve = json!({"approve": true});
    step(
        app,
        &cast.company,
        task,
        designer.id,
        "first-draft-audit",
        approve,
    )
    .await
    .assert_ok(200);
}

/// The customer chooses (1) or eliminates (2) the first draft of `designer`.
pub async fn choose_first_draft(
    app: &TestApp,
    cast: &Cast,
    task: u64,
    designer: u64,
    choose: u8,
) -> TestResponse {
    let body = json!({ "choose": choose });
    step(
        app,
        &cast.customer,
        task,
        designer,
        "first-draft-choice",
        body,
    )
    .await
}

/// The ids of the tasks of a page.
pub fn ids(page: &TestResponse) -> Vec<u64> {
    page.data()["data"]
        .as_array()
        .map(|tasks| {
            tasks
                .iter()
                .filter_map(|task| task["id"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts the `getTaskProcess` body of a process at `reached`: 14 titled steps, `time`
/// and the step's data exactly on the steps reached, times non-decreasing.
#[track_caller]
pub fn assert_process(response: &TestResponse, reached: usize) {
    assert_eq!(response.status, 200, "{}", response.body);
    let body = &response.body;
    assert_eq!(body["message"], "获取数据成功!");
    assert_eq!(body["status"], 200);
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
    let process = &body["process"];
    assert_eq!(process["step_id"], reached as u64, "{body}");
    assert!(process["vr_url"].is_string());
    let list = process["step_list"].as_array().unwrap();
    assert_eq!(list.len(), 14);
    let mut last = 0;
    for (index, entry) in list.iter().enumerate() {
        assert_eq!(entry["step_id"], index as u64);
        assert_eq!(entry["step_title"], TITLES[index]);
        assert_eq!(entry["step_discript"], "");
        let done = index <= reached;
        assert_eq!(
            entry.get("time").is_some(),
            done,
            "time of step {index}: {entry}"
        );
        if let Some(time) = entry["time"].as_i64() {
            assert!(time >= last, "times go back at step {index}: {body}");
            last = time;
        }
        if let Some(field) = data_field(index) {
            assert_eq!(
                entry.get(field).is_some(),
                done,
                "{field} at {reached}: {entry}"
            );
        }
        let keys = entry.as_object().unwrap().len();
        let expected = 3 + usize::from(done) + usize::from(done && data_field(index).is_some());
        assert_eq!(keys, expected, "unexpected fields in {entry}");
    }
}

/// The entry of step `index`.
pub fn entry(response: &TestResponse, index: usize) -> &Value {
    &response.body["process"]["step_list"][index]
}

#[tokio::test]
async fn one_task_walks_all_fourteen_steps() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    app.set_now(START);
    let task = open_task(&app, &cast, 3).await;
    app.set_now(START + 60);
    let grabbed = grab(&app, &cast.designer, task).await;
    grabbed.assert_ok(201);
    assert_eq!(grabbed.data()["step_id"], 1);
    let process_id = grabbed.data()["process_id"].as_u64().unwrap();
    let designer = cast.designer.id;
    assert_process(&read(&app, &cast.customer, task, designer).await, 1);
    assert_eq!(
        entry(&read(&app, &cast.designer, task, designer).await, 0)["time"],
        START
    );

    for (index, (name, who)) in walk(&cast).into_iter().enumerate() {
        let reached = index + 2;
        app.set_now(START + 60 * (reached as i64 + 1));
        let body = body_of(&app, name, who.id).await;
        let response = step(&app, who, task, designer, name, body).await;
        response.assert_ok(200);
        assert_eq!(response.data(), &json!({"step_id": reached}), "{name}");
        let shown = read(&app, &cast.customer, task, designer).await;
        assert_process(&shown, reached);
        assert_eq!(
            entry(&shown, reached)["time"],
            START + 60 * (reached as i64 + 1)
        );
        let status = app
            .get(&format!("/v1/design/task/{task}"))
            .token(&cast.customer.token)
            .send()
            .await
            .data()["status"]
            .clone();
        let expected = match reached {
            0..=3 => 1,
            4..=12 => 3,
            _ => 4,
        };
        assert_eq!(status, expected, "task status after {name}");
    }

    app.set_now(START + 3600);
    step(
        &app,
        &cast.designer,
        task,
        designer,
        "vr-url",
        json!({"vr_url": "https://vr.example.com/case/7"}),
    )
    .await
    .assert_ok(200);
    let done = read(&app, &cast.company, task, designer).await;
    assert_process(&done, 13);
    assert_eq!(
        done.body["process"]["vr_url"],
        "https://vr.example.com/case/7"
    );
    let first = &entry(&done, 2)["first_draft"];
    assert_eq!(first["process_id"], process_id);
    assert_eq!(
        (
            first["choose_status"].clone(),
            first["audit_status"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(first["explain"], "客厅以浅色为主");
    assert_eq!(first["deposit"], "2000.00");
    assert_eq!(first["time"], START + 180);
    for variant in ["ori", "big", "mid", "sml"] {
        let url = first["photo"][variant].as_str().unwrap();
        assert!(
            url.starts_with("http://assets.test/variants/")
                && url.ends_with(&format!("/{variant}.jpg")),
            "{url}"
        );
    }
    let reception = &entry(&done, 5)["first_reception"];
    assert_eq!(
        (
            reception["amount"].clone(),
            reception["audit_status"].clone()
        ),
        (json!(2000.0), json!(1))
    );
    let final_draft = &entry(&done, 7)["final_draft"];
    assert_eq!(final_draft["room_list"].as_array().unwrap().len(), 2);
    assert_eq!(final_draft["room_list"][0]["part"][1]["name"], "沙发背景");
    assert!(final_draft["room_list"][0]["part"][0]["photo"]["mid"].is_string());
    assert_eq!(final_draft["retainage"], "8000.50");
    assert_eq!(final_draft["is_quota"], false);
    assert_eq!(
        (
            final_draft["choose_status"].clone(),
            final_draft["audit_status"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(entry(&done, 12)["cad_reception"]["audit_status"], 1);
    assert!(entry(&done, 12)["cad_reception"].get("amount").is_none());

    // The same body through the GET route, for the designer and an admin.
    for who in [&cast.designer, &cast.admin] {
        let got = app
            .get(&format!("/v1/design/task/{task}/process/{designer}"))
            .token(&who.token)
            .send()
            .await;
        assert_eq!(got.body, done.body);
    }
    // A finished process takes no more steps.
    step(
        &app,
        &cast.admin,
        task,
        designer,
        "cad-audit",
        json!({"approve": true}),
    )
    .await
    .assert_error(400, 10009);
}

#[tokio::test]
async fn refused_audits_keep_the_upload_until_it_is_sent_again() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    app.set_now(START);
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let mut now = START;
    // Each audited upload: refused once, sent again, then approved.
    for (upload, audit, uploader, auditor) in [
        (
            "first-draft",
            "first-draft-audit",
            &cast.designer,
            &cast.company,
        ),
        (
            "deposit-voucher",
            "deposit-audit",
            &cast.customer,
            &cast.admin,
        ),
        (
            "final-draft",
            "final-draft-audit",
            &cast.designer,
            &cast.company,
        ),
        (
            "retainage-voucher",
            "retainage-audit",
            &cast.customer,
            &cast.admin,
        ),
        ("cad-voucher", "cad-audit", &cast.designer, &cast.admin),
    ] {
        let at = walk(&cast)
            .iter()
            .position(|(name, _)| *name == upload)
            .unwrap()
            + 2;
        let field = data_field(at).unwrap();
        now += 60;
        app.set_now(now);
        let body = body_of(&app, upload, uploader.id).await;
        step(&app, uploader, task, designer, upload, body)
            .await
            .assert_ok(200);
        now += 60;
        app.set_now(now);
        let refused = step(
            &app,
            auditor,
            task,
            designer,
            audit,
            json!({"approve": false, "reason": "不清晰"}),
        )
        .await;
        refused.assert_ok(200);
        assert_eq!(refused.data(), &json!({"step_id": at}));
        let shown = read(&app, &cast.customer, task, designer).await;
        assert_process(&shown, at);
        assert_eq!(entry(&shown, at)[field]["audit_status"], 2, "{field}");
        assert_eq!(entry(&shown, at)[field]["reason"], "不清晰", "{field}");
        // A refused upload cannot be audited again, only sent again.
        step(
            &app,
            auditor,
            task,
            designer,
            audit,
            json!({"approve": true}),
        )
        .await
        .assert_error(400, 10009);
        now += 60;
        app.set_now(now);
        let body = body_of(&app, upload, uploader.id).await;
        let photo = body.get("photo").cloned();
        step(&app, uploader, task, designer, upload, body)
            .await
            .assert_ok(200);
        let shown = read(&app, &cast.customer, task, designer).await;
        assert_process(&shown, at);
        let data = &entry(&shown, at)[field];
        assert_eq!(data["audit_status"], 0, "{field}");
        assert!(data.get("reason").is_none(), "{field}: {data}");
        assert_eq!(data["time"], now);
        assert_eq!(entry(&shown, at)["time"], now);
        if let Some(photo) = photo {
            assert_eq!(data["photo"]["id"], photo);
        }
        now += 60;
        app.set_now(now);
        step(
            &app,
            auditor,
            task,
            designer,
            audit,
            json!({"approve": true}),
        )
        .await
        .assert_ok(200);
        let shown = read(&app, &cast.customer, task, designer).await;
        assert_process(&shown, at + 1);
        assert_eq!(entry(&shown, at)[field]["audit_status"], 1);
        if upload == "first-draft" || upload == "final-draft" {
            let choice = if upload == "first-draft" {
                "first-draft-choice"
            } else {
                "final-draft-choice"
            };
            step(
                &app,
                &cast.customer,
                task,
                designer,
                choice,
                json!({"choose": 1}),
            )
            .await
            .assert_ok(200);
        }
    }
    assert_process(&read(&app, &cast.customer, task, designer).await, 13);
}

#[tokio::test]
async fn choosing_a_first_draft_eliminates_the_other_designers() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let second = designer_of(&app, &cast.company).await;
    let third = designer_of(&app, &cast.company).await;
    let task = open_task(&app, &cast, 4).await;
    for designer in [&cast.designer, &second, &third] {
        grab(&app, designer, task).await.assert_ok(201);
    }
    for designer in [&cast.designer, &second] {
        approved_first_draft(&app, &cast, task, designer).await;
    }
    let open = app
        .get("/v1/design/tasks?page=1&count=10")
        .token(&third.token)
        .send()
        .await;
    assert_eq!(
        open.data()["data"][0]["id"],
        task,
        "a free slot keeps it open"
    );

    choose_first_draft(&app, &cast, task, cast.designer.id, 1)
        .await
        .assert_ok(200);

    let task_now = app
        .get(&format!("/v1/design/task/{task}"))
        .token(&cast.customer.token)
        .send()
        .await;
    assert_eq!(task_now.data()["status"], 3);
    let open = app
        .get("/v1/design/tasks?page=1&count=10")
        .token(&third.token)
        .send()
        .await;
    assert_eq!(
        (open.data()["total"].clone(), open.data()["data"].clone()),
        (json!(0), json!([]))
    );
    let late = member(&app, &["designer"], Some(cast.company.id)).await;
    grab(&app, &late, task).await.assert_error(400, 10009);

    // The others stop, stay readable, and show their draft as eliminated.
    let shown = read(&app, &second, task, second.id).await;
    assert_process(&shown, 3);
    assert_eq!(entry(&shown, 2)["first_draft"]["choose_status"], 2);
    let body = body_of(&app, "first-draft", third.id).await;
    step(&app, &third, task, third.id, "first-draft", body)
        .await
        .assert_error(400, 10009);
    step(
        &app,
        &second,
        task,
        second.id,
        "vr-url",
        json!({"vr_url": "https://vr.example.com/x"}),
    )
    .await
    .assert_error(400, 10009);
    choose_first_draft(&app, &cast, task, second.id, 1)
        .await
        .assert_error(400, 10009);
    assert_process(&read(&app, &third, task, third.id).await, 1);
    // The chosen one goes on.
    let chosen = read(&app, &cast.designer, task, cast.designer.id).await;
    assert_process(&chosen, 4);
    assert_eq!(entry(&chosen, 2)["first_draft"]["choose_status"], 1);
}

#[tokio::test]
async fn eliminating_a_draft_stops_only_that_process() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let other = designer_of(&app, &cast.company).await;
    let task = open_task(&app, &cast, 2).await;
    for designer in [&cast.designer, &other] {
        grab(&app, designer, task).await.assert_ok(201);
        approved_first_draft(&app, &cast, task, designer).await;
    }
    let out = choose_first_draft(&app, &cast, task, other.id, 2).await;
    out.assert_ok(200);
    assert_eq!(out.data(), &json!({"step_id": 3}));
    let shown = read(&app, &other, task, other.id).await;
    assert_process(&shown, 3);
    assert_eq!(entry(&shown, 2)["first_draft"]["choose_status"], 2);
    let kept = read(&app, &cast.designer, task, cast.designer.id).await;
    assert_eq!(entry(&kept, 2)["first_draft"]["choose_status"], 0);
    choose_first_draft(&app, &cast, task, cast.designer.id, 1)
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn get_task_process_is_one_query_plus_one_cached_configuration_read() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let body = body_of(&app, "first-draft", cast.designer.id).await;
    step(
        &app,
        &cast.designer,
        task,
        cast.designer.id,
        "first-draft",
        body,
    )
    .await
    .assert_ok(200);
    app.calls();
    assert_process(&read(&app, &cast.customer, task, cast.designer.id).await, 2);
    let mut first = app.calls();
    first.sort();
    assert_eq!(
        first,
        ["GetItem", "GetItem", "Query"],
        "cold: the process Query and the configuration read"
    );
    for _ in 0..3 {
        assert_process(&read(&app, &cast.customer, task, cast.designer.id).await, 2);
        assert_eq!(app.calls(), ["GetItem", "Query"]);
    }
    app.get(&format!(
        "/v1/design/task/{task}/process/{}",
        cast.designer.id
    ))
    .token(&cast.company.token)
    .send()
    .await;
    assert_eq!(app.calls(), ["GetItem", "Query"]);
}

#[tokio::test]
async fn step_titles_come_from_the_stored_configuration() {
    let app = TestApp::new().await;
    let mut steps = shared::design::steps::default_steps();
    steps[3].step_discript = "设计公司审核设计师上传的初稿".to_owned();
    app.state
        .store()
        .save_step_catalog(&shared::design::steps::StepCatalogRecord { steps })
        .await
        .unwrap();
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let shown = read(&app, &cast.customer, task, cast.designer.id).await;
    assert_eq!(
        entry(&shown, 3)["step_discript"],
        "设计公司审核设计师上传的初稿"
    );
    assert_eq!(entry(&shown, 3)["step_title"], "审核初稿");
}

#[tokio::test]
async fn lists_of_open_and_my_tasks() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let pending = publish(&app, &cast.customer, 1).await;
    let first = open_task(&app, &cast, 1).await;
    let second = open_task(&app, &cast, 2).await;
    let page = app
        .get("/v1/design/tasks?page=1&count=10")
        .token(&cast.designer.token)
        .send()
        .await;
    page.assert_ok(200);
    let listed = ids(&page);
    assert_eq!(listed, vec![second, first], "open, newest first");
    assert_eq!(page.data()["total"], 2);
    let task = &page.data()["data"][0];
    assert_eq!(task["customer"]["id"], cast.customer.id);
    assert_eq!(
        task["photos"][0]["sml"]
            .as_str()
            .map(|url| url.ends_with("/sml.jpg")),
        Some(true)
    );
    assert_eq!(
        (
            task["slots"].clone(),
            task["taken"].clone(),
            task["budget"].clone()
        ),
        (json!(2), json!(0), json!("20000.00"))
    );
    assert!(task["create_time"].as_str().unwrap().len() == 19);

    grab(&app, &cast.designer, first).await.assert_ok(201);
    let page = app
        .get("/v1/design/tasks?page=1&count=1")
        .token(&cast.designer.token)
        .send()
        .await;
    assert_eq!(
        (
            page.data()["total"].clone(),
            page.data()["data"][0]["id"].clone()
        ),
        (json!(1), json!(second))
    );

    let mine = app
        .get("/v1/design/my/tasks?role=customer&page=1&count=2")
        .token(&cast.customer.token)
        .send()
        .await;
    mine.assert_ok(200);
    assert_eq!(mine.data()["total"], 3);
    assert_eq!(mine.data()["has_more"], true);
    let listed = ids(&mine);
    assert_eq!(listed, vec![second, first]);
    let rest = app
        .get("/v1/design/my/tasks?role=customer&page=2&count=2")
        .token(&cast.customer.token)
        .send()
        .await;
    assert_eq!(rest.data()["data"][0]["id"], pending);

    grab(&app, &cast.designer, second).await.assert_ok(201);
    for (who, role) in [(&cast.designer, "designer"), (&cast.company, "company")] {
        let mine = app
            .get(&format!("/v1/design/my/tasks?role={role}&page=1&count=10"))
            .token(&who.token)
            .send()
            .await;
        mine.assert_ok(200);
        let listed = ids(&mine);
        assert_eq!(
            (listed, mine.data()["total"].clone()),
            (vec![second, first], json!(2)),
            "{role}"
        );
    }
}

#[tokio::test]
async fn a_task_lists_who_grabbed_it_so_the_customer_can_read_each_process() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let second = designer_of(&app, &cast.company).await;
    app.put(
        "/v1/user",
        json!({"nickname": "王设计", "avatar": "https://img.example.com/wang.png"}),
    )
    .token(&cast.designer.token)
    .send()
    .await
    .assert_ok(200);
    let task = open_task(&app, &cast, 3).await;
    let path = format!("/v1/design/task/{task}");
    let fresh = app.get(&path).token(&cast.customer.token).send().await;
    fresh.assert_ok(200);
    assert_eq!(
        fresh.data()["processes"],
        json!([]),
        "nobody grabbed it yet"
    );

    let mut expected = Vec::new();
    for designer in [&cast.designer, &second] {
        let grabbed = grab(&app, designer, task).await;
        grabbed.assert_ok(201);
        let me = app.get("/v1/user").token(&designer.token).send().await;
        expected.push(json!({
            "designer_id": designer.id,
            "process_id": grabbed.data()["process_id"],
            "designer": {"nickname": me.data()["nickname"], "avatar": me.data()["avatar"]},
        }));
    }
    assert_eq!(expected[0]["designer"]["nickname"], "王设计");
    assert_eq!(
        expected[0]["designer"]["avatar"],
        "https://img.example.com/wang.png"
    );

    app.calls();
    let shown = app.get(&path).token(&cast.customer.token).send().await;
    shown.assert_ok(200);
    assert_eq!(
        app.calls(),
        ["GetItem", "GetItem"],
        "the session, then the task item, which holds its processes"
    );
    assert_eq!(shown.data()["processes"], json!(expected));
    assert_eq!(shown.data()["taken"], 2);

    // The lists show the same entries.
    for (list, who) in [
        ("tasks?", &cast.designer),
        ("my/tasks?role=customer&", &cast.customer),
        ("my/tasks?role=company&", &cast.company),
    ] {
        let page = app
            .get(&format!("/v1/design/{list}page=1&count=10"))
            .token(&who.token)
            .send()
            .await;
        assert_eq!(
            page.data()["data"][0]["processes"],
            json!(expected),
            "{list}"
        );
    }

    // What the customer needs to read each process.
    for entry in &expected {
        let designer = entry["designer_id"].as_u64().unwrap();
        let process = read(&app, &cast.customer, task, designer).await;
        assert_process(&process, 1);
    }
}

#[tokio::test]
async fn a_refused_upload_shows_the_auditors_reason_until_it_is_sent_again() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 1).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    let draft_of = |response: &TestResponse| entry(response, 2)["first_draft"].clone();
    upload_first_draft(&app, &cast.designer, task).await;
    let waiting = read(&app, &cast.customer, task, designer).await;
    assert!(draft_of(&waiting).get("reason").is_none());

    audit_first_draft(
        &app,
        &cast,
        task,
        json!({"approve": false, "reason": "户型图不清晰"}),
    )
    .await;
    for who in [&cast.customer, &cast.designer, &cast.company] {
        let refused = read(&app, who, task, designer).await;
        assert_process(&refused, 2);
        let draft = draft_of(&refused);
        assert_eq!(
            (draft["audit_status"].clone(), draft["reason"].clone()),
            (json!(2), json!("户型图不清晰"))
        );
    }

    // Sent again: waiting, and the reason is gone with the refusal.
    upload_first_draft(&app, &cast.designer, task).await;
    let draft = draft_of(&read(&app, &cast.designer, task, designer).await);
    assert_eq!(draft["audit_status"], 0);
    assert!(draft.get("reason").is_none(), "{draft}");

    // A refusal without a reason shows none (not the earlier one).
    audit_first_draft(&app, &cast, task, json!({"approve": false})).await;
    let draft = draft_of(&read(&app, &cast.designer, task, designer).await);
    assert_eq!(draft["audit_status"], 2);
    assert!(draft.get("reason").is_none(), "{draft}");

    // Approved after a refusal with a reason: none shown either.
    upload_first_draft(&app, &cast.designer, task).await;
    audit_first_draft(
        &app,
        &cast,
        task,
        json!({"approve": false, "reason": "再改改"}),
    )
    .await;
    upload_first_draft(&app, &cast.designer, task).await;
    audit_first_draft(&app, &cast, task, json!({"approve": true})).await;
    let approved = read(&app, &cast.customer, task, designer).await;
    assert_process(&approved, 3);
    let draft = draft_of(&approved);
    assert_eq!(draft["audit_status"], 1);
    assert!(draft.get("reason").is_none(), "{draft}");
}

/// `designer` uploads a first draft on `task`.
async fn upload_first_draft(app: &TestApp, designer: &Party, task: u64) {
    let body = body_of(app, "first-draft", designer.id).await;
    step(app, designer, task, designer.id, "first-draft", body)
        .await
        .assert_ok(200);
}

/// The company audits the first draft of the cast's designer with `body`.
async fn audit_first_draft(app: &TestApp, cast: &Cast, task: u64, body: Value) {
    let designer = cast.designer.id;
    step(
        app,
        &cast.company,
        task,
        designer,
        "first-draft-audit",
        body,
    )
    .await
    .assert_ok(200);
}

#[tokio::test]
async fn demo_fixture_has_a_task_at_every_step() {
    let app = TestApp::new().await;
    let fixture = api_tests::fixture::demo();
    let users = api_tests::fixture::load(&app.state, &fixture)
        .await
        .unwrap();
    assert_eq!(
        api_tests::fixture::load(&app.state, &fixture)
            .await
            .unwrap(),
        users
    );
    let id_of = |code: &str| users.iter().find(|(c, _)| c == code).unwrap().1;
    let consumer = Party {
        token: app.token_for("consumer-demo", 20260106).await,
        id: id_of("consumer-demo"),
    };
    let designer = id_of("designer-demo");
    let second = Party {
        token: app.token_for("designer2-demo", 20260104).await,
        id: id_of("designer2-demo"),
    };
    let pending = app
        .get("/v1/design/task/1")
        .token(&consumer.token)
        .send()
        .await;
    assert_eq!(pending.data()["status"], 0);
    assert_eq!(read(&app, &consumer, 1, designer).await.status, 404);
    for step in 1..=13usize {
        let task = step as u64 + 1;
        let shown = read(&app, &consumer, task, designer).await;
        assert_process(&shown, step);
        let other = read(&app, &second, task, second.id).await;
        assert_process(&other, 1);
        let expected = if step >= 4 { 400 } else { 200 };
        assert_eq!(step_of(&app, &second, task).await, expected, "task {task}");
    }
    let mine = app
        .get("/v1/design/my/tasks?role=customer&page=1&count=20")
        .token(&consumer.token)
        .send()
        .await;
    assert_eq!(mine.data()["total"], 14);
    let done = app
        .get("/v1/design/task/14")
        .token(&consumer.token)
        .send()
        .await;
    assert_eq!(done.data()["status"], 4);
}

/// The status a second designer gets uploading a first draft (400 once eliminated).
async fn step_of(app: &TestApp, designer: &Party, task: u64) -> u16 {
    let body = body_of(app, "first-draft", designer.id).await;
    let status = step(app, designer, task, designer.id, "first-draft", body)
        .await
        .status;
    status
}
