//! The demo fixture (`tests/fixtures/demo.json`): users of every role with their credential
//! pairs, the seed's seven categories, a published service in each, orders in every status,
//! ratings and an open refund. Loading is idempotent.

use serde::Deserialize;
use shared::auth::Role;
use shared::category::{Category, CategoryView};
use shared::credential::Credential;
use shared::identity::{sign_in_admitted, LoginAttempt};
use shared::order::{NewOrder, OrderAction};
use shared::rating::NewRating;
use shared::refund::NewRefund;
use shared::service::{DesignatedPlace, ServiceInput, ServiceStatus};
use shared::user::UserView;
use shared::{ApiError, AppState};

/// The fixture file's contents.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    /// Categories, created in order when there are none.
    pub categories: Vec<FixtureCategory>,
    /// Credential pairs, registered and signed in once.
    pub credentials: Vec<FixtureCredential>,
    /// The demo design tasks' parts.
    #[serde(default)]
    pub design: Option<crate::design_fixture::FixtureDesign>,
    /// Published services, created once.
    #[serde(default)]
    pub services: Vec<FixtureService>,
    /// Orders driven to a status through the store's use cases, created with the services.
    #[serde(default)]
    pub orders: Vec<FixtureOrder>,
}

/// A published service of the fixture (no cover image: it renders as null).
#[derive(Debug, Deserialize)]
pub struct FixtureService {
    /// `i_code` of the publisher's pair.
    pub publisher: String,
    /// Category name.
    pub category: String,
    /// The rest, as `POST /v1/service` takes it (without `category_id`, `cover_image_id`).
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// An order of the fixture.
#[derive(Debug, Deserialize)]
pub struct FixtureOrder {
    /// Title of the fixture service ordered.
    pub service: String,
    /// `i_code` of the consumer's pair.
    pub consumer: String,
    /// Status to drive it to (0–6).
    pub status: u8,
    /// For status 4: the rating's score.
    #[serde(default)]
    pub score: Option<u8>,
    /// For status 4: the rating's text.
    #[serde(default)]
    pub content: Option<String>,
    /// For status 2: open a refund with this reason.
    #[serde(default)]
    pub refund: Option<String>,
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
    let pepper = state.pepper().await?;
    for pair in &fixture.credentials {
        let digest = pepper.pair(&pair.i_code, pair.order_no);
        if store.credential(&digest).await?.is_none() {
            let company_id = pair.company.as_ref().and_then(|company| {
                users
                    .iter()
                    .find(|(i_code, _)| i_code == company)
                    .map(|(_, id)| *id)
            });
            let credential = Credential {
                id: store.next_id("credential").await?,
                roles: pair.roles.clone(),
                company_id,
                ..Credential::for_member(
                    pepper,
                    &pair.i_code,
                    pair.order_no,
                    &pair.nickname,
                    state.now(),
                )
            };
            store.register_credential(&credential).await?;
        }
        let attempt = LoginAttempt {
            i_code: &pair.i_code,
            order_no: pair.order_no,
            source_ip: "fixture",
        };
        let user = sign_in_admitted(state, &attempt, &digest).await?;
        users.push((pair.i_code.clone(), user.id));
    }
    if store.service(1).await?.is_none() {
        load_market(state, fixture, &users).await?;
    }
    if let Some(design) = &fixture.design {
        crate::design_fixture::load(state, design, &users).await?;
    }
    Ok(users)
}

/// The address fixture orders give when a service needs one.
fn demo_address() -> serde_json::Value {
    serde_json::json!({
        "errMsg": "chooseAddress:ok", "userName": "张三", "telNumber": "020-81167888",
        "provinceName": "广东省", "cityName": "广州市", "countyName": "海珠区",
        "detailInfo": "新港中路397号", "postalCode": "510000", "nationalCode": "510000"
    })
}

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|error| ApiError::internal(format!("fixture: {error}")))
}

/// Services (published), and orders driven to their status the way the routes drive them.
async fn load_market(
    state: &AppState,
    fixture: &Fixture,
    users: &[(String, u64)],
) -> Result<(), ApiError> {
    let store = state.store();
    let user_id = |i_code: &str| {
        users
            .iter()
            .find(|(code, _)| code == i_code)
            .map(|(_, id)| *id)
            .ok_or_else(|| ApiError::internal(format!("fixture: no user {i_code}")))
    };
    let categories = store.categories().await?;
    let mut services = Vec::new();
    for entry in &fixture.services {
        let category = categories
            .iter()
            .find(|category| category.name == entry.category)
            .ok_or_else(|| {
                ApiError::internal(format!("fixture: no category {}", entry.category))
            })?;
        let publisher = store
            .user(user_id(&entry.publisher)?)
            .await?
            .ok_or_else(|| ApiError::internal("fixture: publisher missing"))?;
        let mut fields = entry.fields.clone();
        fields.insert("category_id".into(), category.id.into());
        // The input type requires a cover; fixture services have none (shown as null), so a
        // placeholder passes parsing and is cleared below; fixture services start published.
        fields.insert("cover_image_id".into(), 1.into());
        let input: ServiceInput = parse(fields.into())?;
        let mut service = input.into_service(
            store.next_id("service").await?,
            CategoryView::from(category),
            UserView::from(&publisher),
            None,
            state.now(),
        );
        service.cover_image_id = None;
        service.status = ServiceStatus::Published;
        store.insert_service(&service).await?;
        services.push(service);
    }
    for entry in &fixture.orders {
        let service = services
            .iter()
            .find(|service| service.title == entry.service)
            .ok_or_else(|| ApiError::internal(format!("fixture: no service {}", entry.service)))?;
        let consumer = user_id(&entry.consumer)?;
        let consumer_record = store
            .user(consumer)
            .await?
            .ok_or_else(|| ApiError::internal("fixture: consumer missing"))?;
        let address = (service.designated_place == DesignatedPlace::Yes).then(demo_address);
        let input: NewOrder =
            parse(serde_json::json!({"service_id": service.id, "address": address}))?;
        let order = store
            .place_order(&consumer_record, input, state.now())
            .await?;
        let publisher = service.publisher.id;
        let steps: &[(bool, OrderAction)] = match entry.status {
            1 => &[(true, OrderAction::Agree)],
            2 => &[(true, OrderAction::Agree), (false, OrderAction::Pay)],
            3 | 4 => &[
                (true, OrderAction::Agree),
                (false, OrderAction::Pay),
                (false, OrderAction::Confirm),
            ],
            5 => &[(false, OrderAction::Cancel)],
            6 => &[(true, OrderAction::Refuse)],
            _ => &[],
        };
        for (by_publisher, action) in steps {
            let actor = if *by_publisher { publisher } else { consumer };
            store.act_on_order(order.id, actor, *action).await?;
        }
        if entry.status == 4 {
            let rating: NewRating = parse(serde_json::json!({
                "order_id": order.id,
                "score": entry.score.unwrap_or(5),
                "content": entry.content.clone().unwrap_or_else(|| "很满意".to_owned()),
            }))?;
            store.rate_order(consumer, rating, state.now()).await?;
        }
        if let Some(reason) = &entry.refund {
            let refund: NewRefund =
                parse(serde_json::json!({"order_id": order.id, "reason": reason}))?;
            store.request_refund(consumer, refund, state.now()).await?;
        }
    }
    Ok(())
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

/// Records a `ready` image file owned by `owner` (as if uploaded and processed, without
/// objects in S3) and answers its id: fixture and test photos.
pub async fn ready_file(state: &AppState, owner: u64) -> Result<u64, ApiError> {
    let store = state.store();
    let id = store.next_id("file").await?;
    let record = shared::file::FileRecord {
        id,
        owner_id: Some(owner),
        key: shared::file::upload_key(owner, id),
        content_type: "image/jpeg".to_owned(),
        size: 1024,
        status: shared::file::FileStatus::Ready,
        reason: None,
        etag: Some("\"fixture\"".to_owned()),
        width: Some(640),
        height: Some(480),
        created_at: state.now(),
        claim: None,
        claimed_until: None,
        expires_at: None,
        variant_token: Some(shared::file::new_variant_token()?),
    };
    store.create_file(&record).await?;
    Ok(id)
}
