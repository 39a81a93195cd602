//! Every sample in `events/` reaches what it is a sample of: each API Gateway event, with
//! real tokens minted here in place of `REPLACE_WITH_TOKEN`, goes through the route table
//! to the function its file name names and is answered by the route its `routeKey` names;
//! the S3 and table-stream samples run through the image pipeline's entries; the
//! failure-queue sample is an SQS event carrying a Lambda destination record of an S3
//! event. And every route and event source in `template.yaml` has a sample.

use std::collections::BTreeSet;

use api_tests::app::TestApp;
use api_tests::events::{
    events_dir, fill_tokens, function_names, function_of, kind, placeholders, read_events,
    template_event_sources, Kind, Tokens,
};
use api_tests::images::jpeg;
use api_tests::mobilization::{self, office_commander, CITY};
use api_tests::routes::{template_routes, CATCH_ALL, DEFAULT_ROUTE_KEY};
use aws_lambda_events::event::dynamodb::Event as TableEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::SqsEvent;
use image_variants::failures::DestinationRecord;
use image_variants::Outcome;
use serde_json::{json, Value};

use crate::files::{presign, put};

/// The file the S3 samples name: presigned and uploaded, its event not yet delivered.
struct Upload {
    id: u64,
    key: String,
    etag: String,
    size: usize,
}

/// A test app where the samples' ids mean something: the demo mobilization directory
/// (its city commander logs in for the cookie samples), the bootstrap admin as user 1
/// (the header-token samples), the pair `auth-token.json` signs in with, and file 1 of
/// user 1 uploaded but not yet processed (`uploads/1/1`, the S3 sample's key).
async fn sample_app() -> (TestApp, Upload) {
    let app = TestApp::new().await;
    mobilization::seed(&app).await;
    let admin = app.admin_token().await;
    // auth-token.json signs in with the local bootstrap pair; here it is a registered pair.
    app.post(
        "/v1/admin/credential",
        json!({ "i_code": "admin-local", "order_no": 20_260_101u64, "roles": [] }),
    )
    .token(&admin)
    .send()
    .await
    .assert_ok(201);
    let photo = jpeg(64, 48);
    let entry = presign(&app, &admin, "image/jpeg", photo.len()).await;
    let size = photo.len();
    let response = put(&entry, photo, &[]).await;
    assert_eq!(response.status(), 200, "the signed PUT failed");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let id = entry["id"].as_u64().unwrap();
    let key = app.state.store().file(id).await.unwrap().unwrap().key;
    let upload = Upload {
        id,
        key,
        etag,
        size,
    };
    (app, upload)
}

/// The routes that answer the seed's `getTaskProcess` body: `{process, message, status}`,
/// failures `{message, status}`.
const TASK_PROCESS_ROUTES: [&str; 2] = [
    "POST /getTaskProcess",
    "GET /v1/design/task/{id}/process/{designer_id}",
];

/// The shape of the answers of a route family: the homemaking envelope
/// `{error_code, message, data}`, the `getTaskProcess` body, or the mobilization client's
/// bare JSON and `{cnmsg}` failures (`/user`, `/task...`).
fn shape_problem(route_key: &str, status: u16, body: &Value) -> Option<String> {
    let path = route_key.split_once(' ').map_or("", |(_, path)| path);
    if TASK_PROCESS_ROUTES.contains(&route_key) {
        let shaped = body["message"].is_string()
            && body["status"].as_u64() == Some(u64::from(status))
            && (status != 200 || body["process"].is_object());
        return (!shaped)
            .then(|| "not the getTaskProcess body {process, message, status}".to_owned());
    }
    // The console's page and files answer in their own types; a missing file is 10008.
    if path.starts_with("/console") && status == 200 {
        return None;
    }
    let mobilization = path == "/user" || path.starts_with("/task");
    if mobilization {
        if status >= 400 {
            return (!body["cnmsg"].is_string())
                .then(|| "a mobilization failure without cnmsg".to_owned());
        }
        let bare = body.is_array() || body.is_null() || body.get("error_code").is_none();
        return (!bare).then(|| "a mobilization answer in the homemaking envelope".to_owned());
    }
    let code = body["error_code"].as_i64();
    let envelope = code.is_some()
        && body["message"].is_string()
        && (code != Some(0) || body.get("data").is_some());
    (!envelope).then(|| "not the {error_code, message, data} envelope".to_owned())
}

/// Sends one API Gateway sample and says what is wrong with where it went.
async fn check_http(app: &TestApp, wrapped: &str, function: &str, mut event: Value) -> Vec<String> {
    let mut problems = Vec::new();
    let route_key = event["routeKey"].as_str().unwrap_or_default().to_owned();
    if event["requestContext"]["routeKey"] != event["routeKey"] {
        problems.push("routeKey and requestContext.routeKey differ".to_owned());
    }
    if event["requestContext"]["http"]["path"] != event["rawPath"] {
        problems.push("rawPath and requestContext.http.path differ".to_owned());
    }
    let (in_cookies, elsewhere) = placeholders(&event);
    let header = if elsewhere {
        app.admin_token().await
    } else {
        String::new()
    };
    let cookie = if in_cookies {
        mobilization::login(app, office_commander(CITY)).await
    } else {
        String::new()
    };
    fill_tokens(
        &mut event,
        Tokens {
            header: &header,
            cookie: &cookie,
        },
    );
    let answer = match app.send_event(&event).await {
        Ok(answer) => answer,
        Err(problem) => return vec![problem],
    };
    let (status, body) = (answer.response.status, &answer.response.body);
    if answer.function.as_deref() != Some(function) {
        problems.push(format!("routed to {:?}, not {function}", answer.function));
    }
    if answer.route_key.as_deref() != Some(route_key.as_str()) {
        problems.push(format!("matched route {:?}", answer.route_key));
    }
    if status >= 500 {
        problems.push("a server error".to_owned());
    }
    let (method, path) = route_key.split_once(' ').unwrap_or(("", ""));
    if route_key == DEFAULT_ROUTE_KEY {
        // The $default sample is a path a route takes once its slashes are collapsed.
        if matches!(status, 404 | 405) {
            problems.push("the catch-all found no route for it".to_owned());
        }
    } else {
        if event["requestContext"]["http"]["method"] != method {
            problems.push("its method is not its routeKey's".to_owned());
        }
        match answer.served_by.as_deref() {
            Some(served) if served == path => {}
            Some(served) => problems.push(format!("served by the route {served}")),
            // Only the function that collapses slashes matches inside a wrapper; its
            // fallback answers 404 (or 308 to a collapsed path), which its routes here
            // must not.
            None if function == wrapped && !matches!(status, 404 | 405 | 308) => {}
            None => problems.push("answered by the router's fallback".to_owned()),
        }
        if let Some(problem) = shape_problem(&route_key, status, body) {
            problems.push(problem);
        }
    }
    if elsewhere && status == 401 {
        problems.push("the minted token was refused".to_owned());
    }
    if in_cookies && status == 302 {
        problems.push("the minted login cookie was refused".to_owned());
    }
    problems
        .into_iter()
        .map(|problem| format!("{problem} (answered {status}: {body})"))
        .collect()
}

/// Runs an S3 sample through the pipeline's entry; its object is the prepared upload, whose
/// ETag and size stand in for the sample's.
async fn check_s3(app: &TestApp, upload: &Upload, mut event: Value) -> Vec<String> {
    let key = event["Records"][0]["s3"]["object"]["key"].clone();
    if key != upload.key {
        return vec![format!(
            "names {key}, not the upload this test prepares ({})",
            upload.key
        )];
    }
    event["Records"][0]["s3"]["object"]["eTag"] = json!(upload.etag.trim_matches('"'));
    event["Records"][0]["s3"]["object"]["size"] = json!(upload.size);
    let records: S3Event = match serde_json::from_value(event) {
        Ok(records) => records,
        Err(error) => return vec![format!("not an S3 event: {error}")],
    };
    match image_variants::handle(&app.state, records, "sample").await {
        Ok(outcomes) if outcomes == [Outcome::Ready { id: upload.id }] => Vec::new(),
        other => vec![format!(
            "the pipeline answered {other:?}, not file {} ready",
            upload.id
        )],
    }
}

/// Runs a table-stream sample through the pipeline's expiry entry: every record is a TTL
/// removal of a file record, and its variants go.
async fn check_table(app: &TestApp, event: Value) -> Vec<String> {
    let records: TableEvent = match serde_json::from_value(event) {
        Ok(records) => records,
        Err(error) => return vec![format!("not a DynamoDB stream event: {error}")],
    };
    let count = records.records.len();
    match image_variants::handle_expired(&app.state, records).await {
        Ok(outcomes)
            if count > 0
                && outcomes.len() == count
                && outcomes
                    .iter()
                    .all(|outcome| matches!(outcome, Outcome::Expired { .. })) =>
        {
            Vec::new()
        }
        other => vec![format!(
            "the expiry answered {other:?} for {count} records, not one expiry each"
        )],
    }
}

/// An SQS sample: each message body a Lambda destination record whose request payload is
/// the S3 event that exhausted its retries, run through the failure queue's entry. Its
/// key names no file of the test app (the S3 sample's upload must stay pending for it), so
/// each record is read and answered, and no message is kept.
async fn check_sqs(app: &TestApp, event: Value) -> Vec<String> {
    let messages: SqsEvent = match serde_json::from_value(event) {
        Ok(messages) => messages,
        Err(error) => return vec![format!("not an SQS event: {error}")],
    };
    let mut problems = Vec::new();
    let mut records = 0;
    for message in &messages.records {
        if message.event_source.as_deref() != Some("aws:sqs") {
            problems.push(format!("eventSource {:?}", message.event_source));
        }
        let body =
            serde_json::from_str::<DestinationRecord>(message.body.as_deref().unwrap_or_default());
        match body {
            Ok(record) => records += record.request_payload.records.len(),
            Err(error) => {
                problems.push(format!("a body that is not a destination record: {error}"))
            }
        }
    }
    match image_variants::handle_failed(&app.state, messages).await {
        Ok((kept, outcomes))
            if kept.batch_item_failures.is_empty() && outcomes.len() == records && records > 0 => {}
        other => problems.push(format!(
            "the failure queue's entry answered {other:?} for {records} records"
        )),
    }
    problems
}

#[tokio::test]
async fn every_sample_event_reaches_its_route_or_handler() {
    let (app, upload) = sample_app().await;
    let functions = function_names().unwrap();
    let routes = template_routes().unwrap();
    let wrapped = routes
        .iter()
        .find(|route| route.path == CATCH_ALL)
        .map(|route| route.function.clone())
        .unwrap_or_default();
    let samples = read_events(&events_dir()).unwrap();
    assert!(!samples.is_empty());
    let mut problems = Vec::new();
    for (name, event) in samples {
        let Some(function) = function_of(&name, &functions) else {
            problems.push(format!("{name}: its name starts with no function's name"));
            continue;
        };
        let found = match kind(&event) {
            Some(Kind::Http) => check_http(&app, &wrapped, function, event).await,
            Some(Kind::S3) => check_s3(&app, &upload, event).await,
            Some(Kind::Table) => check_table(&app, event).await,
            Some(Kind::Sqs) => check_sqs(&app, event).await,
            None => vec![
                "neither an API Gateway v2 event (routeKey) nor S3, DynamoDB stream or SQS \
                 records: teach api_tests::events::kind and this test what it is"
                    .to_owned(),
            ],
        };
        problems.extend(
            found
                .into_iter()
                .map(|problem| format!("{name}: {problem}")),
        );
    }
    assert!(problems.is_empty(), "samples: {problems:#?}");
}

#[test]
fn every_route_and_event_source_has_a_sample() {
    let functions = function_names().unwrap();
    let samples = read_events(&events_dir()).unwrap();
    let mut covered = BTreeSet::new();
    for (name, event) in &samples {
        let (Some(function), Some(kind)) = (function_of(name, &functions), kind(event)) else {
            continue;
        };
        let route_key = event["routeKey"].as_str().unwrap_or_default();
        covered.insert((
            function.to_owned(),
            kind.template_type(),
            route_key.to_owned(),
        ));
    }
    let mut wanted = BTreeSet::new();
    for route in template_routes().unwrap() {
        let route_key = if route.path == CATCH_ALL {
            DEFAULT_ROUTE_KEY.to_owned()
        } else {
            format!("{} {}", route.method, route.path)
        };
        wanted.insert((route.function, "HttpApi", route_key));
    }
    let sources = template_event_sources().unwrap();
    for (function, source) in &sources {
        let kind = [Kind::S3, Kind::Table, Kind::Sqs]
            .into_iter()
            .find(|kind| kind.template_type() == source)
            .unwrap_or_else(|| panic!("{function}: no sample kind for {source} events"));
        wanted.insert((function.clone(), kind.template_type(), String::new()));
    }
    let missing: Vec<String> = wanted
        .difference(&covered)
        .map(|(function, source, route_key)| format!("{function}: {source} {route_key}"))
        .collect();
    assert!(
        missing.is_empty(),
        "template.yaml routes and event sources without a sample in events/: {missing:#?}"
    );
}
