use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
use shared::http::{login_cookie, ok, CurrentUser, JsonBody, SourceIp};
use shared::identity::{self, LoginAttempt};
use shared::text::{BoundedText, ICode, PositiveInt};
use shared::{ApiError, AppState};

/// `POST /v1/token` body: the credential pair.
#[derive(Deserialize)]
pub struct TokenRequest {
    i_code: ICode,
    order_no: PositiveInt,
}

/// Issues a token for the user behind the pair (created on first use), in the body for the
/// mini programs and in the `token` cookie for a page on the API's origin (the console);
/// 9999 when the pair is not registered, 429 (9999) after too many failures from the
/// caller's address or with the pair's `i_code`.
pub async fn issue_token(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    JsonBody(request): JsonBody<TokenRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let attempt = LoginAttempt {
        i_code: request.i_code.as_str(),
        order_no: request.order_no.get(),
        source_ip: &source_ip,
    };
    let user = identity::sign_in(&state, &attempt).await?;
    let token = identity::issue_token(&state, &user).await?;
    let cookie = login_cookie(&token, state.config().token_ttl_seconds);
    Ok(([(SET_COOKIE, cookie)], ok(json!({ "token": token }))))
}

/// `POST /v1/token/verify` body.
#[derive(Deserialize)]
pub struct VerifyRequest {
    /// Far above any token this API issues; a longer one is refused unread.
    token: BoundedText<0, 4096>,
}

/// Answers whether the token is valid now: well signed, unexpired, and of a live session.
pub async fn verify_token(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<VerifyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let valid = match state.tokens().await?.verify(request.token.as_str()) {
        Ok(claims) => match identity::live_session(&state, &claims).await {
            Ok(()) => true,
            Err(ApiError::Internal(cause)) => return Err(ApiError::Internal(cause)),
            Err(_) => false,
        },
        Err(_) => false,
    };
    Ok(ok(json!({ "valid": valid })))
}

/// `POST /v1/token/revoke` → `{revoked: true}`: every token of the caller stops working
/// (logout on every device).
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<impl IntoResponse, ApiError> {
    identity::end_sessions(&state, caller.id).await?;
    Ok(ok(json!({ "revoked": true })))
}
