// The pieces of an Internet message (RFC 5322, RFC 2045-2047) that mime_message.hpp
// assembles. Headers are ASCII: UTF-8 subjects and display names become RFC 2047 B
// encoded-words; UTF-8 text is quoted-printable, so a message passes any 7-bit
// transport unchanged. Lines end in CRLF and header lines stay within 76 columns.
#pragma once

#include "core/message.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario::notifiers {

// Returns what makes `message` from `from` unfit to send, if anything (the field and
// what is wrong): a header value holding CR, LF or another control character, an address
// that is not a plain ASCII addr-spec, an id unfit for a Message-ID, no To.
std::optional<std::string> header_error(const Message& message, const Address& from);

// Returns the header field `name: A <a@x>, B <b@y>` folded, with CRLF; display names
// plain, quoted or encoded as needed. The addresses must have passed header_error().
std::string address_field(std::string_view name, const std::vector<Address>& addresses);

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
