// The calendar attachment of an e-mail: an iCalendar (RFC 5545) document with
// METHOD:PUBLISH and one all-day event per step the message reminds of, on the step's
// due date. An event's UID is MessageItem::uid (step_uid(): the body, the occurrence and
// the step, not the notification nor the member), so every reminder of one step updates
// the same event in the recipient's calendar, and matches the event of
// `scadenzario plan --format ics`.
#pragma once

#include "core/message.hpp"

#include <ctime>
#include <string>

namespace scadenzario::notifiers {

// Returns the VCALENDAR of `message`'s items, stamped `now` (UTC); "" when it has none.
std::string render_message_calendar(const Message& message, std::time_t now);

}  // namespace scadenzario::notifiers
