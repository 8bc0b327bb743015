// What every command of `scadenzario` works with: the arguments, the loaded rules, the
// calendar, "today" and "now" (read once, here, at the edge), and the state database.
#pragma once

#include "cli/arguments.hpp"
#include "core/calendar.hpp"
#include "core/rule_set.hpp"
#include "store/store.hpp"

#include <ctime>
#include <filesystem>
#include <string>

namespace scadenzario::cli {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;   // database or disk
constexpr int k_exit_invalid = 2;   // invalid rules or arguments
constexpr int k_exit_refused = 3;   // refused by the rules of progress, or a broken audit log

struct CommandContext {
  const Arguments& args;
  std::string config_path;
  RuleSet rules;
  Calendar calendar;
  Date today;                      // in the body's time zone, or --today
  std::string now;                 // ISO 8601 UTC, for records
  std::time_t instant = 0;         // the same "now", for messages (send-test)
  std::filesystem::path state_path;
};

// Prints "scadenzario: message" on standard error and returns `status`.
int fail(int status, const std::string& message);

// Returns the exit status for a store error, after printing it.
int fail(const store::Error& error);

// True when standard output is a terminal that accepts colour (and NO_COLOR is unset).
bool use_colour();

// Returns "--format"'s value checked against `allowed`, or nullopt after printing why.
std::optional<std::string> format_option(const CommandContext& context,
                                         std::initializer_list<std::string_view> allowed);

int run_check(CommandContext& context);
int run_plan(CommandContext& context);
int run_record(CommandContext& context);  // done, waive, undo
int run_status(CommandContext& context);
int run_upcoming(CommandContext& context);
int run_history(CommandContext& context);
int run_backup(CommandContext& context);
int run_audit(CommandContext& context);
int run_simulate(CommandContext& context);
int run_outbox(CommandContext& context);  // outbox [--dead], outbox retry KEY
int run_send_test(CommandContext& context);

}  // namespace scadenzario::cli
