//! What each mobilization route does, between the extracted request and the store: the
//! directory import, publishing (target resolution and fan-out), responses, check-ins,
//! finishing, and the read models the seed shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::{json, Map, Value};

use super::assignment::{
    check_in_allowed, transition, Actor, Assignment, AssignmentAction, AssignmentState,
    CheckInPosition, Response,
};
use super::directory::{
    retired_pairs, Directory, DirectoryImport, Member, Place, Unit, CREATED_PLACE_BASE,
};
use super::error::TaskError;
use super::http::Soldier;
use super::limits::{MAX_TASK_MEMBERS, MAX_TASK_SCOPE, MAX_TREE_MEMBERS, MAX_UNIT_PLACES};
use super::task::{NewTask, Target, TargetKind, Task};
use crate::credential::{Credential, PairDigest};
use crate::http::PageQuery;
use crate::identity::{self, LoginAttempt};
use crate::state::AppState;
use crate::time::format_datetime;
use crate::ApiError;

/// Attempts of a response, check-in or finish when concurrent writes to the same task's
/// counters cancel the transaction (the state is re-read before each attempt).
const WRITE_ATTEMPTS: u32 = 10;

/// Offices whose places are read or written at once during an import.
const PLACE_WRITE_PARALLELISM: usize = 8;

/// Imports a directory: validates everything against the stored directory (and the
/// places each office already holds), then writes the units snapshot, members, places and
/// credential pairs. Answers the counts written.
pub async fn import_directory(
    state: &AppState,
    import: DirectoryImport,
) -> Result<Value, TaskError> {
    let store = state.store();
    let (offices, orgs) = (import.offices.len(), import.orgs.len());
    let stored = store.directory().await?;
    let plan = import.plan(&stored)?;
    let reads: Vec<_> = plan
        .place_rows
        .keys()
        .map(|unit| {
            let (store, unit) = (store.clone(), *unit);
            async move {
                let places = store.unit_places(unit, MAX_UNIT_PLACES + 1).await?;
                Ok::<_, ApiError>((unit, places.iter().map(|p| p.place_id).collect()))
            }
        })
        .collect();
    let held = stream::iter(reads)
        .buffered(PLACE_WRITE_PARALLELISM)
        .try_collect::<BTreeMap<Unit, Vec<u64>>>()
        .await?;
    let places = plan.places_by_office(&held)?;
    store
        .save_directory(&plan.directory, stored.version)
        .await
        .map_err(|error| match error {
            ApiError::OperationFailed => {
                TaskError::Invalid("目录正被另一次导入修改，请重试".into())
            }
            other => other.into(),
        })?;
    let pepper = state.pepper().await?;
    let credentials: Vec<Credential> = plan
        .credentials
        .iter()
        .map(|c| Credential::for_member(pepper, &c.i_code, c.order_no, &c.name, state.now()))
        .collect();
    let links: Vec<(PairDigest, u64)> = credentials
        .iter()
        .zip(&plan.credentials)
        .map(|(credential, member)| (credential.pair.clone(), member.soldier_id))
        .collect();
    let pairs: HashMap<u64, &PairDigest> = links.iter().map(|(pair, id)| (*id, pair)).collect();
    let mut members = plan.members;
    for member in &mut members {
        member.pair = pairs.get(&member.soldier_id).map(|pair| (*pair).clone());
    }
    let ids: Vec<u64> = members.iter().map(|member| member.soldier_id).collect();
    let before = store.members(&ids).await?;
    store.write_directory_records(&members, &links).await?;
    // The old pairs stop working, their member links go and their users' sessions end.
    for pair in retired_pairs(&before, &members) {
        if let Some(credential) = store.credential(&pair).await? {
            store.remove_credential(&credential).await?;
        }
    }
    let writes: Vec<_> = places
        .into_iter()
        .map(|(unit, places, added)| {
            let store = store.clone();
            async move { store.write_places(unit, &places, added).await }
        })
        .collect();
    stream::iter(writes)
        .buffer_unordered(PLACE_WRITE_PARALLELISM)
        .try_collect::<Vec<()>>()
        .await?;
    store.register_missing_credentials(&credentials).await?;
    Ok(json!({ "offices": offices, "orgs": orgs, "members": members.len() }))
}

/// 403 unless the soldier launched the task or commands its launching unit.
pub fn require_oversight(soldier: &Soldier, task: &Task) -> Result<(), TaskError> {
    let commands = soldier.member.is_admin
        && soldier
            .directory
            .commands(soldier.member.unit, task.launch_unit);
    if task.launcher == soldier.member.soldier_id || commands {
        Ok(())
    } else {
        Err(TaskError::forbidden("该任务不在您的管辖范围内"))
    }
}

/// The task, or 404.
pub async fn load_task(state: &AppState, task_id: u64) -> Result<Task, TaskError> {
    state
        .store()
        .task(task_id)
        .await?
        .ok_or(TaskError::NotFound)
}

/// A task the soldier may oversee, or 404 / 403.
pub async fn overseen_task(
    state: &AppState,
    soldier: &Soldier,
    task_id: u64,
) -> Result<Task, TaskError> {
    let task = load_task(state, task_id).await?;
    require_oversight(soldier, &task)?;
    Ok(task)
}

/// Publishes a task: checks the request, resolves and scopes the targets, picks or creates
/// the place, and writes one assignment per member. Answers the task id.
pub async fn publish(state: &AppState, soldier: &Soldier, new: NewTask) -> Result<u64, TaskError> {
    soldier.require_commander()?;
    let now = state.now();
    new.check(now)?;
    let store = state.store();
    let directory = &soldier.directory;
    let root = soldier.member.unit;
    let scope = directory.ancestors(root);
    if scope.len() > MAX_TASK_SCOPE {
        return Err(TaskError::Invalid(format!(
            "发起单位的上级单位过多：一个任务最多列在 {MAX_TASK_SCOPE} 个单位下（现有 {}）",
            scope.len()
        )));
    }
    let (targets, units) = unit_targets(directory, root, &new)?;
    let soldier_ids: Vec<u64> = new.accept_soldr_ids.iter().map(|id| id.get()).collect();
    let reached_units: Vec<Unit> = units.keys().copied().collect();
    let (unit_members, individuals) = tokio::try_join!(
        store.members_of_units(&reached_units, MAX_TASK_MEMBERS),
        store.members(&soldier_ids),
    )?;
    let too_many = || {
        TaskError::Invalid(format!(
            "所选对象的民兵超过 {MAX_TASK_MEMBERS} 名，请分成几个任务发布"
        ))
    };
    if unit_members.len() > MAX_TASK_MEMBERS {
        return Err(too_many());
    }
    let mut targets = targets;
    for (i, id) in soldier_ids.iter().enumerate() {
        let at = format!("accept_soldr_ids[{i}]");
        let member = individuals
            .iter()
            .find(|m| m.soldier_id == *id)
            .ok_or_else(|| TaskError::invalid(&at, format!("soldier {id} does not exist")))?;
        if !directory.commands(root, member.unit) {
            return Err(TaskError::forbidden(format!(
                "{at}: 该民兵不在您的管辖范围内"
            )));
        }
        targets.push(Target {
            kind: TargetKind::Indiv,
            id: *id,
            name: member.name.clone(),
            level: None,
        });
    }
    let mut reached: BTreeMap<u64, (Member, usize)> = BTreeMap::new();
    for member in unit_members {
        if let Some(group) = units.get(&member.unit) {
            reached.entry(member.soldier_id).or_insert((member, *group));
        }
    }
    let first_indiv = targets.len() - soldier_ids.len();
    for (offset, member) in soldier_ids
        .iter()
        .filter_map(|id| individuals.iter().find(|m| m.soldier_id == *id))
        .enumerate()
    {
        reached
            .entry(member.soldier_id)
            .or_insert((member.clone(), first_indiv + offset));
    }
    if reached.is_empty() {
        return Err(TaskError::Invalid("所选对象中没有民兵".into()));
    }
    if reached.len() > MAX_TASK_MEMBERS {
        return Err(too_many());
    }
    let place = resolve_place(state, directory, root, &new).await?;
    let task_id = store.next_id("mob_task").await?;
    let assignments: Vec<Assignment> = reached
        .into_values()
        .map(|(member, group)| Assignment {
            task_id,
            soldier_id: member.soldier_id,
            serve_office: directory.name(member.unit),
            name: member.name,
            phone: member.phone,
            im_user_id: member.im_user_id,
            is_admin: member.is_admin,
            group,
            response: Response::UR,
            resp_at: None,
            checked_in: false,
            check_at: None,
            check_lat: None,
            check_lng: None,
        })
        .collect();
    let task = Task {
        task_id,
        title: new.title.into_inner(),
        mem_count: new.mem_count.get(),
        launch_at: now,
        gather_at: new.gather_datetime.0,
        finish_at: new.finish_datetime.0,
        finished: false,
        detail: new.detail.map(|d| d.into_inner()).unwrap_or_default(),
        place,
        launcher: soldier.member.soldier_id,
        launch_unit: root,
        launch_admin: directory.name(root),
        scope,
        targets,
        notify_count: assignments.len() as u64,
        response_count: 0,
        accept_count: 0,
        check_count: 0,
        resp_time_sum: 0,
    };
    store.publish_task(&task, &assignments).await?;
    Ok(task_id)
}

/// The office and organisation targets, checked against the directory and the scope,
/// and every unit they reach with the index of the first target reaching it.
fn unit_targets(
    directory: &Directory,
    root: Unit,
    new: &NewTask,
) -> Result<(Vec<Target>, BTreeMap<Unit, usize>), TaskError> {
    let chosen = new
        .accept_office_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("accept_office_ids[{i}]"), Unit::Office(id.get())))
        .chain(
            new.accept_org_ids
                .iter()
                .enumerate()
                .map(|(i, id)| (format!("accept_org_ids[{i}]"), Unit::Org(id.get()))),
        );
    let mut targets = Vec::new();
    let mut units = BTreeMap::new();
    for (at, unit) in chosen {
        if !directory.has(unit) {
            return Err(TaskError::invalid(&at, "does not exist"));
        }
        if !directory.commands(root, unit) {
            return Err(TaskError::forbidden(format!("{at}: 不在您的管辖范围内")));
        }
        if targets.iter().any(|t: &Target| unit_of(t) == Some(unit)) {
            continue;
        }
        let group = targets.len();
        let (kind, id) = match unit {
            Unit::Office(id) => (TargetKind::Office, id),
            Unit::Org(id) => (TargetKind::Org, id),
        };
        // A unit an earlier target reaches adds nothing (what a unit reaches is closed
        // downwards), so its scope, a walk of the whole directory, is not computed again.
        if !units.contains_key(&unit) {
            for reached in directory.scope(unit) {
                units.entry(reached).or_insert(group);
            }
        }
        targets.push(Target {
            kind,
            id,
            name: directory.name(unit),
            level: directory.level(unit),
        });
    }
    Ok((targets, units))
}

fn unit_of(target: &Target) -> Option<Unit> {
    match target.kind {
        TargetKind::Office => Some(Unit::Office(target.id)),
        TargetKind::Org => Some(Unit::Org(target.id)),
        TargetKind::Indiv => None,
    }
}

/// The place of a new task: a new common place of the launching unit for `-1` (400 once
/// the unit holds [`MAX_UNIT_PLACES`]), else one of the common places of the launching
/// unit or a unit commanding it.
async fn resolve_place(
    state: &AppState,
    directory: &Directory,
    root: Unit,
    new: &NewTask,
) -> Result<Place, TaskError> {
    let store = state.store();
    if new.place_id == -1 {
        let full = || {
            TaskError::invalid(
                "place_id",
                format!("一个单位最多 {MAX_UNIT_PLACES} 个常用集合地点，请选择已有地点"),
            )
        };
        // Read first, so a full unit costs no place id; the write checks again.
        if store.place_count(root).await? >= MAX_UNIT_PLACES as u64 {
            return Err(full());
        }
        let (place_lat, place_lng) = new.new_place_coordinates()?;
        let place = Place {
            place_id: CREATED_PLACE_BASE + store.next_id("mob_place").await?,
            place_name: new
                .place_name
                .as_ref()
                .map(|name| name.as_str().to_owned())
                .unwrap_or_default(),
            place_lat,
            place_lng,
        };
        // A cancelled write is a full unit, or a concurrent write of the unit's total.
        for attempt in 0..WRITE_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
            }
            match store
                .create_place(root, &place, MAX_UNIT_PLACES as u64)
                .await
            {
                Ok(()) => return Ok(place),
                Err(ApiError::OperationFailed) => {
                    if store.place_count(root).await? >= MAX_UNIT_PLACES as u64 {
                        return Err(full());
                    }
                }
                Err(other) => return Err(other.into()),
            }
        }
        return Err(TaskError::internal("creating a place kept conflicting"));
    }
    let wanted = new.place_id as u64;
    for unit in directory.ancestors(root) {
        if let Some(place) = store.unit_place(unit, wanted).await? {
            return Ok(place);
        }
    }
    Err(TaskError::invalid("place_id", "不是可用的常用集合地点"))
}

/// Ends a task the soldier launched (403 otherwise; 400 when already over). A cancelled
/// write (a concurrent update of a list total) is decided again on a fresh read.
pub async fn finish(state: &AppState, soldier: &Soldier, task_id: u64) -> Result<(), TaskError> {
    for attempt in 0..WRITE_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
        }
        let task = load_task(state, task_id).await?;
        if task.launcher != soldier.member.soldier_id {
            require_oversight(soldier, &task)?;
            return Err(TaskError::forbidden("只有任务发起人可以结束任务"));
        }
        let now = state.now();
        if task.is_done(now) {
            return Err(TaskError::Invalid("任务已结束".into()));
        }
        if state
            .store()
            .finish_task(&task, soldier.member.soldier_id, now)
            .await?
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(TaskError::Invalid("任务已结束".into()))
}

/// A member accepts or refuses a task sent to them.
pub async fn respond(
    state: &AppState,
    soldier: &Soldier,
    task_id: u64,
    accept: bool,
) -> Result<(), TaskError> {
    let action = if accept {
        AssignmentAction::Accept
    } else {
        AssignmentAction::Refuse
    };
    act(state, soldier, task_id, action, CheckInPosition::default()).await
}

/// A member checks in to a task they accepted, where `position` says they are.
pub async fn check_in(
    state: &AppState,
    soldier: &Soldier,
    task_id: u64,
    position: CheckInPosition,
) -> Result<(), TaskError> {
    act(state, soldier, task_id, AssignmentAction::CheckIn, position).await
}

/// A member's response or check-in: the state machine decides on the state read, the
/// store writes it conditioned on that state together with the task's counters; a
/// cancelled write is re-read and decided again.
async fn act(
    state: &AppState,
    soldier: &Soldier,
    task_id: u64,
    action: AssignmentAction,
    position: CheckInPosition,
) -> Result<(), TaskError> {
    let store = state.store();
    let soldier_id = soldier.member.soldier_id;
    for attempt in 0..WRITE_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
        }
        let (task, assignment) =
            tokio::try_join!(store.task(task_id), store.assignment(task_id, soldier_id))?;
        let task = task.ok_or(TaskError::NotFound)?;
        let (current, actor) = match &assignment {
            Some(assignment) => (assignment.state(), Actor::Target),
            None => (AssignmentState::Unread, Actor::Other),
        };
        transition(current, action, actor)?;
        let now = state.now();
        if task.is_done(now) {
            return Err(match action {
                AssignmentAction::CheckIn => TaskError::CheckInRefused("任务已结束".into()),
                _ => TaskError::Invalid("任务已结束".into()),
            });
        }
        if action == AssignmentAction::CheckIn {
            check_in_allowed(
                now,
                task.gather_at,
                task.finish_at,
                task.place.coordinates(),
                position.point(),
                state.config().checkin_radius_meters,
            )?;
        }
        let written = match action {
            AssignmentAction::Accept => store.respond(&task, soldier_id, true, now).await?,
            AssignmentAction::Refuse => store.respond(&task, soldier_id, false, now).await?,
            AssignmentAction::CheckIn => store.check_in(&task, soldier_id, position, now).await?,
        };
        // A cancelled write (the state moved, or a concurrent write touched the task's
        // counters) is decided again on a fresh read.
        if written.is_ok() {
            return Ok(());
        }
    }
    Err(TaskError::internal("task write kept conflicting"))
}

fn total_pages(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page))
}

/// `/task/working` and `/task/done`: the tasks of the commander's scope.
pub async fn task_list(
    state: &AppState,
    soldier: &Soldier,
    working: bool,
    page: PageQuery,
) -> Result<Value, TaskError> {
    soldier.require_commander()?;
    let now = state.now();
    let (total, tasks) = state
        .store()
        .scope_tasks(soldier.member.unit, working, now, page)
        .await?;
    let rows: Vec<_> = tasks.iter().map(|task| task.list_row(now)).collect();
    Ok(json!({
        "total_pages": total_pages(total, page.count),
        "total_tasks": total,
        "data": rows,
    }))
}

/// `/task/mine`: tasks sent to the soldier, newest first, with their response.
pub async fn my_tasks(
    state: &AppState,
    soldier: &Soldier,
    page: PageQuery,
) -> Result<Value, TaskError> {
    let now = state.now();
    let (total, rows) = state
        .store()
        .member_tasks(soldier.member.soldier_id, page)
        .await?;
    let data: Vec<Value> = rows
        .into_iter()
        .map(|(assignment, task)| {
            json!({
                "task_id": task.task_id,
                "title": task.title,
                "launch_admin": task.launch_admin,
                "launch_datetime": format_datetime(task.launch_at),
                "gather_datetime": format_datetime(task.gather_at),
                "finish_datetime": format_datetime(task.finish_at),
                "gather_place": task.place.place_name,
                "place_lat": task.place.place_lat,
                "place_lng": task.place.place_lng,
                "content": task.detail,
                "status": assignment.response,
                "checked_in": assignment.checked_in,
                "done": task.is_done(now),
            })
        })
        .collect();
    Ok(json!({
        "total_pages": total_pages(total, page.count),
        "total_tasks": total,
        "data": data,
    }))
}

/// `/task/detail/{id}`: for overseers and for the task's targets.
pub async fn detail(state: &AppState, soldier: &Soldier, task_id: u64) -> Result<Value, TaskError> {
    let task = load_task(state, task_id).await?;
    if require_oversight(soldier, &task).is_err() {
        let store = state.store();
        if store
            .assignment(task_id, soldier.member.soldier_id)
            .await?
            .is_none()
        {
            return Err(TaskError::forbidden("该任务不在您的管辖范围内"));
        }
    }
    let view = task.detail_view(state.now(), soldier.member.soldier_id);
    serde_json::to_value(view).map_err(TaskError::internal)
}

/// `/task/detail/mem/{id}`: one page of the members reached (by soldier id), grouped by
/// the targets chosen, with the number of members and pages.
pub async fn detail_members(
    state: &AppState,
    task: &Task,
    page: PageQuery,
) -> Result<Value, TaskError> {
    let assignments = page.slice(state.store().assignments(task.task_id, page.end()).await?);
    let mut groups: HashMap<usize, Vec<&Assignment>> = HashMap::new();
    for assignment in &assignments {
        groups.entry(assignment.group).or_default().push(assignment);
    }
    let (mut offices, mut orgs, mut indiv) = (Vec::new(), Vec::new(), Vec::new());
    for (index, target) in task.targets.iter().enumerate() {
        let members = groups.remove(&index).unwrap_or_default();
        let level = target.level.map(|level| json!(level));
        match target.kind {
            TargetKind::Office => offices.push(json!({
                "name": target.name,
                "office_level": level,
                "members": members.iter().map(|a| json!({
                    "soldier_id": a.soldier_id, "name": a.name, "im_user_id": a.im_user_id,
                })).collect::<Vec<_>>(),
            })),
            TargetKind::Org => orgs.push(json!({
                "name": target.name,
                "org_level": level,
                "members": members.iter().map(|a| {
                    let mut row = json!({
                        "soldier_id": a.soldier_id, "name": a.name, "im_user_id": a.im_user_id,
                    });
                    if a.is_admin {
                        row["is_admin"] = json!(true);
                    }
                    row
                }).collect::<Vec<_>>(),
            })),
            TargetKind::Indiv => indiv.extend(members.iter().map(|a| {
                json!({
                    "soldier_id": a.soldier_id, "name": a.name,
                    "serve_office": a.serve_office, "im_user_id": a.im_user_id,
                })
            })),
        }
    }
    Ok(json!({
        "offices": offices,
        "orgs": orgs,
        "indiv": indiv,
        "total_mem": task.notify_count,
        "total_pages": total_pages(task.notify_count, page.count),
    }))
}

fn member_row(assignment: &Assignment) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("soldier_id".into(), json!(assignment.soldier_id));
    row.insert("name".into(), json!(assignment.name));
    row.insert("im_user_id".into(), json!(assignment.im_user_id));
    row.insert("phone".into(), json!(assignment.phone));
    row.insert("serve_office".into(), json!(assignment.serve_office));
    row
}

/// `/task/response/{id}`: counters and every target in soldier-id order.
pub async fn responses(state: &AppState, task: &Task, page: PageQuery) -> Result<Value, TaskError> {
    let assignments = state.store().assignments(task.task_id, page.end()).await?;
    let list: Vec<Value> = page
        .slice(assignments)
        .iter()
        .map(|a| {
            let mut row = member_row(a);
            row.insert("status".into(), json!(a.response));
            if let Some(at) = a.resp_at {
                row.insert("resp_time".into(), json!(format_datetime(at)));
            }
            Value::Object(row)
        })
        .collect();
    Ok(json!({
        "mem_count": task.mem_count,
        "notify_count": task.notify_count,
        "response_count": task.response_count,
        "accept_count": task.accept_count,
        "avg_resp_time": task.avg_resp_time(),
        "total_pages": total_pages(task.notify_count, page.count),
        "total_mem": task.notify_count,
        "mem_list": list,
    }))
}

/// `/task/gather/{id}`: the check-in count and every member who accepted, with where
/// they checked in when they said.
pub async fn gathering(state: &AppState, task: &Task, page: PageQuery) -> Result<Value, TaskError> {
    let accepted = state.store().accepted(task.task_id, page.end()).await?;
    let list: Vec<Value> = page
        .slice(accepted)
        .iter()
        .map(|a| {
            let mut row = member_row(a);
            row.insert(
                "status".into(),
                json!(if a.checked_in { "CH" } else { "UN" }),
            );
            if let Some(lat) = a.check_lat {
                row.insert("lat".into(), json!(lat));
            }
            if let Some(lng) = a.check_lng {
                row.insert("lng".into(), json!(lng));
            }
            Value::Object(row)
        })
        .collect();
    Ok(json!({
        "check_count": task.check_count,
        "total_pages": total_pages(task.accept_count, page.count),
        "total_mem": task.accept_count,
        "mem_list": list,
    }))
}

/// `/task/info`: whether the commander leads an office, and the unit's common places.
pub async fn info(state: &AppState, soldier: &Soldier) -> Result<Value, TaskError> {
    soldier.require_commander()?;
    let places = state
        .store()
        .unit_places(soldier.member.unit, MAX_UNIT_PLACES)
        .await?;
    Ok(json!({
        "is_office": matches!(soldier.member.unit, Unit::Office(_)),
        "places": places,
    }))
}

fn brief(member: &Member, with_admin: bool) -> Value {
    let mut row = json!({ "soldier_id": member.soldier_id, "name": member.name });
    if with_admin && member.is_admin {
        row["is_admin"] = json!(true);
    }
    row
}

/// The members of `units` for a tree, or 400 past [`MAX_TREE_MEMBERS`].
async fn tree_members(state: &AppState, units: &[Unit]) -> Result<Vec<Member>, TaskError> {
    let members = state
        .store()
        .members_of_units(units, MAX_TREE_MEMBERS)
        .await?;
    if members.len() > MAX_TREE_MEMBERS {
        return Err(TaskError::Invalid(format!(
            "管辖范围内的民兵超过 {MAX_TREE_MEMBERS} 名，无法一次列出；请按下级单位选择"
        )));
    }
    Ok(members)
}

/// `/task/orgs`: the organisations (with members) the commander may task, under the
/// offices of the commander's scope.
pub async fn org_tree(state: &AppState, soldier: &Soldier) -> Result<Value, TaskError> {
    soldier.require_commander()?;
    let directory = &soldier.directory;
    let root = soldier.member.unit;
    let scope: Vec<Unit> = directory
        .scope(root)
        .into_iter()
        .filter(|unit| matches!(unit, Unit::Org(_)))
        .collect();
    let members = tree_members(state, &scope).await?;
    let mut by_unit: BTreeMap<Unit, Vec<&Member>> = BTreeMap::new();
    for member in &members {
        by_unit.entry(member.unit).or_default().push(member);
    }
    let in_scope: BTreeSet<Unit> = directory.scope(root).into_iter().collect();
    let org_view = |org_id: u64| {
        json!({
            "org_id": org_id,
            "name": directory.name(Unit::Org(org_id)),
            "members": by_unit.get(&Unit::Org(org_id)).map(|ms| ms.iter().map(|m| brief(m, true)).collect::<Vec<_>>()).unwrap_or_default(),
            "lower_org_ids": directory.lower_orgs(org_id).into_iter().filter(|id| in_scope.contains(&Unit::Org(*id))).collect::<Vec<_>>(),
        })
    };
    fn office_detail(
        directory: &Directory,
        office_id: u64,
        in_scope: &BTreeSet<Unit>,
        org_view: &dyn Fn(u64) -> Value,
    ) -> Value {
        let orgs: Vec<Value> = directory
            .orgs
            .values()
            .filter(|org| org.office_id == office_id && in_scope.contains(&Unit::Org(org.org_id)))
            .map(|org| org_view(org.org_id))
            .collect();
        let lower: Vec<Value> = directory
            .lower_offices(office_id)
            .into_iter()
            .filter(|office| in_scope.contains(&Unit::Office(office.office_id)))
            .map(|office| office_detail(directory, office.office_id, in_scope, org_view))
            .collect();
        json!({
            "office_name": directory.name(Unit::Office(office_id)),
            "orgs": orgs,
            "lower_offices": lower,
        })
    }
    let detail = match root {
        Unit::Office(id) => office_detail(directory, id, &in_scope, &org_view),
        Unit::Org(_) => json!({
            "office_name": directory.office_of(root).map(|id| directory.name(Unit::Office(id))).unwrap_or_default(),
            "orgs": scope.iter().filter_map(|unit| match unit { Unit::Org(id) => Some(org_view(*id)), Unit::Office(_) => None }).collect::<Vec<_>>(),
            "lower_offices": [],
        }),
    };
    Ok(json!({ "total_mems": members.len(), "detail": detail }))
}

/// `/task/offices`: the offices (with their own members) the office commander may task;
/// organisation commanders get 403 (the seed: 组织不能获取单位信息).
pub async fn office_tree(state: &AppState, soldier: &Soldier) -> Result<Value, TaskError> {
    soldier.require_commander()?;
    let Unit::Office(root) = soldier.member.unit else {
        return Err(TaskError::forbidden("组织只能获取组织及人员信息"));
    };
    let directory = &soldier.directory;
    let offices: Vec<Unit> = directory
        .scope(Unit::Office(root))
        .into_iter()
        .filter(|unit| matches!(unit, Unit::Office(_)))
        .collect();
    let members = tree_members(state, &offices).await?;
    let mut by_office: BTreeMap<u64, Vec<&Member>> = BTreeMap::new();
    for member in &members {
        if let Unit::Office(id) = member.unit {
            by_office.entry(id).or_default().push(member);
        }
    }
    fn view(directory: &Directory, id: u64, by_office: &BTreeMap<u64, Vec<&Member>>) -> Value {
        json!({
            "office_id": id,
            "name": directory.name(Unit::Office(id)),
            "members": by_office.get(&id).map(|ms| ms.iter().map(|m| brief(m, false)).collect::<Vec<_>>()).unwrap_or_default(),
            "lower_offices": directory.lower_offices(id).into_iter().map(|o| view(directory, o.office_id, by_office)).collect::<Vec<_>>(),
        })
    }
    Ok(json!({
        "total_mems": members.len(),
        "office_detail": view(directory, root, &by_office),
    }))
}

/// `GET /user`, where a missing login is sent: whether the caller is logged in as a
/// member (`{logged_in: true, soldier_id, name}`), else `{logged_in: false, cnmsg}` saying
/// how to log in. `user_id` is the user of a valid login, if any.
pub async fn session(state: &AppState, user_id: Option<u64>) -> Result<Value, TaskError> {
    let store = state.store();
    let member = match user_id {
        Some(user_id) => match store.member_of_user(user_id).await? {
            Some(soldier_id) => store.member(soldier_id).await?,
            None => None,
        },
        None => None,
    };
    Ok(match (user_id, member) {
        (_, Some(member)) => json!({
            "logged_in": true, "soldier_id": member.soldier_id, "name": member.name,
        }),
        (Some(_), None) => json!({
            "logged_in": false, "cnmsg": "您不是民兵，请用民兵的凭证登录（POST /user {i_code, order_no}）",
        }),
        (None, None) => json!({
            "logged_in": false, "cnmsg": "请登录：POST /user {i_code, order_no}",
        }),
    })
}

/// Logs a member in with their credential pair: the same user and token as `/v1/token`,
/// linked to the member. A pair that is not a member's is 400.
pub async fn login(
    state: &AppState,
    attempt: &LoginAttempt<'_>,
) -> Result<(Member, String), TaskError> {
    let store = state.store();
    let pair = identity::admit(state, attempt).await?;
    let Some(soldier_id) = store.member_of_credential(&pair).await? else {
        return Err(identity::refuse(state, attempt).await.into());
    };
    let member = store
        .member(soldier_id)
        .await?
        .ok_or_else(|| TaskError::Invalid("i_code/order_no 不是民兵的登录凭证".into()))?;
    let user = identity::sign_in_admitted(state, attempt, &pair).await?;
    store.link_user(user.id, soldier_id).await?;
    let token = identity::issue_token(state, &user).await?;
    Ok((member, token))
}

/// Logs out: every session of the user ends (the cookie is cleared by the caller).
pub async fn logout(state: &AppState, user_id: Option<u64>) -> Result<(), TaskError> {
    if let Some(user_id) = user_id {
        identity::end_sessions(state, user_id).await?;
    }
    Ok(())
}
