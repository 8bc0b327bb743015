#include "core/civil_date.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace scadenzario {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

Date make_date(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

int year_of(Date date) { return static_cast<int>(date.year()); }
unsigned month_of(Date date) { return static_cast<unsigned>(date.month()); }
unsigned day_of(Date date) { return static_cast<unsigned>(date.day()); }

Date add_days(Date date, int n) { return Date{sys_days{date} + days{n}}; }

int days_between(Date from, Date to) {
  return static_cast<int>((sys_days{to} - sys_days{from}).count());
}

Date last_day_of_month(int y, unsigned m) {
  const std::chrono::year_month_day_last last{year{y}, std::chrono::month_day_last{month{m}}};
  return Date{last};
}

unsigned days_in_month(int y, unsigned m) { return day_of(last_day_of_month(y, m)); }

std::string format_it(Date date) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%02u/%02u/%04d", day_of(date), month_of(date),
                year_of(date));
  return buf.data();
}

std::string format_iso(Date date) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", year_of(date), month_of(date),
                day_of(date));
  return buf.data();
}

std::string_view weekday_name_it(Date date) {
  static constexpr std::array<std::string_view, 7> k_names = {
      "domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"};
  return k_names[std::chrono::weekday{sys_days{date}}.c_encoding()];
}

std::string_view month_name_it(unsigned m) {
  static constexpr std::array<std::string_view, 12> k_names = {
      "gennaio", "febbraio", "marzo",     "aprile",  "maggio",   "giugno",
      "luglio",  "agosto",   "settembre", "ottobre", "novembre", "dicembre"};
  return m >= 1 && m <= 12 ? k_names[m - 1] : std::string_view{};
}

namespace {

template <typename Int>
bool parse_fixed_number(std::string_view text, Int& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (!parse_fixed_number(text.substr(0, 4), y) || !parse_fixed_number(text.substr(5, 2), m) ||
      !parse_fixed_number(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  const Date date = make_date(y, m, d);
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace scadenzario
