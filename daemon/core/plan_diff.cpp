#include "core/plan_diff.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace scadenzario {

namespace {

struct Entry {
  Date due;
  std::string title;
};

using EntryKey = std::pair<std::string, std::string>;  // occurrence key, step id

std::map<EntryKey, Entry> entries_of(const std::vector<Occurrence>& occurrences) {
  std::map<EntryKey, Entry> entries;
  for (const Occurrence& occurrence : occurrences) {
    const std::string key = occurrence.key();
    entries[{key, ""}] = Entry{occurrence.due, occurrence.act->title};
    for (const ScheduledStep& step : occurrence.steps) {
      entries[{key, step.step->id}] = Entry{step.due, occurrence.act->title};
    }
  }
  return entries;
}

Date change_date(const PlanChange& change) { return change.after ? *change.after : *change.before; }

}  // namespace

std::vector<PlanChange> diff_plans(const std::vector<Occurrence>& before,
                                   const std::vector<Occurrence>& after) {
  const auto old_entries = entries_of(before);
  const auto new_entries = entries_of(after);
  std::vector<PlanChange> changes;
  for (const auto& [key, entry] : new_entries) {
    const auto old = old_entries.find(key);
    if (old == old_entries.end()) {
      changes.push_back({PlanChange::Kind::added, key.first, key.second, entry.title, std::nullopt,
                         entry.due});
    } else if (old->second.due != entry.due) {
      changes.push_back({PlanChange::Kind::moved, key.first, key.second, entry.title,
                         old->second.due, entry.due});
    }
  }
  for (const auto& [key, entry] : old_entries) {
    if (!new_entries.contains(key)) {
      changes.push_back({PlanChange::Kind::removed, key.first, key.second, entry.title, entry.due,
                         std::nullopt});
    }
  }
  std::ranges::stable_sort(changes, [](const PlanChange& a, const PlanChange& b) {
    if (change_date(a) != change_date(b)) return change_date(a) < change_date(b);
    return std::tie(a.occurrence_key, a.step_id) < std::tie(b.occurrence_key, b.step_id);
  });
  return changes;
}

}  // namespace scadenzario
