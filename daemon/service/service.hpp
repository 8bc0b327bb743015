// scadenzariod's event loop. On every wake-up: plan what is due since the last run and
// enqueue it into the outbox in one transaction (exactly once per key); compose the
// pending entries into messages and hand them to each channel's Courier, which delivers
// them off the loop and reports back (the states are read again just before each
// message leaves); then sleep on one timer until the next notification or retry.
// Nothing polls: with nothing due the process waits in the kernel until the timer or a
// signal. The loop only plans, times, signals and pings the watchdog, so a stalled peer
// never holds it. SIGHUP reloads the rules (all or nothing); SIGTERM and SIGINT cancel
// the transfers in flight (their messages stay pending) and stop.
#pragma once

#include "core/retry_policy.hpp"
#include "core/rule_set.hpp"
#include "notifiers/channel.hpp"
#include "notifiers/channel_factory.hpp"
#include "service/courier.hpp"
#include "service/local_clock.hpp"
#include "service/service_clock.hpp"
#include "service/systemd_notifier.hpp"
#include "service/wall_clock_watch.hpp"
#include "store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <memory>
#include <string>

namespace scadenzario::service {

using notifiers::Channels;

// Builds the channels of a configuration (reading its secrets), or says what is wrong.
using ChannelBuilder = std::function<std::expected<Channels, std::vector<std::string>>(const Config&)>;

struct ServiceOptions {
  std::filesystem::path config_path;
  std::chrono::seconds retry_delay{60};  // after a failure of the store itself
  RetryPolicy retry;                     // of failed deliveries
  ChannelBuilder build_channels;         // on reload: the new configuration's channels
  std::chrono::milliseconds idle_close{5000};  // a connection unused this long is closed
  std::unique_ptr<ServiceClock> time;          // null: the system's, on the given LocalClock
  // A reload waits until no rule file was modified for this long (a file being written).
  std::chrono::milliseconds reload_quiet{1000};
};

class Service {
public:
  Service(boost::asio::io_context& io, ServiceOptions options, RuleSet rules, store::Store store,
          Channels channels, LocalClock clock);

  // Arms the signals and runs the first wake-up; io.run() does the rest.
  void start();

  // What SIGHUP does: reloads the rules and channels (all or nothing), then wakes up and
  // retries the failed deliveries at once.
  void reload();

  // What SIGTERM and SIGINT do: no more wake-ups, transfers in flight cancelled (their
  // messages stay pending); io.run() returns once their results are back.
  void stop();

private:
  struct Plan;
  using Parcel = Courier::Parcel;

  void wake();
  Plan build_plan(const LocalTime& now);
  void refresh_states(Plan& plan);
  bool enqueue_due(const Plan& plan, const LocalTime& now, std::time_t instant);
  bool deliver_pending(Plan& plan, std::time_t instant);
  void dispatch(std::string_view channel, const std::vector<Notification>& notifications,
                const std::map<std::string, std::int64_t>& attempts, std::time_t instant);

  // The couriers' hooks: the check before a parcel leaves, and its result.
  bool still_due(std::string_view channel, const Parcel& parcel);
  void on_delivered(const std::string& channel, Courier& courier, Parcel parcel,
                    const notifiers::DeliveryResult& result);
  // A finished delivery to record: kept while the store cannot take it.
  struct Unrecorded {
    std::vector<std::string> keys;
    std::string channel;
    std::string status;  // "sent" or "dead"
    std::string message_id;
    std::string detail;
    std::string at;
  };
  void record_outcome(Unrecorded outcome);
  void record_unrecorded();
  // Counts a failed attempt and plans the next after the backoff, from `failed_at`.
  // Returns when.
  std::time_t fail(std::span<const std::string> keys, std::string_view channel, std::string_view detail,
                   std::time_t failed_at, std::int64_t attempts,
                   std::optional<std::chrono::seconds> retry_after = std::nullopt);
  void postpone(std::span<const std::string> keys, std::string_view channel, std::string_view detail,
                std::time_t failed_at, std::int64_t attempts, std::time_t next);
  // The parcels still queued behind a connection failure wait for its retry, `next`;
  // behind a configuration error, they are dead-lettered with it.
  void fail_queued(const std::string& channel, Courier& courier, const notifiers::DeliveryResult& cause,
                   std::time_t failed_at, std::time_t next);
  void report_refused(std::string_view channel, const Message& message,
                      const std::vector<notifiers::RefusedRecipient>& refused);
  void release(std::string_view channel, const Message& message);
  void after_delivery();
  void announce_dead();
  bool recorded_meanwhile(const Message& message);

  void install_channels(Channels channels);
  void arm(const Plan& plan, const LocalTime& now, bool retry);
  void rearm();
  enum class ReloadOutcome { applied, rejected, files_changing };
  static constexpr int k_reload_tries = 30;  // one a second, while a rule file is being written

  void on_signal(const boost::system::error_code& error, int signal);
  void try_reload();
  // Loads the rules and builds their channels; swaps both in only if both succeed, the
  // files stayed the same during the read, and the new rules keep at least one act.
  ReloadOutcome apply_reload();
  void on_clock_change();
  void notify_status(const std::string& next) const;
  void arm_watchdog();
  std::size_t queue_size() const;

  boost::asio::io_context& m_io;
  ServiceOptions m_options;
  RuleSet m_rules;
  store::Store m_store;
  LocalClock m_clock;  // the body's time zone (and the test clock of --test-now)
  std::unique_ptr<ServiceClock> m_time;  // now(), and the one timer of the next wake-up
  SystemdNotifier m_systemd;
  boost::asio::steady_timer m_watchdog;
  boost::asio::steady_timer m_reload_timer;  // a reload deferred while a file is written
  std::optional<std::chrono::microseconds> m_watchdog_interval;
  boost::asio::signal_set m_signals;
  WallClockWatch m_clock_watch;
  std::size_t m_pending = 0;                    // pending deliveries at the last wake-up
  std::time_t m_started_at = 0;                 // the first wake-up's instant
  int m_reload_tries = 0;
  std::optional<std::time_t> m_next_notification;  // of the plan
  std::optional<std::time_t> m_next_retry;      // the earliest retry of a failed delivery
  std::optional<std::time_t> m_store_retry;     // after a failure of the store itself
  std::string m_next_text = "nessuna";          // the next notification, for the status line
  bool m_retry_now = false;                     // after a reload: retry without waiting
  bool m_stopping = false;                      // after SIGTERM or SIGINT: no more wake-ups
  std::set<std::string, std::less<>> m_with_courier;  // "key\nchannel" queued, in flight or unrecorded
  std::vector<Unrecorded> m_unrecorded;  // delivered (or dead), not yet recorded
  std::mt19937 m_jitter{std::random_device{}()};
  // Last: destroyed first, while what their reports use still lives.
  std::vector<std::unique_ptr<Courier>> m_retired;  // replaced by a reload, still busy
  std::map<std::string, std::unique_ptr<Courier>, std::less<>> m_couriers;  // by channel name
};

}  // namespace scadenzario::service
