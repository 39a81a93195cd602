//! `POST /v1/token`, `POST /v1/token/verify`, and every way a token can be refused.

use api_tests::app::{token_scope, TestApp, BOOTSTRAP_ADMIN, JWT_SECRET};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use shared::auth::{TokenScope, TokenSigner};

/// A signer with the test deployment's scope and `secret`.
fn signer(secret: &str) -> TokenSigner {
    TokenSigner::new(secret.as_bytes(), 60, token_scope())
}

#[tokio::test]
async fn bootstrap_admin_signs_in_and_the_token_verifies() {
    let app = TestApp::new().await;
    let response = app
        .post(
            "/v1/token",
            json!({"i_code": BOOTSTRAP_ADMIN.0, "order_no": BOOTSTRAP_ADMIN.1}),
        )
        .send()
        .await;
    response.assert_ok(200);
    let token = response.data()["token"].as_str().unwrap().to_owned();
    let verified = app
        .post("/v1/token/verify", json!({ "token": token }))
        .send()
        .await;
    verified.assert_ok(200);
    assert_eq!(verified.data(), &json!({ "valid": true }));
    let claims = signer(JWT_SECRET).verify(&token).unwrap();
    assert_eq!((claims.sv, claims.jti.len()), (0, 32));
    let roles = app
        .get("/v1/admin/credential?page=1&count=1")
        .token(&token)
        .send()
        .await;
    roles.assert_ok(200);
}

#[tokio::test]
async fn the_same_pair_is_always_the_same_user() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let first = signer(JWT_SECRET).verify(&token).unwrap();
    assert_eq!(first.user_id().unwrap(), id);
    let admin_again = app.admin_token().await;
    let admin_id = signer(JWT_SECRET)
        .verify(&admin_again)
        .unwrap()
        .user_id()
        .unwrap();
    assert_ne!(admin_id, id);
    assert_eq!(
        signer(JWT_SECRET)
            .verify(&app.admin_token().await)
            .unwrap()
            .user_id()
            .unwrap(),
        admin_id
    );
}

#[tokio::test]
async fn concurrent_first_sign_ins_create_one_user() {
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    app.post(
        "/v1/admin/credential",
        json!({"i_code": "race", "order_no": 77, "roles": []}),
    )
    .token(&admin)
    .send()
    .await
    .assert_ok(201);
    let attempts = (0..10).map(|_| {
        app.post("/v1/token", json!({"i_code": "race", "order_no": 77}))
            .send()
    });
    let responses = futures::future::join_all(attempts).await;
    let signer = signer(JWT_SECRET);
    let mut ids: Vec<u64> = responses
        .iter()
        .map(|response| {
            response.assert_ok(200);
            signer
                .verify(response.data()["token"].as_str().unwrap())
                .unwrap()
                .user_id()
                .unwrap()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "several users for one pair: {ids:?}");
}

#[tokio::test]
async fn unknown_pair_is_9999() {
    let app = TestApp::new().await;
    let response = app
        .post("/v1/token", json!({"i_code": "nobody", "order_no": 123}))
        .send()
        .await;
    response.assert_error(400, 9999);
    assert_eq!(response.body["request"], "POST /v1/token");
}

#[tokio::test]
async fn malformed_json_is_10000() {
    let app = TestApp::new().await;
    let response = app
        .request(axum::http::Method::POST, "/v1/token")
        .raw_body(b"{\"i_code\": ")
        .send()
        .await;
    response.assert_error(400, 10000);
}

#[tokio::test]
async fn wrong_field_types_are_10000_naming_the_field() {
    let app = TestApp::new().await;
    for (body, field) in [
        (json!({"i_code": "a", "order_no": "abc"}), "order_no"),
        (json!({"i_code": 5, "order_no": 1}), "i_code"),
        (json!({"i_code": "a", "order_no": -1}), "order_no"),
        (json!({"i_code": "a"}), "order_no"),
        (json!({"i_code": "has space", "order_no": 1}), "i_code"),
    ] {
        let response = app.post("/v1/token", body.clone()).send().await;
        response.assert_error(400, 10000);
        let message = response.body["message"].as_str().unwrap();
        assert!(message.contains(field), "{body}: {message}");
    }
    let response = app
        .post("/v1/token/verify", json!({"token": 5}))
        .send()
        .await;
    response.assert_error(400, 10000);
}

#[tokio::test]
async fn verify_answers_false_for_bad_tokens() {
    let app = TestApp::new().await;
    for token in ["", "garbage", "a.b.c"] {
        let response = app
            .post("/v1/token/verify", json!({ "token": token }))
            .send()
            .await;
        response.assert_ok(200);
        assert_eq!(response.data()["valid"], false);
    }
}

#[tokio::test]
async fn missing_token_is_10001() {
    let app = TestApp::new().await;
    app.get("/v1/user").send().await.assert_error(401, 10001);
    app.get("/v1/user")
        .token("")
        .send()
        .await
        .assert_error(401, 10001);
}

#[tokio::test]
async fn malformed_token_is_10002() {
    let app = TestApp::new().await;
    app.get("/v1/user")
        .token("not-a-jwt")
        .send()
        .await
        .assert_error(401, 10002);
}

#[tokio::test]
async fn token_signed_with_another_key_is_10002() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    app.get("/v1/user")
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    let forged = signer("another-key")
        .issue(id, 0, shared::time::now())
        .unwrap();
    app.get("/v1/user")
        .token(&forged)
        .send()
        .await
        .assert_error(401, 10002);
}

#[tokio::test]
async fn a_token_of_another_stack_is_10002_though_it_shares_the_secret() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let session = signer(JWT_SECRET).verify(&token).unwrap().sv;
    let other_stack = TokenScope {
        issuer: "arn:aws:cloudformation:ap-east-1:1:stack/homemaking-prod/1".into(),
        audience: "homemaking-prod".into(),
    };
    let foreign = TokenSigner::new(JWT_SECRET.as_bytes(), 3600, other_stack)
        .issue(id, session, shared::time::now())
        .unwrap();
    app.get("/v1/user")
        .token(&foreign)
        .send()
        .await
        .assert_error(401, 10002);
    let verified = app
        .post("/v1/token/verify", json!({ "token": foreign }))
        .send()
        .await;
    assert_eq!(verified.data(), &json!({ "valid": false }));
    app.get("/v1/user")
        .token(&token)
        .send()
        .await
        .assert_ok(200);
}

#[tokio::test]
async fn alg_none_is_10002() {
    let app = TestApp::new().await;
    let (_, id) = app.member(&[], None).await;
    let now = shared::time::now();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = json!({"sub": id.to_string(), "roles": ["admin"], "iat": now, "exp": now + 3600});
    let token = format!("{header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()));
    app.get("/v1/user")
        .token(&token)
        .send()
        .await
        .assert_error(401, 10002);
}

#[tokio::test]
async fn expired_token_is_10002() {
    let app = TestApp::new().await;
    let (_, id) = app.member(&[], None).await;
    let expired = signer(JWT_SECRET)
        .issue(id, 0, shared::time::now() - 3600)
        .unwrap();
    app.get("/v1/user")
        .token(&expired)
        .send()
        .await
        .assert_error(401, 10002);
    let verified = app
        .post("/v1/token/verify", json!({ "token": expired }))
        .send()
        .await;
    assert_eq!(verified.data()["valid"], false);
}

#[tokio::test]
async fn token_is_read_from_bearer_and_cookie() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    app.get("/v1/user")
        .header("authorization", &format!("Bearer {token}"))
        .send()
        .await
        .assert_ok(200);
    app.get("/v1/user")
        .header("cookie", &format!("theme=dark; token={token}"))
        .send()
        .await
        .assert_ok(200);
}
