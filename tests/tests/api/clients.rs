//! The published course clients (contract §11), replayed: every case sends what a screen of
//! one of the students' mini programs sends, the way it sends it, and reads what that
//! screen reads. Each case names the client files it follows:
//!
//! - xunjie: `weilengdezaoshang/xunjie-homemaking`
//! - Eathyn: `Eathyn/homemaking`
//! - sean: `sean-lgt/home-marking-mini`
//!
//! Their shared habits: `utils/http.js` sends a `token` header on every call (empty before
//! login) and treats `statusCode < 400` as success; `utils/file-uploader.js` uploads with
//! `wx.uploadFile` to `baseUrl + '/v1/file'` (the base URL ends in `/`), no token, the form
//! field named by the picker's index, and expects exactly 201.

use api_tests::app::{TestApp, TestResponse};
use api_tests::images::jpeg;
use axum::http::Method;
use serde_json::{json, Value};

use crate::market::{market, Market};

/// `utils/http.js` (all three): a JSON call with the stored token, `""` before login.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> TestResponse {
    let mut request = app.request(method, path).header("token", token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await
}

/// `utils/file-uploader.js` (xunjie, Eathyn): `wx.uploadFile({url: baseUrl + '/v1/file',
/// filePath, name: key})`, no header, so no token and a doubled slash.
async fn upload(app: &TestApp, key: &str, photo: &[u8]) -> Value {
    let boundary = "----WxUploadBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"; filename=\"tmp_0a1b.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = app
        .request(Method::POST, "//v1/file")
        .header(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .raw_body(&body)
        .send()
        .await;
    assert_eq!(
        response.status, 201,
        "the uploader wants exactly 201: {}",
        response.body
    );
    response.data()[0].clone()
}

/// Registers a credential pair through the admin route and answers its `order_no`.
async fn register(app: &TestApp, i_code: &str, order_no: u64) -> u64 {
    let admin = app.admin_token().await;
    call(
        app,
        Method::POST,
        "/v1/admin/credential",
        &admin,
        Some(json!({"i_code": i_code, "order_no": order_no, "roles": []})),
    )
    .await
    .assert_ok(201);
    order_no
}

/// xunjie, Eathyn `model/token.js` + `config/api.js`, sean `models/token.js`: the course's
/// `order_no` is kept as a string and sent as one; the app then verifies the token
/// (`app.js` onLaunch, `pages/my/my.js` onShow) and saves the WeChat profile
/// (xunjie `model/user.js`: `{nickname, avatar, gender}` from `wx.getUserProfile`).
#[tokio::test]
async fn login_with_a_string_order_no_then_verify_then_profile() {
    let app = TestApp::new().await;
    let order_no = register(&app, "course-1", 2_021_030_800_000_225).await;
    let login = call(
        &app,
        Method::POST,
        "/v1/token",
        "",
        Some(json!({"i_code": "course-1", "order_no": order_no.to_string()})),
    )
    .await;
    login.assert_ok(200);
    let token = login.data()["token"].as_str().unwrap().to_owned();
    let verified = call(
        &app,
        Method::POST,
        "/v1/token/verify",
        "",
        Some(json!({"token": token})),
    )
    .await;
    verified.assert_ok(200);
    assert_eq!(verified.data()["valid"], true);
    let saved = call(
        &app,
        Method::PUT,
        "/v1/user",
        &token,
        Some(json!({"nickname": "沁塵", "avatar": "https://thirdwx.qlogo.cn/a/132", "gender": 0})),
    )
    .await;
    saved.assert_ok(200);
    assert_eq!(saved.data()["gender"], 0, "WeChat's 'unknown' is kept");
    // Eathyn `model/user.js` sends no gender; sean `models/user.js` sends only gender.
    call(
        &app,
        Method::PUT,
        "/v1/user",
        &token,
        Some(json!({"nickname": "n", "avatar": ""})),
    )
    .await
    .assert_ok(200);
    let profile = call(
        &app,
        Method::PUT,
        "/v1/user",
        &token,
        Some(json!({"gender": 2})),
    )
    .await;
    profile.assert_ok(200);
    assert_eq!(profile.data()["nickname"], "n");
    assert_eq!(profile.data()["gender"], 2);
    let shown = call(&app, Method::GET, "/v1/user", &token, None).await;
    assert_eq!(shown.data(), profile.data());
}

/// xunjie, Eathyn `pages/home/home.js` + `model/service.js`: the "全部" tab sends
/// `category_id=&type=`, and later pages drop the filters the same way; sean
/// `pages/index/index.js` sends `category_id=0`. `model/category.js` reads the categories
/// with an empty token before login.
#[tokio::test]
async fn home_tabs_with_blank_filters_and_category_zero() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = crate::market::published_service(&app, &m).await;
    let categories = call(&app, Method::GET, "/v1/category", "", None).await;
    categories.assert_ok(200);
    assert_eq!(categories.data()[0]["id"], m.category);
    for query in [
        "page=1&count=4&category_id=&type=",
        "page=2&count=4&category_id=&type=",
        "page=1&count=4&category_id=0&type=",
        "page=1&count=4&category_id=0&type=1",
        &format!("page=1&count=4&category_id={}&type=", m.category),
    ] {
        let list = call(
            &app,
            Method::GET,
            &format!("/v1/service/list?{query}"),
            "",
            None,
        )
        .await;
        list.assert_ok(200);
        let expected = if query.starts_with("page=2") { 0 } else { 1 };
        let data = list.data()["data"].as_array().unwrap();
        assert_eq!(data.len(), expected, "{query}: {}", list.body);
        assert!(data.iter().all(|item| item["id"] == service));
        assert_eq!(list.data()["last_page"], 1);
    }
    call(
        &app,
        Method::GET,
        "/v1/service/list?page=1&count=4&category_id=x",
        "",
        None,
    )
    .await
    .assert_error(400, 10000);
}

/// The publish form (`components/service-form/*` of all three): `designated_place` is the
/// switch's boolean, `price` the input's string, dates the pickers' text. Eathyn
/// `model/service.js` posts to `'/v1/service'`, which makes `//v1/service`: that answers a
/// 308 to the collapsed path, which `wx.request` follows with the same method and body.
/// Then the admin's audit, publish (xunjie `pages/service-detail/components/publisher-action`:
/// `{action: 1}`), the whole form again on edit (`pages/service-edit/service-edit.js`), and
/// pause.
#[tokio::test]
async fn publish_with_a_boolean_switch_then_audit_publish_edit_pause() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let cover = upload(&app, "0", &jpeg(640, 480)).await;
    let form = json!({
        "type": 1,
        "title": "节假日宠物寄养",
        "category_id": m.category,
        "cover_image_id": cover["id"],
        "description": "五一劳动节三天假期宠物寄养服务，代溜，代喂食。",
        "designated_place": true,
        "begin_date": "2021-03-07",
        "end_date": "2021-03-15",
        "price": "300"
    });
    let doubled = call(
        &app,
        Method::POST,
        "//v1/service",
        &m.publisher,
        Some(form.clone()),
    )
    .await;
    assert_eq!(doubled.status, 308, "{}", doubled.body);
    let location = doubled.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/v1/service");
    let created = call(
        &app,
        Method::POST,
        &location,
        &m.publisher,
        Some(form.clone()),
    )
    .await;
    created.assert_ok(201);
    let id: u64 = created.data()["service_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let detail = |token: String| {
        let app = &app;
        async move { call(app, Method::GET, &format!("/v1/service/{id}"), &token, None).await }
    };
    let shown = detail(m.publisher.clone()).await;
    assert_eq!(shown.data()["designated_place"], 1);
    assert_eq!(shown.data()["status"], 0);
    assert_eq!(shown.data()["cover_image"]["id"], cover["id"]);
    crate::market::audit(&app, &m, id, true)
        .await
        .assert_ok(200);
    let action = |action: u8| {
        let (app, token) = (&app, m.publisher.clone());
        async move {
            call(
                app,
                Method::POST,
                &format!("/v1/service/{id}"),
                &token,
                Some(json!({"action": action})),
            )
            .await
        }
    };
    action(1).await.assert_ok(200);
    assert_eq!(detail(m.publisher.clone()).await.data()["status"], 2);
    let mut edited = form.clone();
    edited["title"] = json!("节假日宠物寄养（可上门）");
    edited["designated_place"] = json!(false);
    call(
        &app,
        Method::PUT,
        &format!("/v1/service/{id}"),
        &m.publisher,
        Some(edited),
    )
    .await
    .assert_ok(200);
    let shown = detail(m.publisher.clone()).await;
    assert_eq!(
        (
            shown.data()["status"].clone(),
            shown.data()["designated_place"].clone()
        ),
        (json!(0), json!(0))
    );
    crate::market::audit(&app, &m, id, true)
        .await
        .assert_ok(200);
    action(1).await.assert_ok(200);
    action(2).await.assert_ok(200);
    assert_eq!(detail(m.publisher.clone()).await.data()["status"], 1);
}

/// xunjie `utils/file-uploader.js` + `components/image-uploader/image-uploader.js`: the
/// upload goes without a token to `//v1/file`, field named `"0"`; the picker keeps
/// `res[0].id` and shows `res[0].path` at once, and the form sends that id as
/// `cover_image_id` right away. The first signed-in user to use an unowned upload claims
/// it; nobody else can use it after.
#[tokio::test]
async fn upload_without_a_token_through_a_double_slash_then_use_path_and_id_at_once() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let uploaded = upload(&app, "0", &jpeg(1200, 900)).await;
    assert_eq!(uploaded["key"], "0");
    let id = uploaded["id"].as_u64().unwrap();
    let path = uploaded["path"].as_str().unwrap();
    let key = path.strip_prefix("http://assets.test/").unwrap();
    let bytes = app
        .object(key)
        .await
        .expect("path loads as soon as the upload answers");
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 1200);
    let mut form = crate::market::service_body(m.category, id);
    form["designated_place"] = json!(false);
    call(
        &app,
        Method::POST,
        "/v1/service",
        &m.publisher,
        Some(form.clone()),
    )
    .await
    .assert_ok(201);
    let record = app.state.store().file(id).await.unwrap().unwrap();
    assert_eq!(
        (record.owner_id, record.expires_at),
        (Some(m.publisher_id), None)
    );
    let refused = call(&app, Method::POST, "/v1/service", &m.stranger, Some(form)).await;
    refused.assert_error(400, 10000);
    assert!(refused.body["message"]
        .as_str()
        .unwrap()
        .contains("cover_image_id"));
}

/// The order screens: xunjie, Eathyn `pages/order/order.js` book with the
/// `wx.chooseAddress()` object (its `errMsg` included); actions are the numbers of
/// `enum/order-action.js` (agree 1, pay 3, confirm 4); Eathyn `pages/rating/rating.js`
/// rates with the uploads' `path`s as `illustration`, and `pages/order-detail` reads it back.
#[tokio::test]
async fn order_agree_pay_confirm_rate_with_photo_urls() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = crate::market::published_service(&app, &m).await;
    let address = json!({
        "userName": "张三", "postalCode": "510000", "provinceName": "广东省",
        "cityName": "广州市", "countyName": "海珠区", "detailInfo": "新港中路397号",
        "nationalCode": "510000", "telNumber": "020-81167888", "errMsg": "chooseAddress:ok"
    });
    let placed = call(
        &app,
        Method::POST,
        "/v1/order",
        &m.consumer,
        Some(json!({"service_id": service.to_string(), "address": address})),
    )
    .await;
    placed.assert_ok(201);
    let order = placed.data()["order_id"].as_u64().unwrap();
    for (token, action) in [(&m.publisher, 1), (&m.consumer, 3), (&m.consumer, 4)] {
        call(
            &app,
            Method::POST,
            &format!("/v1/order/{order}"),
            token,
            Some(json!({"action": action})),
        )
        .await
        .assert_ok(200);
    }
    let photo = upload(&app, "00", &jpeg(800, 600)).await["path"].clone();
    call(
        &app,
        Method::POST,
        "/v1/rating",
        &m.consumer,
        Some(json!({"order_id": order, "score": 5, "content": "很好", "illustration": [photo]})),
    )
    .await
    .assert_ok(201);
    let rating = call(
        &app,
        Method::GET,
        &format!("/v1/rating/order?order_id={order}"),
        &m.consumer,
        None,
    )
    .await;
    rating.assert_ok(200);
    assert_eq!(rating.data()["illustration"], json!([photo]));
}

/// sean `pages/refund/index.js`: a refund with its screenshots' `path`s; the publisher
/// agrees (`enum/refund-action.js`: 1); the detail shows the screenshots as the seed's
/// `images`.
#[tokio::test]
async fn refund_with_screenshot_urls_then_agree_and_detail_shows_images() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = crate::market::published_service(&app, &m).await;
    let order = crate::market::order_in(&app, &m, service, 2).await;
    let mut paths = Vec::new();
    for width in [320, 640] {
        paths.push(upload(&app, "file", &jpeg(width, 240)).await["path"].clone());
    }
    let requested = call(
        &app,
        Method::POST,
        "/v1/refund",
        &m.consumer,
        Some(json!({"order_id": order, "reason": "说好的代溜没有做到，狗子一整天都没出门。", "illustration": paths})),
    )
    .await;
    requested.assert_ok(201);
    let id = requested.data()["id"].as_str().unwrap().to_owned();
    call(
        &app,
        Method::POST,
        &format!("/v1/refund/{id}"),
        &m.publisher,
        Some(json!({"action": 1})),
    )
    .await
    .assert_ok(200);
    let detail = call(
        &app,
        Method::GET,
        &format!("/v1/refund/{id}"),
        &m.consumer,
        None,
    )
    .await;
    detail.assert_ok(200);
    assert_eq!(detail.data()["status"], 1);
    assert_eq!(detail.data()["images"], json!(paths));
    assert_eq!(detail.data()["illustration"], json!(paths));
}

/// sean `models/user.js` getUserSign, called from `models/tim.js` login: the chat login
/// reads `user_id` and `sign`.
#[tokio::test]
async fn chat_login_reads_the_user_sign() {
    let app = TestApp::new().await;
    let (token, id) = app.member(&[], None).await;
    let sign = call(&app, Method::GET, "/v1/user/sign", &token, None).await;
    sign.assert_ok(200);
    assert_eq!(sign.data()["user_id"], id);
    assert!(sign.data()["sign"]
        .as_str()
        .is_some_and(|sign| !sign.is_empty()));
    // Before login the same call carries `token:` (empty): 10001 opens the login page.
    call(&app, Method::GET, "/v1/user/sign", "", None)
        .await
        .assert_error(401, 10001);
}

/// The "my" page (xunjie, Eathyn `pages/my/my.js`, sean `pages/My/My.js`): the badge counts,
/// and the lists whose "全部" tab sends `status=` (`pages/my-service`, `pages/my-order`,
/// sean `pages/refund-list`); sean sends `type` as the page option's string.
#[tokio::test]
async fn counts_and_my_lists_with_blank_status() {
    let app = TestApp::new().await;
    let m = market(&app).await;
    let service = crate::market::published_service(&app, &m).await;
    let order = crate::market::order_in(&app, &m, service, 2).await;
    crate::market::request_refund(&app, &m.consumer, order)
        .await
        .assert_ok(201);
    let counts = call(
        &app,
        Method::GET,
        "/v1/service/count?type=1",
        &m.publisher,
        None,
    )
    .await;
    counts.assert_ok(200);
    assert_eq!(counts.data()["published"], 1);
    let order_counts = call(
        &app,
        Method::GET,
        "/v1/order/count?role=2",
        &m.consumer,
        None,
    )
    .await;
    order_counts.assert_ok(200);
    for (path, token) in [
        ("/v1/service/my?page=1&count=4&type=1&status=", &m.publisher),
        ("/v1/order/my?page=1&count=4&role=2&status=", &m.consumer),
        ("/v1/order/my?page=1&count=4&role=1&status=", &m.publisher),
        ("/v1/refund?page=1&count=4&role=2&status=", &m.consumer),
        ("/v1/refund/process?page=1&count=4&role=1", &m.publisher),
    ] {
        let list = call(&app, Method::GET, path, token, None).await;
        list.assert_ok(200);
        assert_eq!(
            list.data()["data"].as_array().unwrap().len(),
            1,
            "{path}: {}",
            list.body
        );
    }
}

/// Wherever a request arrives that nothing serves, the seed's envelope answers 404 / 10008:
/// an unknown path, a known path with a method it does not take, and a doubled-slash path
/// that is unknown once collapsed.
#[tokio::test]
async fn unknown_routes_and_methods_are_10008() {
    let app = TestApp::new().await;
    let m: Market = market(&app).await;
    for (method, path) in [
        (Method::GET, "/v1/nothing"),
        (Method::DELETE, "/v1/file"),
        (Method::PATCH, "/v1/service/1"),
        (Method::GET, "/v1/file/presign"),
    ] {
        let response = call(&app, method.clone(), path, &m.consumer, None).await;
        response.assert_error(404, 10008);
        assert_eq!(response.body["request"], format!("{method} {path}"));
    }
    // Locally a wrong method on a mobilization path reaches that function (the router names
    // each path's function for every method): it answers as the $default route does.
    let wrong_method = app
        .request(Method::PATCH, "/task/finish")
        .send_to(app.router("mobilization"))
        .await;
    wrong_method.assert_error(404, 10008);
    assert_eq!(wrong_method.body["request"], "PATCH /task/finish");
    let doubled = call(&app, Method::GET, "//v1/nothing", "", None).await;
    assert_eq!(doubled.status, 308);
    assert_eq!(doubled.headers["location"], "/v1/nothing");
}
