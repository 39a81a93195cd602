//! Design tasks and processes.
//!
//! - task: `PK = DTASK#{id}`, `SK = TASK`; while open (status 1, a free slot) also in
//!   `GSI1PK = DTASKS#OPEN`; always in its customer's `GSI2PK = DCUSTOMER#{id}`.
//! - process and its uploads share a partition, so one Query reads a whole process:
//!   `PK = DPROC#{task_id}#{designer_id}` with `SK = PROCESS` (the head: step, times,
//!   parties) and `SK = STEP#{nn}` (the data of upload step nn). The head is listed in its
//!   designer's `GSI2PK = DDESIGNER#{id}` and its company's `GSI3PK = DCOMPANY#{id}`.
//! - the admin queue by status: `GSI3PK = DTASK#ST{status}` on the task, moved by every
//!   status write, counted in `total#design-status-{status}`.
//! - the audit queues: `GSI1PK = DAUDIT#PLATFORM` (steps 5, 10, 12) or
//!   `DAUDIT#COMPANY#{company}` (steps 2, 7) on the head of a process waiting for that
//!   audit, `GSI1SK = {upload time:020}#{process:020}`, with the upload as `pending`; set by
//!   the upload, removed by the audit or the elimination, counted in `total#{partition}`.
//! - step configuration: `PK = DESIGN`, `SK = STEPS`.
//!
//! Every transition of a process is written conditioned on the state it was decided on.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use super::aggregate::retry;
use super::{from_item, id_sort_key, n, s, sdk_error, to_value, Index, ItemKey, Store};
use crate::design::process::{Process, StepItem};
use crate::design::steps::StepCatalogRecord;
use crate::design::task::{DesignTask, ProcessSummary, TaskStatus};
use crate::design::workflow::{State, Step};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};

const OPEN_TASKS: &str = "DTASKS#OPEN";
const OPEN_TOTAL: &str = "design-open";
const PROCESS_SK: &str = "PROCESS";

mod audit;

use audit::audit_queue;
pub use audit::Auditor;

/// Where task `id` is stored (without its index entries).
pub fn task_key(id: u64) -> ItemKey {
    ItemKey::new(format!("DTASK#{id}"), "TASK")
}

fn process_partition(task_id: u64, designer_id: u64) -> String {
    format!("DPROC#{task_id}#{designer_id}")
}

/// Where the head of the process of `designer_id` on `task_id` is stored.
pub fn process_key(task_id: u64, designer_id: u64) -> ItemKey {
    ItemKey::new(process_partition(task_id, designer_id), PROCESS_SK)
}

/// Where the data of upload `step` of a process is stored.
pub fn step_key(task_id: u64, designer_id: u64, step: Step) -> ItemKey {
    ItemKey::new(
        process_partition(task_id, designer_id),
        format!("STEP#{:02}", step.id()),
    )
}

/// The admin queue partition of the tasks in `status`.
fn status_queue(status: TaskStatus) -> String {
    format!("DTASK#ST{}", u8::from(status))
}

/// The total of the tasks in `status` (tasks counted in the queues only).
fn status_total(status: TaskStatus) -> String {
    format!("design-status-{}", u8::from(status))
}

fn catalog_key() -> ItemKey {
    ItemKey::new("DESIGN", "STEPS")
}

fn customer_list(customer_id: u64) -> String {
    format!("DCUSTOMER#{customer_id}")
}

fn designer_list(designer_id: u64) -> String {
    format!("DDESIGNER#{designer_id}")
}

fn company_list(company_id: u64) -> String {
    format!("DCOMPANY#{company_id}")
}

/// Whose tasks a "my tasks" list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOwner {
    /// Tasks the user published.
    Customer(u64),
    /// Tasks the designer grabbed.
    Designer(u64),
    /// Tasks the company's designers grabbed (one entry per process).
    Company(u64),
}

/// What a process's transition does to its task as well.
#[derive(Debug, Clone, Copy)]
pub enum TaskEffect<'a> {
    /// Nothing.
    None,
    /// A first draft was chosen: the task (read as given) goes 1 → 3, leaves the open
    /// list, and every other process of it (read as given) is eliminated, leaving its
    /// audit queue.
    FirstDraftChosen(&'a DesignTask, &'a [Process]),
    /// The CAD delivery was approved: the task goes 3 → 4.
    Completed(&'a DesignTask),
}

/// One write of a process's transition.
#[derive(Debug, Clone)]
pub struct StepWrite<'a> {
    /// The process as read (its state is the condition).
    pub process: &'a Process,
    /// The state after the transition.
    pub next: State,
    /// The attribute and user id of the actor the transition was decided for (none for
    /// an admin); the write is conditioned on it too.
    pub actor: Option<(&'static str, u64)>,
    /// The step whose time is set (the one reached or uploaded again), if any.
    pub timed: Option<Step>,
    /// The upload to store, if any.
    pub upload: Option<StepItem>,
    /// A new `vr_url`, if any.
    pub vr_url: Option<String>,
    /// What becomes of the reason of the process's refusal.
    pub reason: ReasonChange,
    /// The task's part.
    pub task: TaskEffect<'a>,
    /// Now, Unix seconds.
    pub now: i64,
}

/// What a process's transition writes of the reason its upload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasonChange {
    /// Left as stored (the process stays refused, e.g. while `vr_url` is set).
    Keep,
    /// Stored: an audit refused the upload and said why.
    Set(String),
    /// Removed: the refusal is over, or a refusal gave no reason.
    Remove,
}

struct UpdateBuilder {
    sets: Vec<String>,
    removes: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    condition: Option<String>,
}

impl UpdateBuilder {
    fn new() -> Self {
        UpdateBuilder {
            sets: Vec::new(),
            removes: Vec::new(),
            names: HashMap::new(),
            values: HashMap::new(),
            condition: None,
        }
    }

    fn set(mut self, attribute: &str, value: AttributeValue) -> Self {
        let index = self.values.len();
        self.names
            .insert(format!("#a{index}"), attribute.to_owned());
        self.values.insert(format!(":v{index}"), value);
        self.sets.push(format!("#a{index} = :v{index}"));
        self
    }

    fn set_expression(mut self, expression: &str) -> Self {
        self.sets.push(expression.to_owned());
        self
    }

    fn remove(mut self, attribute: &str) -> Self {
        self.removes.push(attribute.to_owned());
        self
    }

    fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names
            .insert(placeholder.to_owned(), attribute.to_owned());
        self
    }

    fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    fn condition(mut self, condition: &str) -> Self {
        self.condition = Some(condition.to_owned());
        self
    }

    fn and_condition(mut self, condition: &str) -> Self {
        self.condition = Some(match self.condition {
            Some(existing) => format!("{existing} AND {condition}"),
            None => condition.to_owned(),
        });
        self
    }

    fn build(self, table: &str, at: &ItemKey) -> Result<TransactWriteItem, ApiError> {
        let mut expression = String::new();
        if !self.sets.is_empty() {
            expression.push_str(&format!("SET {}", self.sets.join(", ")));
        }
        if !self.removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", self.removes.join(", ")));
        }
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(at.key()))
            .update_expression(expression.trim())
            .set_condition_expression(self.condition)
            .set_expression_attribute_names((!self.names.is_empty()).then_some(self.names))
            .set_expression_attribute_values((!self.values.is_empty()).then_some(self.values))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

fn boolean(value: bool) -> AttributeValue {
    AttributeValue::Bool(value)
}

impl UpdateBuilder {
    /// Moves `task` (as read) to the queue of `to`, on the condition that it is still
    /// counted (or not) as read: the backfill cannot count it in between.
    fn move_to_queue(self, task: &DesignTask, to: TaskStatus) -> Self {
        self.set(Index::Gsi3.partition_attribute(), s(status_queue(to)))
            .set(Index::Gsi3.sort_attribute(), s(id_sort_key(task.id)))
            .counted_as(task.queue_counted)
    }

    /// On the condition that the record is counted in its queue's total (or not) as read.
    fn counted_as(self, counted: bool) -> Self {
        let update = self
            .name("#counted", "queue_counted")
            .value(":counted", boolean(true));
        if counted {
            update.and_condition("#counted = :counted")
        } else {
            update.and_condition("(attribute_not_exists(#counted) OR #counted <> :counted)")
        }
    }

    /// On the condition that the process is still in `state`.
    fn in_state(self, state: State) -> Self {
        self.name("#step", "step_id")
            .name("#refused", "refused")
            .name("#eliminated", "eliminated")
            .value(":step", n(state.step.id()))
            .value(":refused", boolean(state.refused))
            .value(":eliminated", boolean(state.eliminated))
            .and_condition("#step = :step AND #refused = :refused AND #eliminated = :eliminated")
    }
}

impl Store {
    /// The total steps of `task` (as read) leaving `from` for `to`: none for a task not yet
    /// counted.
    fn requeue_totals(
        &self,
        task: &DesignTask,
        from: TaskStatus,
        to: TaskStatus,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        if !task.queue_counted {
            return Ok(Vec::new());
        }
        Ok(vec![
            self.add_to_total(&status_total(from), -1)?,
            self.add_to_total(&status_total(to), 1)?,
        ])
    }
}

impl Store {
    /// Task `id`, if published.
    pub async fn design_task(&self, id: u64) -> Result<Option<DesignTask>, ApiError> {
        self.get(&task_key(id)).await
    }

    /// Stores a new task and counts it in its customer's list.
    pub async fn create_design_task(&self, task: &DesignTask) -> Result<(), ApiError> {
        let at = task_key(task.id)
            .with(
                Index::Gsi2,
                customer_list(task.customer_id),
                id_sort_key(task.id),
            )
            .with(Index::Gsi3, status_queue(task.status), id_sort_key(task.id));
        let mut steps = vec![
            self.put_new_step(&at, task)?,
            self.add_to_total(&customer_list(task.customer_id), 1)?,
        ];
        if task.queue_counted {
            steps.push(self.add_to_total(&status_total(task.status), 1)?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// Writes the audit of a pending task: `to` is Open (it joins the open list) or
    /// Refused; 10009 when it is no longer pending.
    pub async fn audit_design_task(
        &self,
        task: &DesignTask,
        to: TaskStatus,
        reason: Option<String>,
    ) -> Result<(), ApiError> {
        let mut update = UpdateBuilder::new()
            .set("status", n(u8::from(to)))
            .name("#status", "status")
            .value(":pending", n(u8::from(TaskStatus::PendingAudit)))
            .condition("#status = :pending")
            .move_to_queue(task, to);
        if let Some(reason) = reason {
            update = update.set("reason", s(reason));
        }
        let mut steps = self.requeue_totals(task, TaskStatus::PendingAudit, to)?;
        if to == TaskStatus::Open {
            update = update
                .set(Index::Gsi1.partition_attribute(), s(OPEN_TASKS))
                .set(Index::Gsi1.sort_attribute(), s(id_sort_key(task.id)));
            steps.push(self.add_to_total(OPEN_TOTAL, 1)?);
        }
        steps.insert(0, update.build(self.table(), &task_key(task.id))?);
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// Creates `process` on `task` (read as given): takes a slot if the task is still as
    /// read (open, same number taken), appends the designer and `summary` to the task's
    /// lists, leaves the open list with its last slot, and stores the process unless this
    /// designer already has one. 10009 otherwise.
    pub async fn grab_design_task(
        &self,
        task: &DesignTask,
        process: &Process,
        summary: &ProcessSummary,
    ) -> Result<(), ApiError> {
        let filled = task.taken + 1 >= task.slots;
        let mut update = UpdateBuilder::new()
            .set("taken", n(task.taken + 1))
            .set_expression("designers = list_append(designers, :me)")
            .value(":me", AttributeValue::L(vec![n(process.designer_id)]))
            // Tasks stored before the task listed its processes have no such list yet.
            .set_expression("processes = list_append(if_not_exists(processes, :none), :summary)")
            .value(":none", AttributeValue::L(Vec::new()))
            .value(":summary", AttributeValue::L(vec![to_value(summary)?]))
            .set_expression("companies = list_append(if_not_exists(companies, :none), :company)")
            .value(
                ":company",
                AttributeValue::L(process.company_id.into_iter().map(n).collect()),
            )
            .name("#status", "status")
            .name("#taken", "taken")
            .value(":open", n(u8::from(TaskStatus::Open)))
            .value(":taken", n(task.taken))
            .condition("#status = :open AND #taken = :taken");
        if filled {
            update = update
                .remove(Index::Gsi1.partition_attribute())
                .remove(Index::Gsi1.sort_attribute());
        }
        let mut at = process_key(task.id, process.designer_id).with(
            Index::Gsi2,
            designer_list(process.designer_id),
            id_sort_key(task.id),
        );
        if let Some(company_id) = process.company_id {
            at = at.with(
                Index::Gsi3,
                company_list(company_id),
                format!(
                    "{}#{}",
                    id_sort_key(task.id),
                    id_sort_key(process.designer_id)
                ),
            );
        }
        let mut steps = vec![
            update.build(self.table(), &task_key(task.id))?,
            self.put_new_step(&at, process)?,
            self.add_to_total(&designer_list(process.designer_id), 1)?,
        ];
        if let Some(company_id) = process.company_id {
            steps.push(self.add_to_total(&company_list(company_id), 1)?);
        }
        if filled {
            steps.push(self.add_to_total(OPEN_TOTAL, -1)?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// The head of the process of `designer_id` on `task_id`.
    pub async fn design_process(
        &self,
        task_id: u64,
        designer_id: u64,
    ) -> Result<Option<Process>, ApiError> {
        self.get(&process_key(task_id, designer_id)).await
    }

    /// The process and its uploads, in one Query of its partition.
    pub async fn design_process_with_steps(
        &self,
        task_id: u64,
        designer_id: u64,
    ) -> Result<Option<(Process, Vec<StepItem>)>, ApiError> {
        let output = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", s(process_partition(task_id, designer_id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        let mut head = None;
        let mut steps = Vec::new();
        for item in output.items.unwrap_or_default() {
            let is_head = matches!(item.get("SK"), Some(AttributeValue::S(sk)) if sk == PROCESS_SK);
            if is_head {
                head = Some(from_item::<Process>(item)?);
            } else {
                steps.push(from_item::<StepItem>(item)?);
            }
        }
        Ok(head.map(|head| (head, steps)))
    }

    /// Writes a process's transition in one transaction: the head, conditioned on the
    /// state it was decided on; the upload; and the task's part. 10009 when anything
    /// changed since it was read.
    pub async fn write_design_step(&self, write: StepWrite<'_>) -> Result<(), ApiError> {
        let process = write.process;
        let from = process.state();
        let mut head = UpdateBuilder::new()
            .set("step_id", n(write.next.step.id()))
            .set("refused", boolean(write.next.refused))
            .set("eliminated", boolean(write.next.eliminated))
            .in_state(from);
        if let Some((attribute, user)) = write.actor {
            head = head
                .name("#actor", attribute)
                .value(":actor", n(user))
                .and_condition("#actor = :actor");
        }
        if let Some(step) = write.timed {
            head = head
                .set_expression("#times.#timed = :now")
                .name("#times", "times")
                .name("#timed", &Process::time_key(step))
                .value(":now", n(write.now));
        }
        if let Some(vr_url) = write.vr_url {
            head = head.set("vr_url", s(vr_url));
        }
        head = match write.reason {
            ReasonChange::Keep => head,
            ReasonChange::Set(reason) => head.set("reason", s(reason)),
            ReasonChange::Remove => head.remove("#reason").name("#reason", "reason"),
        };
        let (left, joined) = (audit_queue(process, from), audit_queue(process, write.next));
        let mut totals = Vec::new();
        match (&joined, &write.upload) {
            (Some(queue), Some(upload)) => head = head.enqueue(process, queue.clone(), upload)?,
            (None, _) if left.is_some() => head = head.dequeue(process),
            _ => {}
        }
        if process.queue_counted && left != joined {
            totals.extend(left.map(|queue| (queue, -1)));
            totals.extend(joined.map(|queue| (queue, 1)));
        }
        let mut steps = vec![head.build(
            self.table(),
            &process_key(process.task_id, process.designer_id),
        )?];
        if let Some(upload) = &write.upload {
            let at = step_key(process.task_id, process.designer_id, upload.step_id);
            steps.push(self.put_step(&at, upload)?);
        }
        match write.task {
            TaskEffect::None => {}
            TaskEffect::FirstDraftChosen(task, others) => {
                let mut update = UpdateBuilder::new()
                    .set("status", n(u8::from(TaskStatus::InProgress)))
                    .name("#status", "status")
                    .name("#taken", "taken")
                    .value(":open", n(u8::from(TaskStatus::Open)))
                    .value(":taken", n(task.taken))
                    .condition("#status = :open AND #taken = :taken")
                    .move_to_queue(task, TaskStatus::InProgress);
                steps.extend(self.requeue_totals(
                    task,
                    TaskStatus::Open,
                    TaskStatus::InProgress,
                )?);
                if task.is_open() {
                    update = update
                        .remove(Index::Gsi1.partition_attribute())
                        .remove(Index::Gsi1.sort_attribute());
                    steps.push(self.add_to_total(OPEN_TOTAL, -1)?);
                }
                steps.push(update.build(self.table(), &task_key(task.id))?);
                for other in others
                    .iter()
                    .filter(|o| o.designer_id != process.designer_id)
                {
                    let mut eliminate = UpdateBuilder::new()
                        .set("eliminated", boolean(true))
                        .in_state(other.state());
                    if let Some(queue) = audit_queue(other, other.state()) {
                        eliminate = eliminate.dequeue(other);
                        if other.queue_counted {
                            totals.push((queue, -1));
                        }
                    }
                    let at = process_key(task.id, other.designer_id);
                    steps.push(eliminate.build(self.table(), &at)?);
                }
            }
            TaskEffect::Completed(task) => {
                let update = UpdateBuilder::new()
                    .set("status", n(u8::from(TaskStatus::Done)))
                    .name("#status", "status")
                    .value(":progress", n(u8::from(TaskStatus::InProgress)))
                    .condition("#status = :progress")
                    .move_to_queue(task, TaskStatus::Done);
                steps.extend(self.requeue_totals(
                    task,
                    TaskStatus::InProgress,
                    TaskStatus::Done,
                )?);
                steps.push(update.build(self.table(), &task_key(task.id))?);
            }
        }
        steps.extend(self.merged_totals(totals)?);
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// One total step per total named in `changes` (a transaction writes an item once).
    fn merged_totals(
        &self,
        changes: Vec<(String, i64)>,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut merged: BTreeMap<String, i64> = BTreeMap::new();
        for (name, delta) in changes {
            *merged.entry(name).or_default() += delta;
        }
        merged
            .iter()
            .filter(|(_, delta)| **delta != 0)
            .map(|(name, delta)| self.add_to_total(name, *delta))
            .collect()
    }

    fn put_step(&self, at: &ItemKey, upload: &StepItem) -> Result<TransactWriteItem, ApiError> {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(self.table())
            .set_item(Some(at.item(upload)?))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// One page of open tasks (status 1 with a free slot), newest first.
    pub async fn open_design_tasks(&self, query: PageQuery) -> Result<Page<DesignTask>, ApiError> {
        let (total, tasks) = tokio::try_join!(
            self.total(OPEN_TOTAL),
            self.query_partition::<DesignTask>(Some(Index::Gsi1), OPEN_TASKS, false, query.end()),
        )?;
        Ok(Page::new(query, total, query.slice(tasks)))
    }

    /// One page of `owner`'s tasks, newest first.
    pub async fn owned_design_tasks(
        &self,
        owner: TaskOwner,
        query: PageQuery,
    ) -> Result<Page<DesignTask>, ApiError> {
        let (list, index) = match owner {
            TaskOwner::Customer(id) => (customer_list(id), Index::Gsi2),
            TaskOwner::Designer(id) => (designer_list(id), Index::Gsi2),
            TaskOwner::Company(id) => (company_list(id), Index::Gsi3),
        };
        if let TaskOwner::Customer(_) = owner {
            let (total, tasks) = tokio::try_join!(
                self.total(&list),
                self.query_partition::<DesignTask>(Some(index), &list, false, query.end()),
            )?;
            return Ok(Page::new(query, total, query.slice(tasks)));
        }
        let (total, processes) = tokio::try_join!(
            self.total(&list),
            self.query_partition::<Process>(Some(index), &list, false, query.end()),
        )?;
        let processes = query.slice(processes);
        let keys: Vec<ItemKey> = processes.iter().map(|p| task_key(p.task_id)).collect();
        let found: Vec<DesignTask> = self.batch_get(&keys).await?;
        let tasks = processes
            .iter()
            .filter_map(|p| found.iter().find(|task| task.id == p.task_id).cloned())
            .collect();
        Ok(Page::new(query, total, tasks))
    }

    /// `GET /v1/admin/design/tasks?status=`: a page of the tasks in `status`, newest first
    /// (one Query on GSI3 and the total's GetItem, concurrently).
    pub async fn design_tasks_in(
        &self,
        status: TaskStatus,
        query: PageQuery,
    ) -> Result<Page<DesignTask>, ApiError> {
        let (total_name, partition) = (status_total(status), status_queue(status));
        let (total, tasks) = tokio::try_join!(
            self.total(&total_name),
            self.query_partition::<DesignTask>(Some(Index::Gsi3), &partition, false, query.end()),
        )?;
        Ok(Page::new(query, total, query.slice(tasks)))
    }

    /// Counts design task `id` (if stored before the queues) in its status's queue: its
    /// queue key, flag and total in one transaction conditioned on the status read and on
    /// it not being counted yet; `false` when it was (or is gone).
    pub async fn count_design_task_in_queue(&self, id: u64) -> Result<bool, ApiError> {
        retry(
            || async move {
                let Some(task) = self.design_task(id).await? else {
                    return Ok(Some(false));
                };
                if task.queue_counted {
                    return Ok(Some(false));
                }
                let update = UpdateBuilder::new()
                    .set("queue_counted", boolean(true))
                    .name("#status", "status")
                    .value(":status", n(u8::from(task.status)))
                    .condition("#status = :status")
                    .move_to_queue(&task, task.status);
                let steps = vec![
                    update.build(self.table(), &task_key(id))?,
                    self.add_to_total(&status_total(task.status), 1)?,
                ];
                self.count_in(steps).await
            },
            ApiError::OperationFailed,
        )
        .await
    }

    /// Writes a backfill's `steps`: `Some(true)` once written, `None` when the record moved
    /// or was counted meanwhile (decided again on a fresh read).
    async fn count_in(&self, steps: Vec<TransactWriteItem>) -> Result<Option<bool>, ApiError> {
        match self.transact(steps, |_| ApiError::OperationFailed).await {
            Ok(()) => Ok(Some(true)),
            Err(ApiError::OperationFailed) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The stored step configuration, if any.
    pub async fn step_catalog(&self) -> Result<Option<StepCatalogRecord>, ApiError> {
        self.get(&catalog_key()).await
    }

    /// Stores the step configuration (replacing any).
    pub async fn save_step_catalog(&self, record: &StepCatalogRecord) -> Result<(), ApiError> {
        self.put(&catalog_key(), record).await
    }
}
