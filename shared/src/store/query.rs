//! Queries over a range of one partition: the list reads of every aggregate.

use serde::de::DeserializeOwned;

use super::{from_item, s, sdk_error, Index, Item, Store};
use crate::error::ApiError;

/// Which part of a partition a Query reads.
#[derive(Debug, Clone)]
pub enum KeyRange {
    /// The whole partition.
    Any,
    /// Sort keys starting with the text.
    BeginsWith(String),
    /// Sort keys below the text.
    Below(String),
    /// Sort keys from the text up.
    AtLeast(String),
}

impl KeyRange {
    fn expression(&self) -> &'static str {
        match self {
            KeyRange::Any => "#pk = :pk",
            KeyRange::BeginsWith(_) => "#pk = :pk AND begins_with(#sk, :sk)",
            KeyRange::Below(_) => "#pk = :pk AND #sk < :sk",
            KeyRange::AtLeast(_) => "#pk = :pk AND #sk >= :sk",
        }
    }

    fn value(&self) -> Option<&str> {
        match self {
            KeyRange::Any => None,
            KeyRange::BeginsWith(v) | KeyRange::Below(v) | KeyRange::AtLeast(v) => Some(v),
        }
    }
}

impl Store {
    /// Reads up to `limit` items of a range of one partition of the table (`index =
    /// None`, strongly consistent) or of an index, in sort-key order (`forward`) or
    /// reverse, following DynamoDB's 1 MB pages.
    pub async fn query_range<T: DeserializeOwned>(
        &self,
        index: Option<Index>,
        partition: &str,
        range: KeyRange,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let remaining = limit.saturating_sub(items.len());
            if remaining == 0 {
                break;
            }
            let output = self
                .range_query(index, partition, &range)
                .scan_index_forward(forward)
                .limit(i32::try_from(remaining).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in output.items.unwrap_or_default() {
                items.push(from_item(item)?);
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(items)
    }

    fn range_query(
        &self,
        index: Option<Index>,
        partition: &str,
        range: &KeyRange,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let (pk, sk) = index.map_or(("PK", "SK"), |i| {
            (i.partition_attribute(), i.sort_attribute())
        });
        let query = self
            .client()
            .query()
            .table_name(self.table())
            .set_index_name(index.map(|i| i.name().to_owned()))
            .key_condition_expression(range.expression())
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", s(partition))
            .consistent_read(index.is_none());
        match range.value() {
            Some(value) => query
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":sk", s(value)),
            None => query,
        }
    }
}
