//! The state every function builds once per cold start: configuration, the store, lazily
//! fetched secrets and the clock.

use std::env;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::sdk_config::Builder as SdkConfigBuilder;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use tokio::sync::OnceCell;

use crate::auth::TokenSigner;
use crate::config::{Bootstrap, BootstrapAdmin, Config, ConfigError, SecretSource};
use crate::credential::Pepper;
use crate::error::ApiError;
use crate::store::Store;

/// A source of "now" in Unix seconds; tests inject a fixed or movable one.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: Config,
    sdk: SdkConfig,
    store: Store,
    /// Built on first use: only a few functions ever talk to SSM or S3, and a client that
    /// is never built is not linked into the others' binaries either.
    ssm: OnceLock<aws_sdk_ssm::Client>,
    s3: OnceLock<aws_sdk_s3::Client>,
    tokens: OnceCell<TokenSigner>,
    pepper: OnceCell<Pepper>,
    tim_key: OnceCell<String>,
    bootstrap_admin: OnceCell<Option<BootstrapAdmin>>,
    clock: Clock,
}

/// The SDK configuration of a deployed function, from its environment alone: the region
/// (`AWS_REGION`, else `AWS_DEFAULT_REGION`), the credentials Lambda puts there
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), endpoint
/// overrides ([`EnvironmentEndpoints`]) and [`sdk_defaults`]. Reads no file and makes no
/// network call.
///
/// Why not aws-config's loader: it assembles the whole default credential chain (profile
/// files, web identity through an STS client, ECS, IMDS) and reads `~/.aws` at every cold
/// start, and links all of it into every binary, for credentials that a Lambda function
/// always finds in its environment. Locally, `scripts/dev` exports them too; to run
/// against AWS with a named profile, export its credentials first
/// (`eval "$(aws configure export-credentials --format env)"`).
pub fn sdk_config_from_env() -> SdkConfig {
    let region = env_value("AWS_REGION").or_else(|| env_value("AWS_DEFAULT_REGION"));
    sdk_defaults()
        .region(region.map(Region::new))
        .credentials_provider(SharedCredentialsProvider::new(
            EnvironmentVariableCredentialsProvider::new(),
        ))
        .service_config(EnvironmentEndpoints)
        .build()
}

/// SDK defaults with explicit time limits, well under API Gateway's 29 s: a stalled
/// DynamoDB answers the client with 10025 instead of hanging. Attempts: 3 (standard
/// retries with backoff), each cut off after 4 s, the whole call after 10 s, a connection
/// after 2 s.
pub fn sdk_defaults() -> SdkConfigBuilder {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(4))
        .operation_timeout(Duration::from_secs(10))
        .build();
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
}

/// Endpoint overrides from the environment, as the AWS SDKs define them:
/// `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`)
/// wins over `AWS_ENDPOINT_URL`. Local runs point the clients at DynamoDB Local and the
/// local S3 this way; deployed functions set neither.
#[derive(Debug)]
pub struct EnvironmentEndpoints;

impl LoadServiceConfig for EnvironmentEndpoints {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let service = key.service_id().to_uppercase().replace([' ', '-'], "_");
        env_value(&format!("{}_{service}", key.env())).or_else(|| env_value(key.env()))
    }
}

fn env_value(name: &str) -> Option<String> {
    env::var(name).ok().filter(|value| !value.is_empty())
}

/// The root certificates of Amazon Trust Services (Amazon Root CA 1 to 4 and the
/// Starfield Services root that cross-signs them), in PEM. Every AWS endpoint these
/// functions call (DynamoDB, SSM, S3) presents a certificate chaining to one of them.
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

/// An S3 client over `sdk`, path-style when asked (local servers listen on an IP
/// address, where virtual-host addressing cannot work; see `Config::s3_force_path_style`).
fn s3_client(force_path_style: bool, sdk: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(force_path_style)
            .build(),
    )
}

impl AppState {
    /// State from the process environment ([`sdk_config_from_env`]). Builds the DynamoDB
    /// client (SSM and S3 clients on first use); reads no file, makes no network call.
    pub fn from_env() -> Result<Self, ConfigError> {
        let config = Config::from_env()?;
        Ok(Self::new(config, sdk_config_from_env()))
    }

    /// State over `config` with clients built from `sdk`: DynamoDB now, SSM and S3 the first
    /// time they are used.
    pub fn new(config: Config, sdk: SdkConfig) -> Self {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            config.table_name.clone(),
        );
        Self::with_parts(config, sdk, store, None, None, Arc::new(crate::time::now))
    }

    /// State over explicit parts (tests use this to share clients and inject a clock).
    pub fn with_store(
        config: Config,
        sdk: SdkConfig,
        store: Store,
        ssm: aws_sdk_ssm::Client,
        s3: aws_sdk_s3::Client,
        clock: Clock,
    ) -> Self {
        Self::with_parts(config, sdk, store, Some(ssm), Some(s3), clock)
    }

    fn with_parts(
        config: Config,
        sdk: SdkConfig,
        store: Store,
        ssm: Option<aws_sdk_ssm::Client>,
        s3: Option<aws_sdk_s3::Client>,
        clock: Clock,
    ) -> Self {
        AppState(Arc::new(Inner {
            config,
            sdk,
            store,
            ssm: ssm.map_or_else(OnceLock::new, OnceLock::from),
            s3: s3.map_or_else(OnceLock::new, OnceLock::from),
            tokens: OnceCell::new(),
            pepper: OnceCell::new(),
            tim_key: OnceCell::new(),
            bootstrap_admin: OnceCell::new(),
            clock,
        }))
    }

    /// The same SDK configuration, clients and clock over another configuration (tests of
    /// misconfiguration).
    pub fn with_config(&self, config: Config) -> Self {
        Self::with_parts(
            config,
            self.0.sdk.clone(),
            self.0.store.clone(),
            self.0.ssm.get().cloned(),
            self.0.s3.get().cloned(),
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
        self.0
            .s3
            .get_or_init(|| s3_client(self.0.config.s3_force_path_style, &self.0.sdk))
    }

    /// The SSM client (secrets kept in Parameter Store).
    fn ssm(&self) -> &aws_sdk_ssm::Client {
        self.0
            .ssm
            .get_or_init(|| aws_sdk_ssm::Client::new(&self.0.sdk))
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
                    self.0.config.token_scope.clone(),
                ))
            })
            .await
    }

    /// The pepper credential pairs are keyed with; fetched on first use when it lives in
    /// SSM.
    pub async fn pepper(&self) -> Result<&Pepper, ApiError> {
        self.0
            .pepper
            .get_or_try_init(|| async {
                let secret = self.resolve(&self.0.config.credential_pepper).await?;
                Ok(Pepper::new(secret.as_bytes()))
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

    /// The bootstrap admin pair, if one is configured; fetched on first use when it lives
    /// in SSM.
    pub async fn bootstrap_admin(&self) -> Result<Option<&BootstrapAdmin>, ApiError> {
        self.0
            .bootstrap_admin
            .get_or_try_init(|| async {
                match &self.0.config.bootstrap_admin {
                    None => Ok(None),
                    Some(Bootstrap::Pair(pair)) => Ok(Some(pair.clone())),
                    Some(Bootstrap::SsmParameter(name)) => {
                        let value = self
                            .resolve(&SecretSource::SsmParameter(name.clone()))
                            .await?;
                        Bootstrap::parse(&value)
                            .map(Some)
                            .map_err(ApiError::internal)
                    }
                }
            })
            .await
            .map(Option::as_ref)
    }

    async fn resolve(&self, source: &SecretSource) -> Result<String, ApiError> {
        match source {
            SecretSource::Value(value) => Ok(value.clone()),
            SecretSource::SsmParameter(name) => self
                .ssm()
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
    #[test]
    fn aws_roots_parse_and_clients_build_over_them() {
        let pem = std::str::from_utf8(AWS_ROOT_CERTIFICATES).unwrap_or_default();
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        let sdk = sdk_defaults().region(Region::new("us-east-1")).build();
        let _ = aws_sdk_dynamodb::Client::new(&sdk);
        let _ = aws_sdk_ssm::Client::new(&sdk);
        let _ = s3_client(false, &sdk);
    }

    /// A service's own variable wins over the general one; either alone is used; empty
    /// values count as unset. (Variable names unique to this test: the environment is
    /// shared by the test process.)
    #[test]
    fn endpoints_come_from_the_service_variable_then_the_general_one() {
        let key = |service| {
            ServiceConfigKey::builder()
                .service_id(service)
                .env("HOMEMAKING_TEST_ENDPOINT")
                .profile("endpoint_url")
                .build()
                .unwrap_or_else(|error| panic!("{error}"))
        };
        assert_eq!(EnvironmentEndpoints.load_config(key("Dynamo DB")), None);
        env::set_var("HOMEMAKING_TEST_ENDPOINT", "http://general");
        env::set_var("HOMEMAKING_TEST_ENDPOINT_DYNAMO_DB", "http://dynamodb");
        env::set_var("HOMEMAKING_TEST_ENDPOINT_S3", "");
        assert_eq!(
            EnvironmentEndpoints
                .load_config(key("Dynamo DB"))
                .as_deref(),
            Some("http://dynamodb")
        );
        assert_eq!(
            EnvironmentEndpoints.load_config(key("S3")).as_deref(),
            Some("http://general")
        );
    }
}
