// Reads a reminder policy table ([reminders], [act.reminders], a step's reminders).
// Internal to the core.
#pragma once

#include "core/rule_set.hpp"
#include "core/toml_reader.hpp"

namespace scadenzario {

// Returns the policy written in `table`; unset keys stay unset. `what` names the
// table in messages.
ReminderPolicy read_reminder_policy(const toml::table& table, std::string_view what,
                                    ParseContext& context);

}  // namespace scadenzario
