use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::auth::Role;
use shared::http::{
    created, ok, AdminUser, CurrentUser, IdPath, JsonBody, PageQuery, QueryParams, QueueQuery,
};
use shared::market::Actor;
use shared::refund::{
    MyRefundsQuery, NewRefund, OpenRefundsQuery, RefundAction, RefundActionInput, RefundStatus,
};
use shared::{ApiError, AppState};

/// `POST /v1/refund` `{order_id, reason, illustration?}` → 201
/// `{id: "2", order_no, reason, illustration}`.
pub async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<NewRefund>,
) -> Result<impl IntoResponse, ApiError> {
    let refund = state
        .store()
        .request_refund(user.id, input, state.now())
        .await?;
    Ok(created(json!({
        "id": refund.id.to_string(),
        "order_no": refund.order_no,
        "reason": refund.reason,
        "illustration": refund.illustration,
    })))
}

/// `GET /v1/refund?role=&status=&page=&count=`: the caller's refunds, newest first.
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<MyRefundsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageQuery::from_parts(query.page, query.count)?;
    let refunds = state
        .store()
        .my_refunds(user.id, query.role, query.status, page)
        .await?;
    let base = &state.config().asset_base_url;
    Ok(ok(refunds.map(|refund| refund.view(base))))
}

/// `GET /v1/refund/process?role=&page=&count=`: the caller's open refunds (0, 1, 2).
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<OpenRefundsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageQuery::from_parts(query.page, query.count)?;
    let refunds = state
        .store()
        .open_refunds(user.id, query.role, page)
        .await?;
    let base = &state.config().asset_base_url;
    Ok(ok(refunds.map(|refund| refund.view(base))))
}

/// `GET /v1/refund/{id}`: for the order's publisher, its consumer and admins (else 10010).
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let refund = state.store().refund(id).await?.ok_or(ApiError::NotFound)?;
    if refund.actor(user.id) == Actor::Stranger && !user.has(Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    Ok(ok(refund.detail(&state.config().asset_base_url)))
}

/// `POST /v1/refund/{id}` `{action}`: agree, refuse (publisher), cancel, confirm (consumer).
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<RefundActionInput>,
) -> Result<impl IntoResponse, ApiError> {
    let action = RefundAction::from(input.action);
    state
        .store()
        .act_on_refund(id, Some(user.id), action)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `POST /v1/admin/refund/{id}/refunded` `{}`: the platform paid back, 1 → 2.
pub async fn refunded(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    state
        .store()
        .act_on_refund(id, None, RefundAction::MarkRefunded)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `GET /v1/admin/refunds?status=&page=&count=`: the refunds in one status, newest first, as
/// details (both parties); status 1 is the platform's queue of refunds to pay back.
pub async fn queue(
    State(state): State<AppState>,
    _admin: AdminUser,
    QueryParams(query): QueryParams<QueueQuery<RefundStatus>>,
) -> Result<impl IntoResponse, ApiError> {
    let refunds = state
        .store()
        .refunds_in(query.status, query.page()?)
        .await?;
    let base = &state.config().asset_base_url;
    Ok(ok(refunds.map(|refund| refund.detail(base))))
}
