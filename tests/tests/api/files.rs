//! Uploads end to end against s3s-fs and DynamoDB Local: presign → signed PUT → the
//! S3 event → variants, the limits of both upload routes, and the pipeline's refusals.

use api_tests::app::{test_config, TestApp};
use api_tests::images::{encode, header_markers, jpeg, png_header_bomb, split_frame, with_exif};
use api_tests::s3_event::object_created;
use image::{GenericImageView, ImageFormat};
use image_variants::Outcome;
use serde_json::{json, Value};
use shared::file::{FileStatus, Variant, MAX_FILES, MAX_FILE_BYTES};

/// Presigns one file and answers the presign entry.
pub async fn presign(app: &TestApp, token: &str, content_type: &str, size: usize) -> Value {
    let response = app
        .post(
            "/v1/file/presign",
            json!({ "files": [{ "key": "photo", "content_type": content_type, "size": size }] }),
        )
        .token(token)
        .send()
        .await;
    response.assert_ok(201);
    response.data()[0].clone()
}

/// PUTs `body` to a presigned entry with its signed headers, optionally overriding some.
pub async fn put(entry: &Value, body: Vec<u8>, overrides: &[(&str, &str)]) -> reqwest::Response {
    let client = reqwest::Client::new();
    let mut request = client.put(entry["upload_url"].as_str().unwrap_or_default());
    for (name, value) in entry["headers"].as_object().into_iter().flatten() {
        if name.eq_ignore_ascii_case("content-length") {
            continue; // reqwest sets it from the body
        }
        if !overrides.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            request = request.header(name, value.as_str().unwrap_or_default());
        }
    }
    for (name, value) in overrides {
        request = request.header(*name, *value);
    }
    request.body(body).send().await.unwrap()
}

/// Uploads `body` through a presigned URL and answers (file id, object key, ETag).
pub async fn upload(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u64, String, String) {
    let entry = presign(app, token, content_type, body.len()).await;
    let response = put(&entry, body, &[]).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let id = entry["id"].as_u64().unwrap();
    let file = app.state.store().file(id).await.unwrap().unwrap();
    (id, file.key, etag)
}

/// Delivers the S3 event for `key` to the pipeline, as S3 (or the local bridge) does.
pub async fn deliver(app: &TestApp, key: &str, etag: &str, delivery: &str) -> Outcome {
    let event = object_created(app.state.bucket().unwrap(), key, etag, 0);
    let mut outcomes =
        image_variants::handle(&app.function_state("image-variants"), event, delivery)
            .await
            .unwrap();
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0)
}

async fn object(app: &TestApp, key: &str) -> Option<Vec<u8>> {
    app.object(key).await
}

/// The object key of `variant` of file `id`, by its record's variant folder.
pub async fn variant_key(app: &TestApp, id: u64, variant: Variant) -> String {
    let file = app.state.store().file(id).await.unwrap().unwrap();
    file.variant_folder().key(variant)
}

/// The object key of the variant named `name` of file `id`.
async fn variant_key_named(app: &TestApp, id: u64, name: &str) -> String {
    let variant = Variant::ALL
        .into_iter()
        .find(|variant| variant.name() == name)
        .unwrap();
    variant_key(app, id, variant).await
}

/// The variant token of file `id`.
pub async fn token_of(app: &TestApp, id: u64) -> String {
    let file = app.state.store().file(id).await.unwrap().unwrap();
    let token = file.variant_token.unwrap();
    assert_eq!(token.len(), 32, "{token}");
    token
}

async fn variant(app: &TestApp, id: u64, name: &str) -> image::DynamicImage {
    let bytes = object(app, &variant_key_named(app, id, name).await)
        .await
        .unwrap_or_else(|| panic!("no {name} variant"));
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
    image::load_from_memory(&bytes).unwrap()
}

async fn failed_reason(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> String {
    let (id, key, etag) = upload(app, token, content_type, body).await;
    let outcome = deliver(app, &key, &etag, "d1").await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    let file = app.get(&format!("/v1/file/{id}")).token(token).send().await;
    file.assert_ok(200);
    assert_eq!(file.data()["status"], "failed");
    assert_eq!(file.data()["photo"], Value::Null);
    assert!(object(app, &variant_key(app, id, Variant::Ori).await)
        .await
        .is_none());
    file.data()["reason"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn presign_put_event_ready_with_four_variants() {
    let app = TestApp::new().await;
    let (token, user) = app.member(&[], None).await;
    let entry = presign(&app, &token, "image/jpeg", 10).await;
    assert_eq!(entry["method"], "PUT");
    assert_eq!(entry["expires_in"], 900);
    assert_eq!(entry["key"], "photo");
    let headers = entry["headers"].as_object().unwrap();
    assert!(headers
        .keys()
        .any(|h| h.eq_ignore_ascii_case("content-type")));

    let (id, key, etag) = upload(&app, &token, "image/jpeg", jpeg(2600, 1300)).await;
    assert_eq!(key, format!("uploads/{user}/{id}"));
    let pending = app
        .get(&format!("/v1/file/{id}"))
        .token(&token)
        .send()
        .await;
    pending.assert_ok(200);
    assert_eq!(pending.data()["status"], "pending");
    assert_eq!(pending.data()["path"], Value::Null);

    assert_eq!(
        deliver(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    let file = app
        .get(&format!("/v1/file/{id}"))
        .token(&token)
        .send()
        .await;
    file.assert_ok(200);
    assert_eq!(file.data()["status"], "ready");
    let token = token_of(&app, id).await;
    assert_eq!(
        file.data()["path"],
        format!("http://assets.test/variants/{token}/ori.jpg")
    );
    assert_eq!(
        file.data()["photo"]["sml"],
        format!("http://assets.test/variants/{token}/sml.jpg")
    );
    for (name, size) in [
        ("ori", (2600, 1300)),
        ("big", (1920, 960)),
        ("mid", (960, 480)),
        ("sml", (320, 160)),
    ] {
        assert_eq!(variant(&app, id, name).await.dimensions(), size, "{name}");
    }
    // The original, metadata and all, is not kept once the variants exist.
    assert!(object(&app, &key).await.is_none());
}

#[tokio::test]
async fn small_images_are_never_upscaled() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let png = encode(&split_frame(500, 200), ImageFormat::Png);
    let (id, key, etag) = upload(&app, &token, "image/png", png).await;
    assert_eq!(
        deliver(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    for (name, size) in [
        ("ori", (500, 200)),
        ("big", (500, 200)),
        ("mid", (500, 200)),
        ("sml", (320, 128)),
    ] {
        assert_eq!(variant(&app, id, name).await.dimensions(), size, "{name}");
    }
}

#[tokio::test]
async fn exif_orientation_6_comes_out_upright_and_no_metadata_survives() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    // Stored 400×200, left red / right blue; orientation 6 shows it turned clockwise:
    // 200×400, red on top, blue below.
    let photo = with_exif(&jpeg(400, 200), 6);
    assert!(header_markers(&photo).contains(&0xE1));
    let (id, key, etag) = upload(&app, &token, "image/jpeg", photo).await;
    assert_eq!(
        deliver(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    for name in ["ori", "big", "mid", "sml"] {
        let bytes = object(&app, &variant_key_named(&app, id, name).await)
            .await
            .unwrap();
        let markers = header_markers(&bytes);
        assert!(
            !markers.iter().any(|m| (0xE1..=0xEF).contains(m)),
            "{name} keeps APPn: {markers:x?}"
        );
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} keeps EXIF");
        let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert!(image.height() > image.width(), "{name} is not upright");
        let top = image.get_pixel(image.width() / 2, image.height() / 8);
        let bottom = image.get_pixel(image.width() / 2, image.height() * 7 / 8);
        assert!(top[0] > 180 && top[2] < 80, "{name} top {top:?}");
        assert!(
            bottom[2] > 180 && bottom[0] < 80,
            "{name} bottom {bottom:?}"
        );
    }
    assert_eq!(variant(&app, id, "ori").await.dimensions(), (200, 400));
}

#[tokio::test]
async fn a_text_file_named_jpg_fails() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let reason = failed_reason(
        &app,
        &token,
        "image/jpeg",
        b"just some text, not a photo".to_vec(),
    )
    .await;
    assert!(reason.contains("not a JPEG, PNG or WebP"), "{reason}");
}

#[tokio::test]
async fn a_truncated_jpeg_fails() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let mut photo = jpeg(640, 480);
    photo.truncate(photo.len() * 2 / 3);
    let reason = failed_reason(&app, &token, "image/jpeg", photo).await;
    assert!(reason.contains("cannot be decoded"), "{reason}");
}

#[tokio::test]
async fn a_png_header_bomb_fails_before_decoding() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let reason = failed_reason(&app, &token, "image/png", png_header_bomb(50_000, 50_000)).await;
    // Refused on the header's numbers: 7.5 GB of pixels were never allocated.
    assert!(
        reason.contains("50000×50000") && reason.contains("40 megapixel"),
        "{reason}"
    );
}

#[tokio::test]
async fn redelivery_is_a_no_op() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let (id, key, etag) = upload(&app, &token, "image/jpeg", jpeg(800, 600)).await;
    assert_eq!(
        deliver(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    let before = app.state.store().file(id).await.unwrap();
    let again = deliver(&app, &key, &etag, "d2").await;
    assert!(matches!(again, Outcome::Skipped { .. }), "{again:?}");
    assert_eq!(app.state.store().file(id).await.unwrap(), before);
}

#[tokio::test]
async fn two_deliveries_at_once_produce_one_result() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let (id, key, etag) = upload(&app, &token, "image/jpeg", jpeg(1200, 900)).await;
    let (first, second) = tokio::join!(
        deliver(&app, &key, &etag, "d1"),
        deliver(&app, &key, &etag, "d2")
    );
    let ready = [&first, &second]
        .iter()
        .filter(|o| ***o == Outcome::Ready { id })
        .count();
    let skipped = [&first, &second]
        .iter()
        .filter(|o| matches!(o, Outcome::Skipped { .. }))
        .count();
    assert_eq!((ready, skipped), (1, 1), "{first:?} {second:?}");
    let file = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(
        (file.status, file.claim, file.width),
        (FileStatus::Ready, None, Some(1200))
    );
}

#[tokio::test]
async fn the_signed_put_refuses_another_type_a_larger_body_and_expiry() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let body = jpeg(64, 64);
    let entry = presign(&app, &token, "image/jpeg", body.len()).await;
    let other_type = put(&entry, body.clone(), &[("content-type", "image/png")]).await;
    assert_eq!(other_type.status(), 403);
    let mut larger = body.clone();
    larger.extend_from_slice(&[0; 1024]);
    assert_eq!(put(&entry, larger, &[]).await.status(), 403);
    // Signed 16 minutes ago: expired.
    app.set_now(shared::time::now() - 16 * 60);
    let old = presign(&app, &token, "image/jpeg", body.len()).await;
    app.set_now(0);
    assert_eq!(put(&old, body.clone(), &[]).await.status(), 403);
    // The untouched request goes through.
    assert_eq!(put(&entry, body, &[]).await.status(), 200);
}

#[tokio::test]
async fn presign_needs_a_token() {
    let app = TestApp::new().await;
    let body = json!({ "files": [{ "key": "a", "content_type": "image/jpeg", "size": 1 }] });
    app.post("/v1/file/presign", body)
        .send()
        .await
        .assert_error(401, 10001);
}

#[tokio::test]
async fn presign_limits() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let file = |content_type: &str, size: u64| json!({ "key": "a", "content_type": content_type, "size": size });
    let send = |files: Vec<Value>| {
        app.post("/v1/file/presign", json!({ "files": files }))
            .token(&token)
            .send()
    };
    send(vec![]).await.assert_error(400, 10003);
    send(vec![file("image/gif", 10)])
        .await
        .assert_error(400, 10004);
    send(vec![file("image/jpeg", 10); MAX_FILES + 1])
        .await
        .assert_error(400, 10005);
    send(vec![file("image/webp", MAX_FILE_BYTES + 1)])
        .await
        .assert_error(400, 10006);
    send(vec![file("image/png", 0)])
        .await
        .assert_error(400, 10000);
    let missing = app
        .post("/v1/file/presign", json!({ "files": [{ "key": "a" }] }))
        .token(&token)
        .send()
        .await;
    missing.assert_error(400, 10000);
    let nine = send(vec![file("image/webp", MAX_FILE_BYTES); MAX_FILES]).await;
    nine.assert_ok(201);
    assert_eq!(nine.data().as_array().unwrap().len(), MAX_FILES);
}

#[tokio::test]
async fn file_view_is_for_the_owner_or_an_admin() {
    let app = TestApp::new().await;
    let (owner, owner_id) = app.member(&[], None).await;
    let (stranger, _) = app.member(&[], None).await;
    let id = app.ready_file(owner_id).await;
    let path = format!("/v1/file/{id}");
    app.get(&path).token(&owner).send().await.assert_ok(200);
    app.get(&path)
        .token(&app.admin_token().await)
        .send()
        .await
        .assert_ok(200);
    app.get(&path)
        .token(&stranger)
        .send()
        .await
        .assert_error(403, 10010);
    app.get("/v1/file/999999")
        .token(&owner)
        .send()
        .await
        .assert_error(404, 10008);
    app.get(&path).send().await.assert_error(401, 10001);
}

/// A multipart body with `(field, file name, content type, bytes)` parts.
fn multipart(parts: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----homemaking-test-boundary";
    let mut body = Vec::new();
    for (field, file_name, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if file_name.is_empty() {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"\r\n\r\n").as_bytes(),
            );
        } else {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn post_form(
    app: &TestApp,
    token: Option<&str>,
    parts: &[(&str, &str, &str, &[u8])],
) -> api_tests::app::TestResponse {
    let (content_type, body) = multipart(parts);
    let mut request = app
        .request(axum::http::Method::POST, "/v1/file")
        .header("content-type", &content_type)
        .raw_body(&body);
    if let Some(token) = token {
        request = request.token(token);
    }
    request.send().await
}

#[tokio::test]
async fn multipart_upload_answers_the_seed_shape_once_the_variants_exist() {
    let app = TestApp::new().await;
    let (token, user) = app.member(&[], None).await;
    let photo = jpeg(1000, 500);
    let png = encode(&split_frame(300, 300), ImageFormat::Png);
    app.calls();
    let response = post_form(
        &app,
        Some(&token),
        &[
            ("file1", "a.jpg", "image/jpeg", &photo),
            ("note", "", "", b"ignored text field"),
            ("file2", "b.png", "application/octet-stream", &png),
        ],
    )
    .await;
    response.assert_ok(201);
    assert_eq!(app.calls(), ["GetItem", "UpdateItem", "TransactWriteItems"]);
    let data = response.data().as_array().unwrap().clone();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["key"], "file1");
    assert_eq!(data[1]["key"], "file2");
    let id = data[0]["id"].as_u64().unwrap();
    let token = token_of(&app, id).await;
    assert_eq!(
        data[0]["path"],
        format!("http://assets.test/variants/{token}/ori.jpg")
    );
    // Ready at once: the variants are in the bucket, the record says so, no original is
    // kept and no upload event will follow.
    assert_eq!(variant(&app, id, "mid").await.dimensions(), (960, 480));
    assert_eq!(variant(&app, id, "ori").await.dimensions(), (1000, 500));
    let record = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(record.status, FileStatus::Ready);
    assert_eq!((record.owner_id, record.expires_at), (Some(user), None));
    assert_eq!(object(&app, &format!("uploads/{user}/{id}")).await, None);
}

#[tokio::test]
async fn multipart_without_a_token_is_unowned_until_first_used() {
    let app = TestApp::new().await;
    let response = post_form(&app, None, &[("0", "tmp.jpg", "image/jpeg", &jpeg(64, 48))]).await;
    response.assert_ok(201);
    let id = response.data()[0]["id"].as_u64().unwrap();
    let record = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(record.owner_id, None);
    assert_eq!(
        record.expires_at,
        Some(record.created_at + shared::file::UNCLAIMED_TTL_SECONDS),
        "unclaimed uploads expire after a day"
    );
    // The table expires such records by itself (TTL on the attribute the record carries).
    let ttl = app
        .state
        .store()
        .client()
        .describe_time_to_live()
        .table_name(&app.table)
        .send()
        .await
        .unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert!(serde_json::to_value(&record).unwrap()["expires_at"].is_i64());
    // Ids are sequential: nobody but an admin reads an unowned upload by its id (its
    // uploader has its URLs from the answer).
    let (token, _) = app.member(&[], None).await;
    app.get(&format!("/v1/file/{id}"))
        .token(&token)
        .send()
        .await
        .assert_error(403, 10010);
    let shown = app
        .get(&format!("/v1/file/{id}"))
        .token(&app.admin_token().await)
        .send()
        .await;
    shown.assert_ok(200);
    assert_eq!(shown.data()["status"], "ready");
    // An empty token header (what the clients send before login) is no token.
    post_form(
        &app,
        Some(""),
        &[("0", "tmp.jpg", "image/jpeg", &jpeg(8, 8))],
    )
    .await
    .assert_ok(201);
    // A token that is sent must be good.
    post_form(
        &app,
        Some("x.y.z"),
        &[("0", "tmp.jpg", "image/jpeg", &jpeg(8, 8))],
    )
    .await
    .assert_error(401, 10002);
}

/// What the table's stream delivers when TTL removes file `id`'s record (the filter of
/// template.yaml lets only these through): its keys and, with `old_image`, the item as it
/// was (`StreamViewType: OLD_IMAGE`).
fn ttl_removal(id: u64, old_image: Option<Value>) -> aws_lambda_events::event::dynamodb::Event {
    let keys = json!({"PK": {"S": format!("FILE#{id}")}, "SK": {"S": "FILE"}});
    let mut change = json!({
        "ApproximateCreationDateTime": 1_700_000_000,
        "Keys": keys,
        "SequenceNumber": "1", "SizeBytes": 20, "StreamViewType": "KEYS_ONLY"
    });
    if let Some(image) = old_image {
        change["OldImage"] = image;
        change["StreamViewType"] = json!("OLD_IMAGE");
    }
    serde_json::from_value(json!({"Records": [{
        "eventID": "1", "eventName": "REMOVE", "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "dynamodb": change
    }]}))
    .unwrap()
}

/// The stored item of file `id` in the stream's JSON form, as `OldImage` carries it.
async fn old_image(app: &TestApp, id: u64) -> Value {
    let item = app
        .state
        .store()
        .client()
        .get_item()
        .table_name(&app.table)
        .key(
            "PK",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("FILE#{id}")),
        )
        .key(
            "SK",
            aws_sdk_dynamodb::types::AttributeValue::S("FILE".into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let image: serde_json::Map<String, Value> = item
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                aws_sdk_dynamodb::types::AttributeValue::S(text) => json!({ "S": text }),
                aws_sdk_dynamodb::types::AttributeValue::N(number) => json!({ "N": number }),
                other => panic!("unexpected attribute {name}: {other:?}"),
            };
            (name, value)
        })
        .collect();
    Value::Object(image)
}

#[tokio::test]
async fn expired_unclaimed_uploads_lose_their_variants() {
    let app = TestApp::new().await;
    let response = post_form(&app, None, &[("0", "tmp.jpg", "image/jpeg", &jpeg(64, 48))]).await;
    let id = response.data()[0]["id"].as_u64().unwrap();
    let sml = variant_key(&app, id, Variant::Sml).await;
    assert!(object(&app, &sml).await.is_some());
    let image = old_image(&app, id).await;
    let outcomes = image_variants::handle_expired(
        &app.function_state("image-variants"),
        ttl_removal(id, Some(image.clone())),
    )
    .await
    .unwrap();
    assert_eq!(outcomes, [Outcome::Expired { id }]);
    for variant in Variant::ALL {
        let key = variant_key(&app, id, variant).await;
        assert_eq!(object(&app, &key).await, None, "{key}");
    }
    // A redelivery finds nothing left to delete and succeeds.
    assert!(image_variants::handle_expired(
        &app.function_state("image-variants"),
        ttl_removal(id, Some(image))
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn expired_files_from_before_tokens_lose_the_variants_under_their_id() {
    let app = TestApp::new().await;
    let id = 424_242;
    let s3 = app.state.s3();
    for variant in Variant::ALL {
        s3.put_object()
            .bucket(app.state.bucket().unwrap())
            .key(format!("variants/{id}/{}.jpg", variant.name()))
            .body(jpeg(8, 8).into())
            .send()
            .await
            .unwrap();
    }
    // Whether the stream sends the old image (without a token) or keys only.
    let legacy_image = json!({"PK": {"S": format!("FILE#{id}")}, "SK": {"S": "FILE"}});
    for event in [ttl_removal(id, Some(legacy_image)), ttl_removal(id, None)] {
        let outcomes = image_variants::handle_expired(&app.function_state("image-variants"), event)
            .await
            .unwrap();
        assert_eq!(outcomes, [Outcome::Expired { id }]);
        for variant in Variant::ALL {
            let key = format!("variants/{id}/{}.jpg", variant.name());
            assert_eq!(object(&app, &key).await, None, "{key}");
        }
    }
}

#[tokio::test]
async fn multipart_that_is_not_an_image_is_10004_and_records_nothing() {
    let app = TestApp::new().await;
    post_form(
        &app,
        None,
        &[("file1", "a.jpg", "image/jpeg", b"not a jpeg at all")],
    )
    .await
    .assert_error(400, 10004);
    assert_eq!(app.state.store().file(1).await.unwrap(), None);
}

#[tokio::test]
async fn multipart_without_a_file_is_10003() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    post_form(&app, Some(&token), &[("note", "", "", b"text only")])
        .await
        .assert_error(400, 10003);
    let not_a_form = app
        .post("/v1/file", json!({ "file1": "x" }))
        .token(&token)
        .send()
        .await;
    not_a_form.assert_error(400, 10003);
}

#[tokio::test]
async fn multipart_of_another_type_is_10004() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    post_form(
        &app,
        Some(&token),
        &[("file1", "a.gif", "image/gif", b"GIF89a")],
    )
    .await
    .assert_error(400, 10004);
}

#[tokio::test]
async fn multipart_of_ten_files_is_10005() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let names: Vec<String> = (1..=MAX_FILES + 1).map(|n| format!("file{n}")).collect();
    let parts: Vec<(&str, &str, &str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), "a.jpg", "image/jpeg", &b"x"[..]))
        .collect();
    post_form(&app, Some(&token), &parts)
        .await
        .assert_error(400, 10005);
}

#[tokio::test]
async fn multipart_over_4_mib_is_10006() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let big = vec![0u8; 2 * 1024 * 1024 + 1];
    let response = post_form(
        &app,
        Some(&token),
        &[
            ("file1", "a.jpg", "image/jpeg", &big),
            ("file2", "b.jpg", "image/jpeg", &big),
        ],
    )
    .await;
    response.assert_error(400, 10006);
}

#[tokio::test]
async fn multipart_storage_failure_is_10007() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let mut config = test_config(&app.table);
    config.bucket_name = Some("Not_A_Valid_Bucket".to_owned());
    let router = files::router(app.function_state("files").with_config(config));
    let (content_type, body) = multipart(&[("file1", "a.jpg", "image/jpeg", &jpeg(32, 32))]);
    let response = app
        .request(axum::http::Method::POST, "/v1/file")
        .header("content-type", &content_type)
        .raw_body(&body)
        .token(&token)
        .send_to(router)
        .await;
    response.assert_error(500, 10007);
}

#[tokio::test]
async fn a_webp_original_becomes_jpeg_variants() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let webp = encode(&split_frame(1000, 2000), ImageFormat::WebP);
    assert_eq!(image::guess_format(&webp).unwrap(), ImageFormat::WebP);
    let (id, key, etag) = upload(&app, &token, "image/webp", webp).await;
    assert_eq!(
        deliver(&app, &key, &etag, "d1").await,
        Outcome::Ready { id }
    );
    for (name, size) in [
        ("ori", (1000, 2000)),
        ("big", (960, 1920)),
        ("sml", (160, 320)),
    ] {
        assert_eq!(variant(&app, id, name).await.dimensions(), size, "{name}");
    }
}
