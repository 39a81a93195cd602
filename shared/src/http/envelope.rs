use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::{ApiError, ErrorBody};

/// A successful `/v1/` answer: `{error_code: 0, data, message: "ok"}` with 200.
pub struct Envelope<T>(pub T);

/// A successful create: the same envelope with 201.
pub struct Created<T>(pub T);

/// Wraps `data` in the success envelope (200).
pub fn ok<T: Serialize>(data: T) -> Envelope<T> {
    Envelope(data)
}

/// Wraps `data` in the success envelope with 201 Created.
pub fn created<T: Serialize>(data: T) -> Created<T> {
    Created(data)
}

fn success_body<T: Serialize>(data: T) -> Json<serde_json::Value> {
    Json(json!({ "error_code": 0, "data": data, "message": "ok" }))
}

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        success_body(self.0).into_response()
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, success_body(self.0)).into_response()
    }
}

/// Middleware that turns every failure into the seed's error body
/// `{error_code, message, request: "METHOD /path"}`: errors raised by handlers, unknown
/// routes and methods (10008), and panics (10025).
pub async fn envelope_layer(request: Request, next: Next) -> Response {
    let described = format!("{} {}", request.method(), request.uri().path());
    let is_head = request.method() == Method::HEAD;
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    tracing::info!(
        request = %described,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "handled"
    );
    let error = match response.extensions_mut().remove::<ErrorBody>() {
        Some(error) => error,
        None => match response.status() {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => plain(ApiError::NotFound),
            StatusCode::INTERNAL_SERVER_ERROR => plain(ApiError::internal("unhandled failure")),
            StatusCode::PAYLOAD_TOO_LARGE => {
                plain(ApiError::Validation("request body is too large".into()))
            }
            _ => return response,
        },
    };
    let status = if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        StatusCode::NOT_FOUND
    } else {
        response.status()
    };
    let mut rebuilt = error_response(status, &described, &error);
    if is_head {
        *rebuilt.body_mut() = Body::empty();
    }
    rebuilt
}

/// The seed's error body `{error_code, message, request}` for the request `described`
/// (`"METHOD /path"`), never cached.
fn error_response(status: StatusCode, described: &str, error: &ErrorBody) -> Response {
    let body = json!({
        "error_code": error.error_code,
        "message": error.message,
        "request": described,
    });
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 404 10008 in the seed's envelope for a request no route takes: what a function outside
/// the envelope (mobilization) answers for an unknown method, as API Gateway's `$default`
/// route does for it when deployed.
pub async fn no_such_route(request: Request) -> Response {
    let described = format!("{} {}", request.method(), request.uri().path());
    error_response(
        StatusCode::NOT_FOUND,
        &described,
        &plain(ApiError::NotFound),
    )
}

fn plain(error: ApiError) -> ErrorBody {
    ErrorBody {
        error_code: error.code(),
        message: error.to_string(),
    }
}

/// Finishes a function's router for the homemaking envelope: unknown routes answer 10008,
/// panics answer 10025, and every error carries `request`.
pub fn with_envelope(router: Router) -> Router {
    router
        .fallback(super::fallback::unmatched)
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!(error_code = 10025, "handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }))
        .layer(middleware::from_fn(super::audit_layer))
        .layer(middleware::from_fn(envelope_layer))
}
