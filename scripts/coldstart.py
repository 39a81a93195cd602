#!/usr/bin/env python3
"""Start-up time and size of Lambda `bootstrap` binaries, against a floor binary.

Start-up is the time from spawning the binary to its first
`GET /2018-06-01/runtime/invocation/next` on a fake Lambda runtime API served here on
127.0.0.1: everything the function does before it can take its first event (config,
SDK clients, router, tracing). The fake API never hands out an event: it notes the
time, holds the request and the process is killed.

    coldstart.py [--runs N] [--warmup N] [--timeout S] --floor NAME=PATH NAME=PATH...

Prints one row per binary: size in bytes and MiB, start-up median/min/max over N runs,
and both ratios against the floor. Runs are interleaved across binaries so that drift
in machine load affects them alike. Exits non-zero if a binary exits, reports an init
error, or has not asked for an event within the timeout.

Standard library only.
"""

from __future__ import annotations

import argparse
import http.server
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

NEXT_PATH = "/2018-06-01/runtime/invocation/next"

# The environment Lambda gives a function, plus what the functions of this workspace
# read at start-up. Nothing is contacted during init: the SDK clients are built, not
# used, and the DynamoDB endpoint points at a closed port in case that ever changes.
LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
    "AWS_LAMBDA_FUNCTION_VERSION": "1",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
    "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "x",
    "AWS_SECRET_ACCESS_KEY": "x",
    "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:1",
    "TABLE_NAME": "bench",
    "JWT_SECRET": "bench-secret",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
}


class BenchError(Exception):
    pass


class FakeRuntimeApi(http.server.ThreadingHTTPServer):
    """One per run. Records when `/next` is first asked for; never answers it."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.next_at: int | None = None
        self.next_seen = threading.Event()
        self.release = threading.Event()
        self.other_requests: list[str] = []

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeRuntimeApi
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        now = time.monotonic_ns()
        if self.path == NEXT_PATH:
            if self.server.next_at is None:
                self.server.next_at = now
            self.server.next_seen.set()
            # Hold the request until the run is over, then drop the connection without
            # an answer: the function never gets an event.
            self.server.release.wait(timeout=30)
            self.close_connection = True
            return
        self._refuse()

    def do_POST(self) -> None:
        # e.g. /2018-06-01/runtime/init/error from a function whose init failed.
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.other_requests.append(
            f"POST {self.path} {body[:500].decode('utf-8', 'replace')}"
        )
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def _refuse(self) -> None:
        self.server.other_requests.append(f"{self.command} {self.path}")
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class Binary:
    name: str
    path: str
    size: int
    samples_ns: list[int] = field(default_factory=list)


def run_once(binary: Binary, timeout_s: float, workdir: str) -> int:
    """Spawns `binary` once; returns nanoseconds from spawn to its first `/next`."""
    api = FakeRuntimeApi()
    server = threading.Thread(target=api.serve_forever, kwargs={"poll_interval": 0.05})
    server.daemon = True
    server.start()
    env = dict(LAMBDA_ENV)
    env.update(
        AWS_LAMBDA_RUNTIME_API=api.address,
        AWS_LAMBDA_FUNCTION_NAME=binary.name,
        HOME=workdir,  # no ~/.aws files: Lambda has none either
    )
    log_path = os.path.join(workdir, f"{binary.name}.log")
    proc = None
    try:
        with open(log_path, "wb") as log:
            start = time.monotonic_ns()
            proc = subprocess.Popen(
                [binary.path],
                env=env,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as a whole
            )
            deadline = start + int(timeout_s * 1e9)
            while not api.next_seen.wait(timeout=0.01):
                if proc.poll() is not None:
                    raise BenchError(
                        f"{binary.name} exited with status {proc.returncode} before "
                        f"asking for an event" + _details(api, log_path)
                    )
                if time.monotonic_ns() > deadline:
                    raise BenchError(
                        f"{binary.name} did not ask for an event within {timeout_s:g} s"
                        + _details(api, log_path)
                    )
        assert api.next_at is not None
        return api.next_at - start
    finally:
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        api.release.set()
        api.shutdown()
        api.server_close()
        server.join(timeout=5)


def _details(api: FakeRuntimeApi, log_path: str) -> str:
    parts = []
    if api.other_requests:
        parts.append("requests to the runtime API:\n  " + "\n  ".join(api.other_requests))
    try:
        with open(log_path, "rb") as log:
            output = log.read()[-2000:].decode("utf-8", "replace").strip()
    except OSError:
        output = ""
    if output:
        parts.append("output (tail):\n  " + output.replace("\n", "\n  "))
    return "".join("\n" + part for part in parts)


def parse_binary(spec: str) -> Binary:
    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {spec!r}")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise argparse.ArgumentTypeError(f"{path} is not an executable file")
    return Binary(name=name, path=os.path.abspath(path), size=os.path.getsize(path))


def ms(ns: float) -> str:
    return f"{ns / 1e6:.2f}"


def print_table(floor: Binary, binaries: list[Binary], runs: int, warmup: int) -> None:
    floor_median = statistics.median(floor.samples_ns)
    header = (
        "binary",
        "size (bytes)",
        "size (MiB)",
        "size / floor",
        "start-up median (ms)",
        "min (ms)",
        "max (ms)",
        "start-up / floor",
    )
    rows = []
    for binary in [floor, *binaries]:
        median = statistics.median(binary.samples_ns)
        rows.append(
            (
                binary.name + (" (floor)" if binary is floor else ""),
                str(binary.size),
                f"{binary.size / 2**20:.2f}",
                f"{binary.size / floor.size:.2f}x",
                ms(median),
                ms(min(binary.samples_ns)),
                ms(max(binary.samples_ns)),
                f"{median / floor_median:.2f}x",
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
        return "  ".join([first, *rest])

    print(
        f"Start-up: spawn -> first GET {NEXT_PATH} on a local fake runtime API; "
        f"{runs} runs per binary (after {warmup} discarded), interleaved."
    )
    print(line(header))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", type=parse_binary, required=True, metavar="NAME=PATH")
    parser.add_argument("binaries", type=parse_binary, nargs="+", metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per run")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--runs must be >= 1, --warmup >= 0 and --timeout > 0")

    everything: list[Binary] = [args.floor, *args.binaries]
    try:
        with tempfile.TemporaryDirectory(prefix="coldstart-") as workdir:
            for round_ in range(args.warmup + args.runs):
                for binary in everything:
                    elapsed = run_once(binary, args.timeout, workdir)
                    if round_ >= args.warmup:
                        binary.samples_ns.append(elapsed)
    except BenchError as error:
        print(f"coldstart: {error}", file=sys.stderr)
        return 1
    print_table(args.floor, args.binaries, args.runs, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
