//! The local stack and the black-box test harness: DynamoDB Local, the table as
//! `template.yaml` defines it, the route tables, every function's router, and the demo
//! fixture.

pub mod app;
pub mod async_invoke;
pub mod calls;
pub mod design_fixture;
pub mod dynamodb_local;
pub mod edge;
pub mod events;
pub mod fixture;
pub mod iam;
pub mod images;
pub mod ledger;
pub mod local_server;
pub mod mobilization;
pub mod routes;
pub mod s3_event;
pub mod s3_local;
pub mod schema;
pub mod ssm_local;

use std::path::PathBuf;

/// The workspace root (where `Cargo.toml` and `template.yaml` live).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
