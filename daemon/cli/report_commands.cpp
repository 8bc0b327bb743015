// scadenzario status, upcoming, history: what the state database says of the cycle,
// as Italian tables (colour only on a terminal) or JSON.
#include "cli/command_context.hpp"
#include "cli/plan_output.hpp"
#include "core/due_spec.hpp"
#include "core/progress.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <map>

namespace scadenzario::cli {

namespace {

using Json = nlohmann::ordered_json;

// Occurrences with their prerequisites and the records of both.
struct Snapshot {
  std::vector<Occurrence> occurrences;
  std::vector<std::vector<Occurrence>> prerequisites;  // parallel to occurrences
  StepStates states;
};

store::Result<Snapshot> snapshot(const CommandContext& context, std::vector<Occurrence> occurrences) {
  Snapshot result{.occurrences = std::move(occurrences)};
  std::vector<std::string> keys;
  for (const Occurrence& occurrence : result.occurrences) {
    keys.push_back(occurrence.key());
    auto prerequisites = prerequisites_of(context.rules, context.calendar, occurrence);
    for (const Occurrence& prerequisite : prerequisites) keys.push_back(prerequisite.key());
    result.prerequisites.push_back(std::move(prerequisites));
  }
  std::ranges::sort(keys);
  keys.erase(std::ranges::unique(keys).begin(), keys.end());
  auto opened = store::Store::open(context.state_path, store::Store::Access::read_only);
  if (!opened && opened.error().kind == store::ErrorKind::not_found) return result;  // nothing yet
  if (!opened) return std::unexpected(opened.error());
  auto records = opened->records(keys);
  if (!records) return std::unexpected(records.error());
  result.states = StepStates(std::move(*records));
  return result;
}

std::vector<StepProgress> progress_of(const CommandContext& context, const Snapshot& snapshot) {
  std::vector<StepProgress> all;
  for (std::size_t i = 0; i < snapshot.occurrences.size(); ++i) {
    auto steps = evaluate(context.rules, snapshot.occurrences[i], snapshot.prerequisites[i],
                          snapshot.states, context.today);
    std::ranges::move(steps, std::back_inserter(all));
  }
  return all;
}

std::string_view standing_it(Standing standing) {
  switch (standing) {
    case Standing::done: return "fatto";
    case Standing::waived: return "esonerato";
    case Standing::pending: return "da fare";
    case Standing::late: return "in ritardo";
    case Standing::blocked: return "bloccato";
    case Standing::untracked: return "non tracciato";
  }
  return "";
}

std::string coloured(std::string_view text, Standing standing, bool colour) {
  if (!colour) return std::string(text);
  const std::string_view code = standing == Standing::late      ? "\x1b[31m"
                                : standing == Standing::blocked ? "\x1b[33m"
                                : standing == Standing::pending || standing == Standing::untracked ? ""
                                                                : "\x1b[32m";
  return code.empty() ? std::string(text) : fmt::format("{}{}\x1b[0m", code, text);
}

std::string person_name(const RuleSet& rules, const std::string& id) {
  const auto it = std::ranges::find(rules.people, id, &Person::id);
  return it == rules.people.end() ? id : it->name;
}

std::string detail(const RuleSet& rules, const StepProgress& entry) {
  if (entry.record) {
    std::string text = fmt::format("{} {} da {}", entry.record->forced ? "(forzato)" : "",
                                   entry.record->recorded_at.substr(0, 10), entry.record->done_by);
    if (!entry.record->reference.empty()) text += " — " + entry.record->reference;
    if (!entry.record->note.empty()) text += " — " + entry.record->note;
    return text;
  }
  std::string text;
  if (entry.days_late > 0) text = fmt::format("da {} giorni", entry.days_late);
  if (!entry.waiting_for.empty()) {
    text += (text.empty() ? "" : "; ") + std::string("attende ");
    for (std::size_t i = 0; i < entry.waiting_for.size(); ++i) {
      const OpenRequirement& open = entry.waiting_for[i];
      text += (i ? ", " : "") + (open.step.empty() ? open.occurrence : open.step);
    }
  }
  (void)rules;
  return text;
}

std::string step_line(const RuleSet& rules, const StepProgress& entry, bool colour) {
  const Step& step = *entry.step->step;
  std::string who = std::string(rules.actor_title(step.actor));
  if (!entry.member.empty()) who += " — " + person_name(rules, entry.member);
  return fmt::format("      {} {}  {:<20} {:<44} {}\n", format_it(entry.step->due),
                     coloured(fmt::format("{:<10}", standing_it(entry.standing)), entry.standing, colour),
                     step.action, who, detail(rules, entry));
}

using Counts = std::map<Standing, int>;

std::string counts_line(const Counts& counts) {
  auto get = [&](Standing s) { return counts.contains(s) ? counts.at(s) : 0; };
  std::string line = fmt::format("fatti {}, esonerati {}, da fare {}, in ritardo {}, bloccati {}",
                                 get(Standing::done), get(Standing::waived), get(Standing::pending),
                                 get(Standing::late), get(Standing::blocked));
  if (get(Standing::untracked) > 0) line += fmt::format(", non tracciati {}", get(Standing::untracked));
  return line;
}

Json record_json(const StepRecord* record) {
  if (!record) return nullptr;
  return {{"status", to_string(record->status)}, {"done_by", record->done_by},
          {"recorded_at", record->recorded_at},  {"reference", record->reference},
          {"document_url", record->document_url}, {"note", record->note},
          {"forced", record->forced}};
}

Json progress_json(const RuleSet& rules, const StepProgress& entry) {
  Json waiting = Json::array();
  for (const OpenRequirement& open : entry.waiting_for) {
    waiting.push_back({{"occurrence", open.occurrence}, {"step", open.step}, {"title", open.title}});
  }
  const Step& step = *entry.step->step;
  return {{"occurrence", entry.occurrence->key()}, {"act", entry.occurrence->act->id},
          {"title", entry.occurrence->act->title},  {"phase", entry.occurrence->act->phase},
          {"step", step.id},                        {"actor", step.actor},
          {"actor_title", rules.actor_title(step.actor)}, {"action", step.action},
          {"member", entry.member},                 {"due", format_iso(entry.step->due)},
          {"standing", to_string(entry.standing)},  {"days_late", entry.days_late},
          {"record", record_json(entry.record)},    {"waiting_for", waiting}};
}

Json counts_json(const Counts& counts) {
  Json json = Json::object();
  for (Standing s : {Standing::done, Standing::waived, Standing::pending, Standing::late, Standing::blocked,
                     Standing::untracked}) {
    json[std::string(to_string(s))] = counts.contains(s) ? counts.at(s) : 0;
  }
  return json;
}

std::optional<int> int_option(const CommandContext& context, std::string_view name, int fallback,
                              int min, int max) {
  const auto text = context.args.get(name);
  if (!text) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    fail(k_exit_invalid, fmt::format("valore non valido per {}: \"{}\" (da {} a {})", name, *text, min, max));
    return std::nullopt;
  }
  return value;
}

void render_status_table(const CommandContext& context, const std::vector<StepProgress>& all, int year) {
  const bool colour = use_colour();
  std::cout << fmt::format("Stato del ciclo {} — {}, al {}\n", year, context.rules.config.name,
                           format_it(context.today));
  Counts total;
  for (int phase = 1; phase <= 4; ++phase) {
    const std::string title = fmt::format("FASE {} — {}", phase, phase_name_it(phase));
    std::cout << "\n" << title << "\n";
    Counts counts;
    const Occurrence* current = nullptr;
    for (const StepProgress& entry : all) {
      if (entry.occurrence->act->phase != phase) continue;
      if (entry.occurrence != current) {
        current = entry.occurrence;
        std::cout << fmt::format("  {}  [{}]  scadenza {}\n", current->act->title, current->key(),
                                 format_it(current->due));
      }
      std::cout << step_line(context.rules, entry, colour);
      ++counts[entry.standing];
      ++total[entry.standing];
    }
    std::cout << "  Riepilogo: " << counts_line(counts) << "\n";
  }
  std::cout << "\nTotale: " << counts_line(total) << "\n";
}

}  // namespace

int run_status(CommandContext& context) {
  const auto year = int_option(context, "--year", year_of(context.today), 1900, 2200);
  const auto format = format_option(context, {"table", "json"});
  if (!year || !format) return k_exit_invalid;
  auto snap = snapshot(context, expand_year(context.rules, context.calendar, *year));
  if (!snap) return fail(snap.error());
  const auto all = progress_of(context, *snap);
  if (*format == "table") {
    render_status_table(context, all, *year);
    return k_exit_ok;
  }
  Json phases = Json::array();
  for (int phase = 1; phase <= 4; ++phase) {
    Counts counts;
    Json steps = Json::array();
    for (const StepProgress& entry : all) {
      if (entry.occurrence->act->phase != phase) continue;
      ++counts[entry.standing];
      steps.push_back(progress_json(context.rules, entry));
    }
    phases.push_back({{"phase", phase}, {"name", phase_name_it(phase)}, {"counts", counts_json(counts)},
                      {"steps", steps}});
  }
  std::cout << Json{{"year", *year}, {"today", format_iso(context.today)}, {"phases", phases}}.dump(2) << "\n";
  return k_exit_ok;
}

int run_upcoming(CommandContext& context) {
  const auto days = int_option(context, "--days", 30, 0, 366);
  const auto format = format_option(context, {"table", "json"});
  if (!days || !format) return k_exit_invalid;
  // Late steps of earlier occurrences still matter: look back over the past year. Acts
  // due after the window count too, when one of their steps falls due inside it.
  const Date last = add_days(context.today, *days);
  auto snap = snapshot(context, expand_schedule(context.rules, context.calendar, add_days(context.today, -366),
                                                add_days(last, k_max_step_lead_days)));
  if (!snap) return fail(snap.error());
  std::vector<StepProgress> due;
  for (StepProgress& entry : progress_of(context, *snap)) {
    if (!entry.record && entry.standing != Standing::untracked && entry.step->due <= last) {
      due.push_back(std::move(entry));
    }
  }
  std::ranges::stable_sort(due, {}, [](const StepProgress& e) { return e.step->due; });
  if (*format == "json") {
    Json steps = Json::array();
    for (const StepProgress& entry : due) steps.push_back(progress_json(context.rules, entry));
    std::cout << Json{{"today", format_iso(context.today)}, {"until", format_iso(last)}, {"steps", steps}}.dump(2)
              << "\n";
    return k_exit_ok;
  }
  std::cout << fmt::format("Passi in scadenza entro il {} ({} giorni) e in ritardo, al {}\n", format_it(last),
                           *days, format_it(context.today));
  const bool colour = use_colour();
  const Occurrence* current = nullptr;
  for (const StepProgress& entry : due) {
    if (entry.occurrence != current) {
      current = entry.occurrence;
      std::cout << fmt::format("  {}  [{}]\n", current->act->title, current->key());
    }
    std::cout << step_line(context.rules, entry, colour);
  }
  if (due.empty()) std::cout << "  Nessun passo aperto in questo periodo.\n";
  return k_exit_ok;
}

int run_history(CommandContext& context) {
  const auto format = format_option(context, {"table", "json"});
  if (!format) return k_exit_invalid;
  const std::string& act = context.args.positional[0];
  auto opened = store::Store::open(context.state_path, store::Store::Access::read_only);
  std::vector<store::AuditRow> rows;
  if (opened) {
    auto history = opened->history(act);
    if (!history) return fail(history.error());
    rows = std::move(*history);
  } else if (opened.error().kind != store::ErrorKind::not_found) {
    return fail(opened.error());
  }
  if (rows.empty() && !context.rules.find_act(act)) {
    std::vector<std::string_view> ids;
    for (const Act& a : context.rules.acts) ids.push_back(a.id);
    const std::string_view best = closest_match(act, ids);
    return fail(k_exit_invalid, fmt::format("atto sconosciuto \"{}\"{}", act,
                                            best.empty() ? "" : fmt::format(" (forse \"{}\"?)", best)));
  }
  if (*format == "json") {
    Json json = Json::array();
    for (const store::AuditRow& row : rows) {
      json.push_back({{"seq", row.seq}, {"at", row.at}, {"author", row.author}, {"action", row.action},
                      {"occurrence", row.occurrence}, {"step", row.step}, {"member", row.member},
                      {"done_by", row.done_by}, {"reference", row.reference},
                      {"document_url", row.document_url}, {"note", row.note}, {"forced", row.forced}});
    }
    std::cout << json.dump(2) << "\n";
    return k_exit_ok;
  }
  std::cout << fmt::format("Storia di {} ({} modifiche)\n", act, rows.size());
  for (const store::AuditRow& row : rows) {
    std::cout << fmt::format("  {}  {:<8} {:<30} {:<22} {:<10} {}{}{}\n", row.at, row.action, row.occurrence,
                             row.step + (row.member.empty() ? "" : "/" + row.member), row.author,
                             row.reference, row.note.empty() ? "" : " — " + row.note,
                             row.forced ? " (forzato)" : "");
  }
  return k_exit_ok;
}

}  // namespace scadenzario::cli
