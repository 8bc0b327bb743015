// The service's clock across the DST changes of Europe/Rome: local 09:00 is 08:00 UTC in
// winter and 07:00 UTC in summer; a skipped local time maps past the gap.
#include "service/local_clock.hpp"

#include <catch2/catch.hpp>

#include <thread>

namespace scadenzario::service {
namespace {

LocalTime at(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return LocalTime{make_date(y, m, d), std::chrono::minutes{hour * 60 + minute}};
}

}  // namespace

TEST_CASE("LocalClock: 09:00 in Rome is 08:00 UTC in winter and 07:00 UTC in summer", "[clock]") {
  const LocalClock clock("Europe/Rome");
  CHECK(utc_text(clock.instant(at(2027, 3, 26, 9))) == "2027-03-26T08:00:00Z");
  CHECK(utc_text(clock.instant(at(2027, 3, 29, 9))) == "2027-03-29T07:00:00Z");
  CHECK(utc_text(clock.instant(at(2027, 10, 29, 9))) == "2027-10-29T07:00:00Z");
  CHECK(utc_text(clock.instant(at(2027, 11, 2, 9))) == "2027-11-02T08:00:00Z");
}

TEST_CASE("LocalClock: the spring-forward day is 23 hours long, the fall-back day 25",
          "[clock]") {
  const LocalClock clock("Europe/Rome");
  CHECK(clock.instant(at(2027, 3, 29, 9)) - clock.instant(at(2027, 3, 28, 9)) == 24 * 3600);
  CHECK(clock.instant(at(2027, 3, 28, 9)) - clock.instant(at(2027, 3, 27, 9)) == 23 * 3600);
  CHECK(clock.instant(at(2027, 10, 31, 9)) - clock.instant(at(2027, 10, 30, 9)) == 25 * 3600);
}

TEST_CASE("LocalClock: a local time skipped by the spring change maps past the gap", "[clock]") {
  const LocalClock clock("Europe/Rome");
  // 28/03/2027 02:30 does not exist: clocks go from 02:00 to 03:00.
  const std::time_t instant = clock.instant(at(2027, 3, 28, 2, 30));
  CHECK(clock.local(instant) == at(2027, 3, 28, 3, 30));
}

TEST_CASE("LocalClock: local() and instant() round-trip at send times all year", "[clock]") {
  const LocalClock clock("Europe/Rome");
  for (Date day = make_date(2027, 1, 1); day <= make_date(2027, 12, 31); day = add_days(day, 1)) {
    const LocalTime nine{day, std::chrono::minutes{9 * 60}};
    INFO(format_iso(day));
    CHECK(clock.local(clock.instant(nine)) == nine);
  }
}

TEST_CASE("LocalClock: the test offset shifts now() and nothing else", "[clock]") {
  const LocalClock plain("Europe/Rome");
  const LocalClock shifted("Europe/Rome", std::chrono::hours{24});
  const std::time_t difference = shifted.now() - plain.now();
  CHECK(difference >= 24 * 3600);
  CHECK(difference <= 24 * 3600 + 1);
  CHECK(shifted.instant(at(2027, 1, 7, 9)) == plain.instant(at(2027, 1, 7, 9)));
}

TEST_CASE("LocalClock: a timer for an instant of the shifted clock waits the same real time",
          "[clock]") {
  const LocalClock shifted("Europe/Rome", std::chrono::hours{24});
  const std::time_t instant = shifted.instant(at(2027, 1, 7, 9));
  CHECK(shifted.system_time(instant) == std::chrono::system_clock::from_time_t(instant - 24 * 3600));
}

TEST_CASE("LocalClock: a test offset keeps its milliseconds", "[clock]") {
  // --test-now 08:59:55 must read 08:59:55 at once, not up to a second later.
  const LocalClock shifted("Europe/Rome", std::chrono::milliseconds{1500});
  const std::time_t instant = shifted.instant(at(2027, 1, 7, 9));
  CHECK(shifted.system_time(instant) ==
        std::chrono::system_clock::from_time_t(instant) - std::chrono::milliseconds{1500});
  const LocalClock behind("Europe/Rome", std::chrono::milliseconds{-1500});
  CHECK(behind.system_time(instant) ==
        std::chrono::system_clock::from_time_t(instant) + std::chrono::milliseconds{1500});
  // now() is the system clock plus the offset, rounded down to the second.
  const auto seconds_at = [](std::chrono::system_clock::time_point time, std::chrono::milliseconds offset) {
    return std::chrono::floor<std::chrono::seconds>(time + offset).time_since_epoch().count();
  };
  for (const std::chrono::milliseconds offset : {std::chrono::milliseconds{1500}, std::chrono::milliseconds{-1500},
                                                 std::chrono::milliseconds{999}, std::chrono::milliseconds{0}}) {
    const LocalClock clock("Europe/Rome", offset);
    const auto before = std::chrono::system_clock::now();
    const std::time_t now = clock.now();
    const auto after = std::chrono::system_clock::now();
    CHECK(now >= seconds_at(before, offset));
    CHECK(now <= seconds_at(after, offset));
  }
}

TEST_CASE("LocalClock: a timer armed for an instant finds now() at that instant", "[clock]") {
  // The timer waits on the system clock; now() must read the same clock, or a wake-up
  // would find the instant not yet reached and plan again for nothing.
  for (const std::chrono::milliseconds offset : {std::chrono::milliseconds{0}, std::chrono::milliseconds{1500}}) {
    const LocalClock clock("Europe/Rome", offset);
    const std::time_t next = clock.now() + 1;
    std::this_thread::sleep_until(clock.system_time(next));
    CHECK(clock.now() >= next);
  }
}

TEST_CASE("LocalClock: at test speed 3600 an hour of the clock is one real second", "[clock]") {
  const auto before = std::chrono::system_clock::now();
  const LocalClock fast("Europe/Rome", std::chrono::hours{24}, 3600);
  const std::time_t start = fast.now();
  // Started a day ahead; by now at most a few real seconds (hours of the clock) have passed.
  CHECK(start - std::time(nullptr) >= 24 * 3600 - 1);
  CHECK(start - std::time(nullptr) <= 24 * 3600 + 5 * 3600);
  CHECK(fast.system_time(start) <= std::chrono::system_clock::now());
  CHECK(fast.system_time(start) >= before - std::chrono::seconds{1});
  CHECK(fast.system_time(start + 3600) - fast.system_time(start) == std::chrono::milliseconds{1000});
  CHECK(fast.system_time(start + 365 * 24 * 3600) - fast.system_time(start) == std::chrono::hours{2} +
                                                                                std::chrono::minutes{26});
  // Civil time conversions do not depend on the speed.
  CHECK(fast.instant(at(2027, 1, 7, 9)) == LocalClock("Europe/Rome").instant(at(2027, 1, 7, 9)));
}

TEST_CASE("LocalClock: at test speed 7 the seconds of the clock are 142 or 143 ms apart", "[clock]") {
  // A timer fires at or after its time; with speed 7 the conversion rounds up to the millisecond.
  const LocalClock fast("Europe/Rome", std::chrono::seconds{0}, 7);
  const std::time_t start = fast.now();
  for (std::time_t t = start; t < start + 50; ++t) {
    const auto due = fast.system_time(t);
    CHECK(due - fast.system_time(t - 1) >= std::chrono::milliseconds{142});
    CHECK(due - fast.system_time(t - 1) <= std::chrono::milliseconds{143});
  }
}

TEST_CASE("parse_local_time and to_text: the outbox's form", "[clock]") {
  CHECK(parse_local_time("2027-01-07T09:00") == at(2027, 1, 7, 9));
  CHECK(to_text(at(2027, 1, 7, 9, 5)) == "2027-01-07T09:05");
  CHECK(parse_local_time("2027-01-07 09:00") == std::nullopt);
  CHECK(parse_local_time("2027-02-30T09:00") == std::nullopt);
}

}  // namespace scadenzario::service
