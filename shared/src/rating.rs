//! Ratings (服务评价): a consumer's score of a confirmed order, moderated by the platform.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::file::VariantFolder;
use crate::http::{PageNumber, PageSize};
use crate::market::{Actor, Illustration, PhotoView};
use crate::numeric_enum;
use crate::order::{Order, OrderAction, OrderStatus};
use crate::text::{BoundedText, PositiveInt};
use crate::time::format_datetime;
use crate::user::{Reader, UserView};

numeric_enum! {
    /// Rating status (评价状态).
    pub enum RatingStatus {
        /// 0 已隐藏: hidden by the platform.
        Hidden = 0,
        /// 1 待审核: waiting for moderation.
        Pending = 1,
        /// 2 shown (new ratings start here, contract §9).
        Shown = 2,
    }
}

/// The rating state machine: only an admin moves a rating, to any other status (10010
/// for anyone else; 10009 for a move to the status it already has).
pub fn transition(
    from: RatingStatus,
    to: RatingStatus,
    actor: Actor,
) -> Result<RatingStatus, ApiError> {
    if actor != Actor::Admin {
        return Err(ApiError::Forbidden);
    }
    if from == to {
        return Err(ApiError::OperationFailed);
    }
    Ok(to)
}

/// A score from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Score(u8);

impl TryFrom<i64> for Score {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        match value {
            1..=5 => Ok(Score(value as u8)),
            _ => Err("must be an integer from 1 to 5".to_owned()),
        }
    }
}

impl From<Score> for u8 {
    fn from(score: Score) -> u8 {
        score.0
    }
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// Rating id.
    pub id: u64,
    /// The rated order.
    pub order_id: u64,
    /// The order's service.
    pub service_id: u64,
    /// 1–5.
    pub score: Score,
    /// Text.
    pub content: String,
    /// Photo URLs (the seed's `illustration`).
    #[serde(default)]
    pub illustration: Vec<String>,
    /// Status.
    pub status: RatingStatus,
    /// The consumer who wrote it (snapshot).
    pub author: UserView,
    /// Created at, Unix seconds.
    pub created_at: i64,
    /// Optimistic-concurrency version.
    #[serde(default)]
    pub version: u64,
    /// The rated service as ordered, for moderators; absent on ratings written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_snap: Option<RatedService>,
    /// Whether it is counted in the admin queue tally: false only for ratings stored
    /// before the queues, until `backfill-queues` counts them (see `docs/storage.md`).
    #[serde(default)]
    pub queue_counted: bool,
}

/// What a moderator is shown of the rated service, copied from the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedService {
    /// Title.
    pub title: String,
    /// Cover image file id.
    #[serde(default)]
    pub cover_image_id: Option<u64>,
    /// The cover's variant token (see [`VariantFolder`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_image_token: Option<String>,
}

/// A rating in the admin queue (`GET /v1/admin/ratings`): the seed object with the author's
/// contacts, the order and the service it rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingQueueItem {
    /// The seed object.
    #[serde(flatten)]
    pub rating: RatingView,
    /// The rated order.
    pub order_id: u64,
    /// The rated service.
    pub service_id: u64,
    /// Its title (null for ratings written before it was copied).
    pub service_title: Option<String>,
    /// Its cover photo.
    pub service_cover: Option<PhotoView>,
}

/// The seed's rating object (`GET /v1/rating/order`, `/v1/rating/service`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    /// Rating id.
    pub id: u64,
    /// 1–5.
    pub score: Score,
    /// Text.
    pub content: String,
    /// Photo URLs.
    pub illustration: Vec<String>,
    /// Status.
    pub status: RatingStatus,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
    /// Author.
    pub author: UserView,
}

/// `POST /v1/rating`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewRating {
    /// The order rated.
    pub order_id: PositiveInt,
    /// Optional check: the service the client believes it rates (10020 when it is not the
    /// order's).
    #[serde(default)]
    pub service_id: Option<PositiveInt>,
    /// 1–5.
    pub score: Score,
    /// 1–500 characters.
    pub content: BoundedText<1, 500>,
    /// Up to five image URLs.
    #[serde(default)]
    pub illustration: Illustration,
}

/// `POST /v1/admin/rating/{id}/status`.
#[derive(Debug, Clone, Deserialize)]
pub struct RatingStatusInput {
    /// 0, 1 or 2.
    pub status: RatingStatus,
}

impl Rating {
    /// A rating of `order` by `user_id` (contract §9): 10018 for the publisher, 10019 for
    /// anyone but the consumer, 10020 when `service_id` is not the order's, 10021 when
    /// already rated, 10022 unless the order is confirmed and unrated. Answers the rating
    /// and the order moved 3 → 4.
    pub fn write(
        order: &Order,
        user_id: u64,
        input: NewRating,
        id: u64,
        now: i64,
    ) -> Result<(Rating, Order), ApiError> {
        if order.publisher_id() == user_id {
            return Err(ApiError::RateOwnService);
        }
        if order.consumer.id != user_id {
            return Err(ApiError::RatingNotConsumer);
        }
        if input
            .service_id
            .is_some_and(|service| service.get() != order.service.id)
        {
            return Err(ApiError::RatingServiceMismatch);
        }
        if order.status == OrderStatus::Completed {
            return Err(ApiError::AlreadyRated);
        }
        let status = crate::order::transition(order.status, OrderAction::Rate, Actor::Consumer)
            .map_err(|_| ApiError::RatingFailed)?;
        let rating = Rating {
            id,
            order_id: order.id,
            service_id: order.service.id,
            score: input.score,
            content: input.content.into_inner(),
            illustration: input.illustration.into_urls(),
            status: RatingStatus::Shown,
            author: order.consumer.clone(),
            created_at: now,
            version: 0,
            service_snap: Some(RatedService {
                title: order.service.title.clone(),
                cover_image_id: order.service.cover_image_id,
                cover_image_token: order.service.cover_image_token.clone(),
            }),
            queue_counted: true,
        };
        Ok((rating, order.moved(status)))
    }

    /// What this rating adds to its service's (score sum, count): only shown ratings count.
    pub fn score_share(&self) -> (i64, i64) {
        if self.status == RatingStatus::Shown {
            (i64::from(self.score.0), 1)
        } else {
            (0, 0)
        }
    }

    /// This rating moved to `to` by `actor`, version bumped.
    pub fn moderated(&self, to: RatingStatus, actor: Actor) -> Result<Rating, ApiError> {
        let mut next = self.clone();
        next.status = transition(self.status, to, actor)?;
        next.version += 1;
        Ok(next)
    }

    /// The seed object.
    pub fn view(&self) -> RatingView {
        RatingView {
            id: self.id,
            score: self.score,
            content: self.content.clone(),
            illustration: self.illustration.clone(),
            status: self.status,
            create_time: format_datetime(self.created_at),
            author: self.author.clone(),
        }
    }

    /// The admin queue's item: the author with contacts, the order, the service.
    pub fn queue_item(&self, asset_base_url: &str, reader: Reader) -> RatingQueueItem {
        let snap = self.service_snap.as_ref();
        RatingQueueItem {
            rating: self.view_for(reader),
            order_id: self.order_id,
            service_id: self.service_id,
            service_title: snap.map(|service| service.title.clone()),
            service_cover: snap.and_then(|service| {
                let id = service.cover_image_id?;
                let folder = VariantFolder::of(id, service.cover_image_token.as_deref());
                Some(PhotoView::of(id, &folder, asset_base_url))
            }),
        }
    }

    /// The seed object as `reader` may see it: the author's `real_name` and `tel` only for
    /// the author and admins.
    pub fn view_for(&self, reader: Reader) -> RatingView {
        let mut view = self.view();
        view.author = view.author.shown_to(reader);
        view
    }
}

/// `GET /v1/rating/order`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderIdQuery {
    /// The order.
    pub order_id: PositiveInt,
}

/// `GET /v1/rating/service`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceRatingsQuery {
    /// The service.
    pub service_id: PositiveInt,
    /// Page, from 1.
    pub page: PageNumber,
    /// Items per page.
    pub count: PageSize,
}

/// What `POST /v1/rating` answers (the seed's strings for `id` and `score`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingCreated {
    /// Rating id, as a string.
    pub id: String,
    /// Score, as a string.
    pub score: String,
    /// Text.
    pub content: String,
    /// Photo URLs.
    pub illustration: Vec<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub create_time: String,
}

impl Rating {
    /// The create answer.
    pub fn created(&self) -> RatingCreated {
        RatingCreated {
            id: self.id.to_string(),
            score: self.score.0.to_string(),
            content: self.content.clone(),
            illustration: self.illustration.clone(),
            create_time: format_datetime(self.created_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RatingStatus as S;

    #[test]
    fn every_triple() {
        let mut checked = 0;
        for &from in S::ALL {
            for &to in S::ALL {
                for actor in Actor::ALL {
                    let result = transition(from, to, actor);
                    let expected = if actor != Actor::Admin {
                        Err(ApiError::Forbidden)
                    } else if from == to {
                        Err(ApiError::OperationFailed)
                    } else {
                        Ok(to)
                    };
                    assert_eq!(result, expected, "{from:?} {to:?} {actor:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 3 * 3 * 4);
    }

    #[test]
    fn scores() {
        assert!(Score::try_from(0).is_err());
        assert!(Score::try_from(6).is_err());
        assert_eq!(u8::from(Score::try_from(5).unwrap()), 5);
    }
}
