//! The demo fixture loads idempotently and gives a user of every role.

use api_tests::app::TestApp;
use api_tests::fixture::{demo, load};
use shared::auth::Role;

#[tokio::test]
async fn demo_fixture_loads_twice_with_every_role() {
    let app = TestApp::new().await;
    let first = load(&app.state, &demo()).await.unwrap();
    let second = load(&app.state, &demo()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(app.state.store().categories().await.unwrap().len(), 7);
    let store = app.state.store();
    let mut roles = Vec::new();
    for (i_code, id) in &first {
        let user = store.user(*id).await.unwrap().unwrap();
        roles.extend(user.roles.iter().copied());
        if i_code.starts_with("designer") {
            let company = first
                .iter()
                .find(|(code, _)| code == "company-demo")
                .unwrap()
                .1;
            assert_eq!(user.company_id, Some(company));
        }
    }
    for role in [Role::Admin, Role::Company, Role::Designer] {
        assert!(roles.contains(&role), "no {role:?} in the fixture");
    }
}

#[tokio::test]
async fn demo_fixture_fills_the_marketplace() {
    let app = TestApp::new().await;
    load(&app.state, &demo()).await.unwrap();
    load(&app.state, &demo()).await.unwrap();
    let listed = app.get("/v1/service/list?page=1&count=20").send().await;
    listed.assert_ok(200);
    assert_eq!(listed.data()["total"], 7);
    let mut categories: Vec<u64> = listed.data()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|service| {
            assert_eq!(service["cover_image"], serde_json::Value::Null);
            service["category"]["id"].as_u64().unwrap()
        })
        .collect();
    categories.sort_unstable();
    assert_eq!(categories, (1..=7).collect::<Vec<u64>>());
    let consumer = app.token_for("consumer-demo", 20260106).await;
    let orders = app
        .get("/v1/order/my?role=2&page=1&count=20")
        .token(&consumer)
        .send()
        .await;
    assert_eq!(orders.data()["total"], 9);
    let mut statuses: Vec<u64> = orders.data()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["status"].as_u64().unwrap())
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    assert_eq!(statuses, (0..=6).collect::<Vec<u64>>());
    let refunds = app
        .get("/v1/refund/process?role=2&page=1&count=10")
        .token(&consumer)
        .send()
        .await;
    assert_eq!(refunds.data()["total"], 1);
    let pets = listed.data()["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|service| service["title"] == "节假日宠物寄养")
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    let ratings = app
        .get(&format!(
            "/v1/rating/service?service_id={pets}&page=1&count=10"
        ))
        .token(&consumer)
        .send()
        .await;
    assert_eq!(ratings.data()["total"], 1);
}

#[tokio::test]
async fn mobilization_fixture_loads_twice_and_its_commanders_log_in() {
    let app = TestApp::new().await;
    let first = api_tests::fixture::load_mobilization(&app.state)
        .await
        .unwrap();
    let second = api_tests::fixture::load_mobilization(&app.state)
        .await
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(first["members"], 202);
    for commander in [1, 2, 21, 1211] {
        let token = api_tests::mobilization::login(&app, commander).await;
        let info = app
            .get("/task/info")
            .header("cookie", &api_tests::mobilization::cookie(&token))
            .send()
            .await;
        assert_eq!(info.status, 200, "{}", info.body);
    }
}
