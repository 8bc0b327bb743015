// Writes a schedule as an iCalendar (RFC 5545) document, one all-day event per step
// (text rules in core/icalendar.hpp).
#pragma once

#include "core/rule_set.hpp"
#include "core/schedule.hpp"

#include <ctime>
#include <string>
#include <vector>

namespace scadenzario::cli {

// Returns the VCALENDAR of `plan`; `stamp` (UTC) becomes every event's DTSTAMP.
std::string render_plan_ics(const RuleSet& rules, const std::vector<Occurrence>& plan,
                            std::time_t stamp);

}  // namespace scadenzario::cli
