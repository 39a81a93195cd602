//! Attacks on the mobilization routes' resources (OWASP API4, unrestricted resource
//! consumption) and on the meaning of a check-in, one test per attack, each named after
//! what it stops. A refusal answers 400 `{cnmsg}` (check-ins add `error_code`) and writes
//! nothing.

use api_tests::app::TestResponse;
use api_tests::mobilization::*;
use serde_json::{json, Value};

use crate::mobilization_tasks::{assert_status, haizhu_task, setup, Client, FINISH, GATHER};

/// DynamoDB operations that write.
const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

/// 海珠广场, the common place the test tasks gather at.
const HAIZHU_SQUARE: (f64, f64) = (23.116, 113.268);

/// Beijing, about 1,900 km from it.
const BEIJING: (f64, f64) = (39.9042, 116.4074);

fn position((lat, lng): (f64, f64)) -> Value {
    json!({ "lat": lat, "lng": lng })
}

/// A 400 in the mobilization format whose `cnmsg` starts with `start`, made with no write.
#[track_caller]
fn assert_refused(response: &TestResponse, calls: &[String], start: &str) {
    assert_eq!(response.status, 400, "{}", response.body);
    let body = response.body.as_object().expect("a JSON object");
    assert_eq!(body.len(), 1, "only cnmsg: {}", response.body);
    let message = body["cnmsg"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(start),
        "{message} should start with {start}"
    );
    assert_unwritten(calls);
}

#[track_caller]
fn assert_unwritten(calls: &[String]) {
    let writes: Vec<_> = calls
        .iter()
        .filter(|call| WRITES.contains(&call.as_str()))
        .collect();
    assert!(writes.is_empty(), "wrote: {calls:?}");
}

/// The calls of one request, sorted (reads run concurrently).
fn sorted(mut calls: Vec<String>) -> Vec<String> {
    calls.sort();
    calls
}

fn names(calls: &[(&str, usize)]) -> Vec<String> {
    calls
        .iter()
        .flat_map(|(name, times)| std::iter::repeat_n((*name).to_owned(), *times))
        .collect()
}

/// Reads `path` as `client`: its total and the DynamoDB calls it made.
async fn total_and_calls(client: &Client<'_>, path: &str) -> (u64, Vec<String>) {
    client.app.calls();
    let response = client.get(path).await;
    assert_status(&response, 200);
    let total = response.body["total_tasks"].as_u64().expect("total_tasks");
    (total, sorted(client.app.calls()))
}

#[tokio::test]
async fn counting_tasks_reads_no_more_than_a_counter() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let member = Client::of(&app, org_member(212, 1)).await;
    let publish = || district.publish(task_body(1, GATHER, FINISH, &[], &[212], &[]));
    publish().await;
    // Login (session, user link, member, directory), the due entries and the page (Query
    // each), the two counters, the page's tasks.
    let working = names(&[("BatchGetItem", 1), ("GetItem", 6), ("Query", 2)]);
    // The same without tasks to read.
    let done = names(&[("GetItem", 6), ("Query", 2)]);
    // Login, the member's counter, the page, its tasks.
    let mine = names(&[("BatchGetItem", 1), ("GetItem", 5), ("Query", 1)]);
    let reads = [
        ("/task/working/1/1", &district, 1, &working),
        ("/task/done/1/1", &district, 0, &done),
        ("/task/mine/1/1", &member, 1, &mine),
    ];
    for (path, client, total, calls) in reads {
        assert_eq!(total_and_calls(client, path).await, (total, calls.clone()));
    }
    for _ in 0..24 {
        publish().await;
    }
    // 25 tasks cost the same reads as one: the totals are counters, not counts.
    assert_eq!(
        total_and_calls(&district, "/task/working/1/1").await,
        (25, working.clone())
    );
    assert_eq!(
        total_and_calls(&district, "/task/done/1/1").await,
        (0, done.clone())
    );
    assert_eq!(total_and_calls(&member, "/task/mine/1/1").await, (25, mine));
    // Once they end, the first read counts them as done in one transaction; later reads
    // are counters again.
    app.set_now(FINISH);
    let (total, calls) = total_and_calls(&district, "/task/done/1/1").await;
    assert_eq!(total, 25);
    let mut counted = working.clone();
    counted.push("TransactWriteItems".into());
    assert_eq!(calls, sorted(counted));
    assert_eq!(
        total_and_calls(&district, "/task/done/1/1").await,
        (25, working)
    );
    assert_eq!(
        total_and_calls(&district, "/task/working/1/1").await,
        (0, done)
    );
}

#[tokio::test]
async fn paging_members_past_ten_thousand_is_refused() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 1, 212).await;
    let member = Client::of(&app, org_member(212, 1)).await;
    let member_page = "pc×pn: ";
    let list_page = "item_counts_per_page×cur_page: ";
    let cases = [
        (
            &district,
            format!("/task/detail/mem/{id}?pc=100&pn=101"),
            member_page,
        ),
        (
            &district,
            format!("/task/detail/mem/{id}?pn=101"),
            member_page,
        ),
        (
            &district,
            format!("/task/response/{id}?pc=100&pn=101"),
            member_page,
        ),
        (
            &district,
            format!("/task/gather/{id}?pc=50&pn=201"),
            member_page,
        ),
        (
            &district,
            format!("/task/response/{id}?pc=1&pn=10001"),
            member_page,
        ),
        (&district, "/task/working/100/101".to_owned(), list_page),
        (&district, "/task/done/10/1001".to_owned(), list_page),
        (&member, "/task/mine/100/101".to_owned(), list_page),
        (&member, "/task/mine/1/4294967295".to_owned(), list_page),
    ];
    for (client, path, start) in cases {
        app.calls();
        let response = client.get(&path).await;
        let calls = app.calls();
        assert_refused(&response, &calls, start);
        assert!(
            !calls.iter().any(|call| call == "Query"),
            "{path}: {calls:?}"
        );
    }
    // The deepest page allowed still answers.
    let deepest = district
        .get(&format!("/task/response/{id}?pc=100&pn=100"))
        .await;
    assert_status(&deepest, 200);
    assert_eq!(deepest.body["mem_list"], json!([]));
    assert_status(&district.get("/task/working/100/100").await, 200);
}

#[tokio::test]
async fn huge_member_page_is_refused() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 1, 211).await;
    let cases = [
        (format!("/task/detail/mem/{id}?pc=101"), "pc: "),
        (format!("/task/detail/mem/{id}?pc=1000000&pn=1"), "pc: "),
        (format!("/task/detail/mem/{id}?pc=0"), "pc: "),
        (format!("/task/response/{id}?pc=101&pn=1"), "pc: "),
        (format!("/task/gather/{id}?pc=10000&pn=1"), "pc: "),
        ("/task/working/101/1".to_owned(), "item_counts_per_page: "),
        ("/task/done/100000/1".to_owned(), "item_counts_per_page: "),
    ];
    for (path, start) in cases {
        app.calls();
        let response = district.get(&path).await;
        let calls = app.calls();
        assert_refused(&response, &calls, start);
        assert!(
            !calls.iter().any(|call| call == "Query"),
            "{path}: {calls:?}"
        );
    }
    // Without pc/pn (the seed sends neither) the first 100 members answer; pages follow.
    let all = district.get(&format!("/task/detail/mem/{id}")).await;
    assert_status(&all, 200);
    let members = |response: &TestResponse| {
        response.body["orgs"][0]["members"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(members(&all), 32, "16 of 211 and 16 of 212");
    assert_eq!(
        (
            all.body["total_mem"].clone(),
            all.body["total_pages"].clone()
        ),
        (json!(32), json!(1))
    );
    let last = district
        .get(&format!("/task/detail/mem/{id}?pc=10&pn=4"))
        .await;
    assert_status(&last, 200);
    assert_eq!(members(&last), 2);
    assert_eq!(last.body["total_pages"], 4);
}

#[tokio::test]
async fn storing_more_places_than_the_limit_is_refused() {
    let app = setup().await;
    let admin = app.admin_token().await;
    let places = |ids: std::ops::Range<u64>| {
        ids.map(|id| {
            json!({"place_id": id, "place_name": format!("地点{id}"), "place_lat": 23.1, "place_lng": 113.3})
        })
        .collect::<Vec<_>>()
    };
    let import = |places: Vec<Value>| {
        let body = json!({"offices": [{
            "office_id": HAIZHU, "name": "海珠区人武部", "level": "D", "parent_id": CITY,
            "places": places,
        }]});
        app.put("/task/directory", body).token(&admin).send()
    };
    // 海珠 holds one place: 50 more would make 51.
    app.calls();
    let response = import(places(100..150)).await;
    assert_refused(&response, &app.calls(), "offices[0].places: ");
    // 51 in one row are refused before anything is read.
    app.calls();
    let response = import(places(100..151)).await;
    assert_refused(&response, &app.calls(), "offices[0].places");
    // 49 more fill the unit; sending them again replaces them by id and adds none.
    assert_eq!(import(places(100..149)).await.status, 200);
    assert_eq!(import(places(100..149)).await.status, 200);
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let info = district.get("/task/info").await;
    assert_eq!(info.body["places"].as_array().map(Vec::len), Some(50));
    // A commander cannot create a 51st with place_id -1.
    let mut body = task_body(1, GATHER, FINISH, &[], &[212], &[]);
    body["place_id"] = json!(-1);
    body["place_name"] = json!("第五十一个地点");
    app.calls();
    let response = district.post("/task", body.clone()).await;
    assert_refused(&response, &app.calls(), "place_id: ");
    let info = district.get("/task/info").await;
    assert_eq!(info.body["places"].as_array().map(Vec::len), Some(50));
    assert_eq!(
        district.get("/task/working/10/1").await.body["total_tasks"],
        0
    );
    // Another unit still has room.
    let platoon = Client::of(&app, org_commander(211)).await;
    platoon.publish(body).await;
}

#[tokio::test]
async fn racing_to_store_places_past_the_limit_stores_exactly_the_limit() {
    let app = setup().await;
    let admin = app.admin_token().await;
    let places: Vec<Value> = (100..147)
        .map(|id| json!({"place_id": id, "place_name": format!("地点{id}")}))
        .collect();
    let body = json!({"offices": [{
        "office_id": HAIZHU, "name": "海珠区人武部", "level": "D", "parent_id": CITY,
        "places": places,
    }]});
    let imported = app.put("/task/directory", body).token(&admin).send().await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    // 48 held: of six new places sent at once, two fit.
    let answers = futures::future::join_all((0..6).map(|k| {
        let mut body = task_body(1, GATHER, FINISH, &[], &[212], &[]);
        body["place_id"] = json!(-1);
        body["place_name"] = json!(format!("新地点{k}"));
        district.post("/task", body)
    }))
    .await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let refused = answers
        .iter()
        .filter(|a| {
            a.status == 400
                && a.body["cnmsg"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("place_id: "))
        })
        .count();
    assert_eq!((created, refused), (2, 4), "{answers:?}");
    let info = district.get("/task/info").await;
    assert_eq!(info.body["places"].as_array().map(Vec::len), Some(50));
}

/// The 海珠区 commander's task to organisation 212 gathering at `gather`, ending an hour
/// later, accepted by `org_member(212, 1)`, who is returned logged in.
async fn accepted_task(
    app: &api_tests::app::TestApp,
    gather: i64,
) -> (Client<'_>, Client<'_>, u64) {
    let district = Client::of(app, office_commander(HAIZHU)).await;
    let id = district
        .publish(task_body(1, gather, gather + 3600, &[], &[212], &[]))
        .await;
    let member = Client::of(app, org_member(212, 1)).await;
    let accepted = member
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    assert_status(&accepted, 204);
    (district, member, id)
}

/// A refused check-in: its exact body, no write, and nobody shown as checked in.
async fn assert_check_in_refused(
    district: &Client<'_>,
    member: &Client<'_>,
    id: u64,
    sent: Value,
    expected: Value,
) {
    member.app.calls();
    let response = member.post(&format!("/task/checkin/{id}"), sent).await;
    let calls = member.app.calls();
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(response.body, expected);
    assert_unwritten(&calls);
    let gather = district.get(&format!("/task/gather/{id}?pc=10&pn=1")).await;
    assert_eq!(gather.body["check_count"], 0);
    assert_eq!(gather.body["mem_list"][0]["status"], "UN");
    assert!(gather.body["mem_list"][0].get("lat").is_none());
}

#[tokio::test]
async fn checking_in_a_day_early_is_refused() {
    let app = setup().await;
    let gather = T0 + 26 * 3600;
    let (district, member, id) = accepted_task(&app, gather).await;
    let early = json!({"cnmsg": "签到时间未到，集合前2小时开始签到", "error_code": 10027});
    assert_check_in_refused(
        &district,
        &member,
        id,
        position(HAIZHU_SQUARE),
        early.clone(),
    )
    .await;
    assert_check_in_refused(&district, &member, id, json!({}), early.clone()).await;
    app.set_now(gather - 2 * 3600 - 1);
    assert_check_in_refused(&district, &member, id, position(HAIZHU_SQUARE), early).await;
    // Two hours before gathering, check-ins open.
    app.set_now(gather - 2 * 3600);
    let opened = member
        .post(&format!("/task/checkin/{id}"), position(HAIZHU_SQUARE))
        .await;
    assert_status(&opened, 204);
}

#[tokio::test]
async fn checking_in_after_the_task_ended_is_refused() {
    let app = setup().await;
    let ended = json!({"cnmsg": "任务已结束", "error_code": 10027});
    // Past its end time.
    let (district, member, id) = accepted_task(&app, GATHER).await;
    app.set_now(GATHER + 3600);
    assert_check_in_refused(
        &district,
        &member,
        id,
        position(HAIZHU_SQUARE),
        ended.clone(),
    )
    .await;
    // Finished early by its launcher.
    app.set_now(T0);
    let (district, member, id) = accepted_task(&app, GATHER).await;
    app.set_now(T0 + 60);
    assert_status(
        &district.put("/task/finish", json!({"task_id": id})).await,
        204,
    );
    assert_check_in_refused(&district, &member, id, json!({}), ended).await;
}

#[tokio::test]
async fn checking_in_from_another_city_is_refused() {
    let app = setup().await;
    let (district, member, id) = accepted_task(&app, GATHER).await;
    let far = json!({"cnmsg": "签到失败", "error_code": 10028});
    assert_check_in_refused(&district, &member, id, position(BEIJING), far.clone()).await;
    // Just past the 2 km radius (0.019° of latitude is about 2.1 km).
    let beyond = (HAIZHU_SQUARE.0 + 0.019, HAIZHU_SQUARE.1);
    assert_check_in_refused(&district, &member, id, position(beyond), far).await;
}

#[tokio::test]
async fn checking_in_near_the_place_in_time_is_kept_and_shown() {
    let app = setup().await;
    let (district, member, id) = accepted_task(&app, GATHER).await;
    // About 1.4 km from the gathering place, an hour before gathering.
    let near = (HAIZHU_SQUARE.0 + 0.013, HAIZHU_SQUARE.1);
    let response = member
        .post(&format!("/task/checkin/{id}"), position(near))
        .await;
    assert_status(&response, 204);
    let gather = district.get(&format!("/task/gather/{id}?pc=10&pn=1")).await;
    assert_status(&gather, 200);
    assert_eq!(gather.body["check_count"], 1);
    let row = &gather.body["mem_list"][0];
    assert_eq!(row["soldier_id"], org_member(212, 1));
    assert_eq!(
        (
            row["status"].clone(),
            row["lat"].clone(),
            row["lng"].clone()
        ),
        (json!("CH"), json!(near.0), json!(near.1))
    );
    // A place without coordinates has no radius to check.
    let platoon = Client::of(&app, org_commander(211)).await;
    let mut body = task_body(1, GATHER, FINISH, &[], &[212], &[]);
    body["place_id"] = json!(-1);
    body["place_name"] = json!("待定地点");
    let unplaced = platoon.publish(body).await;
    member
        .post(
            &format!("/task/respond/{unplaced}"),
            json!({"accept": true}),
        )
        .await;
    let anywhere = member
        .post(&format!("/task/checkin/{unplaced}"), position(BEIJING))
        .await;
    assert_status(&anywhere, 204);
}
