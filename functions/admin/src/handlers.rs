use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
use shared::auth::Role;
use shared::credential::{CredentialView, NewCredential};
use shared::http::{created, ok, AdminUser, AuditTarget, IdPath, JsonBody, PageQuery, QueryParams};
use shared::identity;
use shared::text::BoundedVec;
use shared::{ApiError, AppState};

/// `POST /v1/admin/credential` → 201 `{id, i_code, order_no, roles}`, the only answer that
/// ever shows the whole pair; 10009 when the pair is already registered; 10000 when
/// `company_id` is not a company user.
pub async fn register_credential(
    State(state): State<AppState>,
    _admin: AdminUser,
    JsonBody(request): JsonBody<NewCredential>,
) -> Result<impl IntoResponse, ApiError> {
    let order_no = request.order_no.get();
    let credential = identity::register_credential(&state, request).await?;
    let body = json!({
        "id": credential.id,
        "i_code": credential.i_code,
        "order_no": order_no,
        "roles": credential.roles,
    });
    Ok((AuditTarget(credential.id), created(body)))
}

/// `GET /v1/admin/credential?page=&count=`: registered pairs in registration order, each
/// `order_no` masked.
pub async fn list_credentials(
    State(state): State<AppState>,
    _admin: AdminUser,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = state.store().credentials_page(query).await?;
    Ok(ok(page.map(CredentialView::from)))
}

/// `DELETE /v1/admin/credential/{id}` → `{id}`: the pair stops signing in and its user's
/// sessions end; 10008 when there is no such registration.
pub async fn remove_credential(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let removed = identity::remove_credential(&state, id).await?;
    Ok(ok(json!({ "id": removed.id })))
}

/// `PUT /v1/admin/user/{id}/roles` body.
#[derive(Deserialize)]
pub struct RolesRequest {
    roles: BoundedVec<Role, 0, 8>,
}

/// `PUT /v1/admin/user/{id}/roles` → `{id, roles}`: the user's roles from now on; their
/// sessions end, so the next token carries the new roles' session. 10008 when there is no
/// such user.
pub async fn set_roles(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(request): JsonBody<RolesRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let roles = identity::set_roles(&state, id, &request.roles.into_inner()).await?;
    Ok(ok(json!({ "id": id, "roles": roles })))
}
