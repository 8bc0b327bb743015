"""The sample message of sample_message.hpp, read by independent parsers: Python's email
package (policy.default, RFC 5322 and RFC 2047 aware) must decode the Italian subject and
display names, the date, the ids, both alternatives (quoted-printable UTF-8), and the
calendar attachment must parse with icalendar (Debian's python3-icalendar).

Shared by parse_message.py (Maildir) and smtp_peer_test.py (SMTP): both channels send the
same bytes.
"""
import datetime
import email
import email.policy
import email.utils
import html

import icalendar

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
        "<b>non è HTML</b> & co.\n"
        "-- \n"
        "Messaggio automatico di scadenzario.\n")
SUMMARY = "Piano della performance — Giunta camerale: APPROVA <è>"


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


def check_headers(message, message_id):
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
    check(message["Message-ID"] == "<%s@cciaa.example.it>" % message_id, "Message-ID %r" % message["Message-ID"])
    check(message["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
    check(message["MIME-Version"] == "1.0", "MIME-Version")


def check_alternatives(message):
    check(message.get_content_type() == "multipart/mixed", "multipart/mixed at the top")
    parts = list(message.iter_parts())
    check([p.get_content_type() for p in parts] == ["multipart/alternative", "text/calendar"],
          "mixed holds the alternatives and the calendar: %r" % [p.get_content_type() for p in parts])
    alternatives = list(parts[0].iter_parts())
    check([p.get_content_type() for p in alternatives] == ["text/plain", "text/html"], "plain, then HTML")
    for part in alternatives:
        check(part.get_content_charset() == "utf-8", "charset UTF-8")
        check(part["Content-Transfer-Encoding"] == "quoted-printable", "quoted-printable")
    plain = alternatives[0].get_content().replace("\r\n", "\n")
    check(plain == BODY, "plain body %r" % plain)
    markup = alternatives[1].get_content()
    check("<b>non" not in markup, "the text's markup is escaped in the HTML")
    check(html.escape(BODY, quote=False) in markup.replace("\r\n", "\n"), "the HTML holds the escaped text")
    check("<td" in markup and "Giunta camerale: APPROVA" in markup, "a table of steps")
    check(message.get_body(("plain",)) is alternatives[0], "get_body finds the plain text")
    return parts[1]


def check_calendar(part):
    check(part.get_content_disposition() == "attachment", "the calendar is an attachment")
    check(part.get_filename() == "scadenze.ics", "named scadenze.ics")
    check(part.get_param("method") == "PUBLISH", "method=PUBLISH")
    calendar = icalendar.Calendar.from_ical(part.get_content())
    check(str(calendar["METHOD"]) == "PUBLISH", "METHOD:PUBLISH")
    events = calendar.walk("VEVENT")
    check(len(events) == 1, "one event")
    event = events[0]
    check(event.decoded("DTSTART") == datetime.date(2027, 1, 29), "all-day on the due date")
    check(event.decoded("DTEND") == datetime.date(2027, 1, 30), "ends the next day")
    check(str(event["SUMMARY"]) == SUMMARY, "SUMMARY %r" % str(event["SUMMARY"]))
    check(str(event["UID"]) == "piano-performance/2027/approva@0badc0de.cciaa.example.it", "UID %r" % str(event["UID"]))
    check("D.Lgs. 150/2009, art. 10 c.1 lett. a" in str(event["DESCRIPTION"]), "legal basis in DESCRIPTION")


def check_message(raw, message_id="00c0ffee00c0ffee"):
    """Checks every property of the sample message `raw` (bytes)."""
    check_raw(raw)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    check_headers(message, message_id)
    check_calendar(check_alternatives(message))
    return message
