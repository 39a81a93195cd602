//! Hourly allowance counters: `PK = QUOTA#{name}#{user_id}`, `SK = HOUR#{hour}`, numeric
//! `used` and the TTL attribute `expires_at`.

use super::{n, ItemKey, Store};
use crate::error::ApiError;
use crate::quota::HourlyQuota;

/// Where `user_id`'s use of `quota` in hour `hour` is counted.
pub fn quota_key(quota: &HourlyQuota, user_id: u64, hour: i64) -> ItemKey {
    ItemKey::new(
        format!("QUOTA#{}#{user_id}", quota.name),
        format!("HOUR#{hour}"),
    )
}

impl Store {
    /// Takes `amount` units of `user_id`'s `quota` for the hour holding `now`: one UpdateItem
    /// `ADD used :amount` conditioned on the count read by DynamoDB itself leaving room
    /// (`used <= limit - amount`), so concurrent requests can never pass the limit together.
    /// `exhausted` when there is no room (nothing is taken then).
    pub async fn take_quota(
        &self,
        quota: &HourlyQuota,
        user_id: u64,
        amount: u64,
        now: i64,
        exhausted: ApiError,
    ) -> Result<(), ApiError> {
        let room = quota.room_for(amount).ok_or_else(|| exhausted.clone())?;
        let window = quota.window(now);
        let update = self
            .update(&quota_key(quota, user_id, window.hour))
            .update_expression("ADD used :amount SET expires_at = :expires")
            .condition_expression("attribute_not_exists(used) OR used <= :room")
            .expression_attribute_values(":amount", n(amount))
            .expression_attribute_values(":room", n(room))
            .expression_attribute_values(":expires", n(window.expires_at));
        self.apply::<serde::de::IgnoredAny>(update, exhausted)
            .await
            .map(drop)
    }
}
