// Base64 (RFC 4648 §4), as MIME and Standard Webhooks use it: encoded-words, attachments,
// signatures, and the "whsec_" secrets of Standard Webhooks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::notifiers {

// Returns `bytes` in base64 with padding, on one line.
std::string base64_encode(std::string_view bytes);

// Returns `bytes` in base64 as MIME body lines (RFC 2045 §6.8): 76 characters, CRLF.
std::string base64_lines(std::string_view bytes);

// Returns the bytes of padded base64 `text`; nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace scadenzario::notifiers
