// The whole e-mail: headers, the multipart structure (text and HTML alternatives, the
// calendar attachment), deterministic boundaries, escaping in HTML and iCalendar, and
// lines within the limits. Python's email package reads the same messages in
// parse_message.py and smtp_peer_test.py; these tests pin the bytes.
#include "notifiers/base64.hpp"
#include "notifiers/message_calendar.hpp"
#include "notifiers/message_html.hpp"
#include "notifiers/mime_message.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace scadenzario::notifiers {
namespace {

const Address k_from{"Scadenzario", "scadenzario@localhost"};
constexpr std::time_t k_now = 1801555200;  // 2027-02-02 08:00:00 UTC

MessageItem item(std::string step, Date due, int days_left, std::string member = "") {
  std::string uid = step_uid(BodyIdentity{"0badc0de", "cciaa.example.it"}, "piano/2027", step);
  return MessageItem{.key = "piano/2027/" + step + "/" + member + "/reminder/2/giunta",
                     .occurrence = "piano/2027",
                     .act = "piano",
                     .act_title = "Piano della performance",
                     .phase = 1,
                     .period = "2027",
                     .step = std::move(step),
                     .actor = "giunta",
                     .actor_title = "Giunta camerale",
                     .action = "APPROVA",
                     .member = std::move(member),
                     .recipient = "giunta",
                     .due = due,
                     .days_left = days_left,
                     .legal_basis = "D.Lgs. 150/2009, art. 10",
                     .summary = "Piano della performance — Giunta camerale: APPROVA",
                     .uid = std::move(uid)};
}

Message message() {
  return Message{.id = "0123456789abcdef",
                 .keys = {"piano/2027/approva//reminder/2/giunta"},
                 .to = {{"Anna Neri", "anna@example.it"}},
                 .cc = {{"Maria Rossi", "maria@example.it"}},
                 .subject = "Promemoria",
                 .body = "Riga uno\nattività\n",
                 .organization = "Camera di commercio di Prova",
                 .items = {item("approva", make_date(2027, 1, 29), 2)}};
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find("\r\n");
    REQUIRE(end != std::string_view::npos);  // every line ends in CRLF
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end + 2);
  }
  return lines;
}

// The decoded calendar attachment of a rendered message.
std::string attachment_of(const std::string& rendered) {
  const std::string marker = "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::size_t start = rendered.find(marker);
  REQUIRE(start != std::string::npos);
  const std::size_t end = rendered.find("\r\n\r\n--", start + marker.size());
  std::string encoded;
  for (const std::string& line : lines_of(rendered.substr(start + marker.size(), end + 2 - start - marker.size()))) {
    encoded += line;
  }
  const auto decoded = base64_decode(encoded);
  REQUIRE(decoded);
  return *decoded;
}

}  // namespace

TEST_CASE("render_mime_message: headers, then mixed holding the alternatives and the calendar",
          "[mime]") {
  const auto rendered = render_mime_message(message(), k_from, k_now);
  REQUIRE(rendered);
  const std::string head =
      "From: Scadenzario <scadenzario@localhost>\r\n"
      "To: Anna Neri <anna@example.it>\r\n"
      "Cc: Maria Rossi <maria@example.it>\r\n"
      "Subject: Promemoria\r\n"
      "Date: Tue, 02 Feb 2027 08:00:00 +0000\r\n"
      "Message-ID: <0123456789abcdef@localhost>\r\n"
      "Auto-Submitted: auto-generated\r\n"
      "X-Auto-Response-Suppress: All\r\n"
      "Content-Language: it\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed;\r\n boundary=\"=_scadenzario-mixed-0123456789abcdef\"\r\n"
      "\r\n"
      "--=_scadenzario-mixed-0123456789abcdef\r\n"
      "Content-Type: multipart/alternative;\r\n boundary=\"=_scadenzario-alt-0123456789abcdef\"\r\n"
      "\r\n"
      "--=_scadenzario-alt-0123456789abcdef\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Riga uno\r\n"
      "attivit=C3=A0\r\n"
      "\r\n"
      "--=_scadenzario-alt-0123456789abcdef\r\n"
      "Content-Type: text/html; charset=UTF-8\r\n";
  CHECK(rendered->substr(0, head.size()) == head);
  CHECK(rendered->find("\r\n--=_scadenzario-alt-0123456789abcdef--\r\n") != std::string::npos);
  CHECK(rendered->find("--=_scadenzario-mixed-0123456789abcdef\r\n"
                       "Content-Type: text/calendar; charset=UTF-8; method=PUBLISH;\r\n name=\"scadenze.ics\"\r\n"
                       "Content-Disposition: attachment; filename=\"scadenze.ics\"\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n") != std::string::npos);
  CHECK(rendered->ends_with("\r\n--=_scadenzario-mixed-0123456789abcdef--\r\n"));
}

TEST_CASE("render_mime_message: the same inputs give the same bytes (a retry is the same message)",
          "[mime]") {
  CHECK(render_mime_message(message(), k_from, k_now) == render_mime_message(message(), k_from, k_now));
}

TEST_CASE("render_mime_message: a message without items is the alternatives alone", "[mime]") {
  Message plain = message();
  plain.items.clear();
  plain.cc.clear();
  const auto rendered = render_mime_message(plain, k_from, k_now);
  REQUIRE(rendered);
  CHECK(rendered->find("Cc:") == std::string::npos);
  CHECK(rendered->find("Content-Type: multipart/alternative;\r\n boundary=\"=_scadenzario-alt-0123456789abcdef\"\r\n\r\n"
                       "--=_scadenzario-alt-0123456789abcdef\r\n") != std::string::npos);
  CHECK(rendered->find("multipart/mixed") == std::string::npos);
  CHECK(rendered->find("text/calendar") == std::string::npos);
}

TEST_CASE("render_mime_message: an unsafe header is refused with its reason", "[mime]") {
  Message m = message();
  m.to[0].name = "Anna\r\nBcc: x@example.it";
  const auto rendered = render_mime_message(m, k_from, k_now);
  REQUIRE_FALSE(rendered);
  CHECK(rendered.error() == "To contains a line break (CR or LF)");
}

TEST_CASE("render_mime_message: every line of a long Italian message within 76 columns, 7-bit",
          "[mime]") {
  Message m = message();
  m.subject = "[Scadenzario] 12 scadenze, la prima: SOLLECITO — Relazione sulla performance: "
              "VALIDA in ritardo di 15 giorni (inviato in ritardo)";
  m.body = std::string(300, 'x') + "\n" + "Finalità: " + std::string(200, 'y') + " \n";
  m.to.push_back({"Segreteria della Giunta camerale della Camera di commercio", "giunta@example.it"});
  m.items[0].summary = std::string(200, 'z') + " attività";
  const auto rendered = render_mime_message(m, k_from, k_now);
  REQUIRE(rendered);
  for (const std::string& line : lines_of(*rendered)) CHECK(line.size() <= 76);
  for (const char c : *rendered) CHECK(static_cast<unsigned char>(c) < 0x80u);
}

TEST_CASE("message calendar: METHOD:PUBLISH, one all-day event per step on its due date", "[mime]") {
  Message m = message();
  m.items.push_back(item("approva", make_date(2027, 1, 29), 2));  // the same step again
  m.items.push_back(item("analizza", make_date(2027, 12, 31), 5, "anna"));
  const auto rendered = render_mime_message(m, k_from, k_now);
  REQUIRE(rendered);
  const std::string calendar = attachment_of(*rendered);
  CHECK(calendar == render_message_calendar(m, k_now));
  CHECK(calendar ==
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//scadenzario//scadenzario//IT\r\n"
        "VERSION:2.0\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Camera di commercio di Prova\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:piano/2027/approva@0badc0de.cciaa.example.it\r\n"
        "DTSTAMP:20270202T080000Z\r\n"
        "DTSTART;VALUE=DATE:20270129\r\n"
        "DTEND;VALUE=DATE:20270130\r\n"
        "SUMMARY:Piano della performance — Giunta camerale: APPROVA\r\n"
        "DESCRIPTION:Passo: Giunta camerale — APPROVA\\nScadenza: 29/01/2027\\nRifer\r\n"
        " imenti normativi: D.Lgs. 150/2009\\, art. 10\\nChiave: piano/2027/approva//r\r\n"
        " eminder/2/giunta\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:piano/2027/analizza@0badc0de.cciaa.example.it\r\n"
        "DTSTAMP:20270202T080000Z\r\n"
        "DTSTART;VALUE=DATE:20271231\r\n"
        "DTEND;VALUE=DATE:20280101\r\n"
        "SUMMARY:Piano della performance — Giunta camerale: APPROVA\r\n"
        "DESCRIPTION:Passo: Giunta camerale — APPROVA\\nScadenza: 31/12/2027\\nRifer\r\n"
        " imenti normativi: D.Lgs. 150/2009\\, art. 10\\nChiave: piano/2027/analizza/a\r\n"
        " nna/reminder/2/giunta\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n");
}

TEST_CASE("message calendar: text values escaped, nothing for a message without items", "[mime]") {
  Message m = message();
  m.items[0].summary = "A; B, C\\D";
  CHECK(render_message_calendar(m, k_now).find("SUMMARY:A\\; B\\, C\\\\D\r\n") != std::string::npos);
  m.items.clear();
  CHECK(render_message_calendar(m, k_now).empty());
}

TEST_CASE("message HTML: every text escaped, a row per step, the plain text kept", "[mime]") {
  Message m = message();
  m.subject = "<script>alert('x')</script> & \"co\"";
  m.items[0].act_title = "Piano <b>";
  m.items[0].days_left = -3;
  m.body = "a < b && c > d\n";
  const std::string html = render_message_html(m);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</title>") !=
        std::string::npos);
  CHECK(html.find(">Piano &lt;b&gt;</td>") != std::string::npos);
  CHECK(html.find(">29/01/2027</td>") != std::string::npos);
  CHECK(html.find(">in ritardo di 3</td>") != std::string::npos);
  CHECK(html.find("<pre style=\"white-space:pre-wrap\">a &lt; b &amp;&amp; c &gt; d\n</pre>") !=
        std::string::npos);
  CHECK(escape_html("àè & <>") == "àè &amp; &lt;&gt;");
}

TEST_CASE("base64: encode, MIME lines of 76, decode and refuse what is not base64", "[mime]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  std::string line;
  for (int i = 0; i < 19; ++i) line += "YWFh";  // 57 bytes make one line of 76
  CHECK(base64_lines(std::string(58, 'a')) == line + "\r\nYQ==\r\n");
  CHECK(base64_decode("Zm9vYmFy") == "foobar");
  CHECK(base64_decode("Zg==") == "f");
  CHECK(base64_decode("") == "");
  CHECK_FALSE(base64_decode("Zg="));
  CHECK_FALSE(base64_decode("Z!=="));
}

}  // namespace scadenzario::notifiers
