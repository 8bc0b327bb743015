#!/usr/bin/python3
"""kill -9 during a burst: every notification is delivered, none twice.

500 acts fall due at the same instant, one reminder each, one message each (digest
off). The real `scadenzariod` is killed with SIGKILL at random instants while it
delivers, restarted, and killed again, until the outbox is empty. Then every key must
be in exactly one message of the Maildir, and the outbox must say sent for all.
Usage: crash_test.py PATH_TO_SCADENZARIOD [SEED]
"""
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import check, finish, plain_text, write_burst_body

DAEMON = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 20270215)
ACTS = 500


def start(root, now):
    log = open(root / "daemon.log", "ab")
    return subprocess.Popen([DAEMON, "--config", str(root / "scadenzario.toml"), "--state",
                             str(root / "state.db"), "--maildir", str(root / "Maildir"),
                             "--test-now", now, "--log-level", "warn"], stdout=log, stderr=log)


def pending(root):
    try:
        with sqlite3.connect(root / "state.db", timeout=10) as db:
            rows = db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
    except sqlite3.OperationalError:
        return None
    return dict(rows)


with tempfile.TemporaryDirectory() as directory:
    root = Path(directory)
    write_burst_body(root, ACTS)
    kills = 0
    # The first start is 5 s before 09:00 on Monday 15/02/2027, when all 500 fall due: a
    # first run whose first look at the clock is already at 09:00 takes the 09:00 reminders
    # for a backlog and sends none, so a slow start (a loaded CI machine) must not reach it.
    # Each round waits until the running service has delivered something more (so the
    # test makes progress however slow the build, e.g. under sanitizers), then kills it
    # at a random instant a few milliseconds later, in the middle of the burst.
    process = start(root, "2027-02-15T08:59:55")
    sent = 0
    for round_ in range(41):
        # The first run must live past 09:00 and deliver, or every later start (at 09:00:10)
        # is a first run that sends no backlog: give it all the time a loaded machine needs.
        deadline = time.time() + (300 if round_ == 0 else 30)
        while time.time() < deadline and process.poll() is None:
            now_sent = (pending(root) or {}).get("sent", 0)
            if now_sent > sent or now_sent == ACTS:
                break
            time.sleep(0.002)
        time.sleep(random.uniform(0.0, 0.02))
        if round_ == 40:  # enough kills: let the last run finish the burst
            deadline = time.time() + 120
            while (pending(root) or {}).get("sent", 0) < ACTS and time.time() < deadline:
                time.sleep(0.05)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        sent = (pending(root) or {}).get("sent", 0)
        if sent == ACTS:
            break
        process = start(root, "2027-02-15T09:00:10")
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
    counts = pending(root) or {}
    check(kills >= 3, f"the service was killed with SIGKILL {kills} times during the burst")
    check(counts.get("sent", 0) == ACTS, f"the outbox says all {ACTS} sent ({counts})")
    keys = []
    for path in (root / "Maildir" / "new").iterdir():
        text = plain_text(path.read_bytes())
        keys += re.findall(r"atto-\d{3}/2027/approva//reminder/0/giunta", text)
    check(len(set(keys)) == ACTS, f"every notification delivered: {len(set(keys))} of {ACTS} keys")
    check(len(keys) == len(set(keys)), f"none twice: {len(keys)} deliveries of {len(set(keys))} keys")
    complete = [p.name for p in (root / "Maildir" / "new").iterdir()
                if p.read_bytes().endswith(b"--\r\n")
                and plain_text(p.read_bytes()).rstrip().endswith("Messaggio automatico di scadenzario.")]
    check(len(complete) == len(list((root / "Maildir" / "new").iterdir())),
          "every file in new/ is a whole message (a kill leaves partial files only in tmp/)")
sys.exit(finish())
