#include "service/service.hpp"

#include "config/rule_loader.hpp"
#include "core/message.hpp"
#include "core/planner.hpp"
#include "core/routing.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

namespace scadenzario::service {

namespace {

constexpr int k_plan_window_days = 400;  // reminders run up to a year ahead; escalations behind

store::OutboxEntry entry_of(const Notification& n) {
  return store::OutboxEntry{.key = n.key(),
                            .occurrence = n.occurrence->key(),
                            .step = n.step->step->id,
                            .member = n.member,
                            .kind = std::string(to_string(n.kind)),
                            .sequence = n.sequence,
                            .recipient = n.recipient,
                            .level = n.level,
                            .planned_at = to_text(n.at),
                            .late = n.late};
}

}  // namespace

struct Service::Plan {
  Calendar calendar;
  std::vector<Occurrence> occurrences;
  std::vector<std::vector<Occurrence>> prerequisites;
  StepStates states;
  std::unordered_map<std::string, std::size_t> index;  // occurrence key -> position
  std::vector<std::string> keys;             // of the occurrences and their prerequisites

  PlannerInput input(const RuleSet& rules) const {
    return PlannerInput{rules, calendar, occurrences, prerequisites, states};
  }
};

Service::Service(boost::asio::io_context& io, ServiceOptions options, RuleSet rules,
                 store::Store store, Channels channels, LocalClock clock)
    : m_io(io), m_options(std::move(options)), m_rules(std::move(rules)), m_store(std::move(store)),
      m_clock(clock), m_time(m_options.time ? std::move(m_options.time) : make_system_clock(io, m_clock)), m_watchdog(io), m_reload_timer(io), m_watchdog_interval(SystemdNotifier::watchdog_interval()),
      m_signals(io, SIGTERM, SIGINT, SIGHUP), m_clock_watch(io, [this] { on_clock_change(); }) {
  install_channels(std::move(channels));
}

void Service::install_channels(Channels channels) {
  for (auto& [name, courier] : m_couriers) {
    // Queued parcels stay pending in the outbox; the new channels send them.
    for (const Parcel& parcel : courier->take_queued()) release(name, parcel.message);
    if (!courier->is_idle()) m_retired.push_back(std::move(courier));
  }
  m_couriers.clear();
  for (auto& [name, connections] : channels) {
    Courier::Hooks hooks{
        .check = [this, name](const Parcel& parcel) { return still_due(name, parcel); },
        .report = [this, name](Courier& courier, Parcel parcel, const notifiers::DeliveryResult& result) {
          on_delivered(name, courier, std::move(parcel), result);
        },
        .now = [this] { return m_time->now(); }};
    m_couriers.emplace(name, std::make_unique<Courier>(m_io.get_executor(), std::move(connections),
                                                       m_options.idle_close, std::move(hooks)));
  }
}

void Service::start() {
  m_signals.async_wait([this](const boost::system::error_code& e, int s) { on_signal(e, s); });
  arm_watchdog();
  if (!m_clock_watch.start()) {
    spdlog::warn("event=no-clock-watch: a change of the system clock is noticed at the next wake-up");
  }
  const auto planning = std::chrono::steady_clock::now();
  m_started_at = m_time->now();
  wake();
  m_systemd.notify("READY=1");
  spdlog::info("event=ready rules={} acts={} state={} first_wake={}ms", m_options.config_path.string(),
               m_rules.acts.size(), m_store.path().string(),
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - planning).count());
}

Service::Plan Service::build_plan(const LocalTime& now) {
  Plan plan{.calendar = Calendar(m_rules.config.calendar)};
  plan.occurrences = expand_schedule(m_rules, plan.calendar, add_days(now.date, -k_plan_window_days),
                                     add_days(now.date, k_plan_window_days));
  std::vector<std::string> keys;
  keys.reserve(2 * plan.occurrences.size());
  plan.index.reserve(plan.occurrences.size());
  plan.prerequisites.reserve(plan.occurrences.size());
  for (std::size_t i = 0; i < plan.occurrences.size(); ++i) {
    keys.push_back(plan.occurrences[i].key());
    plan.index.emplace(keys.back(), i);
    plan.prerequisites.push_back(prerequisites_of(m_rules, plan.calendar, plan.occurrences[i]));
    for (const Occurrence& p : plan.prerequisites.back()) keys.push_back(p.key());
  }
  plan.keys = std::move(keys);
  refresh_states(plan);
  return plan;
}

void Service::refresh_states(Plan& plan) {
  auto records = m_store.records(plan.keys);
  if (!records) throw std::runtime_error(records.error().message);
  plan.states = StepStates(std::move(*records));
}

bool Service::enqueue_due(const Plan& plan, const LocalTime& now, std::time_t instant) {
  auto stored = m_store.last_run();
  if (!stored) {
    spdlog::error("event=store-error {}", stored.error().message);
    return false;
  }
  std::optional<LocalTime> last = *stored ? parse_local_time(**stored) : std::nullopt;
  std::vector<Notification> due;
  if (!last) {
    // No backlog from before the first start; but from the start on, nothing is lost,
    // even when the first wake-up failed (a database locked at that instant).
    const LocalTime started = m_clock.local(m_started_at);
    spdlog::info("event=first-run at={}: no backlog is sent for the time before", to_text(started));
    if (started < now) due = due_now(plan.input(m_rules), started, now);
    last = now;
  } else if (now < *last) {
    spdlog::warn("event=clock-backward last_run={} now={}: nothing is sent twice", to_text(*last),
                 to_text(now));
  } else {
    due = due_now(plan.input(m_rules), *last, now);
  }
  std::vector<store::OutboxEntry> entries;
  for (const Notification& n : due) {
    for (const std::string& channel : channels_of(m_rules, n)) {
      entries.push_back(entry_of(n));
      entries.back().channel = channel;
    }
  }
  auto added = m_store.enqueue(entries, utc_text(instant), to_text(std::max(*last, now)));
  if (!added) {
    spdlog::error("event=store-error {}", added.error().message);
    return false;
  }
  if (*added > 0) spdlog::info("event=enqueued count={}", *added);
  return true;
}

bool Service::deliver_pending(Plan& plan, std::time_t instant) {
  const bool retry_now = std::exchange(m_retry_now, false);
  m_next_retry.reset();
  record_unrecorded();
  auto pending = m_store.pending_outbox();
  if (!pending) {
    spdlog::error("event=store-error {}", pending.error().message);
    return false;
  }
  m_pending = pending->size();
  if (pending->empty()) return true;
  // The states are read again right before delivery: a step recorded meanwhile is skipped.
  refresh_states(plan);
  const std::string at = utc_text(instant);
  // Per channel: the notifications to deliver now and the attempts each has had.
  std::map<std::string, std::vector<Notification>> batches;
  std::map<std::string, std::int64_t> attempts;
  for (const store::OutboxEntry& entry : *pending) {
    if (m_with_courier.contains(entry.key + '\n' + entry.channel)) continue;  // on its way
    const std::vector<std::string> key = {entry.key};
    const auto not_before = entry.next_attempt.empty() ? std::nullopt : parse_utc(entry.next_attempt);
    if (not_before && *not_before > instant && !retry_now) {
      m_next_retry = std::min(m_next_retry.value_or(*not_before), *not_before);
      continue;
    }
    auto finish = [&](std::string_view status, std::string_view why) {
      (void)m_store.finish(key, entry.channel, store::Outcome{.status = status, .detail = why, .at = at});
    };
    const auto enqueued = parse_utc(entry.enqueued_at);
    if (enqueued && past_max_age(m_options.retry, std::chrono::seconds{instant - *enqueued})) {
      spdlog::error("event=dead key={} channel={} reason=\"undelivered for {} attempts since {}\"",
                    entry.key, entry.channel, entry.attempts, entry.enqueued_at);
      finish("dead", "undelivered within the maximum age; last error: " + entry.detail);
      continue;
    }
    if (!m_couriers.contains(entry.channel)) {
      spdlog::error("event=dead key={} channel={} reason=\"the channel is no longer configured\"",
                    entry.key, entry.channel);
      finish("dead", "the channel is no longer configured");
      continue;
    }
    const auto found = plan.index.find(entry.occurrence);
    const Occurrence* occurrence = found == plan.index.end() ? nullptr : &plan.occurrences[found->second];
    const auto step = occurrence ? std::ranges::find(occurrence->steps, entry.step,
                                                     [](const ScheduledStep& s) { return s.step->id; })
                                 : std::vector<ScheduledStep>::const_iterator{};
    if (!occurrence || step == occurrence->steps.end()) {
      spdlog::warn("event=dropped key={} reason=\"the rules no longer have this step\"", entry.key);
      finish("dead", "the rules no longer have this step");
      continue;
    }
    if (plan.states.find(entry.occurrence, entry.step, entry.member)) {
      spdlog::info("event=skipped key={} channel={} reason=\"step recorded before delivery\"",
                   entry.key, entry.channel);
      finish("skipped", "step recorded before delivery");
      continue;
    }
    const auto local = parse_local_time(entry.planned_at).value_or(m_clock.local(instant));
    const auto step_index = static_cast<std::size_t>(step - occurrence->steps.begin());
    attempts[entry.key + '\n' + entry.channel] = entry.attempts;
    batches[entry.channel].push_back(Notification{
        .kind = entry.kind == "reminder" ? NotificationKind::reminder : NotificationKind::escalation,
        .occurrence = occurrence,
        .step = &*step,
        .member = entry.member,
        .sequence = static_cast<int>(entry.sequence),
        .recipient = entry.recipient,
        .level = static_cast<int>(entry.level),
        .at = local,
        .days_left = days_between(local.date, step->due),
        .late = entry.late,
        .waiting_for = open_requirements(m_rules, *occurrence, step_index,
                                         plan.prerequisites[found->second], plan.states)});
  }
  for (const auto& [name, notifications] : batches) dispatch(name, notifications, attempts, instant);
  announce_dead();
  return true;
}

void Service::dispatch(std::string_view channel, const std::vector<Notification>& notifications,
                       const std::map<std::string, std::int64_t>& attempts, std::time_t instant) {
  std::vector<std::string> undeliverable;
  const bool email = channel == k_mail_channel;  // webhooks need no people
  auto messages = compose_messages(m_rules, notifications, m_rules.config.delivery.digest, undeliverable, email);
  for (const std::string& key : undeliverable) {
    spdlog::error("event=dead key={} reason=\"nobody holds the recipient's role in the actors file\"", key);
  }
  (void)m_store.finish(undeliverable, channel,
                       store::Outcome{.status = "dead", .detail = "no people for the recipient's role",
                                      .at = utc_text(instant)});
  Courier& courier = *m_couriers.find(channel)->second;
  for (Message& message : messages) {
    std::int64_t tried = 0;
    for (const std::string& key : message.keys) {
      m_with_courier.insert(key + '\n' + std::string(channel));
      const auto it = attempts.find(key + '\n' + std::string(channel));
      if (it != attempts.end()) tried = std::max(tried, it->second);
    }
    courier.send(Parcel{.message = std::move(message), .attempts = tried});
  }
}

bool Service::still_due(std::string_view channel, const Parcel& parcel) {
  if (m_stopping) {
    release(channel, parcel.message);
    return false;
  }
  if (!recorded_meanwhile(parcel.message)) return true;
  // Left pending, and the service wakes up again at once: the next batch skips the
  // recorded step and sends the rest of the message.
  spdlog::info("event=deferred channel={} message={} reason=\"a step was recorded while it waited\"", channel,
               parcel.message.id);
  release(channel, parcel.message);
  const std::time_t now = m_time->now();
  m_next_retry = std::min(m_next_retry.value_or(now), now);
  rearm();
  return false;
}

void Service::release(std::string_view channel, const Message& message) {
  for (const std::string& key : message.keys) {
    const auto it = m_with_courier.find(key + '\n' + std::string(channel));
    if (it != m_with_courier.end()) m_with_courier.erase(it);
  }
}

void Service::on_delivered(const std::string& channel, Courier& courier, Parcel parcel,
                           const notifiers::DeliveryResult& result) {
  release(channel, parcel.message);
  const Message& message = parcel.message;
  using Outcome = notifiers::DeliveryResult::Outcome;
  using Scope = notifiers::DeliveryResult::Scope;
  const std::time_t finished_at = m_time->now();  // a retry counts from the failure
  if (result.outcome == Outcome::cancelled) {
    spdlog::info("event=cancelled channel={} message={} keys={}: stays pending", channel, message.id,
                 message.keys.size());
  } else if (result.outcome == Outcome::transient) {
    const std::time_t next = fail(message.keys, channel, result.detail, finished_at, parcel.attempts,
                                  result.retry_after);
    if (result.scope == Scope::connection) fail_queued(channel, courier, result, finished_at, next);
  } else {
    std::string to;
    for (const Address& a : message.to) to += (to.empty() ? "" : ",") + a.email;
    const bool sent = result.outcome == Outcome::delivered;
    const std::string_view status = sent ? "sent" : "dead";
    spdlog::log(sent ? spdlog::level::info : spdlog::level::err,
                "event={} channel={} message={} keys={} to={} detail=\"{}\"", status, channel, message.id,
                message.keys.size(), to, result.detail);
    record_outcome(Unrecorded{.keys = message.keys, .channel = channel, .status = std::string(status),
                              .message_id = message.id, .detail = result.detail, .at = utc_text(finished_at)});
    if (!result.refused.empty()) report_refused(channel, message, result.refused);
    if (result.scope == Scope::configuration) fail_queued(channel, courier, result, finished_at, finished_at);
  }
  after_delivery();
}

void Service::record_outcome(Unrecorded outcome) {
  auto finished = m_store.finish(outcome.keys, outcome.channel,
                                 store::Outcome{.status = outcome.status, .message_id = outcome.message_id,
                                                .detail = outcome.detail, .at = outcome.at});
  if (finished) return;
  // The peer has the message: never send it again for want of a record. The keys stay
  // "on their way" and the record is tried again at the next wake-up.
  spdlog::error("event=store-error {}: the outcome is recorded at the next wake-up", finished.error().message);
  for (const std::string& key : outcome.keys) m_with_courier.insert(key + '\n' + outcome.channel);
  m_unrecorded.push_back(std::move(outcome));
  const std::time_t retry = m_time->now() + m_options.retry_delay.count();
  m_store_retry = std::min(m_store_retry.value_or(retry), retry);
}

void Service::record_unrecorded() {
  std::vector<Unrecorded> waiting = std::exchange(m_unrecorded, {});
  for (Unrecorded& outcome : waiting) {
    for (const std::string& key : outcome.keys) m_with_courier.erase(key + '\n' + outcome.channel);
    record_outcome(std::move(outcome));
  }
}

void Service::fail_queued(const std::string& channel, Courier& courier, const notifiers::DeliveryResult& cause,
                          std::time_t failed_at, std::time_t next) {
  // The courier that failed: after a reload it may be a retired one, whose queue is empty.
  const std::vector<Parcel> queued = courier.take_queued();
  if (queued.empty() && cause.scope != notifiers::DeliveryResult::Scope::configuration) return;
  const bool configuration = cause.scope == notifiers::DeliveryResult::Scope::configuration;
  if (configuration) {
    spdlog::error("event=channel-misconfigured channel={} detail=\"{}\" not_tried={}: fix the configuration, "
                  "then `scadenzario outbox retry --channel {}`",
                  channel, cause.detail, queued.size(), channel);
  } else {
    spdlog::warn("event=channel-unreachable channel={} not_tried={}: they wait for the channel's next retry",
                 channel, queued.size());
  }
  const std::string detail = "not tried: " + cause.detail;
  for (const Parcel& parcel : queued) {
    release(channel, parcel.message);
    if (configuration) {
      (void)m_store.finish(parcel.message.keys, channel,
                           store::Outcome{.status = "dead", .detail = detail, .at = utc_text(failed_at)});
    } else {
      postpone(parcel.message.keys, channel, detail, failed_at, parcel.attempts, next);
    }
  }
}

void Service::report_refused(std::string_view channel, const Message& message,
                             const std::vector<notifiers::RefusedRecipient>& refused) {
  for (const notifiers::RefusedRecipient& recipient : refused) {
    // A 4xx (a full mailbox, greylisting) is temporary, but this message is not sent to
    // that address again: the others have it, and the outbox tracks one row per key.
    const bool temporary = recipient.reply.starts_with('4');
    spdlog::error("event=recipient-refused channel={} message={} address={} reply=\"{}\": the others received "
                  "it; {}",
                  channel, message.id, recipient.email, recipient.reply,
                  temporary ? "refused for now, this message is not sent to that address again"
                            : "correct the address in the actors file");
  }
}

void Service::after_delivery() {
  bool idle = true;
  for (const auto& [name, courier] : m_couriers) idle = idle && courier->is_idle();
  if (!m_retired.empty()) {
    // Not here: the courier that reported is still in its own on_done().
    boost::asio::post(m_io, [this] {
      std::erase_if(m_retired, [](const std::unique_ptr<Courier>& courier) { return courier->is_idle(); });
    });
  }
  if (!idle || m_stopping) return;
  announce_dead();
  if (auto remaining = m_store.pending_outbox()) m_pending = remaining->size();
  rearm();
}

std::time_t Service::fail(std::span<const std::string> keys, std::string_view channel, std::string_view detail,
                          std::time_t failed_at, std::int64_t attempts,
                          std::optional<std::chrono::seconds> retry_after) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto wait = retry_delay(m_options.retry, static_cast<int>(attempts + 1), unit(m_jitter), retry_after);
  const std::time_t next = failed_at + wait.count();
  postpone(keys, channel, detail, failed_at, attempts, next);
  return next;
}

void Service::postpone(std::span<const std::string> keys, std::string_view channel, std::string_view detail,
                       std::time_t failed_at, std::int64_t attempts, std::time_t next) {
  m_next_retry = std::min(m_next_retry.value_or(next), next);
  const std::string next_text = utc_text(next);
  spdlog::warn("event=retry-later channel={} keys={} attempt={} next={} detail=\"{}\"", channel,
               keys.size(), attempts + 1, next_text, detail);
  auto finished = m_store.finish(keys, channel,
                                 store::Outcome{.status = "pending", .detail = detail,
                                                .at = utc_text(failed_at), .next_attempt = next_text});
  if (!finished) spdlog::error("event=store-error {}", finished.error().message);
  rearm();
}

bool Service::recorded_meanwhile(const Message& message) {
  std::vector<std::string> occurrences;
  for (const MessageItem& item : message.items) occurrences.push_back(item.occurrence);
  std::ranges::sort(occurrences);
  occurrences.erase(std::unique(occurrences.begin(), occurrences.end()), occurrences.end());
  auto records = m_store.records(occurrences);
  if (!records) {
    // The batch's own reading of the states stands; the failure shows at the next one.
    spdlog::error("event=store-error {}", records.error().message);
    return false;
  }
  const StepStates states(std::move(*records));
  return std::ranges::any_of(message.items, [&](const MessageItem& item) {
    return states.find(item.occurrence, item.step, item.member) != nullptr;
  });
}

void Service::announce_dead() {
  // Told once: the journal at error level (what the administrator's monitoring reads).
  auto dead = m_store.unannounced_dead();
  if (!dead || dead->empty()) return;
  for (const store::OutboxEntry& entry : *dead) {
    spdlog::error("event=dead-letter key={} channel={} attempts={} detail=\"{}\": "
                  "see `scadenzario outbox --dead`, retry with `scadenzario outbox retry KEY`",
                  entry.key, entry.channel, entry.attempts, entry.detail);
  }
  if (auto marked = m_store.mark_announced(*dead); !marked) {
    spdlog::error("event=store-error {}", marked.error().message);
  }
}

std::size_t Service::queue_size() const { return m_pending; }

void Service::arm(const Plan& plan, const LocalTime& now, bool retry) {
  const auto next = next_notification_time(plan.input(m_rules), now);
  m_next_notification.reset();
  if (next) m_next_notification = m_clock.instant(*next);
  m_next_text = next ? format_it(*next) : std::string("nessuna");
  // A failure of the store comes back after retry_delay. (Retry times are instants of the
  // service's clock, like the notifications: the test clock's offset and speed apply to both.)
  m_store_retry.reset();
  if (retry) m_store_retry = m_time->now() + m_options.retry_delay.count();
  rearm();
}

void Service::rearm() {
  if (m_stopping) return;
  std::optional<std::time_t> wake_at = m_next_notification;
  std::optional<std::time_t> retry_at = m_next_retry;
  if (m_store_retry) retry_at = std::min(retry_at.value_or(LLONG_MAX), *m_store_retry);
  const bool retrying = retry_at && (!wake_at || *retry_at < *wake_at);
  if (retrying) wake_at = retry_at;
  notify_status(m_next_text);
  if (!wake_at) {
    m_time->cancel();
    spdlog::info("event=sleep next=none queue={}", queue_size());
    return;
  }
  spdlog::info("event=sleep next=\"{}\" in={}s retry={} queue={}", m_next_text, *wake_at - m_time->now(),
               retrying, queue_size());
  m_time->wake_at(*wake_at, [this] { wake(); });
}

void Service::wake() {
  // A timer that had already fired when SIGTERM came is not cancelled: its handler still runs.
  if (m_stopping) return;
  const std::time_t instant = m_time->now();
  const LocalTime now = m_clock.local(instant);
  try {
    Plan plan = build_plan(now);
    bool ok = enqueue_due(plan, now, instant);
    ok = deliver_pending(plan, instant) && ok;
    arm(plan, now, !ok);
  } catch (const std::exception& error) {
    // A store failure: nothing was half-written (every write is one transaction); try again.
    spdlog::error("event=wake-failed error=\"{}\"", error.what());
    // Only the store's retry: instants planned before may be past, and would spin.
    m_next_notification.reset();
    m_next_retry.reset();
    m_store_retry = m_time->now() + m_options.retry_delay.count();
    rearm();
  }
}

void Service::on_signal(const boost::system::error_code& error, int signal) {
  if (error) return;
  if (signal == SIGHUP) {
    reload();
    m_signals.async_wait([this](const boost::system::error_code& e, int s) { on_signal(e, s); });
    return;
  }
  spdlog::info("event=stop signal={}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  stop();
}

void Service::stop() {
  m_systemd.notify("STOPPING=1");
  m_stopping = true;
  m_time->cancel();
  m_watchdog.cancel();
  m_reload_timer.cancel();
  m_signals.cancel();
  m_clock_watch.stop();
  // Queued messages stay pending; those in flight end soon, and the loop runs until
  // their results are back (a delivery that made it is recorded as sent).
  std::size_t in_flight = 0;
  for (auto& [name, courier] : m_couriers) {
    for (const Parcel& parcel : courier->take_queued()) release(name, parcel.message);
    in_flight += courier->in_flight();
    courier->cancel();
  }
  for (auto& courier : m_retired) {
    in_flight += courier->in_flight();
    courier->cancel();
  }
  if (in_flight > 0) spdlog::info("event=stopping in_flight={}: cancelled", in_flight);
}

void Service::reload() {
  m_systemd.notify("RELOADING=1");
  m_reload_tries = 0;
  try_reload();
}

void Service::try_reload() {
  ReloadOutcome outcome = ReloadOutcome::rejected;
  try {
    outcome = apply_reload();
  } catch (const std::exception& error) {  // no thread for a courier, no memory
    spdlog::error("event=reload-rejected error=\"{}\": the previous rules keep running", error.what());
  }
  if (outcome == ReloadOutcome::files_changing && ++m_reload_tries < k_reload_tries) {
    spdlog::warn("event=reload-deferred: a rule file is being written; reading again in 1 s");
    m_reload_timer.expires_after(std::chrono::seconds{1});
    m_reload_timer.async_wait([this](const boost::system::error_code& error) {
      if (!error && !m_stopping) try_reload();
    });
    return;
  }
  if (outcome == ReloadOutcome::files_changing) {
    spdlog::error("event=reload-rejected: the rule files kept changing for {} s; the previous rules keep "
                  "running (reload again once they are written)", k_reload_tries);
  }
  m_systemd.notify("READY=1");
  // The administrator may have fixed what made deliveries fail: try them now.
  m_retry_now = true;
  m_time->cancel();
  wake();
}

Service::ReloadOutcome Service::apply_reload() {
  // A file rewritten in place (truncated, then written) must not be read half-way:
  // wait until the files are quiet, and read again if one changed during the read.
  const auto before = stamp_rule_files(m_options.config_path, m_rules.config);
  const auto now = std::filesystem::file_time_type::clock::now();
  if (std::ranges::any_of(before, [&](const FileStamp& s) { return now - s.modified < m_options.reload_quiet; })) {
    return ReloadOutcome::files_changing;
  }
  auto loaded = load_rule_set(m_options.config_path);
  if (stamp_rule_files(m_options.config_path, m_rules.config) != before) return ReloadOutcome::files_changing;
  if (!loaded) {
    for (const Diagnostic& error : loaded.error()) spdlog::error("event=reload-rejected {}", error.to_string());
    spdlog::error("event=reload-rejected errors={}: the previous rules keep running", loaded.error().size());
    return ReloadOutcome::rejected;
  }
  if (loaded->acts.empty() && !m_rules.acts.empty()) {
    // An emptied or truncated file, far more often than a wish to remind of nothing.
    spdlog::error("event=reload-rejected: the new rules have no act at all (was a rule file emptied?); the "
                  "previous {} acts keep running. To run without acts, restart the service",
                  m_rules.acts.size());
    return ReloadOutcome::rejected;
  }
  if (m_options.build_channels) {
    auto channels = m_options.build_channels(loaded->config);
    if (!channels) {
      // A secret that cannot be read, say: the whole reload waits until it can.
      for (const std::string& error : channels.error()) spdlog::error("event=reload-rejected {}", error);
      spdlog::error("event=reload-rejected errors={}: the previous rules and channels keep running",
                    channels.error().size());
      return ReloadOutcome::rejected;
    }
    install_channels(*std::move(channels));
  }
  m_rules = *std::move(loaded);
  spdlog::info("event=reloaded acts={} channels={}", m_rules.acts.size(), m_couriers.size());
  return ReloadOutcome::applied;
}

void Service::on_clock_change() {
  // Replan at once: a jump forward may have made things due (sent once, marked late);
  // a jump backward is recognised by the last run and re-sends nothing.
  spdlog::info("event=clock-changed now={}", to_text(m_clock.local(m_time->now())));
  m_time->cancel();
  wake();
}

void Service::notify_status(const std::string& next) const {
  m_systemd.notify("STATUS=prossima notifica: " + next + "; in coda: " + std::to_string(queue_size()));
}

void Service::arm_watchdog() {
  if (!m_watchdog_interval) return;
  // A third of the interval: no gap reaches the half that systemd advises, even late.
  m_watchdog.expires_after(*m_watchdog_interval / 3);
  m_watchdog.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    m_systemd.notify("WATCHDOG=1");
    arm_watchdog();
  });
}

}  // namespace scadenzario::service
