#!/usr/bin/env python3
"""Start-up time and size of Lambda `bootstrap` binaries, against a floor binary.

Start-up is the time from spawning the binary to its first
`GET /2018-06-01/runtime/invocation/next` on a fake Lambda runtime API served here on
127.0.0.1: everything the function does before it can take its first event (config,
SDK clients, router, tracing). The fake API never hands out an event: it notes the
time, holds the request and the process is killed.

    coldstart.py [--runs N] [--warmup N] [--timeout S] [--deployed-dir DIR]
                 [--check-network] --floor NAME=PATH [--reference NAME=PATH]...
                 NAME=PATH...

The binaries named on the command line are run (build them for this machine). With
--deployed-dir, the size of DIR/NAME (the same function built for the deployed
architecture, e.g. aarch64) is shown too, and its ratio to DIR/<floor> is the size
ratio that counts. Prints one row per binary: sizes and their ratios to the floor,
start-up median/min/max over N runs and its ratio to the floor, then how many binaries
meet the goals (size <= 2.5x, start-up <= 1.2x). Each --reference (e.g. the smallest
function using the same SDK) gets its own row, counts for no goal, and the range of the
binaries' ratios to it is printed last. Runs are interleaved across binaries
so that drift in machine load affects them alike. Exits non-zero if a binary exits,
reports an init error, or has not asked for an event within the timeout.

--check-network runs each binary once more under `strace -f -e trace=connect` and fails
if its init connects anywhere but the runtime API (needs strace).

Standard library only.
"""

from __future__ import annotations

import argparse
import http.server
import os
import re
import shutil
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
    "CREDENTIAL_PEPPER": "bench-pepper",
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


SIZE_GOAL = 2.5
START_GOAL = 1.2
# The console's page function: its start-up against the other functions' median.
PAGE_FUNCTION = "console"
PAGE_BUDGET = 1.2


@dataclass
class Binary:
    name: str
    path: str
    size: int
    deployed_size: int | None = None
    samples_ns: list[int] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)
    last_api: str = ""


def run_once(
    binary: Binary, timeout_s: float, workdir: str, trace: str | None = None
) -> int:
    """Spawns `binary` once; returns nanoseconds from spawn to its first `/next`.

    With `trace`, the binary runs under strace, which writes its connect() calls there.
    """
    api = FakeRuntimeApi()
    server = threading.Thread(target=api.serve_forever, kwargs={"poll_interval": 0.05})
    server.daemon = True
    server.start()
    binary.last_api = api.address
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
            argv = [binary.path]
            if trace is not None:
                argv = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", trace, *argv]
            proc = subprocess.Popen(
                argv,
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


def init_connects(binary: Binary, timeout_s: float, workdir: str) -> list[str]:
    """connect() calls the binary makes before its first `/next`, except to the runtime
    API of that run and local Unix sockets."""
    trace = os.path.join(workdir, f"{binary.name}.strace")
    run_once(binary, timeout_s, workdir, trace=trace)
    port = binary.last_api.rpartition(":")[2]
    runtime = re.compile(rf'sin_port=htons\({port}\).*inet_addr\("127\.0\.0\.1"\)')
    with open(trace, encoding="utf-8", errors="replace") as lines:
        calls = [line.strip() for line in lines if "connect(" in line]
    return [call for call in calls if "AF_UNIX" not in call and not runtime.search(call)]


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


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x"


def counted_size(binary: Binary) -> int:
    """The size that counts: as deployed when known, else as built here."""
    return binary.deployed_size if binary.deployed_size is not None else binary.size


def print_table(
    floor: Binary,
    references: list[Binary],
    binaries: list[Binary],
    runs: int,
    warmup: int,
) -> None:
    floor_median = statistics.median(floor.samples_ns)
    deployed = floor.deployed_size is not None
    header = ["function"]
    if deployed:
        header += ["arm64 size (B)", "arm64 / floor"]
    header += [
        "x86_64 size (B)",
        "x86_64 / floor",
        "start-up median (ms)",
        "min (ms)",
        "max (ms)",
        "start-up / floor",
    ]
    rows = []
    met = 0
    for binary in [floor, *references, *binaries]:
        median = statistics.median(binary.samples_ns)
        label = " (floor)" if binary is floor else " (reference)" if binary in references else ""
        row = [binary.name + label]
        if deployed:
            assert binary.deployed_size is not None and floor.deployed_size is not None
            row += [str(binary.deployed_size), ratio(binary.deployed_size, floor.deployed_size)]
        row += [
            str(binary.size),
            ratio(binary.size, floor.size),
            ms(median),
            ms(min(binary.samples_ns)),
            ms(max(binary.samples_ns)),
            ratio(median, floor_median),
        ]
        rows.append(row)
        if binary in binaries:
            size_ok = counted_size(binary) <= SIZE_GOAL * counted_size(floor)
            if size_ok and median <= START_GOAL * floor_median:
                met += 1
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
        return "  ".join([first, *rest])

    print(
        f"Start-up: spawn -> first GET {NEXT_PATH} on a local fake runtime API "
        f"(x86_64 builds); {runs} runs per binary (after {warmup} discarded), "
        "interleaved. Sizes: stripped release binaries."
    )
    print(line(header))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))
    which = "arm64 size" if deployed else "size"
    print(
        f"Goals ({which} <= {SIZE_GOAL}x floor, start-up median <= {START_GOAL}x "
        f"floor): met by {met} of {len(binaries)}."
    )
    page = next((b for b in binaries if b.name == PAGE_FUNCTION), None)
    others = [statistics.median(b.samples_ns) for b in binaries if b is not page]
    if page is not None and others:
        page_median = statistics.median(page.samples_ns)
        print(
            f"{PAGE_FUNCTION} start-up median {ms(page_median)} ms = "
            f"{page_median / statistics.median(others):.2f}x the other functions' median "
            f"({ms(statistics.median(others))} ms; budget {PAGE_BUDGET}x)."
        )
    for reference in references:
        reference_median = statistics.median(reference.samples_ns)
        sizes = [counted_size(binary) / counted_size(reference) for binary in binaries]
        starts = [statistics.median(b.samples_ns) / reference_median for b in binaries]
        print(
            f"Against {reference.name}: {which} {min(sizes):.2f}x-{max(sizes):.2f}x, "
            f"start-up median {min(starts):.2f}x-{max(starts):.2f}x."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", type=parse_binary, required=True, metavar="NAME=PATH")
    parser.add_argument(
        "--reference",
        type=parse_binary,
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="another baseline row (no goal); ratios to it are printed last",
    )
    parser.add_argument("binaries", type=parse_binary, nargs="+", metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs first")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per run")
    parser.add_argument(
        "--deployed-dir", metavar="DIR", help="DIR/NAME: each binary as deployed"
    )
    parser.add_argument(
        "--check-network",
        action="store_true",
        help="fail if init connects anywhere but the runtime API (strace)",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--runs must be >= 1, --warmup >= 0 and --timeout > 0")
    if args.check_network and shutil.which("strace") is None:
        parser.error("--check-network needs strace")

    everything: list[Binary] = [args.floor, *args.reference, *args.binaries]
    if args.deployed_dir:
        for binary in everything:
            path = os.path.join(args.deployed_dir, binary.name)
            if not os.path.isfile(path):
                parser.error(f"{path} is missing")
            binary.deployed_size = os.path.getsize(path)
    try:
        with tempfile.TemporaryDirectory(prefix="coldstart-") as workdir:
            if args.check_network:
                for binary in everything:
                    binary.connects = init_connects(binary, args.timeout, workdir)
            for round_ in range(args.warmup + args.runs):
                for binary in everything:
                    elapsed = run_once(binary, args.timeout, workdir)
                    if round_ >= args.warmup:
                        binary.samples_ns.append(elapsed)
    except BenchError as error:
        print(f"coldstart: {error}", file=sys.stderr)
        return 1
    print_table(args.floor, args.reference, args.binaries, args.runs, args.warmup)
    if args.check_network:
        offenders = [binary for binary in everything if binary.connects]
        for binary in offenders:
            print(f"coldstart: {binary.name} connects during init:", file=sys.stderr)
            for call in binary.connects:
                print(f"  {call}", file=sys.stderr)
        if offenders:
            return 1
        print("Network during init: none (strace: no connect() but to the runtime API).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
