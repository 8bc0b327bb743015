// The schedule: a rule set expanded over a span of dates into occurrences (one act, one
// deadline, one period) with the concrete, shifted date of every step. Pure.
#pragma once

#include "core/calendar.hpp"
#include "core/civil_date.hpp"
#include "core/rule_set.hpp"

#include <string>
#include <vector>

namespace scadenzario {

// The period an occurrence belongs to: its identity together with act and deadline.
struct Period {
  Recurrence kind = Recurrence::year;
  int year = 0;         // year of the legal due date; for mandates, the mandate's start year
  unsigned month = 0;   // month acts only

  // Returns "2027", "2027-03" or "mandato-2024": the key stored state is filed under.
  std::string key() const;
  friend auto operator<=>(const Period&, const Period&) = default;
};

struct ScheduledStep {
  const Step* step = nullptr;
  Date due;
};

struct Occurrence {
  const Act* act = nullptr;
  const Deadline* deadline = nullptr;
  Period period;
  int reference_year = 0;    // the year the act concerns (refers_to)
  Date legal_due;            // the date the rule gives, before any move
  Date due;                  // the date that applies: proroga, else shifted legal date
  const Override* override = nullptr;  // the proroga that moved it, if any
  std::vector<ScheduledStep> steps;    // enabled steps, in procedural order

  // Returns "act-id/period" or "act-id:deadline/period": stable across rule edits.
  std::string key() const;
};

// Returns the occurrences of enabled, valid acts whose legal due date lies in
// [first, last], sorted by due date, then phase, then act id.
std::vector<Occurrence> expand_schedule(const RuleSet& rules, const Calendar& calendar, Date first,
                                        Date last);

// Appends the occurrences of one act (if enabled) whose legal due date lies in
// [first, last] to `out`, unsorted.
void expand_act(const RuleSet& rules, const Calendar& calendar, const Act& act, Date first,
                Date last, std::vector<Occurrence>& out);

// Returns the occurrences whose legal due date lies in `year`.
std::vector<Occurrence> expand_year(const RuleSet& rules, const Calendar& calendar, int year);

}  // namespace scadenzario
