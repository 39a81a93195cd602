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

/// Where `credential` is stored, with its place in the registration-order list.
fn listed_credential_key(credential: &Credential) -> ItemKey {
    credential_key(&credential.i_code, credential.order_no).with(
        Index::Gsi1,
        "CREDS",
        id_sort_key(credential.id),
    )
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
        let at = listed_credential_key(credential);
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

    /// Registers, in bulk, those of `pairs` (`i_code`, `order_no`, nickname) not yet
    /// registered, without roles (directory members); answers how many were new. Ids
    /// come from one reservation and the list total moves once.
    pub async fn register_missing_credentials(
        &self,
        pairs: &[(String, u64, String)],
        now: i64,
    ) -> Result<usize, ApiError> {
        let keys: Vec<ItemKey> = pairs
            .iter()
            .map(|(i_code, order_no, _)| credential_key(i_code, *order_no))
            .collect();
        let existing: Vec<Credential> = self.batch_get(&keys).await?;
        let missing: Vec<&(String, u64, String)> = pairs
            .iter()
            .filter(|(i_code, order_no, _)| {
                !existing
                    .iter()
                    .any(|c| &c.i_code == i_code && c.order_no == *order_no)
            })
            .collect();
        if missing.is_empty() {
            return Ok(0);
        }
        let count = missing.len() as u64;
        let last = self.reserve_ids("credential", count).await?;
        let mut items = Vec::with_capacity(missing.len());
        for (offset, (i_code, order_no, nickname)) in missing.into_iter().enumerate() {
            let credential = Credential {
                id: last - count + 1 + offset as u64,
                i_code: i_code.clone(),
                order_no: *order_no,
                roles: Vec::new(),
                nickname: Some(nickname.clone()),
                company_id: None,
                user_id: None,
                created_at: now,
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
