//! One-shot: counts the services, refunds, ratings, design tasks and design processes stored
//! before the admin queues in the queue tallies and gives them their queue keys (see
//! `docs/storage.md`). Each record is
//! rewritten through its own aggregate write (conditioned on the version read), which
//! flips its `queue_counted` flag and adds it to its status's tally in the same
//! transaction: a record already counted is skipped, so a second run changes nothing and a
//! request racing the run is decided again, never counted twice. An operator runs it once
//! (`backfill-queues`); it scans the table, which no request path does.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use super::aggregate::{retry, Aggregate};
use super::{s, sdk_error, Item, ItemKey, Store};
use crate::error::ApiError;
use crate::rating::Rating;
use crate::refund::Refund;
use crate::service::Service;

/// An aggregate listed in an admin queue and counted in its tally once flagged.
pub trait Queued: Aggregate + DeserializeOwned + Clone {
    /// `SK` of the main item (its `PK` is `{MAIN_SK}#{id}`).
    const MAIN_SK: &'static str;

    /// Where record `id` is read.
    fn main_key(id: u64) -> ItemKey;

    /// The record flagged as counted, with its version bumped; `None` when it is already.
    fn counted(&self) -> Option<Self>;
}

/// What a backfill counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backfilled {
    /// Services now in their queue.
    pub services: usize,
    /// Refunds now in their queue.
    pub refunds: usize,
    /// Ratings now in their queue.
    pub ratings: usize,
    /// Design tasks now in their queue.
    pub design_tasks: usize,
    /// Design processes now counted (in their audit queue when waiting for an audit).
    pub design_processes: usize,
}

/// What follows `{prefix}#` in a main item's `PK`.
fn key_rest<'a>(item: &'a Item, prefix: &str) -> Option<&'a str> {
    item.get("PK")?
        .as_s()
        .ok()?
        .strip_prefix(prefix)?
        .strip_prefix('#')
}

/// The id of a main item's `PK` `{prefix}#{id}`.
fn id_of(rest: &str) -> Option<u64> {
    rest.parse().ok()
}

/// The task and designer ids of a process head's `PK` `DPROC#{task}#{designer}`.
fn process_ids(rest: &str) -> Option<(u64, u64)> {
    let (task, designer) = rest.split_once('#')?;
    Some((task.parse().ok()?, designer.parse().ok()?))
}

impl Store {
    /// Counts every record not yet in its admin queue (see the module).
    pub async fn backfill_queues(&self) -> Result<Backfilled, ApiError> {
        Ok(Backfilled {
            services: self.backfill::<Service>().await?,
            refunds: self.backfill::<Refund>().await?,
            ratings: self.backfill::<Rating>().await?,
            design_tasks: self.backfill_design_tasks().await?,
            design_processes: self.backfill_design_processes().await?,
        })
    }

    async fn backfill<A: Queued>(&self) -> Result<usize, ApiError> {
        self.backfill_scan(A::MAIN_SK, "", id_of, |id| self.count_in_queue::<A>(id))
            .await
    }

    async fn backfill_design_tasks(&self) -> Result<usize, ApiError> {
        self.backfill_scan("TASK", "DTASK", id_of, |id| {
            self.count_design_task_in_queue(id)
        })
        .await
    }

    async fn backfill_design_processes(&self) -> Result<usize, ApiError> {
        self.backfill_scan("PROCESS", "DPROC", process_ids, |(task, designer)| {
            self.count_design_process_in_queue(task, designer)
        })
        .await
    }

    /// Scans for main items `SK = sk` not yet counted and counts each (by what `parse`
    /// reads of its `PK` `{prefix or sk}#{rest}`) with `count`.
    async fn backfill_scan<K, F, Fut>(
        &self,
        sk: &str,
        prefix: &str,
        parse: fn(&str) -> Option<K>,
        count: F,
    ) -> Result<usize, ApiError>
    where
        F: Fn(K) -> Fut,
        Fut: std::future::Future<Output = Result<bool, ApiError>>,
    {
        let prefix = if prefix.is_empty() { sk } else { prefix };
        let mut counted = 0;
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression(
                    "SK = :sk AND (attribute_not_exists(queue_counted) OR queue_counted = :no)",
                )
                .expression_attribute_values(":sk", s(sk))
                .expression_attribute_values(":no", AttributeValue::Bool(false))
                .projection_expression("PK")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in page.items.unwrap_or_default() {
                if let Some(id) = key_rest(&item, prefix).and_then(parse) {
                    if count(id).await? {
                        counted += 1;
                    }
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(counted)
    }

    /// Flags record `id` as counted, writing its queue key and tally in one transaction
    /// conditioned on the version read; `false` when it was counted already (or is gone).
    async fn count_in_queue<A: Queued>(&self, id: u64) -> Result<bool, ApiError> {
        retry(
            || async move {
                let Some(record) = self.get::<A>(&A::main_key(id)).await? else {
                    return Ok(Some(false));
                };
                let Some(next) = record.counted() else {
                    return Ok(Some(false));
                };
                let mut txn = self.txn();
                txn.write(Some(&record), &next)?;
                Ok(txn.commit().await?.then_some(true))
            },
            ApiError::OperationFailed,
        )
        .await
    }
}
