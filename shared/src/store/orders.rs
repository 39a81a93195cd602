//! Orders. Main item `PK = ORDER#{id}`, `SK = ORDER`; copy `SK = BYSTATUS` for the
//! consumer's by-status list (see `docs/storage.md`). Tallies: `ord-P-{publisher}` and
//! `ord-C-{consumer}` (`all`, `s{status}`).

use std::sync::Mutex;

use super::aggregate::{retry, Aggregate, Txn};
use super::services::{service_items, service_key};
use super::{id_sort_key, Index, ItemKey, Store};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::market::MarketRole;
use crate::order::{NewOrder, Order, OrderAction, OrderStatus};
use crate::service::Service;
use crate::user::{User, UserView};

/// Where order `id` is read by id.
pub fn order_key(id: u64) -> ItemKey {
    ItemKey::new(format!("ORDER#{id}"), "ORDER")
}

/// Tally of a user's orders in `role`, by status.
pub fn orders_counter(user_id: u64, role: MarketRole) -> String {
    format!("ord-{}-{user_id}", role.letter())
}

impl Aggregate for Order {
    fn keys(&self) -> Vec<ItemKey> {
        let sort = id_sort_key(self.id);
        let (publisher, consumer, status) =
            (self.publisher_id(), self.consumer.id, self.status.code());
        vec![
            order_key(self.id)
                .with(Index::Gsi1, format!("ORD#P#{publisher}"), &sort)
                .with(Index::Gsi2, format!("ORD#C#{consumer}"), &sort)
                .with(Index::Gsi3, format!("ORD#P#{publisher}#S{status}"), &sort),
            ItemKey::new(format!("ORDER#{}", self.id), "BYSTATUS").with(
                Index::Gsi1,
                format!("ORD#C#{consumer}#S{status}"),
                &sort,
            ),
        ]
    }

    fn tallies(&self) -> Vec<(String, String)> {
        let status = format!("s{}", self.status.code());
        let publisher = orders_counter(self.publisher_id(), MarketRole::Publisher);
        let consumer = orders_counter(self.consumer.id, MarketRole::Consumer);
        vec![
            (publisher.clone(), "all".to_owned()),
            (publisher, status.clone()),
            (consumer.clone(), "all".to_owned()),
            (consumer, status),
        ]
    }

    fn version(&self) -> u64 {
        self.version
    }
}

impl Store {
    /// Order `id`, if it exists (one GetItem).
    pub async fn order(&self, id: u64) -> Result<Option<Order>, ApiError> {
        self.get(&order_key(id)).await
    }

    /// `POST /v1/order`: reads the service, places the order of `consumer` (the caller as
    /// authenticated; contract §9 rules) and stores it; 10008 when there is no such service.
    pub async fn place_order(
        &self,
        consumer: &User,
        input: NewOrder,
        now: i64,
    ) -> Result<Order, ApiError> {
        let service: Service = self
            .get(&service_key(input.service_id.get()))
            .await?
            .ok_or(ApiError::NotFound)?;
        // Decide before allocating an id, so refused orders leave no gap.
        Order::place(
            &service,
            UserView::from(consumer),
            input.address.clone(),
            0,
            now,
        )?;
        let id = self.next_id("order").await?;
        let order = Order::place(&service, UserView::from(consumer), input.address, id, now)?;
        self.insert_order(&order).await?;
        Ok(order)
    }

    /// Stores a new order (and counts it).
    pub async fn insert_order(&self, order: &Order) -> Result<(), ApiError> {
        let mut txn = self.txn();
        txn.write(None, order)?;
        if txn.commit().await? {
            Ok(())
        } else {
            Err(ApiError::OperationFailed)
        }
    }

    /// `POST /v1/order/{id}`: `action` by `user_id`; 10008 when there is no such order. A
    /// confirmation adds one to the service's `sales_volume` in the same transaction.
    pub async fn act_on_order(
        &self,
        id: u64,
        user_id: u64,
        action: OrderAction,
    ) -> Result<Order, ApiError> {
        retry(
            || async move {
                let order = self.order(id).await?.ok_or(ApiError::NotFound)?;
                let next = order.act(action, order.actor(user_id))?;
                let mut txn = self.txn();
                txn.write(Some(&order), &next)?;
                if next.status == OrderStatus::Unrated {
                    txn.bump(&service_items(order.service.id), &[("sales_volume", 1)])?;
                }
                Ok(txn.commit().await?.then_some(next))
            },
            ApiError::OrderUpdateFailed,
        )
        .await
    }

    /// A page of the caller's orders in `role` (optionally one status), newest first.
    pub async fn my_orders(
        &self,
        user_id: u64,
        role: MarketRole,
        status: Option<OrderStatus>,
        query: PageQuery,
    ) -> Result<Page<Order>, ApiError> {
        let counter = orders_counter(user_id, role);
        let (index, partition, field) = match (role, status.map(OrderStatus::code)) {
            (MarketRole::Publisher, None) => {
                (Index::Gsi1, format!("ORD#P#{user_id}"), "all".to_owned())
            }
            (MarketRole::Consumer, None) => {
                (Index::Gsi2, format!("ORD#C#{user_id}"), "all".to_owned())
            }
            (MarketRole::Publisher, Some(s)) => (
                Index::Gsi3,
                format!("ORD#P#{user_id}#S{s}"),
                format!("s{s}"),
            ),
            (MarketRole::Consumer, Some(s)) => (
                Index::Gsi1,
                format!("ORD#C#{user_id}#S{s}"),
                format!("s{s}"),
            ),
        };
        self.page_of(index, &partition, &counter, &field, query)
            .await
    }

    /// Order `order_id` (10008 when there is none), once `validate` accepts it.
    pub async fn order_deciding(
        &self,
        order_id: u64,
        validate: impl FnOnce(&Order) -> Result<(), ApiError>,
    ) -> Result<Order, ApiError> {
        let order = self.order(order_id).await?.ok_or(ApiError::NotFound)?;
        validate(&order)?;
        Ok(order)
    }

    /// Writes what `decide` adds to a transaction for `order` (already read), as one
    /// transaction conditioned by the steps `decide` adds; on a lost race the order is read
    /// again and `decide` runs on it, until it writes, refuses, or `exhausted`.
    pub async fn write_on_order<T, F>(
        &self,
        order: Order,
        exhausted: ApiError,
        decide: F,
    ) -> Result<T, ApiError>
    where
        T: Send,
        F: Fn(&Order, &mut Txn<'_>) -> Result<T, ApiError> + Sync,
    {
        let order_id = order.id;
        // The first attempt decides on the order already read; later ones read it again.
        let first = Mutex::new(Some(order));
        let (first, decide) = (&first, &decide);
        retry(
            || async move {
                let known = first.lock().ok().and_then(|mut first| first.take());
                let order = match known {
                    Some(order) => order,
                    None => self.order(order_id).await?.ok_or(ApiError::NotFound)?,
                };
                let mut txn = self.txn();
                let done = decide(&order, &mut txn)?;
                Ok(txn.commit().await?.then_some(done))
            },
            exhausted,
        )
        .await
    }
}
