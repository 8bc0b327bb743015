// Messages: who receives which notifications, grouped how, under which subject, with
// which Italian text; and ids that stay the same when a message is retried.
#include "core/display_width.hpp"
#include "core/message.hpp"
#include "core/message_text.hpp"
#include "sample_rules.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace scadenzario {
namespace {

using std::chrono::minutes;

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }
LocalTime at(int y, unsigned m, unsigned day, int hour = 9) {
  return LocalTime{d(y, m, day), minutes{hour * 60}};
}


struct Fixture {
  RuleSet rules;
  std::vector<Occurrence> occurrences;

  explicit Fixture(std::vector<Override> overrides = {})
      : rules(load(std::move(overrides))),
        occurrences(expand_year(rules, Calendar(rules.config.calendar), 2027)) {}

  static RuleSet load(std::vector<Override> overrides) {
    Diagnostics errors;
    RuleSet rules = test::parse_with_base(test::k_sample_rules, "message.toml", errors);
    for (const Diagnostic& error : errors) FAIL(error.to_string());
    rules.config.overrides = std::move(overrides);
    return rules;
  }

  const Occurrence& occurrence(std::string_view act) const {
    const auto it = std::ranges::find_if(occurrences, [&](const Occurrence& o) { return o.act->id == act; });
    REQUIRE(it != occurrences.end());
    return *it;
  }

  // A reminder of step `step` of `act`, sent at `when` to the step's actor (or member).
  Notification reminder(std::string_view act, std::size_t step, LocalTime when,
                        std::string member = "") const {
    const Occurrence& o = occurrence(act);
    const ScheduledStep& s = o.steps.at(step);
    const int left = days_between(when.date, s.due);
    return Notification{.kind = NotificationKind::reminder,
                        .occurrence = &o,
                        .step = &s,
                        .member = member,
                        .sequence = left,
                        .recipient = member.empty() ? s.step->actor : member,
                        .at = when,
                        .days_left = left};
  }

  // An escalation of step `step` of `act` to role `to`, at `level`.
  Notification escalation(std::string_view act, std::size_t step, LocalTime when, std::string to,
                          int level = 1, std::string member = "") const {
    Notification n = reminder(act, step, when, std::move(member));
    n.kind = NotificationKind::escalation;
    n.sequence = 1;
    n.recipient = std::move(to);
    n.level = level;
    return n;
  }
};

std::vector<Message> compose(const Fixture& f, const std::vector<Notification>& due, bool digest = true) {
  std::vector<std::string> undeliverable;
  auto messages = compose_messages(f.rules, due, digest, undeliverable);
  CHECK(undeliverable.empty());
  return messages;
}

std::vector<std::string> emails(const std::vector<Address>& addresses) {
  std::vector<std::string> list;
  for (const Address& address : addresses) list.push_back(address.email);
  return list;
}

}  // namespace

// A subject's position in the body, to check the order of a digest's items.
std::size_t position(const std::string& body, std::string_view text) {
  const std::size_t found = body.find(text);
  REQUIRE(found != std::string::npos);
  return found;
}

TEST_CASE("display_width: one column per code point, not per byte", "[message]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("Giunta") == 6);
  CHECK(display_width("attività") == 8);             // 9 bytes
  CHECK(display_width("è già così") == 10);          // 13 bytes
  CHECK(display_width("\xe2\x82\xac 12") == 4);     // the euro sign: 3 bytes
}

TEST_CASE("compose_messages: a reminder goes to the step's role, the subject says act, action, "
          "due date and days left", "[message]") {
  const Fixture f;
  const auto messages = compose(f, {f.reminder("piano", 1, at(2027, 1, 27))});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].subject ==
        "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (tra 2 giorni)");
  CHECK(messages[0].to == std::vector{Address{"Segreteria della Giunta", "giunta@cciaa.example.it"}});
  CHECK(messages[0].cc.empty());
  CHECK(messages[0].keys == std::vector<std::string>{"piano/2027/approva//reminder/2/giunta"});
}

TEST_CASE("compose_messages: (domani) the day before, (oggi) on the due date", "[message]") {
  const Fixture f;
  const auto messages = compose(f, {f.reminder("piano", 1, at(2027, 1, 28)), f.reminder("piano", 1, at(2027, 1, 29))});
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].subject ==
        "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (domani)");
  CHECK(messages[1].subject ==
        "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (oggi)");
}

TEST_CASE("compose_messages: an escalation goes to the superior and copies whoever must do the step",
          "[message]") {
  const Fixture f;
  // predispone was due 08/01/2027; on 11/01 it is 3 days late.
  const auto messages = compose(f, {f.escalation("piano", 0, at(2027, 1, 11), "giunta")});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].subject ==
        "[Scadenzario] SOLLECITO — Piano della performance: PREDISPONE in ritardo di 3 giorni");
  CHECK(emails(messages[0].to) == std::vector<std::string>{"giunta@cciaa.example.it"});
  CHECK(messages[0].cc == std::vector{Address{"Maria Rossi", "segretario@cciaa.example.it"}});
  CHECK_THAT(messages[0].body,
             Catch::Contains("SOLLECITO: il passo è in ritardo di 3 giorni e non risulta compiuto. Lo\n"
                             "ricevete in quanto Giunta camerale, livello superiore di Segretario\n"
                             "Generale. In copia chi deve compierlo.\n"));
}

TEST_CASE("compose_messages: an escalation of a per-member step names the member and copies only "
          "them", "[message]") {
  const Fixture f;
  // Anna's analysis was due 30/04/2027; 16 days later it reaches the Giunta (level 2).
  const auto messages = compose(f, {f.escalation("report", 0, at(2027, 5, 16), "giunta", 2, "anna")});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].subject == "[Scadenzario] SOLLECITO — Report direzionali — verifica annuale: "
                               "ANALIZZA (Anna Neri) in ritardo di 16 giorni");
  CHECK(emails(messages[0].to) == std::vector<std::string>{"giunta@cciaa.example.it"});
  CHECK(emails(messages[0].cc) == std::vector<std::string>{"anna.neri@cciaa.example.it"});
  CHECK_THAT(messages[0].body, Catch::Contains("secondo livello superiore di Dirigenti."));
  CHECK_THAT(messages[0].body, Catch::Contains("Passo:          Dirigenti (Anna Neri): ANALIZZA\n"));
}

TEST_CASE("compose_messages: a per-member reminder goes to the member alone", "[message]") {
  const Fixture f;
  const auto messages = compose(f, {f.reminder("report", 0, at(2027, 4, 23), "bruno")});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].to == std::vector{Address{"Bruno Verdi", "bruno.verdi@cciaa.example.it"}});
  CHECK(messages[0].cc.empty());
  CHECK(messages[0].subject == "[Scadenzario] Report direzionali — verifica annuale: ANALIZZA "
                               "entro il 30/04/2027 (tra 7 giorni)");
}

TEST_CASE("compose_messages: a notification sent after its time is marked late", "[message]") {
  const Fixture f;
  Notification n = f.reminder("piano", 1, at(2027, 1, 22));
  n.late = true;
  const auto messages = compose(f, {n});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].subject == "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 "
                               "(tra 7 giorni) (inviato in ritardo)");
  CHECK_THAT(messages[0].body,
             Catch::Contains("Promemoria: il passo scade tra 7 giorni. Questo messaggio era previsto per\n"
                             "il 22/01/2027 09:00 ed è inviato in ritardo.\n"));
}

TEST_CASE("compose_messages: with digest, one message per recipient and instant, most urgent first",
          "[message]") {
  const Fixture f;
  const LocalTime when = at(2027, 1, 11);
  // As the planner sorts them: by key within one instant, not by urgency.
  const std::vector<Notification> due = {
      f.reminder("piano", 1, when),                    // 18 days left
      f.escalation("piano", 0, when, "giunta"),        // 3 days late
      f.reminder("relazione", 0, when),                // OIV: nobody to write to
      f.escalation("report", 0, at(2027, 5, 16), "giunta", 2, "anna"),  // another instant
  };
  std::vector<std::string> undeliverable;
  const auto messages = compose_messages(f.rules, due, true, undeliverable);
  REQUIRE(messages.size() == 2);
  const Message& digest = messages[0];
  CHECK(digest.subject == "[Scadenzario] 2 scadenze, la prima: SOLLECITO — Piano della performance: "
                          "PREDISPONE in ritardo di 3 giorni");
  CHECK(digest.keys == std::vector<std::string>{"piano/2027/approva//reminder/18/giunta",
                                                "piano/2027/predispone//escalation/1/giunta"});
  CHECK(emails(digest.to) == std::vector<std::string>{"giunta@cciaa.example.it"});
  CHECK(emails(digest.cc) == std::vector<std::string>{"segretario@cciaa.example.it"});
  CHECK_THAT(digest.body, Catch::Contains("2 passi del ciclo richiedono attenzione; eccoli dal più urgente."));
  CHECK(position(digest.body, "1. SOLLECITO: il passo è in ritardo di 3 giorni") <
        position(digest.body, "2. Promemoria: il passo scade tra 18 giorni."));
  CHECK(position(digest.body, "Chiave:         piano/2027/predispone//escalation/1/giunta") <
        position(digest.body, "Chiave:         piano/2027/approva//reminder/18/giunta"));
  CHECK(messages[1].keys == std::vector<std::string>{"report:verifica-annuale/2027/analizza/anna/escalation/1/giunta"});
  CHECK(undeliverable == std::vector<std::string>{"relazione/2027/valida//reminder/170/oiv"});
}

TEST_CASE("compose_messages: without digest, one message per notification", "[message]") {
  const Fixture f;
  const LocalTime when = at(2027, 1, 11);
  const auto messages =
      compose(f, {f.reminder("piano", 1, when), f.escalation("piano", 0, when, "giunta")}, false);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].subject ==
        "[Scadenzario] Piano della performance: APPROVA entro il 29/01/2027 (tra 18 giorni)");
  CHECK(messages[0].cc.empty());
  CHECK(messages[1].subject ==
        "[Scadenzario] SOLLECITO — Piano della performance: PREDISPONE in ritardo di 3 giorni");
  CHECK(emails(messages[1].cc) == std::vector<std::string>{"segretario@cciaa.example.it"});
}

TEST_CASE("compose_messages: the same role at two instants gets two messages", "[message]") {
  const Fixture f;
  const auto messages =
      compose(f, {f.reminder("piano", 1, at(2027, 1, 11)), f.reminder("piano", 1, at(2027, 1, 11, 10))});
  CHECK(messages.size() == 2);
}

TEST_CASE("compose_messages: a role with nobody in it gets no message, its keys are reported",
          "[message]") {
  const Fixture f;
  std::vector<std::string> undeliverable = {"earlier"};
  const auto messages = compose_messages(f.rules, {f.reminder("relazione", 0, at(2027, 6, 23))}, true,
                                         undeliverable);
  CHECK(messages.empty());
  CHECK(undeliverable == std::vector<std::string>{"earlier", "relazione/2027/valida//reminder/7/oiv"});
}

TEST_CASE("compose_messages: a person in two roles of one digest is written to once", "[message]") {
  Fixture f;
  f.rules.people[0].roles.push_back("giunta");  // Maria Rossi also in the Giunta
  const auto messages = compose(f, {f.escalation("piano", 0, at(2027, 1, 11), "giunta")});
  REQUIRE(messages.size() == 1);
  CHECK(emails(messages[0].to) ==
        std::vector<std::string>{"segretario@cciaa.example.it", "giunta@cciaa.example.it"});
  CHECK(messages[0].cc.empty());  // already in To
}

TEST_CASE("compose_messages: a member's own reminder and a role's, to the same people, make one digest",
          "[message]") {
  Fixture f;
  f.rules.people[3].roles.clear();  // Bruno leaves: Anna is the only dirigente
  const LocalTime when = at(2027, 5, 10);
  const std::vector<Notification> due = {f.reminder("report", 0, when, "anna"),
                                         f.reminder("aggiornamento", 0, when)};
  const auto together = compose(f, due);
  REQUIRE(together.size() == 1);
  CHECK(emails(together[0].to) == std::vector<std::string>{"anna.neri@cciaa.example.it"});
  CHECK(together[0].keys.size() == 2);

  const Fixture both;  // with Bruno, the role's reminder goes to two people: two messages
  const std::vector<Notification> apart = {both.reminder("report", 0, when, "anna"),
                                           both.reminder("aggiornamento", 0, when)};
  CHECK(compose(both, apart).size() == 2);
}

TEST_CASE("compose_messages: each notification also travels as plain data, most urgent first",
          "[message]") {
  const Fixture f;
  const auto messages =
      compose(f, {f.escalation("report", 0, at(2027, 5, 3), "segretario_generale", 1, "anna"),
                  f.reminder("piano", 0, at(2027, 1, 5))});
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].organization == "Camera di commercio di Prova");
  REQUIRE(messages[0].items.size() == 1);
  const MessageItem& item = messages[0].items[0];
  CHECK(item.key == messages[0].keys[0]);
  CHECK(item.kind == NotificationKind::escalation);
  CHECK(item.occurrence == "report:verifica-annuale/2027");
  CHECK(item.act == "report");
  CHECK(item.act_title == "Report direzionali — verifica annuale");
  CHECK(item.phase == 2);
  CHECK(item.deadline == "verifica-annuale");
  CHECK(item.period == "2027");
  CHECK(item.step == "analizza");
  CHECK(item.actor == "dirigenti");
  CHECK(item.action == "ANALIZZA");
  CHECK(item.member == "anna");
  CHECK(item.recipient == "segretario_generale");
  CHECK(item.level == 1);
  CHECK(item.due == d(2027, 4, 30));
  CHECK(item.days_left == -3);
  CHECK_FALSE(item.late);
  CHECK(item.legal_basis == "SMVP");
  CHECK(item.summary.starts_with("Report direzionali — verifica annuale — "));
  CHECK(item.summary.ends_with("(Anna Neri): ANALIZZA"));
  const MessageItem& piano = messages[1].items.at(0);
  CHECK(piano.deadline.empty());
  CHECK(piano.due == d(2027, 1, 8));
  CHECK(piano.summary.ends_with(": PREDISPONE"));
}

TEST_CASE("message_id: 64-bit FNV-1a of the body's tag and the sorted keys, whatever their order",
          "[message]") {
  CHECK(fnv1a_hex("") == "cbf29ce484222325");  // the published test vectors
  CHECK(fnv1a_hex("a") == "af63dc4c8601ec8c");
  CHECK(fnv1a_hex("foobar") == "85944171f73967e8");
  const BodyIdentity body{.tag = "0badc0de", .domain = "cciaa.example.it"};
  CHECK(message_id(body, {"b", "a"}) == message_id(body, {"a", "b"}));
  CHECK(message_id(body, {"a", "b"}) == fnv1a_hex("0badc0de\na\nb\n"));
  CHECK(message_id(body, {"a"}) != message_id(body, {"a", "b"}));
}

TEST_CASE("body_identity: two bodies with the same rules give different ids and UIDs; one body the same",
          "[message]") {
  Config milano;
  milano.name = "Camera di commercio di Milano";
  milano.delivery.from_address = "scadenzario@MI.Camcom.example.it";
  Config como = milano;
  como.name = "Camera di commercio di Como";
  const BodyIdentity a = body_identity(milano);
  const BodyIdentity b = body_identity(como);
  CHECK(a.domain == "mi.camcom.example.it");
  CHECK(a.tag.size() == 8);
  CHECK(a.tag != b.tag);  // same sender, another name
  CHECK(body_identity(milano).tag == a.tag);  // stable
  CHECK(message_id(a, {"piano-performance/2027/approva//reminder/0/giunta"}) !=
        message_id(b, {"piano-performance/2027/approva//reminder/0/giunta"}));
  CHECK(step_uid(a, "piano-performance/2027", "approva") ==
        "piano-performance/2027/approva@" + a.tag + ".mi.camcom.example.it");
  CHECK(step_uid(a, "piano-performance/2027", "approva") != step_uid(b, "piano-performance/2027", "approva"));
  CHECK(address_domain("") == "scadenzario.invalid");
}

TEST_CASE("compose_messages: composing the same notifications again gives the same ids", "[message]") {
  const Fixture f;
  const LocalTime when = at(2027, 1, 11);
  const std::vector<Notification> due = {f.reminder("piano", 1, when), f.escalation("piano", 0, when, "giunta")};
  const std::vector<Notification> reversed = {due[1], due[0]};
  const auto first = compose(f, due);
  const auto again = compose(f, reversed);
  REQUIRE(first.size() == 1);
  REQUIRE(again.size() == 1);
  CHECK(first[0].id == again[0].id);
  CHECK(first[0].id == message_id(body_identity(f.rules.config), first[0].keys));
  CHECK(first[0].id.size() == 16);
  const auto one = compose(f, {due[0]});
  CHECK(one.at(0).id != first[0].id);  // a different set of notifications, a different message
}

TEST_CASE("message body: the full text of a reminder", "[message]") {
  const Fixture f;
  const auto messages = compose(f, {f.reminder("piano", 1, at(2027, 1, 27))});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].body == R"(Camera di commercio di Prova
Ciclo di gestione della performance

Promemoria: il passo scade tra 2 giorni.

FASE 1 — Pianificazione strategica, programmazione e controllo
Atto:           Piano della performance, riferito all'anno 2027
Passo:          Giunta camerale: APPROVA
Scadenza:       venerdì 29/01/2027 (tra 2 giorni)
Attende:        nessun adempimento precedente aperto
Base normativa: D.Lgs. 150/2009, art. 10 c.1 lett. a
Finalità:       Documento programmatico triennale
Chiave:         piano/2027/approva//reminder/2/giunta
Per registrarlo come compiuto:
  scadenzario done piano approva --year 2027 --ref "…"

Nel comando, al posto di "…" va indicato il riferimento dell'atto, per
esempio "Delibera di Giunta n. 12 del 28/01/2027".

-- 
Messaggio automatico di scadenzario.
)");
}

TEST_CASE("message body: what must come first, one line each", "[message]") {
  const Fixture f;
  Notification n = f.reminder("piano", 1, at(2027, 1, 27));
  n.waiting_for = {
      OpenRequirement{.kind = OpenRequirement::Kind::earlier_step, .occurrence = "piano/2027",
                      .step = "predispone", .title = "Segretario Generale"},
      OpenRequirement{.kind = OpenRequirement::Kind::prerequisite, .occurrence = "preventivo/2026",
                      .title = "Preventivo economico"},
  };
  const auto messages = compose(f, {n});
  REQUIRE(messages.size() == 1);
  CHECK_THAT(messages[0].body,
             Catch::Contains("Attende:        Segretario Generale: PREDISPONE (passo precedente)\n"
                             "                Preventivo economico (atto presupposto, preventivo/2026)\n"));
}

TEST_CASE("message body: a proroga shows the new date, the original one and the reason", "[message]") {
  const Fixture f({Override{.act = "piano", .period = "2027", .due = d(2027, 2, 15),
                            .reason = "Proroga disposta dal Ministero con nota n. 123/2027"}});
  const auto messages = compose(f, {f.reminder("piano", 1, at(2027, 2, 8))});
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].subject ==
        "[Scadenzario] Piano della performance: APPROVA entro il 15/02/2027 (tra 7 giorni)");
  CHECK_THAT(messages[0].body,
             Catch::Contains("Proroga:        nuova scadenza dell'atto 15/02/2027 (originaria 31/01/2027):\n"
                             "                Proroga disposta dal Ministero con nota n. 123/2027\n"));
}

TEST_CASE("message body: a monthly act names its month, the command takes --period", "[message]") {
  const Fixture f;
  const auto messages = compose(f, {f.reminder("aggiornamento", 0, at(2027, 1, 25))});
  REQUIRE(messages.size() == 1);
  CHECK_THAT(messages[0].body, Catch::Contains("Atto:           Aggiornamento costante, gennaio 2027\n"));
  CHECK_THAT(messages[0].body, Catch::Contains("  scadenzario done aggiornamento aggiorna --period 2027-01 --ref \"…\"\n"));
}

TEST_CASE("done_command: deadline, year and member, too long a command is split before its options",
          "[message]") {
  const Fixture f;
  const Notification n = f.escalation("report", 0, at(2027, 5, 16), "giunta", 2, "anna");
  CHECK(done_command(n) ==
        "scadenzario done report:verifica-annuale analizza --year 2027 --member anna --ref \"…\"");
  const auto messages = compose(f, {n});
  REQUIRE(messages.size() == 1);
  CHECK_THAT(messages[0].body, Catch::Contains("  scadenzario done report:verifica-annuale analizza \\\n"
                                               "      --year 2027 --member anna --ref \"…\"\n"));
}

TEST_CASE("message body: lines fit 76 columns, but for keys that cannot be broken", "[message]") {
  const Fixture f;
  const LocalTime when = at(2027, 5, 16);
  const std::vector<Notification> due = {f.escalation("report", 0, when, "giunta", 2, "anna"),
                                         f.escalation("report", 0, when, "giunta", 2, "bruno"),
                                         f.reminder("report", 0, at(2027, 4, 23), "bruno")};
  auto messages = compose(f, due, false);
  for (Message& digest : compose(f, due, true)) messages.push_back(std::move(digest));
  CHECK(messages.size() == 5);
  for (const Message& message : messages) {
    std::string_view body = message.body;
    while (!body.empty()) {
      const std::size_t end = std::min(body.find('\n'), body.size());
      const std::string_view line = body.substr(0, end);
      if (!line.starts_with("Chiave:")) CHECK(display_width(line) <= 76);
      body.remove_prefix(std::min(end + 1, body.size()));
    }
  }
}

}  // namespace scadenzario
