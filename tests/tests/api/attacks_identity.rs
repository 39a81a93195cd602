//! Attacks on who may act (OWASP API2 broken authentication, API4 unrestricted resource
//! consumption), each test named after the attack it stops: tokens that outlive a logout,
//! pairs that outlive their removal, roles read from an old token, pairs readable in the
//! table, guessing pairs at full speed, cookie writes forged from another site, pages that
//! read a whole partition.

use api_tests::app::{TestApp, BOOTSTRAP_ADMIN};
use api_tests::mobilization::{cookie, login, office_commander, org_member, pair, seed, HAIZHU};
use aws_sdk_dynamodb::types::AttributeValue;
use axum::http::Method;
use serde_json::{json, Value};

async fn registered(app: &TestApp, i_code: &str, order_no: u64, roles: &[&str]) -> u64 {
    let admin = app.admin_token().await;
    registered_by(app, &admin, i_code, order_no, roles).await
}

async fn registered_by(
    app: &TestApp,
    admin: &str,
    i_code: &str,
    order_no: u64,
    roles: &[&str],
) -> u64 {
    let response = app
        .post(
            "/v1/admin/credential",
            json!({"i_code": i_code, "order_no": order_no, "roles": roles}),
        )
        .token(admin)
        .send()
        .await;
    response.assert_ok(201);
    response.data()["id"].as_u64().unwrap()
}

/// Every item of the app's table, as text (an operator's view, through a client that may
/// scan: the app's refuses Scan, which no request path may use).
async fn whole_table(app: &TestApp) -> String {
    let scan = aws_sdk_dynamodb::Client::new(&operator_sdk())
        .scan()
        .table_name(&app.table)
        .send()
        .await
        .unwrap();
    format!("{:?}", scan.items())
}

fn operator_sdk() -> aws_config::SdkConfig {
    api_tests::app::local_sdk_config(api_tests::dynamodb_local::endpoint())
}

async fn sign_in(app: &TestApp, i_code: &str, order_no: u64, from: &str) -> (u16, Value) {
    let response = app
        .post("/v1/token", json!({"i_code": i_code, "order_no": order_no}))
        .from_ip(from)
        .send()
        .await;
    (response.status, response.body)
}

#[tokio::test]
async fn a_token_used_after_logout_is_refused() {
    let app = TestApp::new().await;
    registered(&app, "two-phones", 12, &[]).await;
    let token = app.token_for("two-phones", 12).await;
    let other_device = app.token_for("two-phones", 12).await;
    app.post("/v1/token/revoke", json!({}))
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    for stale in [&token, &other_device] {
        app.get("/v1/user")
            .token(stale)
            .send()
            .await
            .assert_error(401, 10002);
        let verified = app
            .post("/v1/token/verify", json!({ "token": stale }))
            .send()
            .await;
        assert_eq!(verified.data()["valid"], false, "{}", verified.body);
    }
}

#[tokio::test]
async fn a_removed_pair_neither_signs_in_nor_keeps_its_sessions() {
    let app = TestApp::new().await;
    let id = registered(&app, "removed-1", 41, &[]).await;
    let token = app.token_for("removed-1", 41).await;
    let admin = app.admin_token().await;
    let removed = app
        .request(Method::DELETE, &format!("/v1/admin/credential/{id}"))
        .token(&admin)
        .send()
        .await;
    removed.assert_ok(200);
    assert_eq!(removed.data()["id"], id);
    app.get("/v1/user")
        .token(&token)
        .send()
        .await
        .assert_error(401, 10002);
    let (status, body) = sign_in(&app, "removed-1", 41, "127.0.0.1").await;
    assert_eq!((status, body["error_code"].as_i64()), (400, Some(9999)));
    app.request(Method::DELETE, &format!("/v1/admin/credential/{id}"))
        .token(&admin)
        .send()
        .await
        .assert_error(404, 10008);
}

#[tokio::test]
async fn roles_in_an_old_token_grant_nothing_once_changed() {
    let app = TestApp::new().await;
    registered(&app, "boss", 4, &["admin"]).await;
    let boss = app.token_for("boss", 4).await;
    registered_by(&app, &boss, "demoted", 3, &["admin"]).await;
    let demoted = app.token_for("demoted", 3).await;
    let me = app.get("/v1/user").token(&demoted).send().await;
    let id = me.data()["id"].as_u64().unwrap();
    let changed = app
        .put(&format!("/v1/admin/user/{id}/roles"), json!({"roles": []}))
        .token(&boss)
        .send()
        .await;
    changed.assert_ok(200);
    assert_eq!(changed.data(), &json!({"id": id, "roles": []}));
    app.get("/v1/admin/credential?page=1&count=1")
        .token(&demoted)
        .send()
        .await
        .assert_error(401, 10002);
    let fresh = app.token_for("demoted", 3).await;
    app.get("/v1/admin/credential?page=1&count=1")
        .token(&fresh)
        .send()
        .await
        .assert_error(403, 10010);
    app.put("/v1/admin/user/999999/roles", json!({"roles": []}))
        .token(&boss)
        .send()
        .await
        .assert_error(404, 10008);
}

#[tokio::test]
async fn the_bootstrap_pair_stops_once_another_admin_exists() {
    let app = TestApp::new().await;
    let bootstrap = app.admin_token().await;
    registered(&app, "real-admin", 7, &["admin"]).await;
    app.get("/v1/admin/credential?page=1&count=1")
        .token(&bootstrap)
        .send()
        .await
        .assert_error(401, 10002);
    let (status, body) = sign_in(&app, BOOTSTRAP_ADMIN.0, BOOTSTRAP_ADMIN.1, "127.0.0.1").await;
    assert_eq!((status, body["error_code"].as_i64()), (400, Some(9999)));
    let real = app.token_for("real-admin", 7).await;
    app.get("/v1/admin/credential?page=1&count=5")
        .token(&real)
        .send()
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn reading_the_table_or_the_admin_list_reveals_no_pair() {
    let app = TestApp::new().await;
    let order_no = 987_654_321u64;
    registered(&app, "hidden", order_no, &[]).await;
    app.token_for("hidden", order_no).await;
    let admin = app.admin_token().await;
    let listed = app
        .get("/v1/admin/credential?page=1&count=10")
        .token(&admin)
        .send()
        .await;
    listed.assert_ok(200);
    let shown = listed.data()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["i_code"] == "hidden")
        .cloned()
        .unwrap();
    assert_eq!(shown["order_no"], "****4321");
    assert!(!listed.body.to_string().contains(&order_no.to_string()));
    let items = whole_table(&app).await;
    assert!(items.contains("hidden"), "the scan sees the table");
    assert!(
        !items.contains(&order_no.to_string()),
        "an order_no in clear: {items}"
    );
}

#[tokio::test]
async fn guessing_pairs_from_one_address_is_throttled_even_for_the_right_pair() {
    let app = TestApp::new().await;
    registered(&app, "guessed", 5, &[]).await;
    let now = shared::time::now();
    app.set_now(now);
    for wrong in 100..110 {
        let (status, _) = sign_in(&app, "guessed", wrong, "203.0.113.9").await;
        assert_eq!(status, 400);
    }
    let (status, body) = sign_in(&app, "guessed", 5, "203.0.113.9").await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (429, Some(9999)),
        "{body}"
    );
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("登录失败次数过多"));
    let (other, _) = sign_in(&app, "guessed", 5, "203.0.113.10").await;
    assert_eq!(other, 200, "another address is not throttled");
    app.set_now(now + 15 * 60);
    let (later, _) = sign_in(&app, "guessed", 5, "203.0.113.9").await;
    assert_eq!(later, 200, "the window passed");
}

#[tokio::test]
async fn guessing_one_i_code_from_many_addresses_is_throttled() {
    let app = TestApp::new().await;
    registered(&app, "shared-course", 5, &[]).await;
    for attempt in 0..100u64 {
        let from = format!("198.51.100.{}", attempt / 5);
        let (status, _) = sign_in(&app, "shared-course", 1000 + attempt, &from).await;
        assert_eq!(status, 400);
    }
    let (status, body) = sign_in(&app, "shared-course", 5, "192.0.2.1").await;
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (429, Some(9999)),
        "{body}"
    );
    let (elsewhere, _) = sign_in(&app, BOOTSTRAP_ADMIN.0, BOOTSTRAP_ADMIN.1, "192.0.2.1").await;
    assert_eq!(elsewhere, 200, "another i_code is not throttled");
}

#[tokio::test]
async fn guessing_member_pairs_on_the_cookie_login_is_throttled() {
    let app = TestApp::new().await;
    seed(&app).await;
    let (i_code, order_no) = pair(office_commander(HAIZHU));
    for wrong in 0..10u64 {
        let response = app
            .post(
                "/user",
                json!({"i_code": i_code, "order_no": order_no + 1 + wrong}),
            )
            .from_ip("203.0.113.20")
            .send()
            .await;
        assert_eq!(response.status, 400, "{}", response.body);
    }
    let response = app
        .post("/user", json!({"i_code": i_code, "order_no": order_no}))
        .from_ip("203.0.113.20")
        .send()
        .await;
    assert_eq!(response.status, 429, "{}", response.body);
    assert!(response.body["cnmsg"]
        .as_str()
        .unwrap()
        .contains("登录失败次数过多"));
    assert!(response.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn a_cookie_write_forged_by_another_site_is_refused() {
    let app = TestApp::new().await;
    seed(&app).await;
    let token = login(&app, office_commander(HAIZHU)).await;
    let body = json!({"task_id": 1});
    let forged = [
        ("text/plain", Some("https://evil.example")),
        ("application/json", Some("https://evil.example")),
        ("application/x-www-form-urlencoded", None),
    ];
    for (content_type, origin) in forged {
        let mut request = app
            .request(Method::PUT, "/task/finish")
            .header("cookie", &cookie(&token))
            .header("host", "api.example")
            .header("content-type", content_type)
            .raw_body(body.to_string().as_bytes());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        app.calls();
        let response = request.send().await;
        assert_eq!(
            response.status, 403,
            "{content_type} {origin:?}: {}",
            response.body
        );
        assert!(response.body["cnmsg"].is_string());
        assert!(
            !app.calls()
                .iter()
                .any(|call| call != "GetItem" && call != "Query"),
            "nothing written"
        );
    }
    let admin_token = app.admin_token().await;
    let homemaking = app
        .put("/v1/user", json!({"nickname": "被改了"}))
        .header("cookie", &cookie(&admin_token))
        .header("host", "api.example")
        .header("origin", "https://evil.example")
        .send()
        .await;
    homemaking.assert_error(403, 10010);
    let same_origin = app
        .put("/v1/user", json!({"nickname": "自己改的"}))
        .header("cookie", &cookie(&admin_token))
        .header("host", "api.example")
        .header("origin", "https://api.example")
        .send()
        .await;
    same_origin.assert_ok(200);
}

#[tokio::test]
async fn a_far_page_is_refused_before_reading_anything() {
    let app = TestApp::new().await;
    app.calls();
    let far = app
        .get("/v1/service/list?page=4294967295&count=100")
        .send()
        .await;
    far.assert_error(400, 10000);
    assert!(far.body["message"].as_str().unwrap().contains("10000"));
    assert_eq!(app.calls(), Vec::<String>::new(), "no read at all");
    app.get("/v1/service/list?page=100&count=100")
        .send()
        .await
        .assert_ok(200);
}

/// The demo directory with `soldier_id`'s row changed by `edit`.
fn directory_with(edits: &[(u64, Value)]) -> Value {
    let mut body = api_tests::mobilization::directory();
    for row in body["members"].as_array_mut().unwrap() {
        for (soldier_id, edit) in edits {
            if row["soldier_id"] == *soldier_id {
                for (field, value) in edit.as_object().unwrap() {
                    row[field] = value.clone();
                }
            }
        }
    }
    body
}

#[tokio::test]
async fn a_replaced_or_deactivated_member_pair_stops_working() {
    let app = TestApp::new().await;
    seed(&app).await;
    let (replaced, deactivated) = (org_member(212, 1), org_member(212, 2));
    let old_cookie = login(&app, replaced).await;
    let deactivated_cookie = login(&app, deactivated).await;
    let (i_code, old_no) = pair(replaced);
    let import = directory_with(&[
        (replaced, json!({"order_no": 55_555_555})),
        (
            deactivated,
            json!({"deactivated": true, "i_code": null, "order_no": null}),
        ),
    ]);
    let admin = app.admin_token().await;
    let response = app
        .put("/task/directory", import)
        .token(&admin)
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.body);

    let old = app
        .post("/user", json!({"i_code": i_code, "order_no": old_no}))
        .send()
        .await;
    assert_eq!(old.status, 400, "the old pair: {}", old.body);
    for cookie_value in [&old_cookie, &deactivated_cookie] {
        let info = app
            .get("/task/info")
            .header("cookie", &cookie(cookie_value))
            .send()
            .await;
        assert_eq!(info.status, 302, "an ended session: {}", info.body);
    }
    let new = app
        .post("/user", json!({"i_code": i_code, "order_no": 55_555_555}))
        .send()
        .await;
    assert_eq!(new.status, 200, "the new pair: {}", new.body);
    let (gone_code, gone_no) = pair(deactivated);
    let gone = app
        .post("/user", json!({"i_code": gone_code, "order_no": gone_no}))
        .send()
        .await;
    assert_eq!(gone.status, 400, "a deactivated member: {}", gone.body);
}

#[tokio::test]
async fn pairs_stored_in_clear_before_are_rewritten_under_their_digest() {
    let app = TestApp::new().await;
    let legacy = |pk: &str, sk: &str, fields: Value| {
        let mut item: std::collections::HashMap<String, AttributeValue> =
            serde_dynamo::to_item(fields).unwrap();
        item.insert("PK".into(), AttributeValue::S(pk.into()));
        item.insert("SK".into(), AttributeValue::S(sk.into()));
        item
    };
    let items = [
        legacy(
            "CRED#legacy-course#31415926",
            "CRED",
            json!({"id": 90, "i_code": "legacy-course", "order_no": 31415926, "roles": [],
                   "created_at": 1, "GSI1PK": "CREDS", "GSI1SK": format!("{:020}", 90)}),
        ),
        legacy(
            "MOB#CRED#legacy-course#31415926",
            "MEMBER",
            json!({"soldier_id": 77}),
        ),
    ];
    for item in items {
        app.state
            .store()
            .client()
            .put_item()
            .table_name(&app.table)
            .set_item(Some(item))
            .send()
            .await
            .unwrap();
    }
    let (status, _) = sign_in(&app, "legacy-course", 31415926, "127.0.0.1").await;
    assert_eq!(
        status, 400,
        "a legacy pair is not read before the migration"
    );

    // The operator's command, over a client that may scan.
    let operator =
        shared::store::Store::new(aws_sdk_dynamodb::Client::new(&operator_sdk()), &app.table);
    let pepper = app.state.pepper().await.unwrap();
    let migrated = operator.migrate_pairs(pepper, None).await.unwrap();
    assert_eq!((migrated.credentials, migrated.links), (1, 1));
    let again = operator.migrate_pairs(pepper, None).await.unwrap();
    assert_eq!(
        (again.credentials, again.links),
        (0, 0),
        "nothing left to do"
    );

    let (status, body) = sign_in(&app, "legacy-course", 31415926, "127.0.0.2").await;
    assert_eq!(status, 200, "{body}");
    let text = whole_table(&app).await;
    assert!(!text.contains("31415926"), "{text}");
    assert!(text.contains("****5926"));
}

#[tokio::test]
async fn the_local_edge_gives_each_caller_its_own_address_whatever_it_claims() {
    use axum::http::HeaderMap;
    // Stands in for `cargo lambda watch`: answers the address the edge passed on.
    let echo = axum::Router::new().fallback(|headers: HeaderMap| async move {
        headers
            .get(api_tests::edge::SOURCE_IP_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("none")
            .to_owned()
    });
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_url = format!("http://{}", upstream.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(upstream, echo).await });
    let edge = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let edge_url = format!("http://{}/v1/token", edge.local_addr().unwrap());
    tokio::spawn(async move { api_tests::edge::serve(edge, &upstream_url).await });
    for caller in ["127.0.0.7", "127.0.0.8"] {
        let client = reqwest::Client::builder()
            .local_address(caller.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap();
        let seen = client
            .post(&edge_url)
            .header(api_tests::edge::SOURCE_IP_HEADER, "203.0.113.1")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(seen, caller, "the TCP peer, not the header the caller sent");
    }
}
