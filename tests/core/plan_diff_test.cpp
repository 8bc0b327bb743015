// What an edit of the rules changes in the plan.
#include "core/plan_diff.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }

std::vector<Occurrence> plan_of(const RuleSet& rules) {
  return expand_year(rules, Calendar(rules.config.calendar), 2027);
}

RuleSet rules_from(const std::string& text) {
  Diagnostics errors;
  RuleSet rules = test::parse_with_base(text, "test.toml", errors);
  for (const Diagnostic& error : errors) FAIL(error.to_string());
  return rules;
}

std::string act(const std::string& id, const std::string& title, const std::string& due,
                const std::string& first_offset) {
  return "[[act]]\nid = \"" + id + "\"\ntitle = \"" + title +
         "\"\nphase = 1\npurpose = \"p\"\nlegal_basis = \"x\"\ndue = \"" + due +
         "\"\n  [[act.step]]\n  actor = \"segretario_generale\"\n  action = \"PREDISPONE\"\n"
         "  due = \"" + first_offset + "\"\n  [[act.step]]\n  actor = \"giunta\"\n"
         "  action = \"APPROVA\"\n";
}

}  // namespace

TEST_CASE("diff_plans: identical rules give no change", "[diff]") {
  const RuleSet rules = rules_from(act("piano", "Piano", "01-31", "-21d"));
  CHECK(diff_plans(plan_of(rules), plan_of(rules)).empty());
}

TEST_CASE("diff_plans: a retitled act is not a change", "[diff]") {
  const RuleSet before = rules_from(act("piano", "Piano della performance", "01-31", "-21d"));
  const RuleSet after = rules_from(act("piano", "PIAO, sezione Performance", "01-31", "-21d"));
  CHECK(diff_plans(plan_of(before), plan_of(after)).empty());
}

TEST_CASE("diff_plans: moved step, added act, removed act", "[diff]") {
  const RuleSet before = rules_from(act("piano", "Piano", "01-31", "-21d") +
                                    act("vecchio", "Vecchio", "03-31", "-5d"));
  const RuleSet after = rules_from(act("piano", "Piano", "01-31", "-10d") +
                                   act("nuovo", "Nuovo", "05-31", "-5d"));
  const auto changes = diff_plans(plan_of(before), plan_of(after));
  REQUIRE(changes.size() == 7);
  // Sorted by date: the moved step first (19/01), then the removed act (26/03 .. 31/03),
  // then the added one (26/05 .. 31/05).
  CHECK(changes[0].kind == PlanChange::Kind::moved);
  CHECK(changes[0].occurrence_key == "piano/2027");
  CHECK(changes[0].step_id == "predispone");
  CHECK(changes[0].before == d(2027, 1, 8));
  CHECK(changes[0].after == d(2027, 1, 19));
  CHECK(changes[1].kind == PlanChange::Kind::removed);
  CHECK(changes[1].occurrence_key == "vecchio/2027");
  CHECK(changes[1].before == d(2027, 3, 26));
  CHECK_FALSE(changes[1].after.has_value());
  CHECK(changes[4].kind == PlanChange::Kind::added);
  CHECK(changes[4].occurrence_key == "nuovo/2027");
  CHECK(changes[4].title == "Nuovo");
  CHECK(changes[6].after == d(2027, 5, 31));
}

}  // namespace scadenzario
