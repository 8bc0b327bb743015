// What an edit of the rules changes in the plan: deadlines and steps added, removed or
// moved between two schedules of the same span. Matched by stable keys (occurrence key
// and step id), so a retitled act is not a change of dates. Pure.
#pragma once

#include "core/schedule.hpp"

#include <optional>
#include <string>
#include <vector>

namespace scadenzario {

struct PlanChange {
  enum class Kind { added, removed, moved };

  Kind kind = Kind::added;
  std::string occurrence_key;  // "act/2027" or "act:deadline/2027"
  std::string step_id;         // empty for the act's own deadline
  std::string title;           // the act's title (from the new rules when it exists)
  std::optional<Date> before;  // absent when added
  std::optional<Date> after;   // absent when removed
};

// Returns the changes from `before` to `after`, sorted by date then key.
std::vector<PlanChange> diff_plans(const std::vector<Occurrence>& before,
                                   const std::vector<Occurrence>& after);

}  // namespace scadenzario
