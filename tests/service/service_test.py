#!/usr/bin/python3
"""End-to-end tests of the real `scadenzariod` process, with the test-only clock.

Starts the service on a copy of the default rules, with its state and a Maildir in a
temporary directory; checks what it delivers (parsed with Python's email package), its
catch-up after downtime, a clock moved backward, SIGHUP with broken and good rules (a
new act moves the next wake-up; a rule file rewritten in place during SIGHUPs is never
applied half-written), SIGTERM and SIGINT, a corrupt database refused, the
command-line tool writing during a burst, and that an idle service makes no system calls.
Usage: service_test.py PATH_TO_SCADENZARIOD PATH_TO_SCADENZARIO SOURCE_DIR
"""
import datetime
import email
import email.policy
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness
from harness import check, wait_until, write_burst_body

DAEMON, CLI, SOURCE = sys.argv[1], sys.argv[2], Path(sys.argv[3])


class Daemon:
    def __init__(self, root, now, *extra):
        self.root = root
        self.log = open(root / "daemon.log", "ab")
        self.process = subprocess.Popen(
            [DAEMON, "--config", str(root / "rules" / "scadenzario.toml"), "--state",
             str(root / "state.db"), "--maildir", str(root / "Maildir"), "--test-now", now, *extra],
            stdout=self.log, stderr=self.log)

    def logged(self, text):
        return text in (self.root / "daemon.log").read_text(errors="replace")

    def wait_for_log(self, text, timeout=15):
        """True once the log has `text`; False at the timeout, or once the process ends without it."""
        wait_until(lambda: self.logged(text) or self.process.poll() is not None, timeout)
        return self.logged(text)

    def stop(self, signal_number=signal.SIGTERM):
        self.process.send_signal(signal_number)
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


def outbox(root, columns="key, status"):
    with sqlite3.connect(root / "state.db") as db:
        return db.execute(f"SELECT {columns} FROM outbox ORDER BY key").fetchall()


def cli(root, *args):
    return subprocess.run([CLI, "--config", str(root / "rules" / "scadenzario.toml"), "--state",
                           str(root / "state.db"), *args], capture_output=True, text=True)


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
    wait_until(lambda: (root / "daemon.log").read_text().count("event=sleep") >= 3, 10)
    time.sleep(0.5)
    if shutil.which("strace"):
        trace = subprocess.run(["timeout", "-s", "INT", "3", "strace", "-f", "-c", "-p",
                                str(daemon.process.pid)], capture_output=True, text=True)
        calls = [line for line in trace.stderr.splitlines() if line.strip() and
                 line.split()[0].replace(".", "").isdigit()]
        total = [line for line in trace.stderr.splitlines() if line.strip().endswith("total")]
        # The total line: % time, seconds, usecs/call, calls, [errors,] "total".
        count = int(total[0].split()[3]) if total else 0
        check(count <= 2, f"idle for 3 s: {count} system calls (strace -c)")
    check(daemon.stop() == 0, "reload test: SIGTERM gives status 0")


def test_reload_while_written(root):
    """An editor rewriting a rule file in place (truncate, half, pause, the rest) while
    SIGHUP comes again and again: no reload ever applies a half-written file."""
    daemon = Daemon(root, "2027-03-01T12:00:00")
    check(daemon.wait_for_log("event=ready"), "ready for the reload-while-written test")
    full = int(re.search(r"event=ready .*acts=(\d+)", (root / "daemon.log").read_text()).group(1))
    rule = root / "rules" / "rules.d" / "10-pianificazione.toml"
    text = rule.read_text(encoding="utf-8")
    cut = text.index("[[act]]", len(text) // 2)  # half a file that still parses: fewer acts
    stop_writing = time.monotonic() + 6

    def rewrite():
        while time.monotonic() < stop_writing:
            with open(rule, "w", encoding="utf-8") as file:
                file.write(text[:cut])
                file.flush()
                time.sleep(0.3)
                file.write(text[cut:])
            time.sleep(0.2)

    with ThreadPoolExecutor(1) as pool:
        writer = pool.submit(rewrite)
        while time.monotonic() < stop_writing:
            daemon.process.send_signal(signal.SIGHUP)
            time.sleep(0.25)
        writer.result()
    daemon.process.send_signal(signal.SIGHUP)  # the file is whole now: this one applies
    check(wait_until(lambda: daemon.logged("event=reloaded"), 40), "a reload applies once the file is whole")
    applied = [int(n) for n in re.findall(r"event=reloaded acts=(\d+)", (root / "daemon.log").read_text())]
    check(applied and all(n == full for n in applied),
          f"every applied reload has all {full} acts, none a half-written file ({applied})")
    check(daemon.logged("event=reload-deferred"), "reloads during the writes were deferred")
    check(daemon.stop() == 0, "reload-while-written test: SIGTERM gives status 0")


def test_reload_takes_effect(root):
    # An act due on Tuesday 02/03/2027, added while the service sleeps until a later
    # reminder: after SIGHUP the next wake-up is the new act's reminder at 09:00.
    daemon = Daemon(root, "2027-03-01T12:00:00")
    check(daemon.wait_for_log("event=sleep"), "the service sleeps until its next notification")
    before = sleeps(root)
    new_act = datetime.datetime(2027, 3, 2, 9, 0)
    check(before and before[-1][0] > new_act, f"before the reload it sleeps past 02/03 ({before[-1:]})")
    (root / "rules" / "rules.d" / "60-nuovo-atto.toml").write_text(
        '[[act]]\nid = "nuovo-atto"\ntitle = "Nuovo atto"\nphase = 1\npurpose = "Prova"\n'
        'legal_basis = "Prova"\ndue = "03-02"\n  [[act.step]]\n  actor = "giunta"\n  action = "APPROVA"\n',
        encoding="utf-8")
    daemon.process.send_signal(signal.SIGHUP)
    check(daemon.wait_for_log("event=reloaded"), "SIGHUP with the new act reloads the rules")
    wait_until(lambda: len(sleeps(root)) > len(before), 10)
    after = sleeps(root)
    check(len(after) > len(before) and after[-1][0] == new_act,
          f"the next wake-up is the new act's reminder, 02/03/2027 09:00 ({after[-1:]})")
    check(daemon.stop(signal.SIGINT) == 0, "SIGINT stops the service with status 0")


def test_bad_arguments(root):
    # A typo in a unit file's command line must stop the service, not silence it.
    config = str(root / "rules" / "scadenzario.toml")
    for args, expected in ((["--log-level", "verbose"], "--log-level: atteso trace, debug, info, warn o error"),
                           (["--bogus", "x"], 'argomento non valido "--bogus"'),
                           (["--log-level"], 'argomento non valido "--log-level"')):
        result = subprocess.run([DAEMON, "--config", config, "--state", str(root / "state.db"), *args],
                                capture_output=True, text=True, timeout=15)
        check(result.returncode == 2 and expected in result.stderr,
              f"{' '.join(args)}: exit 2 with {expected!r} (got {result.returncode}, {result.stderr[:80]!r})")
    check(not (root / "state.db").exists(), "bad arguments create no database")


def test_corrupt_database(root):
    corrupt = root / "state.db"
    corrupt.write_bytes(b"questo non e' un database SQLite\n" * 300)
    before = corrupt.read_bytes()
    daemon = Daemon(root, "2027-03-01T12:00:00")
    try:
        code = daemon.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        code = None
        daemon.process.kill()
    daemon.log.close()
    log = (root / "daemon.log").read_text(errors="replace")
    check(code not in (0, None), f"the service refuses a corrupt database (exit status {code})")
    check("damaged or not a scadenzario database" in log and "it was not modified" in log,
          "the log says the database is damaged and was not modified")
    check(corrupt.read_bytes() == before, "the corrupt file's bytes are unchanged")


def test_cli_writes_during_burst(root):
    # The service delivers 500 messages, one transaction each, while six processes at a
    # time record the same 500 steps from the command line on the same database.
    acts = 500
    shutil.rmtree(root / "rules")
    write_burst_body(root / "rules", acts)
    daemon = Daemon(root, "2027-02-15T08:59:55")
    check(daemon.wait_for_log("event=sleep"), "the service sleeps until the burst at 09:00")
    wait_until(lambda: outbox(root), 30, interval=0.002)  # enqueued at 09:00 in one transaction
    waiting = sum(1 for _, status in outbox(root) if status == "pending")
    check(waiting > 0, f"the commands start while the burst is delivered ({waiting} pending)")

    def record(i):
        return cli(root, "done", f"atto-{i:03d}", "approva", "--year", "2027", "--ref", f"Delibera n. {i}")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(record, range(acts)))
    check(all(r.returncode == 0 for r in results),
          f"{acts} `done` commands all succeed ({sorted({r.returncode for r in results})})")
    check(not any("locked" in r.stderr for r in results), "no 'database is locked' reaches the user")
    wait_until(lambda: all(status != "pending" for _, status in outbox(root)), 60)
    check(daemon.stop() == 0, "burst test: SIGTERM gives status 0")
    check("locked" not in (root / "daemon.log").read_text(errors="replace"), "nor to the service's log")
    with sqlite3.connect(root / "state.db") as db:
        done = db.execute("SELECT count(*) FROM step_state WHERE status = 'done'").fetchone()[0]
    check(done == acts, f"every record is there: {done} of {acts}")
    verify = cli(root, "audit", "verify")
    check(verify.returncode == 0, "the audit chain verifies: " + verify.stdout + verify.stderr)
    statuses = [status for _, status in outbox(root)]
    check(len(statuses) == acts and set(statuses) <= {"sent", "skipped"} and
          statuses.count("sent") == len(names(root)),
          f"the outbox is complete: each of {acts} sent or skipped, one file per sent "
          f"({ {s: statuses.count(s) for s in set(statuses)} }, {len(names(root))} files)")


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


def sleeps(root):
    """The (next local time, seconds to it) of every `event=sleep` line so far."""
    found = re.findall(r'event=sleep next="(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d)" in=(-?\d+)s',
                       (root / "daemon.log").read_text(errors="replace"))
    return [(datetime.datetime(int(y), int(mo), int(d), int(h), int(mi)), int(s))
            for d, mo, y, h, mi, s in found]


def test_daylight_saving_changes(root):
    # Asleep across the change to summer time (28/03/2027) and back (31/10/2027): the
    # timer must fire at 09:00 local time, so the sleep is an hour shorter or longer than
    # the calendar says. The expected seconds come from Python's zoneinfo, not from us.
    from zoneinfo import ZoneInfo
    rome = ZoneInfo("Europe/Rome")
    for n, start in enumerate(["2027-03-27T12:00:00", "2027-10-30T12:00:00"]):
        here = root / f"start-{n}"
        shutil.copytree(root / "rules", here / "rules")
        daemon = Daemon(here, start)
        check(daemon.wait_for_log("event=sleep"), f"started at {start}, the service sleeps")
        slept = sleeps(here)
        if slept:
            next_at, seconds = slept[-1]
            began = datetime.datetime.fromisoformat(start).replace(tzinfo=rome)
            utc = datetime.timezone.utc
            expected = (next_at.replace(tzinfo=rome).astimezone(utc) - began.astimezone(utc)).total_seconds()
            naive = (next_at - datetime.datetime.fromisoformat(start)).total_seconds()
            check(abs(seconds - expected) <= 5 and expected != naive,
                  f"from {start} to {next_at:%d/%m/%Y %H:%M} across the DST change: "
                  f"sleeps {seconds} s, zoneinfo says {expected:.0f} s (naive {naive:.0f} s)")
        check(daemon.stop() == 0, f"DST test from {start}: SIGTERM gives status 0")


def test_wall_clock_set(root):
    # Setting the system clock (here: to the time it already has, which moves nothing but
    # is a real clock_settime) wakes the sleeping service at once to plan again.
    daemon = Daemon(root, "2027-03-01T12:00:00")
    check(daemon.wait_for_log("event=sleep"), "the service sleeps until its next notification")
    try:
        time.clock_settime(time.CLOCK_REALTIME, time.clock_gettime(time.CLOCK_REALTIME))
    except PermissionError:
        print("skip the wall-clock test: setting the clock needs CAP_SYS_TIME")
        daemon.stop()
        return
    check(daemon.wait_for_log("event=clock-changed"), "a change of the system clock wakes it")
    wait_until(lambda: len(sleeps(root)) >= 2, 10)
    check(len(sleeps(root)) >= 2, "it plans again and goes back to sleep")
    check(daemon.stop() == 0, "wall-clock test: SIGTERM gives status 0")


def test_retry_backoff_and_dead_letters(root):
    # A Maildir that cannot be written (new/ is a file): every delivery fails, transiently.
    maildir = root / "Maildir"
    for sub in ("tmp", "cur"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new").write_text("not a folder")
    daemon = Daemon(root, "2027-01-07T08:59:57")
    check(daemon.wait_for_log("event=retry-later", timeout=20), "a failed delivery is retried later")
    # The line is logged after the first of the two attempts: wait for the second one.
    wait_until(lambda: all(attempts > 0 for _, attempts in outbox(root, "key, attempts")), 20)
    rows = outbox(root, "key, channel, status, attempts, next_attempt, enqueued_at")
    check(len(rows) == 2 and all(r[1] == "mail" and r[2] == "pending" and r[3] == 1 for r in rows),
          f"both stay pending after one attempt ({rows})")
    waits = [(datetime.datetime.fromisoformat(r[4].replace("Z", "+00:00")) -
              datetime.datetime.fromisoformat(r[5].replace("Z", "+00:00"))).total_seconds() for r in rows]
    check(all(25 <= w <= 65 for w in waits), f"the first retry comes 30-60 s later, with jitter ({waits})")
    sleep_lines = [line for line in (root / "daemon.log").read_text().splitlines() if "event=sleep" in line]
    check(sleep_lines and "retry=true" in sleep_lines[-1], "the service sleeps until the retry, not longer")
    check(daemon.stop() == 0, "retry test: SIGTERM gives status 0")

    # Four days later, still failing: past the maximum age (72 h) they are dead letters,
    # announced once in the log; the escalations due now are new and wait their turn.
    daemon = Daemon(root, "2027-01-11T09:00:30")
    check(daemon.wait_for_log("event=dead-letter", timeout=20), "expired deliveries become dead letters")
    time.sleep(0.5)
    check(daemon.stop() == 0, "dead-letter test: SIGTERM gives status 0")
    log = (root / "daemon.log").read_text()
    dead = [k for k, st in outbox(root) if st == "dead"]
    check(len(dead) == 2 and log.count("event=dead-letter") == 2,
          f"two dead letters, each announced once ({dead})")
    listing = cli(root, "outbox", "--dead")
    check(listing.returncode == 0 and all(k in listing.stdout for k in dead) and
          "undelivered within the maximum age" in listing.stdout,
          "`scadenzario outbox --dead` lists them with the reason: " + listing.stdout + listing.stderr)
    as_json = cli(root, "outbox", "--format", "json")
    check(as_json.returncode == 0 and all(e["status"] == "pending" for e in __import__("json").loads(as_json.stdout)),
          "`scadenzario outbox --format json` lists the queue")

    # The administrator repairs the Maildir, puts one dead letter back and reloads.
    (maildir / "new").unlink()
    (maildir / "new").mkdir()
    retried = cli(root, "outbox", "retry", dead[0])
    check(retried.returncode == 0, "`scadenzario outbox retry KEY` puts it back: " + retried.stdout + retried.stderr)
    unknown = cli(root, "outbox", "retry", "no/such/key")
    check(unknown.returncode == 2 and "no/such/key" in unknown.stderr, "an unknown key is a clear error")
    daemon = Daemon(root, "2027-01-11T09:01:00")
    check(daemon.wait_for_log("event=sent", timeout=20), "after the repair the queue is delivered")
    time.sleep(0.5)
    rows = dict(outbox(root))
    check(rows[dead[0]] == "sent" and rows[dead[1]] == "dead",
          f"the retried dead letter is sent, the other stays dead ({rows})")
    check((root / "daemon.log").read_text().count("event=dead-letter") == 2, "no dead letter is announced twice")
    check(daemon.stop() == 0, "final stop: status 0")

    # After a fix of a channel's configuration: all its dead letters back at once.
    by_channel = cli(root, "outbox", "retry", "--channel", "mail")
    check(by_channel.returncode == 0 and "1 consegna del canale mail rimessa in coda" in by_channel.stdout,
          "`scadenzario outbox retry --channel mail` puts the channel's dead letter back: " + by_channel.stdout
          + by_channel.stderr)
    check(dict(outbox(root))[dead[1]] == "pending", "the channel's dead letter is pending again")
    again = cli(root, "outbox", "retry", "--channel", "mail")
    check(again.returncode == 2 and 'nessuna notifica non recapitabile sul canale "mail"' in again.stderr,
          "nothing left to retry on the channel: a clear error: " + again.stderr.strip())
    both = cli(root, "outbox", "retry", dead[1], "--channel", "mail")
    check(both.returncode == 2, "a key and --channel together are refused: " + both.stderr.strip())


def test_speed_and_stop_while_busy(root):
    # --test-speed 3600: the 09:00 reminders, an hour of the clock away, come a real second later.
    daemon = Daemon(root, "2027-01-07T08:00:00", "--test-speed", "3600")
    began = time.time()
    check(daemon.wait_for_log("event=sent", timeout=20), "at test speed 3600, 09:00 comes about a second later")
    elapsed = time.time() - began
    check(0.5 <= elapsed <= 10, f"after {elapsed:.1f} s of real time, not an hour")
    slept = sleeps(root)
    # Loading the rules takes a moment of real time, which is minutes of this clock.
    check(slept and 0 < slept[0][1] <= 3600, f"the sleep is under an hour of the clock ({slept[:1]})")
    check(daemon.stop() == 0, "test-speed run: SIGTERM gives status 0")
    # A year in three seconds: the timer fires again and again, always behind. SIGTERM must
    # still stop it, even when a fired timer's handler is already queued (soak test finding).
    for n in range(5):
        busy = root / f"busy-{n}"
        shutil.copytree(root / "rules", busy / "rules")
        daemon = Daemon(busy, "2027-01-01T00:00:00", "--test-speed", "10000000")
        check(daemon.wait_for_log("event=enqueued", timeout=30), f"busy run {n}: the service delivers the year")
        time.sleep(0.1 * n)
        began = time.time()
        try:
            code = daemon.stop()
        except subprocess.TimeoutExpired:
            daemon.process.kill()
            daemon.process.wait()
            code = None
        check(code == 0, f"busy run {n}: SIGTERM stops it with status 0 in {time.time() - began:.1f} s")


with tempfile.TemporaryDirectory() as directory:
    for test in [test_retry_backoff_and_dead_letters, test_delivery_restart_and_clock, test_reload,
                 test_reload_while_written, test_reload_takes_effect, test_bad_arguments, test_corrupt_database, test_cli_writes_during_burst,
                 test_done_before_delivery, test_daylight_saving_changes, test_wall_clock_set,
                 test_speed_and_stop_while_busy]:
        root = Path(directory) / test.__name__
        shutil.copytree(SOURCE / "rules", root / "rules")
        test(root)
        if harness.failures:
            print((root / "daemon.log").read_text(errors="replace")[-4000:])
sys.exit(harness.finish())
