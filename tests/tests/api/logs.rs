//! Logs never carry secrets: the JWT secret, tokens and IM signatures stay out of every
//! line a full run writes: sign-ins of every kind (token, mobilization cookie login), tokens
//! sent in each accepted place (header, Bearer, cookie), failures, and presigned upload URLs.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use api_tests::app::{TestApp, JWT_SECRET, TIM_SECRET_KEY};
use api_tests::mobilization::{cookie, login, office_commander, seed, HAIZHU};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs (once) a process-wide JSON subscriber at TRACE that keeps every line. Global,
/// not per-thread: callsites first hit by concurrently running tests must not be cached as
/// uninteresting.
fn capture_all_logs() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .unwrap_or_else(|error| panic!("another global subscriber: {error}"));
            captured
        })
        .clone()
}

#[tokio::test]
async fn secrets_and_tokens_never_reach_the_logs() {
    let captured = capture_all_logs();

    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let (token, _) = app.member(&[], None).await;
    let sign = app.get("/v1/user/sign").token(&token).send().await;
    sign.assert_ok(200);
    let signature = sign.data()["sign"].as_str().unwrap().to_owned();
    app.post("/v1/token/verify", json!({ "token": token }))
        .send()
        .await
        .assert_ok(200);
    app.get("/v1/user")
        .token(&format!("{token}x"))
        .send()
        .await
        .assert_error(401, 10002);
    app.get("/v1/admin/credential?page=1&count=1")
        .token(&token)
        .send()
        .await
        .assert_error(403, 10010);
    app.post("/v1/token", json!({"i_code": "nobody", "order_no": 9}))
        .send()
        .await
        .assert_error(400, 9999);

    // Mobilization: the directory import, the cookie login and a cookie-borne token (good
    // and forged); design: a Bearer token and the process read; files: a presigned URL.
    seed(&app).await;
    let member = login(&app, office_commander(HAIZHU)).await;
    let mine = app
        .get("/task/mine/10/1")
        .header("cookie", &cookie(&member))
        .send()
        .await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let forged = app
        .get("/task/mine/10/1")
        .header("cookie", &cookie(&format!("{member}x")))
        .send()
        .await;
    assert_eq!(forged.status, 302, "{}", forged.body);
    let bearer = format!("Bearer {token}");
    let task = app
        .post("/v1/design/task", crate::design::task_body(1))
        .header("authorization", &bearer)
        .send()
        .await;
    task.assert_ok(201);
    let process = app
        .post(
            "/getTaskProcess",
            json!({"task_id": task.data()["id"], "designer_id": 1}),
        )
        .header("authorization", &bearer)
        .send()
        .await;
    assert_eq!(process.status, 404, "{}", process.body);
    let presigned = app
        .post(
            "/v1/file/presign",
            json!({"files": [{"key": "a.jpg", "content_type": "image/jpeg", "size": 10}]}),
        )
        .token(&token)
        .send()
        .await;
    presigned.assert_ok(201);
    let url = presigned.data()[0]["upload_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let url_signature = url.split("X-Amz-Signature=").nth(1).unwrap().to_owned();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("\"handled\""),
        "no request was logged: {text}"
    );
    for secret in [
        JWT_SECRET,
        TIM_SECRET_KEY,
        admin.as_str(),
        token.as_str(),
        signature.as_str(),
        member.as_str(),
        url_signature.as_str(),
    ] {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
}

/// The audit lines (`"audit": true`) whose actor is `actor`, as JSON.
fn audit_lines(captured: &Captured, actor: u64) -> Vec<serde_json::Value> {
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|line| line["fields"].clone())
        .filter(|fields| fields["audit"] == true && fields["actor_id"] == actor)
        .collect()
}

#[tokio::test]
async fn admin_and_commander_writes_leave_one_audit_line_each() {
    let captured = capture_all_logs();
    let app = TestApp::new().await;
    let admin = app.admin_token().await;
    let admin_id = app.get("/v1/user").token(&admin).send().await.data()["id"]
        .as_u64()
        .unwrap();
    let registered = app
        .post(
            "/v1/admin/credential",
            json!({"i_code": "audited", "order_no": 24_681_357}),
        )
        .token(&admin)
        .send()
        .await;
    registered.assert_ok(201);
    let credential = registered.data()["id"].as_u64().unwrap();
    app.request(axum::http::Method::DELETE, "/v1/admin/credential/999999")
        .token(&admin)
        .send()
        .await
        .assert_error(404, 10008);
    app.get("/v1/admin/credential?page=1&count=1")
        .token(&admin)
        .send()
        .await
        .assert_ok(200);
    seed(&app).await;
    let commander = login(&app, office_commander(HAIZHU)).await;
    let commander_id = {
        let me = app.get("/v1/user").token(&commander).send().await;
        me.data()["id"].as_u64().unwrap()
    };
    let finish = app
        .put("/task/finish", json!({"task_id": 424242}))
        .header("cookie", &cookie(&commander))
        .send()
        .await;
    assert_eq!(finish.status, 404, "{}", finish.body);

    let lines = audit_lines(&captured, admin_id);
    let routes: Vec<(String, serde_json::Value, String)> = lines
        .iter()
        .map(|line| {
            (
                line["route"].as_str().unwrap_or_default().to_owned(),
                line["target_id"].clone(),
                line["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        routes.contains(&(
            "POST /v1/admin/credential".to_owned(),
            json!(credential),
            "ok".to_owned()
        )),
        "{lines:?}"
    );
    assert!(
        routes.contains(&(
            "DELETE /v1/admin/credential/{id}".to_owned(),
            json!(999_999),
            "refused".to_owned()
        )),
        "{lines:?}"
    );
    assert!(
        !routes.iter().any(|(route, _, _)| route.starts_with("GET ")),
        "reads are not audited: {lines:?}"
    );
    let text = serde_json::to_string(&lines).unwrap();
    assert!(
        !text.contains("24681357") && !text.contains(&admin),
        "{text}"
    );
    let commander_lines = audit_lines(&captured, commander_id);
    assert!(
        commander_lines
            .iter()
            .any(|line| line["route"] == "PUT /task/finish" && line["outcome"] == "refused"),
        "{commander_lines:?}"
    );
}
