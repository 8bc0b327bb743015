// scadenzario check, plan.
#include "cli/command_context.hpp"
#include "cli/ics_writer.hpp"
#include "cli/plan_output.hpp"
#include "config/rule_loader.hpp"
#include "core/plan_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iostream>

namespace scadenzario::cli {

namespace {

std::optional<int> year_option(const CommandContext& context) {
  const auto text = context.args.get("--year");
  if (!text) return year_of(context.today);
  int year = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), year);
  if (ec != std::errc{} || end != text->data() + text->size() || year < 1900 || year > 2200) {
    fail(k_exit_invalid, fmt::format("anno non valido \"{}\": atteso un anno tra 1900 e 2200", *text));
    return std::nullopt;
  }
  return year;
}

void print_errors(const Diagnostics& errors) {
  for (const Diagnostic& error : errors) std::cerr << error.to_string() << '\n';
  std::cerr << fmt::format("{} {}\n", errors.size(), errors.size() == 1 ? "errore" : "errori");
}

int run_plan_diff(const CommandContext& context, int year) {
  auto other = load_rule_set(context.config_path, *context.args.get("--diff"));
  if (!other) {
    print_errors(other.error());
    return k_exit_invalid;
  }
  const auto before = expand_year(context.rules, context.calendar, year);
  const auto after = expand_year(*other, Calendar(other->config.calendar), year);
  std::cout << render_plan_diff(diff_plans(before, after), year);
  return k_exit_ok;
}

}  // namespace

int run_check(CommandContext& context) {
  const auto year = year_option(context);
  if (!year) return k_exit_invalid;
  const RuleSet& rules = context.rules;
  const auto enabled = std::ranges::count_if(rules.acts, &Act::enabled);
  const auto plan = expand_year(rules, context.calendar, *year);
  std::cout << fmt::format(
      "{}: valida — {} atti ({} attivi), {} ruoli, {} persone, {} mandati, {} proroghe; "
      "{} scadenze nel {}\n",
      context.config_path, rules.acts.size(), enabled, rules.actors.size(), rules.people.size(),
      rules.config.mandates.size(), rules.config.overrides.size(), plan.size(), *year);
  return k_exit_ok;
}

int run_plan(CommandContext& context) {
  const auto year = year_option(context);
  const auto format = format_option(context, {"table", "json", "ics"});
  if (!year || !format) return k_exit_invalid;
  if (context.args.has("--diff")) {
    if (context.args.has("--format")) return fail(k_exit_invalid, "--diff stampa solo una tabella: togliere --format");
    return run_plan_diff(context, *year);
  }
  const auto plan = expand_year(context.rules, context.calendar, *year);
  if (*format == "json") {
    std::cout << render_plan_json(context.rules, plan, *year);
  } else if (*format == "ics") {
    std::cout << render_plan_ics(context.rules, plan, std::time(nullptr));
  } else {
    std::cout << render_plan_table(context.rules, plan, *year);
  }
  return k_exit_ok;
}

}  // namespace scadenzario::cli
