//! One-shot rewrite of credential pairs stored before pairs were keyed by their HMAC:
//! `CRED#{i_code}#{order_no}` items (with `order_no` in clear) and the member links
//! `MOB#CRED#{i_code}#{order_no}`. Each is put under its digest and deleted in one
//! transaction (a credential also loses its `order_no`; an admin pair is counted in
//! `admin-credentials`; a linked member that exists learns its pair's digest). Running it again finds
//! nothing left to do. An operator runs it once (`migrate-pairs`, see `docs/storage.md`);
//! it scans the table, which no request path does.

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use serde::Deserialize;

use super::credentials::credential_key;
use super::mobilization::credential_link_key;
use super::{from_item, s, sdk_error, Index, Item, ItemKey, Store};
use crate::auth::Role;
use crate::config::BootstrapAdmin;
use crate::credential::{mask_order_no, Credential, Pepper};
use crate::error::ApiError;

/// What a migration rewrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Credential pairs now keyed by their digest.
    pub credentials: usize,
    /// Member links now keyed by their digest.
    pub links: usize,
}

#[derive(Deserialize)]
struct LegacyCredential {
    id: u64,
    i_code: String,
    order_no: u64,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    company_id: Option<u64>,
    #[serde(default)]
    user_id: Option<u64>,
    created_at: i64,
}

#[derive(Deserialize)]
struct LegacyLink {
    soldier_id: u64,
}

/// `(i_code, order_no)` of a key `{prefix}{i_code}#{order_no}`; `None` for a digest key.
fn legacy_pair<'a>(pk: &'a str, prefix: &str) -> Option<(&'a str, u64)> {
    let (i_code, order_no) = pk.strip_prefix(prefix)?.rsplit_once('#')?;
    Some((i_code, order_no.parse().ok()?))
}

impl Store {
    /// Rewrites every legacy pair and link through `pepper` (see the module);
    /// `bootstrap` marks the configured bootstrap admin pair as such.
    pub async fn migrate_pairs(
        &self,
        pepper: &Pepper,
        bootstrap: Option<&BootstrapAdmin>,
    ) -> Result<Migrated, ApiError> {
        let mut migrated = Migrated::default();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression("begins_with(PK, :cred) OR begins_with(PK, :link)")
                .expression_attribute_values(":cred", s("CRED#"))
                .expression_attribute_values(":link", s("MOB#CRED#"))
                .set_exclusive_start_key(start)
                .consistent_read(true)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in page.items.unwrap_or_default() {
                let pk = item.get("PK").and_then(|pk| pk.as_s().ok()).cloned();
                let Some(pk) = pk else { continue };
                if let Some((i_code, order_no)) = legacy_pair(&pk, "MOB#CRED#") {
                    let link: LegacyLink = from_item(item)?;
                    self.migrate_link(&pk, pepper, i_code, order_no, link.soldier_id)
                        .await?;
                    migrated.links += 1;
                } else if legacy_pair(&pk, "CRED#").is_some() {
                    let legacy: LegacyCredential = from_item(item)?;
                    self.migrate_credential(&pk, pepper, legacy, bootstrap)
                        .await?;
                    migrated.credentials += 1;
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(migrated);
            }
        }
    }

    async fn migrate_credential(
        &self,
        old_pk: &str,
        pepper: &Pepper,
        legacy: LegacyCredential,
        bootstrap: Option<&BootstrapAdmin>,
    ) -> Result<(), ApiError> {
        let is_bootstrap = bootstrap.is_some_and(|admin| {
            admin.i_code == legacy.i_code && admin.order_no == legacy.order_no
        });
        let credential = Credential {
            id: legacy.id,
            pair: pepper.pair(&legacy.i_code, legacy.order_no),
            order_no_hint: mask_order_no(legacy.order_no),
            i_code: legacy.i_code,
            roles: legacy.roles,
            nickname: legacy.nickname,
            company_id: legacy.company_id,
            user_id: legacy.user_id,
            bootstrap: is_bootstrap,
            created_at: legacy.created_at,
        };
        let at = credential_key(&credential.pair).with(
            Index::Gsi1,
            "CREDS",
            super::id_sort_key(credential.id),
        );
        let mut steps = vec![
            self.put_new_step(&at, &credential)?,
            self.delete_existing_step(&ItemKey::new(old_pk, "CRED"))?,
        ];
        if credential.counts_as_admin() {
            steps.push(self.add_to_total("admin-credentials", 1)?);
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    async fn migrate_link(
        &self,
        old_pk: &str,
        pepper: &Pepper,
        i_code: &str,
        order_no: u64,
        soldier_id: u64,
    ) -> Result<(), ApiError> {
        let pair = pepper.pair(i_code, order_no);
        let link = Put::builder()
            .table_name(self.table())
            .set_item(Some(
                credential_link_key(&pair)
                    .item(&serde_json::json!({ "soldier_id": soldier_id }))?,
            ))
            .build()
            .map_err(ApiError::internal)?;
        let member = Update::builder()
            .table_name(self.table())
            .set_key(Some(
                ItemKey::new(format!("MOB#MEMBER#{soldier_id}"), "MEMBER").key(),
            ))
            .update_expression("SET pair = :pair")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":pair", s(pair.as_str()))
            .build()
            .map_err(ApiError::internal)?;
        let mut steps = vec![
            TransactWriteItem::builder().put(link).build(),
            self.delete_existing_step(&ItemKey::new(old_pk, "MEMBER"))?,
        ];
        if self.member(soldier_id).await?.is_some() {
            steps.push(TransactWriteItem::builder().update(member).build());
        }
        self.transact(steps, |_| ApiError::OperationFailed).await
    }

    fn delete_existing_step(&self, at: &ItemKey) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(at.key()))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_keys_are_told_from_digest_keys() {
        assert_eq!(
            legacy_pair("CRED#imooc#20260101", "CRED#"),
            Some(("imooc", 20260101))
        );
        assert_eq!(
            legacy_pair("MOB#CRED#mob-1#1", "MOB#CRED#"),
            Some(("mob-1", 1))
        );
        let digest = "CRED#".to_owned() + &"a".repeat(64);
        assert_eq!(legacy_pair(&digest, "CRED#"), None);
        assert_eq!(legacy_pair("CRED#a#b", "CRED#"), None);
    }
}
