// A Message rendered as an Internet message (RFC 5322 with MIME, RFC 2045-2047): the
// bytes a Maildir file holds and an SMTP server receives. Headers are ASCII: UTF-8
// subjects and display names become RFC 2047 B encoded-words; the UTF-8 text body is
// quoted-printable, so the message passes any 7-bit transport unchanged. Lines end in
// CRLF and header lines stay within 76 columns.
#pragma once

#include "core/message.hpp"

#include <ctime>
#include <expected>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

// Returns the message with From `from`, dated `now`; an error (the field and what is
// wrong) when a header value holds CR, LF or another control character, an address is
// not a plain ASCII addr-spec, the id is unfit for a Message-ID, or there is no To.
std::expected<std::string, std::string> render_rfc5322(const Message& message, const Address& from,
                                                       std::time_t now);

// Returns `now` as an RFC 5322 date in UTC: "Fri, 29 Jan 2027 08:00:00 +0000".
std::string rfc5322_date(std::time_t now);

// Returns `text` as quoted-printable (RFC 2045 §6.7): '\n' (or CRLF) line ends become
// CRLF, lines are soft-broken to at most 76 characters.
std::string quoted_printable(std::string_view text);

// Returns the header field `name: value` folded, with CRLF: `value` as ASCII words, or
// from its first non-ASCII word on as RFC 2047 encoded-words of at most 75 characters,
// split between whole UTF-8 characters. `value` must hold no CR or LF.
std::string unstructured_field(std::string_view name, std::string_view value);

}  // namespace scadenzario::notifiers
