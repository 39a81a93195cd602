//! Versioned aggregates, tallies and the optimistic write loop the marketplace is built on.
//!
//! An aggregate (service, order, refund, rating) is stored as whole-item copies of one
//! record: the main item, read by id, and copies that carry other index keys (one item can
//! sit in at most three GSI partitions; a list needs its own partition per filter). Every
//! write of an aggregate is one transaction that
//! - puts the main item conditioned on the version that was read (or on its absence),
//! - puts the copies,
//! - adjusts the counters the record is tallied in (list totals and status counts), by the
//!   difference between the old and the new record's tallies.
//!
//! Two racing writers cannot both win: the loser's condition fails (or DynamoDB reports a
//! transaction conflict), and [`retry`] runs the read-decide-write again, so the loser
//! decides on the winner's state and answers the seed's error for it.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{key, n, Index, ItemKey, Store};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};

/// Partition of the tally items.
const COUNTER_PK: &str = "COUNTER";

/// How many times a write is decided again after losing a race.
const MAX_ATTEMPTS: u32 = 12;

/// A record stored as versioned copies and counted in tallies.
pub trait Aggregate: Serialize {
    /// Where the record is stored in its current state: the main item first, then copies.
    /// Index keys that do not apply in this state are left out (sparse indexes).
    fn keys(&self) -> Vec<ItemKey>;

    /// The (counter, field) pairs that count this record in its current state.
    fn tallies(&self) -> Vec<(String, String)>;

    /// The version stored with the record.
    fn version(&self) -> u64;
}

/// One transaction under construction.
pub struct Txn<'a> {
    store: &'a Store,
    steps: Vec<TransactWriteItem>,
    deltas: BTreeMap<String, BTreeMap<String, i64>>,
}

impl Store {
    /// A new, empty transaction.
    pub fn txn(&self) -> Txn<'_> {
        Txn {
            store: self,
            steps: Vec::new(),
            deltas: BTreeMap::new(),
        }
    }

    /// The fields of tally item `counter` (absent fields are 0).
    pub async fn tally(&self, counter: &str) -> Result<Tally, ApiError> {
        let at = ItemKey::new(COUNTER_PK, format!("tally#{counter}"));
        let item: Option<HashMap<String, serde_json::Value>> = self.get(&at).await?;
        Ok(Tally(
            item.unwrap_or_default()
                .into_iter()
                .filter_map(|(field, value)| value.as_i64().map(|value| (field, value)))
                .collect(),
        ))
    }

    /// Page `query` of index partition `partition`, newest (highest sort key) first, with
    /// the total from field `field` of tally `counter`: two calls, made concurrently.
    pub async fn page_of<T: DeserializeOwned>(
        &self,
        index: Index,
        partition: &str,
        counter: &str,
        field: &str,
        query: PageQuery,
    ) -> Result<Page<T>, ApiError> {
        let (tally, items) = tokio::try_join!(
            self.tally(counter),
            self.query_partition::<T>(Some(index), partition, false, query.end()),
        )?;
        Ok(Page::new(query, tally.get(field), query.slice(items)))
    }

    /// The records at `keys`, of any kinds, in one BatchGetItem.
    pub async fn get_many(&self, keys: &[ItemKey]) -> Result<Fetched, ApiError> {
        Ok(Fetched(self.batch_get(keys).await?))
    }
}

/// Records of several kinds read together by [`Store::get_many`].
#[derive(Debug, Default)]
pub struct Fetched(Vec<serde_json::Value>);

impl Fetched {
    /// The record stored at `at`, if it was read.
    pub fn take<T: DeserializeOwned>(&self, at: &ItemKey) -> Result<Option<T>, ApiError> {
        self.0
            .iter()
            .find(|item| item["PK"] == at.pk.as_str() && item["SK"] == at.sk.as_str())
            .map(|item| {
                serde_json::from_value(item.clone())
                    .map_err(|error| ApiError::internal(format!("decode item: {error}")))
            })
            .transpose()
    }
}

/// The fields of a tally item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(HashMap<String, i64>);

impl Tally {
    /// Field `field`, 0 when absent (never negative).
    pub fn get(&self, field: &str) -> u64 {
        self.0.get(field).copied().unwrap_or(0).max(0) as u64
    }
}

impl Txn<'_> {
    /// Writes `new` over `old` (`None`: creates it): the main item conditioned on `old`'s
    /// version (or on its absence), the copies, and the tally differences.
    pub fn write<A: Aggregate>(&mut self, old: Option<&A>, new: &A) -> Result<&mut Self, ApiError> {
        let keys = new.keys();
        let stale: Vec<ItemKey> = old
            .map(|old| {
                old.keys()
                    .into_iter()
                    .filter(|at| !keys.iter().any(|k| k.key() == at.key()))
                    .collect()
            })
            .unwrap_or_default();
        if !stale.is_empty() {
            return Err(ApiError::internal(
                "an aggregate's copies must keep their keys",
            ));
        }
        for (position, at) in keys.iter().enumerate() {
            let mut put = Put::builder()
                .table_name(self.store.table())
                .set_item(Some(at.item(new)?));
            if position == 0 {
                put = match old {
                    None => put.condition_expression("attribute_not_exists(PK)"),
                    Some(old) => put
                        .condition_expression("#version = :version")
                        .expression_attribute_names("#version", "version")
                        .expression_attribute_values(":version", n(old.version())),
                };
            }
            let put = put.build().map_err(ApiError::internal)?;
            self.steps
                .push(TransactWriteItem::builder().put(put).build());
        }
        for (counter, field) in old.map(Aggregate::tallies).unwrap_or_default() {
            self.add(&counter, &field, -1);
        }
        for (counter, field) in new.tallies() {
            self.add(&counter, &field, 1);
        }
        Ok(self)
    }

    /// Adds `delta` to field `field` of tally `counter` in this transaction.
    pub fn add(&mut self, counter: &str, field: &str, delta: i64) -> &mut Self {
        *self
            .deltas
            .entry(counter.to_owned())
            .or_default()
            .entry(field.to_owned())
            .or_default() += delta;
        self
    }

    /// Adds the `deltas` to numeric attributes of every item of `keys` (the copies of an
    /// aggregate not otherwise written here) and bumps their version, so that a concurrent
    /// whole-item write of that aggregate fails its condition instead of losing the change.
    pub fn bump(
        &mut self,
        keys: &[ItemKey],
        deltas: &[(&str, i64)],
    ) -> Result<&mut Self, ApiError> {
        for at in keys {
            let mut update = Update::builder()
                .table_name(self.store.table())
                .set_key(Some(at.key()))
                .condition_expression("attribute_exists(PK)")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":one", n(1));
            let mut adds = vec!["#version :one".to_owned()];
            for (position, (attribute, delta)) in deltas.iter().enumerate() {
                update = update
                    .expression_attribute_names(format!("#a{position}"), *attribute)
                    .expression_attribute_values(format!(":d{position}"), n(delta));
                adds.push(format!("#a{position} :d{position}"));
            }
            let update = update
                .update_expression(format!("ADD {}", adds.join(", ")))
                .build()
                .map_err(ApiError::internal)?;
            self.steps
                .push(TransactWriteItem::builder().update(update).build());
        }
        Ok(self)
    }

    /// Sends the transaction: `Ok(true)` when written, `Ok(false)` when a condition failed or
    /// a concurrent transaction interfered (decide again), `Err` for anything else.
    pub async fn commit(self) -> Result<bool, ApiError> {
        let mut steps = self.steps;
        for (counter, fields) in &self.deltas {
            let fields: Vec<(&String, &i64)> =
                fields.iter().filter(|(_, delta)| **delta != 0).collect();
            if fields.is_empty() {
                continue;
            }
            let mut update = Update::builder()
                .table_name(self.store.table())
                .set_key(Some(key(COUNTER_PK, format!("tally#{counter}"))));
            let mut adds = Vec::new();
            for (position, (field, delta)) in fields.iter().enumerate() {
                update = update
                    .expression_attribute_names(format!("#f{position}"), field.as_str())
                    .expression_attribute_values(format!(":d{position}"), n(delta));
                adds.push(format!("#f{position} :d{position}"));
            }
            let update = update
                .update_expression(format!("ADD {}", adds.join(", ")))
                .build()
                .map_err(ApiError::internal)?;
            steps.push(TransactWriteItem::builder().update(update).build());
        }
        let lost = AtomicBool::new(false);
        let result = self
            .store
            .transact(steps, |_| {
                lost.store(true, Ordering::Relaxed);
                ApiError::OperationFailed
            })
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(_) if lost.load(Ordering::Relaxed) => Ok(false),
            Err(error) => Err(error),
        }
    }
}

/// Runs `attempt` (read, decide, write) until it writes (`Some`), fails with a decision
/// (`Err`), or has lost [`MAX_ATTEMPTS`] races (`exhausted`). Each lost race waits a little
/// longer, with jitter so that racers spread out.
pub async fn retry<T, F, Fut>(mut attempt: F, exhausted: ApiError) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, ApiError>>,
{
    for round in 0..MAX_ATTEMPTS {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
        let jitter = u64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|elapsed| elapsed.subsec_nanos())
                .unwrap_or(0)
                % 15,
        );
        tokio::time::sleep(std::time::Duration::from_millis(
            5 * u64::from(round + 1) + jitter,
        ))
        .await;
    }
    Err(exhausted)
}
