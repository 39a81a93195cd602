//! Failed-login windows: `PK = THROTTLE#IP#{address}` or `THROTTLE#ICODE#{i_code}`,
//! `SK = LOGIN`, with `expires_at` (DynamoDB TTL) when the window closes. A failure is one
//! conditional `UpdateItem` — `ADD` inside an open window, else a reset that opens a new
//! one — so concurrent failures are all counted.

use super::{n, ItemKey, Store};
use crate::error::ApiError;
use crate::throttle::{FailureWindow, LoginSubject};

fn window_key(subject: &LoginSubject) -> ItemKey {
    let pk = match subject {
        LoginSubject::SourceIp(address) => format!("THROTTLE#IP#{address}"),
        LoginSubject::ICode(i_code) => format!("THROTTLE#ICODE#{i_code}"),
    };
    ItemKey::new(pk, "LOGIN")
}

/// How many times a failure is re-tried when a reset and an `ADD` race.
const COUNT_ATTEMPTS: usize = 3;

impl Store {
    /// The current windows of `subjects`, in their order (`None` for none), in one call.
    pub async fn failure_windows(
        &self,
        subjects: &[LoginSubject],
    ) -> Result<Vec<Option<FailureWindow>>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Stored {
            #[serde(rename = "PK")]
            pk: String,
            #[serde(flatten)]
            window: FailureWindow,
        }
        let keys: Vec<ItemKey> = subjects.iter().map(window_key).collect();
        let found: Vec<Stored> = self.batch_get(&keys).await?;
        Ok(keys
            .iter()
            .map(|at| {
                found
                    .iter()
                    .find(|stored| stored.pk == at.pk)
                    .map(|stored| stored.window)
            })
            .collect())
    }

    /// Counts one failed login of `subject` at `now` in windows of `window_seconds`.
    pub async fn count_failure(
        &self,
        subject: &LoginSubject,
        now: i64,
        window_seconds: i64,
    ) -> Result<(), ApiError> {
        let at = window_key(subject);
        for _ in 0..COUNT_ATTEMPTS {
            let counted = self
                .update(&at)
                .update_expression("ADD failures :one")
                .condition_expression("opened_at > :cutoff")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":cutoff", n(now - window_seconds));
            match self
                .apply::<FailureWindow>(counted, ApiError::OperationFailed)
                .await
            {
                Err(ApiError::OperationFailed) => {}
                other => return other.map(|_| ()),
            }
            let opened = self
                .update(&at)
                .update_expression("SET failures = :one, opened_at = :now, expires_at = :closes")
                .condition_expression("attribute_not_exists(PK) OR opened_at <= :cutoff")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":closes", n(now + window_seconds))
                .expression_attribute_values(":cutoff", n(now - window_seconds));
            match self
                .apply::<FailureWindow>(opened, ApiError::OperationFailed)
                .await
            {
                Err(ApiError::OperationFailed) => {}
                other => return other.map(|_| ()),
            }
        }
        Err(ApiError::internal("failed-login window kept changing"))
    }
}
