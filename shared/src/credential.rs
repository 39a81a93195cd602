//! Credential pairs (`i_code`, `order_no`): what `POST /v1/token` exchanges for a token.
//! An admin registers them with roles; the first sign-in creates the user.
//!
//! A pair is a password, so it is stored as one: the table keys it by
//! `HMAC-SHA256(pepper, i_code, order_no)` ([`Pepper::pair`]), and no item holds the
//! `order_no` in clear — only a masked hint for the admin list ([`mask_order_no`]).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::auth::{distinct_roles, Role};
use crate::error::ApiError;
use crate::text::{BoundedText, BoundedVec, ICode, PositiveInt};

/// The server-side secret that keys credential pairs (an SSM SecureString when deployed).
/// Its `Debug` shows nothing, so it cannot reach a log.
#[derive(Clone)]
pub struct Pepper(Vec<u8>);

impl std::fmt::Debug for Pepper {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Pepper(..)")
    }
}

/// The digest that keys a pair: 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PairDigest(String);

impl PairDigest {
    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Pepper {
    /// A pepper of `secret`'s bytes.
    pub fn new(secret: &[u8]) -> Self {
        Pepper(secret.to_vec())
    }

    /// `HMAC-SHA256(pepper, len(i_code) ‖ i_code ‖ order_no)`, the length prefix keeping
    /// every (code, number) pair's input distinct.
    pub fn pair(&self, i_code: &str, order_no: u64) -> PairDigest {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(&(i_code.len() as u64).to_be_bytes());
        mac.update(i_code.as_bytes());
        mac.update(&order_no.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        PairDigest(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }
}

/// `order_no` as the admin list shows it: `****` and at most its last four digits, never
/// more than half of them (a four-digit number shows two).
pub fn mask_order_no(order_no: u64) -> String {
    let digits = order_no.to_string();
    let shown = (digits.len() / 2).min(4);
    format!("****{}", &digits[digits.len() - shown..])
}

/// A stored credential pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// Registration id.
    pub id: u64,
    /// The pair's code (课程验证码), shown to admins.
    pub i_code: String,
    /// The pair's digest, which keys it.
    pub pair: PairDigest,
    /// The pair's number (订单号), masked ([`mask_order_no`]).
    pub order_no_hint: String,
    /// Roles the user gets at first sign-in.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Nickname the user gets at first sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// For a designer: their company's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    /// The user bound at first sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<u64>,
    /// The bootstrap admin pair from configuration: it signs in only while no other admin
    /// credential exists.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bootstrap: bool,
    /// Registered at, Unix seconds.
    pub created_at: i64,
}

impl Credential {
    /// The pair of a directory member, without roles, keyed through `pepper` (its id is
    /// given when it is registered).
    pub fn for_member(
        pepper: &Pepper,
        i_code: &str,
        order_no: u64,
        name: &str,
        now: i64,
    ) -> Credential {
        Credential {
            id: 0,
            i_code: i_code.to_owned(),
            pair: pepper.pair(i_code, order_no),
            order_no_hint: mask_order_no(order_no),
            roles: Vec::new(),
            nickname: Some(name.to_owned()),
            company_id: None,
            user_id: None,
            bootstrap: false,
            created_at: now,
        }
    }

    /// Whether the pair registers an admin other than the bootstrap one (what the
    /// `admin-credentials` total counts).
    pub fn counts_as_admin(&self) -> bool {
        self.roles.contains(&Role::Admin) && !self.bootstrap
    }
}

/// `POST /v1/admin/credential`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewCredential {
    /// The code.
    pub i_code: ICode,
    /// The number.
    pub order_no: PositiveInt,
    /// Roles; duplicates are ignored (up to 8 entries, so a list is never unbounded).
    #[serde(default)]
    pub roles: BoundedVec<Role, 0, 8>,
    /// Nickname for the user, 1–32 characters.
    #[serde(default)]
    pub nickname: Option<BoundedText<1, 32>>,
    /// A designer's company (a user with role `company`).
    #[serde(default)]
    pub company_id: Option<PositiveInt>,
}

impl NewCredential {
    /// Checks the rules between fields and builds the record with `id`, keyed through
    /// `pepper`.
    pub fn into_credential(
        self,
        pepper: &Pepper,
        id: u64,
        now: i64,
    ) -> Result<Credential, ApiError> {
        let roles = distinct_roles(self.roles.into_inner());
        if self.company_id.is_some() && !roles.contains(&Role::Designer) {
            return Err(ApiError::invalid(
                "company_id",
                "only a designer belongs to a company",
            ));
        }
        Ok(Credential {
            id,
            i_code: self.i_code.as_str().to_owned(),
            pair: pepper.pair(self.i_code.as_str(), self.order_no.get()),
            order_no_hint: mask_order_no(self.order_no.get()),
            roles,
            nickname: self.nickname.map(BoundedText::into_inner),
            company_id: self.company_id.map(PositiveInt::get),
            user_id: None,
            bootstrap: false,
            created_at: now,
        })
    }
}

/// `{id, i_code, order_no, roles, user_id}` as the admin list shows it, `order_no` masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialView {
    /// Registration id.
    pub id: u64,
    /// Code.
    pub i_code: String,
    /// Number, masked: `****` and at most its last four digits.
    pub order_no: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Bound user, null until first sign-in.
    pub user_id: Option<u64>,
}

impl From<Credential> for CredentialView {
    fn from(credential: Credential) -> Self {
        CredentialView {
            id: credential.id,
            i_code: credential.i_code,
            order_no: credential.order_no_hint,
            roles: credential.roles,
            user_id: credential.user_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> NewCredential {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn roles_are_deduplicated() {
        let credential = request(r#"{"i_code":"a","order_no":1,"roles":["admin","admin"]}"#)
            .into_credential(&Pepper::new(b"p"), 1, 0)
            .unwrap();
        assert_eq!(credential.roles, vec![Role::Admin]);
    }

    #[test]
    fn company_only_for_designers() {
        let refused = request(r#"{"i_code":"a","order_no":1,"roles":["admin"],"company_id":3}"#);
        assert!(refused.into_credential(&Pepper::new(b"p"), 1, 0).is_err());
        let designer =
            request(r#"{"i_code":"a","order_no":1,"roles":["designer"],"company_id":3}"#);
        assert_eq!(
            designer
                .into_credential(&Pepper::new(b"p"), 1, 0)
                .unwrap()
                .company_id,
            Some(3)
        );
    }

    #[test]
    fn pairs_key_by_digest_and_show_only_a_masked_number() {
        let pepper = Pepper::new(b"pepper");
        let digest = pepper.pair("imooc", 20260101);
        assert_eq!(digest.as_str().len(), 64);
        assert_ne!(digest, pepper.pair("imooc", 20260102));
        assert_ne!(digest, Pepper::new(b"other").pair("imooc", 20260101));
        assert_ne!(
            pepper.pair("a1", 23),
            pepper.pair("a", 123),
            "inputs stay distinct"
        );
        let credential = request(r#"{"i_code":"imooc","order_no":20260101}"#)
            .into_credential(&pepper, 1, 0)
            .unwrap();
        let stored = serde_json::to_string(&credential).unwrap();
        assert!(!stored.contains("20260101"), "{stored}");
        assert_eq!(
            CredentialView::from(credential).order_no,
            "****0101".to_owned()
        );
        assert_eq!(mask_order_no(1), "****");
        assert_eq!(mask_order_no(1234), "****34");
        assert_eq!(format!("{pepper:?}"), "Pepper(..)");
    }

    #[test]
    fn unknown_roles_are_refused() {
        assert!(serde_json::from_str::<NewCredential>(
            r#"{"i_code":"a","order_no":1,"roles":["root"]}"#
        )
        .is_err());
    }
}
