// The default rule set (rules/) against the seed: for every act, its 2027 due dates
// after the default shift rule (previous business day), and who does what when.
// Dates checked by hand against the 2027 calendar: 31/01 and 31/10 are Sundays,
// 31/07 a Saturday, 29/03 Easter Monday, 02/06 and 04/10 holidays.
#include "config/rule_loader.hpp"
#include "core/progress.hpp"
#include "core/schedule.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace scadenzario {
namespace {

struct ExpectedStep {
  std::string actor;
  std::string action;
  Date due;
};

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }

const RuleSet& default_rules() {
  static const RuleSet rules = [] {
    auto loaded = load_rule_set(std::string(SCADENZARIO_SOURCE_DIR) + "/rules/scadenzario.toml");
    if (!loaded) {
      std::string all;
      for (const auto& error : loaded.error()) all += error.to_string() + "\n";
      FAIL("the default rules do not load:\n" << all);
    }
    return *std::move(loaded);
  }();
  return rules;
}

std::vector<Occurrence> plan_2027(const RuleSet& rules = default_rules()) {
  return expand_year(rules, Calendar(rules.config.calendar), 2027);
}

const Occurrence* find(const std::vector<Occurrence>& plan, const std::string& key) {
  const auto it = std::ranges::find_if(plan, [&](const Occurrence& o) { return o.key() == key; });
  return it == plan.end() ? nullptr : &*it;
}

void check_occurrence(const std::vector<Occurrence>& plan, const std::string& key, Date legal_due,
                      Date due, int phase, const std::vector<ExpectedStep>& steps) {
  INFO("occurrence " << key);
  const Occurrence* occurrence = find(plan, key);
  REQUIRE(occurrence != nullptr);
  CHECK(occurrence->legal_due == legal_due);
  CHECK(occurrence->due == due);
  CHECK(occurrence->act->phase == phase);
  CHECK_FALSE(occurrence->act->legal_basis.empty());
  CHECK_FALSE(occurrence->act->purpose.empty());
  REQUIRE(occurrence->steps.size() == steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    INFO("step " << i);
    CHECK(occurrence->steps[i].step->actor == steps[i].actor);
    CHECK(occurrence->steps[i].step->action == steps[i].action);
    CHECK(occurrence->steps[i].due == steps[i].due);
  }
}

RuleSet with_mandate(Date start, Date end) {
  RuleSet rules = default_rules();
  rules.config.mandates = {Mandate{start, end}};
  return rules;
}

}  // namespace

// FASE 1 ------------------------------------------------------------------------------

TEST_CASE("default rules: Programma pluriennale, 120 days after the mandate starts", "[default]") {
  const RuleSet rules = with_mandate(d(2027, 1, 4), d(2032, 1, 3));
  check_occurrence(plan_2027(rules), "programma-pluriennale/mandato-2027", d(2027, 5, 4),
                   d(2027, 5, 4), 1,
                   {{"segretario_generale", "SUPPORTA", d(2027, 3, 5)},
                    {"stakeholder", "PROPONE", d(2027, 4, 2)},  // 04/04 is a Sunday
                    {"consiglio", "DEFINISCE E APPROVA", d(2027, 5, 4)}});
}

TEST_CASE("default rules: Piano della performance by 31 January", "[default]") {
  check_occurrence(plan_2027(), "piano-performance/2027", d(2027, 1, 31), d(2027, 1, 29), 1,
                   {{"segretario_generale", "PREDISPONE", d(2027, 1, 8)},
                    {"giunta", "APPROVA", d(2027, 1, 29)}});
}

TEST_CASE("default rules: Relazione previsionale e programmatica by 31 October", "[default]") {
  check_occurrence(plan_2027(), "relazione-previsionale-programmatica/2027", d(2027, 10, 31),
                   d(2027, 10, 29), 1,
                   {{"giunta", "PREDISPONE", d(2027, 10, 8)},
                    {"consiglio", "APPROVA", d(2027, 10, 29)}});
}

TEST_CASE("default rules: Preventivo economico by 31 December", "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "preventivo-economico/2027", d(2027, 12, 31), d(2027, 12, 31), 1,
                   {{"giunta", "PREDISPONE", d(2027, 12, 1)},
                    {"consiglio", "APPROVA", d(2027, 12, 31)}});
  CHECK(find(plan, "preventivo-economico/2027")->reference_year == 2028);
}

TEST_CASE("default rules: Budget direzionale by 31 December", "[default]") {
  check_occurrence(plan_2027(), "budget-direzionale/2027", d(2027, 12, 31), d(2027, 12, 31), 1,
                   {{"segretario_generale", "PROPONE", d(2027, 12, 21)},
                    {"giunta", "APPROVA", d(2027, 12, 31)}});
}

TEST_CASE("default rules: Budget e obiettivi di area e individuali by 31 December", "[default]") {
  check_occurrence(plan_2027(), "budget-obiettivi-area/2027", d(2027, 12, 31), d(2027, 12, 31), 1,
                   {{"segretario_generale", "ASSEGNA", d(2027, 12, 31)}});
}

TEST_CASE("default rules: Scheda obiettivi e progetti operativi by 31 December", "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "scheda-obiettivi-operativi/2027", d(2027, 12, 31), d(2027, 12, 31), 1,
                   {{"dirigenti", "ASSEGNANO", d(2027, 12, 31)},
                    {"posizioni_organizzative", "ASSEGNANO", d(2027, 12, 31)}});
  for (const ScheduledStep& step : find(plan, "scheda-obiettivi-operativi/2027")->steps) {
    CHECK(step.step->per_member);
  }
}

// FASE 2 ------------------------------------------------------------------------------

TEST_CASE("default rules: Report direzionali, verifica periodica (June) and annuale (April)",
          "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "report-direzionali:verifica-periodica/2027", d(2027, 6, 30),
                   d(2027, 6, 30), 2,
                   {{"controllo_gestione", "PREDISPONE", d(2027, 6, 10)},
                    {"dirigenti", "COMPILANO", d(2027, 6, 18)},
                    {"segretario_generale", "ANALIZZA", d(2027, 6, 30)}});
  check_occurrence(plan, "report-direzionali:verifica-annuale/2027", d(2027, 4, 30),
                   d(2027, 4, 30), 2,
                   {{"controllo_gestione", "PREDISPONE", d(2027, 4, 9)},
                    {"dirigenti", "COMPILANO", d(2027, 4, 20)},
                    {"segretario_generale", "ANALIZZA", d(2027, 4, 30)}});
  CHECK(find(plan, "report-direzionali:verifica-annuale/2027")->reference_year == 2026);
  // Each dirigente compiles the report of their own area; the SG analyses them all once.
  for (const char* key : {"report-direzionali:verifica-periodica/2027",
                          "report-direzionali:verifica-annuale/2027"}) {
    INFO("occurrence " << key);
    const Occurrence* occurrence = find(plan, key);
    REQUIRE(occurrence->steps.size() == 3);
    CHECK_FALSE(occurrence->steps[0].step->per_member);
    CHECK(occurrence->steps[1].step->per_member);
    CHECK_FALSE(occurrence->steps[2].step->per_member);
  }
}

TEST_CASE("default rules: Report operativi, verifica periodica (June) and annuale (March)",
          "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "report-operativi:verifica-periodica/2027", d(2027, 6, 30),
                   d(2027, 6, 30), 2,
                   {{"controllo_gestione", "PREDISPONE", d(2027, 6, 10)},
                    {"dirigenti", "COMPILANO", d(2027, 6, 18)},
                    {"posizioni_organizzative", "ANALIZZA", d(2027, 6, 30)}});
  check_occurrence(plan, "report-operativi:verifica-annuale/2027", d(2027, 3, 31), d(2027, 3, 31),
                   2,
                   {{"controllo_gestione", "PREDISPONE", d(2027, 3, 11)},
                    {"dirigenti", "COMPILANO", d(2027, 3, 19)},
                    {"posizioni_organizzative", "ANALIZZA", d(2027, 3, 31)}});
}

TEST_CASE("default rules: Relazione sulla performance by 30 June, Giunta before OIV (law order)",
          "[default]") {
  check_occurrence(plan_2027(), "relazione-performance/2027", d(2027, 6, 30), d(2027, 6, 30), 2,
                   {{"segretario_generale", "PREDISPONE", d(2027, 4, 30)},  // 01/05 is a holiday
                    {"giunta", "APPROVA", d(2027, 5, 31)},
                    {"oiv", "VALIDA", d(2027, 6, 30)}});
}

TEST_CASE("default rules: Delibere controllo strategico, September and June", "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "delibere-controllo-strategico:verifica-periodica/2027", d(2027, 9, 30),
                   d(2027, 9, 30), 2, {{"giunta", "VERIFICA E APPROVA", d(2027, 9, 30)}});
  check_occurrence(plan, "delibere-controllo-strategico:verifica-annuale/2027", d(2027, 6, 30),
                   d(2027, 6, 30), 2, {{"giunta", "VERIFICA E APPROVA", d(2027, 6, 30)}});
}

// FASE 3: everything by 31 July, a Saturday in 2027 --------------------------------------

TEST_CASE("default rules: Deliberazione di valutazione del Segretario Generale", "[default]") {
  check_occurrence(plan_2027(), "valutazione-segretario-generale/2027", d(2027, 7, 31),
                   d(2027, 7, 30), 3,
                   {{"oiv", "PROPONE", d(2027, 7, 15)}, {"giunta", "APPROVA", d(2027, 7, 30)}});
}

TEST_CASE("default rules: Determinazione valutazione dirigenti", "[default]") {
  check_occurrence(plan_2027(), "valutazione-dirigenti/2027", d(2027, 7, 31), d(2027, 7, 30), 3,
                   {{"segretario_generale", "APPROVA", d(2027, 7, 30)}});
}

TEST_CASE("default rules: Determinazione valutazione posizioni organizzative", "[default]") {
  check_occurrence(plan_2027(), "valutazione-posizioni-organizzative/2027", d(2027, 7, 31),
                   d(2027, 7, 30), 3,
                   {{"dirigenti", "VALUTA", d(2027, 7, 20)},
                    {"segretario_generale", "APPROVA", d(2027, 7, 30)}});
}

TEST_CASE("default rules: Schede valutazione dipendenti", "[default]") {
  check_occurrence(plan_2027(), "valutazione-dipendenti/2027", d(2027, 7, 31), d(2027, 7, 30), 3,
                   {{"dirigenti", "VALUTA", d(2027, 7, 30)}});
}

// FASE 4 ------------------------------------------------------------------------------

TEST_CASE("default rules: Bilancio d'esercizio by 30 April", "[default]") {
  check_occurrence(plan_2027(), "bilancio-esercizio/2027", d(2027, 4, 30), d(2027, 4, 30), 4,
                   {{"segretario_generale", "SUPPORTA", d(2027, 3, 31)},
                    {"giunta", "PROPONE", d(2027, 4, 15)},
                    {"consiglio", "APPROVA", d(2027, 4, 30)}});
}

TEST_CASE("default rules: Bilancio di mandato, 90 days before the mandate ends", "[default]") {
  const RuleSet rules = with_mandate(d(2022, 10, 1), d(2027, 9, 30));
  check_occurrence(plan_2027(rules), "bilancio-mandato/mandato-2022", d(2027, 7, 2), d(2027, 7, 2),
                   4,
                   {{"segretario_generale", "SUPPORTA", d(2027, 6, 1)},  // 02/06 is a holiday
                    {"consiglio", "APPROVA", d(2027, 7, 2)}});
}

TEST_CASE("default rules: Relazione sulla performance, external reporting by 30 June",
          "[default]") {
  const auto plan = plan_2027();
  check_occurrence(plan, "relazione-performance-pubblicazione/2027", d(2027, 6, 30),
                   d(2027, 6, 30), 4,
                   {{"segretario_generale", "SUPPORTA", d(2027, 6, 30)},
                    {"giunta", "DEFINISCE APPROVA", d(2027, 6, 30)},
                    {"oiv", "VALIDA", d(2027, 6, 30)}});
}

TEST_CASE("default rules: Programma triennale trasparenza until 2021, the PIAO section after",
          "[default]") {
  const RuleSet& rules = default_rules();
  const auto plan_2021 = expand_year(rules, Calendar(rules.config.calendar), 2021);
  check_occurrence(plan_2021, "programma-trasparenza/2021", d(2021, 1, 31), d(2021, 1, 29), 4,
                   {{"giunta", "DEFINISCE APPROVA", d(2021, 1, 29)},
                    {"segretario_generale", "APPLICA", d(2021, 1, 29)}});
  CHECK(find(plan_2021, "piao-rischi-corruttivi-trasparenza/2021") == nullptr);

  const auto plan = plan_2027();
  CHECK(find(plan, "programma-trasparenza/2027") == nullptr);
  check_occurrence(plan, "piao-rischi-corruttivi-trasparenza/2027", d(2027, 1, 31),
                   d(2027, 1, 29), 4,
                   {{"rpct", "PROPONE", d(2027, 1, 8)}, {"giunta", "APPROVA", d(2027, 1, 29)}});
}

TEST_CASE("default rules: Sito camerale, a check on the last day of every month", "[default]") {
  const auto plan = plan_2027();
  const auto monthly = std::ranges::count_if(
      plan, [](const Occurrence& o) { return o.act->id == "sito-camerale"; });
  CHECK(monthly == 12);
  check_occurrence(plan, "sito-camerale/2027-02", d(2027, 2, 28), d(2027, 2, 26), 4,
                   {{"dirigenti", "PUBBLICA", d(2027, 2, 26)}});
  check_occurrence(plan, "sito-camerale/2027-07", d(2027, 7, 31), d(2027, 7, 30), 4,
                   {{"dirigenti", "PUBBLICA", d(2027, 7, 30)}});
  check_occurrence(plan, "sito-camerale/2027-12", d(2027, 12, 31), d(2027, 12, 31), 4,
                   {{"dirigenti", "PUBBLICA", d(2027, 12, 31)}});
}

TEST_CASE("default rules: every action of the seed appears", "[default]") {
  std::vector<std::string> actions;
  for (const Act& act : default_rules().acts) {
    for (const Step& step : act.steps) actions.push_back(step.action);
  }
  for (const char* action :
       {"SUPPORTA", "PROPONE", "DEFINISCE E APPROVA", "PREDISPONE", "APPROVA", "ASSEGNA",
        "ASSEGNANO", "COMPILANO", "ANALIZZA", "VALIDA", "VERIFICA E APPROVA", "VALUTA", "PUBBLICA",
        "APPLICA", "DEFINISCE APPROVA"}) {
    INFO("action " << action);
    CHECK(std::ranges::find(actions, action) != actions.end());
  }
}

TEST_CASE("default rules: every role escalates to a role that exists, and the chain ends",
          "[default]") {
  const RuleSet& rules = default_rules();
  for (const Actor& actor : rules.actors) {
    INFO("actor " << actor.id);
    const Actor* current = &actor;
    int hops = 0;
    while (!current->escalate_to.empty() && hops < 10) {
      current = rules.find_actor(current->escalate_to);
      REQUIRE(current != nullptr);
      ++hops;
    }
    CHECK(hops < 10);
  }
  CHECK(rules.find_actor("presidente") != nullptr);
  CHECK(rules.find_actor("stakeholder")->escalate_to.empty());
}

// The waits the default rules mean to have (see the test below).
bool intended_wait(const Occurrence& occurrence, const Occurrence& prerequisite) {
  // domain-it.md §6: the budget direzionale "in practice follows the Consiglio vote" on
  // the preventivo, with the SG's proposal at D-10. The Consiglio usually votes in
  // mid-December; when it has not, the SG's proposal must wait for it.
  if (occurrence.act->id == "budget-direzionale" && prerequisite.act->id == "preventivo-economico") {
    return true;
  }
  // 30/06/2030 is a Sunday: the Relazione's steps move back with it, and the SG's
  // PREDISPONE (D-60) lands on 29/04, one day before the annual report it draws on.
  return occurrence.key() == "relazione-performance/2030" &&
         prerequisite.key() == "report-direzionali:verifica-annuale/2030";
}

// A step that falls due before a prerequisite act is due cannot be recorded on time: the
// rules of progress hold it until the prerequisite is complete. Over ten years, no step
// of the default rules may wait like that, except where intended_wait() says why.
TEST_CASE("default rules: no step falls due before a prerequisite act is due", "[default]") {
  const RuleSet& rules = default_rules();
  const Calendar calendar(rules.config.calendar);
  std::vector<std::string> waiting;
  for (const Occurrence& occurrence : expand_schedule(rules, calendar, d(2027, 1, 1), d(2036, 12, 31))) {
    for (const Occurrence& prerequisite : prerequisites_of(rules, calendar, occurrence)) {
      for (const ScheduledStep& step : occurrence.steps) {
        if (step.due >= prerequisite.due || intended_wait(occurrence, prerequisite)) continue;
        waiting.push_back(occurrence.key() + " " + step.step->id + " (" + format_iso(step.due) + ") before " +
                          prerequisite.key() + " (" + format_iso(prerequisite.due) + ")");
      }
    }
  }
  std::string all;
  for (const std::string& line : waiting) all += "  " + line + "\n";
  INFO("steps that wait for a prerequisite due later:\n" << all);
  CHECK(waiting.empty());
}

}  // namespace scadenzario
