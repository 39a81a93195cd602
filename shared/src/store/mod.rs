//! The single-table store: one DynamoDB table, keys `PK`/`SK`, overloaded `GSI1PK`/`GSI1SK`.
//!
//! Every request path uses GetItem, Query, BatchGetItem, conditional writes or
//! TransactWriteItems — never Scan. A failed condition becomes the caller's error code.
//! The access patterns are listed in `docs/storage.md`.

pub mod backfill;
pub mod batch;
pub mod categories;
pub mod credentials;
pub mod design;
pub mod files;
pub mod legacy;
pub mod mobilization;
pub mod query;
pub mod quotas;
pub mod throttle;
pub mod users;

pub mod aggregate;
pub mod orders;
pub mod ratings;
pub mod refunds;
pub mod services;

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, Put, ReturnValue, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

/// A DynamoDB item as the SDK sees it.
pub type Item = HashMap<String, AttributeValue>;

/// Partition of the counter items (ids and list totals).
const COUNTER_PK: &str = "COUNTER";

/// The table and the client that reaches it, built once per cold start.
#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
}

/// Where a record lives: its table key and, when listed through indexes, its index keys.
/// Records themselves carry no key attributes; [`ItemKey::item`] merges them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    /// `PK`.
    pub pk: String,
    /// `SK`.
    pub sk: String,
    /// Index keys, by index: (`GSInPK`, `GSInSK`).
    pub indexes: Vec<(Index, String, String)>,
}

impl ItemKey {
    /// A record at `PK = pk`, `SK = sk`.
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        ItemKey {
            pk: pk.into(),
            sk: sk.into(),
            indexes: Vec::new(),
        }
    }

    /// The same record, also listed in `index` under partition `pk`, ordered by `sk`.
    pub fn with(mut self, index: Index, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.indexes.retain(|(existing, _, _)| *existing != index);
        self.indexes.push((index, pk.into(), sk.into()));
        self
    }

    /// The table key alone.
    pub fn key(&self) -> Item {
        key(self.pk.clone(), self.sk.clone())
    }

    /// `record` encoded as an item stored under this key.
    pub fn item<T: Serialize>(&self, record: &T) -> Result<Item, ApiError> {
        let mut item = to_item(record)?;
        item.extend(self.key());
        for (index, pk, sk) in &self.indexes {
            item.insert(index.partition_attribute().to_owned(), s(pk.clone()));
            item.insert(index.sort_attribute().to_owned(), s(sk.clone()));
        }
        Ok(item)
    }
}

/// Builds the `PK`/`SK` key of an item.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([
        ("PK".to_owned(), AttributeValue::S(pk.into())),
        ("SK".to_owned(), AttributeValue::S(sk.into())),
    ])
}

/// A string attribute value.
pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute value.
pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Sort key of a numeric id that sorts like the number (zero-padded to 20 digits).
pub fn id_sort_key(id: u64) -> String {
    format!("{id:020}")
}

fn sdk_error(error: impl std::error::Error) -> ApiError {
    ApiError::Internal(format!(
        "dynamodb: {}",
        aws_smithy_types::error::display::DisplayErrorContext(error)
    ))
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, ApiError> {
    serde_dynamo::from_item(item)
        .map_err(|error| ApiError::internal(format!("decode item: {error}")))
}

/// Encodes a value as one attribute value (enums as their serialized names).
pub fn to_value<T: Serialize>(value: &T) -> Result<AttributeValue, ApiError> {
    serde_dynamo::to_attribute_value(value)
        .map_err(|error| ApiError::internal(format!("encode value: {error}")))
}

/// Encodes a value as an item.
pub fn to_item<T: Serialize>(value: &T) -> Result<Item, ApiError> {
    serde_dynamo::to_item(value)
        .map_err(|error| ApiError::internal(format!("encode item: {error}")))
}

impl Store {
    /// A store over `table` reached through `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Store {
            client,
            table: table.into(),
        }
    }

    /// The SDK client, for calls the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Reads one record by key (strongly consistent).
    pub async fn get<T: DeserializeOwned>(&self, at: &ItemKey) -> Result<Option<T>, ApiError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(at.key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        output.item.map(from_item).transpose()
    }

    /// Writes a new record at `at`; if one exists there, fails with `conflict`.
    pub async fn put_new<T: Serialize>(
        &self,
        at: &ItemKey,
        record: &T,
        conflict: ApiError,
    ) -> Result<(), ApiError> {
        self.put_if(at, record, "attribute_not_exists(PK)", &[], conflict)
            .await
    }

    /// Writes the record at `at`, creating or replacing it (no condition).
    pub async fn put<T: Serialize>(&self, at: &ItemKey, record: &T) -> Result<(), ApiError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(at.item(record)?))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// Rewrites the record at `at`; if none is there, fails with `missing`.
    pub async fn replace<T: Serialize>(
        &self,
        at: &ItemKey,
        record: &T,
        missing: ApiError,
    ) -> Result<(), ApiError> {
        self.put_if(at, record, "attribute_exists(PK)", &[], missing)
            .await
    }

    /// Writes `record` at `at` if `condition` (with its `:name` values) holds; else `failed`.
    pub(crate) async fn put_if<T: Serialize>(
        &self,
        at: &ItemKey,
        record: &T,
        condition: &str,
        values: &[(&str, AttributeValue)],
        failed: ApiError,
    ) -> Result<(), ApiError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(at.item(record)?))
            .condition_expression(condition);
        for (name, value) in values {
            put = put.expression_attribute_values(*name, value.clone());
        }
        let result = put.send().await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(error))
                if error.err().is_conditional_check_failed_exception() =>
            {
                Err(failed)
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// Starts an `UpdateItem` of the record at `at`; finish it with [`Store::apply`].
    pub fn update(&self, at: &ItemKey) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(at.key()))
    }

    /// Sends an update built by [`Store::update`] and returns the record as written; a
    /// failed condition becomes `conflict`.
    pub async fn apply<T: DeserializeOwned>(
        &self,
        update: UpdateItemFluentBuilder,
        conflict: ApiError,
    ) -> Result<T, ApiError> {
        let result = update.return_values(ReturnValue::AllNew).send().await;
        match result {
            Ok(output) => from_item(output.attributes.unwrap_or_default()),
            Err(SdkError::ServiceError(error))
                if error.err().is_conditional_check_failed_exception() =>
            {
                Err(conflict)
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// The next value of the atomic id counter `name` (1, 2, 3, …).
    pub async fn next_id(&self, name: &str) -> Result<u64, ApiError> {
        self.reserve_ids(name, 1).await
    }

    /// Reserves `count` consecutive ids of counter `name` in one call and answers the
    /// last; the ids are `last - count + 1 ..= last` (bulk imports).
    pub async fn reserve_ids(&self, name: &str, count: u64) -> Result<u64, ApiError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(COUNTER_PK, format!("id#{name}"))))
            .update_expression("ADD #value :count")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":count", n(count))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(sdk_error)?;
        output
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.get("value"))
            .and_then(|value| value.as_n().ok())
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| ApiError::internal("id counter returned no value"))
    }

    /// `count` consecutive values of the atomic id counter `name`, in one call.
    pub async fn next_ids(&self, name: &str, count: usize) -> Result<Vec<u64>, ApiError> {
        let count = count as u64;
        let last = self.reserve_ids(name, count).await?;
        Ok((last + 1 - count..=last).collect())
    }

    /// The current value of the list-total counter `name` (0 when never counted).
    pub async fn total(&self, name: &str) -> Result<u64, ApiError> {
        #[derive(serde::Deserialize)]
        struct Counter {
            value: i64,
        }
        let at = ItemKey::new(COUNTER_PK, format!("total#{name}"));
        let counter: Option<Counter> = self.get(&at).await?;
        Ok(counter.map_or(0, |counter| counter.value.max(0) as u64))
    }

    /// A transaction step that adds `delta` to the list-total counter `name`.
    pub fn add_to_total(&self, name: &str, delta: i64) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(COUNTER_PK, format!("total#{name}"))))
            .update_expression("ADD #value :delta")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":delta", n(delta))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// A transaction step that adds `delta` (≥ 0) to the list-total counter `name` only if
    /// the total stays at most `max`; otherwise the step's condition fails.
    pub fn add_to_total_within(
        &self,
        name: &str,
        delta: u64,
        max: u64,
    ) -> Result<TransactWriteItem, ApiError> {
        let room = max.checked_sub(delta).ok_or_else(|| {
            ApiError::internal(format!("total {name}: {delta} cannot fit within {max}"))
        })?;
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(COUNTER_PK, format!("total#{name}"))))
            .update_expression("ADD #value :delta")
            .condition_expression("attribute_not_exists(#value) OR #value <= :room")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":delta", n(delta))
            .expression_attribute_values(":room", n(room))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// A transaction step that writes a new record at `at`, failing if one exists there.
    pub fn put_new_step<T: Serialize>(
        &self,
        at: &ItemKey,
        record: &T,
    ) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(at.item(record)?))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Runs a transaction. When a step's condition fails (or a concurrent transaction
    /// touched the same items), answers `conflict(index of that step)`.
    pub async fn transact(
        &self,
        steps: Vec<TransactWriteItem>,
        conflict: impl Fn(usize) -> ApiError,
    ) -> Result<(), ApiError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(steps))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(error)) => match error.err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    let reasons = cancelled.cancellation_reasons();
                    let failed = reasons.iter().position(|reason| {
                        matches!(
                            reason.code(),
                            Some("ConditionalCheckFailed" | "TransactionConflict")
                        )
                    });
                    match failed {
                        Some(index) => Err(conflict(index)),
                        None => Err(sdk_error(error.into_err())),
                    }
                }
                _ => Err(sdk_error(error.into_err())),
            },
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// Reads the records at `keys` (any order; missing ones are absent) with BatchGetItem,
    /// 100 keys per call, retrying unprocessed keys.
    pub async fn batch_get<T: DeserializeOwned>(
        &self,
        keys: &[ItemKey],
    ) -> Result<Vec<T>, ApiError> {
        let mut records = Vec::with_capacity(keys.len());
        let mut unique: Vec<Item> = Vec::new();
        for at in keys {
            let key = at.key();
            if !unique.contains(&key) {
                unique.push(key);
            }
        }
        for chunk in unique.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(true)
                    .build()
                    .map_err(ApiError::internal)?,
            );
            let mut rounds = 0;
            while let Some(request) = pending.take() {
                rounds += 1;
                if rounds > 10 {
                    return Err(ApiError::internal("BatchGetItem left keys unprocessed"));
                }
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                let mut responses = output.responses.unwrap_or_default();
                for item in responses.remove(&self.table).unwrap_or_default() {
                    records.push(from_item(item)?);
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .filter(|request| !request.keys().is_empty());
                if pending.is_some() {
                    tokio::time::sleep(std::time::Duration::from_millis(20 * rounds)).await;
                }
            }
        }
        Ok(records)
    }

    /// Reads up to `limit` items of one partition of the table (`index = None`) or of an
    /// index, in sort-key order (`forward`) or reverse, following DynamoDB's 1 MB pages.
    pub async fn query_partition<T: DeserializeOwned>(
        &self,
        index: Option<Index>,
        partition: &str,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<T>, ApiError> {
        self.query_range(index, partition, query::KeyRange::Any, forward, limit)
            .await
    }
}

/// The table's overloaded global secondary indexes (see `template.yaml` and
/// `docs/storage.md` for what each partition prefix holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// `GSI1`: `GSI1PK` / `GSI1SK`.
    Gsi1,
    /// `GSI2`: `GSI2PK` / `GSI2SK`.
    Gsi2,
    /// `GSI3`: `GSI3PK` / `GSI3SK`.
    Gsi3,
}

impl Index {
    /// The index name.
    pub fn name(self) -> &'static str {
        match self {
            Index::Gsi1 => "GSI1",
            Index::Gsi2 => "GSI2",
            Index::Gsi3 => "GSI3",
        }
    }

    /// The index's partition-key attribute.
    pub fn partition_attribute(self) -> &'static str {
        match self {
            Index::Gsi1 => "GSI1PK",
            Index::Gsi2 => "GSI2PK",
            Index::Gsi3 => "GSI3PK",
        }
    }

    /// The index's sort-key attribute.
    pub fn sort_attribute(self) -> &'static str {
        match self {
            Index::Gsi1 => "GSI1SK",
            Index::Gsi2 => "GSI2SK",
            Index::Gsi3 => "GSI3SK",
        }
    }
}
