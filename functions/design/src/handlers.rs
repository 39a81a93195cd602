use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use shared::auth::Role;
use shared::design::process::{StepInput, StepName, TaskProcessBody};
use shared::design::service::{self, MyTasksQuery};
use shared::design::steps::StepCatalog;
use shared::design::task::{AuditBody, NewTask, TaskStatus};
use shared::http::{
    created, ok, AdminUser, CurrentUser, IdPath, JsonBody, PageQuery, QueryParams, QueueQuery,
    StatusError,
};
use shared::text::PositiveInt;
use shared::{ApiError, AppState};

/// `POST /v1/design/task` → 201 `{id}` (status 0, pending audit).
pub async fn publish(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(request): JsonBody<NewTask>,
) -> Result<impl IntoResponse, ApiError> {
    let id = service::publish(&state, &caller, request).await?;
    Ok(created(json!({ "id": id })))
}

/// `GET /v1/design/task/{id}` → the task object.
pub async fn task(
    State(state): State<AppState>,
    caller: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(service::task(&state, &caller, id).await?))
}

/// `GET /v1/design/tasks?page=&count=`: open tasks with a free slot, newest first.
pub async fn open_tasks(
    State(state): State<AppState>,
    caller: CurrentUser,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(service::open_tasks(&state, &caller, query).await?))
}

/// `GET /v1/design/my/tasks?role=customer|designer|company&page=&count=`.
pub async fn my_tasks(
    State(state): State<AppState>,
    caller: CurrentUser,
    QueryParams(query): QueryParams<MyTasksQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(service::my_tasks(&state, &caller, query).await?))
}

/// `GET /v1/admin/design/tasks?status=&page=&count=`: the tasks in one status, newest first.
pub async fn tasks_in(
    State(state): State<AppState>,
    admin: AdminUser,
    QueryParams(query): QueryParams<QueueQuery<TaskStatus>>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(service::tasks_in(&state, &admin.0, query).await?))
}

/// `GET /v1/admin/design/processes?page=&count=`: the processes waiting for the platform's
/// audit, newest upload first.
pub async fn platform_audits(
    State(state): State<AppState>,
    admin: AdminUser,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(
        service::audits(&state, &admin.0, Role::Admin, query).await?
    ))
}

/// `GET /v1/design/company/processes?page=&count=`: the processes of the caller's
/// designers waiting for the caller's (a company's) audit, newest upload first.
pub async fn company_audits(
    State(state): State<AppState>,
    caller: CurrentUser,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(
        service::audits(&state, &caller, Role::Company, query).await?
    ))
}

/// `POST /v1/admin/design/task/{id}/audit` `{approve, reason?}` → `{result: true}`.
pub async fn audit(
    State(state): State<AppState>,
    _admin: AdminUser,
    IdPath(id): IdPath,
    JsonBody(body): JsonBody<AuditBody>,
) -> Result<impl IntoResponse, ApiError> {
    service::audit_task(&state, id, body).await?;
    Ok(ok(json!({ "result": true })))
}

/// `POST /v1/design/task/{id}/grab` → 201 `{process_id, step_id: 1}`.
pub async fn grab(
    State(state): State<AppState>,
    caller: CurrentUser,
    IdPath(id): IdPath,
) -> Result<impl IntoResponse, ApiError> {
    let process = service::grab(&state, &caller, id).await?;
    Ok(created(
        json!({ "process_id": process.id, "step_id": process.step_id }),
    ))
}

/// The ids of a process route: `{id}` (the task) and `{designer_id}`; 10000 unless both
/// are positive integers.
fn process_ids(id: &str, designer_id: &str) -> Result<(u64, u64), ApiError> {
    let parse = |field: &str, raw: &str| {
        PositiveInt::parse(raw)
            .map(PositiveInt::get)
            .ok_or_else(|| ApiError::invalid(field, "must be a positive integer"))
    };
    Ok((parse("id", id)?, parse("designer_id", designer_id)?))
}

/// `POST /v1/design/task/{id}/process/{designer_id}/{step}` → `{step_id}` after the
/// action. An unknown `{step}` is no route (10008).
pub async fn step(
    State(state): State<AppState>,
    caller: CurrentUser,
    Path((id, designer_id, step)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let name = StepName::parse(&step)?;
    let (task_id, designer_id) = process_ids(&id, &designer_id)?;
    let input = StepInput::parse(name, &body)?;
    let step = service::act(&state, &caller, task_id, designer_id, input).await?;
    Ok(ok(json!({ "step_id": step })))
}

/// `GET /v1/design/task/{id}/process/{designer_id}` → the `getTaskProcess` body.
pub async fn process(
    State(state): State<AppState>,
    Extension(catalog): Extension<StepCatalog>,
    caller: Result<CurrentUser, ApiError>,
    Path((id, designer_id)): Path<(String, String)>,
) -> Result<Json<TaskProcessBody>, StatusError> {
    let caller = caller?;
    let (task_id, designer_id) = process_ids(&id, &designer_id)?;
    let body = service::read_process(&state, &catalog, &caller, task_id, designer_id).await?;
    Ok(Json(body))
}

/// `{task_id, designer_id}` of `getTaskProcess`.
#[derive(Debug, Deserialize)]
pub struct ProcessRequest {
    task_id: PositiveInt,
    designer_id: PositiveInt,
}

/// `POST /getTaskProcess {task_id, designer_id}` → the seed's body; errors `{message, status}`.
pub async fn get_task_process(
    State(state): State<AppState>,
    Extension(catalog): Extension<StepCatalog>,
    caller: Result<CurrentUser, ApiError>,
    request: Result<JsonBody<ProcessRequest>, ApiError>,
) -> Result<Json<TaskProcessBody>, StatusError> {
    let caller = caller?;
    let JsonBody(request) = request?;
    let (task_id, designer_id) = (request.task_id.get(), request.designer_id.get());
    let body = service::read_process(&state, &catalog, &caller, task_id, designer_id).await?;
    Ok(Json(body))
}
