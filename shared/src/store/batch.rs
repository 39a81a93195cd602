//! Bulk writes: BatchWriteItem, 25 items per call, a bounded number of calls in flight,
//! unprocessed items retried with backoff. Used where one request fans out to thousands
//! of items (a directory import, a task's assignments).

use std::time::Duration;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::{sdk_error, Item, Store};
use crate::error::ApiError;

/// Items per BatchWriteItem call (DynamoDB's limit).
pub const BATCH_WRITE_SIZE: usize = 25;

/// Calls in flight at once: enough to hide latency, few enough not to throttle a table
/// that started cold.
pub const BATCH_WRITE_PARALLELISM: usize = 16;

/// Rounds of retrying unprocessed items before giving up.
const MAX_ROUNDS: u32 = 12;

impl Store {
    /// Writes `items` (unconditional puts) and answers how many were written.
    pub async fn batch_put(&self, items: Vec<Item>) -> Result<usize, ApiError> {
        let total = items.len();
        let mut chunks = Vec::with_capacity(total.div_ceil(BATCH_WRITE_SIZE));
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            chunks.push(items.by_ref().take(BATCH_WRITE_SIZE).collect::<Vec<_>>());
        }
        stream::iter(chunks.into_iter().map(|chunk| self.write_chunk(chunk)))
            .buffer_unordered(BATCH_WRITE_PARALLELISM)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(total)
    }

    async fn write_chunk(&self, chunk: Vec<Item>) -> Result<(), ApiError> {
        let mut pending = chunk
            .into_iter()
            .map(|item| {
                PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map(|put| WriteRequest::builder().put_request(put).build())
                    .map_err(ApiError::internal)
            })
            .collect::<Result<Vec<_>, _>>()?;
        for round in 0..MAX_ROUNDS {
            if round > 0 {
                let backoff = 25u64 << round.min(6);
                tokio::time::sleep(Duration::from_millis(backoff)).await;
            }
            let output = self
                .client()
                .batch_write_item()
                .request_items(self.table(), pending)
                .send()
                .await
                .map_err(sdk_error)?;
            pending = output
                .unprocessed_items
                .and_then(|mut unprocessed| unprocessed.remove(self.table()))
                .unwrap_or_default();
            if pending.is_empty() {
                return Ok(());
            }
        }
        Err(ApiError::internal("BatchWriteItem left items unprocessed"))
    }
}
