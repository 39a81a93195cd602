//! JWT tokens (HS256, algorithm pinned, `exp` checked) and roles.
//!
//! A token names its user and the user's session version when it was issued (`sv`); the
//! version stored on the user moves on at logout, revocation, a removed pair or changed
//! roles, which ends every token issued before. Roles are never read from a token: the
//! user record holds them.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// A role stored on a user and carried by their token. Every user may also act as a
/// publisher, consumer and design customer without any role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Platform operator: audits, credentials, categories, refunds, ratings.
    Admin,
    /// Design company: audits its designers' drafts.
    Company,
    /// Designer: grabs design tasks; belongs to a company.
    Designer,
}

/// `roles` sorted, each once: how a user's or a pair's roles are stored.
pub fn distinct_roles(mut roles: Vec<Role>) -> Vec<Role> {
    roles.sort();
    roles.dedup();
    roles
}

/// The claims of a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a decimal string.
    pub sub: String,
    /// The user's session version when the token was issued (tokens from before versions
    /// existed carry none: version 0).
    #[serde(default)]
    pub sv: u64,
    /// The token's own id: 128 random bits, hex.
    #[serde(default)]
    pub jti: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
}

impl Claims {
    /// The user id in `sub`; a token with another `sub` is invalid (10002).
    pub fn user_id(&self) -> Result<u64, ApiError> {
        self.sub.parse().map_err(|_| ApiError::InvalidToken)
    }
}

/// Issues and verifies tokens with one HMAC secret.
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_seconds: i64,
}

impl TokenSigner {
    /// A signer for `secret`, issuing tokens valid for `ttl_seconds`.
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        TokenSigner {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
        }
    }

    /// A token for `user_id` at session version `session_version`, issued at `now` (Unix
    /// seconds).
    pub fn issue(&self, user_id: u64, session_version: u64, now: i64) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user_id.to_string(),
            sv: session_version,
            jti: random_hex::<16>()?,
            iat: now,
            exp: now + self.ttl_seconds,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// The claims of a valid token; anything else (malformed, another key, another
    /// algorithm including `none`, expired) is 10002.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::InvalidToken)
    }
}

/// `N` bytes from the operating system's random source, as hex.
pub fn random_hex<const N: usize>() -> Result<String, ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| ApiError::internal(format!("random: {error}")))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn round_trip() {
        let signer = TokenSigner::new(b"secret", 3600);
        let token = signer.issue(42, 3, now()).unwrap();
        let claims = signer.verify(&token).unwrap();
        assert_eq!((claims.user_id().unwrap(), claims.sv), (42, 3));
        assert_eq!(claims.jti.len(), 32);
        let again = signer.verify(&signer.issue(42, 3, now()).unwrap()).unwrap();
        assert_ne!(claims.jti, again.jti, "each token has its own id");
    }

    #[test]
    fn another_key_expired_and_garbage_are_refused() {
        let signer = TokenSigner::new(b"secret", 3600);
        let other = TokenSigner::new(b"other", 3600);
        let forged = other.issue(1, 0, now()).unwrap();
        assert_eq!(signer.verify(&forged), Err(ApiError::InvalidToken));
        let old = signer.issue(1, 0, now() - 7200).unwrap();
        assert_eq!(signer.verify(&old), Err(ApiError::InvalidToken));
        assert_eq!(signer.verify("not.a.token"), Err(ApiError::InvalidToken));
    }

    #[test]
    fn alg_none_is_refused() {
        let signer = TokenSigner::new(b"secret", 3600);
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = format!(
            r#"{{"sub":"1","roles":["admin"],"iat":{0},"exp":{1}}}"#,
            now(),
            now() + 60
        );
        let token = format!("{header}.{}.", URL_SAFE_NO_PAD.encode(body));
        assert_eq!(signer.verify(&token), Err(ApiError::InvalidToken));
    }
}
