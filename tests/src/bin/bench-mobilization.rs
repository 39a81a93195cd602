//! Publishing a task to 1,000 and 10,000 members against DynamoDB Local, through the
//! router as a client would, next to the floor: a bare BatchWriteItem loop writing the
//! same number of items of the same size in the same run.
//!
//!     cargo run --release -p api-tests --bin bench-mobilization
//!
//! Uses `TEST_DYNAMODB_ENDPOINT` when set, else starts DynamoDB Local itself.

use std::time::{Duration, Instant};

use api_tests::app::TestApp;
use api_tests::mobilization::{cookie, login, pair, T0};
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use serde_json::{json, Value};

/// Members per run; the first run warms DynamoDB Local's JVM up and is not reported.
const SIZES: [u64; 3] = [1_000, 1_000, 10_000];

/// A directory with one office per size, holding that many members; the office's
/// commander is soldier `office * 1_000_000`.
fn directory(office: u64, members: u64) -> Value {
    let commander = office * 1_000_000;
    let (i_code, order_no) = pair(commander);
    let mut rows = vec![json!({
        "soldier_id": commander, "name": "指挥官", "phone": 13_800_000_000u64,
        "im_user_id": commander, "office_id": office, "is_admin": true,
        "i_code": i_code, "order_no": order_no,
    })];
    for k in 1..members {
        let id = commander + k;
        rows.push(json!({
            "soldier_id": id, "name": format!("民兵{k}"), "phone": 13_800_000_000u64 + k,
            "im_user_id": id, "office_id": office, "is_admin": false,
        }));
    }
    json!({
        "offices": [{"office_id": office, "name": format!("单位{office}"), "level": "D", "parent_id": null,
                     "places": [{"place_id": office, "place_name": "广场", "place_lat": 23.1, "place_lng": 113.2}]}],
        "members": rows,
    })
}

/// The floor: `count` items shaped like assignments, written by one BatchWriteItem call
/// after another (25 items each, retrying unprocessed items), no domain work.
async fn floor(app: &TestApp, count: u64, run: u64) -> Duration {
    let client = app.state.store().client();
    let table = app.state.store().table().to_owned();
    let started = Instant::now();
    let mut ids = 0..count;
    loop {
        let chunk: Vec<WriteRequest> = ids
            .by_ref()
            .take(25)
            .map(|i| {
                let item = [
                    ("PK", format!("FLOOR#{run}")),
                    ("SK", format!("ASSIGN#{i:020}")),
                    ("GSI1PK", format!("FLOOR#MINE#{i}")),
                    ("GSI1SK", format!("{run:020}")),
                    ("name", format!("民兵{i}")),
                    ("serve_office", "单位".to_owned()),
                    ("response", "UR".to_owned()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), AttributeValue::S(v)))
                .chain([
                    ("soldier_id".to_owned(), AttributeValue::N(i.to_string())),
                    (
                        "phone".to_owned(),
                        AttributeValue::N((13_800_000_000u64 + i).to_string()),
                    ),
                    ("im_user_id".to_owned(), AttributeValue::N(i.to_string())),
                    ("task_id".to_owned(), AttributeValue::N(run.to_string())),
                    ("group".to_owned(), AttributeValue::N("0".to_owned())),
                    ("checked_in".to_owned(), AttributeValue::Bool(false)),
                    ("is_admin".to_owned(), AttributeValue::Bool(false)),
                ])
                .collect();
                WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                    .build()
            })
            .collect();
        if chunk.is_empty() {
            break;
        }
        let mut pending = chunk;
        while !pending.is_empty() {
            let output = client
                .batch_write_item()
                .request_items(&table, pending)
                .send()
                .await
                .unwrap_or_else(|error| panic!("BatchWriteItem: {error:?}"));
            pending = output
                .unprocessed_items
                .and_then(|mut left| left.remove(&table))
                .unwrap_or_default();
        }
    }
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    println!("publishing a task to N members (DynamoDB Local, one table, same run)");
    println!(
        "{:>7} {:>11} {:>13} {:>11} {:>13} {:>7}",
        "members", "publish s", "items/s", "floor s", "floor items/s", "ratio"
    );
    for (office, members) in (1..).zip(SIZES) {
        let imported = app
            .put("/task/directory", directory(office, members))
            .token(&admin)
            .send()
            .await;
        assert_eq!(imported.status, 200, "{}", imported.body);
        app.set_now(T0);
        let token = login(&app, office * 1_000_000).await;
        let body = json!({
            "title": "集合", "mem_count": members,
            "gather_datetime": shared::time::format_datetime(T0 + 3600),
            "finish_datetime": shared::time::format_datetime(T0 + 7200),
            "place_id": office, "accept_office_ids": [office],
        });
        let started = Instant::now();
        let published = app
            .post("/task", body)
            .header("cookie", &cookie(&token))
            .send()
            .await;
        let publish = started.elapsed();
        assert_eq!(published.status, 201, "{}", published.body);
        let task_id = published.body["task_id"].as_u64().unwrap_or_default();
        let task = app.state.store().task(task_id).await.ok().flatten();
        assert_eq!(task.map(|t| t.notify_count), Some(members));
        let floor = floor(&app, members, office).await;
        let rate = |elapsed: Duration| members as f64 / elapsed.as_secs_f64();
        if office == 1 {
            continue;
        }
        println!(
            "{:>7} {:>11.3} {:>13.0} {:>11.3} {:>13.0} {:>7.2}",
            members,
            publish.as_secs_f64(),
            rate(publish),
            floor.as_secs_f64(),
            rate(floor),
            publish.as_secs_f64() / floor.as_secs_f64()
        );
    }
}
