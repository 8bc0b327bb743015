// Expanding rules into dated occurrences: recurrences, shifting, business-day offsets,
// validity years, proroghe, disabled acts and steps, ordering.
#include "core/schedule.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }

RuleSet rules_from(const std::string& text) {
  Diagnostics errors;
  RuleSet rules = test::parse_with_base(text, "test.toml", errors);
  for (const Diagnostic& error : errors) FAIL(error.to_string());
  return rules;
}

const std::string k_two_acts = R"(
[[act]]
id = "preventivo"
title = "Preventivo economico"
phase = 1
purpose = "p"
legal_basis = "DPR 254/2005, art. 6"
due = "12-31"
refers_to = "next-year"
  [[act.step]]
  actor = "giunta"
  action = "PREDISPONE"
  due = "-30d"
  [[act.step]]
  actor = "consiglio"
  action = "APPROVA"

[[act]]
id = "rpp"
title = "Relazione previsionale e programmatica"
phase = 1
purpose = "p"
legal_basis = "DPR 254/2005, art. 5"
due = "10-last"
refers_to = "next-year"
  [[act.step]]
  actor = "giunta"
  action = "PREDISPONE"
  due = "-10bd"
  [[act.step]]
  actor = "consiglio"
  action = "APPROVA"
)";

}  // namespace

TEST_CASE("expand_year: occurrences sorted by due date, with reference years", "[schedule]") {
  const RuleSet rules = rules_from(k_two_acts);
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2027);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].key() == "rpp/2027");
  CHECK(plan[0].due == d(2027, 10, 29));  // Sunday 31/10 -> Friday 29/10
  CHECK(plan[0].reference_year == 2028);
  CHECK(plan[1].key() == "preventivo/2027");
  CHECK(plan[1].steps[0].due == d(2027, 12, 1));
}

TEST_CASE("expand_year: business-day offsets count back from the shifted act date", "[schedule]") {
  const RuleSet rules = rules_from(k_two_acts);
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2027);
  // 10 business days before Friday 29/10/2027: 28, 27, 26, 25, 22, 21, 20, 19, 18, 15.
  CHECK(plan[0].steps[0].due == d(2027, 10, 15));
}

TEST_CASE("expand_year: next-business-day pushes 31/10/2027 past the 1 November holiday",
          "[schedule]") {
  RuleSet rules = rules_from(k_two_acts);
  rules.config.calendar.shift_rule = ShiftRule::next_business_day;
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2027);
  CHECK(plan[0].due == d(2027, 11, 2));
  CHECK(plan[0].legal_due == d(2027, 10, 31));
}

TEST_CASE("expand_year: none keeps the legal date even on a Sunday", "[schedule]") {
  RuleSet rules = rules_from(k_two_acts);
  rules.config.calendar.shift_rule = ShiftRule::none;
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2027);
  CHECK(plan[0].due == d(2027, 10, 31));
}

TEST_CASE("expand_year: a proroga moves one occurrence and its steps, keeping the legal date",
          "[schedule]") {
  RuleSet rules = rules_from(k_two_acts);
  rules.config.overrides.push_back(Override{.act = "preventivo", .deadline = "", .period = "2027",
                                            .due = d(2028, 1, 31), .reason = "D.L. di proroga",
                                            .where = {}});
  const auto plan = expand_schedule(rules, Calendar(rules.config.calendar), d(2027, 1, 1),
                                    d(2028, 12, 31));
  const auto it = std::ranges::find_if(plan, [](const Occurrence& o) {
    return o.key() == "preventivo/2027";
  });
  REQUIRE(it != plan.end());
  CHECK(it->due == d(2028, 1, 31));
  CHECK(it->legal_due == d(2027, 12, 31));
  REQUIRE(it->override != nullptr);
  CHECK(it->override->reason == "D.L. di proroga");
  // 31/01/2028 - 30 days = 01/01/2028 (Saturday, Capodanno) -> Friday 31/12/2027.
  CHECK(it->steps[0].due == d(2027, 12, 31));
}

TEST_CASE("expand_year: a step never falls after a proroga that lands on a holiday",
          "[schedule]") {
  RuleSet rules = rules_from(k_two_acts);
  rules.config.calendar.shift_rule = ShiftRule::next_business_day;
  rules.acts[0].steps[0].offset = Offset{-1, Offset::Unit::calendar_days};
  rules.config.overrides.push_back(Override{.act = "preventivo", .period = "2027",
                                            .due = d(2027, 2, 7), .reason = "proroga"});
  const auto plan = expand_schedule(rules, Calendar(rules.config.calendar), d(2027, 1, 1),
                                    d(2027, 12, 31));
  const auto it = std::ranges::find_if(plan, [](const Occurrence& o) {
    return o.key() == "preventivo/2027";
  });
  REQUIRE(it != plan.end());
  CHECK(it->due == d(2027, 2, 7));
  // 06/02 is a Saturday: next-business-day would give Monday 08/02, after the act.
  CHECK(it->steps[0].due == d(2027, 2, 5));
}

TEST_CASE("expand_year: valid_from and valid_until bound an act to the years of its law",
          "[schedule]") {
  const RuleSet rules = rules_from(R"(
[[act]]
id = "ptti"
title = "Programma triennale trasparenza"
phase = 4
purpose = "p"
legal_basis = "D.Lgs. 33/2013, art. 10"
due = "01-31"
valid_from = 2014
valid_until = 2021
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"
)");
  const Calendar calendar(rules.config.calendar);
  CHECK(expand_year(rules, calendar, 2013).empty());
  CHECK(expand_year(rules, calendar, 2014).size() == 1);
  CHECK(expand_year(rules, calendar, 2021).size() == 1);
  CHECK(expand_year(rules, calendar, 2022).empty());
}

TEST_CASE("expand_year: disabled acts and steps are left out", "[schedule]") {
  const RuleSet rules = rules_from(R"(
[[act]]
id = "on"
title = "Attivo"
phase = 1
purpose = "p"
legal_basis = "x"
due = "06-30"
  [[act.step]]
  actor = "oiv"
  action = "RELAZIONA"
  due = "-5d"
  enabled = false
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"

[[act]]
id = "off"
title = "Facoltativo"
phase = 1
purpose = "p"
legal_basis = "x"
due = "06-30"
enabled = false
  [[act.step]]
  actor = "giunta"
  action = "APPROVA"
)");
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2027);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].act->id == "on");
  REQUIRE(plan[0].steps.size() == 1);
  CHECK(plan[0].steps[0].step->id == "approva");
}

TEST_CASE("expand_year: monthly acts on day 31 fall on each month's last day", "[schedule]") {
  RuleSet rules = rules_from(R"(
[[act]]
id = "sito"
title = "Sito camerale"
phase = 4
purpose = "p"
legal_basis = "D.Lgs. 33/2013"
every = "month"
due = "31"
  [[act.step]]
  actor = "dirigenti"
  action = "PUBBLICA"
)");
  rules.config.calendar.shift_rule = ShiftRule::none;
  const auto plan = expand_year(rules, Calendar(rules.config.calendar), 2028);
  REQUIRE(plan.size() == 12);
  CHECK(plan[1].due == d(2028, 2, 29));
  CHECK(plan[3].due == d(2028, 4, 30));
  CHECK(plan[1].key() == "sito/2028-02");
}

TEST_CASE("expand_schedule: mandate acts from the configured mandates", "[schedule]") {
  const RuleSet rules = rules_from(R"(
[[act]]
id = "programma"
title = "Programma pluriennale"
phase = 1
purpose = "p"
legal_basis = "DPR 254/2005, art. 4"
every = "mandate"
due = "start+120d"
  [[act.step]]
  actor = "consiglio"
  action = "APPROVA"
)");
  // The base configuration's mandate starts on 01/10/2024.
  const auto plan = expand_schedule(rules, Calendar(rules.config.calendar), d(2020, 1, 1),
                                    d(2030, 12, 31));
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].legal_due == d(2025, 1, 29));
  CHECK(plan[0].key() == "programma/mandato-2024");
}

TEST_CASE("expand_schedule: the span is inclusive at both ends", "[schedule]") {
  const RuleSet rules = rules_from(k_two_acts);
  const Calendar calendar(rules.config.calendar);
  CHECK(expand_schedule(rules, calendar, d(2027, 10, 31), d(2027, 12, 31)).size() == 2);
  CHECK(expand_schedule(rules, calendar, d(2027, 11, 1), d(2027, 12, 30)).empty());
}

}  // namespace scadenzario
