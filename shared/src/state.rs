//! The state every function builds once per cold start: configuration, the store, lazily
//! fetched secrets and the clock.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use tokio::sync::OnceCell;

use crate::auth::TokenSigner;
use crate::config::{Config, ConfigError, SecretSource};
use crate::error::ApiError;
use crate::store::Store;

/// A source of "now" in Unix seconds; tests inject a fixed or movable one.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: Config,
    store: Store,
    ssm: aws_sdk_ssm::Client,
    s3: aws_sdk_s3::Client,
    tokens: OnceCell<TokenSigner>,
    tim_key: OnceCell<String>,
    clock: Clock,
}

/// The SDK configuration from the environment, with [`sdk_defaults`].
pub async fn load_sdk_config() -> SdkConfig {
    sdk_defaults().load().await
}

/// SDK defaults with explicit time limits, well under API Gateway's 29 s: a stalled
/// DynamoDB answers the client with 10025 instead of hanging.
pub fn sdk_defaults() -> ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(4))
        .operation_timeout(Duration::from_secs(10))
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
}

/// An S3 client over `sdk`, path-style when the configuration asks for it (local servers
/// listen on an IP address, where virtual-host addressing cannot work).
pub fn s3_client(config: &Config, sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(config.s3_force_path_style)
            .build(),
    )
}

impl AppState {
    /// State from the process environment. Builds the SDK clients; makes no network call.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let config = Config::from_env()?;
        let sdk = load_sdk_config().await;
        Ok(Self::new(config, &sdk))
    }

    /// State over `config` with clients built from `sdk`.
    pub fn new(config: Config, sdk: &SdkConfig) -> Self {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table_name.clone(),
        );
        let s3 = s3_client(&config, sdk);
        Self::with_store(
            config,
            store,
            aws_sdk_ssm::Client::new(sdk),
            s3,
            Arc::new(crate::time::now),
        )
    }

    /// State over explicit parts (tests use this to share clients and inject a clock).
    pub fn with_store(
        config: Config,
        store: Store,
        ssm: aws_sdk_ssm::Client,
        s3: aws_sdk_s3::Client,
        clock: Clock,
    ) -> Self {
        AppState(Arc::new(Inner {
            config,
            store,
            ssm,
            s3,
            tokens: OnceCell::new(),
            tim_key: OnceCell::new(),
            clock,
        }))
    }

    /// The same clients and clock over another configuration (tests of misconfiguration).
    pub fn with_config(&self, config: Config) -> Self {
        Self::with_store(
            config,
            self.0.store.clone(),
            self.0.ssm.clone(),
            self.0.s3.clone(),
            Arc::clone(&self.0.clock),
        )
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The single-table store.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The S3 client (file functions).
    pub fn s3(&self) -> &aws_sdk_s3::Client {
        &self.0.s3
    }

    /// The file bucket; 10025 when `BUCKET_NAME` is not set.
    pub fn bucket(&self) -> Result<&str, ApiError> {
        self.0
            .config
            .bucket_name
            .as_deref()
            .ok_or_else(|| ApiError::internal("BUCKET_NAME not set"))
    }

    /// Now, in Unix seconds, from the state's clock.
    pub fn now(&self) -> i64 {
        (self.0.clock)()
    }

    /// The token signer; its secret is fetched on first use when it lives in SSM.
    pub async fn tokens(&self) -> Result<&TokenSigner, ApiError> {
        self.0
            .tokens
            .get_or_try_init(|| async {
                let secret = self.resolve(&self.0.config.jwt_secret).await?;
                Ok(TokenSigner::new(
                    secret.as_bytes(),
                    self.0.config.token_ttl_seconds,
                ))
            })
            .await
    }

    /// The Tencent IM secret key (10025 when IM is not configured).
    pub async fn tim_secret_key(&self) -> Result<&str, ApiError> {
        let source =
            self.0.config.tim_secret.as_ref().ok_or_else(|| {
                ApiError::internal("TIM_SECRET_KEY / TIM_SECRET_PARAMETER not set")
            })?;
        self.0
            .tim_key
            .get_or_try_init(|| self.resolve(source))
            .await
            .map(String::as_str)
    }

    async fn resolve(&self, source: &SecretSource) -> Result<String, ApiError> {
        match source {
            SecretSource::Value(value) => Ok(value.clone()),
            SecretSource::SsmParameter(name) => self
                .0
                .ssm
                .get_parameter()
                .name(name)
                .with_decryption(true)
                .send()
                .await
                .map_err(|error| ApiError::internal(format!("ssm {name}: {error}")))?
                .parameter
                .and_then(|parameter| parameter.value)
                .ok_or_else(|| ApiError::internal(format!("ssm {name} has no value"))),
        }
    }
}
