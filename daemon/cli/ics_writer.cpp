#include "cli/ics_writer.hpp"

#include "cli/plan_output.hpp"

#include <cstdio>

namespace scadenzario::cli {

namespace {

// RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks are escaped in TEXT.
std::string escape_text(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\': escaped += "\\\\"; break;
      case ';': escaped += "\\;"; break;
      case ',': escaped += "\\,"; break;
      case '\n': escaped += "\\n"; break;
      case '\r': break;
      default: escaped += c;
    }
  }
  return escaped;
}

// RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and a space, never
// splitting a UTF-8 sequence.
void append_line(std::string& out, std::string_view line) {
  constexpr std::size_t k_max_octets = 75;
  std::size_t limit = k_max_octets;
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0u) == 0x80u) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = k_max_octets - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

std::string date_value(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d%02u%02u", year_of(date), month_of(date), day_of(date));
  return text;
}

std::string utc_stamp(std::time_t stamp) {
  std::tm utc{};
  gmtime_r(&stamp, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string description(const Occurrence& occurrence, const ScheduledStep& scheduled) {
  std::string text = occurrence.act->title;
  if (!occurrence.deadline->label.empty()) text += " (" + occurrence.deadline->label + ")";
  text += "\nPasso: " + scheduled.step->action;
  text += "\nScadenza dell'atto: " + format_it(occurrence.due);
  if (occurrence.override) {
    text += " (prorogata; originaria " + format_it(occurrence.legal_due) + ": " +
            occurrence.override->reason + ")";
  }
  text += "\nRiferimenti normativi: " + occurrence.act->legal_basis;
  text += "\nFinalità: " + occurrence.act->purpose;
  return text;
}

void append_event(std::string& out, const RuleSet& rules, const Occurrence& occurrence,
                  const ScheduledStep& scheduled, const std::string& stamp) {
  const Step& step = *scheduled.step;
  append_line(out, "BEGIN:VEVENT");
  append_line(out, "UID:" + escape_text(occurrence.key() + "/" + step.id + "@scadenzario"));
  append_line(out, "DTSTAMP:" + stamp);
  append_line(out, "DTSTART;VALUE=DATE:" + date_value(scheduled.due));
  // DTEND of an all-day event is exclusive: the next day.
  append_line(out, "DTEND;VALUE=DATE:" + date_value(add_days(scheduled.due, 1)));
  append_line(out, "SUMMARY:" + escape_text(occurrence.act->title + ": " +
                                            std::string(rules.actor_title(step.actor)) + " " +
                                            step.action));
  append_line(out, "DESCRIPTION:" + escape_text(description(occurrence, scheduled)));
  append_line(out, "CATEGORIES:" + escape_text("Fase " + std::to_string(occurrence.act->phase) +
                                               " - " + std::string(phase_name_it(occurrence.act->phase))));
  append_line(out, "TRANSP:TRANSPARENT");
  append_line(out, "END:VEVENT");
}

}  // namespace

std::string render_plan_ics(const RuleSet& rules, const std::vector<Occurrence>& plan,
                            std::time_t stamp) {
  std::string out;
  append_line(out, "BEGIN:VCALENDAR");
  append_line(out, "PRODID:-//scadenzario//scadenzario//IT");
  append_line(out, "VERSION:2.0");
  append_line(out, "CALSCALE:GREGORIAN");
  append_line(out, "X-WR-CALNAME:" + escape_text(rules.config.name));
  const std::string dtstamp = utc_stamp(stamp);
  for (const Occurrence& occurrence : plan) {
    for (const ScheduledStep& scheduled : occurrence.steps) {
      append_event(out, rules, occurrence, scheduled, dtstamp);
    }
  }
  append_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace scadenzario::cli
