#!/usr/bin/python3
"""End-to-end tests of the real `scadenzariod` process, with the test-only clock.

Starts the service on a copy of the default rules, with its state and a Maildir in a
temporary directory; checks what it delivers (parsed with Python's email package), its
catch-up after downtime, a clock moved backward, SIGHUP with broken and good rules,
SIGTERM, and that an idle service makes no system calls.
Usage: service_test.py PATH_TO_SCADENZARIOD PATH_TO_SCADENZARIO SOURCE_DIR
"""
import email
import email.policy
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAEMON, CLI, SOURCE = sys.argv[1], sys.argv[2], Path(sys.argv[3])
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


class Daemon:
    def __init__(self, root, now):
        self.root = root
        self.log = open(root / "daemon.log", "ab")
        self.process = subprocess.Popen(
            [DAEMON, "--config", str(root / "rules" / "scadenzario.toml"), "--state",
             str(root / "state.db"), "--maildir", str(root / "Maildir"), "--test-now", now],
            stdout=self.log, stderr=self.log)

    def wait_for_log(self, text, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in (self.root / "daemon.log").read_text(errors="replace"):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        self.log.close()
        return code


def messages(root, exclude=()):
    """The delivered messages, oldest file first, leaving out the names in `exclude`."""
    folder = root / "Maildir" / "new"
    paths = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in paths if p.name not in exclude]


def names(root):
    folder = root / "Maildir" / "new"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def outbox(root):
    with sqlite3.connect(root / "state.db") as db:
        return db.execute("SELECT key, status FROM outbox ORDER BY key").fetchall()


def test_delivery_restart_and_clock(root):
    daemon = Daemon(root, "2027-01-07T08:59:57")
    check(daemon.wait_for_log("event=ready"), "the service starts and is ready")
    check(daemon.wait_for_log("event=sent", timeout=20), "at 09:00 the reminders are delivered")
    time.sleep(0.5)
    delivered = messages(root)
    subjects = sorted(str(m["Subject"]) for m in delivered)
    check(len(delivered) == 2, f"two messages: the SG and the RPCT ({subjects})")
    check(any("PREDISPONE" in s and "Piano della performance" in s for s in subjects),
          "the SG's reminder names the act and the step")
    sg = [m for m in delivered if "maria.rossi@" in str(m["To"])]
    check(len(sg) == 1 and sg[0]["Auto-Submitted"] == "auto-generated" and
          "07/01/2027" not in str(sg[0]["Subject"]) and "08/01/2027" in sg[0].get_body(("plain",)).get_content(),
          "the message says the due date (08/01/2027) in its body")
    check(all(status == "sent" for _, status in outbox(root)), "the outbox marks them sent")
    check(daemon.stop() == 0, "SIGTERM stops the service with status 0")

    # Down until Tuesday 12/01 10:00: only the latest missed notification of each step.
    first_names = names(root)
    daemon = Daemon(root, "2027-01-12T10:00:00")
    check(daemon.wait_for_log("event=sent", timeout=20), "after downtime the catch-up is delivered")
    time.sleep(0.5)
    new = messages(root, exclude=first_names)
    subjects = [str(m["Subject"]) for m in new]
    check(len(new) == 2 and all("SOLLECITO" in s for s in subjects),
          f"only the latest missed notification per step, the escalation of 11/01 ({subjects})")
    check(all("in ritardo" in m.get_body(("plain",)).get_content() or "ritardo" in str(m["Subject"]) for m in new),
          "the catch-up says it is late")
    rows = outbox(root)
    check(not any("/reminder/0/" in key for key, _ in rows),
          "the missed reminder of 08/01 is not sent as a backlog")
    check(daemon.stop() == 0, "second stop: status 0")

    # The clock moved back to 07/01: nothing is sent twice.
    before = len(messages(root))
    daemon = Daemon(root, "2027-01-07T09:00:30")
    check(daemon.wait_for_log("event=clock-backward"), "a clock moved backward is noticed")
    time.sleep(1)
    check(len(messages(root)) == before, "and nothing is re-sent")
    check(daemon.stop() == 0, "third stop: status 0")


def test_reload(root):
    daemon = Daemon(root, "2027-03-01T12:00:00")
    check(daemon.wait_for_log("event=ready"), "ready for the reload test")
    rule = root / "rules" / "rules.d" / "10-pianificazione.toml"
    good = rule.read_text(encoding="utf-8")
    rule.write_text(good.replace('actor  = "giunta"', 'actor  = "giuntaa"', 1), encoding="utf-8")
    daemon.process.send_signal(signal.SIGHUP)
    check(daemon.wait_for_log("event=reload-rejected"), "SIGHUP with a broken rule file is rejected")
    check(daemon.wait_for_log('unknown actor "giuntaa"'), "the log gives the error with its location")
    check(daemon.process.poll() is None, "the service keeps running on the old rules")
    rule.write_text(good, encoding="utf-8")
    daemon.process.send_signal(signal.SIGHUP)
    check(daemon.wait_for_log("event=reloaded"), "SIGHUP with good rules reloads them")

    # Idle: the next notification is far away; the process makes no system calls. Wait
    # for the reload's wake-up to finish (its closing "sleep" line), then trace.
    deadline = time.time() + 10
    while (root / "daemon.log").read_text().count("event=sleep") < 3 and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    if shutil.which("strace"):
        trace = subprocess.run(["timeout", "-s", "INT", "3", "strace", "-f", "-c", "-p",
                                str(daemon.process.pid)], capture_output=True, text=True)
        calls = [line for line in trace.stderr.splitlines() if line.strip() and
                 line.split()[0].replace(".", "").isdigit()]
        total = [line for line in trace.stderr.splitlines() if line.strip().endswith("total")]
        count = int(total[0].split()[2]) if total else 0
        check(count <= 2, f"idle for 3 s: {count} system calls (strace -c)")
    check(daemon.stop() == 0, "reload test: SIGTERM gives status 0")


def test_done_before_delivery(root):
    # new/ is a file: delivery fails (transient) and the reminders stay in the outbox.
    maildir = root / "Maildir"
    for folder in ["tmp", "cur"]:
        (maildir / folder).mkdir(parents=True)
    (maildir / "new").write_text("not a folder")
    daemon = Daemon(root, "2027-01-07T08:59:58")
    check(daemon.wait_for_log("event=retry", timeout=20), "a failed delivery is kept for a retry")
    check(sorted(status for _, status in outbox(root)) == ["pending", "pending"],
          "both reminders wait in the outbox")
    done = subprocess.run([CLI, "--config", str(root / "rules" / "scadenzario.toml"), "--state",
                           str(root / "state.db"), "done", "piano-performance", "predispone",
                           "--year", "2027", "--ref", "Determinazione SG n. 1"],
                          capture_output=True, text=True)
    check(done.returncode == 0, "the step is recorded from the command line meanwhile: " + done.stderr)
    (maildir / "new").unlink()
    (maildir / "new").mkdir()
    daemon.process.send_signal(signal.SIGHUP)  # wakes it now instead of at the retry
    check(daemon.wait_for_log("event=skipped"), "the recorded step's reminder is skipped")
    check(daemon.wait_for_log("event=sent"), "the other reminder is delivered")
    rows = dict(outbox(root))
    check(rows.get("piano-performance/2027/predispone//reminder/1/segretario_generale") == "skipped",
          "the outbox says skipped for the step done before delivery")
    delivered = messages(root)
    check(len(delivered) == 1 and "PIAO" in str(delivered[0]["Subject"]),
          "only the other reminder reaches the Maildir")
    check(daemon.stop() == 0, "done-before-delivery test: SIGTERM gives status 0")


with tempfile.TemporaryDirectory() as directory:
    for test in [test_delivery_restart_and_clock, test_reload, test_done_before_delivery]:
        root = Path(directory) / test.__name__
        shutil.copytree(SOURCE / "rules", root / "rules")
        test(root)
        if failures:
            print((root / "daemon.log").read_text(errors="replace")[-4000:])
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
