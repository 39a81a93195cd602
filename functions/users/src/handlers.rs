use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::json;
use shared::http::{ok, CurrentUser, JsonBody};
use shared::tim::{user_sig, USER_SIG_EXPIRE_SECONDS};
use shared::user::{ProfileUpdate, UserView};
use shared::{ApiError, AppState};

/// `GET /v1/user`: the caller's profile, as the session check read it.
pub async fn show_user(caller: CurrentUser) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(UserView::from(&caller.user)))
}

/// `PUT /v1/user`: replaces the caller's profile fields and answers the new profile.
pub async fn update_user(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(update): JsonBody<ProfileUpdate>,
) -> Result<impl IntoResponse, ApiError> {
    let user = update.apply(caller.user);
    state.store().save_user(&user).await?;
    Ok(ok(UserView::from(&user)))
}

/// `GET /v1/user/sign`: a Tencent IM UserSig for the caller, valid 180 days.
pub async fn im_signature(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<impl IntoResponse, ApiError> {
    let key = state.tim_secret_key().await?;
    let app_id = state.config().tim_sdk_app_id;
    let sign = user_sig(
        key,
        &caller.id.to_string(),
        app_id,
        state.now(),
        USER_SIG_EXPIRE_SECONDS,
    );
    Ok(ok(json!({ "user_id": caller.id, "sign": sign })))
}
