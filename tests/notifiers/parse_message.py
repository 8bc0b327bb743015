"""The Maildir channel's message, read by an independent parser: Python's email package
(policy.default, RFC 5322 and RFC 2047 aware) must decode the Italian subject and display
names, the date, the ids and the quoted-printable UTF-8 body exactly.

Usage: /usr/bin/python3 parse_message.py PATH/TO/maildir_message_writer
"""
import datetime
import email
import email.policy
import email.utils
import os
import subprocess
import sys
import tempfile

SUBJECT = ("[Scadenzario] SOLLECITO — È in ritardo l'attività: Piano della performance, "
           "APPROVA in ritardo di 3 giorni (inviato in ritardo)")
BODY = ("Camera di commercio di Prova\n"
        "Ciclo di gestione della performance\n"
        "\n"
        "SOLLECITO: il passo è in ritardo di 3 giorni e non risulta compiuto.\n"
        "Finalità:       Documento programmatico triennale; una riga volutamente più lunga di "
        "settantasei colonne, con attività, È e = da codificare.\n"
        "Riga con spazio finale \n"
        "From inizio riga\n"
        ".\n"
        "-- \n"
        "Messaggio automatico di scadenzario.\n")


def check(condition, what):
    if not condition:
        raise SystemExit("FAIL: " + what)


def check_raw(raw):
    check(raw.isascii(), "the message is 7-bit ASCII")
    check(b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF")
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in raw.split(b"\r\n"):
        check(len(line) <= 76, "line within 76 characters: %r" % line)
    for line in head.split(b"\r\n"):
        for word in line.split(b" "):
            if word.startswith(b"=?"):
                check(len(word) <= 75, "encoded-word within 75 characters: %r" % word)


def check_addresses(header, expected):
    got = [(a.display_name, a.addr_spec) for a in header.addresses]
    check(got == expected, "addresses %r == %r" % (got, expected))


def check_parsed(message):
    check(not message.defects, "no defects: %r" % message.defects)
    for name, value in message.items():
        check(not getattr(value, "defects", ()), "no defects in %s: %r" % (name, value.defects))
    check(message["Subject"] == SUBJECT, "Subject %r" % message["Subject"])
    check_addresses(message["From"], [("Scadenzario — Camera di commercio", "scadenzario@cciaa.example.it")])
    check_addresses(message["To"], [("Niccolò Àlvarez", "niccolo.alvarez@cciaa.example.it"),
                                     ("Segreteria della Giunta", "giunta@cciaa.example.it")])
    check_addresses(message["Cc"], [("È Rossi, Segretario Generale", "segretario@cciaa.example.it")])
    date = email.utils.parsedate_to_datetime(message["Date"])
    check(date == datetime.datetime(2027, 2, 2, 8, 0, tzinfo=datetime.timezone.utc), "Date %r" % message["Date"])
    check(message["Message-ID"] == "<00c0ffee00c0ffee@scadenzario>", "Message-ID %r" % message["Message-ID"])
    check(message["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
    check(message["MIME-Version"] == "1.0", "MIME-Version")
    check(message.get_content_type() == "text/plain", "text/plain")
    check(message.get_content_charset() == "utf-8", "charset UTF-8")
    body = message.get_content().replace("\r\n", "\n")
    check(body == BODY, "body %r" % body)


def main():
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        maildir = os.path.join(root, "Maildir")
        path = subprocess.run([writer, maildir], check=True, capture_output=True, text=True).stdout.strip()
        check(os.listdir(os.path.join(maildir, "new")) == [os.path.basename(path)], "one file in new/")
        check(os.listdir(os.path.join(maildir, "tmp")) == [], "tmp/ empty")
        with open(path, "rb") as file:
            raw = file.read()
        check_raw(raw)
        check_parsed(email.message_from_bytes(raw, policy=email.policy.default))
    print("ok: the Maildir message parses as expected")


if __name__ == "__main__":
    main()
