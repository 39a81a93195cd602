//! JWT tokens (HS256, algorithm pinned, `exp` checked, `iss`/`aud` of one deployment) and
//! roles.
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
    /// The deployment that issued it ([`TokenScope::issuer`]).
    pub iss: String,
    /// The deployment it is for ([`TokenScope::audience`]).
    pub aud: String,
}

/// Whose tokens these are: a deployment (a stack) issues tokens naming itself, and accepts
/// only those, so a token from `dev` is refused by `prod` even if both were given one
/// secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScope {
    /// `iss` of issued tokens and the only one accepted (`TOKEN_ISSUER`).
    pub issuer: String,
    /// `aud` of issued tokens and the only one accepted (`TOKEN_AUDIENCE`).
    pub audience: String,
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
    scope: TokenScope,
}

impl TokenSigner {
    /// A signer for `secret` in `scope`, issuing tokens valid for `ttl_seconds`.
    pub fn new(secret: &[u8], ttl_seconds: i64, scope: TokenScope) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat", "iss", "aud"]);
        validation.set_issuer(&[&scope.issuer]);
        validation.set_audience(&[&scope.audience]);
        TokenSigner {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
            scope,
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
            iss: self.scope.issuer.clone(),
            aud: self.scope.audience.clone(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// The claims of a valid token; anything else (malformed, another key, another
    /// algorithm including `none`, expired, another issuer or audience) is 10002.
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

    fn scope(stack: &str) -> TokenScope {
        TokenScope {
            issuer: format!("arn:aws:cloudformation:ap-east-1:1:stack/{stack}/1"),
            audience: stack.to_owned(),
        }
    }

    fn signer(secret: &[u8]) -> TokenSigner {
        TokenSigner::new(secret, 3600, scope("homemaking-dev"))
    }

    #[test]
    fn round_trip() {
        let signer = signer(b"secret");
        let token = signer.issue(42, 3, now()).unwrap();
        let claims = signer.verify(&token).unwrap();
        assert_eq!((claims.user_id().unwrap(), claims.sv), (42, 3));
        assert_eq!(claims.jti.len(), 32);
        let again = signer.verify(&signer.issue(42, 3, now()).unwrap()).unwrap();
        assert_ne!(claims.jti, again.jti, "each token has its own id");
    }

    #[test]
    fn another_key_expired_and_garbage_are_refused() {
        let ours = signer(b"secret");
        let other = signer(b"other");
        let forged = other.issue(1, 0, now()).unwrap();
        assert_eq!(ours.verify(&forged), Err(ApiError::InvalidToken));
        let old = ours.issue(1, 0, now() - 7200).unwrap();
        assert_eq!(ours.verify(&old), Err(ApiError::InvalidToken));
        assert_eq!(ours.verify("not.a.token"), Err(ApiError::InvalidToken));
    }

    #[test]
    fn another_deployments_token_is_refused_though_it_shares_the_secret() {
        let dev = signer(b"secret");
        let prod = TokenSigner::new(b"secret", 3600, scope("homemaking-prod"));
        let from_dev = dev.issue(1, 0, now()).unwrap();
        assert_eq!(prod.verify(&from_dev), Err(ApiError::InvalidToken));
        let claims = dev.verify(&from_dev).unwrap();
        assert_eq!(claims.aud, "homemaking-dev");
        // Only the issuer differs: a stack deleted and created again under its name.
        let recreated = TokenSigner::new(
            b"secret",
            3600,
            TokenScope {
                issuer: "arn:aws:cloudformation:ap-east-1:1:stack/homemaking-dev/2".into(),
                audience: "homemaking-dev".into(),
            },
        );
        assert_eq!(recreated.verify(&from_dev), Err(ApiError::InvalidToken));
    }

    #[test]
    fn a_token_without_issuer_or_audience_is_refused() {
        let signer = signer(b"secret");
        let claims = serde_json::json!({"sub": "1", "sv": 0, "iat": now(), "exp": now() + 60});
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        assert_eq!(signer.verify(&token), Err(ApiError::InvalidToken));
    }

    #[test]
    fn alg_none_is_refused() {
        let signer = signer(b"secret");
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
