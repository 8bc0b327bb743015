// Parsing rule and configuration text into the model: values, defaults, and the
// cross-file checks that need a whole rule set.
#include "test_support.hpp"

#include <catch2/catch.hpp>

namespace scadenzario {
namespace {

const std::string k_act = R"(
[[act]]
id = "relazione-performance"
title = "Relazione sulla performance"
phase = 2
purpose = "Documento consuntivo annuale"
legal_basis = "D.Lgs. 150/2009, art. 10 c.1 lett. b"
refers_to = "previous-year"
after = ["piano:unico", "altro"]
valid_from = 2011
note = "Prima approva la Giunta, poi valida l'OIV."

  [act.reminders]
  lead_days = [7, 60, 30, 7]

  [[act.deadline]]
  name = "unico"
  label = "termine unico"
  due = "06-last"

  [[act.step]]
  actor = "segretario_generale"
  action = "PREDISPONE"
  due = "-60d"
  per_member = true

  [[act.step]]
  id = "approvazione"
  actor = "giunta"
  action = "DEFINISCE E APPROVA"
  due = "-30bd"
  reminders = { lead_days = [1, 0] }

  [[act.step]]
  actor = "oiv"
  action = "VALIDA"
)";

}  // namespace

TEST_CASE("parse_rule_file: every field of an act, step and deadline", "[rules]") {
  Diagnostics errors;
  const RuleFile file = parse_rule_file(k_act, "f.toml", errors);
  REQUIRE(errors.empty());
  REQUIRE(file.acts.size() == 1);
  const Act& act = file.acts[0];
  CHECK(act.id == "relazione-performance");
  CHECK(act.phase == 2);
  CHECK(act.every == Recurrence::year);
  CHECK(act.valid_from == 2011);
  CHECK_FALSE(act.valid_until.has_value());
  CHECK(act.note == "Prima approva la Giunta, poi valida l'OIV.");
  REQUIRE(act.after.size() == 2);
  CHECK(act.after[0].act == "piano");
  CHECK(act.after[0].deadline == "unico");
  CHECK(act.after[1].deadline.empty());
  CHECK(act.after[1].where.to_string() == "f.toml:9:25");
  REQUIRE(act.deadlines.size() == 1);
  CHECK(act.deadlines[0].label == "termine unico");
  CHECK(act.deadlines[0].due == DueSpec{.month = 6, .day = 0});
  CHECK(act.deadlines[0].refers_to == RefersTo::previous_year);
  CHECK(act.reminders.lead_days == std::vector<int>{60, 30, 7});  // sorted, once each
  REQUIRE(act.steps.size() == 3);
  CHECK(act.steps[0].id == "predispone");
  CHECK(act.steps[0].per_member);
  CHECK(act.steps[1].id == "approvazione");
  CHECK(act.steps[1].offset == Offset{-30, Offset::Unit::business_days});
  CHECK(act.steps[1].reminders.lead_days == std::vector<int>{1, 0});
  CHECK(act.steps[2].id == "valida");
  CHECK(act.steps[2].offset == Offset{});
  CHECK(act.steps[0].actor_where.to_string() == "f.toml:22:11");
}

TEST_CASE("parse_rule_file: every location of a file shares one copy of its name", "[rules]") {
  Diagnostics errors;
  const RuleFile file = parse_rule_file(k_act, "rules.d/20-performance.toml", errors);
  REQUIRE(errors.empty());
  const Act& act = file.acts.at(0);
  CHECK(act.where.file == "rules.d/20-performance.toml");
  CHECK(act.steps.at(2).offset_where.file == "rules.d/20-performance.toml");
  CHECK(&act.where.file.str() == &act.steps.at(2).offset_where.file.str());
  CHECK(&act.where.file.str() == &act.after.at(1).where.file.str());
  CHECK(SourceLocation{}.file.empty());
  CHECK(SourceLocation{}.to_string().empty());
}

TEST_CASE("step_id_from_action: lower case, spaces as dashes", "[rules]") {
  CHECK(step_id_from_action("DEFINISCE E APPROVA") == "definisce-e-approva");
  CHECK(step_id_from_action("VALIDA") == "valida");
  CHECK(step_id_from_action("PRENDE ATTO DELL'ATTESTAZIONE") == "prende-atto-dell-attestazione");
  CHECK(step_id_from_action("VERIFICA È APPROVA ") == "verifica-approva");
}

TEST_CASE("parse_rule_file: actors and people", "[rules]") {
  Diagnostics errors;
  const RuleFile file = parse_rule_file(R"(
[[actor]]
id = "oiv"
title = "Organismo indipendente di valutazione"
escalate_to = "presidente"

[[person]]
id = "m.bianchi"
name = "Marco Bianchi"
email = "oiv@cciaa-esempio.example.it"
roles = ["oiv"]
)", "attori.toml", errors);
  REQUIRE(errors.empty());
  REQUIRE(file.actors.size() == 1);
  CHECK(file.actors[0].escalate_to == "presidente");
  REQUIRE(file.people.size() == 1);
  CHECK(file.people[0].roles == std::vector<std::string>{"oiv"});
}

TEST_CASE("validate_rule_set: a mandate act needs mandate dates in the configuration",
          "[rules]") {
  Diagnostics errors;
  RuleSet rules;
  rules.config = parse_config("name = \"Prova\"\n", "scadenzario.toml", errors);
  merge(rules, parse_rule_file(R"([[actor]]
id = "consiglio"
title = "Consiglio"

[[act]]
id = "bilancio-mandato"
title = "Bilancio di mandato"
phase = 4
purpose = "p"
legal_basis = "x"
every = "mandate"
due = "end-90d"
  [[act.step]]
  actor = "consiglio"
  action = "APPROVA"
)", "40.toml", errors));
  REQUIRE(errors.empty());
  validate_rule_set(rules, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() ==
        "40.toml:11:9: act \"bilancio-mandato\" has every = \"mandate\" but the configuration has "
        "no [[mandate]] dates (scadenzario.toml)");
}

TEST_CASE("parse_config: defaults and every section", "[config]") {
  Diagnostics errors;
  const Config config = parse_config(R"(
name = "Camera di commercio di Asti - esempio"
send_at = "08:30"
actors_file = "attori.toml"

[calendar]
non_business_day_rule = "next-business-day"
saturday_is_business_day = true

[[calendar.patron]]
name = "San Secondo"
month = 5
weekday = "martedi"
nth = 1

[[mandate]]
start = 2024-10-01
end = 2029-09-30

[reminders]
lead_days = [10, 3]

[[override]]
act = "piano-performance"
period = "2027"
due = 2027-02-28
reason = "Proroga"
)", "c.toml", errors);
  REQUIRE(errors.empty());
  CHECK(config.time_zone == "Europe/Rome");
  CHECK(config.send_at == std::chrono::minutes{8 * 60 + 30});
  CHECK(config.rules_dir == "rules.d");
  CHECK(config.calendar.shift_rule == ShiftRule::next_business_day);
  CHECK(config.calendar.saturday_is_business_day);
  REQUIRE(config.calendar.patron_days.size() == 1);
  CHECK(config.calendar.patron_days[0].weekday == std::chrono::Tuesday);
  CHECK(config.mandates.size() == 1);
  CHECK(config.reminders.lead_days == std::vector<int>{10, 3});
  CHECK(config.reminders.escalate_after_days == 1);  // default kept
  CHECK(config.reminders.repeat_every_days == 7);
  REQUIRE(config.overrides.size() == 1);
  CHECK(config.overrides[0].due == make_date(2027, 2, 28));
}

TEST_CASE("parse_config: an empty configuration gets the documented defaults", "[config]") {
  Diagnostics errors;
  const Config config = parse_config("name = \"x\"\n", "c.toml", errors);
  REQUIRE(errors.empty());
  CHECK(config.calendar.shift_rule == ShiftRule::previous_business_day);
  CHECK_FALSE(config.calendar.saturday_is_business_day);
  CHECK(config.send_at == std::chrono::minutes{9 * 60});
  CHECK(config.reminders.lead_days == std::vector<int>{30, 14, 7, 1, 0});
  CHECK(config.reminders.escalate_further_after_days == 15);
}

TEST_CASE("is_period_key: the three forms", "[rules]") {
  CHECK(is_period_key(Recurrence::year, "2027"));
  CHECK_FALSE(is_period_key(Recurrence::year, "27"));
  CHECK(is_period_key(Recurrence::month, "2027-03"));
  CHECK_FALSE(is_period_key(Recurrence::month, "2027-13"));
  CHECK(is_period_key(Recurrence::mandate, "mandato-2024"));
  CHECK_FALSE(is_period_key(Recurrence::mandate, "2024"));
}

}  // namespace scadenzario
