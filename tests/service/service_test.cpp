// The service's logic in simulated time: the real Service on a real io_context, store
// and couriers, with a clock that moves only when the test says and fake channels that
// record, fail and stall on command. Each case runs days of the service in milliseconds.
#include "config/rule_loader.hpp"
#include "fake_channel.hpp"
#include "service/service.hpp"
#include "support/temporary_directory.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace scadenzario::service {
namespace {

using test::FakeChannel;
using test::FakePeer;
using test::TemporaryDirectory;
using Outcome = notifiers::DeliveryResult::Outcome;
using Scope = notifiers::DeliveryResult::Scope;

// The service's clock in a test: now() moves only by fire() or set().
class ManualClock final : public ServiceClock {
public:
  explicit ManualClock(std::time_t now) : m_now(now) {}

  std::time_t now() const override { return m_now; }
  void wake_at(std::time_t instant, std::function<void()> wake) override {
    m_at = instant;
    m_wake = std::move(wake);
  }
  void cancel() override {
    m_at.reset();
    m_wake = nullptr;
  }

  std::optional<std::time_t> armed() const { return m_at; }

  // Moves the clock to the armed instant and runs the wake-up there.
  void fire() {
    REQUIRE(m_at);
    m_now = std::max(m_now, *m_at);
    auto wake = std::move(m_wake);
    m_at.reset();
    wake();
  }

private:
  std::time_t m_now;
  std::optional<std::time_t> m_at;
  std::function<void()> m_wake;
};

constexpr std::string_view k_config = R"(name = "Camera di prova"
rules_dir = "rules.d"
[delivery]
digest = false
from_address = "scadenzario@cciaa-prova.example.it"
[reminders]
lead_days = [0]
)";

constexpr std::string_view k_webhook = R"([[webhook]]
name = "hook"
url = "http://127.0.0.1:9/hooks"
preset = "slack"
)";

std::string actors(bool with_webhook) {
  return std::string("[[actor]]\nid = \"giunta\"\ntitle = \"Giunta\"\n") +
         (with_webhook ? "webhooks = [\"hook\"]\n" : "") +
         "\n[[actor]]\nid = \"vuoto\"\ntitle = \"Ufficio senza persone\"\n" +
         "\n[[person]]\nid = \"lgreco\"\nname = \"Laura Greco\"\nemail = \"laura.greco@example.it\"\n"
         "roles = [\"giunta\"]\n\n";
}

std::string act(const std::string& id, const std::string& actor = "giunta") {
  return "[[act]]\nid = \"" + id + "\"\ntitle = \"Atto " + id + "\"\nphase = 1\npurpose = \"Prova\"\n"
         "legal_basis = \"Prova\"\ndue = \"02-15\"\n  [[act.step]]\n  actor = \"" + actor +
         "\"\n  action = \"APPROVA\"\n\n";
}

// A body, its store and the service over them, at 08:00 of Monday 15/02/2027.
struct Body {
  TemporaryDirectory dir{"service"};
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  LocalClock clock{"Europe/Rome"};
  std::shared_ptr<FakePeer> mail = std::make_shared<FakePeer>();
  std::shared_ptr<FakePeer> hook = std::make_shared<FakePeer>();
  bool channels_fail = false;  // the next builds of channels fail (an unreadable secret)
  ManualClock* time = nullptr;
  std::unique_ptr<Service> service;

  explicit Body(const std::string& acts, bool with_webhook = true) {
    spdlog::set_level(spdlog::level::warn);
    write(acts, with_webhook);
  }

  ~Body() {
    if (service) {
      service->stop();
      guard.reset();
      io.run_for(std::chrono::seconds{5});
    }
  }

  void write(const std::string& acts, bool with_webhook) {
    dir.write("scadenzario.toml", std::string(k_config) + std::string(with_webhook ? k_webhook : ""), 0644);
    dir.write("rules.d/10-atti.toml", actors(with_webhook) + acts, 0644);
  }

  std::time_t at(int hour, int minute = 0) const {
    return clock.instant(LocalTime{make_date(2027, 2, 15), std::chrono::hours{hour} + std::chrono::minutes{minute}});
  }

  std::expected<Channels, std::vector<std::string>> channels(const Config& config) const {
    if (channels_fail) return std::unexpected(std::vector<std::string>{"webhook \"hook\": secret unreadable"});
    Channels built;
    built["mail"].push_back(std::make_unique<FakeChannel>(mail));
    if (!config.delivery.webhook_targets.empty()) built["webhook:hook"].push_back(std::make_unique<FakeChannel>(hook));
    return built;
  }

  // Starts the service at `now`; `before` runs once the store exists, before the first wake-up.
  void start(std::chrono::milliseconds busy_timeout = std::chrono::seconds{10}, std::optional<std::time_t> now = {},
             const std::function<void()>& before = {}) {
    auto rules = load_rule_set(config());
    REQUIRE(rules);
    auto store = store::Store::open(dir.path() / "state.db", store::Store::Access::read_write);
    REQUIRE(store);
    store->set_busy_timeout(busy_timeout);
    auto manual = std::make_unique<ManualClock>(now.value_or(at(8)));
    time = manual.get();
    auto built = channels(rules->config);
    REQUIRE(built);
    service = std::make_unique<Service>(
        io,
        ServiceOptions{.config_path = config(),
                       .build_channels = [this](const Config& c) { return channels(c); },
                       .time = std::move(manual),
                       .reload_quiet = std::chrono::milliseconds{0}},
        *std::move(rules), *std::move(store), *std::move(built), clock);
    if (before) before();
    service->start();
  }

  std::filesystem::path config() const { return dir.path() / "scadenzario.toml"; }

  // Runs the loop until `done` holds (the couriers report from their threads), or 5 s.
  bool settle(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (!done() && std::chrono::steady_clock::now() < until) io.run_one_for(std::chrono::milliseconds{5});
    io.poll();
    return done();
  }

  std::vector<store::OutboxEntry> outbox(std::string_view channel) const {
    auto store = store::Store::open(dir.path() / "state.db", store::Store::Access::read_only);
    REQUIRE(store);
    auto all = store->outbox();
    REQUIRE(all);
    std::vector<store::OutboxEntry> rows;
    for (auto& row : *all) {
      if (row.channel == channel) rows.push_back(std::move(row));
    }
    return rows;
  }
};

TEST_CASE("Service: a reminder leaves at its instant through every channel, once", "[service]") {
  Body body(act("atto-a"));
  body.start();
  REQUIRE(body.time->armed() == body.at(9));  // the first run sends no backlog; 09:00 is next
  body.time->fire();
  // The peer has it before the service records it: wait for the record.
  const auto sent = [&](std::string_view channel) {
    const auto rows = body.outbox(channel);
    return rows.size() == 1 && rows[0].status == "sent";
  };
  CHECK(body.settle([&] { return sent("mail") && sent("webhook:hook"); }));
  CHECK(body.mail->delivered()[0].keys == std::vector<std::string>{"atto-a/2027/approva//reminder/0/giunta"});
  REQUIRE(body.outbox("mail").size() == 1);
  CHECK(body.outbox("mail")[0].status == "sent");
  CHECK(body.outbox("webhook:hook")[0].status == "sent");
  // The Giunta escalates to nobody: the next wake-up is next year's reminder, not this one again.
  const std::time_t next_year = body.clock.instant(LocalTime{make_date(2028, 2, 15), std::chrono::hours{9}});
  CHECK(body.time->armed() == next_year);
  body.time->fire();
  CHECK(body.settle([&] { return body.mail->delivered().size() == 2; }));
  CHECK(body.mail->delivered()[1].keys == std::vector<std::string>{"atto-a/2028/approva//reminder/0/giunta"});
}

TEST_CASE("Service: a stalled channel holds neither the loop nor the other channel; stop cancels it",
          "[service]") {
  Body body(act("atto-a"));
  body.mail->stall();
  body.start();
  body.time->fire();
  CHECK(body.settle([&] { return body.hook->delivered().size() == 1 && body.mail->waiting() == 1; }));
  CHECK(body.time->armed());  // the loop planned its next wake-up while the e-mail stalls
  body.service->stop();
  body.guard.reset();
  body.io.run_for(std::chrono::seconds{5});
  CHECK(body.io.stopped());  // the cancelled transfer came back: nothing holds the loop
  const auto mail = body.outbox("mail");
  REQUIRE(mail.size() == 1);
  CHECK(mail[0].status == "pending");  // cancelled: still to be sent, no attempt counted
  CHECK(mail[0].attempts == 0);
  body.service.reset();
}

TEST_CASE("Service: a reload while a message is in flight: the old connection finishes it, once",
          "[service]") {
  Body body(act("atto-a"), false);
  body.mail->stall();
  body.start();
  body.time->fire();
  REQUIRE(body.settle([&] { return body.mail->waiting() == 1; }));
  body.service->reload();  // new channels; the old courier is retired while it waits
  body.mail->release();
  CHECK(body.settle([&] { return !body.outbox("mail").empty() && body.outbox("mail")[0].status == "sent"; }));
  body.io.poll();  // the retired courier is destroyed after its report, not inside it
  CHECK(body.mail->attempts() == 1);  // the reload did not send it again meanwhile
  CHECK(body.mail->delivered().size() == 1);
}

TEST_CASE("Service: after a connection failure the rest of the channel's batch waits for one retry",
          "[service]") {
  Body body(act("atto-a") + act("atto-b") + act("atto-c"), false);
  body.mail->script({{.outcome = Outcome::transient, .detail = "fake: timed out", .scope = Scope::connection}});
  body.start();
  body.time->fire();
  CHECK(body.settle([&] {
    const auto rows = body.outbox("mail");
    return rows.size() == 3 && std::ranges::all_of(rows, [](const auto& r) { return r.attempts == 1; });
  }));
  CHECK(body.mail->attempts() == 1);  // one timeout paid, not three
  const auto rows = body.outbox("mail");
  REQUIRE(rows.size() == 3);
  CHECK(std::ranges::count_if(rows, [](const auto& r) { return r.detail.starts_with("not tried: "); }) == 2);
  CHECK(std::ranges::all_of(rows, [&](const auto& r) { return r.status == "pending"; }));
  REQUIRE(body.time->armed());
  CHECK(*body.time->armed() >= body.at(9) + 30);  // the first backoff, counted from the failure
  CHECK(*body.time->armed() <= body.at(9) + 60);
  body.time->fire();
  CHECK(body.settle([&] { return body.mail->delivered().size() == 3; }));
}

TEST_CASE("Service: a configuration error dead-letters the channel's batch; retried by channel once fixed",
          "[service]") {
  Body body(act("atto-a") + act("atto-b") + act("atto-c"), false);
  body.mail->script({{.outcome = Outcome::permanent, .detail = "fake: 535 login refused",
                      .scope = Scope::configuration}});
  body.start();
  body.time->fire();
  CHECK(body.settle([&] {
    const auto rows = body.outbox("mail");
    return rows.size() == 3 && std::ranges::all_of(rows, [](const auto& r) { return r.status == "dead"; });
  }));
  CHECK(body.mail->attempts() == 1);  // the others were not sent to be refused alike
  auto store = store::Store::open(body.dir.path() / "state.db", store::Store::Access::read_write);
  REQUIRE(store);
  CHECK(store->retry_channel("mail").value() == 3);  // `scadenzario outbox retry --channel mail`
  body.service->reload();  // `systemctl reload scadenzario`
  CHECK(body.settle([&] { return body.mail->delivered().size() == 3; }));
}

TEST_CASE("Service: a busy database at a wake-up: retried after retry_delay, nothing lost", "[service]") {
  Body body(act("atto-a"), false);
  body.start(std::chrono::milliseconds{20});
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open((body.dir.path() / "state.db").c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  body.time->fire();  // 09:00: the enqueue cannot write
  CHECK(body.time->armed() == body.at(9, 1));  // retry_delay: 60 s
  CHECK(body.mail->attempts() == 0);
  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  body.time->fire();  // 09:01: the 09:00 reminder is still due
  CHECK(body.settle([&] { return !body.outbox("mail").empty() && body.outbox("mail")[0].status == "sent"; }));
  CHECK(body.mail->delivered().size() == 1);
}

TEST_CASE("Service: a first start on a locked database loses nothing due from the start on", "[service]") {
  Body body(act("atto-a"), false);
  sqlite3* other = nullptr;
  body.start(std::chrono::milliseconds{20}, body.at(8, 59), [&] {
    REQUIRE(sqlite3_open((body.dir.path() / "state.db").c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  });
  CHECK(body.time->armed() == body.at(9));  // the failed first wake-up is retried
  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  body.time->fire();  // 09:00: still the first run, counted from 08:59
  CHECK(body.settle([&] { return body.mail->delivered().size() == 1; }));
}

TEST_CASE("Service: a reload whose rules have no act at all is refused; the running rules go on",
          "[service]") {
  Body body(act("atto-a"), false);
  body.start();
  body.write("", false);  // a rule file emptied by mistake
  body.service->reload();
  body.time->fire();  // 09:00
  CHECK(body.settle([&] { return body.mail->delivered().size() == 1; }));
}

TEST_CASE("Service: a role with nobody in it and no webhook: its e-mail is dead at once, told", "[service]") {
  Body body(act("atto-vuoto", "vuoto"));
  body.start();
  body.time->fire();
  CHECK(body.settle([&] { return body.outbox("mail").size() == 1 && body.outbox("mail")[0].status == "dead"; }));
  CHECK(body.outbox("mail")[0].detail == "no people for the recipient's role");
  CHECK(body.mail->attempts() == 0);
  CHECK(body.hook->attempts() == 0);
  CHECK(body.outbox("webhook:hook").empty());
}

TEST_CASE("Service: a reload that removes a channel dead-letters its deliveries; one whose channels fail "
          "keeps the running ones", "[service]") {
  Body body(act("atto-a"));
  body.hook->script({{.outcome = Outcome::transient, .detail = "fake: HTTP 503"},
                     {.outcome = Outcome::transient, .detail = "fake: HTTP 503"}});
  body.start();
  body.time->fire();
  CHECK(body.settle([&] { return body.mail->delivered().size() == 1 && body.outbox("webhook:hook").at(0).attempts == 1; }));
  CHECK(body.outbox("webhook:hook")[0].status == "pending");

  body.channels_fail = true;  // the new configuration's secret cannot be read
  body.write(act("atto-a") + act("atto-b"), false);
  body.service->reload();
  CHECK(body.settle([&] { return body.outbox("webhook:hook")[0].attempts == 2; }));  // retried at once
  CHECK(body.outbox("webhook:hook")[0].status == "pending");  // by the old rules and channels
  CHECK(body.outbox("mail").size() == 1);  // atto-b, of the rejected rules, is not planned

  body.channels_fail = false;
  body.service->reload();
  CHECK(body.settle([&] { return body.outbox("webhook:hook")[0].status == "dead"; }));
  CHECK(body.outbox("webhook:hook")[0].detail == "the channel is no longer configured");
}

}  // namespace
}  // namespace scadenzario::service
