//! Mobilization items (all partitions prefixed `MOB#`; see `docs/storage.md`):
//!
//! - directory snapshot `MOB#DIRECTORY / UNITS` (offices and organisations, one item);
//! - member `MOB#MEMBER#{id} / MEMBER`, listed per unit in GSI1 `MOB#UNIT#{unit}`;
//! - common place `MOB#UNIT#{unit} / PLACE#{id}`;
//! - credential link `MOB#CRED#{pair digest} / MEMBER` and user link `MOB#USER#{user} / MEMBER`;
//! - task `MOB#TASK#{id} / TASK`; its scope entries `MOB#TASK#{id} / SCOPE#{unit}`, listed in
//!   GSI2 `MOB#SCOPE#{unit}` by end time and, until counted as done, in GSI3
//!   `MOB#DUE#{unit}`; its assignments `MOB#TASK#{id} / ASSIGN#{soldier}`, listed per member
//!   in GSI1 `MOB#MINE#{soldier}` and, once accepted, in GSI3 `MOB#ACCEPTED#{task}`;
//! - list totals (the store's counter items): tasks listed under a unit `MOB#SCOPE#{unit}`,
//!   those of them counted as done `MOB#DONE#{unit}`, tasks sent to a member
//!   `MOB#MINE#{soldier}`, common places of a unit `MOB#PLACES#{unit}`.

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::batch::BATCH_WRITE_PARALLELISM;
use super::query::KeyRange;
use super::{id_sort_key, n, s, Index, ItemKey, Store};
use crate::credential::PairDigest;
use crate::error::ApiError;
use crate::http::PageQuery;
use crate::mobilization::assignment::{Assignment, CheckInPosition, Response};
use crate::mobilization::directory::{Directory, Member, Place, Unit};
use crate::mobilization::task::Task;

/// Queries in flight at once when reading the members of many units.
const UNIT_QUERY_PARALLELISM: usize = 8;

/// Assignments written per transaction when publishing: each goes with an update of its
/// member's list total, and a transaction holds at most 100 items.
const ASSIGNMENTS_PER_TRANSACTION: usize = 50;

/// Ended tasks counted as done per transaction (each entry, plus the unit's done total).
const SETTLE_PER_TRANSACTION: usize = 50;

/// Ended tasks read per round when counting them as done, and rounds per request.
const SETTLE_PER_ROUND: usize = 500;
const SETTLE_ROUNDS: usize = 20;

/// Attempts of a transaction that a concurrent update of one of its counters cancelled.
const TRANSACTION_ATTEMPTS: u32 = 8;

/// Counter of the tasks listed under `unit` (running and over).
fn listed_total(unit: Unit) -> String {
    format!("MOB#SCOPE#{}", unit.key())
}

/// Counter of the tasks listed under `unit` that are counted as done.
fn done_total(unit: Unit) -> String {
    format!("MOB#DONE#{}", unit.key())
}

/// Counter of the tasks sent to member `soldier_id`.
fn mine_total(soldier_id: u64) -> String {
    format!("MOB#MINE#{soldier_id}")
}

/// Counter of the common places of `unit`.
fn places_total(unit: Unit) -> String {
    format!("MOB#PLACES#{}", unit.key())
}

fn due_partition(unit: Unit) -> String {
    format!("MOB#DUE#{}", unit.key())
}

fn directory_key() -> ItemKey {
    ItemKey::new("MOB#DIRECTORY", "UNITS")
}

fn member_key(member: &Member) -> ItemKey {
    ItemKey::new(format!("MOB#MEMBER#{}", member.soldier_id), "MEMBER").with(
        Index::Gsi1,
        unit_partition(member.unit),
        id_sort_key(member.soldier_id),
    )
}

fn member_at(soldier_id: u64) -> ItemKey {
    ItemKey::new(format!("MOB#MEMBER#{soldier_id}"), "MEMBER")
}

fn unit_partition(unit: Unit) -> String {
    format!("MOB#UNIT#{}", unit.key())
}

fn place_key(unit: Unit, place_id: u64) -> ItemKey {
    ItemKey::new(
        unit_partition(unit),
        format!("PLACE#{}", id_sort_key(place_id)),
    )
}

/// Where the link from the pair with digest `pair` to its member is stored.
pub(super) fn credential_link_key(pair: &PairDigest) -> ItemKey {
    ItemKey::new(format!("MOB#CRED#{}", pair.as_str()), "MEMBER")
}

fn user_link_key(user_id: u64) -> ItemKey {
    ItemKey::new(format!("MOB#USER#{user_id}"), "MEMBER")
}

fn task_partition(task_id: u64) -> String {
    format!("MOB#TASK#{task_id}")
}

/// Where task `task_id` is stored.
pub fn task_key(task_id: u64) -> ItemKey {
    ItemKey::new(task_partition(task_id), "TASK")
}

fn scope_sort_key(finish_at: i64, task_id: u64) -> String {
    format!("{:020}#{}", finish_at.max(0), id_sort_key(task_id))
}

fn scope_at(task_id: u64, unit: Unit) -> ItemKey {
    ItemKey::new(task_partition(task_id), format!("SCOPE#{}", unit.key()))
}

/// A new scope entry: listed under the unit by end time, and due to be counted as done
/// under the unit once that end passes.
fn scope_key(task: &Task, unit: Unit) -> ItemKey {
    let sort = scope_sort_key(task.finish_at, task.task_id);
    scope_at(task.task_id, unit)
        .with(
            Index::Gsi2,
            format!("MOB#SCOPE#{}", unit.key()),
            sort.clone(),
        )
        .with(Index::Gsi3, due_partition(unit), sort)
}

fn assignment_key(task_id: u64, soldier_id: u64) -> ItemKey {
    ItemKey::new(
        task_partition(task_id),
        format!("ASSIGN#{}", id_sort_key(soldier_id)),
    )
    .with(
        Index::Gsi1,
        format!("MOB#MINE#{soldier_id}"),
        id_sort_key(task_id),
    )
}

#[derive(Serialize, Deserialize)]
struct Link {
    soldier_id: u64,
}

#[derive(Serialize, Deserialize)]
struct ScopeEntry {
    task_id: u64,
}

/// Whether a scope entry is still due to be counted as done.
#[derive(Deserialize)]
struct DueMarker {
    #[serde(rename = "GSI3PK", default)]
    due: Option<String>,
}

/// Why a conditional task write failed, so the caller can re-read and decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteConflict {
    /// The assignment was not in the state read (or another write raced).
    Assignment,
    /// The task ended (or another write raced on its counters).
    Task,
}

impl Store {
    /// The directory snapshot (empty before the first import).
    pub async fn directory(&self) -> Result<Directory, ApiError> {
        Ok(self.get(&directory_key()).await?.unwrap_or_default())
    }

    /// Writes the snapshot if nobody imported since `read_version` was read (else 10009).
    pub async fn save_directory(
        &self,
        directory: &Directory,
        read_version: u64,
    ) -> Result<(), ApiError> {
        self.put_if(
            &directory_key(),
            directory,
            "attribute_not_exists(PK) OR version = :read",
            &[(":read", n(read_version))],
            ApiError::OperationFailed,
        )
        .await
    }

    /// Creates or replaces members and credential links in bulk.
    pub async fn write_directory_records(
        &self,
        members: &[Member],
        credentials: &[(PairDigest, u64)],
    ) -> Result<(), ApiError> {
        let mut items = Vec::with_capacity(members.len() + credentials.len());
        for member in members {
            items.push(member_key(member).item(member)?);
        }
        for (pair, soldier_id) in credentials {
            let link = Link {
                soldier_id: *soldier_id,
            };
            items.push(credential_link_key(pair).item(&link)?);
        }
        self.batch_put(items).await.map(|_| ())
    }

    /// Member `soldier_id`.
    pub async fn member(&self, soldier_id: u64) -> Result<Option<Member>, ApiError> {
        self.get(&member_at(soldier_id)).await
    }

    /// The members among `soldier_ids` that exist.
    pub async fn members(&self, soldier_ids: &[u64]) -> Result<Vec<Member>, ApiError> {
        let keys: Vec<ItemKey> = soldier_ids.iter().map(|id| member_at(*id)).collect();
        self.batch_get(&keys).await
    }

    /// The members of each of `units` (one Query per unit, a few at a time), in the order
    /// of `units`. Reading stops once more than `limit` were read: the answer then holds
    /// more than `limit` members, but not necessarily all of them.
    pub async fn members_of_units(
        &self,
        units: &[Unit],
        limit: usize,
    ) -> Result<Vec<Member>, ApiError> {
        let queries: Vec<_> = units
            .iter()
            .map(|unit| {
                let store = self.clone();
                let partition = unit_partition(*unit);
                async move {
                    store
                        .query_partition::<Member>(Some(Index::Gsi1), &partition, true, limit + 1)
                        .await
                }
            })
            .collect();
        let mut lists = stream::iter(queries).buffered(UNIT_QUERY_PARALLELISM);
        let mut members = Vec::new();
        while let Some(list) = lists.try_next().await? {
            members.extend(list);
            if members.len() > limit {
                break;
            }
        }
        Ok(members)
    }

    /// The first `limit` common places of `unit`, by id.
    pub async fn unit_places(&self, unit: Unit, limit: usize) -> Result<Vec<Place>, ApiError> {
        self.query_range(
            None,
            &unit_partition(unit),
            KeyRange::BeginsWith("PLACE#".into()),
            true,
            limit,
        )
        .await
    }

    /// Common place `place_id` of `unit`, if the unit has it.
    pub async fn unit_place(&self, unit: Unit, place_id: u64) -> Result<Option<Place>, ApiError> {
        self.get(&place_key(unit, place_id)).await
    }

    /// How many common places `unit` holds.
    pub async fn place_count(&self, unit: Unit) -> Result<u64, ApiError> {
        self.total(&places_total(unit)).await
    }

    /// Adds a common place to `unit` and counts it, in one transaction, only while the
    /// unit holds fewer than `max` places (else 10009).
    pub async fn create_place(&self, unit: Unit, place: &Place, max: u64) -> Result<(), ApiError> {
        let steps = vec![
            self.put_new_step(&place_key(unit, place.place_id), place)?,
            self.add_to_total_within(&places_total(unit), 1, max)?,
        ];
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// Creates or replaces the common places of `unit` from an import, counting `added` (how
    /// many of them the unit did not hold) in the same transaction.
    pub async fn write_places(
        &self,
        unit: Unit,
        places: &[Place],
        added: u64,
    ) -> Result<(), ApiError> {
        let mut steps = Vec::with_capacity(places.len() + 1);
        for place in places {
            let put = Put::builder()
                .table_name(self.table())
                .set_item(Some(place_key(unit, place.place_id).item(place)?))
                .build()
                .map_err(ApiError::internal)?;
            steps.push(TransactWriteItem::builder().put(put).build());
        }
        if added > 0 {
            steps.push(self.add_to_total(&places_total(unit), added as i64)?);
        }
        self.transact_retrying(steps).await
    }

    /// Runs a transaction, again (with backoff) when it is cancelled: its only conditions
    /// are on items nobody else writes, so a cancellation is a concurrent update of one of
    /// its counters.
    async fn transact_retrying(&self, steps: Vec<TransactWriteItem>) -> Result<(), ApiError> {
        if steps.is_empty() {
            return Ok(());
        }
        for attempt in 0..TRANSACTION_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 << attempt.min(5))).await;
            }
            match self
                .transact(steps.clone(), |_| ApiError::OperationFailed)
                .await
            {
                Err(ApiError::OperationFailed) => continue,
                other => return other,
            }
        }
        Err(ApiError::internal("transaction kept being cancelled"))
    }

    /// The member whose credential pair this is, if any.
    pub async fn member_of_credential(&self, pair: &PairDigest) -> Result<Option<u64>, ApiError> {
        let link: Option<Link> = self.get(&credential_link_key(pair)).await?;
        Ok(link.map(|link| link.soldier_id))
    }

    /// Records that user `user_id` is member `soldier_id` (written at each login).
    pub async fn link_user(&self, user_id: u64, soldier_id: u64) -> Result<(), ApiError> {
        self.put(&user_link_key(user_id), &Link { soldier_id })
            .await
    }

    /// The member user `user_id` logged in as, if any.
    pub async fn member_of_user(&self, user_id: u64) -> Result<Option<u64>, ApiError> {
        let link: Option<Link> = self.get(&user_link_key(user_id)).await?;
        Ok(link.map(|link| link.soldier_id))
    }

    /// Writes the task, then its assignments (each transaction of
    /// [`ASSIGNMENTS_PER_TRANSACTION`] also adds 1 to each member's list total, a few in
    /// flight), then its scope entries with the list total of each unit in one transaction.
    /// A member lists the task once their assignment exists (the task already does); the
    /// commanders' lists show it once every member was reached.
    pub async fn publish_task(
        &self,
        task: &Task,
        assignments: &[Assignment],
    ) -> Result<(), ApiError> {
        self.put_new(
            &task_key(task.task_id),
            task,
            ApiError::internal("task id reused"),
        )
        .await?;
        let chunks = assignments
            .chunks(ASSIGNMENTS_PER_TRANSACTION)
            .map(|chunk| {
                let mut steps = Vec::with_capacity(2 * chunk.len());
                for a in chunk {
                    steps.push(self.put_new_step(&assignment_key(a.task_id, a.soldier_id), a)?);
                    steps.push(self.add_to_total(&mine_total(a.soldier_id), 1)?);
                }
                Ok(steps)
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let writes: Vec<_> = chunks
            .into_iter()
            .map(|steps| self.transact_retrying(steps))
            .collect();
        stream::iter(writes)
            .buffer_unordered(BATCH_WRITE_PARALLELISM)
            .try_collect::<Vec<()>>()
            .await?;
        let mut steps = Vec::with_capacity(2 * task.scope.len());
        let entry = ScopeEntry {
            task_id: task.task_id,
        };
        for unit in &task.scope {
            steps.push(self.put_new_step(&scope_key(task, *unit), &entry)?);
            steps.push(self.add_to_total(&listed_total(*unit), 1)?);
        }
        self.transact_retrying(steps).await
    }

    /// Task `task_id`.
    pub async fn task(&self, task_id: u64) -> Result<Option<Task>, ApiError> {
        self.get(&task_key(task_id)).await
    }

    /// The assignment of member `soldier_id` to task `task_id`.
    pub async fn assignment(
        &self,
        task_id: u64,
        soldier_id: u64,
    ) -> Result<Option<Assignment>, ApiError> {
        self.get(&assignment_key(task_id, soldier_id)).await
    }

    fn update_step(
        &self,
        at: &ItemKey,
        expression: &str,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<TransactWriteItem, ApiError> {
        let mut update = Update::builder()
            .table_name(self.table())
            .set_key(Some(at.key()))
            .update_expression(expression)
            .condition_expression(condition);
        // `response` is written through a placeholder wherever it appears.
        if expression.contains("#response") || condition.contains("#response") {
            update = update.expression_attribute_names("#response", "response");
        }
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        Ok(TransactWriteItem::builder()
            .update(update.build().map_err(ApiError::internal)?)
            .build())
    }

    /// Records a response (from UR only) and, in the same transaction, the task's
    /// counters (only while the task runs).
    pub async fn respond(
        &self,
        task: &Task,
        soldier_id: u64,
        accept: bool,
        now: i64,
    ) -> Result<Result<(), WriteConflict>, ApiError> {
        let response = if accept { Response::AC } else { Response::RF };
        let code = serde_json::to_value(response)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut expression = "SET #response = :response, resp_at = :now".to_owned();
        let mut values = vec![(":response", s(code)), (":now", n(now)), (":ur", s("UR"))];
        if accept {
            expression.push_str(", GSI3PK = :accepted, GSI3SK = :soldier");
            values.push((":accepted", s(format!("MOB#ACCEPTED#{}", task.task_id))));
            values.push((":soldier", s(id_sort_key(soldier_id))));
        }
        let assignment = self.update_step(
            &assignment_key(task.task_id, soldier_id),
            &expression,
            "#response = :ur",
            values,
        )?;
        let counters = self.update_step(
            &task_key(task.task_id),
            "ADD response_count :one, accept_count :accepted, resp_time_sum :elapsed",
            "finish_at > :now AND finished = :no",
            vec![
                (":one", n(1)),
                (":accepted", n(u8::from(accept))),
                (":elapsed", n((now - task.launch_at).max(0))),
                (":now", n(now)),
                (":no", AttributeValue::Bool(false)),
            ],
        )?;
        self.conflict_aware(vec![assignment, counters]).await
    }

    /// Records a check-in (accepted, not yet checked in) with the position it was sent
    /// with, and the task's counter (while the task runs), in one transaction.
    pub async fn check_in(
        &self,
        task: &Task,
        soldier_id: u64,
        position: CheckInPosition,
        now: i64,
    ) -> Result<Result<(), WriteConflict>, ApiError> {
        let mut expression = "SET checked_in = :yes, check_at = :now".to_owned();
        let mut values = vec![
            (":yes", AttributeValue::Bool(true)),
            (":no", AttributeValue::Bool(false)),
            (":now", n(now)),
            (":ac", s("AC")),
        ];
        if let Some(lat) = position.lat {
            expression.push_str(", check_lat = :lat");
            values.push((":lat", n(lat.get())));
        }
        if let Some(lng) = position.lng {
            expression.push_str(", check_lng = :lng");
            values.push((":lng", n(lng.get())));
        }
        let assignment = self.update_step(
            &assignment_key(task.task_id, soldier_id),
            &expression,
            "#response = :ac AND checked_in = :no",
            values,
        )?;
        let counter = self.update_step(
            &task_key(task.task_id),
            "ADD check_count :one",
            "finish_at > :now AND finished = :no",
            vec![
                (":one", n(1)),
                (":now", n(now)),
                (":no", AttributeValue::Bool(false)),
            ],
        )?;
        self.conflict_aware(vec![assignment, counter]).await
    }

    async fn conflict_aware(
        &self,
        steps: Vec<TransactWriteItem>,
    ) -> Result<Result<(), WriteConflict>, ApiError> {
        match self
            .transact(steps, |index| ApiError::Validation(index.to_string()))
            .await
        {
            Ok(()) => Ok(Ok(())),
            Err(ApiError::Validation(index)) if index == "0" => Ok(Err(WriteConflict::Assignment)),
            Err(ApiError::Validation(_)) => Ok(Err(WriteConflict::Task)),
            Err(error) => Err(error),
        }
    }

    /// Ends a running task now, in one transaction: the task (only by `launcher`, only while
    /// it runs), each scope entry's end time, and — as the task is done from now on — each
    /// entry leaves its unit's due list and adds 1 to the unit's done total (only if no
    /// reader counted it yet). A cancelled transaction is a [`WriteConflict::Task`].
    pub async fn finish_task(
        &self,
        task: &Task,
        launcher: u64,
        now: i64,
    ) -> Result<Result<(), WriteConflict>, ApiError> {
        let mut steps = vec![self.update_step(
            &task_key(task.task_id),
            "SET finished = :yes, finish_at = :now",
            "launcher = :launcher AND finish_at > :now AND finished = :no",
            vec![
                (":yes", AttributeValue::Bool(true)),
                (":no", AttributeValue::Bool(false)),
                (":now", n(now)),
                (":launcher", n(launcher)),
            ],
        )?];
        for unit in &task.scope {
            steps.push(self.update_step(
                &scope_at(task.task_id, *unit),
                "SET GSI2SK = :sk REMOVE GSI3PK, GSI3SK",
                "attribute_exists(GSI3PK)",
                vec![(":sk", s(scope_sort_key(now, task.task_id)))],
            )?);
            steps.push(self.add_to_total(&done_total(*unit), 1)?);
        }
        match self.transact(steps, |_| ApiError::OperationFailed).await {
            Ok(()) => Ok(Ok(())),
            Err(ApiError::OperationFailed) => Ok(Err(WriteConflict::Task)),
            Err(error) => Err(error),
        }
    }

    /// Counts the tasks listed under `unit` whose end passed by `now` (and that no reader
    /// counted yet) as done: each leaves the unit's due list in the same transaction that
    /// adds it to the unit's done total, so each is counted once whoever reads first.
    async fn count_ended(&self, unit: Unit, now: i64) -> Result<(), ApiError> {
        let partition = due_partition(unit);
        let ended = KeyRange::Below(format!("{:020}", now.max(0) + 1));
        for _ in 0..SETTLE_ROUNDS {
            let due: Vec<ScopeEntry> = self
                .query_range(
                    Some(Index::Gsi3),
                    &partition,
                    ended.clone(),
                    true,
                    SETTLE_PER_ROUND,
                )
                .await?;
            for chunk in due.chunks(SETTLE_PER_TRANSACTION) {
                let ids: Vec<u64> = chunk.iter().map(|entry| entry.task_id).collect();
                if self.count_done(unit, &ids).await?.is_err() {
                    // Another reader counted some of them (or wrote the total) meanwhile:
                    // count them one by one, skipping those already counted.
                    for id in ids {
                        self.count_one_done(unit, id).await?;
                    }
                }
            }
            if due.len() < SETTLE_PER_ROUND {
                break;
            }
        }
        Ok(())
    }

    async fn count_done(
        &self,
        unit: Unit,
        task_ids: &[u64],
    ) -> Result<Result<(), WriteConflict>, ApiError> {
        let mut steps = Vec::with_capacity(task_ids.len() + 1);
        for id in task_ids {
            steps.push(self.update_step(
                &scope_at(*id, unit),
                "REMOVE GSI3PK, GSI3SK",
                "attribute_exists(GSI3PK)",
                vec![],
            )?);
        }
        steps.push(self.add_to_total(&done_total(unit), task_ids.len() as i64)?);
        match self.transact(steps, |_| ApiError::OperationFailed).await {
            Ok(()) => Ok(Ok(())),
            Err(ApiError::OperationFailed) => Ok(Err(WriteConflict::Task)),
            Err(error) => Err(error),
        }
    }

    async fn count_one_done(&self, unit: Unit, task_id: u64) -> Result<(), ApiError> {
        for attempt in 0..TRANSACTION_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(20 << attempt.min(5))).await;
            }
            let marker: Option<DueMarker> = self.get(&scope_at(task_id, unit)).await?;
            if marker.and_then(|marker| marker.due).is_none() {
                return Ok(());
            }
            if self.count_done(unit, &[task_id]).await?.is_ok() {
                return Ok(());
            }
        }
        Err(ApiError::internal(
            "counting an ended task kept conflicting",
        ))
    }

    /// One page of the tasks listed under `unit`, running (`working`) or over, newest end
    /// first, with the list's total; tasks come from one BatchGetItem. The total comes from
    /// the unit's counters (listed, and counted as done) once the tasks that ended since
    /// the last read are counted as done.
    pub async fn scope_tasks(
        &self,
        unit: Unit,
        working: bool,
        now: i64,
        page: PageQuery,
    ) -> Result<(u64, Vec<Task>), ApiError> {
        let partition = format!("MOB#SCOPE#{}", unit.key());
        let boundary = format!("{:020}", now.max(0) + 1);
        let range = if working {
            KeyRange::AtLeast(boundary)
        } else {
            KeyRange::Below(boundary)
        };
        let (listed_name, done_name) = (listed_total(unit), done_total(unit));
        let totals = async {
            self.count_ended(unit, now).await?;
            tokio::try_join!(self.total(&listed_name), self.total(&done_name))
        };
        let ((listed, done), entries) = tokio::try_join!(
            totals,
            self.query_range::<ScopeEntry>(Some(Index::Gsi2), &partition, range, false, page.end()),
        )?;
        let total = if working {
            listed.saturating_sub(done)
        } else {
            done
        };
        let ids: Vec<u64> = page.slice(entries).into_iter().map(|e| e.task_id).collect();
        Ok((total, self.tasks_in_order(&ids).await?))
    }

    async fn tasks_in_order(&self, ids: &[u64]) -> Result<Vec<Task>, ApiError> {
        let keys: Vec<ItemKey> = ids.iter().map(|id| task_key(*id)).collect();
        let mut tasks: Vec<Task> = self.batch_get(&keys).await?;
        tasks.sort_by_key(|task| ids.iter().position(|id| *id == task.task_id));
        Ok(tasks)
    }

    /// One page of the tasks sent to member `soldier_id`, newest first, with their
    /// assignments and the total (the member's counter).
    pub async fn member_tasks(
        &self,
        soldier_id: u64,
        page: PageQuery,
    ) -> Result<(u64, Vec<(Assignment, Task)>), ApiError> {
        let partition = format!("MOB#MINE#{soldier_id}");
        let total_name = mine_total(soldier_id);
        let (total, assignments) = tokio::try_join!(
            self.total(&total_name),
            self.query_range::<Assignment>(
                Some(Index::Gsi1),
                &partition,
                KeyRange::Any,
                false,
                page.end()
            ),
        )?;
        let assignments = page.slice(assignments);
        let ids: Vec<u64> = assignments.iter().map(|a| a.task_id).collect();
        let tasks = self.tasks_in_order(&ids).await?;
        Ok((
            total,
            assignments
                .into_iter()
                .filter_map(|a| {
                    let task = tasks.iter().find(|t| t.task_id == a.task_id)?.clone();
                    Some((a, task))
                })
                .collect(),
        ))
    }

    /// The first `limit` assignments of a task in soldier-id order.
    pub async fn assignments(
        &self,
        task_id: u64,
        limit: usize,
    ) -> Result<Vec<Assignment>, ApiError> {
        self.query_range(
            None,
            &task_partition(task_id),
            KeyRange::BeginsWith("ASSIGN#".into()),
            true,
            limit,
        )
        .await
    }

    /// The first `limit` accepted assignments of a task in soldier-id order.
    pub async fn accepted(&self, task_id: u64, limit: usize) -> Result<Vec<Assignment>, ApiError> {
        self.query_range(
            Some(Index::Gsi3),
            &format!("MOB#ACCEPTED#{task_id}"),
            KeyRange::Any,
            true,
            limit,
        )
        .await
    }
}
