#!/usr/bin/python3
"""Soak test: a cycle year of BODIES bodies in compressed time, under faults.

One `scadenzariod` per body (as deployed with scadenzario@.service), each with its own
configuration (the default rules of rules/), state database and log, all delivering to
one SMTP server (Debian's aiosmtpd) and one webhook receiver on 127.0.0.1. Time is
compressed with the service's test-only clock: `--test-now START --test-speed SPEED`
runs its clock SPEED simulated seconds per real second, and its timers wait the
corresponding real time, so each body lives DAYS simulated days in DURATION real
seconds (SPEED = DAYS * 86400 / DURATION). While the year runs, at random (seeded)
instants the script:

  - kills a service with SIGKILL and restarts it 1 to 12 simulated hours later, its clock
    resuming from where the body's simulated time is (so a kill is also downtime);
  - stops the SMTP server and starts it again 1 to 12 simulated hours later (outages
    shorter than the 72 h after which a delivery is dead-lettered);
  - reloads a service with SIGHUP, with a valid rule set (a harmless change) or an
    invalid one (an unknown actor, or broken TOML), which must be rejected and leave the
    old rules running; the invalid file is removed as soon as the rejection is logged;
  - records a step as done with `scadenzario done`, one that has notifications ahead.

The webhook receiver answers HTTP 500 to 30% of the attempts (decided by a hash of the
seed, the webhook-id and the attempt number, so the same message gets the same fate in a
rerun) and checks every Standard Webhooks signature. The seed fixes the faults' schedule
and kinds; which notification is in flight at a given fault depends on the machine.

Then the faults stop; each service is stopped with SIGTERM and started once more at
real speed on its last run, and SIGHUP makes it retry what is still pending at once, so
its outbox drains. What "every due notification delivered" means follows the service's
promises (README, "The service"): a first run sends no backlog; after downtime only the
most recent missed notification of each step, member and recipient is sent (catch-up);
a step recorded as done gets nothing more. So, for each body, the script asserts:

  1. every notification that entered the outbox ended sent (or skipped, because its step
     was recorded meanwhile): none dead, none pending;
  2. for each step and member, the latest notification(s) that `scadenzario simulate`
     plans in (first run, last run] (with the final states) are in the outbox as sent on
     every channel (mail and the webhook), and the receivers got them;
  3. the receivers got every key the outbox says sent, and none twice, except a message
     in flight when its service was killed (or the SMTP server stopped): that is the one
     duplicate at-least-once delivery allows (explanation() says how "in flight" is told
     from the receivers' clock);
  4. every step recorded with `done` is still recorded at the end; no notification for it
     entered the outbox planned after the record (a simulated day of margin for the
     script's clock against the service's) and no message for it arrived after the
     record (a grace of GRACE real seconds covers one message already in flight);
  5. PRAGMA integrity_check is "ok" and `scadenzario audit verify` passes.

It prints the counts and exits 1 on any failure. Loopback only; bounded by DURATION plus
the drain (at most DRAIN s) and the checks. Not registered in ctest (it takes minutes and
both cores); run it by hand on a built tree, with Debian's python3 (python3-aiosmtpd):

  /usr/bin/python3 tests/soak/soak.py [--build build] [--bodies 60] [--days 365] [--duration 600]
                     [--seed 7] [--start 2027-01-01T00:00:00] [--keep DIR]

With --keep, DIR also gets arrivals.jsonl (every message received: time, body, channel,
message id, keys) and faults.json (the times of kills, restarts and SMTP stops), for a
post-mortem. The soak needs the machine to itself: services starved of CPU fall behind
their simulated clock, and retries then reach the 72-hour limit (dead letters).
"""
import argparse
import base64
import collections
import datetime
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path[:0] = [str(ROOT / "tests" / "service"), str(ROOT / "tests" / "notifiers")]
from harness import wait_until  # noqa: E402
from tls_fixture import free_port  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"segreto del webhook del documentale").decode()
FAIL_RATE = 0.30
GRACE = 3.0  # real seconds: a message already in flight when a step is recorded
RECEIVER_LAG = 1.0  # real seconds: see explanation()
DRAIN = 120  # real seconds at most to empty every outbox at the end


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--bodies", type=int, default=60)
    p.add_argument("--days", type=int, default=365, help="simulated days")
    p.add_argument("--duration", type=float, default=600, help="real seconds for the simulated days")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--start", default="2027-01-01T00:00:00", help="simulated start, local time")
    p.add_argument("--mean-gap", type=float, default=None,
                   help="mean real seconds between faults (default: 24/BODIES, at least 0.25)")
    p.add_argument("--keep", default=None, help="work in DIR and keep it (default: a temporary directory)")
    return p.parse_args()


class Receivers:
    """What arrived, per body: (real time, channel, keys of one message); also the faults."""

    def __init__(self, seed):
        self.seed = seed
        self.lock = threading.Lock()
        self.messages = collections.defaultdict(list)  # body -> [(t, channel, [keys], message id)]
        self.attempts = collections.Counter()          # webhook-id -> attempts
        self.failed = 0
        self.bad_signatures = 0
        self.unknown = 0

    def record(self, body, channel, keys, message_id):
        with self.lock:
            self.messages[body].append((time.monotonic(), channel, keys, message_id))

    def should_fail(self, webhook_id):
        with self.lock:
            self.attempts[webhook_id] += 1
            n = self.attempts[webhook_id]
        digest = hashlib.sha256(f"{self.seed}/{webhook_id}/{n}".encode()).digest()
        fail = int.from_bytes(digest[:4], "big") / 2**32 < FAIL_RATE
        if fail:
            with self.lock:
                self.failed += 1
        return fail


class SmtpHandler:
    def __init__(self, receivers):
        self.receivers = receivers

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(("plain",))
        keys = re.findall(r"Chiave:\s+(\S+)", body.get_content() if body else "")
        found = re.match(r"scadenzario@ente-(\d+)\.example\.it", envelope.mail_from or "")
        if found:
            self.receivers.record(int(found.group(1)), "mail", keys, message.get("Message-ID", ""))
        else:
            self.receivers.unknown += 1
        return "250 2.0.0 Ok: queued"


def make_hook_handler(receivers):
    key = base64.b64decode(SECRET[len("whsec_"):])

    class Hook(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status):
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_POST(self):
            data = self.rfile.read(int(self.headers["Content-Length"]))
            webhook_id = self.headers.get("webhook-id", "")
            if receivers.seed is not None and receivers.should_fail(webhook_id):
                return self.reply(500)
            signed = f"{webhook_id}.{self.headers.get('webhook-timestamp', '')}.".encode() + data
            expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(self.headers.get("webhook-signature", ""), expected):
                receivers.bad_signatures += 1
            found = re.fullmatch(r"/hooks/(\d+)", self.path)
            keys = [n["key"] for n in json.loads(data)["data"]["notifications"]]
            if found:
                receivers.record(int(found.group(1)), "webhook:documentale", keys, webhook_id)
            else:
                receivers.unknown += 1
            self.reply(200)

    return Hook


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a service killed mid-request
            super().handle_error(request, client_address)


class SmtpServer:
    """aiosmtpd on a fixed port, stopped and started again on demand."""

    def __init__(self, receivers, port):
        self.handler = SmtpHandler(receivers)
        self.port = port
        self.controller = None
        self.stops = []  # monotonic times
        self.starts = []  # monotonic times

    def start(self):
        for _ in range(100):  # the port may linger a moment after a stop
            try:
                self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
                self.controller.start()
                self.starts.append(time.monotonic())
                return
            except (OSError, RuntimeError):
                self.controller = None
                time.sleep(0.05)
        raise RuntimeError("the SMTP server did not start again")

    def stop(self):
        if self.controller:
            self.stops.append(time.monotonic())
            self.controller.stop()
            self.controller = None


def local_text(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S")


class Body:
    """One body: its directory, its service and its simulated clock."""

    def __init__(self, n, root, args, speed, smtp_port, hook_port):
        self.n = n
        self.dir = root / f"ente-{n:02d}"
        self.args = args
        self.speed = speed
        self.process = None
        self.started_at = None      # monotonic time of the clock's origin
        self.sim_at_start = None    # the simulated time then
        self.kills = []             # monotonic times
        self.starts = []            # monotonic times
        self.done = []              # (monotonic time, occurrence, step, member)
        self.done_at_sim = []       # a day after the simulated time of each record
        self.reloads = collections.Counter()
        self.write_config(smtp_port, hook_port)

    def write_config(self, smtp_port, hook_port):
        shutil.copytree(ROOT / "rules" / "rules.d", self.dir / "rules.d")
        shutil.copy(ROOT / "rules" / "attori.toml", self.dir / "attori.toml")
        text = (ROOT / "rules" / "scadenzario.toml").read_text(encoding="utf-8")
        text = re.sub(r'^name\s*=.*$', f'name = "Camera di commercio di Prova {self.n:02d}"', text, count=1, flags=re.M)
        text = re.sub(r'^from_address\s*=.*$', f'from_address = "scadenzario@ente-{self.n:02d}.example.it"\n'
                      'webhooks     = ["documentale"]', text, count=1, flags=re.M)
        text = re.sub(r'^maildir\s*=.*$', 'maildir      = "Maildir"', text, count=1, flags=re.M)
        text += f'''
[smtp]
url = "smtp://127.0.0.1:{smtp_port}/soak.test"
security = "none"
timeout_seconds = 30
connect_timeout_seconds = 5

[[webhook]]
name = "documentale"
url = "http://127.0.0.1:{hook_port}/hooks/{self.n:02d}"
secret_file = "webhook-secret"
timeout_seconds = 30
'''
        (self.dir / "scadenzario.toml").write_text(text, encoding="utf-8")
        secret = self.dir / "webhook-secret"
        secret.write_text(SECRET + "\n")
        secret.chmod(0o600)

    @property
    def config(self):
        return str(self.dir / "scadenzario.toml")

    @property
    def state(self):
        return str(self.dir / "state.db")

    def sim_now(self):
        elapsed = time.monotonic() - self.started_at
        return self.sim_at_start + datetime.timedelta(seconds=elapsed * self.speed)

    def start(self, sim, speed):
        self.ready_before = self.log_count("event=ready") if (self.dir / "daemon.log").exists() else 0
        log = open(self.dir / "daemon.log", "ab")
        self.started_at, self.sim_at_start = time.monotonic(), sim
        self.starts.append(self.started_at)
        self.process = subprocess.Popen(
            [str(Path(self.args.build) / "daemon" / "scadenzariod"), "--config", self.config,
             "--state", self.state, "--test-now", local_text(sim), "--test-speed", str(speed)],
            stdout=log, stderr=log)
        log.close()

    def wait_ready(self, timeout=60):
        """Until the service has armed its signals (a SIGHUP before that would end it)."""
        return wait_until(lambda: self.log_count("event=ready") > self.ready_before, timeout)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills.append(time.monotonic())

    def log_count(self, text):
        return (self.dir / "daemon.log").read_text(errors="replace").count(text)

    def cli(self, *arguments):
        return subprocess.run([str(Path(self.args.build) / "daemon" / "scadenzario"), "--config", self.config,
                               "--state", self.state, *arguments], capture_output=True, text=True)


# Invalid rule files: each must be rejected by the reload, with its position.
INVALID = [
    ('[[act]]\nid = "atto-errato"\ntitle = "Atto errato"\nphase = 1\npurpose = "Prova"\n'
     'legal_basis = "Prova"\ndue = "03-31"\n  [[act.step]]\n  actor = "giuntaa"\n  action = "APPROVA"\n'),
    '[[act]\nid = "senza-chiusura"\n',
    '[[act]]\nid = "data-errata"\ntitle = "X"\nphase = 1\npurpose = "P"\nlegal_basis = "L"\ndue = "02-30"\n',
]


def reload(body, rng, counts):
    body.wait_ready()
    before_ok, before_bad = body.log_count("event=reloaded"), body.log_count("errors=")
    if rng.random() < 0.5:
        path = body.dir / "rules.d" / "90-errato.toml"
        path.write_text(rng.choice(INVALID), encoding="utf-8")
        body.process.send_signal(signal.SIGHUP)
        rejected = wait_until(lambda: body.log_count("errors=") > before_bad, 30)
        path.unlink()
        counts["reload invalid, rejected" if rejected else "reload invalid, NOT rejected"] += 1
    else:
        path = body.dir / "rules.d" / "10-pianificazione.toml"
        path.write_text(path.read_text(encoding="utf-8") + f"\n# ricarica {counts['reload valid']}\n",
                        encoding="utf-8")
        body.process.send_signal(signal.SIGHUP)
        accepted = wait_until(lambda: body.log_count("event=reloaded") > before_ok, 30)
        counts["reload valid" if accepted else "reload valid, NOT applied"] += 1


def plan_of(args, root, frm, to):
    """Every notification the rules plan in the window (empty state), via simulate."""
    scratch = root / "plan"
    scratch.mkdir(exist_ok=True)
    shutil.copytree(ROOT / "rules" / "rules.d", scratch / "rules.d", dirs_exist_ok=True)
    shutil.copy(ROOT / "rules" / "attori.toml", scratch / "attori.toml")
    shutil.copy(ROOT / "rules" / "scadenzario.toml", scratch / "scadenzario.toml")
    out = subprocess.run([str(Path(args.build) / "daemon" / "scadenzario"), "--config",
                          str(scratch / "scadenzario.toml"), "--state", str(scratch / "state.db"),
                          "simulate", "--from", frm, "--to", to, "--format", "json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["notifications"]


def occurrence_args(notification):
    """`done` arguments of a notification's step: ATTO[:SCADENZA] PASSO --period P [--member M]."""
    occurrence = notification["occurrence"]
    act_part, _, period = occurrence.rpartition("/")
    arguments = [act_part, notification["step"], "--period", period]
    if notification["member"]:
        arguments += ["--member", notification["member"]]
    return arguments


def record_done(body, plan, rng, counts):
    """Records a step that has a notification ahead of the body's clock (not yet done)."""
    now = local_text(body.sim_now())[:16]
    horizon = local_text(body.sim_now() + datetime.timedelta(days=20))[:16]
    taken = {(o, s, m) for _, o, s, m in body.done}
    ahead = [n for n in plan if now < n["at"] <= horizon
             and (n["occurrence"], n["step"], n["member"]) not in taken]
    if not ahead:
        return
    n = rng.choice(ahead)
    result = body.cli("done", *occurrence_args(n), "--ref", "Determinazione di prova (soak)", "--force")
    if result.returncode == 0:
        body.done.append((time.monotonic(), n["occurrence"], n["step"], n["member"]))
        body.done_at_sim.append(local_text(body.sim_now() + datetime.timedelta(days=1))[:16])
        counts["done recorded"] += 1
    else:
        counts["done refused"] += 1
        print(f"ente-{body.n:02d}: done {occurrence_args(n)}: {result.stderr.strip()}", flush=True)


def run_faults(args, bodies, smtp, plan, rng):
    counts = collections.Counter()
    end = time.monotonic() + args.duration
    mean_gap = args.mean_gap or max(0.25, 24 / len(bodies))
    restart_at = {}  # body -> monotonic time to start its killed service
    smtp_up_at = None
    next_report = time.monotonic() + 30
    next_event = time.monotonic() + rng.expovariate(1 / mean_gap)
    while time.monotonic() < end:
        # Restarts are due at their own (simulated-hour) times, between the faults.
        now = time.monotonic()
        for b, at in list(restart_at.items()):
            if now >= at:
                b.start(b.sim_now(), b.speed)
                del restart_at[b]
        for b in bodies:
            if b not in restart_at and b.process.poll() is not None:
                counts["UNEXPECTED EXIT"] += 1
                print(f"ente-{b.n:02d}: the service exited with {b.process.returncode}", flush=True)
                b.start(b.sim_now(), b.speed)
        if smtp_up_at and now >= smtp_up_at:
            smtp.start()
            smtp_up_at = None
        if now >= next_report:
            print(f"  {args.duration - (end - now):5.0f} s, ente-01 at {local_text(bodies[0].sim_now())}: "
                  f"{dict(counts)}", flush=True)
            next_report = now + 30
        if now < next_event:
            time.sleep(0.01)
            continue
        next_event = now + rng.expovariate(1 / mean_gap)
        body = rng.choice(bodies)
        event = rng.choices(["kill", "smtp", "reload", "done"], weights=[35, 10, 30, 25])[0]
        if body in restart_at:
            continue
        if event == "kill":
            body.kill()
            restart_at[body] = time.monotonic() + max(0.05, rng.uniform(1, 12) * 3600 / body.speed)
            counts["SIGKILL"] += 1
        elif event == "smtp" and smtp_up_at is None:
            smtp.stop()
            smtp_up_at = time.monotonic() + max(0.05, rng.uniform(1, 12) * 3600 / body.speed)
            counts["SMTP restart"] += 1
        elif event == "reload":
            reload(body, rng, counts)
        elif event == "done":
            record_done(body, plan, rng, counts)
    for b in restart_at:
        b.start(b.sim_now(), b.speed)
    if smtp_up_at:
        smtp.start()
    return counts


def db_rows(body, query):
    with sqlite3.connect(body.state, timeout=30) as db:
        return db.execute(query).fetchall()


def drain(bodies, receivers):
    """Stops each service, then runs it once at real speed from its last run until its outbox is empty."""
    receivers.seed = None  # faults off: every webhook attempt succeeds
    for b in bodies:
        b.process.send_signal(signal.SIGTERM)
    for b in bodies:
        b.process.wait(timeout=60)
    last = {}
    for b in bodies:
        last[b.n] = db_rows(b, "SELECT last_run FROM service_state")[0][0]
        b.start(datetime.datetime.fromisoformat(last[b.n]), 1)
    for b in bodies:
        b.wait_ready()
        b.process.send_signal(signal.SIGHUP)  # retry what is pending now, not at its time
    deadline = time.monotonic() + DRAIN
    for b in bodies:
        wait_until(lambda: not db_rows(b, "SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1"),
                   max(1, deadline - time.monotonic()))
    time.sleep(1)
    for b in bodies:
        b.process.send_signal(signal.SIGTERM)
    for b in bodies:
        b.process.wait(timeout=60)
    return last


class Report:
    def __init__(self):
        self.failures = []
        self.counts = collections.Counter()

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)
            if len(self.failures) <= 40:
                print("FAIL " + what, flush=True)


def first_run(body):
    found = re.search(r"event=first-run at=(\S+)", (body.dir / "daemon.log").read_text(errors="replace"))
    return found.group(1) if found else None


def explanation(first, second, body, smtp, channel, acknowledged):
    """Why a message (same id) may have arrived twice: its service was killed, or the
    SMTP server stopped, while the first copy was in flight (sent, its reply not read).
    `first` and `second` are the times the receivers recorded the two copies.

    The receivers live in this one Python process and record a message when they have
    read it whole, which can be after the sender died: the kernel still delivers what a
    killed process had written. In the 60-body soak that lag reached 132 ms. So a kill up
    to RECEIVER_LAG before the first copy was recorded also counts, if the first copy
    can only have come from the killed process (it was recorded before the service was
    started again) and the service logged the message as sent at most once: the killed
    process never learnt that its copy arrived, and the next one sent it again. The same
    holds for an SMTP server stop: the stopped server may finish reading a message."""
    kills = body.kills
    stops = smtp.stops if channel == "mail" else []
    if any(first <= k <= second for k in kills):
        return "a SIGKILL"
    if any(first <= s <= second for s in stops):
        return "an SMTP server stop"
    if acknowledged > 1:
        return None

    def before_restart(fault, restarts):
        return fault <= first < min((r for r in restarts if r > fault), default=float("inf"))

    if any(first - RECEIVER_LAG <= k and before_restart(k, body.starts) for k in kills):
        return "a SIGKILL (read by the receiver after the kill)"
    if any(first - RECEIVER_LAG <= s and before_restart(s, smtp.starts) for s in stops):
        return "an SMTP server stop (read by the server as it stopped)"
    return None


def check_body(body, last_run, receivers, smtp, report):
    c = report.counts
    rows = db_rows(body, "SELECT key, channel, status FROM outbox")
    status = {(k, ch): s for k, ch, s in rows}
    for _, _, s in rows:
        c[f"outbox {s}"] += 1
    bad = [(k, ch, s) for k, ch, s in rows if s not in ("sent", "skipped")]
    report.check(not bad, f"ente-{body.n:02d}: {len(bad)} outbox entries neither sent nor skipped, e.g. {bad[:3]}")

    # What arrived, by channel and key, with the times of each arrival.
    arrivals = collections.defaultdict(list)  # (key, channel) -> [(time, message id)]
    for t, channel, keys, message_id in receivers.messages.get(body.n, []):
        c[f"received {channel.split(':')[0]} messages"] += 1
        for k in keys:
            arrivals[(k, channel)].append((t, message_id.strip("<>").split("@")[0]))
    # How many times the service logged each message as sent, per channel.
    log = (body.dir / "daemon.log").read_text(errors="replace")
    acknowledged = collections.Counter(re.findall(r"event=sent channel=(\S+) message=(\S+)", log))
    sent = {kc for kc, s in status.items() if s == "sent"}
    missing = sent - set(arrivals)
    report.check(not missing, f"ente-{body.n:02d}: {len(missing)} sent entries never arrived, e.g. {sorted(missing)[:3]}")
    stray = set(arrivals) - sent
    report.check(not stray, f"ente-{body.n:02d}: {len(stray)} keys arrived but are not sent in the outbox, "
                            f"e.g. {sorted(stray)[:3]}")
    c["received keys"] += sum(len(v) for v in arrivals.values())
    for (k, channel), times in arrivals.items():
        if len(times) > 1:
            c["duplicates"] += len(times) - 1
            for (a, message), (b, again) in zip(times, times[1:]):
                why = None
                if message == again:  # a copy regrouped into another message is no retry
                    why = explanation(a, b, body, smtp, channel, acknowledged[(channel, message)])
                c[f"duplicates, in flight at {why}" if why else "DUPLICATES UNEXPLAINED"] += 1
                report.check(why is not None, f"ente-{body.n:02d}: {k} on {channel} arrived twice with no crash between")

    # The latest notification of each step, member and recipient in (first run, last run].
    start = first_run(body)
    report.check(start is not None, f"ente-{body.n:02d}: no first-run line in the log")
    if start:
        planned = json.loads(body.cli("simulate", "--from", start[:10], "--to", last_run[:10],
                                      "--format", "json").stdout or "{}").get("notifications", [])
        latest = collections.defaultdict(list)  # step and member -> its latest notifications
        for n in planned:
            if start < n["at"] <= last_run[:16]:
                group = latest[(n["occurrence"], n["step"], n["member"])]
                if group and n["at"] > group[0]["at"]:
                    group.clear()
                if not group or n["at"] == group[0]["at"]:
                    group.append(n)
        for n in (n for group in latest.values() for n in group):
            for channel in ("mail", "webhook:documentale"):
                c["expected deliveries (latest of each step)"] += 1
                ok = status.get((n["key"], channel)) == "sent" and (n["key"], channel) in arrivals
                c["expected deliveries that arrived" if ok else "EXPECTED DELIVERIES MISSING"] += 1
                report.check(ok, f"ente-{body.n:02d}: {n['key']} ({n['at']}) on {channel}: "
                                 f"outbox {status.get((n['key'], channel))}, arrived {(n['key'], channel) in arrivals}")

    # Steps recorded during the run: still recorded, and nothing for them afterwards.
    recorded = {(o, s, m): st for o, s, m, st in db_rows(body, "SELECT occurrence, step, member, status FROM step_state")}
    planned = collections.defaultdict(list)
    for o, s, m, at in db_rows(body, "SELECT occurrence, step, member, planned_at FROM outbox"):
        planned[(o, s, m)].append(at)
    for (t, occurrence, step, member), recorded_sim in zip(body.done, body.done_at_sim):
        after = [at for at in planned[(occurrence, step, member)] if at > recorded_sim]
        c["notifications planned for done steps after recording"] += len(after)
        report.check(not after, f"ente-{body.n:02d}: {occurrence} {step} {member} recorded by {recorded_sim}, "
                                f"yet planned at {after[:3]}")
        kept = recorded.get((occurrence, step, member)) == "done"
        c["done steps still recorded" if kept else "DONE STEPS LOST"] += 1
        report.check(kept, f"ente-{body.n:02d}: {occurrence} {step} {member} is no longer recorded")
        prefix = f"{occurrence}/{step}/{member}/"
        late = [(k, ch) for (k, ch), times in arrivals.items() if k.startswith(prefix) and max(at for at, _ in times) > t + GRACE]
        c["messages for done steps after recording"] += len(late)
        report.check(not late, f"ente-{body.n:02d}: {late[:3]} arrived after {prefix} was recorded")

    integrity = db_rows(body, "PRAGMA integrity_check")
    report.check(integrity == [("ok",)], f"ente-{body.n:02d}: integrity_check {integrity}")
    c["integrity_check ok"] += integrity == [("ok",)]
    audit = body.cli("audit", "verify")
    report.check(audit.returncode == 0, f"ente-{body.n:02d}: audit verify: {audit.stdout} {audit.stderr}")
    c["audit verify ok"] += audit.returncode == 0


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    speed = max(1, round(args.days * 86400 / args.duration))
    start = datetime.datetime.fromisoformat(args.start)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scadenzario-soak-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"soak: {args.bodies} bodies, {args.days} simulated days from {args.start} in {args.duration:.0f} s "
          f"(speed {speed}), seed {args.seed}, in {work}", flush=True)
    receivers = Receivers(args.seed)
    smtp = SmtpServer(receivers, free_port())
    smtp.start()
    hooks = QuietServer(("127.0.0.1", free_port()), make_hook_handler(receivers))
    hooks.daemon_threads = True
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    end = start + datetime.timedelta(days=args.days)
    plan = plan_of(args, work, start.date().isoformat(), end.date().isoformat())
    bodies = [Body(n, work, args, speed, smtp.port, hooks.server_address[1]) for n in range(1, args.bodies + 1)]
    began = time.monotonic()
    for b in bodies:
        b.start(start, speed)
    faults = run_faults(args, bodies, smtp, plan, rng)
    print(f"faults done after {time.monotonic() - began:.0f} s; draining", flush=True)
    last = drain(bodies, receivers)
    smtp.stop()
    hooks.shutdown()
    if args.keep:  # what arrived, for a post-mortem: real time, body, channel, message id, keys
        with open(work / "arrivals.jsonl", "w", encoding="utf-8") as out:
            for n, messages in sorted(receivers.messages.items()):
                for t, channel, keys, message_id in messages:
                    out.write(json.dumps({"t": round(t - began, 3), "body": n, "channel": channel,
                                          "id": message_id, "keys": keys}) + "\n")
        with open(work / "faults.json", "w", encoding="utf-8") as out:
            json.dump({"smtp_stops": [round(t - began, 3) for t in smtp.stops],
                       "smtp_starts": [round(t - began, 3) for t in smtp.starts],
                       "kills": {b.n: [round(t - began, 3) for t in b.kills] for b in bodies},
                       "starts": {b.n: [round(t - began, 3) for t in b.starts] for b in bodies}}, out)
    report = Report()
    for b in bodies:
        check_body(b, last[b.n], receivers, smtp, report)
    report.check(receivers.bad_signatures == 0, f"{receivers.bad_signatures} webhook signatures did not verify")
    report.check(receivers.unknown == 0, f"{receivers.unknown} messages from no known body")
    report.check(faults["UNEXPECTED EXIT"] == 0, "a service exited unexpectedly")
    report.check(faults["reload invalid, NOT rejected"] == 0 and faults["reload valid, NOT applied"] == 0,
                 "a reload did not end as expected")
    print(f"\nsoak: {args.bodies} bodies, {args.days} days from {args.start} at speed {speed}, seed {args.seed}, "
          f"{time.monotonic() - began:.0f} s real; last runs {min(last.values())} .. {max(last.values())}")
    for name, value in sorted(faults.items()):
        print(f"  fault  {name:58} {value}")
    print(f"  fault  {'webhook attempts answered HTTP 500':58} {receivers.failed}")
    for name, value in sorted(report.counts.items()):
        print(f"  count  {name:58} {value}")
    print(f"{len(report.failures)} failures")
    if not args.keep and not report.failures:
        shutil.rmtree(work)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
