//! Credential pairs: `PK = CRED#{i_code}#{order_no}`, `SK = CRED`; listed in registration
//! order through `GSI1PK = CREDS`, `GSI1SK = {id:020}`; total in the `credentials` counter.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

use super::users::user_key;
use super::{id_sort_key, n, Index, ItemKey, Store};
use crate::credential::Credential;
use crate::error::ApiError;
use crate::http::{Page, PageQuery};
use crate::user::User;

const TOTAL: &str = "credentials";

/// Where the pair (`i_code`, `order_no`) is stored.
pub fn credential_key(i_code: &str, order_no: u64) -> ItemKey {
    ItemKey::new(format!("CRED#{i_code}#{order_no}"), "CRED")
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
    /// The credential pair, if registered.
    pub async fn credential(
        &self,
        i_code: &str,
        order_no: u64,
    ) -> Result<Option<Credential>, ApiError> {
        self.get(&credential_key(i_code, order_no)).await
    }

    /// Registers a pair and counts it; an already registered pair is 10009.
    pub async fn register_credential(&self, credential: &Credential) -> Result<(), ApiError> {
        let at = credential_key(&credential.i_code, credential.order_no).with(
            Index::Gsi1,
            "CREDS",
            id_sort_key(credential.id),
        );
        let steps = vec![
            self.put_new_step(&at, credential)?,
            self.add_to_total(TOTAL, 1)?,
        ];
        self.transact(steps, |_| ApiError::OperationFailed).await
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
            .set_key(Some(
                credential_key(&credential.i_code, credential.order_no).key(),
            ))
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
            self.query_partition::<Credential>(Some(Index::Gsi1), "CREDS", true, query.end()),
        )?;
        Ok(Page::new(query, total, query.slice(items)))
    }
}
