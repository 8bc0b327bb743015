// The progress of the cycle on a given day: for every step of some occurrences (and
// every member, for per-member steps), whether it is done, waived, pending, late or
// blocked, and the rules of progress: a step waits for the earlier steps of its act
// (the Giunta does not approve what was not prepared) and for the acts in `after`.
// Pure: the day and the recorded states are passed in.
#pragma once

#include "core/schedule.hpp"
#include "core/step_state.hpp"

#include <string>
#include <vector>

namespace scadenzario {

// untracked: not recorded, but due before tracked_from (predates scadenzario).
enum class Standing { done, waived, pending, late, blocked, untracked };

std::string_view to_string(Standing standing);

// Something a step waits for: an earlier step of its act, or a prerequisite act.
struct OpenRequirement {
  enum class Kind { earlier_step, prerequisite };
  Kind kind = Kind::earlier_step;
  std::string occurrence;  // occurrence key
  std::string step;        // step id, for earlier steps
  std::string title;       // actor title (earlier step) or act title (prerequisite)
};

struct StepProgress {
  const Occurrence* occurrence = nullptr;
  const ScheduledStep* step = nullptr;
  std::string member;                 // person id; "" when the step is not per member
  const StepRecord* record = nullptr;  // null while pending
  Standing standing = Standing::pending;
  int days_late = 0;                  // > 0 when due before today and not recorded
  std::vector<OpenRequirement> waiting_for;
};

// Returns the member ids a step's state is kept for: the people of its role when the
// step is per member and the role has people, otherwise one shared "".
std::vector<std::string> members_of_step(const RuleSet& rules, const Step& step);

// Returns the occurrences that must be complete before `occurrence` may be: for yearly
// acts after yearly acts, those concerning the same year (refers_to); otherwise the
// latest one due on or before it.
std::vector<Occurrence> prerequisites_of(const RuleSet& rules, const Calendar& calendar,
                                         const Occurrence& occurrence);

// True when `occurrence` is due before the configuration's tracked_from: it predates
// the use of scadenzario and counts as complete.
bool is_untracked(const RuleSet& rules, const Occurrence& occurrence);

// True when every enabled step of `occurrence` (every member's, if per member) is
// done or waived.
bool is_complete(const RuleSet& rules, const Occurrence& occurrence, const StepStates& states);

// Returns what must be complete before step `step_index` of `occurrence` may be recorded
// as done: earlier steps of the act, then prerequisite occurrences. `states` must hold
// the records of `occurrence` and of `prerequisites`.
std::vector<OpenRequirement> open_requirements(const RuleSet& rules, const Occurrence& occurrence,
                                               std::size_t step_index,
                                               const std::vector<Occurrence>& prerequisites,
                                               const StepStates& states);

// Returns the progress of every step and member of `occurrence` on `today`.
std::vector<StepProgress> evaluate(const RuleSet& rules, const Occurrence& occurrence,
                                   const std::vector<Occurrence>& prerequisites,
                                   const StepStates& states, Date today);

}  // namespace scadenzario
