#!/usr/bin/python3
"""A stalled peer never holds the service: the real `scadenzariod` against an SMTP server
on 127.0.0.1 that goes silent at a chosen phase, with a webhook receiver beside it.

The SMTP server here is a small scripted one (not aiosmtpd) so that it can stop answering
exactly after the greeting, after DATA, after the final dot or after QUIT. For each:
ACTS acts of the Giunta fall due at 09:00 (one e-mail and one webhook each, digest off);
the SMTP timeout is 2 s and the service runs under the notify protocol with
WATCHDOG_USEC = 3 s, a test listener on NOTIFY_SOCKET. The test asserts:

- no gap between watchdog pings above half the interval (1.5 s), while SMTP stalls;
- every webhook delivered within 2 s of its instant;
- after a connection-level failure the rest of the mail batch waits for the retry
  instead of each message paying a timeout; every retry lies in the future;
- SIGTERM ends the service within 5 s, exit status 0, with the stalled messages still
  pending (after the final dot or QUIT the server has accepted: sent, as it should).

Then a server that answers 550 to one of two recipients: the other receives the message,
the refused address is logged, and the row is sent. Last, a second scadenzariod on the
same state file is refused at start.

Usage: stall_test.py PATH_TO_SCADENZARIOD
"""
import http.server
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notifiers"))
from tls_fixture import free_port  # noqa: E402
import harness  # noqa: E402
from harness import act_table, check, finish, smtp_config, wait_until  # noqa: E402

DAEMON = sys.argv[1]
ACTS = 12
WATCHDOG_USEC = 3_000_000
SMTP_TIMEOUT = 2


class ScriptedSmtp:
    """An SMTP server that answers until `silent_after` ("greeting", "DATA", "dot", "QUIT",
    or None), then reads and ignores everything until the client leaves. Addresses in
    `refuse` get a 550 to RCPT TO."""

    def __init__(self, silent_after=None, refuse=()):
        self.silent_after = silent_after
        self.refuse = set(refuse)
        self.messages = []  # (rcpt list, data bytes)
        self.connections = 0
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            while True:
                connection, _ = self.socket.accept()
                self.connections += 1
                threading.Thread(target=self._serve, args=(connection,), daemon=True).start()
        except OSError:
            pass

    def _serve(self, connection):
        reader = connection.makefile("rb")
        try:
            connection.sendall(b"220 prova ESMTP\r\n")
            if self.silent_after == "greeting":
                return self._ignore(reader)
            rcpts = []
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    connection.sendall(b"250-prova\r\n250 SIZE 10000000\r\n")
                elif verb == b"MAIL":
                    rcpts = []
                    connection.sendall(b"250 OK\r\n")
                elif verb == b"RCPT":
                    address = re.search(rb"<([^>]*)>", line).group(1).decode()
                    if address in self.refuse:
                        connection.sendall(b"550 5.1.1 <%s>: utente sconosciuto\r\n" % address.encode())
                    else:
                        rcpts.append(address)
                        connection.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    if self.silent_after == "DATA":
                        return self._ignore(reader)
                    connection.sendall(b"354 go ahead\r\n")
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        chunk = reader.readline()
                        if not chunk:
                            return
                        data += chunk
                    self.messages.append((rcpts, data))
                    if self.silent_after == "dot":
                        return self._ignore(reader)
                    connection.sendall(b"250 2.0.0 Ok: queued\r\n")
                elif verb == b"QUIT":
                    if self.silent_after == "QUIT":
                        return self._ignore(reader)
                    connection.sendall(b"221 bye\r\n")
                    return
                else:
                    connection.sendall(b"250 OK\r\n")
        except OSError:
            pass
        finally:
            connection.close()

    @staticmethod
    def _ignore(reader):
        try:
            while reader.read(1):
                pass
        except OSError:
            pass

    def close(self):
        self.socket.close()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    arrivals = []  # monotonic times: one request per notification (digest off)

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.arrivals.append(time.monotonic())
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class NotifyListener:
    """The service manager's end of NOTIFY_SOCKET: keeps every datagram with its time."""

    def __init__(self, path):
        self.path = str(path)
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        self.datagrams = []  # (monotonic time, text)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            while True:
                data = self.socket.recv(4096)
                self.datagrams.append((time.monotonic(), data.decode(errors="replace")))
        except OSError:
            pass

    def pings(self):
        return [t for t, text in self.datagrams if "WATCHDOG=1" in text.split("\n")]

    def close(self):
        self.socket.close()


def write_body(root, smtp_port, hook_port, people, timeout=SMTP_TIMEOUT):
    (root / "rules.d").mkdir(parents=True, exist_ok=True)
    (root / "scadenzario.toml").write_text(smtp_config(smtp_port, timeout) + f'''connections = 2
[[webhook]]
name = "giunta-hook"
url = "http://127.0.0.1:{hook_port}/hooks"
preset = "slack"
''', encoding="utf-8")
    actors = '[[actor]]\nid = "giunta"\ntitle = "Giunta camerale"\nwebhooks = ["giunta-hook"]\n\n'
    for i, address in enumerate(people):
        actors += (f'[[person]]\nid = "p{i}"\nname = "Persona {i}"\nemail = "{address}"\n'
                   'roles = ["giunta"]\n\n')
    acts = [act_table(f"atto-{i:02d}", f"Atto {i:02d}", "02-15") for i in range(ACTS)]
    (root / "rules.d" / "10-atti.toml").write_text(actors + "\n".join(acts), encoding="utf-8")


def start(root, now, notify_path=None):
    environment = dict(os.environ)
    if notify_path:
        environment.update(NOTIFY_SOCKET=str(notify_path), WATCHDOG_USEC=str(WATCHDOG_USEC))
    log = open(root / "daemon.log", "ab")
    return subprocess.Popen([DAEMON, "--config", str(root / "scadenzario.toml"), "--state",
                             str(root / "state.db"), "--test-now", now], stdout=log, stderr=log,
                            env=environment)


def outbox(root, channel="mail"):
    with sqlite3.connect(root / "state.db", timeout=10) as db:
        return db.execute("SELECT key, status, attempts, detail FROM outbox WHERE channel = ?",
                          (channel,)).fetchall()


def stop(daemon):
    """SIGTERM; returns (exit status, seconds it took)."""
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    try:
        status = daemon.wait(timeout=15)
    except subprocess.TimeoutExpired:
        daemon.kill()
        status = daemon.wait()
    return status, time.monotonic() - started


def test_stall(silent_after, hook_port, timeout):
    """One run of the service against a server silent after `silent_after`, with the
    SMTP timeout `timeout` (longer than the test: SIGTERM comes while a transfer stalls)."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        smtp = ScriptedSmtp(silent_after=silent_after)
        write_body(root, smtp.port, hook_port, ["laura.greco@cciaa-prova.example.it"], timeout)
        notify = NotifyListener(root / "notify.sock")
        Receiver.arrivals.clear()
        started = time.monotonic()
        daemon = start(root, "2027-02-15T08:59:58", root / "notify.sock")
        due = started + 2  # the test clock reaches 09:00 two seconds after the start
        what = f"silent after {silent_after} (timeout {timeout} s):"
        try:
            check(wait_until(lambda: len(Receiver.arrivals) >= ACTS, 10), f"{what} all {ACTS} webhooks delivered")
            latest = max(Receiver.arrivals, default=due + 99)
            check(latest - due < 2.0, f"{what} the last webhook within 2 s of its instant ({latest - due:.2f} s)")
            # Let the stall last: every mail in flight waits for its timeout, and more.
            time.sleep(3 * SMTP_TIMEOUT + 1)
            pings = notify.pings()
            gaps = [b - a for a, b in zip(pings, pings[1:])]
            check(len(pings) >= 6 and max(gaps, default=99) <= WATCHDOG_USEC / 2e6,
                  f"{what} {len(pings)} watchdog pings, the longest gap {max(gaps, default=99):.2f} s "
                  f"(half the interval: {WATCHDOG_USEC / 2e6:.1f} s)")
            rows = outbox(root)
            log = (root / "daemon.log").read_text(errors="replace")
            sleeps = [int(s) for s in re.findall(r"event=sleep .* in=(-?\d+)s", log)]
            check(sleeps and min(sleeps) >= 0, f"{what} every retry is in the future (min in={min(sleeps)}s)")
            if timeout > 3 * SMTP_TIMEOUT:
                check(rows and all(r[1] == "pending" and r[2] == 0 for r in rows),
                      f"{what} the stalled e-mails are still in flight when SIGTERM comes")
            elif silent_after in ("greeting", "DATA"):
                tried = [r for r in rows if not r[3].startswith("not tried")]
                check(len(rows) == ACTS and all(r[1] == "pending" and r[2] >= 1 for r in rows),
                      f"{what} every e-mail pending with a retry ({[(r[1], r[2]) for r in rows]})")
                check(len(tried) <= 2, f"{what} one timeout per connection, the rest of the batch waits "
                                       f"for the retry ({len(tried)} messages tried of {len(rows)})")
                check("event=channel-unreachable channel=mail" in log, f"{what} the log says why they wait")
            elif silent_after == "dot":
                check(any(r[1] == "pending" and r[2] >= 1 for r in rows),
                      f"{what} the message without a reply is pending, to be retried with the same id")
            else:  # QUIT: every message was accepted; only the goodbye stalls
                check(wait_until(lambda: all(r[1] == "sent" for r in outbox(root)), 20),
                      f"{what} every e-mail sent (the server accepted each before QUIT)")
                check(smtp.connections <= 2, f"{what} at most 2 connections, each reused ({smtp.connections})")
            status, took = stop(daemon)
            check(status == 0 and took < 5, f"{what} SIGTERM: exit status {status} after {took:.2f} s (< 5 s)")
            if silent_after != "QUIT":
                check(all(r[1] == "pending" for r in outbox(root)) or silent_after == "dot",
                      f"{what} the stalled e-mails stay pending after the stop")
        finally:
            if daemon.poll() is None:
                daemon.kill()
            if harness.failures:
                print((root / "daemon.log").read_text(errors="replace")[-3000:])
            notify.close()
            smtp.close()


def test_one_recipient_refused(hook_port):
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        smtp = ScriptedSmtp(refuse={"andato.via@cciaa-prova.example.it"})
        write_body(root, smtp.port, hook_port,
                   ["andato.via@cciaa-prova.example.it", "laura.greco@cciaa-prova.example.it"])
        daemon = start(root, "2027-02-15T08:59:58")
        try:
            check(wait_until(lambda: len(smtp.messages) >= ACTS, 15),
                  f"550 to one of two recipients: all {ACTS} messages reach the other ({len(smtp.messages)})")
            check(all(rcpts == ["laura.greco@cciaa-prova.example.it"] for rcpts, _ in smtp.messages),
                  "each message went to the valid recipient only")
            check(wait_until(lambda: all(r[1] == "sent" for r in outbox(root)) and len(outbox(root)) == ACTS, 10),
                  "every outbox row is sent")
            log = (root / "daemon.log").read_text(errors="replace")
            check(log.count("event=recipient-refused") == ACTS and "address=andato.via@cciaa-prova.example.it" in log,
                  "the refused address is logged with the server's reply, once per message")
            check(all("andato.via@cciaa-prova.example.it" in r[3] for r in outbox(root)),
                  "the outbox detail names the refused address")

            second = subprocess.run([DAEMON, "--config", str(root / "scadenzario.toml"), "--state",
                                     str(root / "state.db")], capture_output=True, text=True, timeout=20)
            check(second.returncode != 0 and "scadenzariod" in second.stderr and "state.db" in second.stderr,
                  f"a second scadenzariod on the same state file is refused: {second.stderr.strip()[-200:]}")
            status, took = stop(daemon)
            check(status == 0, f"SIGTERM: exit status {status}")
        finally:
            if daemon.poll() is None:
                daemon.kill()
            if harness.failures:
                print((root / "daemon.log").read_text(errors="replace")[-3000:])
            smtp.close()


def main():
    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    hooks.daemon_threads = True
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    try:
        for phase, timeout in (("greeting", SMTP_TIMEOUT), ("DATA", SMTP_TIMEOUT), ("DATA", 60),
                               ("dot", SMTP_TIMEOUT), ("QUIT", SMTP_TIMEOUT)):
            test_stall(phase, hooks.server_address[1], timeout)
        test_one_recipient_refused(hooks.server_address[1])
    finally:
        hooks.shutdown()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
