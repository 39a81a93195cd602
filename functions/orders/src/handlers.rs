use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::auth::Role;
use shared::http::{created, ok, CurrentUser, IdPath, JsonBody, PageQuery, QueryParams};
use shared::market::Actor;
use shared::order::{MyOrdersQuery, NewOrder, OrderActionInput, OrderCounts, RoleQuery};
use shared::store::orders::orders_counter;
use shared::{ApiError, AppState};

/// `GET /v1/order/count?role=`: the caller's orders in that role by status.
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<RoleQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let tally = state
        .store()
        .tally(&orders_counter(user.id, query.role))
        .await?;
    Ok(ok(OrderCounts::from(&tally)))
}

/// `GET /v1/order/my?role=&status=&page=&count=`: the caller's orders, newest first.
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<MyOrdersQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageQuery::from_parts(query.page, query.count)?;
    let orders = state
        .store()
        .my_orders(user.id, query.role, query.status, page)
        .await?;
    let base = &state.config().asset_base_url;
    Ok(ok(orders.map(|order| order.view(base))))
}

/// `POST /v1/order` `{service_id, address?}` → 201 `{order_id}`.
pub async fn place(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<NewOrder>,
) -> Result<impl IntoResponse, ApiError> {
    let order = state
        .store()
        .place_order(&user.user, input, state.now())
        .await?;
    Ok(created(json!({ "order_id": order.id })))
}

/// `POST /v1/order/{id}` `{action}`: agree, refuse, pay, confirm or cancel.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<OrderActionInput>,
) -> Result<impl IntoResponse, ApiError> {
    state
        .store()
        .act_on_order(id, user.id, input.action)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `GET /v1/order/{id}`: for its publisher, its consumer and admins (else 10010).
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let order = state.store().order(id).await?.ok_or(ApiError::NotFound)?;
    if order.actor(user.id) == Actor::Stranger && !user.has(Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    Ok(ok(order.view(&state.config().asset_base_url)))
}
