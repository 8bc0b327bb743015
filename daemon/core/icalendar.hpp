// The text rules of iCalendar (RFC 5545) shared by everything that writes it: the
// plan export and the calendar attachment of an e-mail. Hand-written on purpose:
// libical (and the ICU it loads) cost about a millisecond at the start of every
// command, and these rules are a few lines; the tests read the output with an
// independent parser (Python's icalendar).
#pragma once

#include "core/civil_date.hpp"

#include <ctime>
#include <string>
#include <string_view>

namespace scadenzario::ical {

// Returns `text` as a TEXT value (§3.3.11): backslash, ';', ',' escaped, '\n' as "\n",
// CR dropped.
std::string escape_text(std::string_view text);

// Appends content line `line` to `out` folded (§3.1): at most 75 octets per line,
// continued after CRLF and a space, never inside a UTF-8 sequence; ends it with CRLF.
void append_line(std::string& out, std::string_view line);

// Returns a DATE value: "20270129".
std::string date_value(Date date);

// Returns a UTC DATE-TIME value: "20270202T080000Z".
std::string utc_stamp(std::time_t stamp);

}  // namespace scadenzario::ical
