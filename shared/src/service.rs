//! Services (服务): what a publisher offers (type 1, 在提供) or looks for (type 2, 正在找),
//! their state machine and the seed's service object.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::category::CategoryView;
use crate::error::ApiError;
use crate::file::VariantFolder;
use crate::http::{PageNumber, PageSize};
use crate::market::{Actor, PhotoView};
use crate::money::Money;
use crate::numeric_enum;
use crate::store::aggregate::Tally;
use crate::text::{BoundedText, PositiveInt};
use crate::time::format_datetime;
use crate::user::{Reader, UserView};

numeric_enum! {
    /// Service type (服务类型).
    pub enum ServiceType {
        /// 1 在提供: offered; only these can be ordered.
        Offering = 1,
        /// 2 正在找: looked for.
        Seeking = 2,
    }
}

numeric_enum! {
    /// Service status (服务状态).
    pub enum ServiceStatus {
        /// 0 待审核: new or edited, waiting for the platform's audit.
        Pending = 0,
        /// 1 待发布: approved, or paused by its publisher.
        Unpublished = 1,
        /// 2 已发布: listed and orderable.
        Published = 2,
        /// 3 已下架: taken down by the platform.
        OffShelf = 3,
        /// 4 已取消: cancelled by its publisher (final).
        Cancelled = 4,
        /// 5 审核不通过: refused by the audit.
        Rejected = 5,
    }
}

numeric_enum! {
    /// The `action` of `POST /v1/service/{id}` (服务操作).
    pub enum ServiceRequestAction {
        /// 1 发布服务.
        Publish = 1,
        /// 2 暂停发布.
        Pause = 2,
        /// 3 取消服务.
        Cancel = 3,
    }
}

numeric_enum! {
    /// 是否要求预约人指定服务地点: whether an order must carry an address.
    pub enum DesignatedPlace {
        /// 0: no address needed.
        No = 0,
        /// 1: the order needs an address.
        Yes = 1,
    }
}

/// Everything that changes a service's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceAction {
    /// Publisher: 1 → 2.
    Publish,
    /// Publisher: 2 → 1.
    Pause,
    /// Publisher: {0, 1, 2, 5} → 4.
    Cancel,
    /// Publisher: `PUT /v1/service/{id}`, back to 0 for a new audit.
    Edit,
    /// Admin audit approves: 0 → 1.
    Approve,
    /// Admin audit refuses: 0 → 5.
    Reject,
    /// Admin forced take-down: {1, 2} → 3.
    OffShelf,
}

impl ServiceAction {
    /// Every action, for exhaustive table tests.
    pub const ALL: [ServiceAction; 7] = [
        ServiceAction::Publish,
        ServiceAction::Pause,
        ServiceAction::Cancel,
        ServiceAction::Edit,
        ServiceAction::Approve,
        ServiceAction::Reject,
        ServiceAction::OffShelf,
    ];
}

impl From<ServiceRequestAction> for ServiceAction {
    fn from(action: ServiceRequestAction) -> Self {
        match action {
            ServiceRequestAction::Publish => ServiceAction::Publish,
            ServiceRequestAction::Pause => ServiceAction::Pause,
            ServiceRequestAction::Cancel => ServiceAction::Cancel,
        }
    }
}

/// The service state machine (contract §9): the next status, 10010 for an actor the
/// action is not theirs (only the publisher edits and publishes; only admins audit), or
/// 10009 when the status does not allow the action. A cancelled service is final: even an
/// edit cannot revive it.
pub fn transition(
    from: ServiceStatus,
    action: ServiceAction,
    actor: Actor,
) -> Result<ServiceStatus, ApiError> {
    use ServiceAction as A;
    use ServiceStatus as S;
    let owner = match action {
        A::Publish | A::Pause | A::Cancel | A::Edit => Actor::Publisher,
        A::Approve | A::Reject | A::OffShelf => Actor::Admin,
    };
    if actor != owner {
        return Err(ApiError::Forbidden);
    }
    match (action, from) {
        (A::Publish, S::Unpublished) => Ok(S::Published),
        (A::Pause, S::Published) => Ok(S::Unpublished),
        (A::Cancel, S::Pending | S::Unpublished | S::Published | S::Rejected) => Ok(S::Cancelled),
        (A::Edit, status) if status != S::Cancelled => Ok(S::Pending),
        (A::Approve, S::Pending) => Ok(S::Unpublished),
        (A::Reject, S::Pending) => Ok(S::Rejected),
        (A::OffShelf, S::Unpublished | S::Published) => Ok(S::OffShelf),
        _ => Err(ApiError::OperationFailed),
    }
}

/// A stored service. Publisher and category are snapshots taken at write time, so one
/// read renders the whole seed object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Service id.
    pub id: u64,
    /// 1 offering, 2 seeking.
    #[serde(rename = "type")]
    pub service_type: ServiceType,
    /// Whether orders need an address.
    pub designated_place: DesignatedPlace,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Price.
    pub price: Money,
    /// First day, `YYYY-MM-DD`.
    pub begin_date: String,
    /// Last day, `YYYY-MM-DD`.
    pub end_date: String,
    /// Category snapshot.
    pub category: CategoryView,
    /// Cover image file id; `None` only for fixture services (rendered as null).
    #[serde(default)]
    pub cover_image_id: Option<u64>,
    /// The cover file's variant token (see [`crate::file::VariantFolder`]), copied from
    /// its record when attached; absent for covers recorded before tokens existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_image_token: Option<String>,
    /// Publisher snapshot.
    pub publisher: UserView,
    /// Status.
    pub status: ServiceStatus,
    /// Sum of the scores of shown ratings.
    #[serde(default)]
    pub rating_sum: u64,
    /// Number of shown ratings.
    #[serde(default)]
    pub rating_count: u64,
    /// Confirmed orders (历史销量).
    #[serde(default)]
    pub sales_volume: u64,
    /// Reason of the last refused audit or take-down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Created at, Unix seconds.
    pub created_at: i64,
    /// Optimistic-concurrency version: every whole-item write is conditioned on it.
    #[serde(default)]
    pub version: u64,
    /// Whether it is counted in the admin queue tally: false only for services stored
    /// before the queues, until `backfill-queues` counts them (see `docs/storage.md`).
    #[serde(default)]
    pub queue_counted: bool,
}

/// The mean of `count` scores summing to `sum`, one decimal, without a trailing ".0":
/// "3.5", "5", and "0" when there are none.
pub fn score_text(sum: u64, count: u64) -> String {
    if count == 0 {
        return "0".to_owned();
    }
    // Tenths, rounded half up, in integers: no float drift.
    let tenths = (sum * 20 + count) / (count * 2);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The seed's service object (also the order's `service_snap`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    /// Service id.
    pub id: u64,
    /// 1 offering, 2 seeking.
    #[serde(rename = "type")]
    pub service_type: ServiceType,
    /// 0/1.
    pub designated_place: DesignatedPlace,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Two-decimal price.
    pub price: Money,
    /// First day.
    pub begin_date: String,
    /// Last day.
    pub end_date: String,
    /// Mean score of shown ratings.
    pub score: String,
    /// Confirmed orders.
    pub sales_volume: u64,
    /// Status.
    pub status: ServiceStatus,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
    /// Publisher.
    pub publisher: UserView,
    /// `{id, name}`.
    pub category: CategoryView,
    /// Cover photo, null when the service has none.
    pub cover_image: Option<PhotoView>,
}

impl Service {
    /// The seed object, with photo URLs under `asset_base_url`.
    pub fn view(&self, asset_base_url: &str) -> ServiceView {
        ServiceView {
            id: self.id,
            service_type: self.service_type,
            designated_place: self.designated_place,
            title: self.title.clone(),
            description: self.description.clone(),
            price: self.price,
            begin_date: self.begin_date.clone(),
            end_date: self.end_date.clone(),
            score: score_text(self.rating_sum, self.rating_count),
            sales_volume: self.sales_volume,
            status: self.status,
            create_time: format_datetime(self.created_at),
            publisher: self.publisher.clone(),
            category: self.category.clone(),
            cover_image: self.cover_image_id.map(|id| {
                let folder = VariantFolder::of(id, self.cover_image_token.as_deref());
                PhotoView::of(id, &folder, asset_base_url)
            }),
        }
    }

    /// The seed object as `reader` may see it: the publisher's `real_name` and `tel` only
    /// for the publisher and admins.
    pub fn view_for(&self, asset_base_url: &str, reader: Reader) -> ServiceView {
        let mut view = self.view(asset_base_url);
        view.publisher = view.publisher.shown_to(reader);
        view
    }

    /// The caller's relation to this service.
    pub fn actor(&self, user_id: u64) -> Actor {
        if self.publisher.id == user_id {
            Actor::Publisher
        } else {
            Actor::Stranger
        }
    }

    /// Whether `user_id` may read it: published services are public, others only for their
    /// publisher (and admins, decided by the caller).
    pub fn visible_to(&self, user_id: u64) -> bool {
        self.status == ServiceStatus::Published || self.publisher.id == user_id
    }

    /// This service after `action` by `actor`, with its version bumped.
    pub fn apply(&self, action: ServiceAction, actor: Actor) -> Result<Service, ApiError> {
        let mut next = self.clone();
        next.status = transition(self.status, action, actor)?;
        next.version += 1;
        Ok(next)
    }
}

/// A day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Day(NaiveDate);

impl TryFrom<String> for Day {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| "must be a date like 2021-01-01".to_owned())
    }
}

impl Day {
    /// `YYYY-MM-DD`.
    pub fn to_text(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// `POST /v1/service` and `PUT /v1/service/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceInput {
    /// 1 offering, 2 seeking.
    #[serde(rename = "type")]
    pub service_type: ServiceType,
    /// 1–60 characters.
    pub title: BoundedText<1, 60>,
    /// An existing category.
    pub category_id: PositiveInt,
    /// A ready file of the caller.
    pub cover_image_id: PositiveInt,
    /// 0/1.
    pub designated_place: DesignatedPlace,
    /// 1–2000 characters.
    pub description: BoundedText<1, 2000>,
    /// First day.
    pub begin_date: Day,
    /// Last day, not before `begin_date`.
    pub end_date: Day,
    /// At most two decimals.
    pub price: Money,
}

impl ServiceInput {
    /// 10000 when the dates are out of order.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.end_date < self.begin_date {
            return Err(ApiError::invalid(
                "end_date",
                "must not be before begin_date",
            ));
        }
        Ok(())
    }

    /// A new service `id` of `publisher` from this input: pending audit, unrated, unsold;
    /// its cover's variants under `cover_token`.
    pub fn into_service(
        self,
        id: u64,
        category: CategoryView,
        publisher: UserView,
        cover_token: Option<String>,
        now: i64,
    ) -> Service {
        let blank = Service {
            id,
            service_type: self.service_type,
            designated_place: self.designated_place,
            title: String::new(),
            description: String::new(),
            price: self.price,
            begin_date: String::new(),
            end_date: String::new(),
            category: category.clone(),
            cover_image_id: None,
            cover_image_token: None,
            publisher,
            status: ServiceStatus::Pending,
            rating_sum: 0,
            rating_count: 0,
            sales_volume: 0,
            reason: None,
            created_at: now,
            version: 0,
            queue_counted: true,
        };
        self.apply_to(blank, category, cover_token)
    }

    /// `base` with this input's fields, its cover's variants under `cover_token` (status and
    /// counters are the caller's business).
    pub fn apply_to(
        self,
        mut base: Service,
        category: CategoryView,
        cover_token: Option<String>,
    ) -> Service {
        base.service_type = self.service_type;
        base.designated_place = self.designated_place;
        base.title = self.title.into_inner();
        base.description = self.description.into_inner();
        base.price = self.price;
        base.begin_date = self.begin_date.to_text();
        base.end_date = self.end_date.to_text();
        base.category = category;
        base.cover_image_id = Some(self.cover_image_id.get());
        base.cover_image_token = cover_token;
        base
    }
}

/// `POST /v1/admin/service/{id}/audit`.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditInput {
    /// true: 0 → 1; false: 0 → 5.
    pub approve: bool,
    /// Why (shown to the publisher), up to 200 characters.
    #[serde(default)]
    pub reason: Option<BoundedText<0, 200>>,
}

impl AuditInput {
    /// The action and the reason to record.
    pub fn decision(self) -> (ServiceAction, Option<String>) {
        let action = if self.approve {
            ServiceAction::Approve
        } else {
            ServiceAction::Reject
        };
        (action, self.reason.map(BoundedText::into_inner))
    }
}

/// `POST /v1/admin/service/{id}/off-shelf`.
#[derive(Debug, Clone, Deserialize)]
pub struct OffShelfInput {
    /// Why, 1–200 characters.
    pub reason: BoundedText<1, 200>,
}

/// `POST /v1/service/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceActionInput {
    /// 1 publish, 2 pause, 3 cancel.
    pub action: ServiceRequestAction,
}

/// `GET /v1/service/list`: optional filters and the page.
#[derive(Debug, Clone, Deserialize)]
pub struct PublishedQuery {
    /// Only this category; 0 (the clients' "all" tab) is no filter.
    #[serde(default, deserialize_with = "crate::category::category_filter")]
    pub category_id: Option<PositiveInt>,
    /// Only this type.
    #[serde(default, rename = "type")]
    pub service_type: Option<ServiceType>,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

/// `GET /v1/service/my`.
#[derive(Debug, Clone, Deserialize)]
pub struct MyServicesQuery {
    /// Type.
    #[serde(rename = "type")]
    pub service_type: ServiceType,
    /// Only this status.
    #[serde(default)]
    pub status: Option<ServiceStatus>,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

/// `GET /v1/service/count`.
#[derive(Debug, Clone, Deserialize)]
pub struct TypeQuery {
    /// Type.
    #[serde(rename = "type")]
    pub service_type: ServiceType,
}

/// `GET /v1/service/count`: the publisher's services of one type by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCounts {
    /// 0 待审核.
    pub pending: u64,
    /// 1 待发布.
    pub unpublished: u64,
    /// 2 已发布.
    pub published: u64,
    /// 3 已下架.
    pub off_shelves: u64,
}

impl From<&Tally> for ServiceCounts {
    fn from(tally: &Tally) -> Self {
        let field = |status: ServiceStatus| tally.get(&format!("s{}", status.code()));
        ServiceCounts {
            pending: field(ServiceStatus::Pending),
            unpublished: field(ServiceStatus::Unpublished),
            published: field(ServiceStatus::Published),
            off_shelves: field(ServiceStatus::OffShelf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceAction as A;
    use ServiceStatus as S;

    /// Every allowed (from, action, actor) → to; every other triple is refused.
    const ALLOWED: &[(S, A, Actor, S)] = &[
        (S::Unpublished, A::Publish, Actor::Publisher, S::Published),
        (S::Published, A::Pause, Actor::Publisher, S::Unpublished),
        (S::Pending, A::Cancel, Actor::Publisher, S::Cancelled),
        (S::Unpublished, A::Cancel, Actor::Publisher, S::Cancelled),
        (S::Published, A::Cancel, Actor::Publisher, S::Cancelled),
        (S::Rejected, A::Cancel, Actor::Publisher, S::Cancelled),
        (S::Pending, A::Edit, Actor::Publisher, S::Pending),
        (S::Unpublished, A::Edit, Actor::Publisher, S::Pending),
        (S::Published, A::Edit, Actor::Publisher, S::Pending),
        (S::OffShelf, A::Edit, Actor::Publisher, S::Pending),
        (S::Rejected, A::Edit, Actor::Publisher, S::Pending),
        (S::Pending, A::Approve, Actor::Admin, S::Unpublished),
        (S::Pending, A::Reject, Actor::Admin, S::Rejected),
        (S::Unpublished, A::OffShelf, Actor::Admin, S::OffShelf),
        (S::Published, A::OffShelf, Actor::Admin, S::OffShelf),
    ];

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
                    let owner = matches!(action, A::Approve | A::Reject | A::OffShelf)
                        .then_some(Actor::Admin)
                        .unwrap_or(Actor::Publisher);
                    let result = transition(from, action, actor);
                    match expected {
                        Some(to) => assert_eq!(result, Ok(to), "{from:?} {action:?} {actor:?}"),
                        None if actor != owner => {
                            assert_eq!(
                                result,
                                Err(ApiError::Forbidden),
                                "{from:?} {action:?} {actor:?}"
                            )
                        }
                        None => assert_eq!(
                            result,
                            Err(ApiError::OperationFailed),
                            "{from:?} {action:?} {actor:?}"
                        ),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 7 * 4);
    }

    #[test]
    fn scores() {
        assert_eq!(score_text(0, 0), "0");
        assert_eq!(score_text(5, 1), "5");
        assert_eq!(score_text(7, 2), "3.5");
        assert_eq!(score_text(10, 3), "3.3");
        assert_eq!(score_text(11, 3), "3.7");
        assert_eq!(score_text(9, 2), "4.5");
    }
}
