// scadenzario simulate --from D --to D: every notification the service would send in
// that window, in order, with its recipients, from the same planner and the recorded
// states. Writes nothing.
#include "cli/command_context.hpp"
#include "core/planner.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace scadenzario::cli {

namespace {

// The people a notification goes to: the member, or every person of the role.
std::vector<const Person*> recipients_of(const RuleSet& rules, const Notification& notification) {
  if (!notification.member.empty() && notification.level == 0) {
    const auto it = std::ranges::find(rules.people, notification.member, &Person::id);
    return it == rules.people.end() ? std::vector<const Person*>{} : std::vector{&*it};
  }
  return rules.members_of(notification.recipient);
}

std::string addresses(const std::vector<const Person*>& people) {
  std::string text;
  for (const Person* person : people) {
    text += (text.empty() ? "" : ", ") + fmt::format("{} <{}>", person->name, person->email);
  }
  return text.empty() ? "(nessun destinatario configurato)" : text;
}

std::string_view kind_it(const Notification& n) {
  return n.kind == NotificationKind::reminder ? "promemoria" : "sollecito";
}

std::string who(const RuleSet& rules, const Notification& n) {
  const bool person = !n.member.empty() && n.level == 0;
  return person ? n.recipient : std::string(rules.actor_title(n.recipient));
}

nlohmann::ordered_json to_json(const RuleSet& rules, const Notification& n) {
  nlohmann::ordered_json to = nlohmann::ordered_json::array();
  for (const Person* person : recipients_of(rules, n)) {
    to.push_back({{"name", person->name}, {"email", person->email}});
  }
  return {{"key", n.key()},
          {"at", format_iso(n.at.date) + "T" + format_it(n.at).substr(11)},
          {"kind", to_string(n.kind)},
          {"level", n.level},
          {"occurrence", n.occurrence->key()},
          {"act", n.occurrence->act->id},
          {"title", n.occurrence->act->title},
          {"step", n.step->step->id},
          {"action", n.step->step->action},
          {"actor", n.step->step->actor},
          {"member", n.member},
          {"due", format_iso(n.step->due)},
          {"days_left", n.days_left},
          {"recipient", n.recipient},
          {"to", to},
          {"open_requirements", n.waiting_for.size()}};
}

}  // namespace

int run_simulate(CommandContext& context) {
  const auto from = parse_iso_date(context.args.get("--from").value_or(""));
  const auto to = parse_iso_date(context.args.get("--to").value_or(""));
  const auto format = format_option(context, {"table", "json"});
  if (!from || !to || *to < *from) {
    return fail(k_exit_invalid, "simulate richiede --from AAAA-MM-GG e --to AAAA-MM-GG, con --to non prima di --from");
  }
  if (!format) return k_exit_invalid;
  if (days_between(*from, *to) > 3 * 366) return fail(k_exit_invalid, "simulate copre al massimo tre anni");
  // Steps due up to a year after the window have reminders inside it; late steps of the
  // year before still escalate.
  const auto occurrences =
      expand_schedule(context.rules, context.calendar, add_days(*from, -366), add_days(*to, 366));
  std::vector<std::vector<Occurrence>> prerequisites;
  std::vector<std::string> keys;
  for (const Occurrence& occurrence : occurrences) {
    keys.push_back(occurrence.key());
    prerequisites.push_back(prerequisites_of(context.rules, context.calendar, occurrence));
    for (const Occurrence& p : prerequisites.back()) keys.push_back(p.key());
  }
  StepStates states;
  auto opened = store::Store::open(context.state_path, store::Store::Access::read_only);
  if (opened) {
    auto records = opened->records(keys);
    if (!records) return fail(records.error());
    states = StepStates(std::move(*records));
  } else if (opened.error().kind != store::ErrorKind::not_found) {
    return fail(opened.error());
  }
  const PlannerInput input{context.rules, context.calendar, occurrences, prerequisites, states};
  const auto notifications = notifications_between(
      input, LocalTime{add_days(*from, -1), std::chrono::minutes{24 * 60 - 1}},
      LocalTime{*to, std::chrono::minutes{24 * 60 - 1}});
  if (*format == "json") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Notification& n : notifications) list.push_back(to_json(context.rules, n));
    std::cout << nlohmann::ordered_json{{"from", format_iso(*from)}, {"to", format_iso(*to)},
                                        {"notifications", list}}.dump(2)
              << "\n";
    return k_exit_ok;
  }
  std::cout << fmt::format("Notifiche dal {} al {} (simulazione: nessun invio, nessuna scrittura)\n",
                           format_it(*from), format_it(*to));
  for (const Notification& n : notifications) {
    std::cout << fmt::format("  {}  {:<10} {:>+5} gg  {} passo {}{}  -> {}: {}\n", format_it(n.at), kind_it(n),
                             n.days_left, n.occurrence->key(), n.step->step->id,
                             n.member.empty() ? "" : "/" + n.member, who(context.rules, n),
                             addresses(recipients_of(context.rules, n)));
  }
  std::cout << fmt::format("{} notifiche.\n", notifications.size());
  return k_exit_ok;
}

}  // namespace scadenzario::cli
