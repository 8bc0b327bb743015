#include "core/rule_validator.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace scadenzario {

namespace {

template <typename Item>
void check_duplicates(const std::vector<Item>& items, std::string_view what, Diagnostics& errors) {
  std::map<std::string_view, const Item*> seen;
  for (const Item& item : items) {
    const auto [it, inserted] = seen.emplace(item.id, &item);
    if (!inserted) {
      errors.push_back({item.where, "duplicate " + std::string(what) + " id \"" + item.id +
                                        "\" (first defined at " + it->second->where.to_string() +
                                        ")"});
    }
  }
}

template <typename Item>
std::vector<std::string_view> ids_of(const std::vector<Item>& items) {
  std::vector<std::string_view> ids;
  ids.reserve(items.size());
  for (const Item& item : items) ids.push_back(item.id);
  return ids;
}

class Validator {
public:
  Validator(const RuleSet& rules, Diagnostics& errors)
      : m_rules(rules), m_errors(errors), m_actor_ids(ids_of(rules.actors)),
        m_act_ids(ids_of(rules.acts)) {}

  void run() {
    check_duplicates(m_rules.actors, "actor", m_errors);
    check_duplicates(m_rules.people, "person", m_errors);
    check_duplicates(m_rules.acts, "act", m_errors);
    for (const Actor& actor : m_rules.actors) {
      if (!actor.escalate_to.empty()) check_actor(actor.escalate_to, actor.escalate_to_where);
    }
    for (const Person& person : m_rules.people) {
      for (std::size_t i = 0; i < person.roles.size(); ++i) {
        check_actor(person.roles[i], person.roles_where[i]);
      }
    }
    for (const Act& act : m_rules.acts) check_act(act);
    check_cycles();
    check_escalation_cycles();
    for (const Override& override : m_rules.config.overrides) check_override(override);
    check_duplicate_overrides();
  }

private:
  void error(const SourceLocation& where, std::string message) {
    m_errors.push_back({where, std::move(message)});
  }

  void check_actor(const std::string& id, const SourceLocation& where) {
    if (m_rules.find_actor(id)) return;
    error(where, "unknown actor \"" + id + "\"" + did_you_mean(id, m_actor_ids));
  }

  const Act* check_act_reference(const std::string& id, const SourceLocation& where) {
    const Act* act = m_rules.find_act(id);
    if (!act) error(where, "unknown act \"" + id + "\"" + did_you_mean(id, m_act_ids));
    return act;
  }

  void check_deadline_reference(const Act& act, const std::string& name,
                                const SourceLocation& where) {
    if (act.find_deadline(name)) return;
    std::vector<std::string_view> names;
    for (const Deadline& deadline : act.deadlines) names.push_back(deadline.name);
    if (name.empty()) {
      error(where, "act \"" + act.id + "\" has several deadlines; name one of them");
    } else if (act.deadlines.size() == 1 && act.deadlines[0].name.empty()) {
      error(where, "act \"" + act.id + "\" has a single due date and no deadline named \"" + name +
                       "\"");
    } else {
      error(where, "act \"" + act.id + "\" has no deadline \"" + name + "\"" +
                       did_you_mean(name, names));
    }
  }

  void check_act(const Act& act) {
    for (const Step& step : act.steps) check_actor(step.actor, step.actor_where);
    for (const Prerequisite& prerequisite : act.after) {
      const Act* required = check_act_reference(prerequisite.act, prerequisite.where);
      if (required && !prerequisite.deadline.empty()) {
        check_deadline_reference(*required, prerequisite.deadline, prerequisite.where);
      }
      if (prerequisite.act == act.id) {
        error(prerequisite.where, "act \"" + act.id + "\" lists itself in \"after\"");
      }
    }
    if (act.every == Recurrence::mandate && act.enabled && m_rules.config.mandates.empty()) {
      error(act.every_where, "act \"" + act.id +
                                 "\" has every = \"mandate\" but the configuration has no "
                                 "[[mandate]] dates (" + m_rules.config.where.file + ")");
    }
  }

  // Depth-first search over `after`; reports each cycle once, where it closes.
  void check_cycles() {
    enum class Mark { unvisited, in_progress, done };
    std::map<std::string_view, Mark> marks;
    std::vector<std::string_view> path;
    auto visit = [&](auto& self, const Act& act) -> void {
      marks[act.id] = Mark::in_progress;
      path.push_back(act.id);
      for (const Prerequisite& prerequisite : act.after) {
        const Act* next = m_rules.find_act(prerequisite.act);
        if (!next || next == &act) continue;
        const Mark mark = marks[next->id];
        if (mark == Mark::in_progress) {
          const auto start = std::ranges::find(path, next->id);
          std::string cycle;
          for (auto it = start; it != path.end(); ++it) cycle += std::string(*it) + " -> ";
          error(prerequisite.where, "cycle in \"after\": " + cycle + next->id);
        } else if (mark == Mark::unvisited) {
          self(self, *next);
        }
      }
      path.pop_back();
      marks[act.id] = Mark::done;
    };
    for (const Act& act : m_rules.acts) {
      if (marks[act.id] == Mark::unvisited) visit(visit, act);
    }
  }

  // An escalation chain must end: a role that reaches itself would escalate forever.
  void check_escalation_cycles() {
    for (const Actor& actor : m_rules.actors) {
      if (actor.escalate_to == actor.id) {
        error(actor.escalate_to_where, "actor \"" + actor.id + "\" escalates to itself");
        continue;
      }
      std::vector<std::string_view> chain = {actor.id};
      for (const Actor* next = m_rules.find_actor(actor.escalate_to); next;
           next = m_rules.find_actor(next->escalate_to)) {
        if (next->id == actor.id) {
          std::string cycle;
          for (std::string_view id : chain) cycle += std::string(id) + " -> ";
          // Reported once, at the alphabetically first role of the cycle.
          if (std::ranges::min(chain) == actor.id) {
            error(actor.escalate_to_where, "cycle in \"escalate_to\": " + cycle + actor.id);
          }
          break;
        }
        if (std::ranges::find(chain, next->id) != chain.end()) break;  // a cycle further up
        chain.push_back(next->id);
      }
    }
  }

  void check_duplicate_overrides() {
    const auto& overrides = m_rules.config.overrides;
    for (std::size_t i = 0; i < overrides.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (overrides[i].act == overrides[j].act && overrides[i].deadline == overrides[j].deadline &&
            overrides[i].period == overrides[j].period) {
          const std::string act = overrides[i].deadline.empty()
                                      ? overrides[i].act
                                      : overrides[i].act + ":" + overrides[i].deadline;
          error(overrides[i].where, "duplicate override of act \"" + act + "\" for period \"" +
                                        overrides[i].period + "\" (first at " +
                                        overrides[j].where.to_string() + ")");
          break;
        }
      }
    }
  }

  void check_override(const Override& override) {
    const Act* act = check_act_reference(override.act, override.act_where);
    if (!act) return;
    const bool single = act->deadlines.size() == 1 && act->deadlines[0].name.empty();
    if (!single || !override.deadline.empty()) {
      check_deadline_reference(*act, override.deadline, override.deadline_where);
    }
    if (!is_period_key(act->every, override.period)) {
      const std::string_view form = act->every == Recurrence::year    ? "\"YYYY\""
                                    : act->every == Recurrence::month ? "\"YYYY-MM\""
                                                                      : "\"mandato-YYYY\"";
      error(override.period_where, "invalid period \"" + override.period + "\" for act \"" + act->id +
                                "\": expected " + std::string(form));
    }
  }

  const RuleSet& m_rules;
  Diagnostics& m_errors;
  std::vector<std::string_view> m_actor_ids;
  std::vector<std::string_view> m_act_ids;
};

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_period_key(Recurrence every, std::string_view period) {
  switch (every) {
    case Recurrence::year: return period.size() == 4 && all_digits(period);
    case Recurrence::month:
      return period.size() == 7 && period[4] == '-' && all_digits(period.substr(0, 4)) &&
             all_digits(period.substr(5)) && period.substr(5) >= "01" && period.substr(5) <= "12";
    case Recurrence::mandate:
      return period.size() == 12 && period.starts_with("mandato-") && all_digits(period.substr(8));
  }
  return false;
}

void validate_rule_set(const RuleSet& rules, Diagnostics& errors) {
  Validator(rules, errors).run();
}

}  // namespace scadenzario
