//! User records: `PK = USER#{id}`, `SK = PROFILE`.

use super::{ItemKey, Store};
use crate::error::ApiError;
use crate::user::User;

/// Where user `id` is stored.
pub fn user_key(id: u64) -> ItemKey {
    ItemKey::new(format!("USER#{id}"), "PROFILE")
}

impl Store {
    /// User `id`, if it exists.
    pub async fn user(&self, id: u64) -> Result<Option<User>, ApiError> {
        self.get(&user_key(id)).await
    }

    /// Rewrites an existing user (10008 when it is gone).
    pub async fn save_user(&self, user: &User) -> Result<(), ApiError> {
        self.replace(&user_key(user.id), user, ApiError::NotFound)
            .await
    }
}
