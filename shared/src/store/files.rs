//! File records: `PK = FILE#{id}`, `SK = FILE`.

use super::{n, s, to_value, ItemKey, Store};
use crate::error::ApiError;
use crate::file::{transition, FileAction, FileRecord, FileStatus};

/// Where file `id` is recorded.
pub fn file_key(id: u64) -> ItemKey {
    ItemKey::new(format!("FILE#{id}"), "FILE")
}

impl Store {
    /// File `id`, if recorded.
    pub async fn file(&self, id: u64) -> Result<Option<FileRecord>, ApiError> {
        self.get(&file_key(id)).await
    }

    /// The files among `ids` that exist, in one BatchGetItem round (per 100 ids).
    pub async fn files(&self, ids: &[u64]) -> Result<Vec<FileRecord>, ApiError> {
        let keys: Vec<ItemKey> = ids.iter().map(|id| file_key(*id)).collect();
        self.batch_get(&keys).await
    }

    /// Makes `user_id` the owner of every file of `files` (as read) that nobody owns yet,
    /// each by one write conditioned on it still being unowned, and ends its expiry. 10000
    /// naming `field` when another user claimed one first. Files already owned are not
    /// written: attaching them costs nothing extra.
    pub async fn claim_files(
        &self,
        files: &[FileRecord],
        user_id: u64,
        field: &str,
    ) -> Result<(), ApiError> {
        for file in files.iter().filter(|file| file.needs_claim()) {
            let update = self
                .update(&file_key(file.id))
                .update_expression("SET owner_id = :user REMOVE expires_at")
                .condition_expression("attribute_not_exists(owner_id) OR owner_id = :user")
                .expression_attribute_values(":user", n(user_id));
            let taken = ApiError::invalid(field, format!("file {} is not yours", file.id));
            self.apply::<FileRecord>(update, taken).await?;
        }
        Ok(())
    }

    /// Records a new file.
    pub async fn create_file(&self, file: &FileRecord) -> Result<(), ApiError> {
        self.put_new(&file_key(file.id), file, ApiError::FileSaveFailed)
            .await
    }
}

/// How processing a file ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Variants written; the size of `ori`.
    Ready {
        /// Width of `ori`.
        width: u32,
        /// Height of `ori`.
        height: u32,
    },
    /// The original is unusable.
    Failed {
        /// Why, for the uploader.
        reason: String,
    },
}

impl Store {
    /// Claims `file` (as read) for the delivery `token` processing the original with `etag`,
    /// by `action` (`Claim`, or `TakeOver` of an expired claim). One write conditioned on
    /// the state, claim and ETag read: of two deliveries at once exactly one gets the
    /// record back; the other gets `None` and leaves the file alone.
    pub async fn claim_file(
        &self,
        file: &FileRecord,
        action: FileAction,
        etag: &str,
        token: &str,
        until: i64,
    ) -> Result<Option<FileRecord>, ApiError> {
        let next = transition(file.status, action).map_err(|_| ApiError::OperationFailed)?;
        let mut update = self
            .update(&file_key(file.id))
            .update_expression(
                "SET #status = :next, claim = :token, claimed_until = :until, etag = :etag \
                 REMOVE reason, expires_at",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":read", to_value(&file.status)?)
            .expression_attribute_values(":next", to_value(&next)?)
            .expression_attribute_values(":token", s(token))
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":etag", s(etag));
        let mut condition = vec!["#status = :read".to_owned()];
        for (attribute, read) in [("claim", &file.claim), ("etag", &file.etag)] {
            match read {
                Some(value) => {
                    condition.push(format!("{attribute} = :read_{attribute}"));
                    update =
                        update.expression_attribute_values(format!(":read_{attribute}"), s(value));
                }
                None => condition.push(format!("attribute_not_exists({attribute})")),
            }
        }
        let update = update.condition_expression(condition.join(" AND "));
        match self.apply(update, ApiError::OperationFailed).await {
            Ok(record) => Ok(Some(record)),
            Err(ApiError::OperationFailed) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Marks `file` (as read) `failed` with `reason` once Lambda gave up on its upload
    /// event: one write conditioned on the state and claim read, so a delivery that
    /// claimed or finished it meanwhile wins and this answers `None`.
    pub async fn give_up_file(
        &self,
        file: &FileRecord,
        reason: &str,
    ) -> Result<Option<FileRecord>, ApiError> {
        let next = transition(file.status, FileAction::GiveUp).map_err(ApiError::internal)?;
        let mut update = self
            .update(&file_key(file.id))
            .update_expression(
                "SET #status = :next, reason = :reason REMOVE claim, claimed_until, expires_at",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":read", to_value(&file.status)?)
            .expression_attribute_values(":next", to_value(&next)?)
            .expression_attribute_values(":reason", s(reason));
        let condition = match &file.claim {
            Some(claim) => {
                update = update.expression_attribute_values(":claim", s(claim));
                "#status = :read AND claim = :claim"
            }
            None => "#status = :read AND attribute_not_exists(claim)",
        };
        match self
            .apply(
                update.condition_expression(condition),
                ApiError::OperationFailed,
            )
            .await
        {
            Ok(record) => Ok(Some(record)),
            Err(ApiError::OperationFailed) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Records how processing ended, if the delivery `token` still holds the claim
    /// (10009 when another delivery took it over).
    pub async fn finish_file(
        &self,
        id: u64,
        token: &str,
        outcome: &FileOutcome,
    ) -> Result<FileRecord, ApiError> {
        let (action, set) = match outcome {
            FileOutcome::Ready { .. } => (FileAction::Complete, "width = :width, height = :height"),
            FileOutcome::Failed { .. } => (FileAction::Fail, "reason = :reason"),
        };
        let next = transition(FileStatus::Processing, action).map_err(ApiError::internal)?;
        let mut update = self
            .update(&file_key(id))
            .update_expression(format!(
                "SET #status = :next, {set} REMOVE claim, claimed_until"
            ))
            .condition_expression("#status = :processing AND claim = :token")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":next", to_value(&next)?)
            .expression_attribute_values(":processing", to_value(&FileStatus::Processing)?)
            .expression_attribute_values(":token", s(token));
        update = match outcome {
            FileOutcome::Ready { width, height } => update
                .expression_attribute_values(":width", n(width))
                .expression_attribute_values(":height", n(height)),
            FileOutcome::Failed { reason } => {
                update.expression_attribute_values(":reason", s(reason))
            }
        };
        self.apply(update, ApiError::OperationFailed).await
    }
}

impl Store {
    /// Records new files in one transaction (all or none; 10007 if any id is taken).
    pub async fn create_files(&self, files: &[FileRecord]) -> Result<(), ApiError> {
        let steps = files
            .iter()
            .map(|file| self.put_new_step(&file_key(file.id), file))
            .collect::<Result<Vec<_>, _>>()?;
        self.transact(steps, |_| ApiError::FileSaveFailed).await
    }
}
