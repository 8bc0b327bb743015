#include "core/rule_validator.hpp"

#include "core/schedule.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <unordered_map>

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

// Returns "a -> b -> c", eliding the middle of very long chains.
std::string render_chain(const std::vector<std::string_view>& chain) {
  constexpr std::size_t k_shown_at_each_end = 4;
  std::string text;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (chain.size() > 3 * k_shown_at_each_end && i == k_shown_at_each_end) {
      text += "... (" + std::to_string(chain.size() - 2 * k_shown_at_each_end) + " more) -> ";
      i = chain.size() - k_shown_at_each_end;
    }
    text += std::string(chain[i]) + (i + 1 < chain.size() ? " -> " : "");
  }
  return text;
}

class Validator {
public:
  Validator(const RuleSet& rules, Diagnostics& errors)
      : m_rules(rules), m_errors(errors), m_calendar(rules.config.calendar),
        m_actor_ids(ids_of(rules.actors)),
        m_act_ids(ids_of(rules.acts)) {
    for (const Act& act : rules.acts) m_acts_by_id.emplace(act.id, &act);
    for (const Actor& actor : rules.actors) m_actors_by_id.emplace(actor.id, &actor);
  }

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
    for (const Act& act : m_rules.acts) {
      check_act(act);
      check_mixed_step_order(act);
    }
    check_cycles();
    check_escalation_cycles();
    for (const Override& override : m_rules.config.overrides) check_override(override);
    check_duplicate_overrides();
    check_webhooks(m_rules.config.delivery.webhooks, m_rules.config.delivery.webhooks_where);
    for (const Actor& actor : m_rules.actors) check_webhooks(actor.webhooks, actor.webhooks_where);
  }

private:
  void error(const SourceLocation& where, std::string message) {
    m_errors.push_back({where, std::move(message)});
  }

  const Actor* find_actor(std::string_view id) const {
    const auto it = m_actors_by_id.find(id);
    return it == m_actors_by_id.end() ? nullptr : it->second;
  }

  void check_actor(const std::string& id, const SourceLocation& where) {
    if (find_actor(id)) return;
    error(where, "unknown actor \"" + id + "\"" + did_you_mean(id, m_actor_ids));
  }

  // Reports every name in `names` (written at `where`, parallel) that no [[webhook]] has.
  void check_webhooks(const std::vector<std::string>& names, const std::vector<SourceLocation>& where) {
    const Delivery& delivery = m_rules.config.delivery;
    std::vector<std::string_view> known;
    for (const WebhookSettings& webhook : delivery.webhook_targets) known.push_back(webhook.name);
    for (std::size_t i = 0; i < names.size() && i < where.size(); ++i) {
      if (delivery.find_webhook(names[i])) continue;
      error(where[i], "unknown webhook \"" + names[i] + "\"" + did_you_mean(names[i], known) +
                          (known.empty() ? "; define it with [[webhook]] in the configuration" : ""));
    }
  }

  const Act* check_act_reference(const std::string& id, const SourceLocation& where) {
    const Act* act = find_act(id);
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
                                 "[[mandate]] dates (" + m_rules.config.where.file.str() + ")");
    }
  }

  // Depth-first search over `after` with an explicit stack (a chain of thousands of acts
  // must not overflow the call stack); reports each cycle once, where it closes.
  void check_cycles() {
    enum class Mark { unvisited, in_progress, done };
    std::unordered_map<const Act*, Mark> marks;
    struct Frame {
      const Act* act;
      std::size_t next_prerequisite;
    };
    for (const Act& root : m_rules.acts) {
      if (marks[&root] != Mark::unvisited) continue;
      std::vector<Frame> stack = {{&root, 0}};
      marks[&root] = Mark::in_progress;
      while (!stack.empty()) {
        Frame& frame = stack.back();
        if (frame.next_prerequisite == frame.act->after.size()) {
          marks[frame.act] = Mark::done;
          stack.pop_back();
          continue;
        }
        const Prerequisite& prerequisite = frame.act->after[frame.next_prerequisite++];
        const Act* next = find_act(prerequisite.act);
        if (!next || next == frame.act) continue;
        const Mark mark = marks[next];
        if (mark == Mark::unvisited) {
          marks[next] = Mark::in_progress;
          stack.push_back({next, 0});
        } else if (mark == Mark::in_progress) {
          std::vector<std::string_view> cycle;
          const auto start = std::ranges::find(stack, next, &Frame::act);
          for (auto it = start; it != stack.end(); ++it) cycle.push_back(it->act->id);
          cycle.push_back(next->id);
          error(prerequisite.where, "cycle in \"after\": " + render_chain(cycle));
        }
      }
    }
  }

  const Act* find_act(std::string_view id) const {
    const auto it = m_acts_by_id.find(id);
    return it == m_acts_by_id.end() ? nullptr : it->second;
  }

  // An escalation chain must end: a role that reaches itself would escalate forever.
  void check_escalation_cycles() {
    for (const Actor& actor : m_rules.actors) {
      if (actor.escalate_to == actor.id) {
        error(actor.escalate_to_where, "actor \"" + actor.id + "\" escalates to itself");
        continue;
      }
      std::vector<std::string_view> chain = {actor.id};
      for (const Actor* next = find_actor(actor.escalate_to); next;
           next = find_actor(next->escalate_to)) {
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
      return;
    }
    if (act->find_deadline(override.deadline)) check_override_target(*act, override);
  }

  // A proroga must name an occurrence that exists, and move it by less than a year.
  void check_override_target(const Act& act, const Override& override) {
    const int year = std::stoi(act.every == Recurrence::mandate ? override.period.substr(8)
                                                                : override.period.substr(0, 4));
    std::vector<Occurrence> occurrences;
    // Mandate acts fall due years after the mandate starts; look over the mandate too.
    expand_act(m_rules, m_calendar, act, make_date(year, 1, 1), make_date(year + 6, 12, 31),
               occurrences);
    const auto it = std::ranges::find_if(occurrences, [&](const Occurrence& o) {
      return o.deadline->name == override.deadline && o.period.key() == override.period;
    });
    if (it == occurrences.end()) {
      error(override.period_where, "act \"" + act.id + "\" has no occurrence in period \"" +
                                       override.period + "\" (the period is the year of the "
                                       "legal due date; see valid_from and valid_until)");
      return;
    }
    constexpr int k_max_proroga_days = 366;
    if (std::abs(days_between(it->legal_due, override.due)) > k_max_proroga_days) {
      error(override.where, "the proroga moves " + it->key() + " from " + format_iso(it->legal_due) +
                                " to " + format_iso(override.due) + ", more than a year");
    }
  }

  // Steps written in different units (d, bd) can only be compared on dates: check that
  // they keep their order in the years around now.
  void check_mixed_step_order(const Act& act) {
    const auto unit = [](const Step& s) { return s.offset.unit; };
    if (act.steps.empty() ||
        std::ranges::all_of(act.steps, [&](const Step& s) { return unit(s) == unit(act.steps[0]); })) {
      return;
    }
    std::vector<Occurrence> occurrences;
    expand_act(m_rules, m_calendar, act, make_date(k_order_check_first_year, 1, 1),
               make_date(k_order_check_last_year, 12, 31), occurrences);
    for (const Occurrence& occurrence : occurrences) {
      for (std::size_t i = 1; i < occurrence.steps.size(); ++i) {
        const ScheduledStep& earlier = occurrence.steps[i - 1];
        const ScheduledStep& later = occurrence.steps[i];
        if (later.due < earlier.due) {
          error(later.step->offset_where,
                "steps out of order in act \"" + act.id + "\": \"" + later.step->id + "\" (" +
                    to_string(later.step->offset) + ") falls due on " + format_iso(later.due) +
                    ", before \"" + earlier.step->id + "\" (" + to_string(earlier.step->offset) +
                    ") listed earlier, on " + format_iso(earlier.due));
          return;
        }
      }
    }
  }

  // The span over which steps in mixed units are checked for order.
  static constexpr int k_order_check_first_year = 2020;
  static constexpr int k_order_check_last_year = 2035;

  const RuleSet& m_rules;
  Diagnostics& m_errors;
  Calendar m_calendar;
  std::vector<std::string_view> m_actor_ids;
  std::vector<std::string_view> m_act_ids;
  std::unordered_map<std::string_view, const Act*> m_acts_by_id;
  std::unordered_map<std::string_view, const Actor*> m_actors_by_id;
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
