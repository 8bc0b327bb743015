#include "core/rule_set.hpp"

#include <algorithm>
#include <iterator>

namespace scadenzario {

ReminderPolicy default_reminder_policy() {
  return ReminderPolicy{
      .lead_days = std::vector<int>{30, 14, 7, 1, 0},
      .escalate_after_days = 1,
      .repeat_every_days = 7,
      .escalate_further_after_days = 15,
  };
}

std::string_view to_string(RefersTo refers_to) {
  switch (refers_to) {
    case RefersTo::same_year: return "same-year";
    case RefersTo::previous_year: return "previous-year";
    case RefersTo::next_year: return "next-year";
  }
  return "same-year";
}

const Deadline* Act::find_deadline(std::string_view name) const {
  const auto it = std::ranges::find(deadlines, name, &Deadline::name);
  return it == deadlines.end() ? nullptr : &*it;
}

const Step* Act::find_step(std::string_view step_id) const {
  const auto it = std::ranges::find(steps, step_id, &Step::id);
  return it == steps.end() ? nullptr : &*it;
}

const WebhookSettings* Delivery::find_webhook(std::string_view name) const {
  const auto it = std::ranges::find(webhook_targets, name, &WebhookSettings::name);
  return it == webhook_targets.end() ? nullptr : &*it;
}

const Act* RuleSet::find_act(std::string_view id) const {
  if (const auto hint = act_index.find(id);
      hint != act_index.end() && hint->second < acts.size() && acts[hint->second].id == id) {
    return &acts[hint->second];
  }
  const auto it = std::ranges::find(acts, id, &Act::id);
  return it == acts.end() ? nullptr : &*it;
}

const Actor* RuleSet::find_actor(std::string_view id) const {
  const auto it = std::ranges::find(actors, id, &Actor::id);
  return it == actors.end() ? nullptr : &*it;
}

std::string_view RuleSet::actor_title(std::string_view id) const {
  const Actor* actor = find_actor(id);
  return actor ? std::string_view(actor->title) : id;
}

std::vector<const Person*> RuleSet::members_of(std::string_view actor_id) const {
  std::vector<const Person*> members;
  for (const Person& person : people) {
    if (std::ranges::find(person.roles, actor_id) != person.roles.end()) members.push_back(&person);
  }
  return members;
}

void merge(RuleSet& rules, RuleFile file) {
  std::ranges::move(file.actors, std::back_inserter(rules.actors));
  std::ranges::move(file.people, std::back_inserter(rules.people));
  for (Act& act : file.acts) {
    rules.act_index.emplace(act.id, rules.acts.size());  // the first of duplicates, as find_act
    rules.acts.push_back(std::move(act));
  }
}

std::string step_id_from_action(std::string_view action) {
  std::string id;
  id.reserve(action.size());
  for (char c : action) {
    if (c >= 'A' && c <= 'Z') {
      id += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';  // spaces, apostrophes, accented letters: one separator
    }
  }
  while (id.ends_with('-')) id.pop_back();
  return id;
}

}  // namespace scadenzario
