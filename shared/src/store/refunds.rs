//! Refunds. Main item `PK = REFUND#{id}`, `SK = REFUND`; copy `SK = INDEX` for the
//! consumer's by-status list and both parties' open lists (see `docs/storage.md`).
//! Copy `SK = QUEUE` for the admin queue by status. Tallies: `ref-P-{publisher}` and
//! `ref-C-{consumer}` (`all`, `s{status}`, `open`), `ref-queue` (`s{status}`).

use super::aggregate::{retry, Aggregate};
use super::backfill::Queued;
use super::{id_sort_key, Index, ItemKey, Store};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::market::{Actor, MarketRole};
use crate::refund::{NewRefund, Refund, RefundAction, RefundStatus};

/// Where refund `id` is read by id.
pub fn refund_key(id: u64) -> ItemKey {
    ItemKey::new(format!("REFUND#{id}"), "REFUND")
}

/// Tally of the refunds in each status (`s{status}`), for the admin queue.
pub const QUEUE_COUNTER: &str = "ref-queue";

/// Tally of a user's refunds in `role`: `all`, `s{status}`, `open`.
pub fn refunds_counter(user_id: u64, role: MarketRole) -> String {
    format!("ref-{}-{user_id}", role.letter())
}

impl Aggregate for Refund {
    fn keys(&self) -> Vec<ItemKey> {
        let sort = id_sort_key(self.id);
        let (publisher, consumer, status) = (
            self.order.publisher_id(),
            self.order.consumer.id,
            self.status.code(),
        );
        let main = refund_key(self.id)
            .with(Index::Gsi1, format!("REF#P#{publisher}"), &sort)
            .with(Index::Gsi2, format!("REF#C#{consumer}"), &sort)
            .with(Index::Gsi3, format!("REF#P#{publisher}#S{status}"), &sort);
        let mut copy = ItemKey::new(format!("REFUND#{}", self.id), "INDEX").with(
            Index::Gsi1,
            format!("REF#C#{consumer}#S{status}"),
            &sort,
        );
        if self.status.is_open() {
            copy = copy
                .with(Index::Gsi2, format!("REF#P#{publisher}#OPEN"), &sort)
                .with(Index::Gsi3, format!("REF#C#{consumer}#OPEN"), &sort);
        }
        let queue = ItemKey::new(format!("REFUND#{}", self.id), "QUEUE").with(
            Index::Gsi1,
            format!("REF#ST{status}"),
            &sort,
        );
        vec![main, copy, queue]
    }

    fn tallies(&self) -> Vec<(String, String)> {
        let mut tallies = Vec::new();
        for counter in [
            refunds_counter(self.order.publisher_id(), MarketRole::Publisher),
            refunds_counter(self.order.consumer.id, MarketRole::Consumer),
        ] {
            tallies.push((counter.clone(), "all".to_owned()));
            tallies.push((counter.clone(), format!("s{}", self.status.code())));
            if self.status.is_open() {
                tallies.push((counter, "open".to_owned()));
            }
        }
        if self.queue_counted {
            tallies.push((QUEUE_COUNTER.to_owned(), format!("s{}", self.status.code())));
        }
        tallies
    }

    fn version(&self) -> u64 {
        self.version
    }
}

impl Store {
    /// Refund `id`, if it exists (one GetItem).
    pub async fn refund(&self, id: u64) -> Result<Option<Refund>, ApiError> {
        self.get(&refund_key(id)).await
    }

    /// `POST /v1/refund`: reads the order, decides
    /// (contract §9), and writes the refund with the order frozen in one transaction
    /// conditioned on the order's version: of racing requests, one opens a refund and the
    /// others, deciding again, get 10013. 10008 when there is no such order.
    pub async fn request_refund(
        &self,
        user_id: u64,
        input: NewRefund,
        now: i64,
    ) -> Result<Refund, ApiError> {
        let order = self
            .order_deciding(input.order_id.get(), |order| {
                Refund::request(order, user_id, input.clone(), 0, now).map(drop)
            })
            .await?;
        let id = self.next_id("refund").await?;
        self.write_on_order(order, ApiError::RefundAlreadyOpen, |order, txn| {
            let (refund, frozen) = Refund::request(order, user_id, input.clone(), id, now)?;
            txn.write(None, &refund)?.write(Some(order), &frozen)?;
            Ok(refund)
        })
        .await
    }

    /// `action` on refund `id` by `user_id` (`None`: an admin); the refund and, when the
    /// action closes it, its order are written in one transaction. 10008 when missing.
    pub async fn act_on_refund(
        &self,
        id: u64,
        user_id: Option<u64>,
        action: RefundAction,
    ) -> Result<Refund, ApiError> {
        retry(
            || async move {
                let refund = self.refund(id).await?.ok_or(ApiError::NotFound)?;
                let actor = user_id.map_or(Actor::Admin, |user| refund.actor(user));
                let (next, order) = refund.apply(action, actor)?;
                let mut txn = self.txn();
                txn.write(Some(&refund), &next)?;
                if let Some(order) = &order {
                    txn.write(Some(&refund.order), order)?;
                }
                Ok(txn.commit().await?.then_some(next))
            },
            ApiError::RefundFailed,
        )
        .await
    }

    /// A page of the caller's refunds in `role` (optionally one status), newest first.
    pub async fn my_refunds(
        &self,
        user_id: u64,
        role: MarketRole,
        status: Option<RefundStatus>,
        query: PageQuery,
    ) -> Result<Page<Refund>, ApiError> {
        let counter = refunds_counter(user_id, role);
        let (index, partition, field) = match (role, status.map(RefundStatus::code)) {
            (MarketRole::Publisher, None) => {
                (Index::Gsi1, format!("REF#P#{user_id}"), "all".to_owned())
            }
            (MarketRole::Consumer, None) => {
                (Index::Gsi2, format!("REF#C#{user_id}"), "all".to_owned())
            }
            (MarketRole::Publisher, Some(s)) => (
                Index::Gsi3,
                format!("REF#P#{user_id}#S{s}"),
                format!("s{s}"),
            ),
            (MarketRole::Consumer, Some(s)) => (
                Index::Gsi1,
                format!("REF#C#{user_id}#S{s}"),
                format!("s{s}"),
            ),
        };
        self.page_of(index, &partition, &counter, &field, query)
            .await
    }

    /// A page of the caller's open refunds (处理中: statuses 0, 1, 2) in `role`.
    pub async fn open_refunds(
        &self,
        user_id: u64,
        role: MarketRole,
        query: PageQuery,
    ) -> Result<Page<Refund>, ApiError> {
        let (index, partition) = match role {
            MarketRole::Publisher => (Index::Gsi2, format!("REF#P#{user_id}#OPEN")),
            MarketRole::Consumer => (Index::Gsi3, format!("REF#C#{user_id}#OPEN")),
        };
        let counter = refunds_counter(user_id, role);
        self.page_of(index, &partition, &counter, "open", query)
            .await
    }

    /// `GET /v1/admin/refunds?status=`: a page of the refunds in `status`, newest first
    /// (one Query on GSI1 over the `QUEUE` copies and the tally GetItem, concurrently).
    pub async fn refunds_in(
        &self,
        status: RefundStatus,
        query: PageQuery,
    ) -> Result<Page<Refund>, ApiError> {
        let status = status.code();
        self.page_of(
            Index::Gsi1,
            &format!("REF#ST{status}"),
            QUEUE_COUNTER,
            &format!("s{status}"),
            query,
        )
        .await
    }
}

impl Queued for Refund {
    const MAIN_SK: &'static str = "REFUND";

    fn main_key(id: u64) -> ItemKey {
        refund_key(id)
    }

    fn counted(&self) -> Option<Self> {
        (!self.queue_counted).then(|| Refund {
            queue_counted: true,
            version: self.version + 1,
            ..self.clone()
        })
    }
}
