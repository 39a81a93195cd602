//! The mobilization client's error format: bare `{cnmsg}` bodies with the seed's statuses,
//! unlike the homemaking envelope (contract §4, §10).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::ApiError;

/// Where the 302 of a missing or expired login points (the cookie login route).
pub const LOGIN_URL: &str = "/user";

/// One failure of a `/task` or `/user` route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// 302 — no valid login cookie (or token).
    #[error("登录超时，请重新登录")]
    NotLoggedIn,
    /// 400 — bad input; the text names the field or row at fault.
    #[error("{0}")]
    Invalid(String),
    /// 403 — outside the caller's scope, or not the caller's to do.
    #[error("{0}")]
    Forbidden(String),
    /// 404 — no such task.
    #[error("任务不存在")]
    NotFound,

    /// 400 with `error_code` 10026 — the member already checked in.
    #[error("重复签到")]
    DuplicateCheckIn,
    /// 400 with `error_code` 10027 — check-in refused: not accepted, before the check-in
    /// window opens (two hours before gathering), or after the task ended.
    #[error("{0}")]
    CheckInRefused(String),
    /// 429 — too many failed logins from this address or with this `i_code`; the number
    /// is the seconds until the window closes.
    #[error("登录失败次数过多，请{0}秒后再试")]
    Throttled(i64),
    /// 400 with `error_code` 10028 — the position sent is farther from the gathering
    /// place than the check-in radius.
    #[error("签到失败")]
    CheckInTooFar,
    /// 500 — a server fault; the cause goes to the log only.
    #[error("很抱歉,服务器出错了")]
    Internal(String),
}

impl TaskError {
    /// A 400 naming `field`.
    pub fn invalid(field: &str, problem: impl std::fmt::Display) -> Self {
        TaskError::Invalid(format!("{field}: {problem}"))
    }

    /// A 403 saying why.
    pub fn forbidden(why: impl Into<String>) -> Self {
        TaskError::Forbidden(why.into())
    }

    /// A 500 keeping its cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        TaskError::Internal(cause.to_string())
    }

    /// The HTTP status of this failure.
    pub fn status(&self) -> StatusCode {
        match self {
            TaskError::NotLoggedIn => StatusCode::FOUND,
            TaskError::Invalid(_)
            | TaskError::DuplicateCheckIn
            | TaskError::CheckInRefused(_)
            | TaskError::CheckInTooFar => StatusCode::BAD_REQUEST,
            TaskError::Forbidden(_) => StatusCode::FORBIDDEN,
            TaskError::NotFound => StatusCode::NOT_FOUND,
            TaskError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            TaskError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Store and identity failures reach this client in its own format: token problems become
/// the login redirect, a bad field a 400, a server fault a 500.
impl From<ApiError> for TaskError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::MissingToken | ApiError::InvalidToken => TaskError::NotLoggedIn,
            ApiError::Validation(message) => TaskError::Invalid(message),
            ApiError::CredentialRejected => {
                TaskError::Invalid("i_code/order_no 不是民兵的登录凭证".into())
            }
            ApiError::Forbidden => TaskError::forbidden("权限不足"),
            ApiError::NotFound => TaskError::NotFound,
            ApiError::DuplicateCheckIn => TaskError::DuplicateCheckIn,
            ApiError::LoginThrottled(seconds) => TaskError::Throttled(seconds),
            ApiError::CheckInFailed => TaskError::CheckInRefused("签到失败".into()),
            ApiError::CheckInTooFar => TaskError::CheckInTooFar,
            other => TaskError::Internal(format!("{other:?}")),
        }
    }
}

impl IntoResponse for TaskError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = self.to_string();
        let body = match &self {
            TaskError::NotLoggedIn => json!({ "cnmsg": message, "url": LOGIN_URL }),
            TaskError::DuplicateCheckIn => json!({ "cnmsg": message, "error_code": 10026 }),
            TaskError::CheckInRefused(_) => json!({ "cnmsg": message, "error_code": 10027 }),
            TaskError::CheckInTooFar => json!({ "cnmsg": message, "error_code": 10028 }),
            TaskError::Internal(cause) => {
                tracing::error!(cause = %cause, "mobilization internal error");
                json!({ "cnmsg": message })
            }
            _ => json!({ "cnmsg": message }),
        };
        let mut response = (status, Json(body)).into_response();
        match self {
            TaskError::NotLoggedIn => {
                response
                    .headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static(LOGIN_URL));
            }
            TaskError::Throttled(seconds) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.max(1).into());
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_seed() {
        assert_eq!(TaskError::NotLoggedIn.status(), StatusCode::FOUND);
        assert_eq!(
            TaskError::invalid("x", "y").status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(TaskError::forbidden("x").status(), StatusCode::FORBIDDEN);
        assert_eq!(TaskError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            TaskError::DuplicateCheckIn.status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(TaskError::CheckInTooFar.status(), StatusCode::BAD_REQUEST);
        assert_eq!(TaskError::CheckInTooFar.to_string(), "签到失败");
        assert_eq!(
            TaskError::internal("secret").to_string(),
            "很抱歉,服务器出错了"
        );
    }

    #[test]
    fn store_errors_map_into_this_format() {
        assert_eq!(
            TaskError::from(ApiError::MissingToken),
            TaskError::NotLoggedIn
        );
        assert_eq!(
            TaskError::from(ApiError::Validation("a: b".into())),
            TaskError::Invalid("a: b".into())
        );
        assert_eq!(
            TaskError::from(ApiError::CheckInTooFar),
            TaskError::CheckInTooFar
        );
        assert!(matches!(
            TaskError::from(ApiError::internal("boom")),
            TaskError::Internal(_)
        ));
    }
}
