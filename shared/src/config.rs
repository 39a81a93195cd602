//! Configuration from the environment, read once per cold start.

use std::env;

use serde::Deserialize;

use crate::auth::TokenScope;
use crate::mobilization::assignment::DEFAULT_CHECK_IN_RADIUS_METERS;

/// Where a secret comes from: a value in the environment (local runs and tests) or an SSM
/// SecureString parameter (deployed), fetched on first use and cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The secret itself.
    Value(String),
    /// The name of an SSM SecureString parameter holding it.
    SsmParameter(String),
}

/// The bootstrap admin credential pair, valid before any credential is registered. In an
/// SSM parameter it is JSON: `{"i_code": "...", "order_no": 123}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BootstrapAdmin {
    /// Its `i_code`.
    pub i_code: String,
    /// Its `order_no`.
    pub order_no: u64,
}

/// Where the bootstrap admin pair comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bootstrap {
    /// The pair itself (local runs and tests).
    Pair(BootstrapAdmin),
    /// The name of an SSM SecureString parameter holding it as JSON.
    SsmParameter(String),
}

impl Bootstrap {
    /// The pair of an SSM parameter's value.
    pub fn parse(value: &str) -> Result<BootstrapAdmin, ConfigError> {
        serde_json::from_str(value).map_err(|error| {
            ConfigError(format!(
                "the bootstrap admin parameter must be {{\"i_code\": \"...\", \"order_no\": 123}}: {error}"
            ))
        })
    }
}

/// How many failed logins a window admits before logins are refused with 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// `LOGIN_FAILURES_PER_IP` (default 10): failures from one source IP.
    pub per_source_ip: u64,
    /// `LOGIN_FAILURES_PER_I_CODE` (default 100): failures with one `i_code`, which a
    /// course's students share, hence the wide bound.
    pub per_i_code: u64,
    /// `LOGIN_FAILURE_WINDOW_SECONDS` (default 900): how long failures are remembered,
    /// from the first one of a window.
    pub window_seconds: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_source_ip: 10,
            per_i_code: 100,
            window_seconds: 15 * 60,
        }
    }
}

/// Everything a function reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TABLE_NAME`: the single DynamoDB table.
    pub table_name: String,
    /// `JWT_SECRET` or `JWT_SECRET_PARAMETER`.
    pub jwt_secret: SecretSource,
    /// `TOKEN_TTL_SECONDS` (default 7 days).
    pub token_ttl_seconds: i64,
    /// `TOKEN_ISSUER` and `TOKEN_AUDIENCE` (default `homemaking` both): the deployment's
    /// name in its tokens.
    pub token_scope: TokenScope,
    /// `BOOTSTRAP_ADMIN_I_CODE` + `BOOTSTRAP_ADMIN_ORDER_NO` (both or neither), or
    /// `BOOTSTRAP_ADMIN_PARAMETER`, an SSM SecureString holding the pair as JSON.
    pub bootstrap_admin: Option<Bootstrap>,
    /// `TIM_SDKAPPID`: the Tencent IM application id (0 when unset).
    pub tim_sdk_app_id: u64,
    /// `TIM_SECRET_KEY` or `TIM_SECRET_PARAMETER`, when IM is configured.
    pub tim_secret: Option<SecretSource>,
    /// `ASSET_BASE_URL`: prefix of public file URLs.
    pub asset_base_url: String,
    /// `BUCKET_NAME`: the file bucket (only the file functions need it).
    pub bucket_name: Option<String>,
    /// `S3_FORCE_PATH_STYLE=true`: address the bucket in the path (local S3 servers).
    pub s3_force_path_style: bool,
    /// `CREDENTIAL_PEPPER` or `CREDENTIAL_PEPPER_PARAMETER`: the secret credential pairs
    /// are keyed with.
    pub credential_pepper: SecretSource,
    /// Failed-login limits (`LOGIN_FAILURES_*`).
    pub login_limits: LoginLimits,
    /// `ALLOWED_ORIGINS`: comma-separated origins (`https://console.example.com`) from
    /// which cookie-authenticated writes are accepted besides the API's own.
    pub allowed_origins: Vec<String>,
    /// `SOURCE_IP_HEADER`: a header that carries the caller's address, trusted only
    /// because a local stack's front sets it from the TCP peer (the local emulator reports
    /// every caller as 127.0.0.1). Never set when deployed, where API Gateway's
    /// `sourceIp` is the address.
    pub source_ip_header: Option<String>,
    /// `CHECKIN_RADIUS_METERS`: how far from the gathering place a mobilization check-in
    /// may be sent (default 2000).
    pub checkin_radius_meters: f64,
}

/// A missing or malformed setting.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// `iss` and `aud` of tokens where `TOKEN_ISSUER` and `TOKEN_AUDIENCE` are not set (local
/// runs); each deployment sets its own.
pub const DEFAULT_TOKEN_SCOPE: &str = "homemaking";

/// Seven days, the contract's default token lifetime.
pub const DEFAULT_TOKEN_TTL_SECONDS: i64 = 7 * 24 * 3600;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required =
            |name: &str| lookup(name).ok_or_else(|| ConfigError(format!("{name} is not set")));
        let secret = |value: &str, parameter: &str| {
            lookup(value)
                .map(SecretSource::Value)
                .or_else(|| lookup(parameter).map(SecretSource::SsmParameter))
        };
        let number = |name: &str, default: i64| -> Result<i64, ConfigError> {
            lookup(name).map_or(Ok(default), |raw| {
                raw.parse()
                    .map_err(|_| ConfigError(format!("{name} must be an integer")))
            })
        };
        let bootstrap_admin = match (
            lookup("BOOTSTRAP_ADMIN_I_CODE"),
            lookup("BOOTSTRAP_ADMIN_ORDER_NO"),
        ) {
            (Some(i_code), Some(order_no)) => Some(Bootstrap::Pair(BootstrapAdmin {
                i_code,
                order_no: order_no.parse().map_err(|_| {
                    ConfigError("BOOTSTRAP_ADMIN_ORDER_NO must be an integer".into())
                })?,
            })),
            (None, None) => lookup("BOOTSTRAP_ADMIN_PARAMETER").map(Bootstrap::SsmParameter),
            _ => {
                return Err(ConfigError(
                    "set both BOOTSTRAP_ADMIN_I_CODE and BOOTSTRAP_ADMIN_ORDER_NO, or neither"
                        .into(),
                ))
            }
        };
        let checkin_radius_meters = number(
            "CHECKIN_RADIUS_METERS",
            DEFAULT_CHECK_IN_RADIUS_METERS as i64,
        )?;
        if checkin_radius_meters <= 0 {
            return Err(ConfigError("CHECKIN_RADIUS_METERS must be positive".into()));
        }
        let token_ttl_seconds = number("TOKEN_TTL_SECONDS", DEFAULT_TOKEN_TTL_SECONDS)?;
        let defaults = LoginLimits::default();
        let positive = |name: &str, default: i64| -> Result<i64, ConfigError> {
            let value = number(name, default)?;
            if value > 0 {
                Ok(value)
            } else {
                Err(ConfigError(format!("{name} must be positive")))
            }
        };
        let login_limits = LoginLimits {
            per_source_ip: positive("LOGIN_FAILURES_PER_IP", defaults.per_source_ip as i64)? as u64,
            per_i_code: positive("LOGIN_FAILURES_PER_I_CODE", defaults.per_i_code as i64)? as u64,
            window_seconds: positive("LOGIN_FAILURE_WINDOW_SECONDS", defaults.window_seconds)?,
        };
        if token_ttl_seconds <= 0 {
            return Err(ConfigError("TOKEN_TTL_SECONDS must be positive".into()));
        }
        Ok(Config {
            table_name: required("TABLE_NAME")?,
            jwt_secret: secret("JWT_SECRET", "JWT_SECRET_PARAMETER")
                .ok_or_else(|| ConfigError("set JWT_SECRET or JWT_SECRET_PARAMETER".into()))?,
            token_ttl_seconds,
            token_scope: TokenScope {
                issuer: lookup("TOKEN_ISSUER").unwrap_or_else(|| DEFAULT_TOKEN_SCOPE.into()),
                audience: lookup("TOKEN_AUDIENCE").unwrap_or_else(|| DEFAULT_TOKEN_SCOPE.into()),
            },
            bootstrap_admin,
            tim_sdk_app_id: u64::try_from(number("TIM_SDKAPPID", 0)?)
                .map_err(|_| ConfigError("TIM_SDKAPPID must not be negative".into()))?,
            tim_secret: secret("TIM_SECRET_KEY", "TIM_SECRET_PARAMETER"),
            asset_base_url: lookup("ASSET_BASE_URL")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            bucket_name: lookup("BUCKET_NAME"),
            s3_force_path_style: lookup("S3_FORCE_PATH_STYLE").is_some_and(|value| value == "true"),
            credential_pepper: secret("CREDENTIAL_PEPPER", "CREDENTIAL_PEPPER_PARAMETER")
                .ok_or_else(|| {
                    ConfigError("set CREDENTIAL_PEPPER or CREDENTIAL_PEPPER_PARAMETER".into())
                })?,
            login_limits,
            allowed_origins: lookup("ALLOWED_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(|origin| origin.trim().trim_end_matches('/').to_owned())
                .filter(|origin| !origin.is_empty())
                .collect(),
            source_ip_header: lookup("SOURCE_IP_HEADER").map(|name| name.to_ascii_lowercase()),
            checkin_radius_meters: checkin_radius_meters as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn minimal_and_defaults() {
        let config = config(&[
            ("TABLE_NAME", "t"),
            ("JWT_SECRET_PARAMETER", "/p"),
            ("CREDENTIAL_PEPPER_PARAMETER", "/q"),
        ])
        .unwrap();
        assert_eq!(config.jwt_secret, SecretSource::SsmParameter("/p".into()));
        assert_eq!(
            config.credential_pepper,
            SecretSource::SsmParameter("/q".into())
        );
        assert_eq!(config.login_limits, LoginLimits::default());
        assert!(config.allowed_origins.is_empty() && config.source_ip_header.is_none());
        assert_eq!(config.token_ttl_seconds, DEFAULT_TOKEN_TTL_SECONDS);
        assert!(config.bootstrap_admin.is_none() && config.tim_secret.is_none());
        assert_eq!(config.checkin_radius_meters, 2_000.0);
        assert_eq!(config.token_scope.issuer, DEFAULT_TOKEN_SCOPE);
        assert_eq!(config.token_scope.audience, DEFAULT_TOKEN_SCOPE);
    }

    #[test]
    fn a_deployment_names_its_tokens_and_keeps_its_bootstrap_pair_in_ssm() {
        let config = config(&[
            ("TABLE_NAME", "t"),
            ("JWT_SECRET_PARAMETER", "/s/jwt-secret"),
            ("CREDENTIAL_PEPPER_PARAMETER", "/s/credential-pepper"),
            ("BOOTSTRAP_ADMIN_PARAMETER", "/s/bootstrap-admin"),
            ("TOKEN_ISSUER", "arn:aws:cloudformation:r:1:stack/s/u"),
            ("TOKEN_AUDIENCE", "s"),
        ])
        .unwrap();
        assert_eq!(
            config.bootstrap_admin,
            Some(Bootstrap::SsmParameter("/s/bootstrap-admin".into()))
        );
        assert_eq!(
            config.token_scope,
            TokenScope {
                issuer: "arn:aws:cloudformation:r:1:stack/s/u".into(),
                audience: "s".into()
            }
        );
        assert_eq!(
            Bootstrap::parse(r#"{"i_code": "ops", "order_no": 20260101}"#).unwrap(),
            BootstrapAdmin {
                i_code: "ops".into(),
                order_no: 20260101
            }
        );
        for bad in [
            "ops/20260101",
            r#"{"i_code": "ops"}"#,
            r#"{"i_code": "ops", "order_no": "x"}"#,
        ] {
            assert!(Bootstrap::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn check_in_radius() {
        let base = [
            ("TABLE_NAME", "t"),
            ("JWT_SECRET", "s"),
            ("CREDENTIAL_PEPPER", "c"),
        ];
        let with = |value: &str| {
            let mut pairs = base.to_vec();
            pairs.push(("CHECKIN_RADIUS_METERS", value));
            config(&pairs)
        };
        assert_eq!(with("500").unwrap().checkin_radius_meters, 500.0);
        for bad in ["0", "-1", "2km", "1.5"] {
            assert!(with(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn value_wins_over_parameter() {
        let config = config(&[
            ("TABLE_NAME", "t"),
            ("JWT_SECRET", "s"),
            ("JWT_SECRET_PARAMETER", "/p"),
            ("CREDENTIAL_PEPPER", "c"),
            ("ALLOWED_ORIGINS", "https://a.example/, https://b.example"),
            ("ASSET_BASE_URL", "http://x/"),
        ])
        .unwrap();
        assert_eq!(config.jwt_secret, SecretSource::Value("s".into()));
        assert_eq!(config.asset_base_url, "http://x");
        assert_eq!(
            config.allowed_origins,
            vec![
                "https://a.example".to_owned(),
                "https://b.example".to_owned()
            ]
        );
    }

    #[test]
    fn refusals() {
        assert!(config(&[("JWT_SECRET", "s")]).is_err());
        assert!(config(&[("TABLE_NAME", "t")]).is_err());
        let half = [
            ("TABLE_NAME", "t"),
            ("JWT_SECRET", "s"),
            ("CREDENTIAL_PEPPER", "c"),
            ("BOOTSTRAP_ADMIN_I_CODE", "a"),
        ];
        assert!(config(&half).is_err());
        let bad_ttl = [
            ("TABLE_NAME", "t"),
            ("JWT_SECRET", "s"),
            ("CREDENTIAL_PEPPER", "c"),
            ("TOKEN_TTL_SECONDS", "x"),
        ];
        assert!(config(&bad_ttl).is_err());
        let no_pepper = [("TABLE_NAME", "t"), ("JWT_SECRET", "s")];
        assert!(config(&no_pepper).is_err());
        let zero_limit = [
            ("TABLE_NAME", "t"),
            ("JWT_SECRET", "s"),
            ("CREDENTIAL_PEPPER", "c"),
            ("LOGIN_FAILURES_PER_IP", "0"),
        ];
        assert!(config(&zero_limit).is_err());
    }
}
