//! Mobilization items (all partitions prefixed `MOB#`; see `docs/storage.md`):
//!
//! - directory snapshot `MOB#DIRECTORY / UNITS` (offices and organisations, one item);
//! - member `MOB#MEMBER#{id} / MEMBER`, listed per unit in GSI1 `MOB#UNIT#{unit}`;
//! - common place `MOB#UNIT#{unit} / PLACE#{id}`;
//! - credential link `MOB#CRED#{pair digest} / MEMBER` and user link `MOB#USER#{user} / MEMBER`;
//! - task `MOB#TASK#{id} / TASK`; its scope entries `MOB#TASK#{id} / SCOPE#{unit}`, listed in
//!   GSI2 `MOB#SCOPE#{unit}` by end time; its assignments `MOB#TASK#{id} / ASSIGN#{soldier}`,
//!   listed per member in GSI1 `MOB#MINE#{soldier}` and, once accepted, in GSI3
//!   `MOB#ACCEPTED#{task}`.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

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

fn scope_key(task: &Task, unit: Unit) -> ItemKey {
    ItemKey::new(
        task_partition(task.task_id),
        format!("SCOPE#{}", unit.key()),
    )
    .with(
        Index::Gsi2,
        format!("MOB#SCOPE#{}", unit.key()),
        scope_sort_key(task.finish_at, task.task_id),
    )
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

    /// Creates or replaces members, places and credential links in bulk.
    pub async fn write_directory_records(
        &self,
        members: &[Member],
        places: &[(Unit, Place)],
        credentials: &[(PairDigest, u64)],
    ) -> Result<(), ApiError> {
        let mut items = Vec::with_capacity(members.len() + places.len() + credentials.len());
        for member in members {
            items.push(member_key(member).item(member)?);
        }
        for (unit, place) in places {
            items.push(place_key(*unit, place.place_id).item(place)?);
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

    /// The members of each of `units` (one Query per unit, a few at a time).
    pub async fn members_of_units(&self, units: &[Unit]) -> Result<Vec<Member>, ApiError> {
        let queries: Vec<_> = units
            .iter()
            .map(|unit| {
                let store = self.clone();
                let partition = unit_partition(*unit);
                async move {
                    store
                        .query_partition::<Member>(Some(Index::Gsi1), &partition, true, usize::MAX)
                        .await
                }
            })
            .collect();
        let lists: Vec<Vec<Member>> = stream::iter(queries)
            .buffered(UNIT_QUERY_PARALLELISM)
            .try_collect()
            .await?;
        Ok(lists.into_iter().flatten().collect())
    }

    /// The common places of `unit`.
    pub async fn unit_places(&self, unit: Unit) -> Result<Vec<Place>, ApiError> {
        self.query_range(
            None,
            &unit_partition(unit),
            KeyRange::BeginsWith("PLACE#".into()),
            true,
            usize::MAX,
        )
        .await
    }

    /// Adds a common place to `unit`.
    pub async fn create_place(&self, unit: Unit, place: &Place) -> Result<(), ApiError> {
        self.put_new(
            &place_key(unit, place.place_id),
            place,
            ApiError::OperationFailed,
        )
        .await
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

    /// Writes the assignments in bulk, then the task and its scope entries in one
    /// transaction: until that transaction, nothing of the task is visible (the member
    /// lists skip assignments whose task does not exist).
    pub async fn publish_task(
        &self,
        task: &Task,
        assignments: &[Assignment],
    ) -> Result<(), ApiError> {
        let items = assignments
            .iter()
            .map(|a| assignment_key(a.task_id, a.soldier_id).item(a))
            .collect::<Result<Vec<_>, _>>()?;
        self.batch_put(items).await?;
        let mut steps = vec![self.put_new_step(&task_key(task.task_id), task)?];
        for unit in &task.scope {
            let entry = ScopeEntry {
                task_id: task.task_id,
            };
            let put = Put::builder()
                .table_name(self.table())
                .set_item(Some(scope_key(task, *unit).item(&entry)?))
                .build()
                .map_err(ApiError::internal)?;
            steps.push(TransactWriteItem::builder().put(put).build());
        }
        self.transact(steps, |_| ApiError::internal("task id reused"))
            .await
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

    /// Ends a running task now: the task (only by `launcher`, only while it runs) and its
    /// scope entries' end time in one transaction; a failed condition is 10009.
    pub async fn finish_task(&self, task: &Task, launcher: u64, now: i64) -> Result<(), ApiError> {
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
            let at = ItemKey::new(
                task_partition(task.task_id),
                format!("SCOPE#{}", unit.key()),
            );
            steps.push(self.update_step(
                &at,
                "SET GSI2SK = :sk",
                "attribute_exists(PK)",
                vec![(":sk", s(scope_sort_key(now, task.task_id)))],
            )?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// One page of the tasks listed under `unit`, running (`working`) or over, newest end
    /// first, with the list's total; tasks come from one BatchGetItem.
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
        let (total, entries) = tokio::try_join!(
            self.count_range(Some(Index::Gsi2), &partition, range.clone()),
            self.query_range::<ScopeEntry>(
                Some(Index::Gsi2),
                &partition,
                range.clone(),
                false,
                page.end()
            ),
        )?;
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
    /// assignments and the total.
    pub async fn member_tasks(
        &self,
        soldier_id: u64,
        page: PageQuery,
    ) -> Result<(u64, Vec<(Assignment, Task)>), ApiError> {
        let partition = format!("MOB#MINE#{soldier_id}");
        let all = KeyRange::Any;
        let (total, assignments) = tokio::try_join!(
            self.count_range(Some(Index::Gsi1), &partition, all.clone()),
            self.query_range::<Assignment>(
                Some(Index::Gsi1),
                &partition,
                all.clone(),
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
