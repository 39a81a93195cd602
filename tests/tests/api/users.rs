//! `GET/PUT /v1/user`, `GET /v1/user/sign`.

use api_tests::app::{TestApp, TIM_SDK_APP_ID, TIM_SECRET_KEY};
use serde_json::{json, Value};

#[tokio::test]
async fn new_user_has_the_seed_shape() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let response = app.get("/v1/user").token(&token).send().await;
    response.assert_ok(200);
    let user = response.data();
    assert_eq!(user["id"], id);
    assert!(user["nickname"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(user["avatar"], "");
    assert_eq!(user["real_name"], Value::Null);
    assert_eq!(user["gender"], 0);
    assert_eq!(user["tel"], Value::Null);
    assert_eq!(user.as_object().unwrap().len(), 6, "{user}");
}

#[tokio::test]
async fn update_answers_and_keeps_the_profile() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let body = json!({
        "nickname": "沁塵",
        "avatar": "https://example.com/a.png",
        "gender": 1,
        "real_name": "沁塵",
        "tel": "020-81167888",
        "id": 999,
        "roles": ["admin"]
    });
    let response = app.put("/v1/user", body).token(&token).send().await;
    response.assert_ok(200);
    let expected = json!({
        "id": id,
        "nickname": "沁塵",
        "avatar": "https://example.com/a.png",
        "real_name": "沁塵",
        "gender": 1,
        "tel": "020-81167888"
    });
    assert_eq!(response.data(), &expected);
    let shown = app.get("/v1/user").token(&token).send().await;
    assert_eq!(shown.data(), &expected);
    let stored = app.state.store().user(id).await.unwrap().unwrap();
    assert!(stored.roles.is_empty(), "a body must not grant roles");
    let kept = app
        .put(
            "/v1/user",
            json!({"nickname": "n", "avatar": "", "gender": 2}),
        )
        .token(&token)
        .send()
        .await;
    kept.assert_ok(200);
    assert_eq!(
        kept.data()["real_name"],
        "沁塵",
        "fields not sent keep their value"
    );
    assert_eq!(kept.data()["tel"], "020-81167888");
    let cleared = app
        .put("/v1/user", json!({"real_name": "", "tel": null}))
        .token(&token)
        .send()
        .await;
    cleared.assert_ok(200);
    assert_eq!(cleared.data()["real_name"], Value::Null);
    assert_eq!(cleared.data()["tel"], Value::Null);
    assert_eq!(cleared.data()["nickname"], "n");
}

#[tokio::test]
async fn partial_edits_change_only_what_is_sent() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let full = json!({"nickname": "沁塵", "avatar": "https://example.com/a.png", "gender": 1});
    app.put("/v1/user", full)
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    // The profile page of one course client sends only `gender`, as a digit string here;
    // WeChat's "unknown" is 0.
    let response = app
        .put("/v1/user", json!({"gender": "0"}))
        .token(&token)
        .send()
        .await;
    response.assert_ok(200);
    assert_eq!(
        response.data(),
        &json!({"id": id, "nickname": "沁塵", "avatar": "https://example.com/a.png",
                "real_name": null, "gender": 0, "tel": null})
    );
    let empty = app.put("/v1/user", json!({})).token(&token).send().await;
    assert_eq!(
        empty.data(),
        response.data(),
        "an empty edit changes nothing"
    );
}

#[tokio::test]
async fn invalid_profiles_are_10000() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    for (body, field) in [
        (
            json!({"nickname": "", "avatar": "", "gender": 1}),
            "nickname",
        ),
        (
            json!({"nickname": "n", "avatar": "", "gender": 5}),
            "gender",
        ),
        (
            json!({"nickname": "n", "avatar": "", "gender": "male"}),
            "gender",
        ),
        (json!({"nickname": "n", "gender": 1, "avatar": 5}), "avatar"),
        (json!({"real_name": "x".repeat(33)}), "real_name"),
        (
            json!({"nickname": "n", "avatar": "", "gender": 1, "tel": "call me"}),
            "tel",
        ),
        (
            json!({"nickname": "n".repeat(33), "avatar": "", "gender": 1}),
            "nickname",
        ),
    ] {
        let response = app.put("/v1/user", body.clone()).token(&token).send().await;
        response.assert_error(400, 10000);
        let message = response.body["message"].as_str().unwrap();
        assert!(message.contains(field), "{body}: {message}");
    }
}

#[tokio::test]
async fn profile_routes_need_a_token() {
    let app = TestApp::new().await;
    app.put(
        "/v1/user",
        json!({"nickname": "n", "avatar": "", "gender": 1}),
    )
    .send()
    .await
    .assert_error(401, 10001);
    app.get("/v1/user/sign")
        .send()
        .await
        .assert_error(401, 10001);
    app.get("/v1/user/sign")
        .token("x.y.z")
        .send()
        .await
        .assert_error(401, 10002);
}

#[tokio::test]
async fn im_signature_is_a_valid_user_sig() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let response = app.get("/v1/user/sign").token(&token).send().await;
    response.assert_ok(200);
    assert_eq!(response.data()["user_id"], id);
    let sign = response.data()["sign"].as_str().unwrap();
    let document = shared::tim::decode_user_sig(sign).unwrap();
    assert_eq!(document["TLS.identifier"], id.to_string());
    assert_eq!(document["TLS.sdkappid"], TIM_SDK_APP_ID);
    assert_eq!(document["TLS.expire"], 180 * 24 * 3600);
    let time = document["TLS.time"].as_i64().unwrap();
    let expected = shared::tim::signature(
        TIM_SECRET_KEY,
        &id.to_string(),
        TIM_SDK_APP_ID,
        time,
        180 * 24 * 3600,
    );
    assert_eq!(document["TLS.sig"], expected);
}
