// The rules of progress, pure: standings on a given day, earlier steps and prerequisite
// acts, per-member steps, and occurrences that predate tracking.
#include "core/progress.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }

// Preventivo (31/12, refers to next year) before the Piano (31/01, same year); the
// dirigenti analyse one by one.
const std::string k_rules = R"(
[[person]]
id = "anna"
name = "Anna"
email = "anna@example.it"
roles = ["dirigenti"]

[[person]]
id = "bruno"
name = "Bruno"
email = "bruno@example.it"
roles = ["dirigenti"]

[[act]]
id = "preventivo"
title = "Preventivo economico"
phase = 1
purpose = "p"
legal_basis = "DPR 254/2005"
due = "12-31"
refers_to = "next-year"
  [[act.step]]
  actor = "consiglio"
  action = "APPROVA"

[[act]]
id = "piano"
title = "Piano della performance"
phase = 1
purpose = "p"
legal_basis = "D.Lgs. 150/2009"
due = "01-31"
after = ["preventivo"]
  [[act.step]]
  actor = "dirigenti"
  action = "ANALIZZA"
  due = "-10d"
  per_member = true
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"
)";

RuleSet rules() {
  Diagnostics errors;
  RuleSet parsed = test::parse_with_base(k_rules, "progress.toml", errors);
  for (const Diagnostic& error : errors) FAIL(error.to_string());
  return parsed;
}

StepRecord done(std::string occurrence, std::string step, std::string member = "") {
  return StepRecord{.key = {std::move(occurrence), std::move(step), std::move(member)}, .act = "x"};
}

const Occurrence& find(const std::vector<Occurrence>& plan, std::string_view act) {
  for (const Occurrence& o : plan) {
    if (o.act->id == act) return o;
  }
  FAIL("no occurrence of " << act);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("prerequisites_of: the preventivo that concerns the same year", "[progress]") {
  const RuleSet r = rules();
  const Calendar calendar(r.config.calendar);
  const auto plan = expand_year(r, calendar, 2027);
  const auto prerequisites = prerequisites_of(r, calendar, find(plan, "piano"));
  REQUIRE(prerequisites.size() == 1);
  CHECK(prerequisites[0].key() == "preventivo/2026");  // due 31/12/2026, concerns 2027
}

TEST_CASE("evaluate: per-member steps, blocked, late and done on a given day", "[progress]") {
  const RuleSet r = rules();
  const Calendar calendar(r.config.calendar);
  const auto plan = expand_year(r, calendar, 2027);
  const Occurrence& piano = find(plan, "piano");
  const auto prerequisites = prerequisites_of(r, calendar, piano);
  const StepStates states({done("piano/2027", "analizza", "anna")});

  // 29/01/2027 (Friday, 31/01 is a Sunday); analizza 10 days before: 19/01.
  const auto progress = evaluate(r, piano, prerequisites, states, d(2027, 1, 25));
  REQUIRE(progress.size() == 3);
  CHECK(progress[0].member == "anna");
  CHECK(progress[0].standing == Standing::done);
  CHECK(progress[1].member == "bruno");
  CHECK(progress[1].standing == Standing::late);
  CHECK(progress[1].days_late == 6);
  REQUIRE(progress[1].waiting_for.size() == 1);
  CHECK(progress[1].waiting_for[0].occurrence == "preventivo/2026");
  CHECK(progress[2].standing == Standing::blocked);  // bruno and the preventivo are open
  CHECK(progress[2].waiting_for.size() == 2);
  CHECK(progress[2].waiting_for[0].step == "analizza");
}

TEST_CASE("open_requirements: nothing open once the earlier steps and prerequisites are done",
          "[progress]") {
  const RuleSet r = rules();
  const Calendar calendar(r.config.calendar);
  const auto plan = expand_year(r, calendar, 2027);
  const Occurrence& piano = find(plan, "piano");
  const auto prerequisites = prerequisites_of(r, calendar, piano);
  const StepStates states({done("piano/2027", "analizza", "anna"), done("piano/2027", "analizza", "bruno"),
                           done("preventivo/2026", "approva")});
  CHECK(open_requirements(r, piano, 1, prerequisites, states).empty());
  CHECK(is_complete(r, prerequisites[0], states));
  CHECK_FALSE(is_complete(r, piano, states));
}

TEST_CASE("tracked_from: earlier occurrences count as complete and are untracked", "[progress]") {
  RuleSet r = rules();
  r.config.tracked_from = d(2027, 1, 1);
  const Calendar calendar(r.config.calendar);
  const auto plan = expand_year(r, calendar, 2027);
  const Occurrence& piano = find(plan, "piano");
  const auto prerequisites = prerequisites_of(r, calendar, piano);
  CHECK(is_untracked(r, prerequisites[0]));
  CHECK(is_complete(r, prerequisites[0], StepStates{}));
  const auto progress = evaluate(r, prerequisites[0], {}, StepStates{}, d(2027, 2, 1));
  REQUIRE(progress.size() == 1);
  CHECK(progress[0].standing == Standing::untracked);
  CHECK(progress[0].days_late == 0);
}

TEST_CASE("members_of_step: a per-member step of a role with no people has one shared state",
          "[progress]") {
  const RuleSet r = rules();
  Step step{.id = "x", .actor = "oiv", .action = "VALIDA", .per_member = true};
  CHECK(members_of_step(r, step) == std::vector<std::string>{""});
  step.actor = "dirigenti";
  CHECK(members_of_step(r, step) == std::vector<std::string>{"anna", "bruno"});
}

}  // namespace scadenzario
