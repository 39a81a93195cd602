//! Refunds (退款订单): a consumer's request to get a paid order's money back, its state
//! machine and the seed's refund object.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::http::{PageNumber, PageSize};
use crate::market::{Actor, Illustration, MarketRole};
use crate::numeric_enum;
use crate::order::{order_number, Order, OrderAction, OrderStatus, OrderView};
use crate::text::{BoundedText, PositiveInt};
use crate::time::format_datetime;
use crate::user::UserView;

numeric_enum! {
    /// Refund status (退款订单状态).
    pub enum RefundStatus {
        /// 0 待同意: requested.
        Pending = 0,
        /// 1 已同意: agreed by the publisher, waiting for the platform to pay back.
        Agreed = 1,
        /// 2 已退款: paid back by the platform.
        Refunded = 2,
        /// 3 已完成: the consumer confirmed receipt (the order becomes 5).
        Completed = 3,
        /// 4 已拒绝: refused by the publisher.
        Refused = 4,
        /// 5 已取消: withdrawn by the consumer.
        Cancelled = 5,
    }
}

numeric_enum! {
    /// The `action` of `POST /v1/refund/{id}` (退款订单操作).
    pub enum RefundRequestAction {
        /// 1 同意退款 (publisher).
        Agree = 1,
        /// 2 拒绝退款 (publisher).
        Refuse = 2,
        /// 3 取消 (consumer).
        Cancel = 3,
        /// 4 确认 (consumer).
        Confirm = 4,
    }
}

/// Everything that changes a refund's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundAction {
    /// Publisher: 0 → 1.
    Agree,
    /// Publisher: 0 → 4.
    Refuse,
    /// Consumer: 0 → 5.
    Cancel,
    /// Consumer: 2 → 3.
    Confirm,
    /// Admin (`POST /v1/admin/refund/{id}/refunded`): 1 → 2.
    MarkRefunded,
}

impl RefundAction {
    /// Every action, for exhaustive table tests.
    pub const ALL: [RefundAction; 5] = [
        RefundAction::Agree,
        RefundAction::Refuse,
        RefundAction::Cancel,
        RefundAction::Confirm,
        RefundAction::MarkRefunded,
    ];
}

impl From<RefundRequestAction> for RefundAction {
    fn from(action: RefundRequestAction) -> Self {
        match action {
            RefundRequestAction::Agree => RefundAction::Agree,
            RefundRequestAction::Refuse => RefundAction::Refuse,
            RefundRequestAction::Cancel => RefundAction::Cancel,
            RefundRequestAction::Confirm => RefundAction::Confirm,
        }
    }
}

impl RefundStatus {
    /// Open (未完结) refunds block another request on the same order.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RefundStatus::Pending | RefundStatus::Agreed | RefundStatus::Refunded
        )
    }
}

/// The refund state machine (contract §9). Actor errors: agree/refuse by anyone but the
/// publisher 10014; cancel/confirm by the publisher 10015, by anyone else 10024; the admin
/// step by a non-admin 10010. A status that does not allow the action: 10016.
pub fn transition(
    from: RefundStatus,
    action: RefundAction,
    actor: Actor,
) -> Result<RefundStatus, ApiError> {
    use RefundAction as A;
    use RefundStatus as S;
    match (action, actor) {
        (A::Agree | A::Refuse, Actor::Publisher) => {}
        (A::Agree | A::Refuse, _) => return Err(ApiError::RefundNotPublisher),
        (A::Cancel | A::Confirm, Actor::Consumer) => {}
        (A::Cancel | A::Confirm, Actor::Publisher) => return Err(ApiError::RefundPublisherAction),
        (A::Cancel | A::Confirm, _) => return Err(ApiError::NotOrderConsumer),
        (A::MarkRefunded, Actor::Admin) => {}
        (A::MarkRefunded, _) => return Err(ApiError::Forbidden),
    }
    match (action, from) {
        (A::Agree, S::Pending) => Ok(S::Agreed),
        (A::Refuse, S::Pending) => Ok(S::Refused),
        (A::Cancel, S::Pending) => Ok(S::Cancelled),
        (A::Confirm, S::Refunded) => Ok(S::Completed),
        (A::MarkRefunded, S::Agreed) => Ok(S::Refunded),
        _ => Err(ApiError::RefundFailed),
    }
}

/// A stored refund. `order` is the order as it is while the refund is open: an order with
/// an open refund cannot move except through the refund, so this copy stays exact and a
/// refund transition needs no second read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// Refund id.
    pub id: u64,
    /// `YYYYMMDD` + 8-digit sequence.
    pub order_no: u64,
    /// The consumer's reason.
    pub reason: String,
    /// Screenshot URLs (the seed's `illustration`).
    #[serde(default)]
    pub illustration: Vec<String>,
    /// Status.
    pub status: RefundStatus,
    /// The order refunded.
    pub order: Order,
    /// Created at, Unix seconds.
    pub created_at: i64,
    /// Optimistic-concurrency version.
    #[serde(default)]
    pub version: u64,
    /// Whether it is counted in the admin queue tally: false only for refunds stored
    /// before the queues, until `backfill-queues` counts them (see `docs/storage.md`).
    #[serde(default)]
    pub queue_counted: bool,
}

/// The seed's refund object in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundView {
    /// Refund id.
    pub id: u64,
    /// Refund number.
    pub order_no: u64,
    /// Reason.
    pub reason: String,
    /// Screenshot URLs.
    pub illustration: Vec<String>,
    /// Status.
    pub status: RefundStatus,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
    /// The order.
    pub service_order: OrderView,
}

/// The seed's refund detail: the list object plus both parties, and the screenshots also
/// as `images`, the name the seed's detail example gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundDetail {
    /// The list object.
    #[serde(flatten)]
    pub refund: RefundView,
    /// The screenshot URLs again.
    pub images: Vec<String>,
    /// The service's publisher.
    pub publisher: UserView,
    /// The buyer.
    pub consumer: UserView,
}

impl Refund {
    /// A refund request for `order` by `user_id` (contract §9): 10024 unless the caller is
    /// its consumer, 10013 while another refund is open, 10023 unless paid and unconfirmed.
    /// Answers the refund and the order now marked as having it open.
    pub fn request(
        order: &Order,
        user_id: u64,
        input: NewRefund,
        id: u64,
        now: i64,
    ) -> Result<(Refund, Order), ApiError> {
        if order.consumer.id != user_id {
            return Err(ApiError::NotOrderConsumer);
        }
        if order.open_refund.is_some() {
            return Err(ApiError::RefundAlreadyOpen);
        }
        if order.status != OrderStatus::Unconfirmed {
            return Err(ApiError::RefundNotAllowed);
        }
        let mut frozen = order.clone();
        frozen.open_refund = Some(id);
        frozen.version += 1;
        let refund = Refund {
            id,
            order_no: order_number(now, id),
            reason: input.reason.into_inner(),
            illustration: input.illustration.into_urls(),
            status: RefundStatus::Pending,
            order: frozen.clone(),
            created_at: now,
            version: 0,
            queue_counted: true,
        };
        Ok((refund, frozen))
    }

    /// The caller's relation to this refund.
    pub fn actor(&self, user_id: u64) -> Actor {
        self.order.actor(user_id)
    }

    /// This refund after `action`, and the order when the action touches it: closing the
    /// refund unfreezes the order; a confirmed refund also moves the order to 5.
    pub fn apply(
        &self,
        action: RefundAction,
        actor: Actor,
    ) -> Result<(Refund, Option<Order>), ApiError> {
        let status = transition(self.status, action, actor)?;
        let mut next = self.clone();
        next.status = status;
        next.version += 1;
        if status.is_open() {
            return Ok((next, None));
        }
        let mut order = if status == RefundStatus::Completed {
            let status =
                crate::order::transition(self.order.status, OrderAction::Refund, Actor::Consumer)
                    .map_err(|_| ApiError::RefundFailed)?;
            self.order.moved(status)
        } else {
            let mut order = self.order.clone();
            order.version += 1;
            order
        };
        order.open_refund = None;
        next.order = order.clone();
        Ok((next, Some(order)))
    }

    /// The list object.
    pub fn view(&self, asset_base_url: &str) -> RefundView {
        RefundView {
            id: self.id,
            order_no: self.order_no,
            reason: self.reason.clone(),
            illustration: self.illustration.clone(),
            status: self.status,
            create_time: format_datetime(self.created_at),
            service_order: self.order.view(asset_base_url),
        }
    }

    /// The detail object.
    pub fn detail(&self, asset_base_url: &str) -> RefundDetail {
        RefundDetail {
            refund: self.view(asset_base_url),
            images: self.illustration.clone(),
            publisher: self.order.service.publisher.clone(),
            consumer: self.order.consumer.clone(),
        }
    }
}

/// `POST /v1/refund`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewRefund {
    /// The order to refund.
    pub order_id: PositiveInt,
    /// 1–500 characters.
    pub reason: BoundedText<1, 500>,
    /// Up to five image URLs.
    #[serde(default)]
    pub illustration: Illustration,
}

/// `POST /v1/refund/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct RefundActionInput {
    /// 1–4.
    pub action: RefundRequestAction,
}

/// `GET /v1/refund`.
#[derive(Debug, Clone, Deserialize)]
pub struct MyRefundsQuery {
    /// 1 publisher, 2 consumer.
    pub role: MarketRole,
    /// Only this status.
    #[serde(default)]
    pub status: Option<RefundStatus>,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

/// `GET /v1/refund/process`.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenRefundsQuery {
    /// 1 publisher, 2 consumer.
    pub role: MarketRole,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use RefundAction as A;
    use RefundStatus as S;

    const ALLOWED: &[(S, A, Actor, S)] = &[
        (S::Pending, A::Agree, Actor::Publisher, S::Agreed),
        (S::Pending, A::Refuse, Actor::Publisher, S::Refused),
        (S::Pending, A::Cancel, Actor::Consumer, S::Cancelled),
        (S::Refunded, A::Confirm, Actor::Consumer, S::Completed),
        (S::Agreed, A::MarkRefunded, Actor::Admin, S::Refunded),
    ];

    fn actor_error(action: A, actor: Actor) -> Option<ApiError> {
        match (action, actor) {
            (A::Agree | A::Refuse, Actor::Publisher)
            | (A::Cancel | A::Confirm, Actor::Consumer)
            | (A::MarkRefunded, Actor::Admin) => None,
            (A::Agree | A::Refuse, _) => Some(ApiError::RefundNotPublisher),
            (A::Cancel | A::Confirm, Actor::Publisher) => Some(ApiError::RefundPublisherAction),
            (A::Cancel | A::Confirm, _) => Some(ApiError::NotOrderConsumer),
            (A::MarkRefunded, _) => Some(ApiError::Forbidden),
        }
    }

    #[test]
    fn every_triple() {
        let mut checked = 0;
        for &from in S::ALL {
            for action in A::ALL {
                for actor in Actor::ALL {
                    let expected = ALLOWED
                        .iter()
                        .find(|(f, a, who, _)| (*f, *a, *who) == (from, action, actor))
                        .map(|(_, _, _, to)| *to);
                    let result = transition(from, action, actor);
                    let case = format!("{from:?} {action:?} {actor:?}");
                    match (expected, actor_error(action, actor)) {
                        (Some(to), _) => assert_eq!(result, Ok(to), "{case}"),
                        (None, Some(error)) => assert_eq!(result, Err(error), "{case}"),
                        (None, None) => assert_eq!(result, Err(ApiError::RefundFailed), "{case}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 5 * 4);
    }

    #[test]
    fn open_statuses() {
        let open: Vec<S> = S::ALL.iter().copied().filter(|s| s.is_open()).collect();
        assert_eq!(open, vec![S::Pending, S::Agreed, S::Refunded]);
    }
}
