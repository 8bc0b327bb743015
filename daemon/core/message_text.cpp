#include "core/message_text.hpp"

#include "core/display_width.hpp"
#include "core/phase.hpp"

#include <algorithm>
#include <string_view>

namespace scadenzario {

namespace {

constexpr std::size_t k_width = 76;        // columns of a body line
constexpr std::size_t k_label_width = 16;  // "Base normativa: "
constexpr std::string_view k_prefix = "[Scadenzario] ";

std::size_t current_column(const std::string& out) {
  const auto newline = out.rfind('\n');
  return display_width(newline == std::string::npos ? std::string_view(out)
                                                    : std::string_view(out).substr(newline + 1));
}

// Appends `text` and a line end, wrapping at k_width columns; continuation lines are
// indented by `indent` spaces. A word longer than a line stays whole.
void append_wrapped(std::string& out, std::string_view text, std::size_t indent) {
  std::size_t column = current_column(out);
  bool line_start = true;  // nothing of `text` on this line yet
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view word = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (word.empty()) continue;
    const std::size_t width = display_width(word);
    if (!line_start && column + 1 + width > k_width) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += width;
    line_start = false;
  }
  out += '\n';
}

// Appends "Label:          value", the value wrapped under itself.
void append_field(std::string& out, std::string_view label, std::string_view value) {
  std::string head = label.empty() ? std::string() : std::string(label) + ":";
  head.append(k_label_width - std::min(k_label_width - 1, display_width(head)), ' ');
  out += head;
  append_wrapped(out, value, k_label_width);
}

std::string plural(int count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

int days_late(const Notification& n) { return std::max(0, -n.days_left); }

std::string person_name(const RuleSet& rules, std::string_view id) {
  const auto it = std::ranges::find(rules.people, id, &Person::id);
  return it == rules.people.end() || it->name.empty() ? std::string(id) : it->name;
}

// "Piano della performance", "Report direzionali — verifica annuale".
std::string act_name(const Occurrence& occurrence) {
  std::string name = occurrence.act->title;
  if (!occurrence.deadline->label.empty()) name += " — " + occurrence.deadline->label;
  return name;
}

std::string period_it(const Occurrence& occurrence) {
  switch (occurrence.period.kind) {
    case Recurrence::year: return "riferito all'anno " + std::to_string(occurrence.reference_year);
    case Recurrence::month:
      return std::string(month_name_it(occurrence.period.month)) + " " +
             std::to_string(occurrence.period.year);
    case Recurrence::mandate: return "mandato " + std::to_string(occurrence.period.year);
  }
  return "";
}

// "oggi", "domani", "tra 2 giorni"; "scaduto da 2 giorni" (a reminder never is).
std::string countdown_it(int days_left) {
  if (days_left == 0) return "oggi";
  if (days_left == 1) return "domani";
  if (days_left > 1) return "tra " + plural(days_left, "giorno", "giorni");
  return "scaduto da " + plural(-days_left, "giorno", "giorni");
}

std::string lateness_it(const Notification& n) {
  return "in ritardo di " + plural(days_late(n), "giorno", "giorni");
}

// The action, with the member's name when the reader is not the member.
std::string action_of(const RuleSet& rules, const Notification& n) {
  std::string action = n.step->step->action;
  if (!n.member.empty() && n.level > 0) action += " (" + person_name(rules, n.member) + ")";
  return action;
}

// "Giunta camerale: APPROVA", "Dirigenti (Anna Neri): ANALIZZA".
std::string step_it(const RuleSet& rules, const Notification& n) {
  std::string who(rules.actor_title(n.step->step->actor));
  if (!n.member.empty()) who += " (" + person_name(rules, n.member) + ")";
  return who + ": " + n.step->step->action;
}

}  // namespace

std::string notification_subject_it(const RuleSet& rules, const Notification& n) {
  std::string subject = act_name(*n.occurrence) + ": " + action_of(rules, n);
  if (n.kind == NotificationKind::escalation) {
    subject = "SOLLECITO — " + subject + " " + lateness_it(n);
  } else {
    subject += " entro il " + format_it(n.step->due) + " (" + countdown_it(n.days_left) + ")";
  }
  if (n.late) subject += " (inviato in ritardo)";
  return subject;
}

std::string step_summary_it(const RuleSet& rules, const Notification& n) {
  return act_name(*n.occurrence) + " — " + step_it(rules, n);
}

std::string message_subject_it(const RuleSet& rules,
                               const std::vector<const Notification*>& items) {
  const std::string first = notification_subject_it(rules, *items.front());
  if (items.size() == 1) return std::string(k_prefix) + first;
  return std::string(k_prefix) + std::to_string(items.size()) + " scadenze, la prima: " + first;
}

std::string done_command(const Notification& n) {
  const Occurrence& occurrence = *n.occurrence;
  std::string command = "scadenzario done " + occurrence.act->id;
  if (!occurrence.deadline->name.empty()) command += ":" + occurrence.deadline->name;
  command += " " + n.step->step->id;
  command += occurrence.period.kind == Recurrence::year ? " --year " : " --period ";
  command += occurrence.period.key();
  if (!n.member.empty()) command += " --member " + n.member;
  return command + " --ref \"…\"";
}

namespace {

// "Promemoria: il passo scade tra 2 giorni." / "SOLLECITO: il passo è in ritardo ...".
std::string headline_it(const RuleSet& rules, const Notification& n, bool copied) {
  std::string text;
  if (n.kind == NotificationKind::reminder) {
    text = n.days_left >= 0 ? "Promemoria: il passo scade " + countdown_it(n.days_left) + "."
                            : "Promemoria: il passo è " + countdown_it(n.days_left) + ".";
  } else {
    text = "SOLLECITO: il passo è " + lateness_it(n) +
           " e non risulta compiuto. Lo ricevete in quanto " +
           std::string(rules.actor_title(n.recipient)) + ", " +
           (n.level >= 2 ? "secondo livello superiore" : "livello superiore") + " di " +
           std::string(rules.actor_title(n.step->step->actor)) + ".";
    if (copied) text += " In copia chi deve compierlo.";
  }
  if (n.late) {
    text += " Questo messaggio era previsto per il " + format_it(n.at) +
            " ed è inviato in ritardo.";
  }
  return text;
}

std::string due_it(const Notification& n) {
  const std::string state = n.kind == NotificationKind::escalation || n.days_left < 0
                                ? lateness_it(n)
                                : countdown_it(n.days_left);
  const Date due = n.step->due;
  return std::string(weekday_name_it(due)) + " " + format_it(due) + " (" + state + ")";
}

std::string requirement_it(const Occurrence& occurrence, const OpenRequirement& requirement) {
  if (requirement.kind == OpenRequirement::Kind::prerequisite) {
    return requirement.title + " (atto presupposto, " + requirement.occurrence + ")";
  }
  const Step* step = occurrence.act->find_step(requirement.step);
  const std::string& action = step ? step->action : requirement.step;
  return requirement.title + ": " + action + " (passo precedente)";
}

void append_requirements(std::string& out, const Notification& n) {
  if (n.waiting_for.empty()) {
    append_field(out, "Attende", "nessun adempimento precedente aperto");
    return;
  }
  std::string_view label = "Attende";
  for (const OpenRequirement& requirement : n.waiting_for) {
    append_field(out, label, requirement_it(*n.occurrence, requirement));
    label = "";
  }
}

void append_proroga(std::string& out, const Occurrence& occurrence) {
  if (!occurrence.override) return;
  std::string text = "nuova scadenza dell'atto " + format_it(occurrence.due) + " (originaria " +
                     format_it(occurrence.legal_due) + ")";
  if (!occurrence.override->reason.empty()) text += ": " + occurrence.override->reason;
  append_field(out, "Proroga", text);
}

// The command on its own line, for copying; split before the options when too long.
void append_command(std::string& out, const std::string& command) {
  const std::size_t options = command.find(" --");
  if (2 + display_width(command) <= k_width || options == std::string::npos) {
    out += "  " + command + "\n";
    return;
  }
  out += "  " + command.substr(0, options) + " \\\n      " + command.substr(options + 1) + "\n";
}

void append_item(std::string& out, const RuleSet& rules, const Notification& n) {
  const Occurrence& occurrence = *n.occurrence;
  const Act& act = *occurrence.act;
  out += "FASE " + std::to_string(act.phase) + " — ";
  append_wrapped(out, phase_name_it(act.phase), 4);
  append_field(out, "Atto", act_name(occurrence) + ", " + period_it(occurrence));
  append_field(out, "Passo", step_it(rules, n));
  append_field(out, "Scadenza", due_it(n));
  append_requirements(out, n);
  append_proroga(out, occurrence);
  if (!act.legal_basis.empty()) append_field(out, "Base normativa", act.legal_basis);
  if (!act.purpose.empty()) append_field(out, "Finalità", act.purpose);
  if (!act.note.empty()) append_field(out, "Nota", act.note);
  append_field(out, "Chiave", n.key());
  out += "Per registrarlo come compiuto:\n";
  append_command(out, done_command(n));
}

}  // namespace

std::string message_body_it(const RuleSet& rules, const std::vector<const Notification*>& items,
                            bool copied) {
  std::string out;
  if (!rules.config.name.empty()) append_wrapped(out, rules.config.name, 0);
  out += "Ciclo di gestione della performance\n\n";
  if (items.size() > 1) {
    const std::string count = std::to_string(items.size());
    append_wrapped(out, count + " passi del ciclo richiedono attenzione; eccoli dal più urgente.", 0);
    out += '\n';
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string number = items.size() > 1 ? std::to_string(i + 1) + ". " : "";
    append_wrapped(out, number + headline_it(rules, *items[i], copied), 0);
    out += '\n';
    append_item(out, rules, *items[i]);
    out += '\n';
  }
  append_wrapped(out,
                 "Nel comando, al posto di \"…\" va indicato il riferimento dell'atto, per esempio "
                 "\"Delibera di Giunta n. 12 del 28/01/2027\".",
                 0);
  out += "\n-- \nMessaggio automatico di scadenzario.\n";
  return out;
}

}  // namespace scadenzario
