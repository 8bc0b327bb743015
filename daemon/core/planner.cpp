#include "core/planner.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

namespace scadenzario {

std::string format_it(const LocalTime& time) {
  char clock[8];
  const auto minutes = time.time_of_day.count();
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return format_it(time.date) + " " + clock;
}

std::string_view to_string(NotificationKind kind) {
  return kind == NotificationKind::reminder ? "reminder" : "escalation";
}

std::string Notification::key() const {
  return occurrence->key() + "/" + step->step->id + "/" + member + "/" + std::string(to_string(kind)) +
         "/" + std::to_string(sequence) + "/" + recipient;
}

EffectivePolicy effective_policy(const RuleSet& rules, const Act& act, const Step& step) {
  const ReminderPolicy& global = rules.config.reminders;
  auto pick = [&](auto field) {
    if (step.reminders.*field) return *(step.reminders.*field);
    if (act.reminders.*field) return *(act.reminders.*field);
    return *(global.*field);
  };
  return EffectivePolicy{.lead_days = pick(&ReminderPolicy::lead_days),
                         .escalate_after_days = pick(&ReminderPolicy::escalate_after_days),
                         .repeat_every_days = pick(&ReminderPolicy::repeat_every_days),
                         .escalate_further_after_days =
                             pick(&ReminderPolicy::escalate_further_after_days)};
}

namespace {

std::int64_t minutes_since_epoch(const LocalTime& time) {
  return static_cast<std::int64_t>(std::chrono::sys_days{time.date}.time_since_epoch().count()) * 1440 +
         time.time_of_day.count();
}

// One instant at which an open step (one member) is notified, before it is dressed as a
// Notification: planning a year ahead for thousands of acts makes only these.
struct Slot {
  NotificationKind kind = NotificationKind::reminder;
  int sequence = 0;
  std::string_view recipient;
  int level = 0;
  Date day;
};

// Generates the slots of one step (one member) up to a day, in no particular order.
class StepPlanner {
public:
  StepPlanner(const PlannerInput& input, const Occurrence& occurrence, const ScheduledStep& step,
              std::string_view member)
      : m_input(input), m_step(step), m_member(member),
        m_policy(effective_policy(input.rules, *occurrence.act, *step.step)) {}

  template <class Visit>
  void slots(Date until, Visit&& visit) const {
    reminders(until, visit);
    escalations(until, visit);
  }

private:
  template <class Visit>
  void reminders(Date until, Visit& visit) const {
    // Leads come most distant first; two leads brought to one day keep the nearer.
    const std::string_view to = m_member.empty() ? std::string_view(m_step.step->actor) : m_member;
    std::optional<Slot> pending;
    for (const int lead : m_policy.lead_days) {
      const Date day =
          m_input.calendar.shift(add_days(m_step.due, -lead), ShiftRule::previous_business_day);
      if (pending && pending->day != day && pending->day <= until) visit(*pending);
      pending = Slot{NotificationKind::reminder, lead, to, 0, day};
    }
    if (pending && pending->day <= until) visit(*pending);
  }

  template <class Visit>
  void escalations(Date until, Visit& visit) const {
    const Actor* actor = m_input.rules.find_actor(m_step.step->actor);
    const Actor* superior = actor ? m_input.rules.find_actor(actor->escalate_to) : nullptr;
    if (!superior) return;
    const Actor* further = m_input.rules.find_actor(superior->escalate_to);
    const Date due = m_step.due;
    for (int n = 1;; ++n) {
      const int offset = m_policy.escalate_after_days + (n - 1) * m_policy.repeat_every_days;
      const Date day = m_input.calendar.shift(add_days(due, offset), ShiftRule::next_business_day);
      if (day > until) break;
      visit(Slot{NotificationKind::escalation, n, superior->id, 1, day});
      if (further && days_between(due, day) >= m_policy.escalate_further_after_days) {
        visit(Slot{NotificationKind::escalation, n, further->id, 2, day});
      }
      if (m_policy.repeat_every_days <= 0) break;
    }
  }

  const PlannerInput& m_input;
  const ScheduledStep& m_step;
  std::string_view m_member;
  EffectivePolicy m_policy;
};

// Calls visit(occurrence index, step index, member) for every step and member still open.
template <class Visit>
void for_each_open_step(const PlannerInput& input, Visit&& visit) {
  for (std::size_t i = 0; i < input.occurrences.size(); ++i) {
    const Occurrence& occurrence = input.occurrences[i];
    if (is_untracked(input.rules, occurrence)) continue;
    const std::string key = occurrence.key();
    for (std::size_t j = 0; j < occurrence.steps.size(); ++j) {
      const ScheduledStep& step = occurrence.steps[j];
      for (const std::string& member : members_of_step(input.rules, *step.step)) {
        if (!input.states.find(key, step.step->id, member)) visit(i, j, member);
      }
    }
  }
}

void sort_notifications(std::vector<Notification>& notifications) {
  // Keys are built once per notification, not once per comparison.
  std::vector<std::pair<std::string, std::size_t>> order;
  order.reserve(notifications.size());
  for (std::size_t i = 0; i < notifications.size(); ++i) {
    order.emplace_back(notifications[i].occurrence->key(), i);
  }
  auto rank = [&](const std::pair<std::string, std::size_t>& entry) {
    const Notification& n = notifications[entry.second];
    return std::tie(n.at, n.days_left, entry.first, n.step->step->id, n.member, n.level, n.recipient);
  };
  std::ranges::stable_sort(order, [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  std::vector<Notification> sorted;
  sorted.reserve(notifications.size());
  for (const auto& entry : order) sorted.push_back(std::move(notifications[entry.second]));
  notifications = std::move(sorted);
}

}  // namespace

std::vector<Notification> notifications_between(const PlannerInput& input, LocalTime from,
                                                LocalTime to) {
  std::vector<Notification> out;
  const std::chrono::minutes send_at = input.rules.config.send_at;
  for_each_open_step(input, [&](std::size_t i, std::size_t j, const std::string& member) {
    const Occurrence& occurrence = input.occurrences[i];
    const ScheduledStep& step = occurrence.steps[j];
    // What the step waits for is computed only for a step with something to send.
    std::optional<std::vector<OpenRequirement>> waiting;
    StepPlanner(input, occurrence, step, member).slots(to.date, [&](const Slot& slot) {
      const LocalTime at{slot.day, send_at};
      if (at <= from || at > to) return;
      if (!waiting) {
        waiting = open_requirements(input.rules, occurrence, j, input.prerequisites[i], input.states);
      }
      out.push_back(Notification{.kind = slot.kind,
                                 .occurrence = &occurrence,
                                 .step = &step,
                                 .member = member,
                                 .sequence = slot.sequence,
                                 .recipient = std::string(slot.recipient),
                                 .level = slot.level,
                                 .at = at,
                                 .days_left = days_between(slot.day, step.due),
                                 .waiting_for = *waiting});
    });
  });
  sort_notifications(out);
  return out;
}

std::vector<Notification> due_now(const PlannerInput& input, LocalTime last_run, LocalTime now,
                                  std::chrono::minutes tolerance) {
  std::vector<Notification> all = notifications_between(input, last_run, now);
  // The most recent instant of each step and member: older ones are a backlog.
  std::map<std::tuple<std::string, std::string, std::string>, LocalTime> latest;
  for (const Notification& n : all) {
    auto& at = latest[{n.occurrence->key(), n.step->step->id, n.member}];
    at = std::max(at, n.at);
  }
  std::vector<Notification> due;
  for (Notification& n : all) {
    if (latest[{n.occurrence->key(), n.step->step->id, n.member}] != n.at) continue;
    n.late = minutes_since_epoch(now) - minutes_since_epoch(n.at) > tolerance.count();
    due.push_back(std::move(n));
  }
  return due;
}

std::optional<LocalTime> next_notification_time(const PlannerInput& input, LocalTime now,
                                                int horizon_days) {
  const LocalTime horizon{add_days(now.date, horizon_days), now.time_of_day};
  const std::chrono::minutes send_at = input.rules.config.send_at;
  std::optional<LocalTime> next;
  for_each_open_step(input, [&](std::size_t i, std::size_t j, const std::string& member) {
    const Occurrence& occurrence = input.occurrences[i];
    const Date until = next ? next->date : horizon.date;
    StepPlanner(input, occurrence, occurrence.steps[j], member).slots(until, [&](const Slot& slot) {
      const LocalTime at{slot.day, send_at};
      if (at > now && at <= horizon && (!next || at < *next)) next = at;
    });
  });
  return next;
}

}  // namespace scadenzario
