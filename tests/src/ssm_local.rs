//! SSM Parameter Store for tests, in process: an HTTP client for the SSM SDK client that
//! answers `GetParameter` for the test configuration's parameters
//! ([`crate::app::TEST_PARAMETERS`]) and `ParameterNotFound` for any other name. The
//! functions read their secrets through SSM in tests as when deployed, so the ledger sees
//! which function reads which parameter.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};

use crate::app::TEST_PARAMETERS;

/// The in-process Parameter Store.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalSsm;

impl HttpClient for LocalSsm {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(*self)
    }
}

impl HttpConnector for LocalSsm {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request
            .headers()
            .get("x-amz-target")
            .unwrap_or_default()
            .to_owned();
        let body: Value = request
            .body()
            .bytes()
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or_default();
        let name = body["Name"].as_str().unwrap_or_default();
        let found = TEST_PARAMETERS
            .iter()
            .find(|(_, parameter, _)| *parameter == name);
        let (status, answer) = match (target.as_str(), found) {
            ("AmazonSSM.GetParameter", Some((_, parameter, value))) => (
                200,
                json!({ "Parameter": {
                    "Name": parameter, "Type": "SecureString", "Value": value, "Version": 1
                }}),
            ),
            ("AmazonSSM.GetParameter", None) => (
                400,
                json!({ "__type": "ParameterNotFound", "message": format!("{name} not found") }),
            ),
            _ => (
                400,
                json!({ "__type": "InvalidAction", "message": format!("{target} is not served") }),
            ),
        };
        // A streaming body, as from a connection: the SDK's trace of each response it
        // receives prints an in-memory body, secret values included; it redacts the body
        // of a sensitive output (GetParameter's) only when it reads one from the wire.
        let body = http_body_util::Full::new(axum::body::Bytes::from(answer.to_string()));
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).unwrap_or_else(|error| panic!("{error}")),
            SdkBody::from_body_1_x(body),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        HttpConnectorFuture::ready(Ok(response))
    }
}

/// An SSM client over `sdk` served by [`LocalSsm`], with `interceptor` on it.
pub fn client(
    sdk: &aws_config::SdkConfig,
    interceptor: crate::calls::CallLog,
) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::config::Builder::from(sdk)
            .http_client(LocalSsm)
            .interceptor(interceptor)
            .build(),
    )
}
