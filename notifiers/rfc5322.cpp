#include "notifiers/rfc5322.hpp"

#include "notifiers/base64.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <optional>
#include <vector>

namespace scadenzario::notifiers {

namespace {

constexpr std::size_t k_line_limit = 76;    // RFC 2047 §2: lines holding encoded-words
constexpr std::size_t k_word_limit = 75;    // RFC 2047 §2: one encoded-word
constexpr std::size_t k_word_overhead = 12;  // "=?UTF-8?B?" and "?="
constexpr std::size_t k_qp_limit = 76;      // RFC 2045 §6.7 (5)

bool is_ascii(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x80u; });
}

// Length of the UTF-8 character starting with `lead` (1 for a stray byte).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0u) return 4;
  if (lead >= 0xE0u) return 3;
  if (lead >= 0xC0u) return 2;
  return 1;
}

// True for a word written as it is: ASCII, not like an encoded-word, short enough for a
// line of its own (RFC 5322 allows 998), and not empty: an empty word is a leading,
// doubled or trailing space, which a fold would turn into a line of white space.
bool is_plain_word(std::string_view word) {
  return !word.empty() && is_ascii(word) && word.find("=?") == std::string_view::npos &&
         word.size() < k_line_limit;
}

std::size_t encoded_size(std::size_t bytes) { return k_word_overhead + 4 * ((bytes + 2) / 3); }

// Returns how many leading bytes of `text`, in whole UTF-8 characters, fit one
// encoded-word of at most `room` characters.
std::size_t fitting_prefix(std::string_view text, std::size_t room) {
  std::size_t taken = 0;
  while (taken < text.size()) {
    const std::size_t next =
        std::min(text.size(), taken + utf8_length(static_cast<unsigned char>(text[taken])));
    if (encoded_size(next) > room) break;
    taken = next;
  }
  return taken;
}

// One header field being written: tokens separated by spaces, folded (CRLF before the
// space) so that lines stay within k_line_limit where tokens allow.
class HeaderField {
public:
  explicit HeaderField(std::string_view name)
      : m_text(std::string(name) + ":"), m_column(m_text.size()) {}

  // Appends " token", on a new line if it would pass the limit.
  void token(std::string_view text) {
    if (m_has_token && m_column + 1 + text.size() > k_line_limit) fold();
    m_text += ' ';
    m_text += text;
    m_column += 1 + text.size();
    m_has_token = true;
  }

  // Appends UTF-8 `text` as encoded-words, each filling what is left of its line.
  void encoded(std::string_view text) {
    while (!text.empty()) {
      std::size_t taken = fitting_prefix(text, room());
      if (taken == 0) {
        fold();
        taken = fitting_prefix(text, room());
      }
      token("=?UTF-8?B?" + base64_encode(text.substr(0, taken)) + "?=");
      text.remove_prefix(taken);
    }
  }

  // Appends `text`: ASCII words as they are, from the first word that cannot be (see
  // is_plain_word) on as encoded-words.
  void text(std::string_view value) {
    while (!value.empty()) {
      const std::size_t end = std::min(value.find(' '), value.size());
      if (!is_plain_word(value.substr(0, end)) || end + 1 == value.size()) {
        encoded(value);  // also a trailing space, which folding would drop
        return;
      }
      token(value.substr(0, end));
      value.remove_prefix(std::min(end + 1, value.size()));
    }
  }

  void comma() {
    m_text += ',';
    ++m_column;
  }

  std::string finish() && { return std::move(m_text) + "\r\n"; }

private:
  std::size_t room() const {
    const std::size_t used = m_column + 1;
    return std::min(k_word_limit, used < k_line_limit ? k_line_limit - used : 0);
  }

  void fold() {
    m_text += "\r\n";
    m_column = 0;
  }

  std::string m_text;
  std::size_t m_column;
  bool m_has_token = false;
};

// RFC 5322 §3.2.3 atext, plus the space between the atoms of a phrase.
bool is_phrase_char(char c) {
  static constexpr std::string_view k_specials = "!#$%&'*+-/=?^_`{|}~ ";
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x80u && std::isalnum(byte)) || k_specials.find(c) != std::string_view::npos;
}

std::string quoted_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

void append_address(HeaderField& field, const Address& address) {
  if (address.name.empty()) {
    field.token(address.email);
    return;
  }
  if (!is_ascii(address.name)) {
    field.encoded(address.name);
  } else if (std::ranges::all_of(address.name, is_phrase_char)) {
    field.text(address.name);
  } else if (const std::string quoted = quoted_string(address.name); quoted.size() < k_line_limit) {
    field.token(quoted);
  } else {
    field.encoded(address.name);  // a quoted-string cannot be folded inside
  }
  field.token("<" + address.email + ">");
}

}  // namespace

std::string address_field(std::string_view name, const std::vector<Address>& addresses) {
  HeaderField field(name);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) field.comma();
    append_address(field, addresses[i]);
  }
  return std::move(field).finish();
}

std::string unstructured_field(std::string_view name, std::string_view value) {
  HeaderField field(name);
  field.text(value);
  return std::move(field).finish();
}

std::string rfc5322_date(std::time_t now) {
  static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr",
                                                           "May", "Jun", "Jul", "Aug",
                                                           "Sep", "Oct", "Nov", "Dec"};
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                k_days[static_cast<std::size_t>(utc.tm_wday)], utc.tm_mday,
                k_months[static_cast<std::size_t>(utc.tm_mon)], utc.tm_year + 1900, utc.tm_hour,
                utc.tm_min, utc.tm_sec);
  return text;
}

namespace {

// Appends one line of quoted-printable text and its CRLF. A byte is written as itself
// when it is printable ASCII other than '=', or white space that does not end the line
// (trailing white space would be stripped in transit); otherwise as "=XX". A soft break
// ("=" CRLF) keeps every line within k_qp_limit columns. Written through a pointer into
// room made once: this runs for every byte of every message body.
void append_qp_line(std::string& out, std::string_view line) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  const std::size_t start = out.size();
  // At most 3 bytes for each, a soft break for each 24 of them, and the CRLF.
  out.resize(start + 3 * line.size() + 3 * (line.size() / 24 + 1) + 2);
  char* p = out.data() + start;
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const auto byte = static_cast<unsigned char>(c);
    const bool white = c == ' ' || c == '\t';
    const bool plain = (byte >= 33 && byte <= 126 && c != '=') || (white && i + 1 != line.size());
    const std::size_t width = plain ? 1 : 3;
    if (column + width > k_qp_limit - 1) {  // room for the soft break's '='
      *p++ = '=';
      *p++ = '\r';
      *p++ = '\n';
      column = 0;
    }
    if (plain) {
      *p++ = c;
    } else {
      *p++ = '=';
      *p++ = k_hex[byte >> 4];
      *p++ = k_hex[byte & 0x0Fu];
    }
    column += width;
  }
  *p++ = '\r';
  *p++ = '\n';
  out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace

std::string quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    append_qp_line(out, line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

namespace {

std::optional<std::string> header_value_error(std::string_view field, std::string_view value) {
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    return std::string(field) + " contains a line break (CR or LF)";
  }
  const bool control = std::ranges::any_of(value, [](char c) {
    return (static_cast<unsigned char>(c) < 0x20u && c != '\t') || c == '\x7f';
  });
  if (control) return std::string(field) + " contains a control character";
  return std::nullopt;
}

std::optional<std::string> address_error(std::string_view field, const Address& address) {
  if (auto error = header_value_error(field, address.name)) return error;
  if (auto error = header_value_error(field, address.email)) return error;
  const bool plain = is_ascii(address.email) && address.email.find('@') != std::string::npos &&
                     address.email.find_first_of(" \t<>,;\"()[]\\") == std::string::npos;
  if (!plain) return std::string(field) + ": \"" + address.email + "\" is not an e-mail address";
  return std::nullopt;
}

std::optional<std::string> id_error(std::string_view id) {
  const bool safe = !id.empty() && std::ranges::all_of(id, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x80u && std::isalnum(byte)) || c == '-' || c == '_' || c == '.';
  });
  if (!safe) return "Message-ID: \"" + std::string(id) + "\" is not letters, digits, '-', '_', '.'";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> header_error(const Message& message, const Address& from) {
  if (message.to.empty()) return std::string("To: no recipient");
  if (auto error = address_error("From", from)) return error;
  for (const Address& address : message.to) {
    if (auto error = address_error("To", address)) return error;
  }
  for (const Address& address : message.cc) {
    if (auto error = address_error("Cc", address)) return error;
  }
  if (auto error = header_value_error("Subject", message.subject)) return error;
  return id_error(message.id);
}

}  // namespace scadenzario::notifiers
