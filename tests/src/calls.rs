//! An SDK interceptor on every client of the test harness: it counts the DynamoDB calls a
//! request makes, refuses any Scan (request paths must use keys and indexes), and records
//! in the [`ledger`](crate::ledger) each IAM action a function's code needs.
//!
//! The operation comes from the smithy operation metadata in the config bag (service and
//! operation name, the same for every SDK); the target from the typed input (DynamoDB: the
//! index a Query or Scan reads; SSM: the parameter) or, for S3, from the request path
//! (path-style addressing in tests: `/bucket/key`). The request path is read just before
//! transmission, which presigning reaches too: a presigned PUT is recorded as the
//! `s3:PutObject` the signing role must hold for the URL to work.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, Input,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::ledger::{self, Target};

/// The DynamoDB operation names (`GetItem`, `Query`, …) called since the last
/// [`CallLog::take`], retries included; and, when the log belongs to a function's clients,
/// that function's name for the ledger.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    calls: Arc<Mutex<Vec<String>>>,
    function: Option<&'static str>,
}

impl CallLog {
    /// The calls logged so far, clearing the log.
    pub fn take(&self) -> Vec<String> {
        self.calls
            .lock()
            .map(|mut calls| std::mem::take(&mut *calls))
            .unwrap_or_default()
    }

    /// The same log for the clients of `function`, whose calls also go to the ledger.
    pub fn for_function(&self, function: &'static str) -> CallLog {
        CallLog {
            calls: Arc::clone(&self.calls),
            function: Some(function),
        }
    }
}

/// The service and operation of the call being made.
fn operation(config: &ConfigBag) -> (&str, &str) {
    config
        .load::<Metadata>()
        .map_or(("", ""), |metadata| (metadata.service(), metadata.name()))
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    /// Refuses a Scan, and records the DynamoDB and SSM actions of the call (once per
    /// call, whatever the retries).
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, name) = operation(config);
        if service == "DynamoDB" && name == "Scan" {
            return Err("Scan is not allowed on a request path".into());
        }
        let Some(function) = self.function else {
            return Ok(());
        };
        let uses = match service {
            "DynamoDB" => dynamodb_actions(name, context.input()),
            "SSM" => ssm_actions(name, context.input()),
            _ => Vec::new(),
        };
        for (action, target) in uses {
            ledger::record(function, &action, name, target);
        }
        Ok(())
    }

    /// Counts each DynamoDB request sent, retries included, and records the S3 action of
    /// each S3 request (presigned ones included).
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, name) = operation(config);
        match service {
            "DynamoDB" => {
                if let Ok(mut calls) = self.calls.lock() {
                    calls.push(name.to_owned());
                }
            }
            "S3" => {
                if let Some(function) = self.function {
                    let uri = context.request().uri();
                    let target = s3_target(uri);
                    // Signed in the query rather than the headers: a URL for someone else
                    // to send, which works only while the signing role holds the action.
                    let operation = if uri.contains("X-Amz-Signature=") {
                        format!("presigned {name}")
                    } else {
                        name.to_owned()
                    };
                    let copy_source = context
                        .request()
                        .headers()
                        .get("x-amz-copy-source")
                        .map(str::to_owned);
                    for (action, target) in s3_actions(name, target, copy_source) {
                        ledger::record(function, &action, &operation, target);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The IAM actions a DynamoDB operation needs. A transaction is authorised per contained
/// action (Put, Update, Delete, ConditionCheck: `dynamodb:PutItem`, `UpdateItem`,
/// `DeleteItem`, `ConditionCheckItem`; Get: `GetItem`), not as an action of its own; see
/// "Using IAM with DynamoDB transactions" in the DynamoDB developer guide.
pub fn dynamodb_actions(operation: &str, input: &Input) -> Vec<(String, Target)> {
    use aws_sdk_dynamodb::operation::{
        query::QueryInput, scan::ScanInput, transact_get_items::TransactGetItemsInput,
        transact_write_items::TransactWriteItemsInput,
    };
    let action = |name: &str| format!("dynamodb:{name}");
    let on_index = |index: Option<&str>| index.map_or(Target::Table, |i| Target::Index(i.into()));
    if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        return transaction
            .transact_items()
            .iter()
            .filter_map(|item| {
                let contained = if item.put().is_some() {
                    "PutItem"
                } else if item.update().is_some() {
                    "UpdateItem"
                } else if item.delete().is_some() {
                    "DeleteItem"
                } else if item.condition_check().is_some() {
                    "ConditionCheckItem"
                } else {
                    return None;
                };
                Some((action(contained), Target::Table))
            })
            .collect();
    }
    if let Some(transaction) = input.downcast_ref::<TransactGetItemsInput>() {
        return transaction
            .transact_items()
            .iter()
            .filter(|item| item.get().is_some())
            .map(|_| (action("GetItem"), Target::Table))
            .collect();
    }
    if let Some(query) = input.downcast_ref::<QueryInput>() {
        return vec![(action(operation), on_index(query.index_name()))];
    }
    if let Some(scan) = input.downcast_ref::<ScanInput>() {
        return vec![(action(operation), on_index(scan.index_name()))];
    }
    vec![(action(operation), Target::Table)]
}

/// The IAM action of an SSM operation: the parameter read.
fn ssm_actions(operation: &str, input: &Input) -> Vec<(String, Target)> {
    use aws_sdk_ssm::operation::get_parameter::GetParameterInput;
    let name = input
        .downcast_ref::<GetParameterInput>()
        .and_then(GetParameterInput::name)
        .unwrap_or_default();
    vec![(
        format!("ssm:{operation}"),
        Target::Parameter(name.to_owned()),
    )]
}

/// The target of an S3 request from its path-style URI: `/bucket` or `/bucket/key`.
fn s3_target(uri: &str) -> Target {
    let path = uri
        .split_once("://")
        .map_or(uri, |(_, rest)| rest.find('/').map_or("", |at| &rest[at..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_start_matches('/');
    match path.split_once('/') {
        Some((_, key)) if !key.is_empty() => Target::Object(percent_decoded(key)),
        _ => Target::Bucket,
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The IAM actions an S3 operation needs. Operations without an entry are recorded as
/// `s3:?Operation`, which no role grants: the least-privilege test then fails until the
/// operation gets its mapping here (from the S3 documentation's "Permissions" of the
/// operation).
fn s3_actions(
    operation: &str,
    target: Target,
    copy_source: Option<String>,
) -> Vec<(String, Target)> {
    let action = |name: &str| format!("s3:{name}");
    let actions: Vec<(String, Target)> = match operation {
        // HeadObject and conditional reads (If-Match) are authorised as GetObject.
        "GetObject" | "HeadObject" => vec![(action("GetObject"), target)],
        // So are the parts of a multipart upload as PutObject.
        "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" => {
            vec![(action("PutObject"), target)]
        }
        "AbortMultipartUpload" => vec![(action("AbortMultipartUpload"), target)],
        "DeleteObject" => vec![(action("DeleteObject"), target)],
        "ListObjects" | "ListObjectsV2" => vec![(action("ListBucket"), target)],
        "CopyObject" => {
            let source = copy_source.map(|source| s3_target(&format!("/{source}")));
            let mut actions = vec![(action("PutObject"), target)];
            actions.extend(source.map(|source| (action("GetObject"), source)));
            actions
        }
        other => vec![(action(&format!("?{other}")), target)],
    };
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_targets_come_from_path_style_uris() {
        assert_eq!(
            s3_target("http://127.0.0.1:9000/bucket/uploads/7/12?x-id=PutObject"),
            Target::Object("uploads/7/12".into())
        );
        assert_eq!(
            s3_target("http://127.0.0.1:9000/bucket?list-type=2"),
            Target::Bucket
        );
        assert_eq!(
            s3_target("/bucket/variants/a%20b.jpg"),
            Target::Object("variants/a b.jpg".into())
        );
    }

    #[test]
    fn head_and_copy_map_to_the_actions_iam_checks() {
        let key = || Target::Object("uploads/1/2".into());
        assert_eq!(
            s3_actions("HeadObject", key(), None),
            [("s3:GetObject".to_owned(), key())]
        );
        assert_eq!(
            s3_actions("CopyObject", key(), Some("bucket/variants/x".into())),
            [
                ("s3:PutObject".to_owned(), key()),
                (
                    "s3:GetObject".to_owned(),
                    Target::Object("variants/x".into())
                )
            ]
        );
        assert_eq!(
            s3_actions("PutBucketPolicy", Target::Bucket, None),
            [("s3:?PutBucketPolicy".to_owned(), Target::Bucket)]
        );
    }
}
