//! The caller's address, as API Gateway gives it (`requestContext.http.sourceIp`).

use std::convert::Infallible;
use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;

use crate::state::AppState;

/// The caller's IP address. Deployed, it is API Gateway's `sourceIp`, which the client
/// cannot choose. A local stack names a header its own front sets from the TCP peer
/// (`SOURCE_IP_HEADER`), since the local emulator reports every caller as 127.0.0.1.
/// An address that cannot be read is `unknown` (all such callers share one budget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceIp(pub String);

impl FromRequestParts<AppState> for SourceIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let from_header = state.config().source_ip_header.as_ref().and_then(|name| {
            parts
                .headers
                .get(name.as_str())
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        });
        let from_context = || match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
            _ => None,
        };
        let address = from_header
            .or_else(from_context)
            .and_then(|raw| raw.trim().parse::<IpAddr>().ok())
            .map_or_else(|| "unknown".to_owned(), |address| address.to_string());
        Ok(SourceIp(address))
    }
}
