"""The webhook channel against a real HTTP receiver on 127.0.0.1 (http.server), which
checks every signature with its own implementation of Standard Webhooks (hmac, hashlib,
base64) and answers what the path asks for: 200, 500, 429 with Retry-After in seconds or
as an HTTP date, 400, a redirect, or nothing at all (a hang). The channel must sign, send
the notification data, reuse one connection per batch, and classify every answer.

Usage: /usr/bin/python3 webhook_peer_test.py PATH/TO/channel_driver
"""
import base64
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import ssl
import sys
import tempfile
import threading
import time

from driver import run_driver
from tls_fixture import free_port, make_certificate

SECRET = "whsec_" + base64.b64encode(b"chiave di prova per i webhook").decode()
failures = []


def expect(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def expected_signature(webhook_id, timestamp, body):
    key = base64.b64decode(SECRET[len("whsec_"):])
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the channel may reuse the connection
    requests = []  # (path, client port, headers, body, signature valid or None)
    retry_date = ""

    def log_message(self, *args):
        pass

    def answer(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        signature = self.headers.get("webhook-signature")
        valid = None if signature is None else hmac.compare_digest(
            signature, expected_signature(self.headers["webhook-id"], self.headers["webhook-timestamp"], body))
        Receiver.requests.append((self.path, self.client_address[1], dict(self.headers), body, valid))
        if self.path == "/hang":
            time.sleep(4)
            return
        answers = {
            "/ok": (200, [], b'{"ricevuto": true}'),
            "/fail500": (500, [], b"errore interno\nsu due righe"),
            "/busy-seconds": (429, [("Retry-After", "120")], b""),
            "/busy-date": (429, [("Retry-After", Receiver.retry_date)], b""),
            "/bad": (400, [], b'{"errore": "payload non valido"}'),
            "/moved": (301, [("Location", "https://altrove.example.it/")], b""),
        }
        self.answer(*answers.get(self.path, (404, [], b"")))


def serve(context=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    server.daemon_threads = True
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def drive(driver, url, preset, *args):
    return run_driver(driver, "webhook", url, preset, *args)


def test_signed_batch(driver, base, secret_file, now):
    Receiver.requests.clear()
    results = drive(driver, base + "/ok", "standard", "--secret-file", secret_file, "--count", "3",
                    "--id-prefix", "beef", "--now", str(now))
    expect([r[0] for r in results] == ["delivered"] * 3, "three signed POSTs delivered: %r" % results)
    expect(results[0][2].endswith(': HTTP 200: {"ricevuto": true}'), "detail: status and reply: %r" % results[0][2])
    expect(len(Receiver.requests) == 3, "the receiver got three requests")
    expect(len({port for _, port, *_ in Receiver.requests}) == 1, "one connection for the batch (keep-alive)")
    for i, (path, port, headers, body, valid) in enumerate(Receiver.requests):
        expect(valid is True, "signature %d verifies with an independent HMAC" % i)
        expect(headers["webhook-id"] == "beef%08d" % i, "webhook-id is the message id")
        expect(headers["webhook-timestamp"] == str(now), "webhook-timestamp in unix seconds")
        expect(headers["Content-Type"] == "application/json", "JSON body")
        expect(headers["X-Ente"] == "Camera di commercio di Prova", "the extra header is sent")
        data = json.loads(body)["data"]
        expect(data["id"] == headers["webhook-id"], "the body carries the id")
        item = data["notifications"][0]
        expect((item["act"], item["phase"], item["step"], item["actor"], item["action"], item["due_date"],
                item["days_left"], item["kind"], item["key"]) ==
               ("piano-performance", 1, "approva", "giunta", "APPROVA", "2027-01-29", -3, "escalation",
                "piano-performance/2027/approva//escalation/1/giunta"), "the notification's data: %r" % item)


def test_presets(driver, base):
    Receiver.requests.clear()
    teams = drive(driver, base + "/ok", "teams")
    slack = drive(driver, base + "/ok", "slack")
    expect(teams[0][0] == slack[0][0] == "delivered", "teams and slack presets delivered")
    teams_body, slack_body = (json.loads(request[3]) for request in Receiver.requests)
    expect(teams_body["attachments"][0]["content"]["type"] == "AdaptiveCard", "teams: an Adaptive Card")
    expect("&lt;è&gt;" in slack_body["text"], "slack: mrkdwn text, <, > escaped")
    expect(all(request[4] is None for request in Receiver.requests), "no secret, no signature")


def test_answers(driver, base, secret_file, now):
    signed = ["--secret-file", secret_file, "--now", str(now)]
    failed = drive(driver, base + "/fail500", "standard", *signed)
    expect(failed[0][:2] == ("transient", "-") and "HTTP 500: errore interno su due righe" in failed[0][2],
           "500 is transient, the reply on one line: %r" % failed)
    busy = drive(driver, base + "/busy-seconds", "standard", *signed)
    expect(busy[0][:2] == ("transient", "120"), "429 is transient with Retry-After: 120: %r" % busy)
    Receiver.retry_date = email.utils.formatdate(now + 300, usegmt=True)
    busy_date = drive(driver, base + "/busy-date", "standard", *signed)
    expect(busy_date[0][0] == "transient" and busy_date[0][1] == "300",
           "429 with an HTTP date: the delay from now: %r" % busy_date)
    bad = drive(driver, base + "/bad", "standard", *signed)
    expect(bad[0][:2] == ("permanent", "-") and "HTTP 400" in bad[0][2], "400 is permanent: %r" % bad)
    moved = drive(driver, base + "/moved", "standard", *signed)
    expect(moved[0][0] == "permanent", "a redirect is not followed: permanent: %r" % moved)
    started = time.monotonic()
    hang = drive(driver, base + "/hang", "standard", *signed, "--timeout-ms", "1000")
    elapsed = time.monotonic() - started
    expect(hang[0][0] == "transient" and "timed out" in hang[0][2], "a receiver that hangs: timeout: %r" % hang)
    expect(elapsed < 3.5, "the timeout holds (%.1f s)" % elapsed)
    refused = drive(driver, "http://127.0.0.1:%d/ok" % free_port(), "standard", *signed)
    expect(refused[0][0] == "transient", "a refused connection is transient: %r" % refused)


def test_https(driver, directory, secret_file, now):
    cert, key = make_certificate(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = serve(context)
    url = "https://127.0.0.1:%d/ok" % server.server_address[1]
    try:
        verified = drive(driver, url, "standard", "--secret-file", secret_file, "--ca", cert, "--now", str(now))
        expect(verified[0][0] == "delivered", "https with the test CA: delivered: %r" % verified)
        unverified = drive(driver, url, "standard", "--secret-file", secret_file, "--now", str(now))
        expect(unverified[0][0] == "transient" and "certificate" in unverified[0][2].lower(),
               "https without the CA: the certificate does not verify: %r" % unverified)
    finally:
        server.shutdown()


def main():
    driver = sys.argv[1]
    now = int(time.time())
    with tempfile.TemporaryDirectory() as directory:
        secret_file = os.path.join(directory, "secret")
        with open(secret_file, "w") as file:
            file.write(SECRET + "\n")
        os.chmod(secret_file, 0o600)
        server = serve()
        base = "http://127.0.0.1:%d" % server.server_address[1]
        try:
            test_signed_batch(driver, base, secret_file, now)
            test_presets(driver, base)
            test_answers(driver, base, secret_file, now)
        finally:
            server.shutdown()
        test_https(driver, directory, secret_file, now)
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
