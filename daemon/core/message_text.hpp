// The Italian wording of reminders and escalations, for the people who receive them (a
// Segretario Generale, a dirigente, the Giunta's secretariat): what act, which step and
// who must do it, by when, how many days are left or late, what must come first, the
// act's legal basis and purpose, and how to record the step as done. Pure: plain
// UTF-8 text, '\n' line ends, wrapped under 78 columns.
#pragma once

#include "core/planner.hpp"
#include "core/rule_set.hpp"

#include <string>
#include <vector>

namespace scadenzario {

// Returns the subject of one notification, without the "[Scadenzario] " prefix:
// "Piano della performance: APPROVA entro il 29/01/2027 (tra 2 giorni)",
// "SOLLECITO — Piano della performance: APPROVA in ritardo di 3 giorni".
std::string notification_subject_it(const RuleSet& rules, const Notification& notification);

// Returns the subject of a message carrying `items` (non-empty, most urgent first): the
// item's subject for one, "5 scadenze, la prima: <subject of the first>" for more;
// always with the "[Scadenzario] " prefix.
std::string message_subject_it(const RuleSet& rules, const std::vector<const Notification*>& items);

// Returns the body of a message carrying `items` (non-empty, most urgent first).
// `copied`: someone is in Cc, which the text of an escalation mentions.
std::string message_body_it(const RuleSet& rules, const std::vector<const Notification*>& items,
                            bool copied);

// Returns a one-line title of `notification`'s step, stable while it is open (no count
// of days): "Piano della performance — Giunta camerale: APPROVA".
std::string step_summary_it(const RuleSet& rules, const Notification& notification);

// Returns the command that records `notification`'s step as done:
// scadenzario done ACT[:DEADLINE] STEP --year Y|--period P [--member M] --ref "…"
std::string done_command(const Notification& notification);

}  // namespace scadenzario
