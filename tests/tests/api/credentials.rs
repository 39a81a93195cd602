//! `POST /v1/admin/credential`, `GET /v1/admin/credential`.

use api_tests::app::{TestApp, CREDENTIAL_PEPPER};
use serde_json::{json, Value};
use shared::credential::Pepper;

#[tokio::test]
async fn register_answers_201_and_the_pair_signs_in_with_its_roles() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let response = app
        .post(
            "/v1/admin/credential",
            json!({"i_code": "co-1", "order_no": 20260102, "roles": ["company"], "nickname": "美家"}),
        )
        .token(&admin)
        .send()
        .await;
    response.assert_ok(201);
    let data = response.data();
    assert!(data["id"].as_u64().is_some());
    assert_eq!(
        (&data["i_code"], &data["order_no"], &data["roles"]),
        (&json!("co-1"), &json!(20260102), &json!(["company"]))
    );
    let token = app.token_for("co-1", 20260102).await;
    let me = app.get("/v1/user").token(&token).send().await;
    assert_eq!(me.data()["nickname"], "美家");
    let company_id = me.data()["id"].as_u64().unwrap();
    let designer = app
        .post(
            "/v1/admin/credential",
            json!({"i_code": "de-1", "order_no": 3, "roles": ["designer"], "company_id": company_id}),
        )
        .token(&admin)
        .send()
        .await;
    designer.assert_ok(201);
    let (_, designer_id) = (app.token_for("de-1", 3).await, 0);
    let _ = designer_id;
    let credential = app
        .state
        .store()
        .credential(&Pepper::new(CREDENTIAL_PEPPER.as_bytes()).pair("de-1", 3))
        .await
        .unwrap()
        .unwrap();
    let user = app
        .state
        .store()
        .user(credential.user_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.company_id, Some(company_id));
}

#[tokio::test]
async fn a_registered_pair_is_10009() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let body = json!({"i_code": "dup", "order_no": 5, "roles": []});
    app.post("/v1/admin/credential", body.clone())
        .token(&admin)
        .send()
        .await
        .assert_ok(201);
    app.post("/v1/admin/credential", body)
        .token(&admin)
        .send()
        .await
        .assert_error(400, 10009);
}

#[tokio::test]
async fn company_id_must_be_a_company_of_a_designer() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let (_, plain_user) = app.member(&[], None).await;
    for body in [
        json!({"i_code": "d1", "order_no": 1, "roles": ["designer"], "company_id": plain_user}),
        json!({"i_code": "d2", "order_no": 1, "roles": ["designer"], "company_id": 99999}),
        json!({"i_code": "d3", "order_no": 1, "roles": ["admin"], "company_id": plain_user}),
        json!({"i_code": "d4", "order_no": 1, "roles": ["root"]}),
        json!({"i_code": "d5", "order_no": 0, "roles": []}),
    ] {
        let response = app
            .post("/v1/admin/credential", body)
            .token(&admin)
            .send()
            .await;
        response.assert_error(400, 10000);
    }
}

#[tokio::test]
async fn list_pages_with_totals_and_bound_users() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    for n in 1..=4u64 {
        app.post(
            "/v1/admin/credential",
            json!({"i_code": format!("p{n}"), "order_no": n, "roles": []}),
        )
        .token(&admin)
        .send()
        .await
        .assert_ok(201);
    }
    let signed_in = app.token_for("p2", 2).await;
    assert!(!signed_in.is_empty());
    // The bootstrap admin registered itself at its first sign-in: 5 pairs in all.
    let page = app
        .get("/v1/admin/credential?page=2&count=2")
        .token(&admin)
        .send()
        .await;
    page.assert_ok(200);
    let data = page.data();
    assert_eq!(
        (
            data["page"].clone(),
            data["count"].clone(),
            data["total"].clone()
        ),
        (json!(2), json!(2), json!(5))
    );
    assert_eq!(
        (
            data["current_page"].clone(),
            data["per_page"].clone(),
            data["last_page"].clone()
        ),
        (json!(2), json!(2), json!(3))
    );
    assert_eq!(data["has_more"], true);
    let items = data["data"].as_array().unwrap();
    let codes: Vec<&str> = items
        .iter()
        .map(|item| item["i_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["p2", "p3"]);
    assert!(items[0]["user_id"].as_u64().is_some());
    assert_eq!(items[1]["user_id"], Value::Null);
    let last = app
        .get("/v1/admin/credential?page=3&count=2")
        .token(&admin)
        .send()
        .await;
    assert_eq!(last.data()["has_more"], false);
    assert_eq!(last.data()["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_paging_is_10000() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    for query in [
        "page=0&count=10",
        "page=1&count=0",
        "page=1&count=101",
        "page=x&count=1",
        "count=1",
        "",
    ] {
        let response = app
            .get(&format!("/v1/admin/credential?{query}"))
            .token(&admin)
            .send()
            .await;
        response.assert_error(400, 10000);
    }
}

#[tokio::test]
async fn credential_routes_are_admin_only() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&["company"], None).await;
    app.get("/v1/admin/credential?page=1&count=10")
        .token(&token)
        .send()
        .await
        .assert_error(403, 10010);
    app.post(
        "/v1/admin/credential",
        json!({"i_code": "x", "order_no": 1}),
    )
    .token(&token)
    .send()
    .await
    .assert_error(403, 10010);
    app.get("/v1/admin/credential?page=1&count=10")
        .send()
        .await
        .assert_error(401, 10001);
}
