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

// Generates the notifications of one open step (one member) inside (from, to].
class StepPlanner {
public:
  StepPlanner(const PlannerInput& input, const Occurrence& occurrence, const ScheduledStep& step,
              std::string member, std::vector<OpenRequirement> waiting_for)
      : m_input(input), m_occurrence(occurrence), m_step(step), m_member(std::move(member)),
        m_waiting_for(std::move(waiting_for)),
        m_policy(effective_policy(input.rules, *occurrence.act, *step.step)) {}

  void reminders(LocalTime from, LocalTime to, std::vector<Notification>& out) const {
    // (lead, day) pairs, most distant first; two leads brought to one day keep the nearer.
    std::vector<std::pair<int, Date>> days;
    for (const int lead : m_policy.lead_days) {
      const Date day =
          m_input.calendar.shift(add_days(m_step.due, -lead), ShiftRule::previous_business_day);
      if (!days.empty() && days.back().second == day) days.pop_back();
      days.emplace_back(lead, day);
    }
    for (const auto& [lead, day] : days) {
      add(NotificationKind::reminder, lead, recipient(), 0, day, from, to, out);
    }
  }

  void escalations(LocalTime from, LocalTime to, std::vector<Notification>& out) const {
    const Actor* actor = m_input.rules.find_actor(m_step.step->actor);
    const Actor* superior = actor ? m_input.rules.find_actor(actor->escalate_to) : nullptr;
    if (!superior) return;
    const Actor* further = m_input.rules.find_actor(superior->escalate_to);
    const Date due = m_step.due;
    for (int n = 1;; ++n) {
      const int offset = m_policy.escalate_after_days + (n - 1) * m_policy.repeat_every_days;
      const Date day = m_input.calendar.shift(add_days(due, offset), ShiftRule::next_business_day);
      if (day > to.date) break;
      add(NotificationKind::escalation, n, superior->id, 1, day, from, to, out);
      if (further && days_between(due, day) >= m_policy.escalate_further_after_days) {
        add(NotificationKind::escalation, n, further->id, 2, day, from, to, out);
      }
      if (m_policy.repeat_every_days <= 0) break;
    }
  }

private:
  std::string recipient() const { return m_member.empty() ? m_step.step->actor : m_member; }

  void add(NotificationKind kind, int sequence, std::string recipient, int level, Date day,
           LocalTime from, LocalTime to, std::vector<Notification>& out) const {
    const LocalTime at{day, m_input.rules.config.send_at};
    if (at <= from || at > to) return;
    out.push_back(Notification{.kind = kind,
                               .occurrence = &m_occurrence,
                               .step = &m_step,
                               .member = m_member,
                               .sequence = sequence,
                               .recipient = std::move(recipient),
                               .level = level,
                               .at = at,
                               .days_left = days_between(day, m_step.due),
                               .waiting_for = m_waiting_for});
  }

  const PlannerInput& m_input;
  const Occurrence& m_occurrence;
  const ScheduledStep& m_step;
  std::string m_member;
  std::vector<OpenRequirement> m_waiting_for;
  EffectivePolicy m_policy;
};

void sort_notifications(std::vector<Notification>& notifications) {
  std::ranges::stable_sort(notifications, [](const Notification& a, const Notification& b) {
    return std::tuple(a.at, a.days_left, a.occurrence->key(), a.step->step->id, a.member, a.level,
                      a.recipient) <
           std::tuple(b.at, b.days_left, b.occurrence->key(), b.step->step->id, b.member, b.level,
                      b.recipient);
  });
}

}  // namespace

std::vector<Notification> notifications_between(const PlannerInput& input, LocalTime from,
                                                LocalTime to) {
  std::vector<Notification> out;
  for (std::size_t i = 0; i < input.occurrences.size(); ++i) {
    const Occurrence& occurrence = input.occurrences[i];
    if (is_untracked(input.rules, occurrence)) continue;
    const std::string key = occurrence.key();
    for (std::size_t j = 0; j < occurrence.steps.size(); ++j) {
      const ScheduledStep& step = occurrence.steps[j];
      std::optional<std::vector<OpenRequirement>> waiting;  // computed once per step, if needed
      for (std::string& member : members_of_step(input.rules, *step.step)) {
        if (input.states.find(key, step.step->id, member)) continue;
        if (!waiting) {
          waiting = open_requirements(input.rules, occurrence, j, input.prerequisites[i], input.states);
        }
        const StepPlanner planner(input, occurrence, step, std::move(member), *waiting);
        planner.reminders(from, to, out);
        planner.escalations(from, to, out);
      }
    }
  }
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
  const auto upcoming = notifications_between(input, now, horizon);
  if (upcoming.empty()) return std::nullopt;
  return upcoming.front().at;
}

}  // namespace scadenzario
