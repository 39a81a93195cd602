//! The local S3 for tests: reuse the server named by `TEST_S3_ENDPOINT`, or start `s3s-fs`
//! (installed by `scripts/install-deps`) once per test process on a free loopback port,
//! over a fresh directory. It checks SigV4 signatures, presigned-URL expiry and signed
//! headers as S3 does. Each test app gets its own bucket.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use aws_config::SdkConfig;

use crate::calls::CallLog;
use crate::local_server::{self, free_port};

/// Access key of the local server (the SDK test credentials).
pub const ACCESS_KEY: &str = "test";
/// Secret key of the local server.
pub const SECRET_KEY: &str = "test";

/// The endpoint URL of the local S3 for this test process.
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("TEST_S3_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => endpoint,
        _ => spawn().unwrap_or_else(|error| panic!("cannot start s3s-fs: {error}")),
    })
}

/// The `s3s-fs` binary: `S3S_FS`, else the one `scripts/install-deps` put in the project's
/// cache (`~/.cache/homemaking/bin`), else the PATH.
pub fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("S3S_FS") {
        return PathBuf::from(path);
    }
    let cached = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|cache| cache.join("homemaking/bin/s3s-fs"));
    match cached {
        Ok(path) if path.is_file() => path,
        _ => PathBuf::from("s3s-fs"),
    }
}

fn spawn() -> Result<String, String> {
    let port = free_port()?;
    let dir = std::env::temp_dir().join(format!("homemaking-s3-{}", std::process::id()));
    remove_stale_dirs();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut command = Command::new(binary());
    command
        .args(["--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
        .arg(&dir);
    local_server::spawn(command, port, "s3s-fs")
}

/// Removes the data directories of earlier test processes that have exited.
fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("homemaking-s3-") else {
            continue;
        };
        if !PathBuf::from(format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// An S3 client for `endpoint`, path-style (the server listens on an IP address).
pub fn client_for(sdk: &SdkConfig, endpoint: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(builder(sdk, endpoint).build())
}

fn builder(sdk: &SdkConfig, endpoint: &str) -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::from(sdk)
        .endpoint_url(endpoint)
        .force_path_style(true)
}

/// An S3 client for the test process's local S3.
pub fn client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    client_for(sdk, endpoint())
}

/// An S3 client for the test process's local S3 with `log` on it (see [`CallLog`]).
pub fn logged_client(sdk: &SdkConfig, log: CallLog) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(builder(sdk, endpoint()).interceptor(log).build())
}

/// Creates `bucket` (an existing one is fine).
pub async fn create_bucket(client: &aws_sdk_s3::Client, bucket: &str) -> Result<(), String> {
    match client.create_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(error) => {
            let service = error.as_service_error();
            if service
                .is_some_and(|e| e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists())
            {
                Ok(())
            } else {
                Err(aws_sdk_s3::error::DisplayErrorContext(&error).to_string())
            }
        }
    }
}
