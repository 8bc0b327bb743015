#include "core/calendar.hpp"

#include <array>
#include <cassert>

namespace scadenzario {

using std::chrono::sys_days;
using std::chrono::weekday;

std::optional<ShiftRule> parse_shift_rule(std::string_view text) {
  if (text == "none") return ShiftRule::none;
  if (text == "previous-business-day") return ShiftRule::previous_business_day;
  if (text == "next-business-day") return ShiftRule::next_business_day;
  return std::nullopt;
}

std::string_view to_string(ShiftRule rule) {
  switch (rule) {
    case ShiftRule::none: return "none";
    case ShiftRule::previous_business_day: return "previous-business-day";
    case ShiftRule::next_business_day: return "next-business-day";
  }
  return "none";
}

std::optional<Date> PatronDay::date_in(int year) const {
  if (day != 0) {
    const Date fixed = make_date(year, month, day);
    return fixed.ok() ? std::optional{fixed} : std::nullopt;
  }
  if (!weekday) return std::nullopt;
  const std::chrono::year y{year};
  const std::chrono::month m{month};
  if (nth < 0) {
    return Date{sys_days{std::chrono::year_month_weekday_last{y, m, std::chrono::weekday_last{*weekday}}}};
  }
  const std::chrono::year_month_weekday ymw{y, m, (*weekday)[static_cast<unsigned>(nth)]};
  if (!ymw.ok()) return std::nullopt;
  return Date{sys_days{ymw}};
}

Date easter_sunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return make_date(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

namespace {

// A fixed-date national holiday and the years in which the law made it one.
struct FixedHoliday {
  unsigned month;
  unsigned day;
  std::string_view name;
  int first_year;
  int last_year;
};

// L. 260/1949 fixed today's civil holidays. Its set is also applied to 1900-1948, an
// approximation for dates long before the cycle existed (it began with D.Lgs. 150/2009).
constexpr int k_always_from = 1900;
constexpr int k_forever = 9999;

// L. 260/1949; L. 54/1977 removed 19/3, 29/6, 4/11 and moved 2/6 to a Sunday;
// DPR 792/1985 restored 6/1 from 1986; L. 336/2000 restored 2/6 from 2001;
// L. 151/2025 added 4/10 from 2026.
constexpr std::array<FixedHoliday, 16> k_fixed_holidays = {{
    {1, 1, "Capodanno", k_always_from, k_forever},
    {1, 6, "Epifania", k_always_from, 1976},
    {1, 6, "Epifania", 1986, k_forever},
    {3, 19, "San Giuseppe", k_always_from, 1976},
    {4, 25, "Festa della Liberazione", k_always_from, k_forever},
    {5, 1, "Festa del Lavoro", k_always_from, k_forever},
    {6, 2, "Festa della Repubblica", k_always_from, 1976},
    {6, 2, "Festa della Repubblica", 2001, k_forever},
    {6, 29, "Santi Pietro e Paolo", k_always_from, 1976},
    {8, 15, "Assunzione di Maria (Ferragosto)", k_always_from, k_forever},
    {10, 4, "San Francesco d'Assisi, patrono d'Italia", 2026, k_forever},
    {11, 1, "Ognissanti", k_always_from, k_forever},
    {11, 4, "Giorno dell'Unità nazionale", k_always_from, 1976},
    {12, 8, "Immacolata Concezione", k_always_from, k_forever},
    {12, 25, "Natale", k_always_from, k_forever},
    {12, 26, "Santo Stefano", k_always_from, k_forever},
}};

// Movable holidays, in days after Easter Sunday.
struct EasterHoliday {
  int days_after_easter;
  std::string_view name;
  int last_year;
};

constexpr std::array<EasterHoliday, 3> k_easter_holidays = {{
    {1, "Lunedì dell'Angelo (Pasquetta)", k_forever},
    {39, "Ascensione", 1976},     // removed by L. 54/1977
    {60, "Corpus Domini", 1976},  // removed by L. 54/1977
}};

constexpr int k_pentecost_monday_after_easter = 50;

}  // namespace

Calendar::Calendar(CalendarConfig config) : m_config(std::move(config)) {}

std::optional<std::string_view> Calendar::national_holiday_name(Date date) const {
  const int y = year_of(date);
  const unsigned m = month_of(date);
  const unsigned d = day_of(date);
  for (const auto& h : k_fixed_holidays) {
    if (h.month == m && h.day == d && y >= h.first_year && y <= h.last_year) return h.name;
  }
  // Easter falls between 22 March and 25 April: only then can a movable holiday apply.
  if (m < 3 || m > 6) return std::nullopt;
  const int after_easter = days_between(easter_sunday(y), date);
  for (const auto& h : k_easter_holidays) {
    if (after_easter == h.days_after_easter && y <= h.last_year) return h.name;
  }
  if (m_config.pentecost_monday && after_easter == k_pentecost_monday_after_easter) {
    return "Lunedì di Pentecoste";
  }
  return std::nullopt;
}

std::optional<std::string_view> Calendar::holiday_name(Date date) const {
  if (auto name = national_holiday_name(date)) return name;
  for (const auto& patron : m_config.patron_days) {
    if (patron.date_in(year_of(date)) == date) return patron.name;
  }
  return std::nullopt;
}

bool Calendar::is_business_day(Date date) const {
  const weekday wd{sys_days{date}};
  if (wd == std::chrono::Sunday) return false;
  if (wd == std::chrono::Saturday && !m_config.saturday_is_business_day) return false;
  return !is_holiday(date);
}

Date Calendar::shift(Date date, ShiftRule rule) const {
  if (rule == ShiftRule::none) return date;
  const int step = rule == ShiftRule::previous_business_day ? -1 : 1;
  while (!is_business_day(date)) date = add_days(date, step);
  return date;
}

Date Calendar::add_business_days(Date date, int count) const {
  const int step = count < 0 ? -1 : 1;
  for (int remaining = count < 0 ? -count : count; remaining > 0;) {
    date = add_days(date, step);
    if (is_business_day(date)) --remaining;
  }
  return date;
}

}  // namespace scadenzario
