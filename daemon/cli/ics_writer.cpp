#include "cli/ics_writer.hpp"

#include "cli/plan_output.hpp"

#include <libical/ical.h>

#include <cstdlib>
#include <memory>

namespace scadenzario::cli {

namespace {

struct ComponentDeleter {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};

icaltimetype all_day(Date date) {
  icaltimetype time = icaltime_null_date();
  time.year = year_of(date);
  time.month = static_cast<int>(month_of(date));
  time.day = static_cast<int>(day_of(date));
  return time;
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

void add_event(icalcomponent* calendar, const RuleSet& rules, const Occurrence& occurrence,
               const ScheduledStep& scheduled, icaltimetype stamp) {
  icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  const std::string uid = occurrence.key() + "/" + scheduled.step->id + "@scadenzario";
  const std::string summary = occurrence.act->title + ": " +
                              std::string(rules.actor_title(scheduled.step->actor)) + " " +
                              scheduled.step->action;
  icalcomponent_add_property(event, icalproperty_new_uid(uid.c_str()));
  icalcomponent_add_property(event, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(event, icalproperty_new_dtstart(all_day(scheduled.due)));
  // DTEND of an all-day event is exclusive: the next day.
  icalcomponent_add_property(event, icalproperty_new_dtend(all_day(add_days(scheduled.due, 1))));
  icalcomponent_add_property(event, icalproperty_new_summary(summary.c_str()));
  icalcomponent_add_property(event,
                             icalproperty_new_description(description(occurrence, scheduled).c_str()));
  const std::string category = "Fase " + std::to_string(occurrence.act->phase) + " - " +
                               std::string(phase_name_it(occurrence.act->phase));
  icalcomponent_add_property(event, icalproperty_new_categories(category.c_str()));
  icalcomponent_add_property(event, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
  icalcomponent_add_component(calendar, event);
}

}  // namespace

std::string render_plan_ics(const RuleSet& rules, const std::vector<Occurrence>& plan,
                            std::time_t stamp) {
  Component calendar{icalcomponent_new(ICAL_VCALENDAR_COMPONENT)};
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//scadenzario//scadenzario//IT"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
  icalproperty* name = icalproperty_new_x(rules.config.name.c_str());
  icalproperty_set_x_name(name, "X-WR-CALNAME");
  icalcomponent_add_property(calendar.get(), name);
  const icaltimetype utc_stamp =
      icaltime_from_timet_with_zone(stamp, 0, icaltimezone_get_utc_timezone());
  for (const Occurrence& occurrence : plan) {
    for (const ScheduledStep& scheduled : occurrence.steps) {
      add_event(calendar.get(), rules, occurrence, scheduled, utc_stamp);
    }
  }
  const std::unique_ptr<char, FreeDeleter> text{icalcomponent_as_ical_string_r(calendar.get())};
  return text ? std::string(text.get()) : std::string();
}

}  // namespace scadenzario::cli
