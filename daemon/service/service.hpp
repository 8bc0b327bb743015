// scadenzariod's event loop. On every wake-up: plan what is due since the last run and
// enqueue it into the outbox in one transaction (exactly once per key); deliver the
// pending entries, reading each step's state again just before; then sleep on one
// timer until the next notification. Nothing polls: with nothing due the process waits
// in the kernel until the timer or a signal. SIGHUP reloads the rules (all or nothing),
// SIGTERM and SIGINT stop cleanly.
#pragma once

#include "core/retry_policy.hpp"
#include "core/rule_set.hpp"
#include "notifiers/channel.hpp"
#include "service/local_clock.hpp"
#include "service/wall_clock_watch.hpp"
#include "store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <memory>
#include <string>

namespace scadenzario::service {

// The delivery channels by name: "mail" (the Maildir, or SMTP), "webhook:NAME".
using Channels = std::map<std::string, std::unique_ptr<notifiers::Channel>, std::less<>>;

// Builds the channels of a configuration (reading its secrets), or says what is wrong.
using ChannelBuilder = std::function<std::expected<Channels, std::vector<std::string>>(const Config&)>;

struct ServiceOptions {
  std::filesystem::path config_path;
  std::chrono::seconds retry_delay{60};  // after a failure of the store itself
  RetryPolicy retry;                     // of failed deliveries
  ChannelBuilder build_channels;         // on reload: the new configuration's channels
};

class Service {
public:
  Service(boost::asio::io_context& io, ServiceOptions options, RuleSet rules, store::Store store,
          Channels channels, LocalClock clock);

  // Arms the signals and runs the first wake-up; io.run() does the rest.
  void start();

private:
  struct Plan;

  void wake();
  Plan build_plan(const LocalTime& now);
  bool send(notifiers::Channel& channel, std::string_view channel_name,
            const std::vector<Notification>& notifications,
            const std::map<std::string, std::int64_t>& attempts, std::time_t instant);
  void fail(std::span<const std::string> keys, std::string_view channel, std::string_view detail,
            std::time_t instant, std::int64_t attempts,
            std::optional<std::chrono::seconds> retry_after = std::nullopt);
  void announce_dead();
  // True when a step of `message` was recorded after the batch read the states: a batch
  // to a slow server can take seconds, and a step done meanwhile must not be reminded.
  bool recorded_meanwhile(const Message& message);
  bool enqueue_due(const Plan& plan, const LocalTime& now, std::time_t instant);
  bool deliver_pending(Plan& plan, std::time_t instant);
  void refresh_states(Plan& plan);
  void arm(const Plan& plan, const LocalTime& now, bool retry);
  void on_signal(const boost::system::error_code& error, int signal);
  void reload();
  // Loads the rules and builds their channels; swaps both in only if both succeed.
  void apply_reload();
  void on_clock_change();
  void notify_status(const std::string& next) const;
  void arm_watchdog();

  boost::asio::io_context& m_io;
  ServiceOptions m_options;
  RuleSet m_rules;
  store::Store m_store;
  Channels m_channels;
  LocalClock m_clock;
  boost::asio::system_timer m_timer;
  boost::asio::steady_timer m_watchdog;
  boost::asio::signal_set m_signals;
  WallClockWatch m_clock_watch;
  std::size_t m_queue = 0;
  std::optional<std::time_t> m_next_retry;  // the earliest retry of a failed delivery
  bool m_retry_now = false;                 // after a reload: retry without waiting
  bool m_stopping = false;                  // after SIGTERM or SIGINT: no more wake-ups
  std::mt19937 m_jitter{std::random_device{}()};
};

}  // namespace scadenzario::service
