//! Requests no route matched. Mini-program clients join their base URL and a path that
//! starts with `/` (`https://host/homemaking/` + `/v1/file`), so some paths arrive with a
//! run of slashes (contract §11). API Gateway's `$default` route and the local router's
//! catch-all send every unmatched request to one function (`files`, whose upload route is
//! the one the clients join that way), which reads a run of slashes as one: its own routes
//! are served at once, another function's get a 308 to the collapsed path (method and body
//! kept), and anything else is the seed's 404 (10008).

use std::convert::Infallible;

use axum::extract::Request;
use axum::http::uri::{PathAndQuery, Uri};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;

use crate::error::ApiError;

/// `path` with every run of slashes made one, or `None` when it has none.
pub fn collapse_slashes(path: &str) -> Option<String> {
    if !path.contains("//") {
        return None;
    }
    let mut collapsed = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    Some(collapsed)
}

/// Marks a request whose path had runs of slashes, collapsed before routing.
#[derive(Debug, Clone)]
pub struct Collapsed;

/// `router`, reading a run of slashes in a request's path as one slash before it routes.
pub fn collapsing_slashes(router: Router) -> Router {
    Router::new().fallback_service(tower::service_fn(move |mut request: Request| {
        let router = router.clone();
        async move {
            if let Some(uri) = collapsed_uri(request.uri()) {
                *request.uri_mut() = uri;
                request.extensions_mut().insert(Collapsed);
            }
            router
                .oneshot(request)
                .await
                .map_err(|never: Infallible| never)
        }
    }))
}

fn collapsed_uri(uri: &Uri) -> Option<Uri> {
    let path = collapse_slashes(uri.path())?;
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query).ok()?);
    Uri::from_parts(parts).ok()
}

/// What an unmatched request gets: a 308 to the collapsed path when its slashes were
/// collapsed (another function serves it), else 10008.
pub async fn unmatched(request: Request) -> Response {
    if request.extensions().get::<Collapsed>().is_none() {
        return ApiError::NotFound.into_response();
    }
    let location = request
        .uri()
        .path_and_query()
        .map_or("/", PathAndQuery::as_str)
        .to_owned();
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_slashes_become_one() {
        assert_eq!(collapse_slashes("//v1/file").as_deref(), Some("/v1/file"));
        assert_eq!(
            collapse_slashes("/v1///service//7").as_deref(),
            Some("/v1/service/7")
        );
        assert_eq!(collapse_slashes("/v1/file"), None);
        let uri: Uri = "//v1/service/list?page=1&count=4".parse().unwrap();
        assert_eq!(
            collapsed_uri(&uri).unwrap().to_string(),
            "/v1/service/list?page=1&count=4"
        );
    }
}
