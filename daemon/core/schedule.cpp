#include "core/schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>

namespace scadenzario {

std::string Period::key() const {
  char buf[24];
  switch (kind) {
    case Recurrence::year: std::snprintf(buf, sizeof buf, "%04d", year); break;
    case Recurrence::month: std::snprintf(buf, sizeof buf, "%04d-%02u", year, month); break;
    case Recurrence::mandate: std::snprintf(buf, sizeof buf, "mandato-%04d", year); break;
  }
  return buf;
}

std::string Occurrence::key() const {
  // Built in place: the service computes a key for every occurrence at every wake-up.
  const std::string period_key = period.key();
  std::string key;
  key.reserve(act->id.size() + deadline->name.size() + period_key.size() + 2);
  key += act->id;
  if (!deadline->name.empty()) (key += ':') += deadline->name;
  (key += '/') += period_key;
  return key;
}

namespace {

int reference_year(RefersTo refers_to, int due_year) {
  switch (refers_to) {
    case RefersTo::same_year: return due_year;
    case RefersTo::previous_year: return due_year - 1;
    case RefersTo::next_year: return due_year + 1;
  }
  return due_year;
}

const Override* find_override(const RuleSet& rules, const Act& act, const Deadline& deadline,
                              const std::string& period_key) {
  for (const Override& override : rules.config.overrides) {
    if (override.act == act.id && override.deadline == deadline.name &&
        override.period == period_key) {
      return &override;
    }
  }
  return nullptr;
}

Date step_due(const Step& step, Date act_due, const Calendar& calendar) {
  if (step.offset.unit == Offset::Unit::business_days) {
    return calendar.add_business_days(act_due, step.offset.amount);
  }
  if (step.offset.amount == 0) return act_due;
  const Date raw = add_days(act_due, step.offset.amount);
  const Date shifted = calendar.shift(raw);
  // A step never falls after its act: with next-business-day and an act date that was not
  // moved (a proroga on a holiday), the step goes back instead.
  return shifted <= act_due ? shifted : calendar.shift(raw, ShiftRule::previous_business_day);
}

// Builds the occurrence of `deadline` whose legal date is `legal_due`.
class OccurrenceBuilder {
public:
  OccurrenceBuilder(const RuleSet& rules, const Calendar& calendar)
      : m_rules(rules), m_calendar(calendar) {}

  Occurrence build(const Act& act, const Deadline& deadline, Period period, Date legal_due) const {
    Occurrence occurrence{.act = &act, .deadline = &deadline, .period = period,
                          .reference_year = reference_year(deadline.refers_to, year_of(legal_due)),
                          .legal_due = legal_due, .due = legal_due, .override = nullptr,
                          .steps = {}};
    if (act.every != Recurrence::year) occurrence.reference_year = period.year;
    if (!m_rules.config.overrides.empty()) {
      occurrence.override = find_override(m_rules, act, deadline, period.key());
    }
    // A proroga is a concrete date set by an act of law: it is not moved again.
    occurrence.due = occurrence.override ? occurrence.override->due : m_calendar.shift(legal_due);
    occurrence.steps.reserve(act.steps.size());
    for (const Step& step : act.steps) {
      if (step.enabled) occurrence.steps.push_back({&step, step_due(step, occurrence.due, m_calendar)});
    }
    return occurrence;
  }

private:
  const RuleSet& m_rules;
  const Calendar& m_calendar;
};

void expand_yearly(const Act& act, const Deadline& deadline, Date first, Date last,
                   const OccurrenceBuilder& builder, std::vector<Occurrence>& out) {
  for (int y = year_of(first); y <= year_of(last); ++y) {
    const Date legal = deadline.due.day == 0 ? last_day_of_month(y, deadline.due.month)
                                             : make_date(y, deadline.due.month, deadline.due.day);
    if (legal < first || legal > last || !act.is_valid_in(y)) continue;
    out.push_back(builder.build(act, deadline, Period{Recurrence::year, y, 0}, legal));
  }
}

void expand_monthly(const Act& act, const Deadline& deadline, Date first, Date last,
                    const OccurrenceBuilder& builder, std::vector<Occurrence>& out) {
  for (int y = year_of(first); y <= year_of(last); ++y) {
    if (!act.is_valid_in(y)) continue;
    for (unsigned m = 1; m <= 12; ++m) {
      // A day the month lacks (31 in April) means its last day.
      const unsigned length = days_in_month(y, m);
      const unsigned d = deadline.due.day == 0 ? length : std::min(deadline.due.day, length);
      const Date legal = make_date(y, m, d);
      if (legal < first || legal > last) continue;
      out.push_back(builder.build(act, deadline, Period{Recurrence::month, y, m}, legal));
    }
  }
}

void expand_mandates(const RuleSet& rules, const Act& act, const Deadline& deadline, Date first,
                     Date last, const OccurrenceBuilder& builder, std::vector<Occurrence>& out) {
  for (const Mandate& mandate : rules.config.mandates) {
    const Date anchor = deadline.due.anchor == DueSpec::MandateAnchor::start ? mandate.start
                                                                             : mandate.end;
    const Date legal = add_days(anchor, deadline.due.mandate_days);
    if (legal < first || legal > last || !act.is_valid_in(year_of(legal))) continue;
    out.push_back(builder.build(act, deadline,
                                Period{Recurrence::mandate, year_of(mandate.start), 0}, legal));
  }
}

}  // namespace

void expand_act(const RuleSet& rules, const Calendar& calendar, const Act& act, Date first,
                Date last, std::vector<Occurrence>& out) {
  if (!act.enabled) return;
  const OccurrenceBuilder builder(rules, calendar);
  for (const Deadline& deadline : act.deadlines) {
    switch (act.every) {
      case Recurrence::year: expand_yearly(act, deadline, first, last, builder, out); break;
      case Recurrence::month: expand_monthly(act, deadline, first, last, builder, out); break;
      case Recurrence::mandate: expand_mandates(rules, act, deadline, first, last, builder, out); break;
    }
  }
}

std::vector<Occurrence> expand_schedule(const RuleSet& rules, const Calendar& calendar, Date first,
                                        Date last) {
  std::vector<Occurrence> occurrences;
  for (const Act& act : rules.acts) expand_act(rules, calendar, act, first, last, occurrences);
  // Each act's rank in the order of ids: in a large set thousands of acts fall due on the
  // same day, and comparing two integers is cheaper than comparing two ids.
  std::vector<std::size_t> by_id(rules.acts.size());
  std::iota(by_id.begin(), by_id.end(), std::size_t{0});
  std::ranges::stable_sort(by_id, {}, [&](std::size_t i) -> const std::string& { return rules.acts[i].id; });
  std::vector<std::size_t> rank(rules.acts.size());
  for (std::size_t i = 0; i < by_id.size(); ++i) rank[by_id[i]] = i;
  const auto rank_of = [&](const Act* act) { return rank[static_cast<std::size_t>(act - rules.acts.data())]; };
  std::ranges::stable_sort(occurrences, [&](const Occurrence& a, const Occurrence& b) {
    if (a.due != b.due) return a.due < b.due;
    if (a.act->phase != b.act->phase) return a.act->phase < b.act->phase;
    return rank_of(a.act) < rank_of(b.act);
  });
  return occurrences;
}

std::vector<Occurrence> expand_year(const RuleSet& rules, const Calendar& calendar, int year) {
  return expand_schedule(rules, calendar, make_date(year, 1, 1), make_date(year, 12, 31));
}

}  // namespace scadenzario
