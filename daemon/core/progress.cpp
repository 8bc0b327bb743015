#include "core/progress.hpp"

#include <algorithm>

namespace scadenzario {

std::string_view to_string(Standing standing) {
  switch (standing) {
    case Standing::done: return "done";
    case Standing::waived: return "waived";
    case Standing::pending: return "pending";
    case Standing::late: return "late";
    case Standing::blocked: return "blocked";
    case Standing::untracked: return "untracked";
  }
  return "pending";
}

std::vector<std::string> members_of_step(const RuleSet& rules, const Step& step) {
  std::vector<std::string> members;
  if (step.per_member) {
    for (const Person* person : rules.members_of(step.actor)) members.push_back(person->id);
  }
  if (members.empty()) members.emplace_back();
  return members;
}

namespace {

constexpr int k_prerequisite_search_years = 6;  // a mandate and a bit

bool step_complete(const RuleSet& rules, const std::string& occurrence_key, const Step& step,
                   const StepStates& states) {
  const auto members = members_of_step(rules, step);
  return std::ranges::all_of(members, [&](const std::string& member) {
    return states.find(occurrence_key, step.id, member) != nullptr;
  });
}

bool matches(const Prerequisite& prerequisite, const Occurrence& candidate) {
  return prerequisite.deadline.empty() || candidate.deadline->name == prerequisite.deadline;
}

}  // namespace

bool is_untracked(const RuleSet& rules, const Occurrence& occurrence) {
  return rules.config.tracked_from && occurrence.due < *rules.config.tracked_from;
}

std::vector<Occurrence> prerequisites_of(const RuleSet& rules, const Calendar& calendar,
                                         const Occurrence& occurrence) {
  std::vector<Occurrence> result;
  for (const Prerequisite& prerequisite : occurrence.act->after) {
    const Act* act = rules.find_act(prerequisite.act);
    if (!act || !act->enabled) continue;
    std::vector<Occurrence> candidates;
    if (occurrence.act->every == Recurrence::year && act->every == Recurrence::year) {
      const int year = occurrence.reference_year;
      expand_act(rules, calendar, *act, make_date(year - 1, 1, 1), make_date(year + 2, 12, 31),
                 candidates);
      for (Occurrence& candidate : candidates) {
        if (candidate.reference_year == year && matches(prerequisite, candidate)) {
          result.push_back(std::move(candidate));
        }
      }
      continue;
    }
    const Date last = occurrence.legal_due;
    const Date first = make_date(year_of(last) - k_prerequisite_search_years, 1, 1);
    expand_act(rules, calendar, *act, first, last, candidates);
    std::erase_if(candidates, [&](const Occurrence& c) { return !matches(prerequisite, c); });
    const auto latest = std::ranges::max_element(candidates, {}, &Occurrence::legal_due);
    if (latest != candidates.end()) result.push_back(std::move(*latest));
  }
  return result;
}

bool is_complete(const RuleSet& rules, const Occurrence& occurrence, const StepStates& states) {
  if (is_untracked(rules, occurrence)) return true;
  const std::string key = occurrence.key();
  return std::ranges::all_of(occurrence.steps, [&](const ScheduledStep& scheduled) {
    return step_complete(rules, key, *scheduled.step, states);
  });
}

std::vector<OpenRequirement> open_requirements(const RuleSet& rules, const Occurrence& occurrence,
                                               std::size_t step_index,
                                               const std::vector<Occurrence>& prerequisites,
                                               const StepStates& states) {
  std::vector<OpenRequirement> open;
  const std::string key = occurrence.key();
  for (std::size_t i = 0; i < step_index && i < occurrence.steps.size(); ++i) {
    const Step& earlier = *occurrence.steps[i].step;
    if (!step_complete(rules, key, earlier, states)) {
      open.push_back({OpenRequirement::Kind::earlier_step, key, earlier.id,
                      std::string(rules.actor_title(earlier.actor))});
    }
  }
  for (const Occurrence& prerequisite : prerequisites) {
    if (!is_complete(rules, prerequisite, states)) {
      open.push_back({OpenRequirement::Kind::prerequisite, prerequisite.key(), "",
                      prerequisite.act->title});
    }
  }
  return open;
}

std::vector<StepProgress> evaluate(const RuleSet& rules, const Occurrence& occurrence,
                                   const std::vector<Occurrence>& prerequisites,
                                   const StepStates& states, Date today) {
  std::vector<StepProgress> progress;
  const std::string key = occurrence.key();
  const bool untracked = is_untracked(rules, occurrence);
  for (std::size_t i = 0; i < occurrence.steps.size(); ++i) {
    const ScheduledStep& scheduled = occurrence.steps[i];
    const auto waiting = open_requirements(rules, occurrence, i, prerequisites, states);
    for (std::string& member : members_of_step(rules, *scheduled.step)) {
      StepProgress entry{.occurrence = &occurrence, .step = &scheduled, .member = std::move(member)};
      entry.record = states.find(key, scheduled.step->id, entry.member);
      if (entry.record) {
        entry.standing = entry.record->status == StepStatus::done ? Standing::done : Standing::waived;
      } else if (untracked) {
        entry.standing = Standing::untracked;
      } else {
        entry.waiting_for = waiting;
        entry.days_late = std::max(0, days_between(scheduled.due, today));
        entry.standing = entry.days_late > 0        ? Standing::late
                         : !waiting.empty()         ? Standing::blocked
                                                    : Standing::pending;
      }
      progress.push_back(std::move(entry));
    }
  }
  return progress;
}

}  // namespace scadenzario
