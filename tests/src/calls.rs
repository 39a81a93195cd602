//! Counts the DynamoDB calls a request makes (an SDK interceptor on the test client), and
//! refuses any Scan: request paths must use keys and indexes.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The operation names (`GetItem`, `Query`, …) called since the last [`CallLog::take`].
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<String>>>);

impl CallLog {
    /// The calls logged so far, clearing the log.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut calls| std::mem::take(&mut *calls))
            .unwrap_or_default()
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    /// Reads the operation from the `X-Amz-Target` header (`DynamoDB_20120810.GetItem`) of
    /// each request sent, retries included.
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        if operation == "Scan" {
            return Err("Scan is not allowed on a request path".into());
        }
        if let Ok(mut calls) = self.0.lock() {
            calls.push(operation);
        }
        Ok(())
    }
}
