//! Credential pairs: `PK = CRED#{digest}`, `SK = CRED`, the digest being the pair's
//! HMAC ([`crate::credential::Pepper::pair`]); listed in registration order through
//! `GSI1PK = CREDS`, `GSI1SK = {id:020}`; totals in the `credentials` and
//! `admin-credentials` counters.

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};

use super::mobilization::credential_link_key;
use super::query::KeyRange;
use super::users::user_key;
use super::{id_sort_key, n, Index, ItemKey, Store};
use crate::credential::{Credential, PairDigest};
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::user::User;

const TOTAL: &str = "credentials";
/// Registered pairs with the admin role, the bootstrap pair aside.
const ADMIN_TOTAL: &str = "admin-credentials";
const LIST: &str = "CREDS";

/// Where the pair with digest `pair` is stored.
pub fn credential_key(pair: &PairDigest) -> ItemKey {
    ItemKey::new(format!("CRED#{}", pair.as_str()), "CRED")
}

/// Where `credential` is stored, with its place in the registration-order list.
fn listed_credential_key(credential: &Credential) -> ItemKey {
    credential_key(&credential.pair).with(Index::Gsi1, LIST, id_sort_key(credential.id))
}

/// What binding a first-time user to a credential did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// This call created the user.
    Created,
    /// A concurrent sign-in bound another user first; use the credential's `user_id`.
    LostRace,
}

impl Store {
    /// The credential pair with digest `pair`, if registered.
    pub async fn credential(&self, pair: &PairDigest) -> Result<Option<Credential>, ApiError> {
        self.get(&credential_key(pair)).await
    }

    /// The credential registered as `id`, found through the registration-order list.
    pub async fn credential_by_id(&self, id: u64) -> Result<Option<Credential>, ApiError> {
        let found: Vec<Credential> = self
            .query_range(
                Some(Index::Gsi1),
                LIST,
                KeyRange::BeginsWith(id_sort_key(id)),
                true,
                1,
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// How many pairs other than the bootstrap one carry the admin role.
    pub async fn admin_credentials(&self) -> Result<u64, ApiError> {
        self.total(ADMIN_TOTAL).await
    }

    /// Registers a pair and counts it; an already registered pair is 10009.
    pub async fn register_credential(&self, credential: &Credential) -> Result<(), ApiError> {
        let at = listed_credential_key(credential);
        let mut steps = vec![
            self.put_new_step(&at, credential)?,
            self.add_to_total(TOTAL, 1)?,
        ];
        if credential.counts_as_admin() {
            steps.push(self.add_to_total(ADMIN_TOTAL, 1)?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// Removes `credential` as read: the pair stops signing in, a mobilization member's
    /// link to it goes, the totals move, and the bound user's sessions end — in one
    /// transaction, so a concurrent removal or binding makes it 10009.
    pub async fn remove_credential(&self, credential: &Credential) -> Result<(), ApiError> {
        let at = credential_key(&credential.pair);
        let mut delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(at.key()))
            .expression_attribute_names("#id", "id")
            .expression_attribute_values(":id", n(credential.id));
        delete = match credential.user_id {
            Some(user) => delete
                .condition_expression("#id = :id AND user_id = :user")
                .expression_attribute_values(":user", n(user)),
            None => delete.condition_expression("#id = :id AND attribute_not_exists(user_id)"),
        };
        let link = Delete::builder()
            .table_name(self.table())
            .set_key(Some(credential_link_key(&credential.pair).key()))
            .build()
            .map_err(ApiError::internal)?;
        let mut steps = vec![
            TransactWriteItem::builder()
                .delete(delete.build().map_err(ApiError::internal)?)
                .build(),
            TransactWriteItem::builder().delete(link).build(),
            self.add_to_total(TOTAL, -1)?,
        ];
        if credential.counts_as_admin() {
            steps.push(self.add_to_total(ADMIN_TOTAL, -1)?);
        }
        if let Some(user) = credential.user_id {
            steps.push(self.end_sessions_step(user)?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    /// A transaction step that ends every session of user `id` (who must exist).
    pub fn end_sessions_step(&self, id: u64) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(user_key(id).key()))
            .update_expression("ADD session_version :one")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Creates `user` and binds it to `credential` in one transaction, unless another
    /// sign-in bound a user first.
    pub async fn bind_new_user(
        &self,
        credential: &Credential,
        user: &User,
    ) -> Result<Binding, ApiError> {
        let bind = Update::builder()
            .table_name(self.table())
            .set_key(Some(credential_key(&credential.pair).key()))
            .update_expression("SET user_id = :user")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(user_id)")
            .expression_attribute_values(":user", n(user.id))
            .build()
            .map_err(ApiError::internal)?;
        let steps = vec![
            self.put_new_step(&user_key(user.id), user)?,
            TransactWriteItem::builder().update(bind).build(),
        ];
        match self.transact(steps, |_| ApiError::OperationFailed).await {
            Ok(()) => Ok(Binding::Created),
            Err(ApiError::OperationFailed) => Ok(Binding::LostRace),
            Err(error) => Err(error),
        }
    }

    /// One page of credentials in registration order, with the total from its counter.
    pub async fn credentials_page(&self, query: PageQuery) -> Result<Page<Credential>, ApiError> {
        let (total, items) = tokio::try_join!(
            self.total(TOTAL),
            self.query_partition::<Credential>(Some(Index::Gsi1), LIST, true, query.end()),
        )?;
        Ok(Page::new(query, total, query.slice(items)))
    }

    /// Registers, in bulk, those of `credentials` (built without ids or roles: directory
    /// members) whose pairs are not registered yet; answers how many were new. Ids come
    /// from one reservation and the list total moves once.
    pub async fn register_missing_credentials(
        &self,
        credentials: &[Credential],
    ) -> Result<usize, ApiError> {
        let keys: Vec<ItemKey> = credentials
            .iter()
            .map(|credential| credential_key(&credential.pair))
            .collect();
        let existing: Vec<Credential> = self.batch_get(&keys).await?;
        let missing: Vec<&Credential> = credentials
            .iter()
            .filter(|credential| !existing.iter().any(|c| c.pair == credential.pair))
            .collect();
        if missing.is_empty() {
            return Ok(0);
        }
        let count = missing.len() as u64;
        let last = self.reserve_ids("credential", count).await?;
        let mut items = Vec::with_capacity(missing.len());
        for (offset, template) in missing.into_iter().enumerate() {
            let credential = Credential {
                id: last - count + 1 + offset as u64,
                roles: Vec::new(),
                ..template.clone()
            };
            items.push(listed_credential_key(&credential).item(&credential)?);
        }
        self.batch_put(items).await?;
        self.update(&ItemKey::new(super::COUNTER_PK, format!("total#{TOTAL}")))
            .update_expression("ADD #value :delta")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":delta", n(count))
            .send()
            .await
            .map_err(super::sdk_error)?;
        Ok(count as usize)
    }
}
