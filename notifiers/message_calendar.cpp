#include "notifiers/message_calendar.hpp"

#include "core/icalendar.hpp"

#include <set>

namespace scadenzario::notifiers {

namespace {

std::string description(const MessageItem& item) {
  std::string text = "Passo: " + item.actor_title + " — " + item.action;
  text += "\nScadenza: " + format_it(item.due);
  if (!item.legal_basis.empty()) text += "\nRiferimenti normativi: " + item.legal_basis;
  text += "\nChiave: " + item.key;
  return text;
}

void append_event(std::string& out, const MessageItem& item, const std::string& stamp) {
  ical::append_line(out, "BEGIN:VEVENT");
  ical::append_line(out, "UID:" + ical::escape_text(item.uid));
  ical::append_line(out, "DTSTAMP:" + stamp);
  ical::append_line(out, "DTSTART;VALUE=DATE:" + ical::date_value(item.due));
  // DTEND of an all-day event is exclusive: the next day.
  ical::append_line(out, "DTEND;VALUE=DATE:" + ical::date_value(add_days(item.due, 1)));
  ical::append_line(out, "SUMMARY:" + ical::escape_text(item.summary));
  ical::append_line(out, "DESCRIPTION:" + ical::escape_text(description(item)));
  ical::append_line(out, "TRANSP:TRANSPARENT");
  ical::append_line(out, "END:VEVENT");
}

}  // namespace

std::string render_message_calendar(const Message& message, std::time_t now) {
  if (message.items.empty()) return "";
  std::string out;
  ical::append_line(out, "BEGIN:VCALENDAR");
  ical::append_line(out, "PRODID:-//scadenzario//scadenzario//IT");
  ical::append_line(out, "VERSION:2.0");
  ical::append_line(out, "CALSCALE:GREGORIAN");
  ical::append_line(out, "METHOD:PUBLISH");
  if (!message.organization.empty()) {
    ical::append_line(out, "X-WR-CALNAME:" + ical::escape_text(message.organization));
  }
  const std::string stamp = ical::utc_stamp(now);
  std::set<std::string> seen;  // two notifications of one step make one event
  for (const MessageItem& item : message.items) {
    if (seen.insert(item.uid).second) append_event(out, item, stamp);
  }
  ical::append_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace scadenzario::notifiers
