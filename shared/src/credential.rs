//! Credential pairs (`i_code`, `order_no`): what `POST /v1/token` exchanges for a token.
//! An admin registers them with roles; the first sign-in creates the user.

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::ApiError;
use crate::text::{BoundedText, BoundedVec, ICode, PositiveInt};

/// A stored credential pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// Registration id.
    pub id: u64,
    /// The pair's code (课程验证码).
    pub i_code: String,
    /// The pair's number (订单号).
    pub order_no: u64,
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
    /// Registered at, Unix seconds.
    pub created_at: i64,
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
    /// Checks the rules between fields and builds the record with `id`.
    pub fn into_credential(self, id: u64, now: i64) -> Result<Credential, ApiError> {
        let mut roles = self.roles.into_inner();
        roles.sort();
        roles.dedup();
        if self.company_id.is_some() && !roles.contains(&Role::Designer) {
            return Err(ApiError::invalid(
                "company_id",
                "only a designer belongs to a company",
            ));
        }
        Ok(Credential {
            id,
            i_code: self.i_code.as_str().to_owned(),
            order_no: self.order_no.get(),
            roles,
            nickname: self.nickname.map(BoundedText::into_inner),
            company_id: self.company_id.map(PositiveInt::get),
            user_id: None,
            created_at: now,
        })
    }
}

/// `{id, i_code, order_no, roles, user_id}` as the admin list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialView {
    /// Registration id.
    pub id: u64,
    /// Code.
    pub i_code: String,
    /// Number.
    pub order_no: u64,
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
            order_no: credential.order_no,
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
            .into_credential(1, 0)
            .unwrap();
        assert_eq!(credential.roles, vec![Role::Admin]);
    }

    #[test]
    fn company_only_for_designers() {
        let refused = request(r#"{"i_code":"a","order_no":1,"roles":["admin"],"company_id":3}"#);
        assert!(refused.into_credential(1, 0).is_err());
        let designer =
            request(r#"{"i_code":"a","order_no":1,"roles":["designer"],"company_id":3}"#);
        assert_eq!(designer.into_credential(1, 0).unwrap().company_id, Some(3));
    }

    #[test]
    fn unknown_roles_are_refused() {
        assert!(serde_json::from_str::<NewCredential>(
            r#"{"i_code":"a","order_no":1,"roles":["root"]}"#
        )
        .is_err());
    }
}
