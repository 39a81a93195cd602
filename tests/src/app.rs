//! A test application: every function's router over a fresh table in DynamoDB Local,
//! called with real HTTP-shaped requests, dispatched by the same route table as
//! `cargo lambda watch`. Each function has its own state and clients, as each is its own
//! Lambda when deployed: what its code calls is recorded under its name (see
//! [`crate::ledger`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{HeaderMap, Method, Request};
use axum::middleware::{self, Next};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use shared::config::Config;
use shared::store::Store;
use shared::AppState;
use tower::ServiceExt;

use crate::calls::CallLog;
use crate::routes::{functions, template_routes, Dispatcher, EVENT_FUNCTIONS};
use crate::{dynamodb_local, s3_local, schema, ssm_local, workspace_root};

/// The signing secret of test tokens.
pub const JWT_SECRET: &str = "test-jwt-secret";
/// The bootstrap admin pair of the test configuration.
pub const BOOTSTRAP_ADMIN: (&str, u64) = ("admin-test", 1);
/// `iss` and `aud` of the test deployment's tokens.
pub const TOKEN_SCOPE: &str = "homemaking-test";

/// The scope of the test deployment's tokens.
pub fn token_scope() -> shared::auth::TokenScope {
    shared::auth::TokenScope {
        issuer: TOKEN_SCOPE.to_owned(),
        audience: TOKEN_SCOPE.to_owned(),
    }
}

/// The credential pepper of the test configuration.
pub const CREDENTIAL_PEPPER: &str = "test-credential-pepper";
/// The source address of test requests unless one says otherwise.
pub const TEST_SOURCE_IP: &str = "127.0.0.1";
/// The IM secret key of the test configuration.
pub const TIM_SECRET_KEY: &str = "test-tim-key";
/// The IM application id of the test configuration.
pub const TIM_SDK_APP_ID: u64 = 1_400_000_001;

/// The secrets of the test configuration, given as deployed functions get them: the
/// variable naming the SSM parameter, the parameter, and its value (which
/// [`ssm_local::LocalSsm`] serves).
pub const TEST_PARAMETERS: [(&str, &str, &str); 4] = [
    ("JWT_SECRET_PARAMETER", "/test/jwt-secret", JWT_SECRET),
    (
        "CREDENTIAL_PEPPER_PARAMETER",
        "/test/credential-pepper",
        CREDENTIAL_PEPPER,
    ),
    (
        "TIM_SECRET_PARAMETER",
        "/test/tim-secret-key",
        TIM_SECRET_KEY,
    ),
    (
        "BOOTSTRAP_ADMIN_PARAMETER",
        "/test/bootstrap-admin",
        r#"{"i_code": "admin-test", "order_no": 1}"#,
    ),
];

/// Every function's router over one fresh table.
pub struct TestApp {
    /// The harness's own state (same configuration, table, bucket and clock as the
    /// functions'), for fixtures and for reading back what requests did; its calls are
    /// nobody's in the ledger.
    pub state: AppState,
    /// The table of this app.
    pub table: String,
    states: BTreeMap<&'static str, AppState>,
    routers: BTreeMap<&'static str, Router>,
    dispatcher: Dispatcher,
    clock: Arc<AtomicI64>,
    calls: CallLog,
    sdk: aws_config::SdkConfig,
}

/// The configuration of the harness's own state: every secret of [`TEST_PARAMETERS`].
pub fn test_config(table: &str) -> Config {
    config_naming(table, |_| true)
}

/// Each function's environment in template.yaml, by binary (read once per process).
fn environments() -> &'static BTreeMap<String, BTreeMap<String, String>> {
    static ENVIRONMENTS: std::sync::OnceLock<BTreeMap<String, BTreeMap<String, String>>> =
        std::sync::OnceLock::new();
    ENVIRONMENTS.get_or_init(|| {
        let template = crate::iam::Template::load().and_then(|template| template.functions());
        template
            .unwrap_or_else(|error| panic!("template.yaml: {error}"))
            .into_iter()
            .map(|function| (function.binary, function.environment))
            .collect()
    })
}

/// The configuration function `function` runs with: the secrets its environment in
/// template.yaml names, as deployed (only auth and admin know the bootstrap admin pair).
fn function_config(table: &str, function: &str) -> Config {
    let environment = environments()
        .get(function)
        .unwrap_or_else(|| panic!("no function {function} in template.yaml"));
    config_naming(table, |variable| environment.contains_key(variable))
}

/// The test configuration with the secrets whose variables `names` accepts.
fn config_naming(table: &str, names: impl Fn(&str) -> bool) -> Config {
    let mut settings = HashMap::from([
        ("TABLE_NAME", table.to_owned()),
        ("TOKEN_ISSUER", TOKEN_SCOPE.to_owned()),
        ("TOKEN_AUDIENCE", TOKEN_SCOPE.to_owned()),
        ("TIM_SDKAPPID", TIM_SDK_APP_ID.to_string()),
        ("ASSET_BASE_URL", "http://assets.test".to_owned()),
        ("BUCKET_NAME", bucket_for(table)),
        ("S3_FORCE_PATH_STYLE", "true".to_owned()),
    ]);
    for (variable, parameter, _) in TEST_PARAMETERS {
        if names(variable) {
            settings.insert(variable, parameter.to_owned());
        }
    }
    Config::from_lookup(|name| settings.get(name).cloned())
        .unwrap_or_else(|error| panic!("test configuration: {error}"))
}

/// The bucket of the test app over `table` (each app has its own, as file ids restart).
pub fn bucket_for(table: &str) -> String {
    table.replace('_', "-").to_lowercase()
}

/// The clock the state reads: `fixed` when set, else the system's.
fn clock_of(fixed: &Arc<AtomicI64>) -> shared::state::Clock {
    let fixed = Arc::clone(fixed);
    Arc::new(move || match fixed.load(Ordering::SeqCst) {
        0 => shared::time::now(),
        at => at,
    })
}

/// SDK configuration for DynamoDB Local: the product's retries, fixed region and dummy
/// credentials, and per-attempt time limits generous enough for a JVM warming up on a
/// loaded 2-core machine (the product's own limits target DynamoDB's millisecond latency).
pub fn local_sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .operation_attempt_timeout(std::time::Duration::from_secs(30))
        .operation_timeout(std::time::Duration::from_secs(60))
        .build();
    shared::state::sdk_defaults()
        .timeout_config(timeouts)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test", "test", None, None, "test",
        )))
        .endpoint_url(endpoint)
        .build()
}

fn unique_table_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "test_{}_{}_{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestApp {
    /// A fresh table in the test process's DynamoDB Local and every router over it.
    pub async fn new() -> TestApp {
        Self::with_endpoint(dynamodb_local::endpoint()).await
    }

    /// A fresh table in the DynamoDB at `endpoint` and every router over it.
    pub async fn with_endpoint(endpoint: &str) -> TestApp {
        let sdk = local_sdk_config(endpoint);
        let table = unique_table_name();
        let calls = CallLog::default();
        let dynamodb = |log: CallLog| {
            aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(&sdk)
                    .interceptor(log)
                    .build(),
            )
        };
        let client = dynamodb(calls.clone());
        let definition = schema::table_definition(&workspace_root().join("template.yaml"))
            .unwrap_or_else(|error| panic!("{error}"));
        schema::create_table(&client, &table, &definition)
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let s3 = s3_local::logged_client(&sdk, calls.clone());
        s3_local::create_bucket(&s3, &bucket_for(&table))
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let clock = Arc::new(AtomicI64::new(0));
        let now = clock_of(&clock);
        let state_over = |config: Config, log: CallLog, dynamodb: aws_sdk_dynamodb::Client| {
            AppState::with_store(
                config,
                sdk.clone(),
                Store::new(dynamodb, &table),
                ssm_local::client(&sdk, log.clone()),
                s3_local::logged_client(&sdk, log),
                Arc::clone(&now),
            )
        };
        let state = state_over(test_config(&table), calls.clone(), client);
        let states: BTreeMap<&'static str, AppState> = functions()
            .into_iter()
            .map(|(name, _)| name)
            .chain(EVENT_FUNCTIONS)
            .map(|name| {
                let log = calls.for_function(name);
                let config = function_config(&table, name);
                (name, state_over(config, log.clone(), dynamodb(log)))
            })
            .collect();
        let routers = functions()
            .into_iter()
            .map(|(name, router)| (name, router(states[name].clone())))
            .collect();
        let routes = template_routes().unwrap_or_else(|error| panic!("{error}"));
        let dispatcher = Dispatcher::new(&routes).unwrap_or_else(|error| panic!("{error}"));
        TestApp {
            state,
            table,
            states,
            routers,
            dispatcher,
            clock,
            calls,
            sdk,
        }
    }

    /// The app's state (configuration, table, clock) with its S3 client at `endpoint`:
    /// an unreachable one makes every S3 call fail.
    pub fn state_with_s3_at(&self, endpoint: &str) -> AppState {
        AppState::with_store(
            self.state.config().clone(),
            self.sdk.clone(),
            self.state.store().clone(),
            aws_sdk_ssm::Client::new(&self.sdk),
            s3_local::client_for(&self.sdk, endpoint),
            clock_of(&self.clock),
        )
    }

    /// The DynamoDB operations called since the last call of `calls` (or since creation).
    pub fn calls(&self) -> Vec<String> {
        self.calls.take()
    }

    /// Freezes the clock at `unix_seconds` (0 returns to the system clock).
    pub fn set_now(&self, unix_seconds: i64) {
        self.clock.store(unix_seconds, Ordering::SeqCst);
    }

    /// The state of function `name` (its configuration and clients): for calling the
    /// handlers of a function that API Gateway does not invoke (`image-variants`), or a
    /// router over another configuration.
    pub fn function_state(&self, name: &str) -> AppState {
        self.states
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// The router of function `name`.
    pub fn router(&self, name: &str) -> Router {
        self.routers
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    /// Starts a request to `path` (which may carry a query string).
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            app: self,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            source_ip: TEST_SOURCE_IP.to_owned(),
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: Value) -> TestRequest<'_> {
        self.request(Method::POST, path).json(body)
    }

    /// `PUT path` with a JSON body.
    pub fn put(&self, path: &str, body: Value) -> TestRequest<'_> {
        self.request(Method::PUT, path).json(body)
    }

    /// A token for the pair, through `POST /v1/token`.
    pub async fn token_for(&self, i_code: &str, order_no: u64) -> String {
        let response = self
            .post(
                "/v1/token",
                json!({ "i_code": i_code, "order_no": order_no }),
            )
            .send()
            .await;
        assert_eq!(response.status, 200, "sign-in failed: {}", response.body);
        response.data()["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {}", response.body))
            .to_owned()
    }

    /// A token of the bootstrap admin.
    pub async fn admin_token(&self) -> String {
        self.token_for(BOOTSTRAP_ADMIN.0, BOOTSTRAP_ADMIN.1).await
    }

    /// Registers a new pair with `roles` (and `company_id`), signs in, and answers the
    /// token and user id.
    pub async fn member(&self, roles: &[&str], company_id: Option<u64>) -> (String, u64) {
        static NEXT: AtomicU64 = AtomicU64::new(1000);
        let order_no = NEXT.fetch_add(1, Ordering::Relaxed);
        let i_code = format!("member-{order_no}");
        let mut body = json!({ "i_code": i_code, "order_no": order_no, "roles": roles });
        if let Some(company_id) = company_id {
            body["company_id"] = json!(company_id);
        }
        let admin = self.admin_token().await;
        let registered = self
            .post("/v1/admin/credential", body)
            .token(&admin)
            .send()
            .await;
        assert_eq!(
            registered.status, 201,
            "register failed: {}",
            registered.body
        );
        let token = self.token_for(&i_code, order_no).await;
        let me = self.get("/v1/user").token(&token).send().await;
        let id = me.data()["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no id in {}", me.body));
        (token, id)
    }
}

/// A request being built.
pub struct TestRequest<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    source_ip: String,
}

impl TestRequest<'_> {
    /// Sends from `address`, which API Gateway reports as the request's `sourceIp`.
    pub fn from_ip(mut self, address: &str) -> Self {
        self.source_ip = address.to_owned();
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sends the token in the seed's `token` header.
    pub fn token(self, token: &str) -> Self {
        self.header("token", token)
    }

    /// A JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = body.to_string().into_bytes();
        self.header("content-type", "application/json;charset=utf-8")
    }

    /// A raw body.
    pub fn raw_body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    /// Sends the request to the function the route table names, as API Gateway would;
    /// an unrouted request gets API Gateway's own 404.
    pub async fn send(self) -> TestResponse {
        let route_path = self.path.split('?').next().unwrap_or_default().to_owned();
        let Some(function) = self
            .app
            .dispatcher
            .function(self.method.as_str(), &route_path)
        else {
            return TestResponse {
                status: 404,
                body: json!({ "message": "Not Found" }),
                headers: HeaderMap::new(),
            };
        };
        let router = self.app.router(function);
        self.send_to(router).await
    }

    /// Sends the request straight to `router`.
    pub async fn send_to(self, router: Router) -> TestResponse {
        let mut request = Request::builder().method(self.method).uri(&self.path);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(Body::from(self.body))
            .unwrap_or_else(|error| panic!("bad test request: {error}"));
        request
            .extensions_mut()
            .insert(api_gateway_context(&self.source_ip));
        let response = router
            .oneshot(request)
            .await
            .unwrap_or_else(|error| match error {});
        TestResponse::read(response).await
    }
}

/// Where an API Gateway event sent with [`TestApp::send_event`] went, and its answer.
#[derive(Debug)]
pub struct EventAnswer {
    /// The function the route table chose; `None`: no route, API Gateway's own 404.
    pub function: Option<String>,
    /// The key of the route the table matched (`GET /v1/file/{id}`, or `$default`).
    pub route_key: Option<String>,
    /// The path of the function router's route that took the request, as axum matched it;
    /// `None` when its fallback answered, or when the router matches inside a wrapper that
    /// hides the match (`files`, which collapses runs of slashes before it routes).
    pub served_by: Option<String>,
    /// The answer.
    pub response: TestResponse,
}

/// The route path axum matched, carried out on the response.
#[derive(Debug, Clone)]
struct ServedBy(String);

/// Puts the route path axum matched (if any) on the response.
async fn report_matched_path(request: Request<Body>, next: Next) -> axum::response::Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(path) = matched {
        response.extensions_mut().insert(ServedBy(path));
    }
    response
}

impl TestApp {
    /// The function and route key the route table gives `method path`, as API Gateway
    /// matches it.
    pub fn route_for(&self, method: &str, path: &str) -> Option<(&str, String)> {
        self.dispatcher.route(method, path)
    }

    /// Sends an API Gateway (HTTP API, payload 2.0) event as the Lambda runtime hands it
    /// to a function — turned into a request by `lambda_http`, cookies, query, body and
    /// request context included — to the function the route table names for its method
    /// and raw path; an event no route takes gets API Gateway's own 404.
    pub async fn send_event(&self, event: &Value) -> Result<EventAnswer, String> {
        let request = lambda_http::request::from_str(&event.to_string())
            .map_err(|error| format!("not an API Gateway event: {error}"))?;
        let method = request.method().as_str().to_owned();
        let path = request.uri().path().to_owned();
        let Some((function, route_key)) = self.route_for(&method, &path) else {
            return Ok(EventAnswer {
                function: None,
                route_key: None,
                served_by: None,
                response: TestResponse {
                    status: 404,
                    body: json!({ "message": "Not Found" }),
                    headers: HeaderMap::new(),
                },
            });
        };
        let router = self
            .router(function)
            .layer(middleware::from_fn(report_matched_path));
        let response = router
            .oneshot(request)
            .await
            .unwrap_or_else(|error| match error {});
        let served_by = response
            .extensions()
            .get::<ServedBy>()
            .map(|served| served.0.clone());
        Ok(EventAnswer {
            function: Some(function.to_owned()),
            route_key: Some(route_key),
            served_by,
            response: TestResponse::read(response).await,
        })
    }
}

/// The request context API Gateway (HTTP API, payload 2.0) gives a request from `address`.
fn api_gateway_context(address: &str) -> lambda_http::request::RequestContext {
    let context = serde_json::from_value(json!({
        "routeKey": "$default", "stage": "$default", "requestId": "test",
        "http": { "method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": address },
        "timeEpoch": 0
    }))
    .unwrap_or_else(|error| panic!("request context: {error}"));
    lambda_http::request::RequestContext::ApiGatewayV2(context)
}

/// A response: status, JSON body (or the text as a JSON string), headers.
#[derive(Debug)]
pub struct TestResponse {
    /// HTTP status.
    pub status: u16,
    /// Parsed body (`null` when empty).
    pub body: Value,
    /// Headers.
    pub headers: HeaderMap,
}

impl TestResponse {
    /// Reads a router's response: status, headers, and the body as JSON (or as a JSON
    /// string when it is not JSON; `null` when empty).
    pub async fn read(response: axum::response::Response) -> TestResponse {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        TestResponse {
            status,
            body,
            headers,
        }
    }

    /// `error_code` of the envelope.
    pub fn code(&self) -> i64 {
        self.body["error_code"].as_i64().unwrap_or(-1)
    }

    /// `data` of the envelope.
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// Asserts a failure envelope with `status` and `code` and the request description.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer: {}",
            self.body
        );
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(self.body["request"]
            .as_str()
            .is_some_and(|r| r.contains(' ')));
    }

    /// Asserts a success envelope with `status`.
    #[track_caller]
    pub fn assert_ok(&self, status: u16) {
        assert_eq!(
            (self.status, self.code()),
            (status, 0),
            "unexpected answer: {}",
            self.body
        );
        assert_eq!(self.body["message"], "ok");
    }
}

impl TestApp {
    /// The bytes of object `key` in this app's bucket, if there is one.
    pub async fn object(&self, key: &str) -> Option<Vec<u8>> {
        let output = self
            .state
            .s3()
            .get_object()
            .bucket(self.state.bucket().ok()?)
            .key(key)
            .send()
            .await
            .ok()?;
        Some(output.body.collect().await.ok()?.to_vec())
    }

    /// Records a `ready` image file owned by `owner_id` (as if uploaded and processed) and
    /// answers its id — for tests of routes that attach photos.
    pub async fn ready_file(&self, owner_id: u64) -> u64 {
        crate::fixture::ready_file(&self.state, owner_id)
            .await
            .unwrap_or_else(|error| panic!("{error:?}"))
    }
}
