// scadenzario: the administrator's command-line tool. Validates the rules and prints
// the plan of the cycle. Reads the clock only to know "this year" when none is given.
#include "cli/ics_writer.hpp"
#include "cli/plan_output.hpp"
#include "config/rule_loader.hpp"
#include "core/plan_diff.hpp"
#include "core/schedule.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <variant>
#include <string>
#include <vector>

namespace {

using namespace scadenzario;

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_invalid = 2;  // invalid input: bad rules, bad arguments
constexpr std::string_view k_default_config = "/etc/scadenzario/scadenzario.toml";

constexpr std::string_view k_usage = R"(Uso: scadenzario [--config FILE] COMANDO [OPZIONI]

Scadenzario del ciclo di gestione della performance.

Comandi:
  check                       valida configurazione e regole; stampa un riepilogo
  plan [--year ANNO] [--format table|json|ics] [--diff CARTELLA_REGOLE]
                              il piano delle scadenze dell'anno (predefinito: quello
                              in corso); --diff mostra cosa cambia nel piano usando le
                              regole di un'altra cartella al posto di rules_dir

Opzioni:
  --config FILE   file di configurazione (predefinito: $SCADENZARIO_CONFIG, altrimenti
                  /etc/scadenzario/scadenzario.toml)
  --help          questo aiuto
  --version       la versione

Stato di uscita: 0 riuscito, 1 errore di esecuzione, 2 configurazione, regole o
argomenti non validi (ogni errore come file:riga:colonna: messaggio).
)";

struct Arguments {
  std::string command;
  std::string config;
  std::optional<int> year;
  std::string format = "table";
  std::optional<std::string> diff_dir;
};

struct UsageError {
  std::string message;
};

std::optional<int> parse_year(std::string_view text) {
  int year = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc{} || end != text.data() + text.size() || year < 1900 || year > 2200) {
    return std::nullopt;
  }
  return year;
}

std::string default_config_path() {
  const char* from_env = std::getenv("SCADENZARIO_CONFIG");
  return from_env && *from_env ? from_env : std::string(k_default_config);
}

// Returns the parsed arguments, or a UsageError describing the first bad one.
std::variant<Arguments, UsageError> parse_arguments(const std::vector<std::string_view>& args) {
  Arguments parsed;
  parsed.config = default_config_path();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (arg == "--help" || arg == "-h" || arg == "--version") {
      parsed.command = arg == "--version" ? "version" : "help";
      return parsed;
    }
    if (arg == "--config" || arg == "--year" || arg == "--format" || arg == "--diff") {
      const auto v = value();
      if (!v) return UsageError{fmt::format("{} richiede un valore", arg)};
      if (arg == "--config") parsed.config = *v;
      if (arg == "--format") parsed.format = *v;
      if (arg == "--diff") parsed.diff_dir = std::string(*v);
      if (arg == "--year" && !(parsed.year = parse_year(*v))) {
        return UsageError{fmt::format("anno non valido \"{}\": atteso un anno tra 1900 e 2200", *v)};
      }
    } else if (arg.starts_with("-")) {
      return UsageError{fmt::format("opzione sconosciuta \"{}\"", arg)};
    } else if (parsed.command.empty()) {
      parsed.command = arg;
    } else {
      return UsageError{fmt::format("argomento inatteso \"{}\"", arg)};
    }
  }
  if (parsed.command.empty()) return UsageError{"manca il comando (check o plan)"};
  if (parsed.command != "check" && parsed.command != "plan") {
    return UsageError{fmt::format("comando sconosciuto \"{}\" (comandi: check, plan)", parsed.command)};
  }
  if (parsed.format != "table" && parsed.format != "json" && parsed.format != "ics") {
    return UsageError{fmt::format("formato sconosciuto \"{}\" (table, json o ics)", parsed.format)};
  }
  if (parsed.command == "check" && (parsed.format != "table" || parsed.diff_dir)) {
    return UsageError{"--format e --diff valgono solo per plan"};
  }
  if (parsed.diff_dir && parsed.format != "table") {
    return UsageError{"--diff stampa solo una tabella: togliere --format"};
  }
  return parsed;
}

void print_errors(const Diagnostics& errors) {
  for (const Diagnostic& error : errors) std::cerr << error.to_string() << '\n';
  std::cerr << fmt::format("{} {}\n", errors.size(), errors.size() == 1 ? "errore" : "errori");
}

// The current year in the body's time zone: the only clock read of this tool.
int current_year(const RuleSet& rules) {
  const auto local = date::make_zoned(rules.config.time_zone, std::chrono::system_clock::now())
                         .get_local_time();
  const date::year_month_day today{std::chrono::floor<date::days>(local)};
  return static_cast<int>(today.year());
}

Calendar calendar_of(const RuleSet& rules) { return Calendar(rules.config.calendar); }

int run_check(const RuleSet& rules, const Arguments& args) {
  std::size_t enabled = 0;
  for (const Act& act : rules.acts) enabled += act.enabled ? 1 : 0;
  const int year = args.year.value_or(current_year(rules));
  const auto plan = expand_year(rules, calendar_of(rules), year);
  std::cout << fmt::format(
      "{}: valida — {} atti ({} attivi), {} ruoli, {} persone, {} mandati, {} proroghe; "
      "{} scadenze nel {}\n",
      args.config, rules.acts.size(), enabled, rules.actors.size(), rules.people.size(),
      rules.config.mandates.size(), rules.config.overrides.size(), plan.size(), year);
  return k_exit_ok;
}

int run_plan_diff(const RuleSet& rules, const Arguments& args, int year) {
  auto other = load_rule_set(args.config, *args.diff_dir);
  if (!other) {
    print_errors(other.error());
    return k_exit_invalid;
  }
  const auto before = expand_year(rules, calendar_of(rules), year);
  const auto after = expand_year(*other, calendar_of(*other), year);
  std::cout << cli::render_plan_diff(diff_plans(before, after), year);
  return k_exit_ok;
}

int run_plan(const RuleSet& rules, const Arguments& args) {
  const int year = args.year.value_or(current_year(rules));
  if (args.diff_dir) return run_plan_diff(rules, args, year);
  const auto plan = expand_year(rules, calendar_of(rules), year);
  if (args.format == "json") {
    std::cout << cli::render_plan_json(rules, plan, year);
  } else if (args.format == "ics") {
    std::cout << cli::render_plan_ics(rules, plan, std::time(nullptr));
  } else {
    std::cout << cli::render_plan_table(rules, plan, year);
  }
  return k_exit_ok;
}

int run(const std::vector<std::string_view>& raw_args) {
  const auto parsed = parse_arguments(raw_args);
  if (const auto* error = std::get_if<UsageError>(&parsed)) {
    std::cerr << "scadenzario: " << error->message << "\n\n" << k_usage;
    return k_exit_invalid;
  }
  const auto& args = std::get<Arguments>(parsed);
  if (args.command == "help") {
    std::cout << k_usage;
    return k_exit_ok;
  }
  if (args.command == "version") {
    std::cout << "scadenzario " SCADENZARIO_VERSION "\n";
    return k_exit_ok;
  }
  const auto rules = load_rule_set(args.config);
  if (!rules) {
    print_errors(rules.error());
    return k_exit_invalid;
  }
  return args.command == "check" ? run_check(*rules, args) : run_plan(*rules, args);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const int status = run(args);
    std::cout.flush();
    return std::cout ? status : k_exit_failure;
  } catch (const std::exception& error) {
    std::cerr << "scadenzario: errore interno: " << error.what() << '\n';
    return k_exit_failure;
  }
}
