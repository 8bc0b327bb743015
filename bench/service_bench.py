#!/usr/bin/python3
"""scadenzariod at rest: start-up to READY=1, resident memory, system calls while idle,
and the system calls of one watchdog ping.

Starts the real service on the default rules (state and Maildir in a temporary
directory) with NOTIFY_SOCKET pointing at a socket of this script, so READY=1 is timed
as systemd would see it; then reads VmRSS and VmHWM from /proc and counts the system
calls of the idle process with `strace -c` for IDLE seconds. Last, one more service with
WATCHDOG_USEC = 300 ms (a ping every 100 ms) is traced for IDLE / 4 seconds: its calls
divided by the pings this script received are the cost of one ping.

  bench/service_bench.py [BUILD_DIR=build] [RUNS=20] [IDLE=60] [CONFIG=rules/scadenzario.toml]

For the 8,000-body synthetic set, write it first with bench/synthetic_bodies.py and pass
its scadenzario.toml as CONFIG (with IDLE=0 to skip the trace).
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
IDLE = int(sys.argv[3]) if len(sys.argv) > 3 else 60
CONFIG = Path(sys.argv[4]) if len(sys.argv) > 4 else ROOT / "rules" / "scadenzario.toml"
DAEMON = BUILD / "daemon" / "scadenzariod"


def start(tmp, notify_path, **extra):
    env = dict(os.environ, NOTIFY_SOCKET=str(notify_path), **extra)
    return subprocess.Popen([str(DAEMON), "--config", str(CONFIG),
                             "--state", str(tmp / "state.db"), "--maildir", str(tmp / "Maildir"),
                             "--log-level", "warn"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def traced_calls(pid, seconds):
    """The system calls of process `pid` and its threads in `seconds`, by `strace -c`."""
    trace = subprocess.run(["timeout", "-s", "INT", str(seconds), "strace", "-f", "-c", "-p", str(pid)],
                           capture_output=True, text=True)
    # The total line: % time, seconds, usecs/call, calls, [errors,] "total".
    total = [line for line in trace.stderr.splitlines() if line.strip().endswith("total")]
    return int(total[0].split()[3]) if total else 0


def wait_ready(sock):
    while True:
        data = sock.recv(4096).decode()
        if "READY=1" in data.split("\n"):
            return


def memory(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields["VmRSS"], fields["VmHWM"]


with tempfile.TemporaryDirectory() as directory:
    tmp = Path(directory)
    notify_path = tmp / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(600)
    times = []
    for run in range(RUNS):
        began = time.perf_counter()
        process = start(tmp, notify_path)
        wait_ready(sock)
        times.append((time.perf_counter() - began) * 1000)
        if run < RUNS - 1:
            process.terminate()
            process.wait()
    rss, hwm = memory(process.pid)
    print(f"start-up to READY=1     median {statistics.median(times):.1f} ms, "
          f"min {min(times):.1f} ms, max {max(times):.1f} ms ({RUNS} runs, {CONFIG})")
    print(f"resident memory         VmRSS {rss}, peak VmHWM {hwm}")
    if IDLE <= 0:
        print("idle system calls       not measured (IDLE=0)")
    elif shutil.which("strace"):
        calls = traced_calls(process.pid, IDLE)
        print(f"idle system calls       {calls} in {IDLE} s (strace -f -c -p PID)")
    else:
        print("idle system calls       strace not installed")
    process.terminate()
    print(f"exit status on SIGTERM  {process.wait()}")
    if IDLE > 0 and shutil.which("strace"):
        watched = start(tmp, notify_path, WATCHDOG_USEC="300000")
        wait_ready(sock)
        sock.settimeout(0.5)
        pings = []
        span = max(1, IDLE // 4)
        traced = []
        tracer = threading.Thread(target=lambda: traced.append(traced_calls(watched.pid, span)))
        tracer.start()
        deadline = time.monotonic() + span
        while time.monotonic() < deadline:
            try:
                if "WATCHDOG=1" in sock.recv(4096).decode().split("\n"):
                    pings.append(time.monotonic())
            except socket.timeout:
                pass
        tracer.join()
        calls = traced[0]
        print(f"watchdog ping           {calls} system calls for {len(pings)} pings in {span} s: "
              f"{calls / max(1, len(pings)):.1f} per ping (WATCHDOG_USEC=300000)")
        watched.terminate()
        watched.wait()
