// The service's clock across the DST changes of Europe/Rome: local 09:00 is 08:00 UTC in
// winter and 07:00 UTC in summer; a skipped local time maps past the gap.
#include "service/local_clock.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("parse_local_time and to_text: the outbox's form", "[clock]") {
  CHECK(parse_local_time("2027-01-07T09:00") == at(2027, 1, 7, 9));
  CHECK(to_text(at(2027, 1, 7, 9, 5)) == "2027-01-07T09:05");
  CHECK(parse_local_time("2027-01-07 09:00") == std::nullopt);
  CHECK(parse_local_time("2027-02-30T09:00") == std::nullopt);
}

}  // namespace scadenzario::service
