//! The design operations the routes call: each reads what it decides on, applies the pure
//! state machines, and writes once (conditioned on what it read).

use std::time::Duration;

use serde::Deserialize;

use super::process::{AuditItem, Process, ProcessView, StepInput, StepItem, TaskProcessBody};
use super::steps::StepCatalog;
use super::task::{
    task_transition, AuditBody, DesignerBrief, NewTask, ProcessSummary, TaskAction, TaskActor,
    TaskStatus, TaskView,
};
use super::workflow::{transition, Action, Choice, State, Step, Verdict};
use crate::auth::Role;
use crate::error::ApiError;
use crate::file::Photo;
use crate::http::{CurrentUser, Page, PageNumber, PageQuery, PageSize, QueueQuery};
use crate::state::AppState;
use crate::store::aggregate::retry;
use crate::store::design::{Auditor, ReasonChange, StepWrite, TaskEffect, TaskOwner};
use crate::user::UserView;

/// How often a grab is tried again when a concurrent grab changed the task first.
const GRAB_ATTEMPTS: u64 = 25;

/// The photos of the files `ids` (in order), each a ready file of `owner` or one nobody
/// owns, which `owner` then claims; 10000 naming `field` otherwise. One BatchGetItem; none
/// when there are no ids.
pub async fn attach_photos(
    state: &AppState,
    owner: u64,
    ids: &[u64],
    field: &str,
) -> Result<Vec<Photo>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let files = state.store().files(ids).await?;
    let photos = ids
        .iter()
        .map(|id| {
            let file = files
                .iter()
                .find(|file| file.id == *id)
                .ok_or_else(|| ApiError::invalid(field, format!("file {id} does not exist")))?;
            file.check_attachable(owner, field)?;
            Ok(file.photo(&state.config().asset_base_url))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    state.store().claim_files(&files, owner, field).await?;
    Ok(photos)
}

/// Publishes `request` as a task of `caller`, pending audit; answers its id.
pub async fn publish(
    state: &AppState,
    caller: &CurrentUser,
    request: NewTask,
) -> Result<u64, ApiError> {
    let store = state.store();
    let photos = attach_photos(state, caller.id, &request.photos.0, "photos").await?;
    let id = store.next_id("design-task").await?;
    let task = request.into_task(id, UserView::from(&caller.user), photos, state.now());
    store.create_design_task(&task).await?;
    Ok(id)
}

/// The platform's audit of task `id`: 0 → 1 or 0 → 2, else 10009.
pub async fn audit_task(state: &AppState, id: u64, body: AuditBody) -> Result<(), ApiError> {
    let store = state.store();
    let task = store.design_task(id).await?.ok_or(ApiError::NotFound)?;
    let action = if body.approve {
        TaskAction::Approve
    } else {
        TaskAction::Refuse
    };
    let to = task_transition(task.status, action, TaskActor::Admin)?;
    let reason = body.reason.map(|reason| reason.into_inner());
    store.audit_design_task(&task, to, reason).await
}

/// Task `id` as shown to `caller`: a task not yet open (pending or refused) only to its
/// customer and admins; its address only to its parties ([`TaskView::for_caller`]).
pub async fn task(state: &AppState, caller: &CurrentUser, id: u64) -> Result<TaskView, ApiError> {
    let task = state
        .store()
        .design_task(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let unpublished = matches!(task.status, TaskStatus::PendingAudit | TaskStatus::Refused);
    if unpublished && task.customer_id != caller.id && !caller.has(Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    Ok(TaskView::for_caller(task, caller))
}

/// Designer `caller` grabs task `task_id` (step 1). A designer must belong to a company
/// (10010); the task must be open with a free slot, not the caller's own, and not grabbed
/// by the caller yet (10009). When a concurrent grab changed the task first, the grab is
/// decided again on the task as it is now, so N slots always find N designers.
pub async fn grab(
    state: &AppState,
    caller: &CurrentUser,
    task_id: u64,
) -> Result<Process, ApiError> {
    caller.require(Role::Designer)?;
    let store = state.store();
    let company_id = caller.user.company_id.ok_or(ApiError::Forbidden)?;
    let mut process_id = None;
    for attempt in 0..GRAB_ATTEMPTS {
        let task = store
            .design_task(task_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let grabbable =
            task.is_open() && task.customer_id != caller.id && !task.designers.contains(&caller.id);
        if !grabbable {
            return Err(ApiError::OperationFailed);
        }
        let id = match process_id {
            Some(id) => id,
            None => *process_id.insert(store.next_id("design-process").await?),
        };
        let now = state.now();
        let process = Process {
            id,
            task_id,
            designer_id: caller.id,
            company_id: Some(company_id),
            customer_id: task.customer_id,
            step_id: Step::Grab,
            refused: false,
            reason: None,
            eliminated: false,
            times: [
                (Step::Publish, task.created_at),
                (Step::Grab, now.max(task.created_at)),
            ]
            .into_iter()
            .map(|(step, time)| (Process::time_key(step), time))
            .collect(),
            vr_url: String::new(),
            title: task.title.clone(),
            designer: Some(DesignerBrief::from(&caller.user)),
            customer: Some(task.customer.clone()),
            pending: None,
            queue_counted: true,
        };
        let summary = ProcessSummary {
            designer_id: caller.id,
            process_id: id,
            designer: DesignerBrief::from(&caller.user),
        };
        match store.grab_design_task(&task, &process, &summary).await {
            Err(ApiError::OperationFailed) => {
                let pause = 5 + (caller.id.wrapping_mul(31) + attempt * 17) % 40;
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            result => return result.map(|()| process),
        }
    }
    Err(ApiError::OperationFailed)
}

/// `caller` takes the action of a step route on the process of `designer_id` on
/// `task_id`; answers the process's step after it. 10008 no such process, 10010 not the
/// party of that step, 10009 the process's state does not allow it, 10000 bad photos.
///
/// Choosing a first draft also writes the task's other processes as they were read: when
/// one of them moved meanwhile (an upload, an audit), the choice is decided again on a
/// fresh read (bounded). Any other lost condition is 10009 at once.
pub async fn act(
    state: &AppState,
    caller: &CurrentUser,
    task_id: u64,
    designer_id: u64,
    input: StepInput,
) -> Result<Step, ApiError> {
    let input = &input;
    retry(
        || act_once(state, caller, task_id, designer_id, input.clone()),
        ApiError::OperationFailed,
    )
    .await
}

/// One decision of [`act`]: `None` when the choice of a first draft lost a race.
async fn act_once(
    state: &AppState,
    caller: &CurrentUser,
    task_id: u64,
    designer_id: u64,
    input: StepInput,
) -> Result<Option<Step>, ApiError> {
    let store = state.store();
    let process = store
        .design_process(task_id, designer_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let action = input.action();
    let actor = action
        .actor()
        .filter(|actor| process.parties(caller).contains(actor))
        .ok_or(ApiError::Forbidden)?;
    let next = transition(process.state(), action, actor)?;
    let task = match action {
        Action::Choose(Step::FirstDraftChoice, Choice::Choose)
        | Action::Audit(Step::CadAudit, Verdict::Approve) => Some(
            store
                .design_task(task_id)
                .await?
                .ok_or(ApiError::NotFound)?,
        ),
        _ => None,
    };
    // Choosing a first draft eliminates the task's other processes: they are read, so
    // that each is eliminated as read and leaves the audit queue it waits in.
    let others = match (&task, action) {
        (Some(task), Action::Choose(..)) => {
            let designers: Vec<u64> = task
                .designers
                .iter()
                .copied()
                .filter(|designer| *designer != designer_id)
                .collect();
            let others = store.design_processes(task_id, &designers).await?;
            if others.len() != designers.len() {
                return Err(ApiError::OperationFailed);
            }
            others
        }
        _ => Vec::new(),
    };
    let effect = match (&task, action) {
        (Some(task), Action::Choose(..)) => {
            task_transition(
                task.status,
                TaskAction::ChooseFirstDraft,
                TaskActor::Customer,
            )?;
            TaskEffect::FirstDraftChosen(task, &others)
        }
        (Some(task), _) => {
            task_transition(task.status, TaskAction::Complete, TaskActor::Admin)?;
            TaskEffect::Completed(task)
        }
        (None, _) => TaskEffect::None,
    };
    let photos = attach_photos(state, caller.id, &input.photo_ids(), "photo").await?;
    let vr_url = match &input {
        StepInput::VrUrl(body) => Some(body.vr_url.as_str().to_owned()),
        _ => None,
    };
    let reason = reason_change(&input, next);
    let now = state.now().max(latest_time(&process));
    let upload = input
        .into_data(|id| {
            photos
                .iter()
                .find(|photo| photo.id == id)
                .cloned()
                .ok_or_else(|| ApiError::invalid("photo", format!("file {id} does not exist")))
        })?
        .map(|data| StepItem {
            step_id: next.step,
            time: now,
            data,
        });
    let timed = reached(process.state(), next, action);
    let eliminates = !others.is_empty();
    let written = store
        .write_design_step(StepWrite {
            process: &process,
            next,
            actor: Process::actor_attribute(actor).map(|attribute| (attribute, caller.id)),
            timed,
            upload,
            vr_url,
            reason,
            task: effect,
            now,
        })
        .await;
    match written {
        Ok(()) => Ok(Some(next.step)),
        Err(ApiError::OperationFailed) if eliminates => Ok(None),
        Err(error) => Err(error),
    }
}

/// What a transition to `next` does to the stored refusal reason: a refusing audit
/// stores the reason it gave (an empty one is none); leaving the refused state drops it.
fn reason_change(input: &StepInput, next: State) -> ReasonChange {
    match input {
        StepInput::Audit(_, body) if next.refused => body
            .reason
            .as_ref()
            .map(|reason| reason.as_str().trim())
            .filter(|reason| !reason.is_empty())
            .map_or(ReasonChange::Remove, |reason| {
                ReasonChange::Set(reason.to_owned())
            }),
        _ if next.refused => ReasonChange::Keep,
        _ => ReasonChange::Remove,
    }
}

/// The step whose time a transition sets: the one reached, or the upload sent again.
fn reached(from: State, to: State, action: Action) -> Option<Step> {
    (to.step != from.step || matches!(action, Action::Upload(_))).then_some(to.step)
}

/// The latest time recorded on a process (so that a later step never shows an earlier
/// time, even if clocks of two function instances disagree).
fn latest_time(process: &Process) -> i64 {
    process.times.values().copied().max().unwrap_or_default()
}

/// The `getTaskProcess` body of the process of `designer_id` on `task_id`, for its
/// customer, its designer, that designer's company and admins (10010 for anyone else,
/// 10008 when there is no such process). One Query, plus the step configuration's read
/// on a cold start.
pub async fn read_process(
    state: &AppState,
    catalog: &StepCatalog,
    caller: &CurrentUser,
    task_id: u64,
    designer_id: u64,
) -> Result<TaskProcessBody, ApiError> {
    let store = state.store();
    let (found, config) = tokio::try_join!(
        store.design_process_with_steps(task_id, designer_id),
        catalog.steps(store),
    )?;
    let (process, items) = found.ok_or(ApiError::NotFound)?;
    if process.parties(caller).is_empty() {
        return Err(ApiError::Forbidden);
    }
    Ok(ProcessView::new(&process, &items, config).into_body())
}

/// Whose tasks `GET /v1/design/my/tasks` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MyRole {
    /// Tasks I published.
    Customer,
    /// Tasks I grabbed (role `designer`).
    Designer,
    /// Tasks my designers grabbed (role `company`).
    Company,
}

/// `?role=&page=&count=` of `GET /v1/design/my/tasks`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct MyTasksQuery {
    /// Whose tasks.
    pub role: MyRole,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page, 1–100.
    pub count: PageSize,
}

/// One page of the open tasks, newest first, as `caller` may see them (the address only
/// on the tasks they take part in).
pub async fn open_tasks(
    state: &AppState,
    caller: &CurrentUser,
    query: PageQuery,
) -> Result<Page<TaskView>, ApiError> {
    Ok(state
        .store()
        .open_design_tasks(query)
        .await?
        .map(|task| TaskView::for_caller(task, caller)))
}

/// `GET /v1/admin/design/tasks?status=`: one page of the tasks in one status, newest first
/// (the audit queue is status 0), each as its detail shows it to the admin.
pub async fn tasks_in(
    state: &AppState,
    admin: &CurrentUser,
    query: QueueQuery<TaskStatus>,
) -> Result<Page<TaskView>, ApiError> {
    Ok(state
        .store()
        .design_tasks_in(query.status, query.page()?)
        .await?
        .map(|task| TaskView::for_caller(task, admin)))
}

/// One page of the processes waiting for `caller`'s audit as `auditor`, newest upload
/// first: as an admin (`GET /v1/admin/design/processes`) the uploads the platform audits
/// (steps 5, 10, 12); as a company (`GET /v1/design/company/processes`) its designers'
/// drafts (steps 2, 7). 10010 unless the caller has that role (a designer audits nothing).
pub async fn audits(
    state: &AppState,
    caller: &CurrentUser,
    auditor: Role,
    query: PageQuery,
) -> Result<Page<AuditItem>, ApiError> {
    caller.require(auditor)?;
    let auditor = match auditor {
        Role::Admin => Auditor::Platform,
        Role::Company => Auditor::Company(caller.id),
        Role::Designer => return Err(ApiError::Forbidden),
    };
    Ok(state
        .store()
        .design_audits(auditor, query)
        .await?
        .map(AuditItem::from))
}

/// One page of `caller`'s tasks in `role` (10010 without that role), newest first. The
/// caller takes part in every one of them (the list is theirs), so each shows its address.
pub async fn my_tasks(
    state: &AppState,
    caller: &CurrentUser,
    query: MyTasksQuery,
) -> Result<Page<TaskView>, ApiError> {
    let owner = match query.role {
        MyRole::Customer => TaskOwner::Customer(caller.id),
        MyRole::Designer => {
            caller.require(Role::Designer)?;
            TaskOwner::Designer(caller.id)
        }
        MyRole::Company => {
            caller.require(Role::Company)?;
            TaskOwner::Company(caller.id)
        }
    };
    let page = PageQuery::from_parts(query.page, query.count)?;
    Ok(state
        .store()
        .owned_design_tasks(owner, page)
        .await?
        .map(|task| TaskView::new(task, true)))
}
