// The working calendar of a Camera di commercio: Italian national holidays (L. 260/1949
// as amended, Easter Monday included), the body's patron-saint days (CCNL 6/7/1995
// art. 18 c.6), weekends, and the rule that moves a due date off a non-working day.
// Pure: "today" is never read here; every date is passed in.
#pragma once

#include "core/civil_date.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scadenzario {

// What to do with a due date that falls on a non-business day.
enum class ShiftRule {
  none,                   // keep the legal date as written
  previous_business_day,  // bring it forward (the default: see domain-it.md decision 4)
  next_business_day,      // push it back (art. 2963 c.c. / art. 155 c.p.c. by analogy)
};

// Parses "none" | "previous-business-day" | "next-business-day".
std::optional<ShiftRule> parse_shift_rule(std::string_view text);
std::string_view to_string(ShiftRule rule);

// A patron-saint day: either a fixed day of a month or the nth weekday of a month
// (Asti: San Secondo, first Tuesday of May).
struct PatronDay {
  std::string name;
  unsigned month = 0;                      // 1-12
  unsigned day = 0;                        // fixed day; 0 when movable
  std::optional<std::chrono::weekday> weekday;  // movable form
  int nth = 0;                             // 1..5, or -1 for the last; movable form

  // Returns the patron day in `year`, or nullopt when that year has no such day
  // (a fifth Tuesday that does not exist).
  std::optional<Date> date_in(int year) const;
};

struct CalendarConfig {
  ShiftRule shift_rule = ShiftRule::previous_business_day;
  bool saturday_is_business_day = false;
  bool pentecost_monday = false;  // Lunedì di Pentecoste, a holiday in Alto Adige
  std::vector<PatronDay> patron_days;
};

// Returns Easter Sunday of `year` in the Gregorian calendar (valid from 1583).
Date easter_sunday(int year);

class Calendar {
public:
  explicit Calendar(CalendarConfig config);

  // Returns the name of the national holiday or patron day on `date`, if any.
  // Sundays are not named: they are non-working but not holidays.
  std::optional<std::string_view> holiday_name(Date date) const;

  bool is_holiday(Date date) const { return holiday_name(date).has_value(); }

  // True on Monday to Friday (and Saturday if so configured) that are not holidays.
  bool is_business_day(Date date) const;

  // Returns `date` moved off a non-business day by the configured rule.
  Date shift(Date date) const { return shift(date, m_config.shift_rule); }
  Date shift(Date date, ShiftRule rule) const;

  // Returns the date `count` business days after `date` (before it when negative);
  // `date` itself is never counted. count == 0 returns `date` unchanged.
  Date add_business_days(Date date, int count) const;

  const CalendarConfig& config() const { return m_config; }

private:
  std::optional<std::string_view> national_holiday_name(Date date) const;

  CalendarConfig m_config;
};

}  // namespace scadenzario
