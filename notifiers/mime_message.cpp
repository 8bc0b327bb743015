#include "notifiers/mime_message.hpp"

#include "notifiers/base64.hpp"
#include "notifiers/message_calendar.hpp"
#include "notifiers/message_html.hpp"
#include "notifiers/rfc5322.hpp"

namespace scadenzario::notifiers {

namespace {

// "=_" occurs in neither quoted-printable ('=' is always "=XX" there) nor base64 ('_' is
// not in its alphabet), so no part can contain a delimiter. RFC 2046 §5.1.1 allows
// 70 characters; ids are 16.
std::string boundary(std::string_view kind, std::string_view id) {
  constexpr std::size_t k_id_room = 40;
  return "=_scadenzario-" + std::string(kind) + "-" + std::string(id.substr(0, k_id_room));
}

std::string multipart_type(std::string_view subtype, const std::string& delimiter) {
  return "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + delimiter + "\"\r\n";
}

std::string text_part(std::string_view subtype, std::string_view text) {
  return "Content-Type: text/" + std::string(subtype) +
         "; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n" +
         quoted_printable(text);
}

std::string calendar_part(std::string_view calendar) {
  return "Content-Type: text/calendar; charset=UTF-8; method=PUBLISH;\r\n name=\"scadenze.ics\"\r\n"
         "Content-Disposition: attachment; filename=\"scadenze.ics\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n" +
         base64_lines(calendar);
}

// The body of a multipart entity holding `parts`. The CRLF before each delimiter
// belongs to the delimiter (RFC 2046 §5.1.1): one more keeps a part's last line break.
std::string multipart_body(const std::string& delimiter, std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) out += "--" + delimiter + "\r\n" + part + "\r\n";
  return out + "--" + delimiter + "--\r\n";
}

std::string alternatives(const Message& message, const std::string& delimiter) {
  return multipart_body(delimiter, {text_part("plain", message.body),
                                    text_part("html", render_message_html(message))});
}

std::string headers(const Message& message, const Address& from, std::time_t now) {
  std::string out = address_field("From", {from});
  out += address_field("To", message.to);
  if (!message.cc.empty()) out += address_field("Cc", message.cc);
  out += unstructured_field("Subject", message.subject);
  out += "Date: " + rfc5322_date(now) + "\r\n";
  out += "Message-ID: <" + message.id + "@" + address_domain(from.email) + ">\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to it
  out += "X-Auto-Response-Suppress: All\r\n";   // the same, for Exchange
  out += "Content-Language: it\r\n";
  out += "MIME-Version: 1.0\r\n";
  return out;
}

}  // namespace

std::expected<std::string, std::string> render_mime_message(const Message& message,
                                                            const Address& from, std::time_t now) {
  if (auto error = header_error(message, from)) return std::unexpected(*error);
  const std::string alternative = boundary("alt", message.id);
  const std::string calendar = render_message_calendar(message, now);
  std::string out = headers(message, from, now);
  if (calendar.empty()) {
    return out + multipart_type("alternative", alternative) + "\r\n" +
           alternatives(message, alternative);
  }
  const std::string mixed = boundary("mixed", message.id);
  return out + multipart_type("mixed", mixed) + "\r\n" +
         multipart_body(mixed, {multipart_type("alternative", alternative) + "\r\n" +
                                    alternatives(message, alternative),
                                calendar_part(calendar)});
}

}  // namespace scadenzario::notifiers
