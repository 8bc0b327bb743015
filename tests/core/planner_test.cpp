// The planner: when reminders and escalations fall due and for whom; catch-up after
// downtime; the next wake-up. Times are literals, never the clock.
#include "core/planner.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

using std::chrono::minutes;

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }
LocalTime at(int y, unsigned m, unsigned day, int hour = 9, int minute = 0) {
  return LocalTime{d(y, m, day), minutes{hour * 60 + minute}};
}

// One act due 31/01 (29/01/2027 after the shift): the dirigenti analyse each on their own
// 21 days before, the Giunta approves on the day.
const std::string k_rules = R"(
[[person]]
id = "anna"
name = "Anna Neri"
email = "anna@example.it"
roles = ["dirigenti"]

[[act]]
id = "piano"
title = "Piano della performance"
phase = 1
purpose = "p"
legal_basis = "D.Lgs. 150/2009"
due = "01-31"
  [[act.step]]
  actor = "dirigenti"
  action = "ANALIZZA"
  due = "-21d"
  per_member = true
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"
  reminders = { lead_days = [2, 1] }
)";

struct Fixture {
  RuleSet rules;
  Calendar calendar;
  std::vector<Occurrence> occurrences;
  std::vector<std::vector<Occurrence>> prerequisites;
  StepStates states;

  explicit Fixture(std::vector<StepRecord> records = {})
      : rules(load()), calendar(rules.config.calendar),
        occurrences(expand_year(rules, calendar, 2027)), prerequisites(occurrences.size()),
        states(std::move(records)) {}

  PlannerInput input() const { return {rules, calendar, occurrences, prerequisites, states}; }

  static RuleSet load() {
    Diagnostics errors;
    RuleSet rules = test::parse_with_base(k_rules, "planner.toml", errors);
    for (const Diagnostic& error : errors) FAIL(error.to_string());
    return rules;
  }
};

std::vector<std::string> keys_and_times(const std::vector<Notification>& notifications) {
  std::vector<std::string> lines;
  for (const Notification& n : notifications) lines.push_back(format_it(n.at) + " " + n.key());
  return lines;
}

}  // namespace

TEST_CASE("notifications_between: reminders at the lead days, 09:00, on business days", "[planner]") {
  const Fixture f;
  // analizza is due 08/01/2027 (29/01 - 21 days). Leads 30, 14, 7, 1, 0:
  // 09/12/2026; 25/12 -> 24/12; 01/01 (Capodanno) -> 31/12; 07/01; 08/01.
  const auto notifications = notifications_between(f.input(), at(2026, 12, 1), at(2027, 1, 8, 23, 59));
  CHECK(keys_and_times(notifications) ==
        std::vector<std::string>{
            "09/12/2026 09:00 piano/2027/analizza/anna/reminder/30/anna",
            "24/12/2026 09:00 piano/2027/analizza/anna/reminder/14/anna",
            "31/12/2026 09:00 piano/2027/analizza/anna/reminder/7/anna",
            "07/01/2027 09:00 piano/2027/analizza/anna/reminder/1/anna",
            "08/01/2027 09:00 piano/2027/analizza/anna/reminder/0/anna",
        });
  CHECK(notifications[4].days_left == 0);
  CHECK(notifications[0].days_left == 30);
}

TEST_CASE("notifications_between: two leads brought to the same day give one reminder",
          "[planner]") {
  const Fixture f;
  // approva is due Friday 29/01: leads 2 (27/01) and 1 (28/01) are distinct days...
  auto notifications = notifications_between(f.input(), at(2027, 1, 26), at(2027, 1, 29, 8));
  CHECK(keys_and_times(notifications) ==
        std::vector<std::string>{"27/01/2027 09:00 piano/2027/approva//reminder/2/giunta",
                                 "28/01/2027 09:00 piano/2027/approva//reminder/1/giunta"});
  // ...in 2028 the act falls on Monday 31/01: leads 2 and 1 (Saturday, Sunday) both go
  // to Friday 28/01, once, as the nearer lead.
  Fixture f2028;
  f2028.occurrences = expand_year(f2028.rules, f2028.calendar, 2028);
  f2028.prerequisites.assign(f2028.occurrences.size(), {});
  notifications = notifications_between(f2028.input(), at(2028, 1, 26), at(2028, 1, 30));
  CHECK(keys_and_times(notifications) ==
        std::vector<std::string>{"28/01/2028 09:00 piano/2028/approva//reminder/1/giunta"});
}

TEST_CASE("notifications_between: escalations to the superior, then one level further up",
          "[planner]") {
  const Fixture f;
  // analizza due Friday 08/01; +1 day is Saturday -> Monday 11/01; every 7 days after
  // 09/01: 16/01 (Sat) -> 18/01, 23/01 (Sat) -> 25/01 (17 days late: also the Giunta).
  std::vector<Notification> escalations;
  for (Notification& n : notifications_between(f.input(), at(2027, 1, 9), at(2027, 1, 25, 10))) {
    if (n.kind == NotificationKind::escalation) escalations.push_back(std::move(n));
  }
  CHECK(keys_and_times(escalations) ==
        std::vector<std::string>{
            "11/01/2027 09:00 piano/2027/analizza/anna/escalation/1/segretario_generale",
            "18/01/2027 09:00 piano/2027/analizza/anna/escalation/2/segretario_generale",
            "25/01/2027 09:00 piano/2027/analizza/anna/escalation/3/segretario_generale",
            "25/01/2027 09:00 piano/2027/analizza/anna/escalation/3/giunta",
        });
  CHECK(escalations[0].level == 1);
  CHECK(escalations[3].level == 2);
  CHECK(escalations[0].days_left == -3);
}

TEST_CASE("notifications_between: done and waived steps get nothing", "[planner]") {
  const Fixture f({StepRecord{.key = {"piano/2027", "analizza", "anna"}, .act = "piano"},
                   StepRecord{.key = {"piano/2027", "approva", ""}, .act = "piano",
                              .status = StepStatus::waived}});
  CHECK(notifications_between(f.input(), at(2026, 1, 1), at(2027, 12, 31)).empty());
}

TEST_CASE("notifications_between: a reminder names the open earlier steps", "[planner]") {
  const Fixture f;
  const auto notifications =
      notifications_between(f.input(), at(2027, 1, 27, 8), at(2027, 1, 27, 10));
  REQUIRE(notifications.size() == 1);
  CHECK(notifications[0].key() == "piano/2027/approva//reminder/2/giunta");
  REQUIRE(notifications[0].waiting_for.size() == 1);
  CHECK(notifications[0].waiting_for[0].step == "analizza");
}

TEST_CASE("notifications_between: send_at is the local time of every notification", "[planner]") {
  Fixture f;
  f.rules.config.send_at = minutes{8 * 60 + 30};
  const auto notifications = notifications_between(f.input(), at(2027, 1, 7, 0), at(2027, 1, 7, 23));
  REQUIRE(notifications.size() == 1);
  CHECK(notifications[0].at == at(2027, 1, 7, 8, 30));
}

TEST_CASE("due_now: after downtime only the most recent notification of each step, late",
          "[planner]") {
  const Fixture f;
  // Down from 01/12/2026 to 12/01/2027 10:00: analizza had 5 reminders and 1 escalation.
  const auto due = due_now(f.input(), at(2026, 12, 1), at(2027, 1, 12, 10));
  REQUIRE(due.size() == 1);
  CHECK(due[0].key() == "piano/2027/analizza/anna/escalation/1/segretario_generale");
  CHECK(due[0].late);
  // On time: woken at 09:00 exactly, nothing is late.
  const auto on_time = due_now(f.input(), at(2027, 1, 7, 8, 59), at(2027, 1, 7, 9, 0));
  REQUIRE(on_time.size() == 1);
  CHECK_FALSE(on_time[0].late);
}

TEST_CASE("due_now: nothing between two runs that bracket no notification", "[planner]") {
  const Fixture f;
  CHECK(due_now(f.input(), at(2027, 1, 7, 9, 0), at(2027, 1, 7, 23, 0)).empty());
}

TEST_CASE("next_notification_time: the first instant after now", "[planner]") {
  const Fixture f;
  CHECK(next_notification_time(f.input(), at(2027, 1, 7, 9, 0)) == at(2027, 1, 8));
  CHECK(next_notification_time(f.input(), at(2027, 1, 7, 8, 0)) == at(2027, 1, 7));
  const Fixture done({StepRecord{.key = {"piano/2027", "analizza", "anna"}},
                      StepRecord{.key = {"piano/2027", "approva", ""}}});
  CHECK(next_notification_time(done.input(), at(2027, 1, 7)) == std::nullopt);
}

TEST_CASE("effective_policy: the step's keys, else the act's, else the global ones", "[planner]") {
  const Fixture f;
  const Act& act = f.rules.acts.back();
  const EffectivePolicy analyse = effective_policy(f.rules, act, act.steps[0]);
  CHECK(analyse.lead_days == std::vector<int>{30, 14, 7, 1, 0});
  const EffectivePolicy approve = effective_policy(f.rules, act, act.steps[1]);
  CHECK(approve.lead_days == std::vector<int>{2, 1});
  CHECK(approve.repeat_every_days == 7);
}

}  // namespace scadenzario
