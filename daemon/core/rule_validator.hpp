// Checks a whole rule set across files: duplicate ids, references to unknown actors,
// acts and deadlines, cycles in `after`, mandate acts without mandate dates, and
// proroghe that name no occurrence. Pure.
#pragma once

#include "core/diagnostic.hpp"
#include "core/rule_set.hpp"

namespace scadenzario {

// Appends every problem of `rules` to `errors`.
void validate_rule_set(const RuleSet& rules, Diagnostics& errors);

// True when `period` is a well-formed period key for an act recurring as `every`:
// "2027", "2027-03" or "mandato-2024".
bool is_period_key(Recurrence every, std::string_view period);

}  // namespace scadenzario
