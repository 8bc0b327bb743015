#include "cli/plan_output.hpp"

#include "core/display_width.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace scadenzario::cli {

namespace {

std::string pad(std::string_view text, std::size_t width) {
  std::string padded(text);
  for (std::size_t w = display_width(text); w < width; ++w) padded += ' ';
  return padded;
}

std::string_view weekday_short(Date date) { return weekday_name_it(date).substr(0, 3); }

std::string dated(Date date) { return fmt::format("{} {}", format_it(date), weekday_short(date)); }

std::string occurrence_heading(const Occurrence& occurrence) {
  std::string heading = occurrence.act->title;
  if (!occurrence.deadline->label.empty()) heading += " — " + occurrence.deadline->label;
  switch (occurrence.period.kind) {
    case Recurrence::year: heading += fmt::format(" (riferimento {})", occurrence.reference_year); break;
    case Recurrence::month:
      heading += fmt::format(" ({} {})", month_name_it(occurrence.period.month), occurrence.period.year);
      break;
    case Recurrence::mandate:
      heading += fmt::format(" (mandato {})", occurrence.period.year);
      break;
  }
  return heading;
}

std::string_view shift_verb(ShiftRule rule) {
  return rule == ShiftRule::next_business_day ? "posticipata" : "anticipata";
}

std::string due_line(const Occurrence& occurrence, ShiftRule rule) {
  std::string line = "    scadenza " + dated(occurrence.due);
  if (occurrence.override) {
    line += fmt::format("  PROROGATA (originaria {}): {}", format_it(occurrence.legal_due),
                        occurrence.override->reason);
  } else if (occurrence.due != occurrence.legal_due) {
    line += fmt::format("  (di legge {}, {}: giorno non lavorativo)", dated(occurrence.legal_due),
                        shift_verb(rule));
  }
  return line;
}

std::string shift_rule_it(ShiftRule rule) {
  switch (rule) {
    case ShiftRule::none: return "restano alla data di legge";
    case ShiftRule::previous_business_day: return "anticipate al giorno lavorativo precedente";
    case ShiftRule::next_business_day: return "posticipate al giorno lavorativo seguente";
  }
  return "";
}

// The widest action of the plan: actions are short, actor titles are not, so the action
// column comes first and the actor's title runs to the end of the line.
std::size_t action_width(const std::vector<Occurrence>& plan) {
  std::size_t width = 0;
  for (const Occurrence& occurrence : plan) {
    for (const ScheduledStep& scheduled : occurrence.steps) {
      width = std::max(width, display_width(scheduled.step->action));
    }
  }
  return width;
}

void render_occurrence(std::string& out, const RuleSet& rules, const Occurrence& occurrence,
                       std::size_t action_column) {
  out += "  " + occurrence_heading(occurrence) + "\n";
  out += "    [" + occurrence.act->legal_basis + "]  " + occurrence.key() + "\n";
  out += due_line(occurrence, rules.config.calendar.shift_rule) + "\n";
  for (const ScheduledStep& scheduled : occurrence.steps) {
    const Step& step = *scheduled.step;
    std::string line = "      " + dated(scheduled.due) + "  " + pad(step.action, action_column) +
                       "  " + std::string(rules.actor_title(step.actor));
    if (step.per_member) line += " (ciascun componente)";
    out += line + "\n";
  }
}

}  // namespace

std::string render_plan_table(const RuleSet& rules, const std::vector<Occurrence>& plan, int year) {
  std::string out = fmt::format("Ciclo di gestione della performance — piano {}\n", year);
  out += rules.config.name + "\n";
  out += "Scadenze in giorno non lavorativo " + shift_rule_it(rules.config.calendar.shift_rule) +
         ".\n";
  const std::size_t action_column = action_width(plan);
  for (int phase = 1; phase <= 4; ++phase) {
    const std::string title = fmt::format("FASE {} — {}", phase, phase_name_it(phase));
    out += "\n" + title + "\n" + std::string(display_width(title), '=') + "\n";
    bool any = false;
    for (const Occurrence& occurrence : plan) {
      if (occurrence.act->phase != phase) continue;
      if (any) out += "\n";
      render_occurrence(out, rules, occurrence, action_column);
      any = true;
    }
    if (!any) out += "  (nessuna scadenza)\n";
  }
  std::size_t steps = 0;
  for (const Occurrence& occurrence : plan) steps += occurrence.steps.size();
  out += fmt::format("\n{} scadenze, {} passi.\n", plan.size(), steps);
  return out;
}

std::string render_plan_json(const RuleSet& rules, const std::vector<Occurrence>& plan, int year) {
  nlohmann::ordered_json occurrences = nlohmann::ordered_json::array();
  for (const Occurrence& occurrence : plan) {
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    for (const ScheduledStep& scheduled : occurrence.steps) {
      const Step& step = *scheduled.step;
      steps.push_back({{"id", step.id},
                       {"actor", step.actor},
                       {"actor_title", std::string(rules.actor_title(step.actor))},
                       {"action", step.action},
                       {"offset", to_string(step.offset)},
                       {"due", format_iso(scheduled.due)},
                       {"per_member", step.per_member}});
    }
    nlohmann::ordered_json override = nullptr;
    if (occurrence.override) {
      override = {{"due", format_iso(occurrence.override->due)},
                  {"reason", occurrence.override->reason}};
    }
    occurrences.push_back({{"key", occurrence.key()},
                           {"act", occurrence.act->id},
                           {"title", occurrence.act->title},
                           {"phase", occurrence.act->phase},
                           {"deadline", occurrence.deadline->name},
                           {"label", occurrence.deadline->label},
                           {"period", occurrence.period.key()},
                           {"reference_year", occurrence.reference_year},
                           {"legal_basis", occurrence.act->legal_basis},
                           {"purpose", occurrence.act->purpose},
                           {"legal_due", format_iso(occurrence.legal_due)},
                           {"due", format_iso(occurrence.due)},
                           {"override", override},
                           {"steps", steps}});
  }
  const nlohmann::ordered_json document = {
      {"year", year},
      {"body", rules.config.name},
      {"non_business_day_rule", to_string(rules.config.calendar.shift_rule)},
      {"occurrences", occurrences}};
  return document.dump(2) + "\n";
}

std::string render_plan_diff(const std::vector<PlanChange>& changes, int year) {
  if (changes.empty()) return fmt::format("Nessuna modifica al piano {}.\n", year);
  std::string out = fmt::format("Modifiche al piano {}:\n", year);
  std::array<int, 3> counts{};
  for (const PlanChange& change : changes) {
    ++counts[static_cast<std::size_t>(change.kind)];
    const std::string what = change.occurrence_key +
                             (change.step_id.empty() ? "  scadenza" : "  passo " + change.step_id);
    switch (change.kind) {
      case PlanChange::Kind::added:
        out += fmt::format("  + {}               {}  ({})\n", format_it(*change.after), what, change.title);
        break;
      case PlanChange::Kind::removed:
        out += fmt::format("  - {}               {}  ({})\n", format_it(*change.before), what, change.title);
        break;
      case PlanChange::Kind::moved:
        out += fmt::format("  ~ {} -> {}  {}  ({})\n", format_it(*change.before),
                           format_it(*change.after), what, change.title);
        break;
    }
  }
  out += fmt::format("{} modifiche: {} aggiunte, {} rimosse, {} spostate.\n", changes.size(),
                     counts[0], counts[1], counts[2]);
  return out;
}

}  // namespace scadenzario::cli
