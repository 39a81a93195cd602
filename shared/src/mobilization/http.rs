//! Request extraction for the mobilization client: the logged-in member (302 when there
//! is no valid login), and bodies, queries and paths whose bad fields answer 400 `{cnmsg}`
//! through the same parsing as the homemaking extractors.

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::directory::{Directory, Member};
use super::error::TaskError;
use crate::auth::Role;
use crate::error::ApiError;
use crate::http::{
    authenticate, bearer_token, live_user, mark_privileged, parse_query, read_json,
    verified_claims, PageNumber, PageQuery, PageSize,
};
use crate::state::AppState;

/// The caller as a member of the directory, with the directory itself.
#[derive(Debug, Clone)]
pub struct Soldier {
    /// The user behind the login.
    pub user_id: u64,
    /// The member the caller logged in as.
    pub member: Member,
    /// The directory, read once per request.
    pub directory: Directory,
}

impl Soldier {
    /// 403 unless the member commands their unit.
    pub fn require_commander(&self) -> Result<(), TaskError> {
        if self.member.is_admin {
            Ok(())
        } else {
            Err(TaskError::forbidden("只有指挥官可以执行该操作"))
        }
    }
}

impl FromRequestParts<AppState> for Soldier {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, TaskError> {
        let claims = verified_claims(parts, state).await?;
        let store = state.store();
        let (user, soldier_id) = tokio::try_join!(
            live_user(state, &claims),
            store.member_of_user(claims.user_id()?)
        )?;
        let not_member = || TaskError::forbidden("您不是民兵，请用民兵的凭证登录");
        let soldier_id = soldier_id.ok_or_else(not_member)?;
        let (member, directory) = tokio::try_join!(store.member(soldier_id), store.directory())?;
        let member = member.ok_or_else(not_member)?;
        if member.deactivated {
            return Err(TaskError::forbidden("该民兵已停用"));
        }
        if member.is_admin {
            mark_privileged(parts, user.id);
        }
        Ok(Soldier {
            user_id: user.id,
            member,
            directory,
        })
    }
}

/// The user of the request's login when it is valid and its session live, else `None`
/// (for `GET /user`, which answers either way, and `DELETE /user`).
#[derive(Debug, Clone, Copy)]
pub struct OptionalLogin(pub Option<u64>);

impl FromRequestParts<AppState> for OptionalLogin {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, TaskError> {
        if bearer_token(&parts.headers).is_none() {
            return Ok(OptionalLogin(None));
        }
        match authenticate(parts, state).await {
            Ok(user) => Ok(OptionalLogin(Some(user.id))),
            Err(ApiError::Internal(cause)) => Err(TaskError::Internal(cause)),
            Err(_) => Ok(OptionalLogin(None)),
        }
    }
}

/// A JSON body; a bad field is a 400 naming it.
#[derive(Debug, Clone)]
pub struct TaskJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for TaskJson<T> {
    type Rejection = TaskError;

    async fn from_request(request: Request, state: &S) -> Result<Self, TaskError> {
        Ok(TaskJson(read_json(request, state).await?))
    }
}

/// The seed's `pc` (per page) and `pn` (page) of a member list; bad values are 400.
#[derive(Debug, Clone, Copy)]
pub struct MemberPage(pub PageQuery);

#[derive(Deserialize)]
struct RawMemberPage {
    pc: PageSize,
    pn: PageNumber,
}

impl<S: Send + Sync> FromRequestParts<S> for MemberPage {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, TaskError> {
        let raw: RawMemberPage = parse_query(parts.uri.query().unwrap_or_default())?;
        Ok(MemberPage(super::limits::page(raw.pn, raw.pc, "pc×pn")?))
    }
}

/// `/{item_counts_per_page}/{cur_page}` of a task list; bad values are 400.
#[derive(Debug, Clone, Copy)]
pub struct ListPage(pub PageQuery);

impl<S: Send + Sync> FromRequestParts<S> for ListPage {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, TaskError> {
        let Path((count, page)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| TaskError::Invalid(rejection.body_text()))?;
        let number = |field: &str, text: &str| {
            text.parse::<i64>()
                .map_err(|_| TaskError::invalid(field, "must be an integer"))
        };
        let count = PageSize::try_from(number("item_counts_per_page", &count)?)
            .map_err(|e| TaskError::invalid("item_counts_per_page", e))?;
        let page = PageNumber::try_from(number("cur_page", &page)?)
            .map_err(|e| TaskError::invalid("cur_page", e))?;
        Ok(ListPage(super::limits::page(
            page,
            count,
            "item_counts_per_page×cur_page",
        )?))
    }
}

/// A task id from the route's `{id}`; anything but a positive integer is 400.
#[derive(Debug, Clone, Copy)]
pub struct TaskId(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for TaskId {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, TaskError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| TaskError::Invalid(rejection.body_text()))?;
        crate::text::PositiveInt::parse(&raw)
            .map(|id| TaskId(id.get()))
            .ok_or_else(|| TaskError::invalid("task_id", "must be a positive integer"))
    }
}

/// A caller whose login carries the `admin` role (302 without a login, 403 without the
/// role): the directory import.
#[derive(Debug, Clone, Copy)]
pub struct DirectoryAdmin(pub u64);

impl FromRequestParts<AppState> for DirectoryAdmin {
    type Rejection = TaskError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, TaskError> {
        let user = authenticate(parts, state).await?;
        if user.roles.contains(&Role::Admin) {
            mark_privileged(parts, user.id);
            Ok(DirectoryAdmin(user.id))
        } else {
            Err(TaskError::forbidden("只有平台管理员可以导入目录"))
        }
    }
}

/// Finishes the mobilization router: unknown routes and methods answer 404 10008 in the
/// homemaking envelope (contract §11: the same answer wherever they arrive), panics 500
/// `{cnmsg}`, and bodies up to 5 MiB are read: a full 10,000-member import is about 3 MiB, and
/// Lambda refuses synchronous payloads past 6 MB (with the event around the body), so a
/// larger limit would only admit locally what production never sees.
pub fn with_task_errors(router: axum::Router) -> axum::Router {
    use axum::response::IntoResponse;
    router
        .layer(axum::middleware::from_fn(crate::http::audit_layer))
        .fallback(crate::http::no_such_route)
        .method_not_allowed_fallback(crate::http::no_such_route)
        .layer(axum::extract::DefaultBodyLimit::max(5 * 1024 * 1024))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            TaskError::internal("handler panicked").into_response()
        }))
}
