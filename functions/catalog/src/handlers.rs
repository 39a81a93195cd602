use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::category::{CategoryInput, CategoryView};
use shared::http::{created, ok, AdminUser, IdPath, JsonBody};
use shared::{ApiError, AppState};

/// `GET /v1/category`: every category as `{id, name}`, in display order.
pub async fn list_categories(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let categories = state.store().categories().await?;
    Ok(ok(categories
        .iter()
        .map(CategoryView::from)
        .collect::<Vec<_>>()))
}

/// `POST /v1/admin/category` → 201 `{id}`.
pub async fn create_category(
    State(state): State<AppState>,
    _admin: AdminUser,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<impl IntoResponse, ApiError> {
    let category = input.into_category(state.store().next_id("category").await?);
    state.store().create_category(&category).await?;
    Ok(created(json!({ "id": category.id })))
}

/// `PUT /v1/admin/category/{id}` → `{result: true}`; 10008 when there is no such category.
pub async fn update_category(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<impl IntoResponse, ApiError> {
    state
        .store()
        .save_category(&input.into_category(id))
        .await?;
    Ok(ok(json!({ "result": true })))
}
