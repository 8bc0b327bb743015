// The service's clock: the current instant, and conversions between instants and the
// local civil time of the body's time zone (DST included), through the C library's TZ
// handling. The only place of the service that reads the clock. A test may shift it by
// a fixed offset, and may make it run faster than real time (never by default).
#pragma once

#include "core/planner.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::service {

class LocalClock {
public:
  // Selects `time_zone` (checked to exist by the rule loader) for this process. TEST
  // ONLY: `offset` shifts the clock; with `speed` N > 1 it then advances N seconds per
  // real second from the moment of construction. The offset is in milliseconds so that a
  // test clock reads exactly the instant the test asked for, not up to a second later.
  explicit LocalClock(const std::string& time_zone, std::chrono::milliseconds offset = {},
                      std::int64_t speed = 1);

  // The current instant, shifted (and sped up) by the test settings.
  std::time_t now() const;

  // The system-clock time at which now() reaches `instant`: what a timer waits for.
  std::chrono::system_clock::time_point system_time(std::time_t instant) const;

  // The local civil time of `instant`, to the minute.
  LocalTime local(std::time_t instant) const;

  // The instant of local time `time`; a time skipped by a DST change maps to the
  // instant after the gap.
  std::time_t instant(const LocalTime& time) const;

private:
  std::chrono::milliseconds m_offset;
  std::int64_t m_speed;
  std::chrono::system_clock::time_point m_origin;  // to the millisecond: when the speed-up began
};

// "2027-01-07T09:00": how local times are stored in the outbox.
std::string to_text(const LocalTime& time);
std::optional<LocalTime> parse_local_time(std::string_view text);

// "2027-01-07T08:00:00Z", and back.
std::string utc_text(std::time_t instant);
std::optional<std::time_t> parse_utc(std::string_view text);

}  // namespace scadenzario::service
