//! One-shot: counts the services, refunds and ratings stored before the admin queues in the
//! queue tallies and gives them their queue keys (see `docs/storage.md`). Each record is
//! rewritten through its own aggregate write (conditioned on the version read), which
//! flips its `queue_counted` flag and adds it to its status's tally in the same
//! transaction: a record already counted is skipped, so a second run changes nothing and a
//! request racing the run is decided again, never counted twice. An operator runs it once
//! (`backfill-queues`); it scans the table, which no request path does.

use super::{s, sdk_error, Item, Store};
use crate::error::ApiError;

/// What a backfill counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backfilled {
    /// Services now in their queue.
    pub services: usize,
}

/// The id of a main item's `PK` `{prefix}{id}`.
fn id_of(item: &Item, prefix: &str) -> Option<u64> {
    item.get("PK")?
        .as_s()
        .ok()?
        .strip_prefix(prefix)?
        .parse()
        .ok()
}

impl Store {
    /// Counts every record not yet in its admin queue (see the module).
    pub async fn backfill_queues(&self) -> Result<Backfilled, ApiError> {
        let mut done = Backfilled::default();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression(
                    "SK = :service AND (attribute_not_exists(queue_counted) OR queue_counted = :no)",
                )
                .expression_attribute_values(":service", s("SERVICE"))
                .expression_attribute_values(
                    ":no",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(false),
                )
                .projection_expression("PK, SK")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in page.items.unwrap_or_default() {
                if let Some(id) = id_of(&item, "SERVICE#") {
                    if self.count_service_in_queue(id).await? {
                        done.services += 1;
                    }
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(done)
    }
}
