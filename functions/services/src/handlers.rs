use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::auth::Role;
use shared::http::{
    created, ok, AdminUser, CurrentUser, IdPath, JsonBody, PageQuery, QueryParams, QueueQuery,
};
use shared::service::{
    AuditInput, MyServicesQuery, OffShelfInput, PublishedQuery, ServiceAction, ServiceActionInput,
    ServiceCounts, ServiceInput, ServiceStatus, TypeQuery,
};
use shared::store::services::{my_services_counter, PublishedFilter};
use shared::user::Reader;
use shared::{ApiError, AppState};

/// `GET /v1/service/list?category_id=&type=&page=&count=` (no token needed): published
/// services, newest first; a publisher's `real_name` and `tel` only for that publisher and
/// admins. A token that does not verify is read as none: the list is public.
pub async fn published(
    State(state): State<AppState>,
    caller: Result<CurrentUser, ApiError>,
    QueryParams(query): QueryParams<PublishedQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let reader = Reader::of(caller.ok().as_ref());
    let filter = PublishedFilter {
        category_id: query.category_id.map(|id| id.get()),
        service_type: query.service_type,
    };
    let page = PageQuery::from_parts(query.page, query.count)?;
    let services = state.store().published_services(filter, page).await?;
    let base = &state.config().asset_base_url;
    Ok(ok(services.map(|service| service.view_for(base, reader))))
}

/// `POST /v1/service` → 201 `{service_id: "9"}` (a string, as the seed shows).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let service = state
        .store()
        .create_service(&user.user, input, state.now())
        .await?;
    Ok(created(json!({ "service_id": service.id.to_string() })))
}

/// `GET /v1/service/my?type=&status=&page=&count=`: the caller's services.
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<MyServicesQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageQuery::from_parts(query.page, query.count)?;
    let services = state
        .store()
        .my_services(user.id, query.service_type, query.status, page)
        .await?;
    let base = &state.config().asset_base_url;
    Ok(ok(services.map(|service| service.view(base))))
}

/// `GET /v1/service/count?type=`: the caller's services of that type by status.
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(query): QueryParams<TypeQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let counter = my_services_counter(user.id, query.service_type);
    let tally = state.store().tally(&counter).await?;
    Ok(ok(ServiceCounts::from(&tally)))
}

/// `GET /v1/service/{id}`: published services for everyone; others only for their
/// publisher and admins (else 10008, as if absent). The publisher's `real_name` and `tel`
/// as in the list.
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let service = state.store().service(id).await?;
    let service = service
        .filter(|service| service.visible_to(user.id) || user.has(Role::Admin))
        .ok_or(ApiError::NotFound)?;
    let reader = Reader::of(Some(&user));
    Ok(ok(service.view_for(&state.config().asset_base_url, reader)))
}

/// `POST /v1/service/{id}` `{action}`: publish, pause or cancel one's own service.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<ServiceActionInput>,
) -> Result<impl IntoResponse, ApiError> {
    let action = ServiceAction::from(input.action);
    state
        .store()
        .act_on_service(id, Some(user.id), action, None)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `PUT /v1/service/{id}`: rewrites one's own service, which goes back to audit (0).
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let service = state.store().edit_service(id, &user.user, input).await?;
    Ok(ok(service.view(&state.config().asset_base_url)))
}

/// `POST /v1/admin/service/{id}/audit` `{approve, reason?}`: 0 → 1 or 0 → 5.
pub async fn audit(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<AuditInput>,
) -> Result<impl IntoResponse, ApiError> {
    let (action, reason) = input.decision();
    state
        .store()
        .act_on_service(id, None, action, reason)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `POST /v1/admin/service/{id}/off-shelf` `{reason}`: 1 or 2 → 3.
pub async fn off_shelf(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<OffShelfInput>,
) -> Result<impl IntoResponse, ApiError> {
    let reason = Some(input.reason.into_inner());
    state
        .store()
        .act_on_service(id, None, ServiceAction::OffShelf, reason)
        .await?;
    Ok(ok(json!({ "result": true })))
}

/// `GET /v1/admin/services?status=&page=&count=`: the services in one status, newest
/// first, with their publisher's `real_name` and `tel` (the audit queue is status 0).
pub async fn queue(
    State(state): State<AppState>,
    admin: AdminUser,
    QueryParams(query): QueryParams<QueueQuery<ServiceStatus>>,
) -> Result<impl IntoResponse, ApiError> {
    let services = state
        .store()
        .services_in(query.status, query.page()?)
        .await?;
    let (base, reader) = (&state.config().asset_base_url, Reader::of(Some(&admin.0)));
    Ok(ok(services.map(|service| service.view_for(base, reader))))
}
