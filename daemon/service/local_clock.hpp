// The service's clock: the current instant, and conversions between instants and the
// local civil time of the body's time zone (DST included), through the C library's TZ
// handling. The only place of the service that reads the clock. A test may shift it by
// a fixed offset (never by default).
#pragma once

#include "core/planner.hpp"

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario::service {

class LocalClock {
public:
  // Selects `time_zone` (checked to exist by the rule loader) for this process.
  explicit LocalClock(const std::string& time_zone, std::chrono::seconds offset = {});

  // The current instant, shifted by the test offset.
  std::time_t now() const;

  // The local civil time of `instant`, to the minute.
  LocalTime local(std::time_t instant) const;

  // The instant of local time `time`; a time skipped by a DST change maps to the
  // instant after the gap.
  std::time_t instant(const LocalTime& time) const;

  // The shift between this clock and the system clock (test only; zero otherwise).
  std::chrono::seconds offset() const { return m_offset; }

private:
  std::chrono::seconds m_offset;
};

// "2027-01-07T09:00": how local times are stored in the outbox.
std::string to_text(const LocalTime& time);
std::optional<LocalTime> parse_local_time(std::string_view text);

// "2027-01-07T08:00:00Z", and back.
std::string utc_text(std::time_t instant);
std::optional<std::time_t> parse_utc(std::string_view text);

}  // namespace scadenzario::service
