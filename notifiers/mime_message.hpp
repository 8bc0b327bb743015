// A Message rendered whole as the Internet message that a Maildir file holds and an
// SMTP server receives (RFC 5322, MIME):
//
//   multipart/mixed
//     multipart/alternative
//       text/plain; charset=UTF-8   (quoted-printable: the Italian text)
//       text/html; charset=UTF-8    (quoted-printable: the same, with a table of steps)
//     text/calendar; method=PUBLISH (base64: one all-day event per step)
//
// A message without items (a test message) has no calendar part and is the
// multipart/alternative alone. The output is 7-bit ASCII with CRLF line ends and a
// function of its inputs only: boundaries derive from Message::id, never from a clock
// or a random source, so a retried message is byte for byte the same.
#pragma once

#include "core/message.hpp"

#include <ctime>
#include <expected>
#include <string>

namespace scadenzario::notifiers {

// Returns the message with From `from`, dated `now`; an error (the field and what is
// wrong) when a header would be unsafe: see header_error() in rfc5322.hpp.
std::expected<std::string, std::string> render_mime_message(const Message& message,
                                                            const Address& from, std::time_t now);

}  // namespace scadenzario::notifiers
