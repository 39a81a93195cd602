//! Ratings: `PK = RATING#{id}`, `SK = RATING`; by order through `GSI1PK = RATING#O#{order}`,
//! shown ratings of a service through `GSI2PK = RATING#S#{service}`. Tally:
//! `rating-S{service}` (`all`, `shown`); the admin queue by status through
//! `GSI1PK = RATING#ST{status}` on a copy `SK = QUEUE`, tallied in `rating-queue` (`s{status}`). A rating's score share is also added to its
//! service's `rating_sum`/`rating_count` in the same transaction.

use super::aggregate::{retry, Aggregate};
use super::backfill::Queued;
use super::services::service_items;
use super::{id_sort_key, Index, ItemKey, Store};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::market::Actor;
use crate::rating::{NewRating, Rating, RatingStatus};

/// Where rating `id` is read by id.
pub fn rating_key(id: u64) -> ItemKey {
    ItemKey::new(format!("RATING#{id}"), "RATING")
}

/// Tally of the ratings in each status (`s{status}`), for the admin queue.
pub const QUEUE_COUNTER: &str = "rating-queue";

/// Tally of a service's ratings.
pub fn ratings_counter(service_id: u64) -> String {
    format!("rating-S{service_id}")
}

impl Aggregate for Rating {
    fn keys(&self) -> Vec<ItemKey> {
        let sort = id_sort_key(self.id);
        let mut main =
            rating_key(self.id).with(Index::Gsi1, format!("RATING#O#{}", self.order_id), &sort);
        if self.status == RatingStatus::Shown {
            main = main.with(Index::Gsi2, format!("RATING#S#{}", self.service_id), &sort);
        }
        // The queue key sits on a copy, on GSI1: the ratings function reads GSI1 and GSI2 only.
        let queue = ItemKey::new(format!("RATING#{}", self.id), "QUEUE").with(
            Index::Gsi1,
            format!("RATING#ST{}", self.status.code()),
            &sort,
        );
        vec![main, queue]
    }

    fn tallies(&self) -> Vec<(String, String)> {
        let counter = ratings_counter(self.service_id);
        let mut tallies = vec![(counter.clone(), "all".to_owned())];
        if self.status == RatingStatus::Shown {
            tallies.push((counter, "shown".to_owned()));
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
    /// Rating `id`, if it exists.
    pub async fn rating(&self, id: u64) -> Result<Option<Rating>, ApiError> {
        self.get(&rating_key(id)).await
    }

    /// `POST /v1/rating`: reads the order, decides
    /// (contract §9), then writes the rating, the order's move 3 → 4 and the service's
    /// score sum and count in one transaction conditioned on the order's version. Of racing
    /// ratings of one order one is written; the others, deciding again, get 10021.
    pub async fn rate_order(
        &self,
        user_id: u64,
        input: NewRating,
        now: i64,
    ) -> Result<Rating, ApiError> {
        let order = self
            .order_deciding(input.order_id.get(), |order| {
                Rating::write(order, user_id, input.clone(), 0, now).map(drop)
            })
            .await?;
        let id = self.next_id("rating").await?;
        self.write_on_order(order, ApiError::RatingFailed, |order, txn| {
            let (rating, rated) = Rating::write(order, user_id, input.clone(), id, now)?;
            let (sum, count) = rating.score_share();
            txn.write(None, &rating)?.write(Some(order), &rated)?.bump(
                &service_items(rating.service_id),
                &[("rating_sum", sum), ("rating_count", count)],
            )?;
            Ok(rating)
        })
        .await
    }

    /// The rating of order `order_id`, if any (one Query).
    pub async fn rating_of_order(&self, order_id: u64) -> Result<Option<Rating>, ApiError> {
        let ratings: Vec<Rating> = self
            .query_partition(Some(Index::Gsi1), &format!("RATING#O#{order_id}"), true, 1)
            .await?;
        Ok(ratings.into_iter().next())
    }

    /// A page of the shown ratings of service `service_id`, newest first.
    pub async fn service_ratings(
        &self,
        service_id: u64,
        query: PageQuery,
    ) -> Result<Page<Rating>, ApiError> {
        self.page_of(
            Index::Gsi2,
            &format!("RATING#S#{service_id}"),
            &ratings_counter(service_id),
            "shown",
            query,
        )
        .await
    }

    /// `POST /v1/admin/rating/{id}/status`: moves the rating and keeps its service's score
    /// sum and count equal to its shown ratings, in one transaction. 10008 when missing.
    pub async fn moderate_rating(&self, id: u64, to: RatingStatus) -> Result<Rating, ApiError> {
        retry(
            || async move {
                let rating = self.rating(id).await?.ok_or(ApiError::NotFound)?;
                let next = rating.moderated(to, Actor::Admin)?;
                let (old_sum, old_count) = rating.score_share();
                let (new_sum, new_count) = next.score_share();
                let mut txn = self.txn();
                txn.write(Some(&rating), &next)?;
                if new_count != old_count {
                    txn.bump(
                        &service_items(rating.service_id),
                        &[
                            ("rating_sum", new_sum - old_sum),
                            ("rating_count", new_count - old_count),
                        ],
                    )?;
                }
                Ok(txn.commit().await?.then_some(next))
            },
            ApiError::OperationFailed,
        )
        .await
    }

    /// `GET /v1/admin/ratings?status=`: a page of the ratings in `status`, newest first
    /// (one Query on GSI1 over the `QUEUE` copies and the tally GetItem, concurrently).
    pub async fn ratings_in(
        &self,
        status: RatingStatus,
        query: PageQuery,
    ) -> Result<Page<Rating>, ApiError> {
        let status = status.code();
        self.page_of(
            Index::Gsi1,
            &format!("RATING#ST{status}"),
            QUEUE_COUNTER,
            &format!("s{status}"),
            query,
        )
        .await
    }
}

impl Queued for Rating {
    const MAIN_SK: &'static str = "RATING";

    fn main_key(id: u64) -> ItemKey {
        rating_key(id)
    }

    fn counted(&self) -> Option<Self> {
        (!self.queue_counted).then(|| Rating {
            queue_counted: true,
            version: self.version + 1,
            ..self.clone()
        })
    }
}
