//! The ledger of what each function's code did in AWS during a run of the black-box suite:
//! for every function, each IAM action its calls needed and on what (the table or an
//! index, an object key, the bucket, an SSM parameter). The least-privilege test
//! (`tests/tests/least_privilege.rs`) compares it with the roles of `template.yaml`.
//!
//! How it is filled: [`crate::app::TestApp`] gives every function its own
//! [`shared::AppState`], whose DynamoDB, S3 and SSM clients carry a
//! [`crate::calls::CallLog`] naming the function, so whatever the function's code calls, in
//! a request or an event handler, on any task, is recorded under it; the harness's own
//! calls (creating tables and buckets, fixtures, reading back results) go through clients
//! that name no function and are not recorded here. Recording is process-wide (one static
//! map), as cargo runs the tests of a binary on threads of one process.
//!
//! How it reaches the comparison: cargo runs each test binary as its own process, tests in
//! parallel and in no fixed order, so no test of the recording binary can know that all the
//! others are done. The comparison is therefore a test binary of its own
//! (`least_privilege`), which cargo runs after `api` (test binaries run one after another,
//! in the order of their names). When a recording process exits (normally or with failed
//! tests, not when killed), an `atexit` hook writes its ledger to
//! `<target>/<profile>/least-privilege/<binary>.ledger.json` — only when the run was
//! complete: a run narrowed by a filter, `--skip`, `--exact` or `--ignored` saw only part of
//! the suite and writes nothing, so it cannot stand for the suite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// What an action was performed on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The function's table (`TABLE_NAME`).
    Table,
    /// An index of the function's table.
    Index(String),
    /// The function's bucket (`BUCKET_NAME`) itself (listing).
    Bucket,
    /// An object of the function's bucket, by key.
    Object(String),
    /// An SSM parameter, by the name the test configuration gave it.
    Parameter(String),
}

impl Target {
    /// What the ledger keeps one example of: objects by their top-level folder (keys carry
    /// ids and random tokens; IAM grants them by prefix), everything else as itself.
    fn class(&self) -> Target {
        match self {
            Target::Object(key) => Target::Object(
                key.split_once('/')
                    .map_or(key.as_str(), |(top, _)| top)
                    .into(),
            ),
            other => other.clone(),
        }
    }
}

/// One thing a function's code did: the SDK operation, the IAM action it needs (one
/// operation may need several: a transaction needs each contained write's action), and
/// its target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Use {
    /// The IAM action (`dynamodb:PutItem`, `s3:GetObject`, `ssm:GetParameter`).
    pub action: String,
    /// The SDK operation that needed it (`TransactWriteItems`, `HeadObject`, a presigned
    /// `PutObject`).
    pub operation: String,
    /// What it acted on (one example per object folder).
    pub target: Target,
}

/// A function name and what its code did, as one process recorded it.
pub type Uses = BTreeMap<String, Vec<Use>>;

/// The ledger file of one complete run of a test binary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerFile {
    /// The test binary that recorded it.
    pub binary: PathBuf,
    /// When it was written (Unix seconds).
    pub written_at: u64,
    /// Every function's uses.
    pub functions: Uses,
}

type Key = (String, String, Target);
static LEDGER: Mutex<BTreeMap<String, BTreeMap<Key, Target>>> = Mutex::new(BTreeMap::new());
static PERSIST: Once = Once::new();

/// Records that `function`'s code performed `action` (through `operation`) on `target`.
pub fn record(function: &str, action: &str, operation: &str, target: Target) {
    PERSIST.call_once(register_persistence);
    let key = (action.to_owned(), operation.to_owned(), target.class());
    let mut ledger = LEDGER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    ledger
        .entry(function.to_owned())
        .or_default()
        .entry(key)
        .or_insert(target);
}

/// What this process has recorded so far.
pub fn snapshot() -> Uses {
    let ledger = LEDGER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    ledger
        .iter()
        .map(|(function, uses)| {
            let uses = uses
                .iter()
                .map(|((action, operation, _), target)| Use {
                    action: action.clone(),
                    operation: operation.clone(),
                    target: target.clone(),
                })
                .collect();
            (function.clone(), uses)
        })
        .collect()
}

/// The directory of ledgers and the report: `least-privilege/` in the profile directory
/// of the running test binary (`<target>/debug/deps/api-…` → `<target>/debug/least-privilege`).
pub fn directory() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    exe.parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("least-privilege"))
        .ok_or_else(|| format!("{} has no profile directory", exe.display()))
}

/// The test target a binary of cargo's `deps` directory was built from (`api-0123abcd` →
/// `api`); `None` for a binary elsewhere (the harness's own binaries, which persist nothing).
fn test_target(exe: &Path) -> Option<String> {
    let in_deps = exe
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == "deps");
    let stem = exe.file_stem()?.to_str()?;
    let (target, hash) = stem.rsplit_once('-')?;
    (in_deps && hash.chars().all(|c| c.is_ascii_hexdigit())).then(|| target.to_owned())
}

/// Whether libtest was asked to run every test: no filter and no option that narrows the
/// run (`--skip`, `--exact`, `--ignored`, `--list`). Options that only change how tests run
/// or report (`--nocapture`, `--test-threads N`, `--format X`, …) keep it complete.
pub fn runs_every_test(args: &[String]) -> bool {
    const PLAIN: [&str; 7] = [
        "--nocapture",
        "--no-capture",
        "--show-output",
        "--include-ignored",
        "-q",
        "--quiet",
        "--report-time",
    ];
    const WITH_VALUE: [&str; 4] = ["--test-threads", "--color", "--format", "-Z"];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if PLAIN.contains(&arg.as_str()) {
            continue;
        }
        if WITH_VALUE.contains(&arg.as_str()) {
            args.next();
            continue;
        }
        if WITH_VALUE
            .iter()
            .any(|option| arg.starts_with(&format!("{option}=")))
        {
            continue;
        }
        return false;
    }
    true
}

fn register_persistence() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let is_test_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| test_target(&exe))
        .is_some();
    if is_test_binary && runs_every_test(&args) {
        // SAFETY: registers a plain function with no captured state; it runs once, at exit.
        unsafe {
            libc::atexit(persist_at_exit);
        }
    }
}

extern "C" fn persist_at_exit() {
    // Nothing may unwind out of an atexit hook; a failure to write shows as a missing ledger.
    let _ = std::panic::catch_unwind(|| {
        if let Err(error) = persist() {
            eprintln!("least-privilege ledger not written: {error}");
        }
    });
}

/// Writes this process's ledger (atomically: a temporary file renamed over the old one).
fn persist() -> Result<(), String> {
    let functions = snapshot();
    if functions.is_empty() {
        return Ok(());
    }
    let binary = std::env::current_exe().map_err(|error| error.to_string())?;
    let target = test_target(&binary).ok_or("not a test binary")?;
    let ledger = LedgerFile {
        binary,
        written_at: unix_seconds(SystemTime::now()),
        functions,
    };
    let directory = directory()?;
    std::fs::create_dir_all(&directory).map_err(|error| error.to_string())?;
    let path = directory.join(format!("{target}.ledger.json"));
    let partial = directory.join(format!("{target}.ledger.json.{}", std::process::id()));
    let text = serde_json::to_string_pretty(&ledger).map_err(|error| error.to_string())?;
    std::fs::write(&partial, text).map_err(|error| error.to_string())?;
    std::fs::rename(&partial, &path).map_err(|error| error.to_string())
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

/// Every ledger in `directory` written by a complete run of the binary as it is now (a
/// ledger older than its binary was recorded by code since rebuilt, and is skipped), with
/// the reasons the others were skipped.
pub fn load(directory: &Path) -> (Vec<LedgerFile>, Vec<String>) {
    let mut ledgers = Vec::new();
    let mut skipped = Vec::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return (
            ledgers,
            vec![format!("{} does not exist", directory.display())],
        );
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".ledger.json"))
        .collect();
    paths.sort();
    for path in paths {
        let parsed = std::fs::read_to_string(&path)
            .map_err(|error| error.to_string())
            .and_then(|text| {
                serde_json::from_str::<LedgerFile>(&text).map_err(|error| error.to_string())
            });
        let ledger = match parsed {
            Ok(ledger) => ledger,
            Err(error) => {
                skipped.push(format!("{}: {error}", path.display()));
                continue;
            }
        };
        let built = std::fs::metadata(&ledger.binary)
            .and_then(|metadata| metadata.modified())
            .map(unix_seconds);
        match built {
            Ok(built) if built <= ledger.written_at => ledgers.push(ledger),
            Ok(_) => skipped.push(format!(
                "{}: {} was rebuilt after this run",
                path.display(),
                ledger.binary.display()
            )),
            Err(error) => skipped.push(format!(
                "{}: {}: {error}",
                path.display(),
                ledger.binary.display()
            )),
        }
    }
    (ledgers, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn only_unnarrowed_runs_are_complete() {
        assert!(runs_every_test(&args(&[])));
        assert!(runs_every_test(&args(&[
            "--nocapture",
            "--test-threads",
            "2",
            "--format=terse"
        ])));
        assert!(!runs_every_test(&args(&["files"])));
        assert!(!runs_every_test(&args(&["--skip", "files"])));
        assert!(!runs_every_test(&args(&["--exact", "a::b"])));
        assert!(!runs_every_test(&args(&["--ignored"])));
        assert!(!runs_every_test(&args(&["--test-threads", "2", "files"])));
    }

    #[test]
    fn test_binaries_are_named_after_their_target() {
        let deps = Path::new("/t/debug/deps");
        assert_eq!(
            test_target(&deps.join("api-0123abcdef")),
            Some("api".to_owned())
        );
        assert_eq!(
            test_target(&deps.join("least_privilege-00ff")),
            Some("least_privilege".to_owned())
        );
        assert_eq!(test_target(Path::new("/t/debug/devstack")), None);
    }

    #[test]
    fn objects_are_kept_by_folder() {
        assert_eq!(
            Target::Object("uploads/7/12".into()).class(),
            Target::Object("uploads".into())
        );
        assert_eq!(
            Target::Index("GSI1".into()).class(),
            Target::Index("GSI1".into())
        );
    }
}
