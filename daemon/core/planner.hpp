// The planner: which reminders and escalations fall due, for whom, and when. Pure:
// occurrences, recorded states, the reminder policy and the time are passed in, and
// times are local civil times of the body's time zone (the edge converts).
//
// Reminders go out `lead_days` before a step's due date at `send_at`, brought forward
// to the previous business day; escalations go to the actor's `escalate_to` from
// `escalate_after_days` after the due date, every `repeat_every_days`, and also one level
// further up once the step is `escalate_further_after_days` late. Done, waived and
// untracked steps get nothing.
#pragma once

#include "core/progress.hpp"
#include "core/schedule.hpp"
#include "core/step_state.hpp"

#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <vector>

namespace scadenzario {

// A wall-clock time in the body's time zone.
struct LocalTime {
  Date date;
  std::chrono::minutes time_of_day{0};

  friend auto operator<=>(const LocalTime&, const LocalTime&) = default;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

// Returns "dd/mm/yyyy hh:mm".
std::string format_it(const LocalTime& time);

// The policy that applies to a step: its own keys, else its act's, else the global ones.
struct EffectivePolicy {
  std::vector<int> lead_days;  // most distant first
  int escalate_after_days = 1;
  int repeat_every_days = 7;
  int escalate_further_after_days = 15;
};

EffectivePolicy effective_policy(const RuleSet& rules, const Act& act, const Step& step);

enum class NotificationKind { reminder, escalation };

std::string_view to_string(NotificationKind kind);

struct Notification {
  NotificationKind kind = NotificationKind::reminder;
  const Occurrence* occurrence = nullptr;
  const ScheduledStep* step = nullptr;
  std::string member;       // person id for per-member steps, else ""
  int sequence = 0;         // reminder: days before the due date; escalation: 1, 2, ...
  std::string recipient;    // an actor id (role), or a person id for per-member steps
  int level = 0;            // 0: the step's actor; 1: its escalate_to; 2: one further up
  LocalTime at;
  int days_left = 0;        // due date minus the day it goes out; negative when late
  bool late = false;        // sent after its time (catch-up after downtime)
  std::vector<OpenRequirement> waiting_for;

  // Returns the stable key: occurrence/step/member/kind/sequence/recipient.
  std::string key() const;
};

// The inputs the planner reads; all must outlive the call.
struct PlannerInput {
  const RuleSet& rules;
  const Calendar& calendar;
  const std::vector<Occurrence>& occurrences;
  const std::vector<std::vector<Occurrence>>& prerequisites;  // parallel to occurrences
  const StepStates& states;
};

// Returns every notification with `from` < at <= `to` for steps still open, sorted by
// time, then most urgent first (fewest days left).
std::vector<Notification> notifications_between(const PlannerInput& input, LocalTime from,
                                                LocalTime to);

// Returns what is due at `now` after the last run at `last_run`: the notifications in
// (last_run, now], keeping only the most recent one of each step, member and recipient
// (after downtime the backlog is not replayed); those more than `tolerance` before `now`
// are marked late.
std::vector<Notification> due_now(const PlannerInput& input, LocalTime last_run, LocalTime now,
                                  std::chrono::minutes tolerance = std::chrono::minutes{10});

// Returns the time of the first notification after `now`, looking at most `horizon_days`
// ahead.
std::optional<LocalTime> next_notification_time(const PlannerInput& input, LocalTime now,
                                                int horizon_days = 400);

}  // namespace scadenzario
