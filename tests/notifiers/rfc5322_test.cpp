// Internet messages: ASCII headers with RFC 2047 encoded-words for Italian text, folded
// lines within 76 columns, UTC dates, quoted-printable bodies, and header injection
// refused.
#include "notifiers/rfc5322.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <string>
#include <vector>

namespace scadenzario::notifiers {
namespace {

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

std::string base64_decode(std::string_view text) {
  std::string out(3 * text.size() / 4 + 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  REQUIRE(length >= 0);
  out.resize(static_cast<std::size_t>(length));
  const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(out.size() - padding);  // EVP_DecodeBlock counts the padding as bytes
  return out;
}

// The encoded-words of a header field, in order.
std::vector<std::string> encoded_words(const std::string& field) {
  std::vector<std::string> words;
  for (std::size_t start = field.find("=?"); start != std::string::npos; start = field.find("=?", start)) {
    const std::size_t end = field.find("?=", start + 10);
    REQUIRE(end != std::string::npos);
    words.push_back(field.substr(start, end + 2 - start));
    start = end + 2;
  }
  return words;
}

// The UTF-8 text an encoded field carries; each word must hold whole characters.
std::string decoded_text(const std::string& field) {
  std::string text;
  for (const std::string& word : encoded_words(field)) {
    CHECK(word.size() <= 75);
    REQUIRE(word.starts_with("=?UTF-8?B?"));
    const std::string bytes = base64_decode(std::string_view(word).substr(10, word.size() - 12));
    REQUIRE(!bytes.empty());
    CHECK((static_cast<unsigned char>(bytes.front()) & 0xC0u) != 0x80u);  // starts a character
    const auto last = static_cast<unsigned char>(bytes.back());
    CHECK((last < 0x80u || (last & 0xC0u) == 0x80u));  // ends one
    text += bytes;
  }
  return text;
}

Message message(std::string subject = "Promemoria") {
  return Message{.id = "0123456789abcdef",
                 .keys = {"piano/2027/approva//reminder/2/giunta"},
                 .to = {{"Anna Neri", "anna@example.it"}},
                 .cc = {{"Maria Rossi", "maria@example.it"}},
                 .subject = std::move(subject),
                 .body = "Riga uno\nattività\n"};
}

const Address k_from{"Scadenzario", "scadenzario@localhost"};
constexpr std::time_t k_now = 1801555200;  // 2027-02-02 08:00:00 UTC

}  // namespace

TEST_CASE("rfc5322_date: English names, two-digit day, UTC", "[rfc5322]") {
  CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(rfc5322_date(k_now) == "Tue, 02 Feb 2027 08:00:00 +0000");
  CHECK(rfc5322_date(1709251199) == "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST_CASE("unstructured_field: ASCII stays readable and folds between words", "[rfc5322]") {
  CHECK(unstructured_field("Subject", "Piano della performance") == "Subject: Piano della performance\r\n");
  const std::string field = unstructured_field(
      "Subject", "[Scadenzario] 12 scadenze, la prima: Relazione sulla performance: VALIDA entro il "
                 "30/06/2027 (oggi)");
  CHECK(field == "Subject: [Scadenzario] 12 scadenze, la prima: Relazione sulla performance:\r\n"
                 " VALIDA entro il 30/06/2027 (oggi)\r\n");
}

TEST_CASE("unstructured_field: from the first non-ASCII word on, RFC 2047 B encoded-words",
          "[rfc5322]") {
  CHECK(unstructured_field("Subject", "È in scadenza l'attività") ==
        "Subject: =?UTF-8?B?w4ggaW4gc2NhZGVuemEgbCdhdHRpdml0w6A=?=\r\n");
  const std::string field = unstructured_field("Subject", "[Scadenzario] SOLLECITO — Piano");
  CHECK(field.starts_with("Subject: [Scadenzario] SOLLECITO =?UTF-8?B?"));
  CHECK(decoded_text(field) == "— Piano");
}

TEST_CASE("unstructured_field: text that looks like an encoded-word is encoded", "[rfc5322]") {
  const std::string field = unstructured_field("Subject", "Nota =?UTF-8?B?x?=");
  CHECK(decoded_text(field) == "=?UTF-8?B?x?=");
}

TEST_CASE("unstructured_field: long Italian text splits between whole characters, lines within 76",
          "[rfc5322]") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "attività — È 𝄞 ";  // 2-, 3- and 4-byte characters
  text.pop_back();
  const std::string field = unstructured_field("Subject", text);
  CHECK(encoded_words(field).size() > 10);
  CHECK(decoded_text(field) == text);  // whitespace between encoded-words is not text
  for (const std::string& line : lines_of(field)) CHECK(line.size() <= 76);
}

TEST_CASE("address_field: display names plain, quoted when they hold specials, encoded when not "
          "ASCII", "[rfc5322]") {
  const std::string to = address_field(
      "To", {{"Niccolò Àlvarez", "n@example.it"}, {"Rossi, Mario \"Dott.\"", "m@example.it"}, {"", "b@example.it"}});
  CHECK(to == "To: =?UTF-8?B?TmljY29sw7Igw4BsdmFyZXo=?= <n@example.it>,\r\n"
              " \"Rossi, Mario \\\"Dott.\\\"\" <m@example.it>, b@example.it\r\n");
  CHECK(decoded_text(to) == "Niccolò Àlvarez");
}

TEST_CASE("header_error: header values that could inject headers are refused", "[rfc5322]") {
  using Case = std::pair<Message, std::string>;
  auto with = [](auto change) {
    Message m = message();
    change(m);
    return m;
  };
  const std::vector<Case> cases = {
      {with([](Message& m) { m.subject = "Promemoria\r\nBcc: x@example.it"; }),
       "Subject contains a line break (CR or LF)"},
      {with([](Message& m) { m.subject = "Promemoria\nX"; }), "Subject contains a line break (CR or LF)"},
      {with([](Message& m) { m.subject = "Promemoria\rX"; }), "Subject contains a line break (CR or LF)"},
      {with([](Message& m) { m.subject = std::string("Pro\0memoria", 11); }),
       "Subject contains a control character"},
      {with([](Message& m) { m.to[0].name = "Anna\nBcc: x@example.it"; }),
       "To contains a line break (CR or LF)"},
      {with([](Message& m) { m.cc[0].email = "maria@example.it\r\n"; }),
       "Cc contains a line break (CR or LF)"},
      {with([](Message& m) { m.to[0].email = "anna"; }), "To: \"anna\" is not an e-mail address"},
      {with([](Message& m) { m.to[0].email = "anna <a@example.it>"; }),
       "To: \"anna <a@example.it>\" is not an e-mail address"},
      {with([](Message& m) { m.to[0].email = "niccolò@example.it"; }),
       "To: \"niccolò@example.it\" is not an e-mail address"},
      {with([](Message& m) { m.to.clear(); }), "To: no recipient"},
      {with([](Message& m) { m.id = "../x"; }),
       "Message-ID: \"../x\" is not letters, digits, '-', '_', '.'"},
      {with([](Message& m) { m.id.clear(); }), "Message-ID: \"\" is not letters, digits, '-', '_', '.'"},
  };
  for (const auto& [m, error] : cases) {
    const auto found = header_error(m, k_from);
    REQUIRE(found);
    CHECK(*found == error);
  }
  const auto bad_from = header_error(message(), Address{"Scadenzario\r\nBcc: x", "s@localhost"});
  REQUIRE(bad_from);
  CHECK(*bad_from == "From contains a line break (CR or LF)");
  CHECK_FALSE(header_error(message(), k_from));
}

TEST_CASE("quoted_printable: RFC 2045 rules", "[rfc5322]") {
  CHECK(quoted_printable("") == "");
  CHECK(quoted_printable("attività È\n") == "attivit=C3=A0 =C3=88\r\n");
  CHECK(quoted_printable("a = b") == "a =3D b\r\n");       // '=' is always encoded
  CHECK(quoted_printable("fine \nfine\t\n") == "fine=20\r\nfine=09\r\n");  // trailing white space
  CHECK(quoted_printable("uno\r\ndue\n\ntre") == "uno\r\ndue\r\n\r\ntre\r\n");
  CHECK(quoted_printable(std::string(100, 'a')) == std::string(75, 'a') + "=\r\n" + std::string(25, 'a') + "\r\n");
  // An escape never straddles a soft break.
  CHECK(quoted_printable(std::string(74, 'a') + "à") == std::string(74, 'a') + "=\r\n=C3=A0\r\n");
}

}  // namespace scadenzario::notifiers
