// scadenzario done, waive, undo: record the progress of one step, under the rules of
// progress, in one transaction with its audit row.
#include "cli/command_context.hpp"
#include "core/progress.hpp"
#include "core/rule_validator.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <expected>
#include <iostream>

namespace scadenzario::cli {

namespace {

// The step a command names: one occurrence, one step, one member.
struct Target {
  Occurrence occurrence;
  std::size_t step_index = 0;
  std::string member;
  std::vector<Occurrence> prerequisites;

  const Step& step() const { return *occurrence.steps[step_index].step; }
  StepKey key() const { return {occurrence.key(), step().id, member}; }
};

std::string forse(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string_view best = closest_match(word, candidates);
  return best.empty() ? std::string() : fmt::format(" (forse \"{}\"?)", best);
}

std::string list(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

std::expected<const Act*, std::string> resolve_act(const RuleSet& rules, std::string_view id) {
  if (const Act* act = rules.find_act(id); act && act->enabled) return act;
  std::vector<std::string_view> ids;
  for (const Act& act : rules.acts) {
    if (act.enabled) ids.push_back(act.id);
  }
  return std::unexpected(fmt::format("atto sconosciuto \"{}\"{}", id, forse(id, ids)));
}

std::expected<std::string, std::string> resolve_period(const CommandContext& context, const Act& act) {
  const auto year = context.args.get("--year");
  const auto period = context.args.get("--period");
  if (year && period) return std::unexpected("indicare --year oppure --period, non entrambi");
  const std::string text = period ? *period : year.value_or("");
  const std::string_view form = act.every == Recurrence::year    ? "--year AAAA"
                                : act.every == Recurrence::month ? "--period AAAA-MM"
                                                                 : "--period mandato-AAAA";
  if (text.empty() || !is_period_key(act.every, text)) {
    return std::unexpected(fmt::format("l'atto \"{}\" ({}) vuole {}", act.id,
                                       to_string(act.every), form));
  }
  return text;
}

std::expected<Occurrence, std::string> resolve_occurrence(const CommandContext& context,
                                                          const Act& act, std::string_view deadline,
                                                          const std::string& period) {
  const bool named = !act.deadlines.front().name.empty();
  std::vector<std::string_view> names;
  for (const Deadline& d : act.deadlines) names.push_back(d.name);
  if (named && !act.find_deadline(deadline)) {
    return std::unexpected(fmt::format("l'atto \"{}\" ha più scadenze: indicare {}:SCADENZA, con "
                                       "SCADENZA tra {}{}",
                                       act.id, act.id, list(names), forse(deadline, names)));
  }
  if (!named && !deadline.empty()) {
    return std::unexpected(fmt::format("l'atto \"{}\" ha una sola scadenza: togliere \":{}\"", act.id, deadline));
  }
  const int year = std::stoi(act.every == Recurrence::mandate ? period.substr(8) : period.substr(0, 4));
  std::vector<Occurrence> occurrences;
  expand_act(context.rules, context.calendar, act, make_date(year, 1, 1), make_date(year + 6, 12, 31),
             occurrences);
  for (Occurrence& occurrence : occurrences) {
    if (occurrence.deadline->name == deadline && occurrence.period.key() == period) return occurrence;
  }
  return std::unexpected(fmt::format("l'atto \"{}\" non ha una scadenza nel periodo {}", act.id, period));
}

std::expected<std::size_t, std::string> resolve_step(const Occurrence& occurrence, std::string_view id) {
  std::vector<std::string_view> ids;
  for (std::size_t i = 0; i < occurrence.steps.size(); ++i) {
    if (occurrence.steps[i].step->id == id) return i;
    ids.push_back(occurrence.steps[i].step->id);
  }
  return std::unexpected(fmt::format("l'atto \"{}\" non ha il passo \"{}\"{}; passi: {}",
                                     occurrence.act->id, id, forse(id, ids), list(ids)));
}

std::expected<std::string, std::string> resolve_member(const CommandContext& context, const Step& step) {
  const auto members = members_of_step(context.rules, step);
  const auto given = context.args.get("--member");
  if (members.size() == 1 && members.front().empty()) {
    if (given) return std::unexpected(fmt::format("il passo \"{}\" non è per componente: togliere --member", step.id));
    return std::string();
  }
  std::vector<std::string_view> ids(members.begin(), members.end());
  if (!given) {
    return std::unexpected(fmt::format("il passo \"{}\" è per componente: indicare --member tra {}",
                                       step.id, list(ids)));
  }
  if (std::ranges::find(members, *given) == members.end()) {
    return std::unexpected(fmt::format("\"{}\" non è tra i componenti di {}{}; componenti: {}", *given,
                                       context.rules.actor_title(step.actor), forse(*given, ids), list(ids)));
  }
  return *given;
}

std::expected<Target, std::string> resolve_target(const CommandContext& context) {
  const std::string& named = context.args.positional[0];
  const auto colon = named.find(':');
  const std::string act_id = named.substr(0, colon);
  const std::string deadline = colon == std::string::npos ? "" : named.substr(colon + 1);
  auto act = resolve_act(context.rules, act_id);
  if (!act) return std::unexpected(act.error());
  auto period = resolve_period(context, **act);
  if (!period) return std::unexpected(period.error());
  auto occurrence = resolve_occurrence(context, **act, deadline, *period);
  if (!occurrence) return std::unexpected(occurrence.error());
  auto step_index = resolve_step(*occurrence, context.args.positional[1]);
  if (!step_index) return std::unexpected(step_index.error());
  Target target{.occurrence = std::move(*occurrence), .step_index = *step_index};
  auto member = resolve_member(context, target.step());
  if (!member) return std::unexpected(member.error());
  target.member = *member;
  target.prerequisites = prerequisites_of(context.rules, context.calendar, target.occurrence);
  return target;
}

// The operating-system user running the command; under sudo, the user who ran sudo.
std::string current_user() {
  if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user && *sudo_user) return sudo_user;
  if (const passwd* entry = getpwuid(geteuid())) return entry->pw_name;
  return "uid " + std::to_string(geteuid());
}

std::string describe(const std::vector<OpenRequirement>& open) {
  std::string text;
  for (const OpenRequirement& requirement : open) {
    text += "\n  - ";
    text += requirement.kind == OpenRequirement::Kind::earlier_step
                ? fmt::format("passo \"{}\" ({}) di {}", requirement.step, requirement.title,
                              requirement.occurrence)
                : fmt::format("atto {} ({}) non completato", requirement.occurrence, requirement.title);
  }
  return text;
}

// Steps after `target` that are recorded: undoing it would leave them unsupported.
std::vector<std::string> later_recorded(const RuleSet& rules, const Target& target,
                                        const StepStates& states) {
  std::vector<std::string> later;
  const std::string key = target.occurrence.key();
  for (std::size_t i = target.step_index + 1; i < target.occurrence.steps.size(); ++i) {
    const Step& step = *target.occurrence.steps[i].step;
    for (const std::string& member : members_of_step(rules, step)) {
      if (states.find(key, step.id, member)) later.push_back(step.id + (member.empty() ? "" : "/" + member));
    }
  }
  return later;
}

store::StepChange change_for(const CommandContext& context, const Target& target, store::ChangeKind kind) {
  const std::string author = current_user();
  return store::StepChange{.kind = kind,
                           .key = target.key(),
                           .act = target.occurrence.act->id,
                           .author = author,
                           .at = context.now,
                           .done_by = context.args.get("--by").value_or(author),
                           .reference = context.args.get("--ref").value_or(""),
                           .document_url = context.args.get("--url").value_or(""),
                           .note = context.args.get("--note").value_or("")};
}

}  // namespace

int run_record(CommandContext& context) {
  const std::string& command = context.args.command;
  const store::ChangeKind kind = command == "done"    ? store::ChangeKind::done
                                 : command == "waive" ? store::ChangeKind::waived
                                                      : store::ChangeKind::undone;
  if (kind == store::ChangeKind::done && !context.args.has("--ref")) {
    return fail(k_exit_invalid, "done richiede --ref con gli estremi dell'atto (per esempio "
                                "\"Delibera di Giunta n. 12 del 28/01/2027\")");
  }
  if (kind == store::ChangeKind::waived && !context.args.has("--note")) {
    return fail(k_exit_invalid, "waive richiede --note con il motivo dell'esonero");
  }
  const auto target = resolve_target(context);
  if (!target) return fail(k_exit_invalid, target.error());

  auto opened = store::Store::open(context.state_path, store::Store::Access::read_write);
  if (!opened) return fail(opened.error());
  opened->leave_log_on_close();
  store::StepChange change = change_for(context, *target, kind);
  const bool force = context.args.has("--force");
  std::vector<std::string> keys = {target->occurrence.key()};
  for (const Occurrence& prerequisite : target->prerequisites) keys.push_back(prerequisite.key());

  std::string forced_note;  // printed after a forced change, as the audit log marks it
  auto check = [&](const StepStates& states) -> std::optional<store::Error> {
    if (kind == store::ChangeKind::undone) {
      const auto later = later_recorded(context.rules, *target, states);
      if (later.empty()) return std::nullopt;
      if (!force) {
        return store::Error{store::ErrorKind::conflict,
                            "non annullato: sono registrati passi successivi (" + later.front() +
                                "…); annullare prima quelli, o usare --force"};
      }
      forced_note = "Forzato; restano registrati i passi successivi: " + fmt::format("{}", fmt::join(later, ", "));
      change.forced = true;  // read by apply() after this check, before the write
      return std::nullopt;
    }
    // Waiving says a step is not due at all: it does not wait for anything.
    if (kind == store::ChangeKind::waived) return std::nullopt;
    const auto open = open_requirements(context.rules, target->occurrence, target->step_index,
                                        target->prerequisites, states);
    if (open.empty()) return std::nullopt;
    if (!force) {
      return store::Error{store::ErrorKind::conflict,
                          "non registrato: prima devono essere completati:" + describe(open) +
                              "\nUsare --force per registrarlo comunque (resterà annotato nel registro)."};
    }
    forced_note = "Forzato; erano ancora aperti:" + describe(open);
    change.forced = true;  // read by apply() after this check, before the write
    return std::nullopt;
  };
  if (auto applied = opened->apply(change, keys, check); !applied) return fail(applied.error());
  const Step& step = target->step();
  std::cout << fmt::format("Registrato: {} passo {} ({}{}) {}{}\n", target->occurrence.key(), step.id,
                           context.rules.actor_title(step.actor),
                           target->member.empty() ? "" : ", " + target->member,
                           kind == store::ChangeKind::done     ? "fatto"
                           : kind == store::ChangeKind::waived ? "esonerato"
                                                               : "annullato",
                           change.reference.empty() ? "" : " — " + change.reference);
  if (!forced_note.empty()) std::cout << forced_note << '\n';
  return k_exit_ok;
}

}  // namespace scadenzario::cli
