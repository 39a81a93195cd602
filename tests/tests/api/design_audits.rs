//! The design audit queues: `GET /v1/admin/design/processes` (uploads waiting for the
//! platform: steps 5, 10, 12) and `GET /v1/design/company/processes` (drafts waiting for
//! the designer's company: steps 2, 7) — newest upload first, paged, one Query per page.

use api_tests::app::TestApp;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{json, Value};

use crate::admin_queues::{ids, operator, queue, three_in_two_pages};
use crate::design::{
    approved_first_draft, body_of, cast, choose_first_draft, designer_of, grab, member, open_task,
    step, walk, Cast, Party,
};

const PLATFORM: &str = "/v1/admin/design/processes";
const COMPANY: &str = "/v1/design/company/processes";

fn page_of(path: &str, page: u8, count: u8) -> String {
    format!("{path}?page={page}&count={count}")
}

/// The ids and total of the first page (10 items) of a queue.
async fn listed(app: &TestApp, who: &Party, path: &str) -> (Vec<u64>, u64) {
    let page = queue(app, &who.token, &page_of(path, 1, 10)).await;
    (ids(&page), page["total"].as_u64().unwrap())
}

/// `designer` grabs task `task`; answers the process id.
async fn grabbed(app: &TestApp, designer: &Party, task: u64) -> u64 {
    let response = grab(app, designer, task).await;
    response.assert_ok(201);
    response.data()["process_id"].as_u64().unwrap()
}

/// The step route `name` by `who` on the process of `designer` (its usual body).
async fn act(app: &TestApp, who: &Party, task: u64, designer: &Party, name: &str) {
    let body = body_of(app, name, who.id).await;
    step(app, who, task, designer.id, name, body)
        .await
        .assert_ok(200);
}

/// The cast designer's process on a fresh task, moved by each step route's party.
struct Flow<'a> {
    app: &'a TestApp,
    cast: &'a Cast,
    task: u64,
    process: u64,
}

impl<'a> Flow<'a> {
    /// A fresh task grabbed by the cast's designer and walked up to step `to` (the first
    /// `to - 1` step routes).
    async fn new(app: &'a TestApp, cast: &'a Cast, to: usize) -> Flow<'a> {
        let task = open_task(app, cast, 1).await;
        let process = grabbed(app, &cast.designer, task).await;
        let flow = Flow {
            app,
            cast,
            task,
            process,
        };
        for (name, _) in walk(cast).into_iter().take(to - 1) {
            flow.take(name, true).await;
        }
        flow
    }

    /// Step route `name` by its party: its usual body, or an audit approving (`ok`) or
    /// refusing.
    async fn take(&self, name: &str, ok: bool) {
        let (_, who) = walk(self.cast)
            .into_iter()
            .find(|(route, _)| *route == name)
            .unwrap();
        let body = if name.ends_with("-audit") {
            json!({ "approve": ok, "reason": "金额不符" })
        } else {
            body_of(self.app, name, who.id).await
        };
        let designer = self.cast.designer.id;
        step(self.app, who, self.task, designer, name, body)
            .await
            .assert_ok(200);
    }

    /// The first page of the queue at `path`, as its auditor reads it.
    async fn page(&self, path: &str) -> Value {
        let auditor = if path == PLATFORM {
            &self.cast.admin
        } else {
            &self.cast.company
        };
        queue(self.app, &auditor.token, &page_of(path, 1, 10)).await
    }

    /// Whether the process alone is in the queue at `path` (or the queue is empty), with
    /// the total to match.
    async fn queued(&self, path: &str, alone: bool) {
        let page = self.page(path).await;
        let expected = if alone { vec![self.process] } else { vec![] };
        assert_eq!(
            (ids(&page), page["total"].as_u64()),
            (expected.clone(), Some(expected.len() as u64))
        );
    }
}

fn assert_variants(photo: &Value) {
    for size in ["sml", "mid"] {
        let url = photo[size].as_str().unwrap();
        assert!(url.ends_with(&format!("/{size}.jpg")), "{url}");
    }
}

#[tokio::test]
async fn company_queue_lists_its_designers_drafts_newest_first_paged_in_one_query() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let mut processes = Vec::new();
    for _ in 0..3 {
        processes.push(Flow::new(&app, &cast, 2).await.process);
    }
    let at = |page: u8| page_of(COMPANY, page, 2);
    let first = three_in_two_pages(&app, &cast.company.token, at, &processes).await;

    // What the company decides on: the task, its designer, the customer, the draft.
    let item = &first["data"][0];
    assert_eq!(item["title"], "三居室现代简约设计");
    assert_eq!(item["step_id"], 2);
    assert_eq!(item["audit_status"], 0);
    assert_eq!(item["designer_id"], cast.designer.id);
    assert!(item["designer"]["nickname"].is_string(), "{item}");
    assert_eq!(item["company_id"], cast.company.id);
    assert_eq!(item["customer"]["id"], cast.customer.id);
    assert_eq!(item["first_draft"]["deposit"], "2000.00");
    assert_eq!(item["first_draft"]["explain"], "客厅以浅色为主");
    assert_variants(&item["first_draft"]["photo"]);

    // Another company's designer is not listed here, nor these there.
    let other = member(&app, &["company"], None).await;
    let stranger = designer_of(&app, &other).await;
    let task = open_task(&app, &cast, 1).await;
    let theirs = grabbed(&app, &stranger, task).await;
    act(&app, &stranger, task, &stranger, "first-draft").await;
    assert_eq!(listed(&app, &other, COMPANY).await, (vec![theirs], 1));
    let (mine, total) = listed(&app, &cast.company, COMPANY).await;
    assert_eq!((mine.len(), total), (3, 3));
    assert!(!mine.contains(&theirs));
    // Drafts are not the platform's to audit.
    assert_eq!(listed(&app, &cast.admin, PLATFORM).await, (vec![], 0));
}

#[tokio::test]
async fn a_draft_leaves_the_company_queue_with_its_audit_and_returns_when_sent_again() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let flow = Flow::new(&app, &cast, 2).await;
    flow.queued(COMPANY, true).await;
    flow.take("first-draft-audit", false).await;
    flow.queued(COMPANY, false).await;
    flow.take("first-draft", true).await;
    flow.queued(COMPANY, true).await;
    flow.take("first-draft-audit", true).await;
    flow.queued(COMPANY, false).await;

    // The final draft (step 7) waits there too, with its rooms.
    for name in [
        "first-draft-choice",
        "deposit-voucher",
        "deposit-audit",
        "final-draft",
    ] {
        flow.take(name, true).await;
    }
    let page = flow.page(COMPANY).await;
    let item = &page["data"][0];
    assert_eq!(
        (item["id"].as_u64(), &item["step_id"]),
        (Some(flow.process), &json!(7))
    );
    let draft = &item["final_draft"];
    assert_eq!(draft["retainage"], "8000.50");
    assert_eq!(draft["room_list"][0]["name"], "客厅");
    assert_eq!(draft["room_list"][0]["part"][1]["name"], "沙发背景");
    assert_variants(&draft["room_list"][0]["part"][0]["photo"]);
    flow.take("final-draft-audit", true).await;
    flow.queued(COMPANY, false).await;
}

#[tokio::test]
async fn platform_queue_lists_vouchers_newest_first_paged_in_one_query() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(Flow::new(&app, &cast, 5).await);
    }
    let processes: Vec<u64> = made.iter().map(|flow| flow.process).collect();
    let at = |page: u8| page_of(PLATFORM, page, 2);
    let first = three_in_two_pages(&app, &cast.admin.token, at, &processes).await;

    let item = &first["data"][0];
    assert_eq!(item["step_id"], 5);
    assert_eq!(item["task_id"], made[2].task);
    assert_eq!(item["title"], "三居室现代简约设计");
    assert_eq!(item["customer"]["id"], cast.customer.id);
    assert_eq!(item["first_reception"]["amount"], 2000.0);
    assert_variants(&item["first_reception"]["photo"]);
    // Vouchers are not the company's to audit.
    assert_eq!(listed(&app, &cast.company, COMPANY).await, (vec![], 0));
}

#[tokio::test]
async fn vouchers_leave_the_platform_queue_with_their_audit() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let flow = Flow::new(&app, &cast, 5).await;
    flow.queued(PLATFORM, true).await;
    flow.take("deposit-audit", true).await;
    flow.queued(PLATFORM, false).await;

    for (name, _) in walk(&cast).into_iter().skip(5).take(4) {
        flow.take(name, true).await;
    }
    let page = flow.page(PLATFORM).await;
    assert_eq!(page["data"][0]["step_id"], 10);
    assert_eq!(page["data"][0]["final_reception"]["amount"], 2000.0);
    flow.take("retainage-audit", false).await;
    flow.queued(PLATFORM, false).await;
    flow.take("retainage-voucher", true).await;
    flow.queued(PLATFORM, true).await;
    flow.take("retainage-audit", true).await;
    flow.take("cad-voucher", true).await;
    let page = flow.page(PLATFORM).await;
    assert_eq!(page["data"][0]["step_id"], 12);
    assert_variants(&page["data"][0]["cad_reception"]["photo"]);
    flow.take("cad-audit", true).await;
    flow.queued(PLATFORM, false).await;
}

#[tokio::test]
async fn choosing_a_first_draft_takes_the_eliminated_drafts_out_of_their_queues() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let colleague = designer_of(&app, &cast.company).await;
    let other = member(&app, &["company"], None).await;
    let stranger = designer_of(&app, &other).await;
    let late = designer_of(&app, &cast.company).await;
    let task = open_task(&app, &cast, 4).await;
    for designer in [&cast.designer, &colleague, &stranger, &late] {
        grabbed(&app, designer, task).await;
    }
    for designer in [&colleague, &stranger] {
        act(&app, designer, task, designer, "first-draft").await;
    }
    approved_first_draft(&app, &cast, task, &cast.designer).await;
    assert_eq!(listed(&app, &cast.company, COMPANY).await.1, 1);
    assert_eq!(listed(&app, &other, COMPANY).await.1, 1);

    choose_first_draft(&app, &cast, task, cast.designer.id, 1)
        .await
        .assert_ok(200);
    assert_eq!(listed(&app, &cast.company, COMPANY).await, (vec![], 0));
    assert_eq!(listed(&app, &other, COMPANY).await, (vec![], 0));
    for designer in [&colleague, &stranger, &late] {
        let body = body_of(&app, "first-draft", designer.id).await;
        step(&app, designer, task, designer.id, "first-draft", body)
            .await
            .assert_error(400, 10009);
    }
}

#[tokio::test]
async fn the_queues_are_for_their_auditors_only() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let path = page_of(PLATFORM, 1, 10);
    for who in [&cast.company, &cast.designer, &cast.customer] {
        let response = app.get(&path).token(&who.token).send().await;
        response.assert_error(403, 10010);
    }
    let path = page_of(COMPANY, 1, 10);
    for who in [&cast.admin, &cast.designer, &cast.customer] {
        let response = app.get(&path).token(&who.token).send().await;
        response.assert_error(403, 10010);
    }
    for path in [PLATFORM, COMPANY] {
        let path = page_of(path, 1, 10);
        app.get(&path).send().await.assert_error(401, 10001);
        let token = &cast.admin.token;
        let deep = path.replace("count=10", "count=101");
        let bad = app.get(&deep).token(token).send().await;
        bad.assert_error(400, 10000);
    }
}

#[tokio::test]
async fn processes_stored_before_the_queues_are_queued_by_the_backfill() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let old = Flow::new(&app, &cast, 2).await;
    let new = Flow::new(&app, &cast, 2).await.process;
    // The head of `old` as stored before the queues: no snapshot, no queue key, not
    // counted.
    let client = app.state.store().client();
    client
        .update_item()
        .table_name(&app.table)
        .key(
            "PK",
            AttributeValue::S(format!("DPROC#{}#{}", old.task, cast.designer.id)),
        )
        .key("SK", AttributeValue::S("PROCESS".into()))
        .update_expression(
            "REMOVE queue_counted, GSI1PK, GSI1SK, pending, title, designer, customer",
        )
        .send()
        .await
        .unwrap();
    client
        .update_item()
        .table_name(&app.table)
        .key("PK", AttributeValue::S("COUNTER".into()))
        .key(
            "SK",
            AttributeValue::S(format!("total#DAUDIT#COMPANY#{}", cast.company.id)),
        )
        .update_expression("ADD #v :minus")
        .expression_attribute_names("#v", "value")
        .expression_attribute_values(":minus", AttributeValue::N("-1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(listed(&app, &cast.company, COMPANY).await, (vec![new], 1));

    let operator = operator(&app);
    assert_eq!(
        operator.backfill_queues().await.unwrap().design_processes,
        1
    );
    assert_eq!(
        operator.backfill_queues().await.unwrap().design_processes,
        0,
        "idempotent"
    );
    let page = queue(&app, &cast.company.token, &page_of(COMPANY, 1, 10)).await;
    assert_eq!(
        (ids(&page), &page["total"]),
        (vec![new, old.process], &json!(2))
    );
    let item = &page["data"][1];
    assert_eq!(item["title"], "三居室现代简约设计");
    assert_eq!(item["customer"]["id"], cast.customer.id);
    assert!(item["designer"]["nickname"].is_string(), "{item}");
    assert_eq!(item["first_draft"]["deposit"], "2000.00");

    // Once counted, it moves like any other.
    old.take("first-draft-audit", true).await;
    assert_eq!(listed(&app, &cast.company, COMPANY).await, (vec![new], 1));
}

#[tokio::test]
async fn a_choice_racing_other_designers_uploads_leaves_no_eliminated_draft_queued() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let others = [
        designer_of(&app, &cast.company).await,
        designer_of(&app, &cast.company).await,
        designer_of(&app, &cast.company).await,
    ];
    let task = open_task(&app, &cast, 4).await;
    grabbed(&app, &cast.designer, task).await;
    for designer in &others {
        grabbed(&app, designer, task).await;
    }
    approved_first_draft(&app, &cast, task, &cast.designer).await;
    let mut bodies = Vec::new();
    for designer in &others {
        bodies.push(body_of(&app, "first-draft", designer.id).await);
    }

    let uploads = others
        .iter()
        .zip(bodies)
        .map(|(designer, body)| step(&app, designer, task, designer.id, "first-draft", body));
    let choice = choose_first_draft(&app, &cast, task, cast.designer.id, 1);
    let (chosen, uploaded) = tokio::join!(choice, futures::future::join_all(uploads));
    chosen.assert_ok(200);
    for response in &uploaded {
        assert!(
            response.status == 200 || response.body["code"] == 10009,
            "{:?}",
            response.body
        );
    }
    // Every draft that made it in was eliminated with the others: the queue is empty.
    assert_eq!(listed(&app, &cast.company, COMPANY).await, (vec![], 0));
}
