//! User records: `PK = USER#{id}`, `SK = PROFILE`. `session_version` only ever grows, by
//! an atomic `ADD`, so a token once ended stays ended whatever else races.

use super::{n, to_value, ItemKey, Store};
use crate::auth::Role;
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

    /// Rewrites user `user` as read at its session version: when the session ended (or
    /// the roles changed) meanwhile, nothing is written and the caller's token is no
    /// longer valid (10002), so an edit never brings an ended session back.
    pub async fn save_user(&self, user: &User) -> Result<(), ApiError> {
        self.put_if(
            &user_key(user.id),
            user,
            "attribute_exists(PK) AND (attribute_not_exists(session_version) OR session_version = :read)",
            &[(":read", n(user.session_version))],
            ApiError::InvalidToken,
        )
        .await
    }

    /// Ends every session of user `id`: tokens issued before no longer work. A user who
    /// does not exist is 10008.
    pub async fn end_sessions(&self, id: u64) -> Result<(), ApiError> {
        self.bump_session(id, None).await
    }

    /// Replaces the roles of user `id` and ends their sessions (10008 when there is no
    /// such user).
    pub async fn set_roles(&self, id: u64, roles: &[Role]) -> Result<(), ApiError> {
        self.bump_session(id, Some(roles)).await
    }

    async fn bump_session(&self, id: u64, roles: Option<&[Role]>) -> Result<(), ApiError> {
        let mut update = self
            .update(&user_key(id))
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":one", n(1));
        update = match roles {
            Some(roles) => update
                .update_expression("SET #roles = :roles ADD session_version :one")
                .expression_attribute_names("#roles", "roles")
                .expression_attribute_values(":roles", to_value(&roles)?),
            None => update.update_expression("ADD session_version :one"),
        };
        self.apply::<User>(update, ApiError::NotFound)
            .await
            .map(|_| ())
    }
}
