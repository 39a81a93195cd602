use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::ApiError;

/// A failure of the routes that answer the design seed's `getTaskProcess` format:
/// `{message, status}` with that HTTP status (400 bad body, 401 no or bad token, 403 not
/// a party, 404 not found, 500 server fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    /// HTTP status, repeated in the body.
    pub status: StatusCode,
    /// What went wrong.
    pub message: String,
}

impl From<ApiError> for StatusError {
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(cause) = &error {
            tracing::error!(error_code = 10025, cause = %cause, "internal error");
        }
        StatusError {
            status: error.status(),
            message: error.to_string(),
        }
    }
}

impl IntoResponse for StatusError {
    fn into_response(self) -> Response {
        let body = json!({ "message": self.message, "status": self.status.as_u16() });
        (self.status, Json(body)).into_response()
    }
}

/// Finishes a router of `{message, status}` routes: a panic answers 500 and a wrong
/// method 405 in that shape.
pub fn with_status_errors(router: Router) -> Router {
    router
        .layer(middleware::map_response(method_not_allowed))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!(error_code = 10025, "handler panicked");
            StatusError::from(ApiError::internal("handler panicked")).into_response()
        }))
}

async fn method_not_allowed(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    StatusError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: "请求方法不被允许".to_owned(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_keep_their_http_status() {
        for (error, status) in [
            (ApiError::Validation("task_id: bad".into()), 400),
            (ApiError::MissingToken, 401),
            (ApiError::InvalidToken, 401),
            (ApiError::Forbidden, 403),
            (ApiError::NotFound, 404),
            (ApiError::internal("secret"), 500),
        ] {
            let converted = StatusError::from(error);
            assert_eq!(converted.status.as_u16(), status);
            assert!(!converted.message.contains("secret"));
        }
    }
}
