//! The audit trail: every write by a privileged caller — a platform admin, a design
//! company's admin audit, a mobilization commander or directory admin — logs one JSON line
//! (`"audit": true`) with the actor's user id, the route, the target id and the outcome.
//! Never a body, a token or a pair: only ids and the route's template.
//!
//! [`audit_layer`] wraps the routes; the extractor that establishes the privilege marks
//! the request ([`mark_privileged`]); a handler that creates its target names it in the
//! response ([`AuditTarget`]), else the route's `{id}` is the target.

use std::sync::{Arc, OnceLock};

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponseParts, Response, ResponseParts};

/// The privileged actor of a request, once an extractor established one.
#[derive(Debug, Clone, Default)]
struct PrivilegedActor(Arc<OnceLock<u64>>);

/// Marks the request as made by privileged user `user_id` (the extractor of an admin or a
/// commander calls this); a request that is not a write, or not audited, ignores it.
pub fn mark_privileged(parts: &Parts, user_id: u64) {
    if let Some(actor) = parts.extensions.get::<PrivilegedActor>() {
        let _ = actor.0.set(user_id);
    }
}

/// The id of what a write created, for its audit line (`(AuditTarget(id), body)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditTarget(pub u64);

impl IntoResponseParts for AuditTarget {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

/// Logs the audit line of each write a privileged caller made (see the module).
pub async fn audit_layer(request: Request, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let route = format!(
        "{} {}",
        parts.method,
        parts.extensions.get::<MatchedPath>().map_or_else(
            || parts.uri.path().to_owned(),
            |path| path.as_str().to_owned()
        )
    );
    let path_target = path_target(&mut parts).await;
    let actor = PrivilegedActor::default();
    parts.extensions.insert(actor.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    if let Some(actor_id) = actor.0.get() {
        let target_id = response
            .extensions()
            .get::<AuditTarget>()
            .map(|target| target.0)
            .or(path_target);
        let status = response.status();
        let outcome = if status.is_success() || status.is_redirection() {
            "ok"
        } else if status.is_client_error() {
            "refused"
        } else {
            "failed"
        };
        tracing::info!(
            audit = true,
            actor_id,
            route,
            target_id,
            status = status.as_u16(),
            outcome,
            "audit"
        );
    }
    response
}

/// The route's `{id}` (or its first numeric parameter).
async fn path_target(parts: &mut Parts) -> Option<u64> {
    let params = RawPathParams::from_request_parts(parts, &()).await.ok()?;
    let numeric: Vec<(&str, u64)> = params
        .iter()
        .filter_map(|(name, value)| Some((name, value.parse().ok()?)))
        .collect();
    numeric
        .iter()
        .find(|(name, _)| *name == "id")
        .or_else(|| numeric.first())
        .map(|(_, id)| *id)
}
