use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use shared::http::{login_cookie, logout_cookie, SourceIp};
use shared::identity::LoginAttempt;
use shared::mobilization::assignment::CheckInPosition;
use shared::mobilization::directory::DirectoryImport;
use shared::mobilization::http::{
    DirectoryAdmin, ListPage, MemberPage, OptionalLogin, Soldier, TaskId, TaskJson,
};
use shared::mobilization::task::NewTask;
use shared::mobilization::TaskError;
use shared::mobilization::{limits, ops};
use shared::text::{ICode, PositiveInt};
use shared::AppState;

type Answer = Result<Json<Value>, TaskError>;

/// `POST /user` body: the member's credential pair.
#[derive(Deserialize)]
pub struct LoginRequest {
    i_code: ICode,
    order_no: PositiveInt,
}

/// `POST /user` → 200 `{soldier_id, name}` and the `token` cookie.
pub async fn login(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    TaskJson(request): TaskJson<LoginRequest>,
) -> Result<Response, TaskError> {
    let attempt = LoginAttempt {
        i_code: request.i_code.as_str(),
        order_no: request.order_no.get(),
        source_ip: &source_ip,
    };
    let (member, token) = ops::login(&state, &attempt).await?;
    let cookie = login_cookie(&token, state.config().token_ttl_seconds);
    let body = json!({ "soldier_id": member.soldier_id, "name": member.name });
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `GET /user` (where a missing login is sent) → 200 `{logged_in: true, soldier_id, name}`
/// or `{logged_in: false, cnmsg}`.
pub async fn session(State(state): State<AppState>, OptionalLogin(user): OptionalLogin) -> Answer {
    ops::session(&state, user).await.map(Json)
}

/// `DELETE /user` → 204 and the cookie cleared; every token of the user stops working.
pub async fn logout(
    State(state): State<AppState>,
    OptionalLogin(user): OptionalLogin,
) -> Result<Response, TaskError> {
    ops::logout(&state, user).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, logout_cookie())],
    )
        .into_response())
}

/// `PUT /task/directory` (admin) → `{offices, orgs, members}` written.
pub async fn import_directory(
    State(state): State<AppState>,
    _admin: DirectoryAdmin,
    TaskJson(import): TaskJson<DirectoryImport>,
) -> Answer {
    ops::import_directory(&state, import).await.map(Json)
}

/// `POST /task` → 201 `{task_id}`.
pub async fn publish(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskJson(new): TaskJson<NewTask>,
) -> Result<(StatusCode, Json<Value>), TaskError> {
    let task_id = ops::publish(&state, &soldier, new).await?;
    Ok((StatusCode::CREATED, Json(json!({ "task_id": task_id }))))
}

/// `GET /task/info` → `{is_office, places}`.
pub async fn info(State(state): State<AppState>, soldier: Soldier) -> Answer {
    ops::info(&state, &soldier).await.map(Json)
}

/// `PUT /task/finish` body.
#[derive(Deserialize)]
pub struct FinishRequest {
    task_id: PositiveInt,
}

/// `PUT /task/finish` → 204.
pub async fn finish(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskJson(request): TaskJson<FinishRequest>,
) -> Result<StatusCode, TaskError> {
    ops::finish(&state, &soldier, request.task_id.get()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /task/orgs`.
pub async fn orgs(State(state): State<AppState>, soldier: Soldier) -> Answer {
    ops::org_tree(&state, &soldier).await.map(Json)
}

/// `GET /task/offices`.
pub async fn offices(State(state): State<AppState>, soldier: Soldier) -> Answer {
    ops::office_tree(&state, &soldier).await.map(Json)
}

/// `GET /task/working/{n}/{page}`.
pub async fn working(
    State(state): State<AppState>,
    soldier: Soldier,
    ListPage(page): ListPage,
) -> Answer {
    ops::task_list(&state, &soldier, true, page).await.map(Json)
}

/// `GET /task/done/{n}/{page}`.
pub async fn done(
    State(state): State<AppState>,
    soldier: Soldier,
    ListPage(page): ListPage,
) -> Answer {
    ops::task_list(&state, &soldier, false, page)
        .await
        .map(Json)
}

/// `GET /task/mine/{n}/{page}`.
pub async fn mine(
    State(state): State<AppState>,
    soldier: Soldier,
    ListPage(page): ListPage,
) -> Answer {
    ops::my_tasks(&state, &soldier, page).await.map(Json)
}

/// `GET /task/detail/{id}`.
pub async fn detail(State(state): State<AppState>, soldier: Soldier, TaskId(id): TaskId) -> Answer {
    ops::detail(&state, &soldier, id).await.map(Json)
}

/// `GET /task/detail/mem/{id}?pc=&pn=` (both optional: the first 100 members).
pub async fn detail_members(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskId(id): TaskId,
    RawQuery(query): RawQuery,
) -> Answer {
    let page = limits::target_page(query.as_deref())?;
    let task = ops::overseen_task(&state, &soldier, id).await?;
    ops::detail_members(&state, &task, page).await.map(Json)
}

/// `GET /task/response/{id}?pc=&pn=`.
pub async fn responses(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskId(id): TaskId,
    MemberPage(page): MemberPage,
) -> Answer {
    let task = ops::overseen_task(&state, &soldier, id).await?;
    ops::responses(&state, &task, page).await.map(Json)
}

/// `GET /task/gather/{id}?pc=&pn=`.
pub async fn gathering(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskId(id): TaskId,
    MemberPage(page): MemberPage,
) -> Answer {
    let task = ops::overseen_task(&state, &soldier, id).await?;
    ops::gathering(&state, &task, page).await.map(Json)
}

/// `POST /task/respond/{id}` body.
#[derive(Deserialize)]
pub struct RespondRequest {
    accept: bool,
}

/// `POST /task/respond/{id}` → 204.
pub async fn respond(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskId(id): TaskId,
    TaskJson(request): TaskJson<RespondRequest>,
) -> Result<StatusCode, TaskError> {
    ops::respond(&state, &soldier, id, request.accept).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /task/checkin/{id}` `{lat?, lng?}` → 204; 10026 for a second check-in, 10027
/// when refused (not accepted, outside the check-in window), 10028 when too far away.
pub async fn check_in(
    State(state): State<AppState>,
    soldier: Soldier,
    TaskId(id): TaskId,
    TaskJson(position): TaskJson<CheckInPosition>,
) -> Result<StatusCode, TaskError> {
    ops::check_in(&state, &soldier, id, position).await?;
    Ok(StatusCode::NO_CONTENT)
}
