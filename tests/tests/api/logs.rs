//! Logs never carry secrets: the JWT secret, tokens and IM signatures stay out of every
//! line a full sign-in / profile / failure run writes.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use api_tests::app::{TestApp, JWT_SECRET, TIM_SECRET_KEY};
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
    ] {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
}
