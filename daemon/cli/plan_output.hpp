// Renders a schedule for people (an Italian table grouped by phase), for machines (JSON)
// and renders a plan diff. Formatting only: the schedule is computed by the core.
#pragma once

#include "core/phase.hpp"
#include "core/plan_diff.hpp"
#include "core/rule_set.hpp"
#include "core/schedule.hpp"

#include <string>
#include <vector>

namespace scadenzario::cli {

// Returns the plan of `year` as an aligned Italian table grouped by phase.
std::string render_plan_table(const RuleSet& rules, const std::vector<Occurrence>& plan, int year);

// Returns the plan of `year` as a JSON document (UTF-8, ISO dates).
std::string render_plan_json(const RuleSet& rules, const std::vector<Occurrence>& plan, int year);

// Returns the changes of a plan diff, one per line, with a closing summary.
std::string render_plan_diff(const std::vector<PlanChange>& changes, int year);

}  // namespace scadenzario::cli
