"""The SMTP channel against a real server: Debian's aiosmtpd on 127.0.0.1, with STARTTLS
on a certificate made for this run and AUTH required over TLS. Every message received is
read with independent parsers (message_checks.py). Then each failure the world can cause,
and its class: a 550 to the only RCPT TO is permanent and a 451 transient (the message's
own); a 550 to one of two recipients delivers to the other and reports the refused one;
a refused connection, a silent server (timeout) and a certificate that does not verify
are transient connection failures; a refused password and a server without the STARTTLS
required are configuration errors.

Usage: /usr/bin/python3 smtp_peer_test.py PATH/TO/channel_driver
"""
import logging
import os
import ssl
import sys
import tempfile
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from message_checks import check, check_message
from driver import run_driver
from tls_fixture import SilentServer, free_port, make_certificate

USER = "scadenzario"
PASSWORD = "s3greta: con spazi e ;"
failures = []


class Handler:
    def __init__(self):
        self.received = []  # (peer, mail_from, rcpt_tos, raw)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("ignoto@"):
            return "550 5.1.1 <%s>: utente sconosciuto" % address
        if address.startswith("occupato@"):
            return "451 4.3.0 casella occupata, riprovare"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((session.peer, envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content))
        return "250 2.0.0 Ok: queued as %d" % len(self.received)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def expect(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def drive(driver, *args):
    """Runs the driver; returns its lines as (outcome, retry_after, detail, scope, refused)."""
    return run_driver(driver, "smtp", *args)


def start(handler, port, **kwargs):
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def test_starttls_auth_batch(driver, directory, cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = start(handler, port, tls_context=context, require_starttls=True, auth_required=True,
                       auth_require_tls=True, authenticator=authenticator)
    password_file = os.path.join(directory, "password")
    with open(password_file, "w") as file:
        file.write(PASSWORD + "\n")
    os.chmod(password_file, 0o600)
    common = ["smtp://127.0.0.1:%d" % port, "starttls", "--ca", cert, "--user", USER,
              "--password-file", password_file]
    try:
        results = drive(driver, *common, "--count", "3", "--id-prefix", "abcd")
        expect([r[0] for r in results] == ["delivered"] * 3, "STARTTLS + AUTH: three messages delivered: %r" % results)
        expect(all("250 2.0.0 Ok: queued" in r[2] for r in results), "the server's reply is the detail")
        expect(len(handler.received) == 3, "the server received three messages")
        expect(len({peer for peer, *_ in handler.received}) == 1, "one connection for the batch (reused)")
        for i, (peer, mail_from, rcpt_tos, raw) in enumerate(handler.received):
            expect(mail_from == "bounces@cciaa.example.it", "MAIL FROM is the envelope sender")
            expect(sorted(rcpt_tos) == ["giunta@cciaa.example.it", "niccolo.alvarez@cciaa.example.it",
                                        "segretario@cciaa.example.it"], "RCPT TO every To and Cc")
            check_message(raw, "abcd%08d" % i)
        expect(True, "each received message parses: headers, RFC 2047, both alternatives, the calendar")

        refused = drive(driver, *common, "--to", "ignoto@cciaa.example.it")
        expect(refused[0][0] == "permanent" and refused[0][3] == "message",
               "a 550 to the only RCPT TO: the message's own permanent failure: %r" % refused)
        expect("550 5.1.1 <ignoto@cciaa.example.it>: utente sconosciuto" in refused[0][2],
               "the detail holds the server's 550 reply")
        busy = drive(driver, *common, "--to", "occupato@cciaa.example.it")
        expect(busy[0][0] == "transient" and busy[0][3] == "message" and "451 4.3.0" in busy[0][2],
               "a 451 is transient: %r" % busy)

        before = len(handler.received)
        partial = drive(driver, *common, "--to", "ignoto@cciaa.example.it,giunta@cciaa.example.it")
        expect(partial[0][0] == "delivered" and partial[0][4] == ["ignoto@cciaa.example.it"],
               "a 550 to one of two recipients: delivered to the other, the refused one reported: %r" % partial)
        expect("for 1 of 2 recipients" in partial[0][2], "the detail counts the accepted recipients")
        expect(len(handler.received) == before + 1 and handler.received[-1][2] == ["giunta@cciaa.example.it"],
               "the server received the message for the valid recipient")

        with open(password_file, "w") as file:
            file.write("sbagliata\n")
        denied = drive(driver, *common)
        expect(denied[0][0] == "permanent" and denied[0][3] == "configuration",
               "a refused password: a configuration error, not retried blindly: %r" % denied)
        expect("sbagliata" not in denied[0][2] and PASSWORD not in denied[0][2], "no password in the detail")

        unverified = drive(driver, "smtp://127.0.0.1:%d" % port, "starttls")
        expect(unverified[0][0] == "transient" and "certificate" in unverified[0][2].lower(),
               "the certificate is verified: without the test CA the delivery fails: %r" % unverified)
    finally:
        controller.stop()


def test_implicit_tls(driver, cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = start(handler, port, ssl_context=context, server_hostname="127.0.0.1")
    try:
        results = drive(driver, "smtps://127.0.0.1:%d" % port, "tls", "--ca", cert)
        expect(results[0][0] == "delivered" and len(handler.received) == 1, "smtps:// delivers: %r" % results)
    finally:
        controller.stop()


def test_no_starttls(driver, cert):
    handler = Handler()
    port = free_port()
    controller = start(handler, port)
    try:
        required = drive(driver, "smtp://127.0.0.1:%d" % port, "starttls", "--ca", cert)
        expect(required[0][0] == "permanent" and required[0][3] == "configuration" and not handler.received,
               "STARTTLS required, not offered: nothing sent, a configuration error: %r" % required)
        optional = drive(driver, "smtp://127.0.0.1:%d" % port, "starttls-optional", "--ca", cert)
        expect(optional[0][0] == "delivered" and len(handler.received) == 1,
               "starttls-optional sends in the clear to such a server: %r" % optional)
    finally:
        controller.stop()


def test_refused_and_silent(driver):
    refused = drive(driver, "smtp://127.0.0.1:%d" % free_port(), "none")
    expect(refused[0][0] == "transient" and refused[0][3] == "connection",
           "a refused connection: a transient connection failure: %r" % refused)
    silent = SilentServer()
    try:
        started = time.monotonic()
        timed_out = drive(driver, "smtp://127.0.0.1:%d" % silent.port, "none", "--timeout-ms", "1500")
        elapsed = time.monotonic() - started
        expect(timed_out[0][0] == "transient" and timed_out[0][3] == "connection"
               and "timeout" in timed_out[0][2].replace("timed out", "timeout"),
               "a server that never answers: timeout, a transient connection failure: %r" % timed_out)
        expect(elapsed < 10, "the timeout holds (%.1f s)" % elapsed)
    finally:
        silent.close()


def main():
    driver = sys.argv[1]
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # the refused handshakes are the point
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # aiosmtpd's own login_data
    with tempfile.TemporaryDirectory() as directory:
        cert, key = make_certificate(directory)
        test_starttls_auth_batch(driver, directory, cert, key)
        test_implicit_tls(driver, cert, key)
        test_no_starttls(driver, cert)
        test_refused_and_silent(driver)
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
