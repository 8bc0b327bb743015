#!/usr/bin/python3
"""scadenzariod under the conditions of its systemd unit, without systemd as PID 1.

The service runs as an unprivileged user (setpriv: no capabilities, no new privileges,
umask 0027) with a root-owned, read-only configuration directory, its state directory
the only one it owns, the unit's NOTIFY_SOCKET and WATCHDOG_USEC, and strace recording
every system call. Checks:
- the notify protocol: READY=1 after start, WATCHDOG=1 at half the interval,
  RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 and status 0 on SIGTERM;
- it delivers (at 09:00 of the test clock) into the Maildir in its state directory;
- it creates, renames or removes files only in its state directory (ProtectSystem=strict
  would refuse anything else), and reads nothing but its configuration, its state and
  the system's libraries, time zones and TLS settings;
- the files it creates are not world-readable (UMask=0027);
- every system call it makes passes the unit's SystemCallFilter= (the groups expanded by
  `systemd-analyze syscall-filter`), so the seccomp filter would refuse none.
Exits 77 (skipped) unless run as root with setpriv and strace available.
Usage: sandbox_test.py SCADENZARIOD SOURCE_DIR
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAEMON, SOURCE = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
UID = GID = 65534  # nobody/nogroup: a user that owns nothing of this test but its state
WATCHDOG_USEC = 1_000_000
failures = []

# What a service may read besides its own files: the dynamic loader and libraries, the
# time zones, and what the C library and OpenSSL read for names and TLS.
SYSTEM_READS = ("/etc/ld.so.cache", "/etc/ld.so.preload", "/lib/", "/lib64/", "/usr/lib/", "/usr/share/zoneinfo/",
                "/etc/localtime", "/etc/ssl/", "/usr/share/ca-certificates/", "/proc/self/",
                "/sys/devices/system/cpu/", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group",
                "/etc/hosts", "/etc/resolv.conf", "/etc/gai.conf", "/etc/host.conf",
                "/dev/urandom", "/dev/null", "/usr/lib/locale/", "/usr/share/locale/",
                # libcurl links librtmp, and so GnuTLS, whose start-up reads its system-wide file.
                "/etc/gnutls/")


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def make_layout(root):
    """/etc/scadenzario as the package installs it (root's, read-only to the service), and
    /var/lib/scadenzario as tmpfiles.d makes it."""
    config = root / "etc/scadenzario"
    state = root / "var/lib/scadenzario"
    shutil.copytree(SOURCE / "rules", config, ignore=shutil.ignore_patterns("*.md"))
    text = (config / "scadenzario.toml").read_text()
    text = text.replace('actors_file = "attori.toml"',
                        f'actors_file = "attori.toml"\nstate_db    = "{state}/state.db"')
    text = text.replace('maildir      = "/var/lib/scadenzario/Maildir"', f'maildir      = "{state}/Maildir"')
    (config / "scadenzario.toml").write_text(text)
    for path in [root, *root.rglob("*")]:
        os.chown(path, 0, 0)
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    state.mkdir(parents=True, mode=0o750)
    os.chown(state, UID, GID)
    os.chmod(state, 0o750)
    return config, state


class Notifications:
    """The service manager's end of NOTIFY_SOCKET. Like systemd, it learns the sender's
    pid and uid from the kernel (SO_PASSCRED), not from the message."""

    def __init__(self, path):
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.socket.bind(str(path))
        os.chmod(path, 0o666)  # the service is not root
        self.received = []
        self.sender = None  # (pid, uid) of the last message

    def wait_for(self, line, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.socket.settimeout(max(0.01, deadline - time.time()))
            try:
                data, ancillary, _, _ = self.socket.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                break
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid, uid, _ = struct.unpack("iII", value[:12])
                    self.sender = (pid, uid)
            lines = data.decode().splitlines()
            self.received.extend(lines)
            if line in lines:
                return True
        return False


def signal_service(pid, number):
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        check(False, f"the service is still running for signal {number}")


def start(config, root, notify_path, log):
    # LeakSanitizer cannot run under ptrace (strace): off in a sanitizer build.
    env = {"PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": str(notify_path),
           "WATCHDOG_USEC": str(WATCHDOG_USEC), "LANG": "C.UTF-8", "ASAN_OPTIONS": "detect_leaks=0"}
    command = ["strace", "-f", "-qq", "-y", "-o", str(root / "strace.log"),
               "--",
               "setpriv", f"--reuid={UID}", f"--regid={GID}", "--clear-groups",
               "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--",
               str(DAEMON), "--config", str(config / "scadenzario.toml"),
               "--test-now", "2027-01-07T08:59:57"]
    return subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd="/",
                            preexec_fn=lambda: os.umask(0o027))


SYSCALL = re.compile(r'^(?P<pid>\d+) +(?P<name>\w+)\((?P<args>.*)\) += (?P<result>-?\d+)')
WRITES = {"mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
          "link", "linkat", "symlink", "symlinkat", "truncate", "chmod", "fchmodat",
          "chown", "fchownat", "lchown", "creat", "utimensat"}
FILE_CALLS = WRITES | {"open", "openat", "openat2", "stat", "lstat", "newfstatat", "statx",
                       "access", "faccessat", "faccessat2", "readlink", "readlinkat", "execve",
                       "statfs", "getxattr", "lgetxattr", "chdir"}


def accessed_paths(log_text):
    """(path, writes) of every file system call made after the daemon started."""
    calls = []
    started = False
    for line in log_text.splitlines():
        match = SYSCALL.match(line)
        if not match:
            continue
        name, args = match.group("name"), match.group("args")
        if name == "execve" and str(DAEMON) in args:
            started = True
        if not started or name not in FILE_CALLS:
            continue
        # -y prints a directory descriptor as N</path>; AT_FDCWD is "/" (cwd of the unit).
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        if not strings:
            continue
        base = re.match(r'(\d+)<([^>]*)>', args)
        path = strings[0]
        if not path.startswith("/"):
            path = os.path.normpath(os.path.join(base.group(2) if base else "/", path))
        writes = name in WRITES or (name in ("open", "openat") and
                                    re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", args))
        if name in ("rename", "renameat", "renameat2", "link", "linkat") and len(strings) > 1:
            calls.append((strings[1] if strings[1].startswith("/") else path, True))
        calls.append((path, bool(writes)))
    return calls


def syscall_groups():
    """{"@group": set of system calls}, expanded, as systemd's seccomp filter knows them."""
    text = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"],
                          capture_output=True, text=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.split()[0], [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())

    def expand(name, seen=()):
        calls = set()
        for entry in groups.get(name, []):
            calls |= expand(entry, seen + (name,)) if entry.startswith("@") and entry not in seen else {entry}
        return calls
    return expand


def test_system_calls(root):
    """What SystemCallFilter=@system-service ~@privileged @resources would refuse."""
    if not shutil.which("systemd-analyze"):
        print("skip the system call filter: no systemd-analyze")
        return
    if b"__asan_init" in DAEMON.read_bytes():  # the sanitizers' runtime calls setrlimit
        print("skip the system call filter: a sanitizer build")
        return
    expand = syscall_groups()
    allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
    log = (root / "strace.log").read_text(errors="replace")
    started = log.find(str(DAEMON) + '"')  # from the service's execve on, not setpriv's
    made = set(re.findall(r"^\d+ +(\w+)\(", log[started:], re.M))
    refused = sorted(made - allowed)
    check(len(made) > 10 and not refused,
          f"its {len(made)} kinds of system call all pass the unit's SystemCallFilter=" +
          (f"; refused: {refused}" if refused else ""))


def test_file_access(root, config, state):
    calls = accessed_paths((root / "strace.log").read_text(errors="replace"))
    check(len(calls) > 20, f"strace recorded the service's file calls ({len(calls)})")
    outside_writes = sorted({p for p, w in calls if w and not p.startswith(str(state) + "/")})
    check(not outside_writes, "writes only under its state directory" +
          "".join("\n     " + p for p in outside_writes))
    allowed = (str(config) + "/", str(state) + "/") + SYSTEM_READS
    if b"__asan_init" in DAEMON.read_bytes():  # the sanitizers' runtime reads /proc and /sys
        allowed += ("/proc/", "/sys/")
    # Its own program, and the directories above its own (looked at, never listed).
    own = {str(DAEMON)} | {str(p) for d in (config, state) for p in [d, *d.parents]}
    odd_reads = sorted({p for p, w in calls if not w and not p.startswith(allowed) and p not in own})
    check(not odd_reads, "reads only its configuration, its state and system files" +
          "".join("\n     " + p for p in odd_reads))
    world = sorted(str(p) for p in state.rglob("*") if p.stat().st_mode & 0o007)
    check(not world, "nothing it created is open to other users (umask 0027)" +
          "".join("\n     " + p for p in world))


def main():
    if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("strace"):
        print("SKIP: needs root, setpriv and strace")
        return 77
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        config, state = make_layout(root)
        notify_path = root / "notify"
        manager = Notifications(notify_path)
        with open(root / "daemon.log", "wb") as log:
            daemon = start(config, root, notify_path, log)
            check(manager.wait_for("READY=1"), "READY=1 once the rules and the database are open")
            pid, uid = manager.sender or (None, None)
            check(uid == UID, f"it runs as the unprivileged user {UID} (found {uid})")
            if pid is None:
                daemon.kill()
                return 1
            check(manager.wait_for("WATCHDOG=1", timeout=3), "WATCHDOG=1 within WatchdogSec")
            deadline = time.time() + 20
            while time.time() < deadline and not list((state / "Maildir/new").glob("*")):
                time.sleep(0.1)
            check(bool(list((state / "Maildir/new").glob("*"))),
                  "at 09:00 it delivers into the Maildir of its state directory")
            signal_service(pid, signal.SIGHUP)
            check(manager.wait_for("RELOADING=1"), "SIGHUP: RELOADING=1")
            check(manager.wait_for("READY=1"), "then READY=1 again")
            signal_service(pid, signal.SIGTERM)
            try:
                code = daemon.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
                code = daemon.wait()
            check(manager.wait_for("STOPPING=1", timeout=1) or "STOPPING=1" in manager.received,
                  "SIGTERM: STOPPING=1")
            check(code == 0, f"SIGTERM: exit status 0 (found {code})")
        test_file_access(root, config, state)
        test_system_calls(root)
        if failures:
            print((root / "daemon.log").read_text(errors="replace")[-3000:])
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


sys.exit(main())
