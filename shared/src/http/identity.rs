use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::auth::Role;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller, from a valid token: 10001 when there is none, 10002 when it is bad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// The user's id (`sub`).
    pub id: u64,
    /// Roles carried by the token.
    pub roles: Vec<Role>,
}

impl CurrentUser {
    /// Whether the token carries `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 10010 unless the token carries `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Finds the token: the seed's `token` header first, then `Authorization: Bearer`, then the
/// `token` cookie (the mobilization web client logs in with a cookie).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let from_header = headers.get("token").and_then(|value| value.to_str().ok());
    let from_authorization = || {
        headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            })
    };
    let from_cookie = || {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == "token")
            .map(|(_, token)| token.trim())
    };
    from_header
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .or_else(|| from_authorization().filter(|token| !token.is_empty()))
        .or_else(|| from_cookie().filter(|token| !token.is_empty()))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::MissingToken)?;
        let claims = state.tokens().await?.verify(token)?;
        Ok(CurrentUser {
            id: claims.user_id()?,
            roles: claims.roles,
        })
    }
}

/// The caller of a public route that takes a token when one is sent (`POST /v1/file`): no
/// token, or an empty one (clients send `token:` before login), is `None`; a bad token is
/// still 10002.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if bearer_token(&parts.headers).is_none() {
            return Ok(MaybeUser(None));
        }
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(|user| MaybeUser(Some(user)))
    }
}

/// A caller whose token carries the `admin` role (else 10010).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUser(pub CurrentUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.require(Role::Admin)?;
        Ok(AdminUser(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn token_header_wins() {
        let map = headers(&[
            ("token", "a"),
            ("authorization", "Bearer b"),
            ("cookie", "token=c"),
        ]);
        assert_eq!(bearer_token(&map), Some("a"));
    }

    #[test]
    fn bearer_then_cookie() {
        assert_eq!(
            bearer_token(&headers(&[("authorization", "bearer b")])),
            Some("b")
        );
        let map = headers(&[("cookie", "lang=zh; token=c; x=y")]);
        assert_eq!(bearer_token(&map), Some("c"));
    }

    #[test]
    fn empty_or_other_schemes_are_missing() {
        assert_eq!(bearer_token(&headers(&[("token", " ")])), None);
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Basic abc")])),
            None
        );
        assert_eq!(bearer_token(&headers(&[("cookie", "tokens=x")])), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
