use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use crate::auth::{Claims, Role};
use crate::error::ApiError;
use crate::state::AppState;
use crate::user::User;

/// The caller, from a valid token of a live session: 10001 when there is none, 10002 when
/// it is bad, expired or ended. Reading it costs one `GetItem` (the user record, which also
/// gives the roles); a route that needs the user reads [`CurrentUser::user`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// The user's id (`sub`).
    pub id: u64,
    /// The user's roles, from the user record.
    pub roles: Vec<Role>,
    /// The user record as read.
    pub user: User,
}

impl From<User> for CurrentUser {
    fn from(user: User) -> Self {
        CurrentUser {
            id: user.id,
            roles: user.roles.clone(),
            user,
        }
    }
}

impl CurrentUser {
    /// Whether the user has `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 10010 unless the user has `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Where a request's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// The seed's `token` header or `Authorization: Bearer`: a client sent it on purpose.
    Header,
    /// The `token` cookie, which a browser attaches to any request to this origin.
    Cookie,
}

/// Finds the token: the seed's `token` header first, then `Authorization: Bearer`, then the
/// `token` cookie (the mobilization web client logs in with a cookie).
pub fn bearer_token(headers: &HeaderMap) -> Option<(&str, Carrier)> {
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
    let present = |token: &&str| !token.is_empty();
    from_header
        .map(str::trim)
        .filter(present)
        .or_else(|| from_authorization().filter(present))
        .map(|token| (token, Carrier::Header))
        .or_else(|| {
            from_cookie()
                .filter(present)
                .map(|token| (token, Carrier::Cookie))
        })
}

/// The `Set-Cookie` value carrying a login token for `max_age` seconds: set by both sign-ins
/// (`POST /v1/token`, `POST /user`), so a browser page on the API's origin (the mobilization
/// web client, the console) is signed in by either.
pub fn login_cookie(token: &str, max_age: i64) -> String {
    format!("token={token}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age}")
}

/// The `Set-Cookie` value that clears the login.
pub fn logout_cookie() -> &'static str {
    "token=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0"
}

/// Whether a request authenticated by the cookie alone may go on: reads always; a write
/// only when it cannot have been forged by another site — a body must be
/// `application/json` (which no form can send and no cross-site script can send without
/// a CORS preflight), and an `Origin`, when sent, must be the API's own (the `Host` it
/// was sent to) or one of `allowed_origins`.
pub fn cookie_write_allowed(
    method: &Method,
    headers: &HeaderMap,
    allowed_origins: &[String],
) -> bool {
    if method.is_safe() {
        return true;
    }
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let has_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    let json = text(CONTENT_TYPE).is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
    });
    let origin_allowed = match text(ORIGIN) {
        None => true,
        Some(origin) => {
            let origin = origin.trim_end_matches('/');
            let own = origin
                .split_once("://")
                .zip(text(HOST))
                .is_some_and(|((_, authority), host)| authority.eq_ignore_ascii_case(host));
            own || allowed_origins.iter().any(|allowed| allowed == origin)
        }
    };
    (json || !has_body) && origin_allowed
}

/// The claims of the request's token when it is valid and, for a cookie, the request not
/// forgeable ([`cookie_write_allowed`], else 10010). The session is not checked yet: see
/// [`live_user`].
pub async fn verified_claims(parts: &Parts, state: &AppState) -> Result<Claims, ApiError> {
    let (token, carrier) = bearer_token(&parts.headers).ok_or(ApiError::MissingToken)?;
    if carrier == Carrier::Cookie
        && !cookie_write_allowed(
            &parts.method,
            &parts.headers,
            &state.config().allowed_origins,
        )
    {
        return Err(ApiError::Forbidden);
    }
    state.tokens().await?.verify(token)
}

/// The user of `claims` while their session lives (one `GetItem`): 10002 when the user is
/// gone or the token's session version is behind theirs.
pub async fn live_user(state: &AppState, claims: &Claims) -> Result<User, ApiError> {
    let user = state
        .store()
        .user(claims.user_id()?)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if claims.sv < user.session_version {
        return Err(ApiError::InvalidToken);
    }
    Ok(user)
}

/// [`verified_claims`] then [`live_user`].
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<User, ApiError> {
    let claims = verified_claims(parts, state).await?;
    live_user(state, &claims).await
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = authenticate(parts, state).await?;
        if user.roles.contains(&Role::Admin) {
            super::mark_privileged(parts, user.id);
        }
        Ok(CurrentUser::from(user))
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

/// A caller with the `admin` role (else 10010).
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
        assert_eq!(bearer_token(&map), Some(("a", Carrier::Header)));
    }

    #[test]
    fn bearer_then_cookie() {
        assert_eq!(
            bearer_token(&headers(&[("authorization", "bearer b")])),
            Some(("b", Carrier::Header))
        );
        let map = headers(&[("cookie", "lang=zh; token=c; x=y")]);
        assert_eq!(bearer_token(&map), Some(("c", Carrier::Cookie)));
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

    #[test]
    fn cookie_writes_need_json_and_an_allowed_origin() {
        let allowed = vec!["https://console.example".to_owned()];
        let json = ("content-type", "application/json;charset=utf-8");
        let host = ("host", "api.example");
        type Headers<'a> = &'a [(&'static str, &'static str)];
        let cases: [(Method, Headers<'_>, bool); 9] = [
            (Method::GET, &[("origin", "https://evil.example")], true),
            (Method::POST, &[json, host], true),
            (Method::POST, &[("content-type", "text/plain"), host], false),
            (
                Method::POST,
                &[("content-type", "application/x-www-form-urlencoded")],
                false,
            ),
            (
                Method::POST,
                &[json, host, ("origin", "https://api.example")],
                true,
            ),
            (
                Method::POST,
                &[json, host, ("origin", "https://console.example/")],
                true,
            ),
            (
                Method::POST,
                &[json, host, ("origin", "https://evil.example")],
                false,
            ),
            (Method::DELETE, &[host], true),
            (Method::DELETE, &[host, ("origin", "null")], false),
        ];
        for (method, pairs, expected) in cases {
            assert_eq!(
                cookie_write_allowed(&method, &headers(pairs), &allowed),
                expected,
                "{method} {pairs:?}"
            );
        }
    }
}
