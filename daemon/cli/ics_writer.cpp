#include "cli/ics_writer.hpp"

#include "cli/plan_output.hpp"
#include "core/icalendar.hpp"
#include "core/message.hpp"

namespace scadenzario::cli {

namespace {

using ical::append_line;
using ical::date_value;
using ical::escape_text;

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
  append_line(out, "UID:" + escape_text(step_uid(body_identity(rules.config), occurrence.key(), step.id)));
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
  const std::string dtstamp = ical::utc_stamp(stamp);
  for (const Occurrence& occurrence : plan) {
    for (const ScheduledStep& scheduled : occurrence.steps) {
      append_event(out, rules, occurrence, scheduled, dtstamp);
    }
  }
  append_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace scadenzario::cli
