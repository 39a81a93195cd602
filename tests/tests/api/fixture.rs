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
