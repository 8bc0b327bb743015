#include "service/local_clock.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace scadenzario::service {

namespace {

using Milliseconds = std::chrono::milliseconds;

std::int64_t milliseconds_of(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<Milliseconds>(time.time_since_epoch()).count();
}

// Whole seconds, rounded down also before 1970.
std::time_t floor_seconds(std::int64_t milliseconds) {
  return static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(Milliseconds{milliseconds}).count());
}

}  // namespace

LocalClock::LocalClock(const std::string& time_zone, Milliseconds offset, std::int64_t speed)
    : m_offset(offset), m_speed(std::max<std::int64_t>(speed, 1)),
      m_origin(std::chrono::floor<Milliseconds>(std::chrono::system_clock::now())) {
  setenv("TZ", (":" + time_zone).c_str(), 1);
  tzset();
}

std::time_t LocalClock::now() const {
  // Read from the clock the timers wait on: time() can lag it by a kernel tick, and a
  // timer set for instant t would then wake up to read t - 1 and plan again for nothing.
  // From the origin, shifted by the offset, the clock runs m_speed milliseconds per real
  // one (at speed 1 this is the system clock plus the offset).
  const std::int64_t elapsed = milliseconds_of(std::chrono::system_clock::now()) - milliseconds_of(m_origin);
  return floor_seconds(milliseconds_of(m_origin) + m_offset.count() + elapsed * m_speed);
}

std::chrono::system_clock::time_point LocalClock::system_time(std::time_t instant) const {
  // Rounded up, so that now() has reached `instant` when a timer set to this time fires.
  const std::int64_t ahead = instant * std::int64_t{1000} - milliseconds_of(m_origin) - m_offset.count();
  const std::int64_t real = ahead >= 0 ? (ahead + m_speed - 1) / m_speed : ahead / m_speed;
  return m_origin + Milliseconds{real};
}

LocalTime LocalClock::local(std::time_t instant) const {
  std::tm tm{};
  localtime_r(&instant, &tm);
  return LocalTime{make_date(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                             static_cast<unsigned>(tm.tm_mday)),
                   std::chrono::minutes{tm.tm_hour * 60 + tm.tm_min}};
}

std::time_t LocalClock::instant(const LocalTime& time) const {
  std::tm tm{};
  tm.tm_year = year_of(time.date) - 1900;
  tm.tm_mon = static_cast<int>(month_of(time.date)) - 1;
  tm.tm_mday = static_cast<int>(day_of(time.date));
  tm.tm_hour = static_cast<int>(time.time_of_day.count() / 60);
  tm.tm_min = static_cast<int>(time.time_of_day.count() % 60);
  tm.tm_isdst = -1;  // let the C library decide summer or winter time
  return std::mktime(&tm);
}

std::string to_text(const LocalTime& time) {
  char text[32];
  std::snprintf(text, sizeof text, "%sT%02d:%02d", format_iso(time.date).c_str(),
                static_cast<int>(time.time_of_day.count() / 60),
                static_cast<int>(time.time_of_day.count() % 60));
  return text;
}

std::optional<LocalTime> parse_local_time(std::string_view text) {
  if (text.size() < 16 || text[10] != 'T' || text[13] != ':') return std::nullopt;
  const auto date = parse_iso_date(text.substr(0, 10));
  const int hours = std::atoi(std::string(text.substr(11, 2)).c_str());
  const int minutes = std::atoi(std::string(text.substr(14, 2)).c_str());
  if (!date || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
  return LocalTime{*date, std::chrono::minutes{hours * 60 + minutes}};
}

std::string utc_text(std::time_t instant) {
  std::tm tm{};
  gmtime_r(&instant, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::optional<std::time_t> parse_utc(std::string_view text) {
  std::tm tm{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

}  // namespace scadenzario::service
