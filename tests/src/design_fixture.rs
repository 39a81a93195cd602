//! The design part of the demo fixture: one task at every step of the workflow, so that
//! `getTaskProcess` shows a realistic process right away. Task `n + 1` stands at step `n`
//! (task 1 waits for its audit; task 14 is done). The second designer grabs every open
//! task too, and is eliminated where a first draft was chosen. Photos are file records
//! marked ready (the demo has no image objects behind them).

use crate::fixture::ready_file;
use serde::Deserialize;
use serde_json::{json, Value};
use shared::design::process::{StepInput, StepName};
use shared::design::service;
use shared::design::steps::{default_steps, StepCatalogRecord};
use shared::design::task::{AuditBody, NewTask};
use shared::http::CurrentUser;
use shared::{ApiError, AppState};

/// Who plays which part in the demo design tasks (`i_code`s of the fixture's pairs).
#[derive(Debug, Deserialize)]
pub struct FixtureDesign {
    /// The platform operator.
    pub admin: String,
    /// The customer publishing the tasks.
    pub customer: String,
    /// Designers of one company; the first one walks every task.
    pub designers: Vec<String>,
}

/// The step routes in order, with the part that takes each (0 designer, 1 company,
/// 2 customer, 3 admin) and its body (`{photo}` is replaced by a fresh ready file).
const WALK: [(&str, usize, &str); 12] = [
    (
        "first-draft",
        0,
        r#"{"photo":"{photo}","explain":"客厅以浅色为主，动静分区明确。","deposit":"2000"}"#,
    ),
    ("first-draft-audit", 1, r#"{"approve":true}"#),
    ("first-draft-choice", 2, r#"{"choose":1}"#),
    ("deposit-voucher", 2, r#"{"photo":"{photo}","amount":2000}"#),
    ("deposit-audit", 3, r#"{"approve":true}"#),
    (
        "final-draft",
        0,
        r#"{"room_list":[{"name":"客厅","explain":"电视墙用木饰面","part":[{"name":"电视墙","photo":"{photo}"}]},{"name":"主卧","explain":"带衣帽间","part":[{"name":"衣帽间","photo":"{photo}"}]}],"explain":"整体暖色调","retainage":"8000","practical_area":86.2,"practical_style":"北欧","charge":"100元/平米","design_budget":"10000","is_quota":false}"#,
    ),
    ("final-draft-audit", 1, r#"{"approve":true}"#),
    ("final-draft-choice", 2, r#"{"choose":1}"#),
    (
        "retainage-voucher",
        2,
        r#"{"photo":"{photo}","amount":8000}"#,
    ),
    ("retainage-audit", 3, r#"{"approve":true}"#),
    ("cad-voucher", 0, r#"{"photo":"{photo}"}"#),
    ("cad-audit", 3, r#"{"approve":true}"#),
];

/// Loads the demo design tasks once (the stored step configuration marks it loaded).
pub async fn load(
    state: &AppState,
    design: &FixtureDesign,
    users: &[(String, u64)],
) -> Result<(), ApiError> {
    let store = state.store();
    if store.step_catalog().await?.is_some() {
        return Ok(());
    }
    let admin = user(state, users, &design.admin).await?;
    let customer = user(state, users, &design.customer).await?;
    let mut designers = Vec::new();
    for i_code in &design.designers {
        designers.push(user(state, users, i_code).await?);
    }
    let (Some(designer), Some(company_id)) = (
        designers.first(),
        store
            .user(designers.first().map_or(0, |d| d.id))
            .await?
            .and_then(|user| user.company_id),
    ) else {
        return Err(ApiError::internal(
            "the fixture's first designer has no company",
        ));
    };
    let company = CurrentUser::from(store.user(company_id).await?.ok_or(ApiError::NotFound)?);
    let parts = [designer, &company, &customer, &admin];
    for target in 0..=WALK.len() + 1 {
        let task = publish(state, &customer, target).await?;
        if target == 0 {
            continue;
        }
        service::audit_task(state, task, audit(true)?).await?;
        for grabber in &designers {
            service::grab(state, grabber, task).await?;
        }
        for (name, part, body) in WALK.iter().take(target - 1) {
            let actor = parts[*part];
            let body = with_photos(state, actor.id, body).await?;
            let input = StepInput::parse(StepName::parse(name)?, body.to_string().as_bytes())?;
            service::act(state, actor, task, designer.id, input).await?;
        }
    }
    store
        .save_step_catalog(&StepCatalogRecord {
            steps: default_steps(),
        })
        .await
}

/// The fixture user `i_code` as a caller.
async fn user(
    state: &AppState,
    users: &[(String, u64)],
    i_code: &str,
) -> Result<CurrentUser, ApiError> {
    let id = users
        .iter()
        .find(|(code, _)| code == i_code)
        .map(|(_, id)| *id)
        .ok_or_else(|| ApiError::internal(format!("fixture has no user {i_code}")))?;
    let user = state.store().user(id).await?.ok_or(ApiError::NotFound)?;
    Ok(CurrentUser::from(user))
}

fn audit(approve: bool) -> Result<AuditBody, ApiError> {
    serde_json::from_value(json!({ "approve": approve })).map_err(ApiError::internal)
}

async fn publish(state: &AppState, customer: &CurrentUser, step: usize) -> Result<u64, ApiError> {
    let photo = ready_file(state, customer.id).await?;
    let request: NewTask = serde_json::from_value(json!({
        "title": format!("示例订单：停在第 {step} 步"),
        "area": 89.5,
        "style": "现代简约",
        "budget": "20000",
        "address": "北京市朝阳区建国路 88 号",
        "description": "三室两厅，希望客厅开阔，主卧带衣帽间。",
        "photos": [photo],
        "slots": 3
    }))
    .map_err(ApiError::internal)?;
    service::publish(state, customer, request).await
}

/// `body` with every `"{photo}"` replaced by a new ready file of `owner`.
async fn with_photos(state: &AppState, owner: u64, body: &str) -> Result<Value, ApiError> {
    let mut text = body.to_owned();
    while text.contains("\"{photo}\"") {
        let id = ready_file(state, owner).await?;
        text = text.replacen("\"{photo}\"", &id.to_string(), 1);
    }
    serde_json::from_str(&text).map_err(ApiError::internal)
}
