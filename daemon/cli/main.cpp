// scadenzario: the administrator's command-line tool. Reads the clock once, here, to
// know "today" in the body's time zone and "now" for the records it writes.
#include "cli/command_context.hpp"
#include "config/rule_loader.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <cstdlib>
#include <iostream>

namespace scadenzario::cli {

namespace {

constexpr std::string_view k_default_config = "/etc/scadenzario/scadenzario.toml";

std::string default_config_path() {
  const char* from_env = std::getenv("SCADENZARIO_CONFIG");
  return from_env && *from_env ? from_env : std::string(k_default_config);
}

// Today's date in `time_zone` (already checked to exist), through the C library's TZ
// handling: it reads one zone file, where loading the whole tz database costs
// milliseconds on every command.
Date today_in(const std::string& time_zone, std::time_t now) {
  setenv("TZ", (":" + time_zone).c_str(), 1);
  tzset();
  std::tm local{};
  localtime_r(&now, &local);
  return make_date(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                   static_cast<unsigned>(local.tm_mday));
}

std::string utc_text(std::time_t now) {
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::filesystem::path state_path(const Arguments& args, const std::string& config_path,
                                 const Config& config) {
  if (auto explicit_path = args.get("--state")) return *explicit_path;
  const std::filesystem::path configured = config.state_db;
  return configured.is_absolute() ? configured
                                  : std::filesystem::path(config_path).parent_path() / configured;
}

int dispatch(CommandContext& context) {
  const std::string& command = context.args.command;
  if (command == "check") return run_check(context);
  if (command == "plan") return run_plan(context);
  if (command == "done" || command == "waive" || command == "undo") return run_record(context);
  if (command == "status") return run_status(context);
  if (command == "upcoming") return run_upcoming(context);
  if (command == "history") return run_history(context);
  if (command == "backup") return run_backup(context);
  if (command == "simulate") return run_simulate(context);
  if (command == "outbox") return run_outbox(context);
  if (command == "send-test") return run_send_test(context);
  return run_audit(context);
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
  const std::string config_path = args.get("--config").value_or(default_config_path());
  auto rules = load_rule_set(config_path);
  if (!rules) {
    for (const Diagnostic& error : rules.error()) std::cerr << error.to_string() << '\n';
    const std::size_t count = rules.error().size();
    std::cerr << fmt::format("{} {}\n", count, count == 1 ? "errore" : "errori");
    return k_exit_invalid;
  }
  const std::time_t now = std::time(nullptr);  // the one clock read of this tool
  Date today = today_in(rules->config.time_zone, now);
  if (const auto text = args.get("--today")) {
    const auto parsed_today = parse_iso_date(*text);
    if (!parsed_today) return fail(k_exit_invalid, "data non valida per --today: \"" + *text + "\" (AAAA-MM-GG)");
    today = *parsed_today;
  }
  const Calendar calendar(rules->config.calendar);
  const auto state = state_path(args, config_path, rules->config);
  CommandContext context{.args = args,
                         .config_path = config_path,
                         .rules = *std::move(rules),
                         .calendar = calendar,
                         .today = today,
                         .now = utc_text(now),
                         .instant = now,
                         .state_path = state};
  return dispatch(context);
}

}  // namespace

int fail(int status, const std::string& message) {
  std::cerr << "scadenzario: " << message << '\n';
  return status;
}

int fail(const store::Error& error) {
  const bool refused = error.kind == store::ErrorKind::conflict;
  return fail(refused ? k_exit_refused : k_exit_failure, error.message);
}

bool use_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) == 1 && !(no_colour && *no_colour);
}

std::optional<std::string> format_option(const CommandContext& context,
                                         std::initializer_list<std::string_view> allowed) {
  const std::string format = context.args.get("--format").value_or(std::string(*allowed.begin()));
  if (std::ranges::find(allowed, format) != allowed.end()) return format;
  std::string names;
  for (std::string_view name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
  fail(k_exit_invalid, fmt::format("formato sconosciuto \"{}\" (formati: {})", format, names));
  return std::nullopt;
}

}  // namespace scadenzario::cli

int main(int argc, char** argv) {
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const int status = scadenzario::cli::run(args);
    std::cout.flush();
    return std::cout ? status : scadenzario::cli::k_exit_failure;
  } catch (const std::exception& error) {
    std::cerr << "scadenzario: errore interno: " << error.what() << '\n';
    return scadenzario::cli::k_exit_failure;
  }
}
