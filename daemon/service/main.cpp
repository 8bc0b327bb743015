// scadenzariod: the service. Reads like a table of contents: arguments, logging, rules
// (fail fast), state database, delivery channel, the event loop, exit status.
#include "config/rule_loader.hpp"
#include "core/routing.hpp"
#include "notifiers/channel_factory.hpp"
#include "service/local_clock.hpp"
#include "service/service.hpp"
#include "service/state_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace scadenzario;

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_invalid = 2;

constexpr std::int64_t k_max_test_speed = 10'000'000;  // a year in about three seconds

constexpr std::string_view k_usage = R"(Uso: scadenzariod [--config FILE] [--state FILE] [--maildir DIR] [--log-level LIVELLO]

Il servizio di scadenzario: invia promemoria e solleciti quando i passi del ciclo si
avvicinano alla scadenza o sono in ritardo. SIGHUP ricarica configurazione e regole,
SIGTERM o SIGINT lo fermano.

  --config FILE      configurazione (predefinito: $SCADENZARIO_CONFIG, altrimenti
                     /etc/scadenzario/scadenzario.toml)
  --state FILE       database di stato (predefinito: state_db della configurazione)
  --maildir DIR      Maildir di consegna (predefinito: [delivery] maildir)
  --log-level L      trace, debug, info (predefinito), warn, error
  --test-now DATA    SOLO PER I TEST: l'orologio parte da DATA (AAAA-MM-GGTHH:MM:SS, ora
                     locale) e poi avanza normalmente
  --test-speed N     SOLO PER I TEST: l'orologio avanza di N secondi per secondo reale
                     (i timer attendono il tempo reale corrispondente)
)";

std::optional<std::map<std::string, std::string>> parse(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return std::map<std::string, std::string>{{"--help", ""}};
    const bool known = arg == "--config" || arg == "--state" || arg == "--maildir" ||
                       arg == "--log-level" || arg == "--test-now" || arg == "--test-speed";
    if (!known || i + 1 >= argc) {
      std::cerr << "scadenzariod: argomento non valido \"" << arg << "\"\n\n" << k_usage;
      return std::nullopt;
    }
    options[arg] = argv[++i];
  }
  return options;
}

// The levels --log-level takes. Not spdlog's from_str: it turns any unknown name into
// `off`, so a typo in a unit file would give a service with an empty journal.
std::optional<spdlog::level::level_enum> log_level(std::string_view name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return std::nullopt;
}

// Journald gets its own level prefixes; a terminal gets readable lines.
void set_up_logging(spdlog::level::level_enum level) {
  std::shared_ptr<spdlog::logger> logger;
  if (std::getenv("JOURNAL_STREAM") != nullptr) {
    logger = std::make_shared<spdlog::logger>("scadenzariod",
                                              std::make_shared<spdlog::sinks::systemd_sink_mt>());
    logger->set_pattern("%v");
  } else {
    logger = spdlog::stderr_color_mt("scadenzariod");
    logger->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$ %v");
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

std::filesystem::path beside(const std::string& config_path, const std::string& path) {
  const std::filesystem::path p = path;
  return p.is_absolute() ? p : std::filesystem::path(config_path).parent_path() / p;
}

// The test clock's offset: the milliseconds from now to `text` read as local time.
std::optional<std::chrono::milliseconds> test_offset(const std::string& text, const service::LocalClock& clock) {
  const auto local = service::parse_local_time(text);
  if (!local) return std::nullopt;
  const int seconds = text.size() >= 19 ? std::atoi(text.substr(17, 2).c_str()) : 0;
  const auto target = std::chrono::system_clock::from_time_t(clock.instant(*local) + seconds);
  // Rounded up: the clock may start a millisecond late, never early.
  return std::chrono::ceil<std::chrono::milliseconds>(target - std::chrono::system_clock::now());
}

// The test clock's speed: simulated seconds per real second.
std::optional<std::int64_t> test_speed(const std::string& text) {
  std::int64_t speed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), speed);
  if (error != std::errc{} || end != text.data() + text.size() || speed < 1 || speed > k_max_test_speed) {
    return std::nullopt;
  }
  return speed;
}

int run(int argc, char** argv) {
  // libcurl with CURLOPT_NOSIGNAL does not ignore SIGPIPE itself, and a cancelled
  // transfer writes to a socket that was shut down: that must fail, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  const auto options = parse(argc, argv);
  if (!options) return k_exit_invalid;
  if (options->contains("--help")) {
    std::cout << k_usage;
    return k_exit_ok;
  }
  auto option = [&](const std::string& name, std::string fallback) {
    const auto it = options->find(name);
    return it == options->end() ? fallback : it->second;
  };
  const std::string level_name = option("--log-level", "info");
  const auto level = log_level(level_name);
  if (!level) {
    std::cerr << "scadenzariod: --log-level: atteso trace, debug, info, warn o error, trovato \"" << level_name
              << "\"\n";
    return k_exit_invalid;
  }
  set_up_logging(*level);
  const char* env_config = std::getenv("SCADENZARIO_CONFIG");
  const std::string config_path =
      option("--config", env_config && *env_config ? env_config : "/etc/scadenzario/scadenzario.toml");

  const auto loading = std::chrono::steady_clock::now();
  auto rules = load_rule_set(config_path);
  if (!rules) {
    for (const Diagnostic& error : rules.error()) spdlog::critical("{}", error.to_string());
    return k_exit_invalid;
  }
  const auto loaded_in =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - loading);
  service::LocalClock clock(rules->config.time_zone);  // from here the log is in the body's time zone
  // A large rule set takes seconds to read: say how long, so that a slow start is explained.
  spdlog::info("event=rules-loaded acts={} in={}ms", rules->acts.size(), loaded_in.count());
  if (options->contains("--test-now") || options->contains("--test-speed")) {
    const auto offset = options->contains("--test-now") ? test_offset(options->at("--test-now"), clock)
                                                        : std::optional{std::chrono::milliseconds{0}};
    const auto speed = test_speed(option("--test-speed", "1"));
    if (!offset || !speed) {
      spdlog::critical("--test-now: expected AAAA-MM-GGTHH:MM:SS; --test-speed: 1..{}", k_max_test_speed);
      return k_exit_invalid;
    }
    spdlog::warn("event=test-clock offset={}ms speed={}: test use only", offset->count(), *speed);
    clock = service::LocalClock(rules->config.time_zone, *offset, *speed);
  }

  const auto state_path = option("--state", beside(config_path, rules->config.state_db).string());
  auto store = store::Store::open(state_path, store::Store::Access::read_write);
  if (!store) {
    spdlog::critical("{}", store.error().message);
    return k_exit_failure;
  }
  // Held until the process ends, after the store is closed (see state_lock.hpp).
  const auto lock = service::StateLock::acquire(store->path());
  if (!lock) {
    spdlog::critical("event=state-locked {}", lock.error());
    return k_exit_failure;
  }
  notifiers::ChannelEnvironment environment = notifiers::process_environment(config_path);
  if (options->contains("--maildir")) environment.maildir = options->at("--maildir");
  const service::ChannelBuilder build_channels = [environment](const Config& config) {
    return notifiers::make_channels(config, environment);
  };
  auto channels = build_channels(rules->config);
  if (!channels) {
    for (const std::string& error : channels.error()) spdlog::critical("{}", error);
    return k_exit_invalid;
  }

  boost::asio::io_context io;
  service::Service service(io,
                           service::ServiceOptions{.config_path = config_path,
                                                   .build_channels = build_channels},
                           *std::move(rules), *std::move(store), *std::move(channels), clock);
  service.start();
  io.run();
  spdlog::info("event=stopped");
  return k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    spdlog::critical("event=fatal error=\"{}\"", error.what());
    return k_exit_failure;
  }
}
