//! The state every function builds once per cold start: configuration, the store, lazily
//! fetched secrets and the clock.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
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
    ssm: OnFirstUse<aws_sdk_ssm::Client>,
    s3: OnFirstUse<aws_sdk_s3::Client>,
    tokens: OnceCell<TokenSigner>,
    tim_key: OnceCell<String>,
    clock: Clock,
}

/// The SDK configuration from the environment, with [`sdk_defaults`].
pub async fn load_sdk_config() -> SdkConfig {
    sdk_defaults().load().await
}

/// SDK defaults with explicit time limits, well under API Gateway's 29 s: a stalled
/// DynamoDB answers the client with 10025 instead of hanging. Attempts: 3 (standard
/// retries with backoff), each cut off after 4 s, the whole call after 10 s, a connection
/// after 2 s.
pub fn sdk_defaults() -> ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(4))
        .operation_timeout(Duration::from_secs(10))
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
}

/// The root certificates of Amazon Trust Services (Amazon Root CA 1 to 4 and the
/// Starfield Services root that cross-signs them), in PEM. Every AWS endpoint these
/// functions call (DynamoDB, SSM, S3, STS) presents a certificate chaining to one of them.
pub const AWS_ROOT_CERTIFICATES: &[u8] = include_bytes!("../certs/amazon-trust-services.pem");

/// The SDK's HTTP client: hyper over rustls with ring as its cryptography, trusting the
/// Amazon Trust Services roots ([`AWS_ROOT_CERTIFICATES`]).
///
/// Why not the SDK crates' default client: it uses aws-lc-rs, which adds over a megabyte
/// to every binary for nothing these functions need, and it loads the system's whole
/// trust store (a CA bundle plus every file of /etc/ssl/certs: hundreds of certificates
/// parsed) when each client is built, the largest part of a cold start after the runtime
/// itself. Five compiled-in roots cost nothing to load. Plain `http://` endpoints
/// (DynamoDB Local, the local S3) need no certificates at all.
pub fn https_client() -> SharedHttpClient {
    let builder =
        aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring));
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AWS_ROOT_CERTIFICATES);
    match TlsContext::builder().with_trust_store(trust).build() {
        Ok(context) => builder.tls_context(context).build_https(),
        // Cannot fail today; should it ever, the system's trust store still works.
        Err(_) => builder.build_https(),
    }
}

/// A client built the first time it is asked for. Building an SDK client sets up its
/// HTTPS connector (TLS configuration and trust roots); only a few functions ever talk to
/// SSM or S3, so the others should not pay for it in their cold start.
struct OnFirstUse<T> {
    client: OnceLock<T>,
    build: Box<dyn Fn() -> T + Send + Sync>,
}

impl<T: Clone + Send + Sync + 'static> OnFirstUse<T> {
    fn ready(client: T) -> Self {
        let cell = OnceLock::from(client.clone());
        OnFirstUse {
            client: cell,
            build: Box::new(move || client.clone()),
        }
    }

    fn deferred(build: impl Fn() -> T + Send + Sync + 'static) -> Self {
        OnFirstUse {
            client: OnceLock::new(),
            build: Box::new(build),
        }
    }

    fn get(&self) -> &T {
        self.client.get_or_init(&self.build)
    }
}

/// An S3 client over `sdk`, path-style when asked (local servers listen on an IP
/// address, where virtual-host addressing cannot work; see `Config::s3_force_path_style`).
pub fn s3_client(force_path_style: bool, sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(force_path_style)
            .build(),
    )
}

impl AppState {
    /// State from the process environment. Builds the DynamoDB client (SSM and S3 clients
    /// on first use); makes no network call.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let config = Config::from_env()?;
        let sdk = load_sdk_config().await;
        Ok(Self::new(config, &sdk))
    }

    /// State over `config` with clients built from `sdk`: DynamoDB now, SSM and S3 the first
    /// time they are used.
    pub fn new(config: Config, sdk: &SdkConfig) -> Self {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table_name.clone(),
        );
        let ssm = {
            let sdk = sdk.clone();
            OnFirstUse::deferred(move || aws_sdk_ssm::Client::new(&sdk))
        };
        let s3 = {
            let sdk = sdk.clone();
            let path_style = config.s3_force_path_style;
            OnFirstUse::deferred(move || s3_client(path_style, &sdk))
        };
        AppState(Arc::new(Inner {
            config,
            store,
            ssm,
            s3,
            tokens: OnceCell::new(),
            tim_key: OnceCell::new(),
            clock: Arc::new(crate::time::now),
        }))
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
            ssm: OnFirstUse::ready(ssm),
            s3: OnFirstUse::ready(s3),
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
            self.0.ssm.get().clone(),
            self.0.s3.get().clone(),
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
        self.0.s3.get()
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
                .get()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled-in trust store holds the five roots, and every client built over
    /// [`sdk_defaults`] accepts it (building a client parses the certificates; a bad PEM
    /// would panic inside the SDK at start-up).
    #[tokio::test]
    async fn aws_roots_parse_and_clients_build_over_them() {
        let pem = std::str::from_utf8(AWS_ROOT_CERTIFICATES).unwrap_or_default();
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        let sdk = sdk_defaults()
            .region(aws_config::Region::new("us-east-1"))
            .load()
            .await;
        let _ = aws_sdk_dynamodb::Client::new(&sdk);
        let _ = aws_sdk_ssm::Client::new(&sdk);
        let _ = s3_client(false, &sdk);
    }
}
