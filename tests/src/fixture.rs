//! The demo fixture (`tests/fixtures/demo.json`): users of every role with their credential
//! pairs and the seed's seven categories. Loading is idempotent.

use serde::Deserialize;
use shared::auth::Role;
use shared::category::Category;
use shared::credential::Credential;
use shared::identity::sign_in;
use shared::{ApiError, AppState};

/// The fixture file's contents.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    /// Categories, created in order when there are none.
    pub categories: Vec<FixtureCategory>,
    /// Credential pairs, registered and signed in once.
    pub credentials: Vec<FixtureCredential>,
}

/// A category of the fixture.
#[derive(Debug, Deserialize)]
pub struct FixtureCategory {
    /// Name.
    pub name: String,
    /// Display order.
    pub sort: i64,
}

/// A credential pair of the fixture.
#[derive(Debug, Deserialize)]
pub struct FixtureCredential {
    /// Code.
    pub i_code: String,
    /// Number.
    pub order_no: u64,
    /// Roles.
    pub roles: Vec<Role>,
    /// Nickname.
    pub nickname: String,
    /// For designers: the `i_code` of their company's pair (listed earlier).
    #[serde(default)]
    pub company: Option<String>,
}

/// The demo fixture shipped with the project.
pub fn demo() -> Fixture {
    serde_json::from_str(include_str!("../fixtures/demo.json"))
        .unwrap_or_else(|error| panic!("fixtures/demo.json: {error}"))
}

/// Loads `fixture` through the store; answers the users created, as (i_code, user id).
pub async fn load(state: &AppState, fixture: &Fixture) -> Result<Vec<(String, u64)>, ApiError> {
    let store = state.store();
    if store.categories().await?.is_empty() {
        for category in &fixture.categories {
            let id = store.next_id("category").await?;
            store
                .create_category(&Category {
                    id,
                    name: category.name.clone(),
                    icon: None,
                    sort: category.sort,
                })
                .await?;
        }
    }
    let mut users: Vec<(String, u64)> = Vec::new();
    for pair in &fixture.credentials {
        if store
            .credential(&pair.i_code, pair.order_no)
            .await?
            .is_none()
        {
            let company_id = pair.company.as_ref().and_then(|company| {
                users
                    .iter()
                    .find(|(i_code, _)| i_code == company)
                    .map(|(_, id)| *id)
            });
            let credential = Credential {
                id: store.next_id("credential").await?,
                i_code: pair.i_code.clone(),
                order_no: pair.order_no,
                roles: pair.roles.clone(),
                nickname: Some(pair.nickname.clone()),
                company_id,
                user_id: None,
                created_at: state.now(),
            };
            store.register_credential(&credential).await?;
        }
        let user = sign_in(state, &pair.i_code, pair.order_no).await?;
        users.push((pair.i_code.clone(), user.id));
    }
    Ok(users)
}

/// Loads the generated mobilization directory (`crate::mobilization::directory`) through
/// the same import as `PUT /task/directory`; answers the counts written. Idempotent.
pub async fn load_mobilization(state: &AppState) -> Result<serde_json::Value, String> {
    let import = serde_json::from_value(crate::mobilization::directory())
        .map_err(|error| error.to_string())?;
    shared::mobilization::ops::import_directory(state, import)
        .await
        .map_err(|error| format!("{error:?}"))
}
