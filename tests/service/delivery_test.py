#!/usr/bin/python3
"""The real `scadenzariod` delivering by SMTP and webhooks to real peers on 127.0.0.1.

Peers: Debian's aiosmtpd (plain SMTP, the relay-on-the-same-host case) and an HTTP
receiver that checks every Standard Webhooks signature with its own HMAC. The rules are
small and deterministic: on Thursday 11/02/2027 at 09:00, ACTS acts of the Giunta fall
due (one reminder each, digest off) and the dirigente's report, due 10/02, is one day
late (an escalation to the Segretario Generale, the dirigente in Cc). The Giunta's role
has a webhook; the SG's and the dirigente's have none.

1. The SMTP server is down: the webhooks are delivered, the e-mails wait in the outbox.
2. The server comes up, SIGHUP retries at once: every e-mail arrives exactly once.
3. `scadenzario send-test` through both channels prints the peers' replies.
4. On 12/02 ACTS more acts fall due and the server holds one message before its reply:
   the service is killed with SIGKILL while that message is in flight and restarted.
   Everything arrives; only the messages in flight (one per SMTP connection) may be
   received twice.
5. On 15/02 ACTS more acts fall due; with one SMTP connection, the SMTP server and the
   webhook receiver each hold the first message of the batch while `scadenzario done`
   records a step whose message is further on in the same batch: that step's e-mail and
   webhook are never sent (the outbox says skipped); the rest are.

Usage: delivery_test.py PATH_TO_SCADENZARIOD PATH_TO_SCADENZARIO
"""
import asyncio
import base64
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notifiers"))
from aiosmtpd.controller import Controller  # noqa: E402
from tls_fixture import free_port  # noqa: E402
import harness  # noqa: E402
from harness import act_table, check, finish, plain_text, smtp_config, wait_until  # noqa: E402

DAEMON, CLI = sys.argv[1], sys.argv[2]
ACTS = 12
SECRET = "whsec_" + base64.b64encode(b"segreto del webhook della Giunta").decode()


class SmtpHandler:
    """Keeps every message; holds the reply to DATA of a message whose key starts with `hold`
    until `release` is set (at most 30 s)."""

    def __init__(self):
        self.received = []  # (mail_from, rcpt_tos, parsed message)
        self.hold = None
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.hold and any(k.startswith(self.hold) for k in keys_of(message)):
            self.held.set()
            deadline = time.time() + 30  # or the client is killed meanwhile
            while not self.release.is_set() and time.time() < deadline:
                await asyncio.sleep(0.01)
        return "250 2.0.0 Ok: queued as %d" % len(self.received)


def keys_of(message):
    return re.findall(r"Chiave:\s+(\S+)", plain_text(message))


class Receiver(http.server.BaseHTTPRequestHandler):
    """Keeps every request; like SmtpHandler, holds the reply to a request carrying a key
    that starts with `hold` until `release` is set (at most 30 s)."""
    protocol_version = "HTTP/1.1"
    requests = []  # (headers, body, signature valid)
    hold = None
    held_keys = []
    held = threading.Event()
    release = threading.Event()

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        keys = [n["key"] for n in json.loads(body)["data"]["notifications"]]
        if Receiver.hold and any(k.startswith(Receiver.hold) for k in keys):
            Receiver.held_keys = keys
            Receiver.held.set()
            Receiver.release.wait(30)
        key = base64.b64decode(SECRET[len("whsec_"):])
        signed = (self.headers["webhook-id"] + "." + self.headers["webhook-timestamp"] + ".").encode() + body
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        valid = hmac.compare_digest(self.headers.get("webhook-signature", ""), expected)
        Receiver.requests.append((dict(self.headers), body, valid))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def write_rules(root, smtp_port, hook_port):
    (root / "rules.d").mkdir(parents=True)
    secret = root / "webhook-secret"
    secret.write_text(SECRET + "\n")
    secret.chmod(0o600)
    (root / "scadenzario.toml").write_text(smtp_config(smtp_port, 5) + f'''[[webhook]]
name = "giunta-hook"
url = "http://127.0.0.1:{hook_port}/hooks/scadenzario"
secret_file = "webhook-secret"
''', encoding="utf-8")
    text = ['''[[actor]]
id = "giunta"
title = "Giunta camerale"
webhooks = ["giunta-hook"]

[[actor]]
id = "segretario_generale"
title = "Segretario Generale"

[[actor]]
id = "dirigente"
title = "Dirigente dell'Area economico-finanziaria"
escalate_to = "segretario_generale"

[[person]]
id = "lgreco"
name = "Laura Greco"
email = "laura.greco@cciaa-prova.example.it"
roles = ["giunta"]

[[person]]
id = "mrossi"
name = "Maria Rossi"
email = "maria.rossi@cciaa-prova.example.it"
roles = ["segretario_generale"]

[[person]]
id = "pbianchi"
name = "Paolo Bianchi"
email = "paolo.bianchi@cciaa-prova.example.it"
roles = ["dirigente"]

[[act]]
id = "relazione-dirigente"
title = "Relazione del dirigente"
phase = 3
purpose = "Prova"
legal_basis = "Prova"
due = "02-10"
  [[act.step]]
  actor = "dirigente"
  action = "PREDISPONE"
''']
    for day, prefix in (("02-11", "atto"), ("02-12", "secondo"), ("02-15", "terzo")):
        for i in range(ACTS):
            text.append(act_table(f"{prefix}-{i:02d}", f"Atto {prefix} {i:02d}", day))
    (root / "rules.d" / "10-atti.toml").write_text("\n".join(text), encoding="utf-8")


def start(root, now):
    log = open(root / "daemon.log", "ab")
    return subprocess.Popen([DAEMON, "--config", str(root / "scadenzario.toml"), "--state",
                             str(root / "state.db"), "--test-now", now], stdout=log, stderr=log)


def log_has(root, text):
    return text in (root / "daemon.log").read_text(errors="replace")


def outbox(root):
    with sqlite3.connect(root / "state.db", timeout=10) as db:
        return db.execute("SELECT key, channel, status FROM outbox").fetchall()


def test_down_then_up(root, handler, smtp_port):
    daemon = start(root, "2027-02-11T08:59:58")
    check(wait_until(lambda: log_has(root, "event=retry-later channel=mail")),
          "SMTP down: the e-mails fail and wait for a retry")
    check(wait_until(lambda: len(Receiver.requests) >= ACTS), "the webhooks go out meanwhile")
    hooks = list(Receiver.requests)
    check(len(hooks) == ACTS and all(valid for _, _, valid in hooks),
          f"{ACTS} webhook posts, each signed with a valid Standard Webhooks signature ({len(hooks)})")
    hook_keys = [n["key"] for _, body, _ in hooks for n in json.loads(body)["data"]["notifications"]]
    check(all(k.startswith("atto-") for k in hook_keys) and len(set(hook_keys)) == ACTS,
          "the Giunta's webhook gets the Giunta's notifications only, not the SG's escalation")
    check(all(h["webhook-id"] for h, _, _ in hooks), "each post has its webhook-id")
    # The receiver has the posts before the service records them as sent: wait for that.
    settled = lambda: sorted(Counter((c.split(":")[0], s) for _, c, s in outbox(root)).items()) == [  # noqa: E731
        (("mail", "pending"), ACTS + 1), (("webhook", "sent"), ACTS)]
    check(wait_until(settled), f"{ACTS + 1} e-mails pending in the outbox, {ACTS} webhooks sent")
    listed = subprocess.run([CLI, "--config", str(root / "scadenzario.toml"), "--state", str(root / "state.db"),
                             "outbox"], capture_output=True, text=True)
    check(listed.returncode == 0 and f"{ACTS + 1} notifiche in coda" in listed.stdout
          and "couldn't connect to server" in listed.stdout.lower(),
          "scadenzario outbox lists them with the reason (could not connect)")

    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    daemon.send_signal(signal.SIGHUP)  # the administrator fixed it: retry now
    check(wait_until(lambda: len(handler.received) >= ACTS + 1), "server up + SIGHUP: the e-mails are delivered")
    check(wait_until(lambda: all(s == "sent" for _, _, s in outbox(root))), "the outbox says sent for all")
    time.sleep(0.5)
    keys = [k for _, _, m in handler.received for k in keys_of(m)]
    check(len(keys) == ACTS + 1 and len(set(keys)) == ACTS + 1,
          f"every e-mail arrived exactly once: {len(keys)} deliveries of {len(set(keys))} keys")
    escalation = [(f, r, m) for f, r, m in handler.received if "SOLLECITO" in str(m["Subject"])]
    check(len(escalation) == 1, "one escalation for the late report")
    if escalation:
        _, rcpt, message = escalation[0]
        check("maria.rossi@" in str(message["To"]) and "paolo.bianchi@" in str(message["Cc"]),
              f"the escalation goes to the SG with the late dirigente in Cc (To {message['To']}, Cc {message['Cc']})")
        check(sorted(rcpt) == ["maria.rossi@cciaa-prova.example.it", "paolo.bianchi@cciaa-prova.example.it"],
              "the envelope has both recipients")
    check(len(Receiver.requests) == ACTS, "no webhook was sent twice by the retries of the e-mails")
    daemon.send_signal(signal.SIGTERM)
    check(daemon.wait(timeout=10) == 0, "SIGTERM: exit status 0")
    return controller


def test_send_test(root, handler):
    before = len(handler.received)
    cli = [CLI, "--config", str(root / "scadenzario.toml"), "--state", str(root / "state.db"), "send-test"]
    mail = subprocess.run(cli + ["--channel", "mail", "--to", "prova@cciaa-prova.example.it"],
                          capture_output=True, text=True)
    check(mail.returncode == 0 and "250 2.0.0 Ok: queued as" in mail.stdout,
          f"send-test --channel mail prints the server's reply ({mail.stdout.strip()!r})")
    check(len(handler.received) == before + 1 and handler.received[-1][1] == ["prova@cciaa-prova.example.it"],
          "and the server received the test message for --to")
    hook = subprocess.run(cli + ["--channel", "giunta-hook"], capture_output=True, text=True)
    check(hook.returncode == 0 and "HTTP 200" in hook.stdout and Receiver.requests[-1][2],
          f"send-test --channel giunta-hook: delivered, signed ({hook.stdout.strip()!r})")
    unknown = subprocess.run(cli + ["--channel", "giunta-hok"], capture_output=True, text=True)
    check(unknown.returncode == 2 and '(forse "giunta-hook"?)' in unknown.stderr,
          f"an unknown channel: exit 2 and the closest name ({unknown.stderr.strip()!r})")
    del handler.received[before:]


def test_kill_in_flight(root, handler):
    handler.hold = "secondo-05/"
    before = len(handler.received)
    daemon = start(root, "2027-02-12T08:59:58")
    check(handler.held.wait(30), "the server holds the reply to one message")
    daemon.send_signal(signal.SIGKILL)
    daemon.wait()
    handler.hold = None
    daemon = start(root, "2027-02-12T09:00:05")
    expected = {f"secondo-{i:02d}" for i in range(ACTS)}
    arrived = lambda: {k.split("/")[0] for _, _, m in handler.received[before:] for k in keys_of(m)}  # noqa: E731
    check(wait_until(lambda: arrived() >= expected and all(s == "sent" for _, _, s in outbox(root)), 60),
          "after the restart every e-mail of 12/02 is delivered")
    time.sleep(0.5)
    counts = Counter(k for _, _, m in handler.received[before:] for k in keys_of(m))
    twice = [k for k, n in counts.items() if n > 1]
    check(set(k.split("/")[0] for k in counts) == expected, f"all {ACTS} keys arrived")
    # Two connections: the held message and the one the other connection had in flight.
    check(len(twice) <= 2, f"only the messages in flight at the kill, one per connection, may arrive twice ({twice})")
    daemon.send_signal(signal.SIGTERM)
    check(daemon.wait(timeout=10) == 0, "SIGTERM: exit status 0")


def test_done_during_batch(root, handler):
    # One connection: the rest of the batch waits behind the message held.
    config = root / "scadenzario.toml"
    config.write_text(config.read_text().replace("[smtp]\n", "[smtp]\nconnections = 1\n"))
    handler.held.clear()
    handler.release.clear()
    handler.hold = Receiver.hold = "terzo-"  # whichever message of 15/02 goes first
    before, hooks_before = len(handler.received), len(Receiver.requests)
    daemon = start(root, "2027-02-15T08:59:56")
    check(handler.held.wait(30) and Receiver.held.wait(30),
          "15/02: the SMTP server and the webhook receiver hold the reply to the first message of the batch")
    first = {k.split("/")[0] for _, _, m in handler.received[before:] for k in keys_of(m)}
    first |= {k.split("/")[0] for k in Receiver.held_keys}
    recorded = next(f"terzo-{i:02d}" for i in range(ACTS) if f"terzo-{i:02d}" not in first)
    done = subprocess.run([CLI, "--config", str(root / "scadenzario.toml"), "--state", str(root / "state.db"),
                           "done", recorded, "approva", "--year", "2027", "--ref", "Delibera n. 9"],
                          capture_output=True, text=True)
    check(done.returncode == 0, f"while it is held, `scadenzario done {recorded} approva` records the step "
                                f"({done.stdout.strip()} {done.stderr.strip()})")
    handler.hold = Receiver.hold = None
    handler.release.set()
    Receiver.release.set()
    others = {f"terzo-{i:02d}" for i in range(ACTS)} - {recorded}
    mailed = lambda: {k.split("/")[0] for _, _, m in handler.received[before:] for k in keys_of(m)}  # noqa: E731
    posted = lambda: {n["key"].split("/")[0] for _, body, _ in Receiver.requests[hooks_before:]  # noqa: E731
                      for n in json.loads(body)["data"]["notifications"]}
    settled = lambda: all(s != "pending" for k, _, s in outbox(root) if k.startswith("terzo-"))  # noqa: E731
    check(wait_until(lambda: mailed() >= others and posted() >= others and settled(), 60),
          f"the other {ACTS - 1} steps are reminded by e-mail and webhook")
    time.sleep(0.5)
    check(recorded not in mailed() and recorded not in posted(),
          f"{recorded}, recorded during the batch, gets neither an e-mail nor a webhook")
    statuses = {c: s for k, c, s in outbox(root) if k.startswith(recorded + "/")}
    check(statuses == {"mail": "skipped", "webhook:giunta-hook": "skipped"},
          f"the outbox says skipped for both channels ({statuses})")
    daemon.send_signal(signal.SIGTERM)
    check(daemon.wait(timeout=10) == 0, "SIGTERM: exit status 0")


def main():
    handler = SmtpHandler()
    smtp_port = free_port()
    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    hooks.daemon_threads = True
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    controller = None
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        write_rules(root, smtp_port, hooks.server_address[1])
        try:
            controller = test_down_then_up(root, handler, smtp_port)
            test_send_test(root, handler)
            test_kill_in_flight(root, handler)
            test_done_during_batch(root, handler)
        finally:
            if harness.failures:
                print((root / "daemon.log").read_text(errors="replace")[-4000:])
            if controller:
                controller.stop()
            hooks.shutdown()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
