use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
use shared::http::{ok, JsonBody};
use shared::identity::sign_in;
use shared::text::{BoundedText, ICode, PositiveInt};
use shared::{ApiError, AppState};

/// `POST /v1/token` body: the credential pair.
#[derive(Deserialize)]
pub struct TokenRequest {
    i_code: ICode,
    order_no: PositiveInt,
}

/// Issues a token for the user behind the pair (created on first use); 9999 when the pair
/// is not registered.
pub async fn issue_token(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TokenRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let user = sign_in(&state, request.i_code.as_str(), request.order_no.get()).await?;
    let token = state
        .tokens()
        .await?
        .issue(user.id, &user.roles, state.now())?;
    Ok(ok(json!({ "token": token })))
}

/// `POST /v1/token/verify` body.
#[derive(Deserialize)]
pub struct VerifyRequest {
    /// Far above any token this API issues; a longer one is refused unread.
    token: BoundedText<0, 4096>,
}

/// Answers whether the token is valid now.
pub async fn verify_token(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<VerifyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let valid = state.tokens().await?.verify(request.token.as_str()).is_ok();
    Ok(ok(json!({ "valid": valid })))
}
