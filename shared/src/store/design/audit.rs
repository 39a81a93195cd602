//! The design audit queues: a process whose upload waits for an audit sits on GSI1 in its
//! auditor's partition, `DAUDIT#PLATFORM` (steps 5, 10, 12) or `DAUDIT#COMPANY#{company}`
//! (steps 2, 7), with `GSI1SK = {upload time:020}#{process:020}` and the upload as
//! `pending`; each partition is counted in `total#{partition}`.

use super::{boolean, process_key, UpdateBuilder};
use crate::design::process::{Process, StepItem};
use crate::design::workflow::{Actor, State};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::store::aggregate::retry;
use crate::store::{id_sort_key, s, to_value, Index, ItemKey, Store};

const PLATFORM_AUDITS: &str = "DAUDIT#PLATFORM";

/// The audit queue partition (and total) of the processes waiting for `company`'s audit.
fn company_audits(company_id: u64) -> String {
    format!("DAUDIT#COMPANY#{company_id}")
}

/// The audit queue `process` sits in when in `state`, if any.
pub(super) fn audit_queue(process: &Process, state: State) -> Option<String> {
    match state.awaited_auditor()? {
        Actor::Admin => Some(PLATFORM_AUDITS.to_owned()),
        Actor::Company => process.company_id.map(company_audits),
        Actor::Designer | Actor::Customer => None,
    }
}

/// Where an upload sits in its audit queue: newest upload first, then newest process.
fn audit_sort_key(process: &Process, upload: &StepItem) -> String {
    let time = u64::try_from(upload.time).unwrap_or_default();
    format!("{}#{}", id_sort_key(time), id_sort_key(process.id))
}

/// Whose audits an audit queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auditor {
    /// The platform: deposit, retainage and CAD delivery vouchers.
    Platform,
    /// A design company: its designers' first and final drafts.
    Company(u64),
}

impl UpdateBuilder {
    /// Puts `process` (as read) in audit queue `partition` with `upload` pending.
    pub(super) fn enqueue(
        self,
        process: &Process,
        partition: String,
        upload: &StepItem,
    ) -> Result<Self, ApiError> {
        Ok(self
            .set(Index::Gsi1.partition_attribute(), s(partition))
            .set(
                Index::Gsi1.sort_attribute(),
                s(audit_sort_key(process, upload)),
            )
            .set("pending", to_value(upload)?)
            .counted_as(process.queue_counted))
    }

    /// Takes `process` (as read) out of its audit queue.
    pub(super) fn dequeue(self, process: &Process) -> Self {
        self.remove(Index::Gsi1.partition_attribute())
            .remove(Index::Gsi1.sort_attribute())
            .remove("pending")
            .counted_as(process.queue_counted)
    }
}

impl Store {
    /// The heads of the processes of `designers` on `task_id` (one BatchGetItem).
    pub async fn design_processes(
        &self,
        task_id: u64,
        designers: &[u64],
    ) -> Result<Vec<Process>, ApiError> {
        let keys: Vec<ItemKey> = designers
            .iter()
            .map(|designer| process_key(task_id, *designer))
            .collect();
        self.batch_get(&keys).await
    }

    /// A page of the processes waiting for `auditor`'s audit, newest upload first (one
    /// Query on GSI1 and the total's GetItem, concurrently).
    pub async fn design_audits(
        &self,
        auditor: Auditor,
        query: PageQuery,
    ) -> Result<Page<Process>, ApiError> {
        let partition = match auditor {
            Auditor::Platform => PLATFORM_AUDITS.to_owned(),
            Auditor::Company(id) => company_audits(id),
        };
        let (total, processes) = tokio::try_join!(
            self.total(&partition),
            self.query_partition::<Process>(Some(Index::Gsi1), &partition, false, query.end()),
        )?;
        Ok(Page::new(query, total, query.slice(processes)))
    }

    /// Counts the process of `designer_id` on `task_id` (if stored before the audit
    /// queues): takes the task's snapshot into it, puts it in its audit queue when it waits
    /// for an audit (its upload pending) and counts it there, in one transaction
    /// conditioned on the state read and on it not being counted yet; `false` when it was
    /// (or is gone).
    pub async fn count_design_process_in_queue(
        &self,
        task_id: u64,
        designer_id: u64,
    ) -> Result<bool, ApiError> {
        retry(
            || async move {
                let Some((process, uploads)) =
                    self.design_process_with_steps(task_id, designer_id).await?
                else {
                    return Ok(Some(false));
                };
                if process.queue_counted {
                    return Ok(Some(false));
                }
                let task = self.design_task(task_id).await?;
                let mut update = UpdateBuilder::new()
                    .set("queue_counted", boolean(true))
                    .in_state(process.state());
                if let Some(task) = task.filter(|_| process.designer.is_none()) {
                    let designer = task
                        .processes
                        .iter()
                        .find(|summary| summary.designer_id == designer_id)
                        .map(|summary| summary.designer.clone());
                    update = update
                        .set("title", s(task.title))
                        .set("customer", to_value(&task.customer)?);
                    if let Some(designer) = designer {
                        update = update.set("designer", to_value(&designer)?);
                    }
                }
                let queue = audit_queue(&process, process.state());
                let upload = uploads.iter().find(|item| item.step_id == process.step_id);
                let mut steps = Vec::new();
                if let (Some(queue), Some(upload)) = (queue, upload) {
                    update = update.enqueue(&process, queue.clone(), upload)?;
                    steps.push(self.add_to_total(&queue, 1)?);
                }
                steps.insert(
                    0,
                    update.build(self.table(), &process_key(task_id, designer_id))?,
                );
                self.count_in(steps).await
            },
            ApiError::OperationFailed,
        )
        .await
    }
}
