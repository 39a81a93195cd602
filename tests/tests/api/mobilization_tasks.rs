//! Mobilization tasks: publishing, scope, responses, check-ins, counters, status over
//! time, finishing and the lists.

use api_tests::app::{TestApp, TestResponse};
use api_tests::mobilization::*;
use serde_json::{json, Value};

/// A member logged in through `POST /user`, calling with their cookie.
pub(crate) struct Client<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) cookie: String,
}

impl<'a> Client<'a> {
    pub(crate) async fn of(app: &'a TestApp, soldier_id: u64) -> Client<'a> {
        let token = login(app, soldier_id).await;
        Client {
            app,
            cookie: cookie(&token),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> TestResponse {
        self.app
            .get(path)
            .header("cookie", &self.cookie)
            .send()
            .await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.app
            .post(path, body)
            .header("cookie", &self.cookie)
            .send()
            .await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> TestResponse {
        self.app
            .put(path, body)
            .header("cookie", &self.cookie)
            .send()
            .await
    }

    pub(crate) async fn publish(&self, body: Value) -> u64 {
        let response = self.post("/task", body).await;
        assert_eq!(response.status, 201, "{}", response.body);
        response.body["task_id"].as_u64().unwrap()
    }
}

#[track_caller]
pub(crate) fn assert_status(response: &TestResponse, status: u16) {
    assert_eq!(response.status, status, "{}", response.body);
    if status >= 400 {
        assert!(response.body["cnmsg"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

/// A fresh app with the demo directory, frozen at [`T0`].
pub(crate) async fn setup() -> TestApp {
    let app = TestApp::new().await;
    seed(&app).await;
    app.set_now(T0);
    app
}

pub(crate) const GATHER: i64 = T0 + 3600;
pub(crate) const FINISH: i64 = T0 + 7200;

/// The 海珠区 commander, logged in, and a task they published to organisation `org`.
pub(crate) async fn haizhu_task(app: &TestApp, mem_count: u64, org: u64) -> (Client<'_>, u64) {
    let district = Client::of(app, office_commander(HAIZHU)).await;
    let id = district
        .publish(task_body(mem_count, GATHER, FINISH, &[], &[org], &[]))
        .await;
    (district, id)
}

#[tokio::test]
async fn publish_answers_201_and_the_detail_reads_like_the_seed() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 10, 211).await;
    let detail = district.get(&format!("/task/detail/{id}")).await;
    assert_status(&detail, 200);
    assert_eq!(
        detail.body,
        json!({
            "task_id": id,
            "title": "消防演习",
            "launch_admin": "海珠区人武部",
            "launch_datetime": shared::time::format_datetime(T0),
            "gather_datetime": shared::time::format_datetime(GATHER),
            "finish_datetime": shared::time::format_datetime(FINISH),
            "gather_place": "海珠广场",
            "place_lat": 23.116,
            "place_lng": 113.268,
            "mem_count": 10,
            "content": "带好装备",
            "status": "zj",
            "detail": 0.0,
            "is_launcher": true,
        })
    );
}

#[tokio::test]
async fn publish_validation_failures_are_400() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let mut bad_place = task_body(1, GATHER, FINISH, &[], &[211], &[]);
    bad_place["place_id"] = json!(3);
    let mut no_name = task_body(1, GATHER, FINISH, &[], &[211], &[]);
    no_name["place_id"] = json!(-1);
    let cases = [
        (task_body(1, GATHER, FINISH, &[], &[], &[]), "accept_"),
        (task_body(0, GATHER, FINISH, &[], &[211], &[]), "mem_count"),
        (
            task_body(1, FINISH + 1, FINISH, &[], &[211], &[]),
            "gather_datetime",
        ),
        (
            task_body(1, T0 - 10, T0, &[], &[211], &[]),
            "finish_datetime",
        ),
        (
            task_body(1, GATHER, FINISH, &[], &[4242], &[]),
            "accept_org_ids[0]",
        ),
        (
            task_body(1, GATHER, FINISH, &[], &[], &[4242]),
            "accept_soldr_ids[0]",
        ),
        (json!({"title": "x"}), "mem_count"),
        (bad_place, "place_id"),
        (no_name, "place_name"),
    ];
    for (body, field) in cases {
        let response = district.post("/task", body).await;
        assert_status(&response, 400);
        let message = response.body["cnmsg"].as_str().unwrap();
        assert!(message.contains(field), "{message} should name {field}");
    }
    let malformed = app
        .request(axum::http::Method::POST, "/task")
        .header("cookie", &district.cookie)
        .header("content-type", "application/json")
        .raw_body(b"{\"title\":")
        .send()
        .await;
    assert_status(&malformed, 400);
}

#[tokio::test]
async fn only_commanders_publish_and_only_within_their_scope() {
    let app = setup().await;
    let plain = Client::of(&app, org_member(211, 1)).await;
    let refused = plain
        .post("/task", task_body(1, GATHER, FINISH, &[], &[211], &[]))
        .await;
    assert_status(&refused, 403);
    let tianhe = Client::of(&app, office_commander(TIANHE)).await;
    for body in [
        task_body(1, GATHER, FINISH, &[], &[211], &[]),
        task_body(1, GATHER, FINISH, &[HAIZHU], &[], &[]),
        task_body(1, GATHER, FINISH, &[], &[], &[org_member(211, 2)]),
    ] {
        assert_status(&tianhe.post("/task", body).await, 403);
    }
    let org = Client::of(&app, org_commander(212)).await;
    assert_status(
        &org.post("/task", task_body(1, GATHER, FINISH, &[], &[211], &[]))
            .await,
        403,
    );
}

#[tokio::test]
async fn a_new_place_becomes_a_common_place_of_the_launching_unit() {
    let app = setup().await;
    let org = Client::of(&app, org_commander(211)).await;
    let mut body = task_body(1, GATHER, FINISH, &[], &[212], &[]);
    body["place_id"] = json!(-1);
    body["place_name"] = json!("新天地");
    body["place_lat"] = json!(39.07151);
    body["place_lng"] = json!(117.190091);
    let id = org.publish(body).await;
    let info = org.get("/task/info").await;
    let places = info.body["places"].as_array().unwrap();
    assert_eq!(places.len(), 1);
    assert_eq!(places[0]["place_name"], "新天地");
    assert!(places[0]["place_id"].as_u64().unwrap() >= 1_000_000_000);
    let detail = org.get(&format!("/task/detail/{id}")).await;
    assert_eq!(detail.body["gather_place"], "新天地");
}

#[tokio::test]
async fn targets_reach_each_person_once_grouped_as_chosen() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let id = district
        .publish(task_body(
            5,
            GATHER,
            FINISH,
            &[21],
            &[211, 201],
            &[org_member(211, 1), office_member(2, 1)],
        ))
        .await;
    let members = district.get(&format!("/task/detail/mem/{id}")).await;
    assert_status(&members, 200);
    let offices = members.body["offices"].as_array().unwrap();
    assert_eq!(offices.len(), 1);
    assert_eq!(
        (
            offices[0]["name"].clone(),
            offices[0]["office_level"].clone()
        ),
        (json!("第21街道武装部"), json!("S"))
    );
    assert_eq!(offices[0]["members"].as_array().unwrap().len(), 6 + 16 + 16);
    let orgs = members.body["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(
        orgs[0]["members"],
        json!([]),
        "org 211 is already reached through office 21"
    );
    assert_eq!(orgs[1]["name"], "201民兵连");
    assert_eq!(orgs[1]["org_level"], "D");
    assert_eq!(orgs[1]["members"].as_array().unwrap().len(), 16);
    assert_eq!(orgs[1]["members"][0]["is_admin"], true);
    assert!(orgs[1]["members"][1].get("is_admin").is_none());
    let indiv = members.body["indiv"].as_array().unwrap();
    assert_eq!(indiv.len(), 1);
    assert_eq!(indiv[0]["soldier_id"], office_member(2, 1));
    assert_eq!(indiv[0]["serve_office"], "海珠区人武部");
    let responses = district
        .get(&format!("/task/response/{id}?pc=100&pn=1"))
        .await;
    assert_eq!(responses.body["notify_count"], 6 + 32 + 16 + 1);
}

#[tokio::test]
async fn other_branches_cannot_see_or_finish_a_task() {
    let app = setup().await;
    let (_, id) = haizhu_task(&app, 1, 211).await;
    let tianhe = Client::of(&app, office_commander(TIANHE)).await;
    for path in [
        format!("/task/detail/{id}"),
        format!("/task/detail/mem/{id}"),
        format!("/task/response/{id}?pc=10&pn=1"),
        format!("/task/gather/{id}?pc=10&pn=1"),
    ] {
        assert_status(&tianhe.get(&path).await, 403);
    }
    assert_status(
        &tianhe.put("/task/finish", json!({"task_id": id})).await,
        403,
    );
    let working = tianhe.get("/task/working/10/1").await;
    assert_eq!(working.body["total_tasks"], 0);
    let city = Client::of(&app, office_commander(CITY)).await;
    let working = city.get("/task/working/10/1").await;
    assert_eq!(working.body["total_tasks"], 1);
    assert_eq!(working.body["data"][0]["task_id"], id);
    let detail = city.get(&format!("/task/detail/{id}")).await;
    assert_status(&detail, 200);
    assert!(detail.body.get("is_launcher").is_none());
    assert_status(&city.put("/task/finish", json!({"task_id": id})).await, 403);
    let target = Client::of(&app, org_member(211, 3)).await;
    assert_status(&target.get(&format!("/task/detail/{id}")).await, 200);
    assert_status(&target.get(&format!("/task/detail/mem/{id}")).await, 403);
    assert_status(&city.get("/task/detail/999999").await, 404);
    assert_status(&city.get("/task/detail/abc").await, 400);
    assert_status(
        &city.put("/task/finish", json!({"task_id": 999999})).await,
        404,
    );
}

#[tokio::test]
async fn responses_happen_once_and_only_by_targets() {
    let app = setup().await;
    // 212 has no organisation below it: the task reaches its 16 members.
    let (district, id) = haizhu_task(&app, 2, 212).await;
    let member = Client::of(&app, org_member(212, 1)).await;
    app.set_now(T0 + 90);
    assert_status(
        &member
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await,
        204,
    );
    assert_status(
        &member
            .post(&format!("/task/respond/{id}"), json!({"accept": false}))
            .await,
        400,
    );
    let refuser = Client::of(&app, org_member(212, 2)).await;
    app.set_now(T0 + 30);
    assert_status(
        &refuser
            .post(&format!("/task/respond/{id}"), json!({"accept": false}))
            .await,
        204,
    );
    let outsider = Client::of(&app, org_member(311, 1)).await;
    assert_status(
        &outsider
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await,
        403,
    );
    assert_status(
        &member
            .post(&format!("/task/respond/{id}"), json!({"accept": "yes"}))
            .await,
        400,
    );
    assert_status(
        &member
            .post("/task/respond/999999", json!({"accept": true}))
            .await,
        404,
    );
    let responses = district
        .get(&format!("/task/response/{id}?pc=2&pn=1"))
        .await;
    assert_status(&responses, 200);
    let body = &responses.body;
    assert_eq!(
        (
            body["notify_count"].clone(),
            body["response_count"].clone(),
            body["accept_count"].clone()
        ),
        (json!(16), json!(2), json!(1))
    );
    assert_eq!(body["avg_resp_time"], "00:01:00");
    assert_eq!(
        (body["total_mem"].clone(), body["total_pages"].clone()),
        (json!(16), json!(8))
    );
    let list = body["mem_list"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["soldier_id"], org_commander(212));
    assert_eq!(list[0]["status"], "UR");
    assert!(list[0].get("resp_time").is_none());
    assert_eq!(list[1]["soldier_id"], org_member(212, 1));
    assert_eq!(list[1]["status"], "AC");
    assert_eq!(list[1]["resp_time"], shared::time::format_datetime(T0 + 90));
    assert_eq!(list[1]["phone"], 13_800_000_000u64 + org_member(212, 1));
    assert_eq!(list[1]["im_user_id"], 700_000 + org_member(212, 1));
    assert_eq!(list[1]["serve_office"], "212民兵连");
    let second = district
        .get(&format!("/task/response/{id}?pc=2&pn=2"))
        .await;
    assert_eq!(second.body["mem_list"][0]["soldier_id"], org_member(212, 2));
    assert_eq!(second.body["mem_list"][0]["status"], "RF");
    let last = district
        .get(&format!("/task/response/{id}?pc=2&pn=8"))
        .await;
    assert_eq!(last.body["mem_list"][1]["soldier_id"], org_member(212, 15));
    assert_status(
        &district
            .get(&format!("/task/response/{id}?pc=0&pn=1"))
            .await,
        400,
    );
    assert_status(
        &district.get(&format!("/task/gather/{id}?pc=10")).await,
        400,
    );
    assert_status(&district.get("/task/working/0/1").await, 400);
    assert_status(&district.get("/task/done/10/x").await, 400);
}

#[tokio::test]
async fn check_in_needs_an_accepted_running_task_and_happens_once() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 2, 211).await;
    let member = Client::of(&app, org_member(211, 1)).await;
    let check_in = format!("/task/checkin/{id}");
    let unread = member.post(&check_in, json!({})).await;
    assert_status(&unread, 400);
    assert_eq!(unread.body["error_code"], 10027);
    let refuser = Client::of(&app, org_member(211, 2)).await;
    refuser
        .post(&format!("/task/respond/{id}"), json!({"accept": false}))
        .await;
    assert_eq!(
        refuser.post(&check_in, json!({})).await.body["error_code"],
        10027
    );
    member
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    assert_status(
        &member
            .post(&check_in, json!({"lat": 91, "lng": 113.2}))
            .await,
        400,
    );
    assert_status(
        &member
            .post(&check_in, json!({"lat": 23.117, "lng": 113.269}))
            .await,
        204,
    );
    let twice = member.post(&check_in, json!({})).await;
    assert_status(&twice, 400);
    assert_eq!(
        twice.body,
        json!({"cnmsg": "重复签到", "error_code": 10026})
    );
    let outsider = Client::of(&app, org_member(311, 1)).await;
    assert_status(&outsider.post(&check_in, json!({})).await, 403);
    let gather = district.get(&format!("/task/gather/{id}?pc=10&pn=1")).await;
    assert_status(&gather, 200);
    assert_eq!(gather.body["check_count"], 1);
    assert_eq!(gather.body["total_mem"], 1);
    assert_eq!(gather.body["mem_list"][0]["status"], "CH");
    assert_eq!(
        (
            gather.body["mem_list"][0]["lat"].clone(),
            gather.body["mem_list"][0]["lng"].clone()
        ),
        (json!(23.117), json!(113.269)),
        "the position the check-in was sent with"
    );
    let late = Client::of(&app, org_member(211, 3)).await;
    late.post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    app.set_now(FINISH);
    let over = late.post(&check_in, json!({})).await;
    assert_status(&over, 400);
    assert_eq!(over.body["error_code"], 10027);
    assert_status(
        &Client::of(&app, org_member(211, 4))
            .await
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await,
        400,
    );
}

#[tokio::test]
async fn fifty_concurrent_check_ins_make_exactly_one() {
    let app = setup().await;
    let (_, id) = haizhu_task(&app, 1, 211).await;
    let member = Client::of(&app, org_member(211, 1)).await;
    member
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    let path = format!("/task/checkin/{id}");
    let answers = futures::future::join_all((0..50).map(|_| member.post(&path, json!({})))).await;
    let successes = answers.iter().filter(|a| a.status == 204).count();
    let duplicates = answers
        .iter()
        .filter(|a| a.status == 400 && a.body["error_code"] == 10026)
        .count();
    assert_eq!((successes, duplicates), (1, 49));
    let task = app.state.store().task(id).await.unwrap().unwrap();
    assert_eq!(task.check_count, 1);
}

#[tokio::test]
async fn counters_equal_a_recount_of_the_assignments() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let id = district
        .publish(task_body(3, GATHER, FINISH, &[], &[211, 212], &[]))
        .await;
    let mut members = Vec::new();
    for k in 1..=6 {
        members.push(Client::of(&app, org_member(211, k)).await);
        members.push(Client::of(&app, org_member(212, k)).await);
    }
    let respond_path = format!("/task/respond/{id}");
    let check_path = format!("/task/checkin/{id}");
    let respond = futures::future::join_all(
        members
            .iter()
            .enumerate()
            .map(|(i, m)| m.post(&respond_path, json!({"accept": i % 3 != 0}))),
    )
    .await;
    assert!(respond.iter().all(|r| r.status == 204));
    let checks =
        futures::future::join_all(members.iter().map(|m| m.post(&check_path, json!({})))).await;
    assert_eq!(checks.iter().filter(|r| r.status == 204).count(), 8);
    let store = app.state.store();
    let task = store.task(id).await.unwrap().unwrap();
    let assignments = store.assignments(id, usize::MAX).await.unwrap();
    use shared::mobilization::assignment::Response;
    assert_eq!(task.notify_count, assignments.len() as u64);
    assert_eq!(
        task.response_count,
        assignments
            .iter()
            .filter(|a| a.response != Response::UR)
            .count() as u64
    );
    assert_eq!(
        task.accept_count,
        assignments
            .iter()
            .filter(|a| a.response == Response::AC)
            .count() as u64
    );
    assert_eq!(
        task.check_count,
        assignments.iter().filter(|a| a.checked_in).count() as u64
    );
    assert_eq!(
        (task.response_count, task.accept_count, task.check_count),
        (12, 8, 8)
    );
}

#[tokio::test]
async fn status_moves_from_recruiting_to_gathering_to_executing_to_done() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 2, 211).await;
    let row = |response: &TestResponse| response.body["data"][0].clone();
    let working = district.get("/task/working/10/1").await;
    assert_eq!(
        (
            row(&working)["status"].clone(),
            row(&working)["detail"].clone()
        ),
        (json!("zj"), json!(0.0))
    );
    let first = Client::of(&app, org_member(211, 1)).await;
    let second = Client::of(&app, org_member(211, 2)).await;
    first
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    let working = district.get("/task/working/10/1").await;
    assert_eq!(
        (
            row(&working)["status"].clone(),
            row(&working)["detail"].clone()
        ),
        (json!("zj"), json!(0.5))
    );
    second
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    first.post(&format!("/task/checkin/{id}"), json!({})).await;
    let working = district.get("/task/working/10/1").await;
    assert_eq!(
        (
            row(&working)["status"].clone(),
            row(&working)["detail"].clone()
        ),
        (json!("jh"), json!(0.5))
    );
    assert_eq!(row(&working)["gather_place"], "海珠广场");
    app.set_now(GATHER);
    let working = district.get("/task/working/10/1").await;
    assert_eq!(row(&working)["status"], "zx");
    assert!(row(&working).get("detail").is_none());
    let detail = district.get(&format!("/task/detail/{id}")).await;
    assert_eq!(detail.body["status"], "zx");
    assert!(detail.body.get("detail").is_none());
    app.set_now(FINISH);
    let working = district.get("/task/working/10/1").await;
    assert_eq!(
        (
            working.body["total_tasks"].clone(),
            working.body["data"].clone()
        ),
        (json!(0), json!([]))
    );
    let done = district.get("/task/done/10/1").await;
    assert_eq!(done.body["total_tasks"], 1);
    let finished = row(&done);
    assert_eq!(
        (
            finished["response_count"].clone(),
            finished["accept_count"].clone(),
            finished["check_count"].clone()
        ),
        (json!(2), json!(2), json!(1))
    );
    assert_eq!(
        finished["finish_datetime"],
        shared::time::format_datetime(FINISH)
    );
    assert!(finished.get("status").is_none());
    let detail = district.get(&format!("/task/detail/{id}")).await;
    for field in ["status", "detail", "is_launcher"] {
        assert!(
            detail.body.get(field).is_none(),
            "{field} in {}",
            detail.body
        );
    }
}

#[tokio::test]
async fn finishing_is_for_the_launcher_once() {
    let app = setup().await;
    let org = Client::of(&app, org_commander(211)).await;
    let id = org
        .publish(task_body(1, GATHER, FINISH, &[], &[212], &[]))
        .await;
    let other = org
        .publish(task_body(1, GATHER, FINISH, &[], &[211], &[]))
        .await;
    app.set_now(T0 + 60);
    assert_status(&org.put("/task/finish", json!({"task_id": id})).await, 204);
    assert_status(&org.put("/task/finish", json!({"task_id": id})).await, 400);
    assert_status(&org.put("/task/finish", json!({"task_id": "x"})).await, 400);
    let working = org.get("/task/working/10/1").await;
    assert_eq!(working.body["total_tasks"], 1);
    assert_eq!(working.body["data"][0]["task_id"], other);
    let done = org.get("/task/done/10/1").await;
    assert_eq!(done.body["data"][0]["task_id"], id);
    assert_eq!(
        done.body["data"][0]["finish_datetime"],
        shared::time::format_datetime(T0 + 60)
    );
    let street = Client::of(&app, office_commander(21)).await;
    let done = street.get("/task/done/10/1").await;
    assert_eq!(
        (
            done.body["total_tasks"].clone(),
            done.body["total_pages"].clone()
        ),
        (json!(1), json!(1))
    );
    let target = Client::of(&app, org_member(212, 1)).await;
    assert_status(
        &target
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await,
        400,
    );
}

#[tokio::test]
async fn lists_page_newest_first() {
    let app = setup().await;
    let street = Client::of(&app, office_commander(21)).await;
    let mut ids = Vec::new();
    for minutes in 1..=3 {
        ids.push(
            street
                .publish(task_body(
                    1,
                    GATHER,
                    FINISH + minutes * 60,
                    &[],
                    &[211],
                    &[],
                ))
                .await,
        );
    }
    let first = street.get("/task/working/2/1").await;
    assert_eq!(
        (
            first.body["total_tasks"].clone(),
            first.body["total_pages"].clone()
        ),
        (json!(3), json!(2))
    );
    assert_eq!(first.body["data"][0]["task_id"], ids[2]);
    assert_eq!(first.body["data"][1]["task_id"], ids[1]);
    let second = street.get("/task/working/2/2").await;
    assert_eq!(second.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(second.body["data"][0]["task_id"], ids[0]);
}

#[tokio::test]
async fn a_member_lists_the_tasks_sent_to_them() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let first = district
        .publish(task_body(1, GATHER, FINISH, &[], &[211], &[]))
        .await;
    let second = district
        .publish(task_body(1, GATHER, FINISH, &[21], &[], &[]))
        .await;
    let member = Client::of(&app, org_member(211, 1)).await;
    member
        .post(&format!("/task/respond/{first}"), json!({"accept": true}))
        .await;
    member
        .post(&format!("/task/checkin/{first}"), json!({}))
        .await;
    let mine = member.get("/task/mine/10/1").await;
    assert_status(&mine, 200);
    assert_eq!(mine.body["total_tasks"], 2);
    let data = mine.body["data"].as_array().unwrap();
    assert_eq!(data[0]["task_id"], second);
    assert_eq!(
        (data[0]["status"].clone(), data[0]["checked_in"].clone()),
        (json!("UR"), json!(false))
    );
    assert_eq!(
        (
            data[1]["status"].clone(),
            data[1]["checked_in"].clone(),
            data[1]["done"].clone()
        ),
        (json!("AC"), json!(true), json!(false))
    );
    assert_eq!(data[1]["gather_place"], "海珠广场");
    let outsider = Client::of(&app, org_member(311, 1)).await;
    assert_eq!(outsider.get("/task/mine/10/1").await.body["total_tasks"], 0);
}

#[tokio::test]
async fn lists_are_queries_never_scans() {
    let app = setup().await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let id = district
        .publish(task_body(1, GATHER, FINISH, &[HAIZHU], &[], &[]))
        .await;
    app.calls();
    for path in [
        "/task/working/10/1".to_owned(),
        "/task/done/10/1".to_owned(),
        format!("/task/response/{id}?pc=10&pn=1"),
        format!("/task/gather/{id}?pc=10&pn=1"),
        "/task/orgs".to_owned(),
    ] {
        assert_status(&district.get(&path).await, 200);
    }
    let calls = app.calls();
    assert!(!calls.iter().any(|call| call == "Scan"), "{calls:?}");
}

#[tokio::test]
async fn commanders_see_where_each_member_checked_in() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 3, 212).await;
    let path = format!("/task/checkin/{id}");
    let positions = [
        json!({"lat": 23.116_123_4, "lng": 113.268_567_8}),
        json!({"lat": 23.2, "lng": null}),
        json!({}),
    ];
    for (k, position) in (1..).zip(positions) {
        let member = Client::of(&app, org_member(212, k)).await;
        member
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await;
        assert_status(&member.post(&path, position).await, 204);
    }
    let accepted_only = Client::of(&app, org_member(212, 4)).await;
    accepted_only
        .post(&format!("/task/respond/{id}"), json!({"accept": true}))
        .await;
    let gather = district.get(&format!("/task/gather/{id}?pc=10&pn=1")).await;
    assert_status(&gather, 200);
    let rows = gather.body["mem_list"].as_array().unwrap();
    let position = |row: &Value| (row.get("lat").cloned(), row.get("lng").cloned());
    assert_eq!(rows.len(), 4);
    assert_eq!(
        position(&rows[0]),
        (Some(json!(23.116_123_4)), Some(json!(113.268_567_8)))
    );
    assert_eq!(position(&rows[1]), (Some(json!(23.2)), None));
    assert_eq!(position(&rows[2]), (None, None), "checked in without one");
    assert_eq!(
        (rows[3]["status"].clone(), position(&rows[3])),
        (json!("UN"), (None, None))
    );
}

#[tokio::test]
async fn an_organisation_target_reaches_the_organisations_below_it() {
    let app = setup().await;
    // 211 (a platoon) has 212 (a squad) below it; 201 has none.
    let (district, id) = haizhu_task(&app, 1, 211).await;
    let squad_member = Client::of(&app, org_member(212, 7)).await;
    let mine = squad_member.get("/task/mine/10/1").await;
    assert_status(&mine, 200);
    assert_eq!(mine.body["total_tasks"], 1);
    assert_eq!(mine.body["data"][0]["task_id"], id);
    assert_status(&squad_member.get(&format!("/task/detail/{id}")).await, 200);
    assert_status(
        &squad_member
            .post(&format!("/task/respond/{id}"), json!({"accept": true}))
            .await,
        204,
    );
    let members = district.get(&format!("/task/detail/mem/{id}")).await;
    let orgs = members.body["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["name"], "211民兵连");
    let reached: Vec<u64> = orgs[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["soldier_id"].as_u64())
        .collect();
    assert_eq!(reached.len(), 32, "16 of 211 and 16 of 212");
    assert!(reached.contains(&org_commander(212)) && reached.contains(&org_member(212, 15)));
    let responses = district
        .get(&format!("/task/response/{id}?pc=1&pn=1"))
        .await;
    assert_eq!(responses.body["notify_count"], 32);

    // An organisation commander's own organisation reaches the squad below too.
    let platoon = Client::of(&app, org_commander(211)).await;
    let own = platoon
        .publish(task_body(1, GATHER, FINISH, &[], &[211], &[]))
        .await;
    let mine = squad_member.get("/task/mine/10/1").await;
    assert_eq!(mine.body["total_tasks"], 2);
    assert_eq!(mine.body["data"][0]["task_id"], own);
    // The squad alone reaches only the squad.
    let squad_task = platoon
        .publish(task_body(1, GATHER, FINISH, &[], &[212], &[]))
        .await;
    let platoon_member = Client::of(&app, org_member(211, 1)).await;
    let listed: Vec<Value> = platoon_member.get("/task/mine/10/1").await.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| task["task_id"].clone())
        .collect();
    assert_eq!(listed, vec![json!(own), json!(id)]);
    assert!(!listed.contains(&json!(squad_task)));
}

#[tokio::test]
async fn members_read_the_tasks_text() {
    let app = setup().await;
    let (district, id) = haizhu_task(&app, 1, 211).await;
    let mut silent = task_body(1, GATHER, FINISH, &[], &[211], &[]);
    silent.as_object_mut().unwrap().remove("detail");
    let without_text = district.publish(silent).await;
    let member = Client::of(&app, org_member(212, 1)).await;
    let mine = member.get("/task/mine/10/1").await;
    assert_status(&mine, 200);
    let contents: Vec<(Value, Value)> = mine.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| (task["task_id"].clone(), task["content"].clone()))
        .collect();
    assert_eq!(
        contents,
        vec![
            (json!(without_text), json!("")),
            (json!(id), json!("带好装备"))
        ]
    );
    let detail = member.get(&format!("/task/detail/{id}")).await;
    assert_status(&detail, 200);
    assert_eq!(detail.body["content"], "带好装备");
    assert_eq!(
        detail.body["detail"], 0.0,
        "detail stays the progress ratio"
    );
    assert!(detail.body.get("is_launcher").is_none());
    let overseen = district.get(&format!("/task/detail/{without_text}")).await;
    assert_eq!(overseen.body["content"], "");
}

/// The totals of a commander's working and done lists, each checked against the number
/// of tasks the list pages through.
async fn list_totals(commander: &Client<'_>) -> (u64, u64) {
    let mut totals = [0, 0];
    for (total, list) in totals.iter_mut().zip(["working", "done"]) {
        let page = commander.get(&format!("/task/{list}/100/1")).await;
        assert_status(&page, 200);
        let listed = page.body["data"].as_array().map_or(0, Vec::len) as u64;
        assert_eq!(page.body["total_tasks"], listed, "{list}: {}", page.body);
        *total = listed;
    }
    (totals[0], totals[1])
}

#[tokio::test]
async fn list_totals_equal_what_the_lists_page_through() {
    let app = setup().await;
    let city = Client::of(&app, office_commander(CITY)).await;
    let district = Client::of(&app, office_commander(HAIZHU)).await;
    let street = Client::of(&app, office_commander(21)).await;
    let platoon = Client::of(&app, org_commander(211)).await;
    let tianhe = Client::of(&app, office_commander(TIANHE)).await;
    let body = |finish: i64, org: u64| task_body(1, GATHER, finish, &[], &[org], &[]);
    // Published at once: the units' counters take every one.
    let district_tasks =
        futures::future::join_all((0..6).map(|k| district.publish(body(FINISH + k * 600, 212))))
            .await;
    let platoon_tasks = [
        platoon.publish(body(FINISH, 212)).await,
        platoon.publish(body(FINISH + 3000, 211)).await,
    ];
    street.publish(body(FINISH + 600, 212)).await;
    let expect = |working: u64, done: u64| (working, done);
    assert_eq!(list_totals(&city).await, expect(9, 0));
    assert_eq!(list_totals(&district).await, expect(9, 0));
    assert_eq!(list_totals(&street).await, expect(3, 0));
    assert_eq!(list_totals(&platoon).await, expect(2, 0));
    assert_eq!(list_totals(&tianhe).await, expect(0, 0));
    app.set_now(T0 + 60);
    for id in [district_tasks[5], platoon_tasks[1]] {
        let launcher = if id == platoon_tasks[1] {
            &platoon
        } else {
            &district
        };
        assert_status(
            &launcher.put("/task/finish", json!({"task_id": id})).await,
            204,
        );
    }
    assert_eq!(list_totals(&city).await, expect(7, 2));
    assert_eq!(list_totals(&street).await, expect(2, 1));
    assert_eq!(list_totals(&platoon).await, expect(1, 1));
    // Ends pass: the district's first task and the platoon's first end at FINISH.
    app.set_now(FINISH);
    assert_eq!(list_totals(&district).await, expect(5, 4));
    assert_eq!(list_totals(&street).await, expect(1, 2));
    assert_eq!(list_totals(&platoon).await, expect(0, 2));
    app.set_now(FINISH + 3600);
    for commander in [&city, &district] {
        assert_eq!(list_totals(commander).await, expect(0, 9));
    }
    assert_eq!(list_totals(&street).await, expect(0, 3));
    // A member's total is what their list pages through.
    let member = Client::of(&app, org_member(212, 1)).await;
    let mine = member.get("/task/mine/100/1").await;
    assert_eq!(mine.body["total_tasks"], 9, "212 is below 211");
    assert_eq!(mine.body["data"].as_array().map(Vec::len), Some(9));
    let platoon_member = Client::of(&app, org_member(211, 1)).await;
    let mine = platoon_member.get("/task/mine/100/1").await;
    assert_eq!(mine.body["total_tasks"], 1);
}
