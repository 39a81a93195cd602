//! Orders (预约订单): a consumer's booking of an offered service, its state machine and the
//! seed's order object.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::{PageNumber, PageSize};
use crate::market::{Actor, MarketRole};
use crate::money::Money;
use crate::numeric_enum;
use crate::service::{Service, ServiceView};
use crate::store::aggregate::Tally;
use crate::text::PositiveInt;
use crate::time::format_datetime;
use crate::user::UserView;

numeric_enum! {
    /// Order status (预约订单状态).
    pub enum OrderStatus {
        /// 0 待同意: waiting for the publisher.
        Unapproved = 0,
        /// 1 待支付: agreed, waiting for payment.
        Unpaid = 1,
        /// 2 待确认: paid, waiting for the consumer's confirmation.
        Unconfirmed = 2,
        /// 3 待评价: confirmed, waiting for a rating.
        Unrated = 3,
        /// 4 已完成: rated.
        Completed = 4,
        /// 5 已取消: cancelled by the consumer, or refunded.
        Cancelled = 5,
        /// 6 已拒绝: refused by the publisher.
        Refused = 6,
    }
}

numeric_enum! {
    /// Order action (预约订单操作), the `action` of `POST /v1/order/{id}`.
    pub enum OrderAction {
        /// 1 同意预约 (publisher): 0 → 1.
        Agree = 1,
        /// 2 拒绝预约 (publisher): 0 → 6.
        Refuse = 2,
        /// 3 支付 (consumer): 1 → 2.
        Pay = 3,
        /// 4 确认订单 (consumer): 2 → 3.
        Confirm = 4,
        /// 5 评价 (consumer): 3 → 4, only through `POST /v1/rating`.
        Rate = 5,
        /// 6 退款 (consumer): 2 → 5 when a refund completes, only through the refund routes.
        Refund = 6,
        /// 7 取消订单 (consumer): {0, 1} → 5.
        Cancel = 7,
    }
}

/// The order state machine (contract §9): the next status; 10012 when the actor is not
/// the one the action belongs to; 10017 when the status does not allow it.
pub fn transition(
    from: OrderStatus,
    action: OrderAction,
    actor: Actor,
) -> Result<OrderStatus, ApiError> {
    use OrderAction as A;
    use OrderStatus as S;
    let owner = match action {
        A::Agree | A::Refuse => Actor::Publisher,
        A::Pay | A::Confirm | A::Rate | A::Refund | A::Cancel => Actor::Consumer,
    };
    if actor != owner {
        return Err(ApiError::OrderNotYours);
    }
    match (action, from) {
        (A::Agree, S::Unapproved) => Ok(S::Unpaid),
        (A::Refuse, S::Unapproved) => Ok(S::Refused),
        (A::Pay, S::Unpaid) => Ok(S::Unconfirmed),
        (A::Confirm, S::Unconfirmed) => Ok(S::Unrated),
        (A::Rate, S::Unrated) => Ok(S::Completed),
        (A::Refund, S::Unconfirmed) => Ok(S::Cancelled),
        (A::Cancel, S::Unapproved | S::Unpaid) => Ok(S::Cancelled),
        _ => Err(ApiError::OrderUpdateFailed),
    }
}

/// `POST /v1/order/{id}`: as [`transition`], except that rating and refunding have their
/// own routes, so here they are 10017 for either party (a stranger still gets 10012).
pub fn transition_by_order_route(
    from: OrderStatus,
    action: OrderAction,
    actor: Actor,
) -> Result<OrderStatus, ApiError> {
    match (action, actor) {
        (_, Actor::Stranger | Actor::Admin) => Err(ApiError::OrderNotYours),
        (OrderAction::Rate | OrderAction::Refund, _) => Err(ApiError::OrderUpdateFailed),
        _ => transition(from, action, actor),
    }
}

/// A stored order, with the snapshots the seed shows taken when it was placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id.
    pub id: u64,
    /// `YYYYMMDD` + 8-digit sequence.
    pub order_no: u64,
    /// The service's price when ordered.
    pub price: Money,
    /// The service as it was when ordered.
    pub service: Service,
    /// The address the consumer chose (wx.chooseAddress object), if any.
    #[serde(default)]
    pub address: Option<Value>,
    /// Status.
    pub status: OrderStatus,
    /// Consumer snapshot.
    pub consumer: UserView,
    /// The refund in progress, if any: at most one is open per order, and while it is the
    /// order cannot move.
    #[serde(default)]
    pub open_refund: Option<u64>,
    /// Created at, Unix seconds.
    pub created_at: i64,
    /// Optimistic-concurrency version.
    #[serde(default)]
    pub version: u64,
}

/// The seed's order object (`service_order` inside refunds too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    /// Order id.
    pub id: u64,
    /// Order number.
    pub order_no: u64,
    /// Two-decimal price.
    pub price: Money,
    /// The service when ordered.
    pub service_snap: ServiceView,
    /// The address object or null.
    pub address_snap: Option<Value>,
    /// Status.
    pub status: OrderStatus,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
    /// The service's publisher.
    pub publisher: UserView,
    /// The buyer.
    pub consumer: UserView,
}

/// `YYYYMMDD` (Shanghai day of `unix_seconds`) followed by `sequence` on 8 digits — the
/// seed's order numbers (`2021030800000225`).
pub fn order_number(unix_seconds: i64, sequence: u64) -> u64 {
    let day: u64 = format_datetime(unix_seconds)[..10]
        .replace('-', "")
        .parse()
        .unwrap_or(0);
    day * 100_000_000 + sequence % 100_000_000
}

impl Order {
    /// The publisher's user id.
    pub fn publisher_id(&self) -> u64 {
        self.service.publisher.id
    }

    /// The caller's relation to this order.
    pub fn actor(&self, user_id: u64) -> Actor {
        Actor::of(user_id, self.publisher_id(), self.consumer.id)
    }

    /// The seed object.
    pub fn view(&self, asset_base_url: &str) -> OrderView {
        OrderView {
            id: self.id,
            order_no: self.order_no,
            price: self.price,
            service_snap: self.service.view(asset_base_url),
            address_snap: self.address.clone(),
            status: self.status,
            create_time: format_datetime(self.created_at),
            publisher: self.service.publisher.clone(),
            consumer: self.consumer.clone(),
        }
    }

    /// This order after `action` through `POST /v1/order/{id}`, version bumped. An open
    /// refund freezes the order (it is in status 2, where only confirm applies).
    pub fn act(&self, action: OrderAction, actor: Actor) -> Result<Order, ApiError> {
        let status = transition_by_order_route(self.status, action, actor)?;
        if self.open_refund.is_some() {
            return Err(ApiError::OrderUpdateFailed);
        }
        Ok(self.moved(status))
    }

    /// This order in `status`, version bumped.
    pub fn moved(&self, status: OrderStatus) -> Order {
        let mut next = self.clone();
        next.status = status;
        next.version += 1;
        next
    }

    /// A new order of `service` by `consumer` (contract §9): 10011 unless the service is a
    /// published offering, 10009 for one's own service, 10000 without an address when the
    /// service needs one.
    pub fn place(
        service: &Service,
        consumer: UserView,
        address: Option<Value>,
        id: u64,
        now: i64,
    ) -> Result<Order, ApiError> {
        if service.status != crate::service::ServiceStatus::Published
            || service.service_type != crate::service::ServiceType::Offering
        {
            return Err(ApiError::ServiceNotPublished);
        }
        if service.publisher.id == consumer.id {
            return Err(ApiError::OperationFailed);
        }
        if service.designated_place == crate::service::DesignatedPlace::Yes && address.is_none() {
            return Err(ApiError::invalid(
                "address",
                "is required: the service needs a place",
            ));
        }
        Ok(Order {
            id,
            order_no: order_number(now, id),
            price: service.price,
            service: service.clone(),
            address,
            status: OrderStatus::Unapproved,
            consumer,
            open_refund: None,
            created_at: now,
            version: 0,
        })
    }
}

/// `POST /v1/order`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewOrder {
    /// The service to book.
    pub service_id: PositiveInt,
    /// The wx.chooseAddress() result: an object, or that object as a JSON string.
    #[serde(default, deserialize_with = "address")]
    pub address: Option<Value>,
}

/// An address object (at most 2,000 characters of JSON), given as an object or as a
/// string holding one; an empty string or null means none.
fn address<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    use serde::de::Error;
    let value = Option::<Value>::deserialize(deserializer)?;
    let object = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => serde_json::from_str::<Value>(&text)
            .map_err(|_| Error::custom("must be an address object or its JSON text"))?,
        Some(other) => other,
    };
    if !object.is_object() {
        return Err(Error::custom("must be an address object"));
    }
    if object.to_string().chars().count() > 2000 {
        return Err(Error::custom("must be at most 2000 characters"));
    }
    if has_empty_name(&object) {
        return Err(Error::custom("must not have an empty field name"));
    }
    Ok(Some(object))
}

/// Whether `value` holds an object with an empty field name at any depth: DynamoDB cannot
/// store one in a map.
fn has_empty_name(value: &Value) -> bool {
    match value {
        Value::Object(fields) => fields
            .iter()
            .any(|(name, field)| name.is_empty() || has_empty_name(field)),
        Value::Array(items) => items.iter().any(has_empty_name),
        _ => false,
    }
}

/// `POST /v1/order/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderActionInput {
    /// 1–7.
    pub action: OrderAction,
}

/// `GET /v1/order/my`.
#[derive(Debug, Clone, Deserialize)]
pub struct MyOrdersQuery {
    /// 1 publisher, 2 consumer.
    pub role: MarketRole,
    /// Only this status.
    #[serde(default)]
    pub status: Option<OrderStatus>,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

/// `GET /v1/order/count` (and other role-only queries).
#[derive(Debug, Clone, Deserialize)]
pub struct RoleQuery {
    /// 1 publisher, 2 consumer.
    pub role: MarketRole,
}

/// `GET /v1/order/count`: the caller's orders in a role by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCounts {
    /// 0 待同意.
    pub unapproved: u64,
    /// 1 待支付.
    pub unpaid: u64,
    /// 2 待确认.
    pub unconfirmed: u64,
    /// 3 待评价.
    pub unrated: u64,
}

impl From<&Tally> for OrderCounts {
    fn from(tally: &Tally) -> Self {
        let field = |status: OrderStatus| tally.get(&format!("s{}", status.code()));
        OrderCounts {
            unapproved: field(OrderStatus::Unapproved),
            unpaid: field(OrderStatus::Unpaid),
            unconfirmed: field(OrderStatus::Unconfirmed),
            unrated: field(OrderStatus::Unrated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as A;
    use OrderStatus as S;

    const ALLOWED: &[(S, A, Actor, S)] = &[
        (S::Unapproved, A::Agree, Actor::Publisher, S::Unpaid),
        (S::Unapproved, A::Refuse, Actor::Publisher, S::Refused),
        (S::Unpaid, A::Pay, Actor::Consumer, S::Unconfirmed),
        (S::Unconfirmed, A::Confirm, Actor::Consumer, S::Unrated),
        (S::Unrated, A::Rate, Actor::Consumer, S::Completed),
        (S::Unconfirmed, A::Refund, Actor::Consumer, S::Cancelled),
        (S::Unapproved, A::Cancel, Actor::Consumer, S::Cancelled),
        (S::Unpaid, A::Cancel, Actor::Consumer, S::Cancelled),
    ];

    fn owner(action: A) -> Actor {
        match action {
            A::Agree | A::Refuse => Actor::Publisher,
            _ => Actor::Consumer,
        }
    }

    #[test]
    fn every_triple() {
        let mut checked = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                for actor in Actor::ALL {
                    let expected = ALLOWED
                        .iter()
                        .find(|(f, a, who, _)| (*f, *a, *who) == (from, action, actor))
                        .map(|(_, _, _, to)| *to);
                    let result = transition(from, action, actor);
                    let case = format!("{from:?} {action:?} {actor:?}");
                    match expected {
                        Some(to) => assert_eq!(result, Ok(to), "{case}"),
                        None if actor != owner(action) => {
                            assert_eq!(result, Err(ApiError::OrderNotYours), "{case}")
                        }
                        None => assert_eq!(result, Err(ApiError::OrderUpdateFailed), "{case}"),
                    }
                    let by_route = transition_by_order_route(from, action, actor);
                    match (action, actor) {
                        (_, Actor::Stranger | Actor::Admin) => {
                            assert_eq!(by_route, Err(ApiError::OrderNotYours), "{case}")
                        }
                        (A::Rate | A::Refund, _) => {
                            assert_eq!(by_route, Err(ApiError::OrderUpdateFailed), "{case}")
                        }
                        _ => assert_eq!(by_route, result, "{case}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 7 * 4);
    }

    #[test]
    fn order_numbers() {
        // 2021-03-08 12:00:00 +08:00
        assert_eq!(order_number(1_615_176_000, 225), 2021030800000225);
    }

    #[test]
    fn addresses() {
        let order: NewOrder =
            serde_json::from_str(r#"{"service_id":1,"address":"{\"cityName\":\"广州市\"}"}"#)
                .unwrap();
        assert_eq!(order.address.unwrap()["cityName"], "广州市");
        let none: NewOrder = serde_json::from_str(r#"{"service_id":1}"#).unwrap();
        assert!(none.address.is_none());
        assert!(serde_json::from_str::<NewOrder>(r#"{"service_id":1,"address":"x"}"#).is_err());
        assert!(serde_json::from_str::<NewOrder>(r#"{"service_id":1,"address":5}"#).is_err());
    }
}
