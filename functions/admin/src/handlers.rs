use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::auth::Role;
use shared::credential::{CredentialView, NewCredential};
use shared::http::{created, ok, AdminUser, JsonBody, PageQuery, QueryParams};
use shared::{ApiError, AppState};

/// `POST /v1/admin/credential` → 201 `{id, i_code, order_no, roles}`; 10009 when the pair
/// is already registered; 10000 when `company_id` is not a company user.
pub async fn register_credential(
    State(state): State<AppState>,
    _admin: AdminUser,
    JsonBody(request): JsonBody<NewCredential>,
) -> Result<impl IntoResponse, ApiError> {
    let store = state.store();
    let mut credential = request.into_credential(0, state.now())?;
    if let Some(company_id) = credential.company_id {
        let company = store.user(company_id).await?;
        if !company.is_some_and(|company| company.roles.contains(&Role::Company)) {
            return Err(ApiError::invalid(
                "company_id",
                "is not a user with role company",
            ));
        }
    }
    credential.id = store.next_id("credential").await?;
    store.register_credential(&credential).await?;
    Ok(created(json!({
        "id": credential.id,
        "i_code": credential.i_code,
        "order_no": credential.order_no,
        "roles": credential.roles,
    })))
}

/// `GET /v1/admin/credential?page=&count=`: registered pairs in registration order.
pub async fn list_credentials(
    State(state): State<AppState>,
    _admin: AdminUser,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = state.store().credentials_page(query).await?;
    Ok(ok(page.map(CredentialView::from)))
}
