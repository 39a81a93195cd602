//! Mobilization: cookie login, the 302 on every route, the directory import and its
//! validation, and the scope trees (`/task/info`, `/task/orgs`, `/task/offices`).

use api_tests::app::TestApp;
use api_tests::mobilization::*;
use axum::http::Method;
use serde_json::{json, Value};
use shared::mobilization::directory::Unit;

const TASK_ROUTES: [(&str, &str); 16] = [
    ("POST", "/task"),
    ("GET", "/task/info"),
    ("PUT", "/task/finish"),
    ("GET", "/task/orgs"),
    ("GET", "/task/offices"),
    ("PUT", "/task/directory"),
    ("GET", "/task/working/10/1"),
    ("GET", "/task/done/10/1"),
    ("GET", "/task/mine/10/1"),
    ("GET", "/task/detail/1"),
    ("GET", "/task/detail/mem/1"),
    ("GET", "/task/response/1?pc=10&pn=1"),
    ("GET", "/task/gather/1?pc=10&pn=1"),
    ("POST", "/task/respond/1"),
    ("POST", "/task/checkin/1"),
    ("GET", "/task/response/1"),
];

#[tokio::test]
async fn every_task_route_without_a_login_redirects_to_user() {
    let app = TestApp::new().await;
    for (method, path) in TASK_ROUTES {
        for cookie_value in [None, Some("token=forged.token.value")] {
            let mut request = app
                .request(Method::from_bytes(method.as_bytes()).unwrap(), path)
                .json(json!({}));
            if let Some(value) = cookie_value {
                request = request.header("cookie", value);
            }
            let response = request.send().await;
            assert_eq!(response.status, 302, "{method} {path}: {}", response.body);
            assert_eq!(
                response.body,
                json!({"cnmsg": "登录超时，请重新登录", "url": "/user"})
            );
            assert_eq!(response.headers["location"], "/user");
        }
    }
}

#[tokio::test]
async fn login_sets_the_token_cookie_and_logout_ends_it() {
    let app = TestApp::new().await;
    seed(&app).await;
    let (i_code, order_no) = pair(office_commander(HAIZHU));
    let response = app
        .post("/user", json!({"i_code": i_code, "order_no": order_no}))
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.body, json!({"soldier_id": 2, "name": "指挥官2"}));
    let set_cookie = response.headers["set-cookie"].to_str().unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let token = login(&app, office_commander(HAIZHU)).await;
    app.post("/v1/token/verify", json!({"token": token}))
        .send()
        .await
        .assert_ok(200);
    let info = app
        .get("/task/info")
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    let logout = app
        .request(Method::DELETE, "/user")
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(logout.status, 204);
    let cleared = logout.headers["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("token=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    // A copy of the cookie kept past the logout (the attack: replaying it) is dead too.
    let replayed = app
        .get("/task/info")
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(replayed.status, 302, "{}", replayed.body);
    assert_eq!(replayed.body["url"], "/user");
}

#[tokio::test]
async fn login_with_a_pair_that_is_not_a_members_is_400() {
    let app = TestApp::new().await;
    seed(&app).await;
    let admin = app.admin_token().await;
    app.post(
        "/v1/admin/credential",
        json!({"i_code": "shop-1", "order_no": 77, "roles": []}),
    )
    .token(&admin)
    .send()
    .await
    .assert_ok(201);
    for body in [
        json!({"i_code": "shop-1", "order_no": 77}),
        json!({"i_code": "nobody", "order_no": 1}),
    ] {
        let response = app.post("/user", body).send().await;
        assert_eq!(response.status, 400, "{}", response.body);
        assert!(response.body["cnmsg"].as_str().is_some());
        assert!(response.headers.get("set-cookie").is_none());
    }
    let malformed = app.post("/user", json!({"i_code": "mob-2"})).send().await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.body["cnmsg"]
        .as_str()
        .unwrap()
        .contains("order_no"));
}

#[tokio::test]
async fn a_logged_in_user_who_is_not_a_member_is_403() {
    let app = TestApp::new().await;
    seed(&app).await;
    let (token, _) = app.member(&[], None).await;
    let response = app
        .get("/task/info")
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(response.status, 403, "{}", response.body);
    assert!(response.body["cnmsg"].as_str().is_some());
}

/// `GET /user` with the `token` cookie set to `token`, if any: status and body.
async fn login_state(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    let mut request = app.get("/user");
    if let Some(token) = token {
        request = request.header("cookie", &cookie(token));
    }
    let response = request.send().await;
    (response.status, response.body)
}

#[tokio::test]
async fn the_login_page_a_302_points_to_answers_the_login_state() {
    let app = TestApp::new().await;
    seed(&app).await;
    let redirected = app.get("/task/mine/10/1").send().await;
    assert_eq!(
        (redirected.status, &redirected.body["url"]),
        (302, &json!("/user"))
    );
    let logged_out = json!({"logged_in": false, "cnmsg": "请登录：POST /user {i_code, order_no}"});
    assert_eq!(login_state(&app, None).await, (200, logged_out.clone()));
    assert_eq!(
        login_state(&app, Some("forged.token.value")).await,
        (200, logged_out)
    );

    let token = login(&app, office_commander(HAIZHU)).await;
    assert_eq!(
        login_state(&app, Some(&token)).await,
        (
            200,
            json!({"logged_in": true, "soldier_id": 2, "name": "指挥官2"})
        )
    );

    let (shopper, _) = app.member(&[], None).await;
    let (status, not_member) = login_state(&app, Some(&shopper)).await;
    assert_eq!((status, &not_member["logged_in"]), (200, &json!(false)));
    assert!(not_member["cnmsg"]
        .as_str()
        .is_some_and(|message| message.contains("POST /user")));
}

#[tokio::test]
async fn directory_import_counts_and_replaces_by_id() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let response = app
        .put("/task/directory", directory())
        .token(&admin)
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.body,
        json!({"offices": 7, "orgs": 10, "members": 202})
    );
    let rename = json!({
        "offices": [{"office_id": 21, "name": "新港街道", "level": "S", "parent_id": 2}],
        "members": [{"soldier_id": 3211, "name": "改名", "phone": 1, "im_user_id": 2, "org_id": 211, "is_admin": false}],
    });
    let again = app
        .put("/task/directory", rename)
        .token(&admin)
        .send()
        .await;
    assert_eq!(again.body, json!({"offices": 1, "orgs": 0, "members": 1}));
    let store = app.state.store();
    let directory = store.directory().await.unwrap();
    assert_eq!(directory.offices[&21].name, "新港街道");
    assert_eq!(directory.offices.len(), 7, "records not in the body stay");
    let moved = store.member(3211).await.unwrap().unwrap();
    assert_eq!((moved.unit, moved.name.as_str()), (Unit::Org(211), "改名"));
}

#[tokio::test]
async fn directory_import_needs_the_admin_role() {
    let app = TestApp::new().await;
    seed(&app).await;
    let token = login(&app, office_commander(CITY)).await;
    let response = app
        .put("/task/directory", json!({}))
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(response.status, 403, "{}", response.body);
}

#[tokio::test]
async fn invalid_directories_name_the_first_bad_row_and_write_nothing() {
    let app = TestApp::new().await;
    seed(&app).await;
    let admin = app.admin_token().await;
    let good_office = json!({"office_id": 900, "name": "新单位", "level": "S", "parent_id": 1});
    let good_member =
        json!({"soldier_id": 99_999, "name": "新兵", "office_id": 900, "is_admin": false});
    let cases: Vec<(Value, Value, Value, &str)> = vec![
        (
            json!([good_office, {"office_id": 901, "name": "x", "level": "S", "parent_id": 4242}]),
            json!([]),
            json!([]),
            "offices[1]: parent_id 4242 does not exist",
        ),
        (
            json!([{"office_id": 1, "name": "市", "level": "C", "parent_id": 21}, good_office]),
            json!([]),
            json!([]),
            "offices[0]: parent_id forms a cycle",
        ),
        (
            json!([good_office, good_office]),
            json!([]),
            json!([]),
            "offices[1]: duplicate office_id 900",
        ),
        (
            json!([good_office, {"office_id": 902, "name": "x", "level": "X"}]),
            json!([]),
            json!([]),
            "offices[1].level",
        ),
        (
            json!([good_office]),
            json!([{"org_id": 950, "name": "x", "office_id": 4242}]),
            json!([]),
            "orgs[0]: office_id 4242 does not exist",
        ),
        (
            json!([good_office]),
            json!([{"org_id": 950, "name": "x", "office_id": 900, "parent_id": 951}, {"org_id": 951, "name": "y", "office_id": 900, "parent_id": 950}]),
            json!([]),
            "orgs[0]: parent_id forms a cycle",
        ),
        (
            json!([good_office]),
            json!([]),
            json!([good_member, {"soldier_id": 5, "name": "x", "office_id": 1, "org_id": 211}]),
            "members[1]: exactly one of office_id and org_id",
        ),
        (
            json!([good_office]),
            json!([]),
            json!([good_member, {"soldier_id": 5, "name": "x"}]),
            "members[1]: exactly one of office_id and org_id",
        ),
        (
            json!([good_office]),
            json!([]),
            json!([good_member, {"soldier_id": 5, "name": "x", "org_id": 4242}]),
            "members[1]: org_id 4242 does not exist",
        ),
        (
            json!([good_office]),
            json!([]),
            json!([good_member, good_member]),
            "members[1]: duplicate soldier_id 99999",
        ),
    ];
    for (offices, orgs, members, expected) in cases {
        let body = json!({"offices": offices, "orgs": orgs, "members": members});
        let response = app.put("/task/directory", body).token(&admin).send().await;
        assert_eq!(response.status, 400, "{expected}: {}", response.body);
        let message = response.body["cnmsg"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(expected),
            "{message} should start with {expected}"
        );
        let store = app.state.store();
        assert!(!store.directory().await.unwrap().offices.contains_key(&900));
        assert_eq!(store.member(99_999).await.unwrap(), None);
    }
}

#[tokio::test]
async fn info_follows_the_commanders_unit() {
    let app = TestApp::new().await;
    seed(&app).await;
    let office = login(&app, office_commander(HAIZHU)).await;
    let info = app
        .get("/task/info")
        .header("cookie", &cookie(&office))
        .send()
        .await;
    assert_eq!(info.status, 200);
    assert_eq!(info.body["is_office"], true);
    assert_eq!(info.body["places"][0]["place_id"], 2);
    assert_eq!(info.body["places"][0]["place_name"], "海珠广场");
    let org = login(&app, org_commander(211)).await;
    let info = app
        .get("/task/info")
        .header("cookie", &cookie(&org))
        .send()
        .await;
    assert_eq!(info.body["is_office"], false);
    assert_eq!(info.body["places"], json!([]));
    let plain = login(&app, org_member(211, 1)).await;
    let refused = app
        .get("/task/info")
        .header("cookie", &cookie(&plain))
        .send()
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn org_tree_follows_the_scope() {
    let app = TestApp::new().await;
    seed(&app).await;
    let org = login(&app, org_commander(211)).await;
    let tree = app
        .get("/task/orgs")
        .header("cookie", &cookie(&org))
        .send()
        .await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    assert_eq!(tree.body["total_mems"], 32);
    let detail = &tree.body["detail"];
    assert_eq!(detail["office_name"], "第21街道武装部");
    let orgs = detail["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0]["org_id"], 211);
    assert_eq!(orgs[0]["lower_org_ids"], json!([212]));
    let admin_row = orgs[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["soldier_id"] == 1211)
        .unwrap();
    assert_eq!(admin_row["is_admin"], true);
    let plain_row = &orgs[0]["members"][0];
    assert!(plain_row.get("is_admin").is_none() || plain_row["soldier_id"] == 1211);
    let district = login(&app, office_commander(HAIZHU)).await;
    let tree = app
        .get("/task/orgs")
        .header("cookie", &cookie(&district))
        .send()
        .await;
    assert_eq!(tree.body["total_mems"], 5 * 16);
    assert_eq!(tree.body["detail"]["office_name"], "海珠区人武部");
    assert_eq!(tree.body["detail"]["orgs"][0]["org_id"], 201);
    assert_eq!(
        tree.body["detail"]["lower_offices"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tree.body["detail"]["lower_offices"][0]["orgs"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn office_tree_follows_the_scope_and_is_refused_to_org_commanders() {
    let app = TestApp::new().await;
    seed(&app).await;
    let city = login(&app, office_commander(CITY)).await;
    let tree = app
        .get("/task/offices")
        .header("cookie", &cookie(&city))
        .send()
        .await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    assert_eq!(tree.body["total_mems"], 7 * 6);
    let root = &tree.body["office_detail"];
    assert_eq!(
        (root["office_id"].clone(), root["name"].clone()),
        (json!(1), json!("广州市人武部"))
    );
    assert_eq!(root["members"].as_array().unwrap().len(), 6);
    assert_eq!(root["lower_offices"].as_array().unwrap().len(), 2);
    assert_eq!(
        root["lower_offices"][0]["lower_offices"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let street = login(&app, office_commander(31)).await;
    let tree = app
        .get("/task/offices")
        .header("cookie", &cookie(&street))
        .send()
        .await;
    assert_eq!(tree.body["total_mems"], 6);
    assert_eq!(tree.body["office_detail"]["lower_offices"], json!([]));
    let org = login(&app, org_commander(211)).await;
    let refused = app
        .get("/task/offices")
        .header("cookie", &cookie(&org))
        .send()
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}

#[tokio::test]
async fn a_store_fault_is_500_with_the_seeds_message() {
    let app = TestApp::new().await;
    seed(&app).await;
    let token = login(&app, office_commander(HAIZHU)).await;
    app.state
        .store()
        .client()
        .delete_table()
        .table_name(&app.table)
        .send()
        .await
        .unwrap();
    let response = app
        .get("/task/info")
        .header("cookie", &cookie(&token))
        .send()
        .await;
    assert_eq!(response.status, 500);
    assert_eq!(response.body, json!({"cnmsg": "很抱歉,服务器出错了"}));
}
