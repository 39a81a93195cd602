//! The local stack's front door: what API Gateway does before a function sees a request
//! that `cargo lambda watch` does not. Its emulator reports every caller's address as
//! 127.0.0.1, so the edge forwards each request to it with the caller's TCP address in
//! [`SOURCE_IP_HEADER`] (replacing any such header the caller sent), which the functions
//! read when `SOURCE_IP_HEADER` names it. Clients on loopback can bind any 127.0.0.0/8
//! address to act as different callers.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// The header the edge puts the caller's address in.
pub const SOURCE_IP_HEADER: &str = "x-source-ip";

/// Bodies the edge forwards: above Lambda's 6 MB payload, so the function (not the edge)
/// decides what is too large.
const MAX_BODY: usize = 8 * 1024 * 1024;

#[derive(Clone)]
struct Upstream {
    base: String,
    http: reqwest::Client,
}

/// A router forwarding everything to `upstream` (`http://127.0.0.1:9100`), redirects
/// passed through to the caller.
pub fn router(upstream: &str) -> Result<Router, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| error.to_string())?;
    Ok(Router::new().fallback(forward).with_state(Upstream {
        base: upstream.trim_end_matches('/').to_owned(),
        http,
    }))
}

/// Serves [`router`] on `listener`, giving it each connection's peer address.
pub async fn serve(listener: tokio::net::TcpListener, upstream: &str) -> Result<(), String> {
    let app = router(upstream)?.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .await
        .map_err(|error| error.to_string())
}

async fn forward(
    State(upstream): State<Upstream>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    match relay(&upstream, peer, request).await {
        Ok(response) => response,
        Err(error) => (StatusCode::BAD_GATEWAY, error).into_response(),
    }
}

async fn relay(
    upstream: &Upstream,
    peer: SocketAddr,
    request: Request,
) -> Result<Response, String> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|error| error.to_string())?;
    let mut headers = parts.headers;
    headers.insert(
        HeaderName::from_static(SOURCE_IP_HEADER),
        HeaderValue::from_str(&peer.ip().to_string()).map_err(|error| error.to_string())?,
    );
    let answer = upstream
        .http
        .request(parts.method, format!("{}{path}", upstream.base))
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    let bytes = answer.bytes().await.map_err(|error| error.to_string())?;
    response
        .body(Body::from(bytes))
        .map_err(|error| error.to_string())
}
