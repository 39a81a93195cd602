//! Attacks on photos, uploads and the personal data other people's records carry (OWASP API
//! Top 10 2023: API1 object level authorization, API3 object property level authorization,
//! API4 unrestricted resource consumption), one test per attack, named after what it stops.

use api_tests::app::{TestApp, TestResponse};
use api_tests::images::jpeg;
use image::{ImageFormat, RgbImage};
use image_variants::Outcome;
use serde_json::{json, Value};
use shared::file::{FileStatus, Variant, PRESIGNS_PER_HOUR};

use crate::design::{cast, designer_of, grab, member, open_task, step};
use crate::files::{deliver, post_form, presign, put, token_of, variant_key};
use crate::market::*;

/// The variant folder of an asset URL: `http://assets.test/variants/{folder}/{name}.jpg`.
fn folder_of(url: &Value) -> String {
    let url = url.as_str().unwrap_or_default();
    let rest = url
        .strip_prefix("http://assets.test/variants/")
        .unwrap_or_else(|| panic!("not a variant URL: {url}"));
    rest.split('/').next().unwrap_or_default().to_owned()
}

/// Sets `real_name` and `tel` of the user behind `token`.
async fn give_contact(app: &TestApp, token: &str, real_name: &str, tel: &str) {
    app.put("/v1/user", json!({ "real_name": real_name, "tel": tel }))
        .token(token)
        .send()
        .await
        .assert_ok(200);
}

/// Asserts that a user object shows (or hides, as `null`) its contact details.
#[track_caller]
fn assert_contact(user: &Value, shown: Option<(&str, &str)>) {
    match shown {
        Some((real_name, tel)) => {
            assert_eq!(
                (&user["real_name"], &user["tel"]),
                (&json!(real_name), &json!(tel))
            );
        }
        None => {
            assert_eq!(
                (&user["real_name"], &user["tel"]),
                (&Value::Null, &Value::Null)
            );
        }
    }
    assert!(user["nickname"].is_string(), "{user}");
    assert!(user["id"].is_u64(), "{user}");
}

/// A JPEG of `width`×`height` in one colour, padded after its end marker to `length` bytes
/// (decoders stop at the marker; a presigned URL signs the exact length).
fn plain_jpeg(width: u32, height: u32, rgb: [u8; 3], length: usize) -> Vec<u8> {
    let frame = RgbImage::from_pixel(width, height, image::Rgb(rgb));
    let mut bytes = std::io::Cursor::new(Vec::new());
    frame.write_to(&mut bytes, ImageFormat::Jpeg).unwrap();
    let mut bytes = bytes.into_inner();
    assert!(bytes.len() <= length, "{} > {length}", bytes.len());
    bytes.resize(length, 0);
    bytes
}

#[tokio::test]
async fn walking_variant_ids_finds_no_photo() {
    let app = TestApp::new().await;
    let (victim, _) = app.member(&[], None).await;
    let (attacker, _) = app.member(&[], None).await;
    // A payment voucher, uploaded as the clients do, and one sent without a token.
    let voucher = post_form(
        &app,
        Some(&victim),
        &[("0", "voucher.jpg", "image/jpeg", &jpeg(320, 240))],
    )
    .await;
    voucher.assert_ok(201);
    let id = voucher.data()[0]["id"].as_u64().unwrap();
    let path = voucher.data()[0]["path"].clone();
    let anonymous = post_form(&app, None, &[("0", "tmp.jpg", "image/jpeg", &jpeg(64, 48))]).await;
    anonymous.assert_ok(201);
    let unowned = anonymous.data()[0]["id"].as_u64().unwrap();
    // The photo is where its URL says.
    let key = format!("variants/{}/ori.jpg", folder_of(&path));
    assert!(app.object(&key).await.is_some(), "{key}");
    // Counting ids through the public asset prefix finds nothing at all.
    for n in 1..=unowned + 3 {
        for variant in Variant::ALL {
            let guess = format!("variants/{n}/{}.jpg", variant.name());
            assert_eq!(app.object(&guess).await, None, "{guess} exists");
        }
    }
    // Nor does counting ids through the API: a file is its owner's (or an admin's) to read,
    // and one nobody owns yet is an admin's only.
    for file in [id, unowned] {
        let read = app
            .get(&format!("/v1/file/{file}"))
            .token(&attacker)
            .send()
            .await;
        read.assert_error(403, 10010);
        assert_eq!(read.body["request"], format!("GET /v1/file/{file}"));
        assert_eq!(read.data(), &Value::Null);
    }
    let own = app
        .get(&format!("/v1/file/{id}"))
        .token(&victim)
        .send()
        .await;
    own.assert_ok(200);
    assert_eq!(own.data()["path"], path);
}

#[tokio::test]
async fn guessing_a_variant_key_needs_128_bits() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let photo = jpeg(96, 64);
    let parts: Vec<(&str, &str, &str, &[u8])> = ["1", "2", "3"]
        .iter()
        .map(|field| (*field, "a.jpg", "image/jpeg", &photo[..]))
        .collect();
    let uploaded = post_form(&app, Some(&token), &parts).await;
    uploaded.assert_ok(201);
    // Presigned uploads get a token too, at registration.
    let entry = presign(&app, &token, "image/jpeg", photo.len()).await;
    let presigned = entry["id"].as_u64().unwrap();
    let mut folders = vec![token_of(&app, presigned).await];
    for file in uploaded.data().as_array().unwrap() {
        let id = file["id"].as_u64().unwrap();
        let folder = folder_of(&file["path"]);
        // 32 hex digits: 128 bits from the OS generator, not the id in another form.
        assert_eq!(folder.len(), 32, "{folder}");
        assert!(
            folder
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{folder}"
        );
        assert_ne!(folder, id.to_string());
        assert_eq!(folder, token_of(&app, id).await);
        assert_eq!(
            variant_key(&app, id, Variant::Sml).await,
            format!("variants/{folder}/sml.jpg")
        );
        folders.push(folder);
    }
    let mut distinct = folders.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), folders.len(), "{folders:?}");
    // A neighbour's folder says nothing about the next one: they share no prefix worth
    // guessing from (16 bytes each, independent).
    assert_ne!(folders[1][..8], folders[2][..8]);
}

#[tokio::test]
async fn reusing_a_presigned_url_does_not_replace_a_photo() {
    let app = TestApp::new().await;
    let (token, user) = app.member(&[], None).await;
    let length = 4096;
    let first = plain_jpeg(64, 64, [200, 30, 30], length);
    let second = plain_jpeg(64, 64, [30, 200, 30], length);
    let entry = presign(&app, &token, "image/jpeg", length).await;
    let id = entry["id"].as_u64().unwrap();
    // The URL is signed for a write that S3 refuses over an existing object.
    let if_none_match = entry["headers"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("if-none-match"))
        .map(|(_, value)| value.clone());
    assert_eq!(if_none_match, Some(json!("*")), "{}", entry["headers"]);
    let uploaded = put(&entry, first, &[]).await;
    assert_eq!(uploaded.status(), 200);
    let etag = uploaded.headers()["etag"].to_str().unwrap().to_owned();
    // Used again while the original waits for the pipeline: S3 refuses it.
    let replaced = put(&entry, second.clone(), &[]).await;
    assert_eq!(replaced.status(), 412, "{}", replaced.text().await.unwrap());
    // Without the signed condition the signature does not match.
    let unconditional = put(&entry, second.clone(), &[("if-none-match", "\"x\"")]).await;
    assert_eq!(unconditional.status(), 403);
    let key = format!("uploads/{user}/{id}");
    assert_eq!(
        deliver(&app, &key, etag.trim_matches('"'), "d1").await,
        Outcome::Ready { id }
    );
    let ori = variant_key(&app, id, Variant::Ori).await;
    let photo = app.object(&ori).await.unwrap();
    let before = app.state.store().file(id).await.unwrap().unwrap();
    // Once the original is gone (the pipeline deletes it), S3 takes a second object under
    // the key; the pipeline refuses to process it, and the photo stays what it was.
    let again = put(&entry, second, &[]).await;
    assert_eq!(again.status(), 200);
    let again_etag = again.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(again_etag, etag);
    let refused = deliver(&app, &key, again_etag.trim_matches('"'), "d2").await;
    match &refused {
        Outcome::Skipped { key: skipped, why } => {
            assert_eq!(skipped, &key);
            assert!(why.contains("used once"), "{why}");
        }
        other => panic!("processed again: {other:?}"),
    }
    let after = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(after, before);
    assert_eq!(after.status, FileStatus::Ready);
    assert_eq!(app.object(&ori).await.unwrap(), photo);
    let shown = app
        .get(&format!("/v1/file/{id}"))
        .token(&token)
        .send()
        .await;
    shown.assert_ok(200);
    assert_eq!(shown.data()["status"], "ready");
    assert_eq!(folder_of(&shown.data()["path"]), token_of(&app, id).await);
}

/// `POST /v1/file/presign` of `count` JPEGs as `token`.
async fn presign_many(app: &TestApp, token: &str, count: usize) -> TestResponse {
    let file = json!({ "key": "a", "content_type": "image/jpeg", "size": 1000 });
    app.post("/v1/file/presign", json!({ "files": vec![file; count] }))
        .token(token)
        .send()
        .await
}

#[tokio::test]
async fn presigning_past_the_hourly_limit_is_refused() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let (other, _) = app.member(&[], None).await;
    let hour = 1_767_225_600; // 2026-01-01 00:00:00 UTC
    app.set_now(hour + 60);
    // Fourteen requests of nine files at once: the count is one conditional write each, so
    // exactly the eleven that fit in the hundred pass, whatever the interleaving.
    let answers = futures::future::join_all((0..14).map(|_| presign_many(&app, &token, 9))).await;
    let passed = answers.iter().filter(|answer| answer.status == 201).count();
    assert_eq!(passed, (PRESIGNS_PER_HOUR / 9) as usize);
    for refused in answers.iter().filter(|answer| answer.status != 201) {
        refused.assert_error(429, 10009);
        assert_eq!(refused.body["request"], "POST /v1/file/presign");
        assert_eq!(refused.data(), &Value::Null);
    }
    // The last file of the hundred fits (the session, the allowance, the ids, the records);
    // the next one does not, and costs the session read and one write only.
    app.calls();
    presign_many(&app, &token, 1).await.assert_ok(201);
    assert_eq!(
        app.calls(),
        ["GetItem", "UpdateItem", "UpdateItem", "TransactWriteItems"]
    );
    let refused = presign_many(&app, &token, 1).await;
    refused.assert_error(429, 10009);
    assert_eq!(
        app.calls(),
        ["GetItem", "UpdateItem"],
        "refused before any file is registered"
    );
    // Another user has a hundred of their own.
    presign_many(&app, &other, 9).await.assert_ok(201);
    // The next hour starts afresh.
    app.set_now(hour + 3600);
    let next = presign_many(&app, &token, 9).await;
    next.assert_ok(201);
    assert_eq!(next.data().as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn public_service_list_hides_publisher_phone_and_name() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    give_contact(&app, &m.publisher, "王师傅", "13800000001").await;
    let id = published_service(&app, &m).await;
    let list = |token: Option<&str>| {
        let mut request = app.get("/v1/service/list?page=1&count=10");
        if let Some(token) = token {
            request = request.token(token);
        }
        request.send()
    };
    let contact = Some(("王师傅", "13800000001"));
    for (who, shown) in [
        (None, None),
        (Some(""), None),
        (Some("not.a.token"), None),
        (Some(m.stranger.as_str()), None),
        (Some(m.consumer.as_str()), None),
        (Some(m.publisher.as_str()), contact),
        (Some(m.admin.as_str()), contact),
    ] {
        let page = list(who).await;
        page.assert_ok(200);
        let service = &page.data()["data"][0];
        assert_eq!(service["id"], id, "{who:?}");
        assert_eq!(service["publisher"]["id"], m.publisher_id);
        assert_contact(&service["publisher"], shown);
    }
    // The same service read by id.
    for (token, shown) in [(&m.stranger, None), (&m.publisher, contact)] {
        let detail = app
            .get(&format!("/v1/service/{id}"))
            .token(token)
            .send()
            .await;
        detail.assert_ok(200);
        assert_contact(&detail.data()["publisher"], shown);
    }
}

#[tokio::test]
async fn public_rating_list_hides_author_phone_and_name() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    give_contact(&app, &m.consumer, "李女士", "13900000002").await;
    let service = published_service(&app, &m).await;
    let order = order_in(&app, &m, service, 3).await;
    rate(&app, &m.consumer, order, 5).await.assert_ok(201);
    let contact = Some(("李女士", "13900000002"));
    for (token, shown) in [
        (&m.stranger, None),
        (&m.publisher, None),
        (&m.consumer, contact),
        (&m.admin, contact),
    ] {
        let page = app
            .get(&format!(
                "/v1/rating/service?service_id={service}&page=1&count=10"
            ))
            .token(token)
            .send()
            .await;
        page.assert_ok(200);
        let rating = &page.data()["data"][0];
        assert_eq!(rating["author"]["id"], m.consumer_id);
        assert_contact(&rating["author"], shown);
        let of_order = app
            .get(&format!("/v1/rating/order?order_id={order}"))
            .token(token)
            .send()
            .await;
        of_order.assert_ok(200);
        assert_contact(&of_order.data()["author"], shown);
    }
}

#[tokio::test]
async fn design_task_address_hidden_from_strangers() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 3).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let colleague = designer_of(&app, &cast.company).await;
    let other_company = member(&app, &["company"], None).await;
    let outsider = designer_of(&app, &other_company).await;
    let address = json!("北京市朝阳区建国路 88 号");
    for (who, shown) in [
        (&cast.customer, true),
        (&cast.designer, true),
        (&cast.company, true),
        (&cast.admin, true),
        (&colleague, false),
        (&outsider, false),
        (&other_company, false),
    ] {
        let read = app
            .get(&format!("/v1/design/task/{task}"))
            .token(&who.token)
            .send()
            .await;
        read.assert_ok(200);
        let expected = if shown { address.clone() } else { Value::Null };
        assert_eq!(read.data()["address"], expected, "{who:?}");
        assert_eq!(read.data()["title"], "三居室现代简约设计");
        let customer = &read.data()["customer"];
        assert_eq!(customer["id"], cast.customer.id);
        if !shown {
            assert_contact(customer, None);
        }
        // The open list, where designers look for work, hides it the same way.
        let open = app
            .get("/v1/design/tasks?page=1&count=10")
            .token(&who.token)
            .send()
            .await;
        open.assert_ok(200);
        let listed = open.data()["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|listed| listed["id"] == task)
            .cloned()
            .unwrap();
        assert_eq!(listed["address"], expected, "{who:?}");
    }
    // The designer's and the company's own lists show it: they take part.
    for (who, role) in [(&cast.designer, "designer"), (&cast.company, "company")] {
        let mine = app
            .get(&format!("/v1/design/my/tasks?role={role}&page=1&count=10"))
            .token(&who.token)
            .send()
            .await;
        mine.assert_ok(200);
        assert_eq!(mine.data()["data"][0]["address"], address, "{role}");
    }
}

#[tokio::test]
async fn javascript_avatar_url_is_refused() {
    let app = TestApp::new().await;
    let (token, _) = app.member(&[], None).await;
    let good = "https://thirdwx.qlogo.cn/mmopen/vi_32/a/132";
    app.put("/v1/user", json!({ "avatar": good }))
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    for bad in [
        "javascript:alert(document.cookie)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://thirdwx.qlogo.cn/a/132",
        "https://example.com/\"onerror=\"alert(1)",
    ] {
        let refused = app
            .put("/v1/user", json!({ "avatar": bad }))
            .token(&token)
            .send()
            .await;
        refused.assert_error(400, 10000);
        let message = refused.body["message"].as_str().unwrap();
        assert!(
            message.contains("avatar") && message.contains("https"),
            "{message}"
        );
        assert_eq!(refused.body["request"], "PUT /v1/user");
    }
    let me = app.get("/v1/user").token(&token).send().await;
    me.assert_ok(200);
    assert_eq!(
        me.data()["avatar"],
        good,
        "a refused update changes nothing"
    );
    // `""` still clears it, as the clients send it.
    app.put("/v1/user", json!({ "avatar": "" }))
        .token(&token)
        .send()
        .await
        .assert_ok(200);
    assert_eq!(
        app.get("/v1/user").token(&token).send().await.data()["avatar"],
        ""
    );
}

#[tokio::test]
async fn http_vr_url_is_refused() {
    let app = TestApp::new().await;
    let cast = cast(&app).await;
    let task = open_task(&app, &cast, 3).await;
    grab(&app, &cast.designer, task).await.assert_ok(201);
    let designer = cast.designer.id;
    for bad in [
        "http://vr.example.com/case/7",
        "javascript:alert(1)",
        "https://",
        "https://vr.example.com/<svg onload=alert(1)>",
    ] {
        let refused = step(
            &app,
            &cast.designer,
            task,
            designer,
            "vr-url",
            json!({ "vr_url": bad }),
        )
        .await;
        refused.assert_error(400, 10000);
        let message = refused.body["message"].as_str().unwrap();
        assert!(
            message.contains("vr_url") && message.contains("https"),
            "{message}"
        );
    }
    let set = step(
        &app,
        &cast.designer,
        task,
        designer,
        "vr-url",
        json!({ "vr_url": "https://vr.example.com/case/7" }),
    )
    .await;
    set.assert_ok(200);
    let process = crate::design::read(&app, &cast.customer, task, designer).await;
    assert_eq!(
        process.body["process"]["vr_url"],
        "https://vr.example.com/case/7"
    );
}
