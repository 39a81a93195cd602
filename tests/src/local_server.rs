//! Starting a local server (DynamoDB Local, s3s-fs) for the test process: on a free
//! loopback port, from a thread that lives as long as the process, so that the
//! parent-death signal (sent when the spawning thread ends) fires only at process exit.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A free loopback port.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| error.to_string())
}

/// Silences `command` and has it killed when the thread that spawns it ends.
pub fn die_with_spawning_thread(command: &mut Command) {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: prctl is async-signal-safe and touches only the child's own state.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

/// Runs `command` (which must listen on `port`) until the process exits, and answers its
/// `http://127.0.0.1:port` once it accepts connections.
pub fn spawn(mut command: Command, port: u16, what: &'static str) -> Result<String, String> {
    let (started, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        die_with_spawning_thread(&mut command);
        match command.spawn() {
            Ok(mut child) => {
                let _ = started.send(Ok(()));
                let _ = child.wait();
            }
            Err(error) => {
                let _ = started.send(Err(format!("{what}: {error}")));
            }
        }
    });
    outcome
        .recv()
        .map_err(|error| error.to_string())
        .and_then(|result| result)?;
    wait_listening(port, what)?;
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Waits (up to 60 s) until something accepts connections on the loopback `port`.
pub fn wait_listening(port: u16, what: &str) -> Result<(), String> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("{what} did not listen on {address} within 60 s"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
