// A civil date (day, month, year) with no time of day and no time zone: the unit in
// which every deadline of the cycle is expressed. Thin helpers over std::chrono.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace scadenzario {

using Date = std::chrono::year_month_day;

// Returns the date `year`-`month`-`day`; the caller guarantees it exists.
Date make_date(int year, unsigned month, unsigned day);

int year_of(Date date);
unsigned month_of(Date date);
unsigned day_of(Date date);

// Returns `date` moved by `days` calendar days (negative moves earlier).
Date add_days(Date date, int days);

// Returns the number of days from `from` to `to`, negative when `to` is earlier.
int days_between(Date from, Date to);

// Returns the last day of `month` (1-12) of `year`.
Date last_day_of_month(int year, unsigned month);

// Returns the number of days in `month` (1-12) of `year`.
unsigned days_in_month(int year, unsigned month);

// Returns "dd/mm/yyyy", the Italian way of writing a date.
std::string format_it(Date date);

// Returns "yyyy-mm-dd" (ISO 8601).
std::string format_iso(Date date);

// Returns the Italian weekday name in lower case ("lunedì" ... "domenica").
std::string_view weekday_name_it(Date date);

// Returns the Italian month name in lower case ("gennaio" ... "dicembre"); 1-12.
std::string_view month_name_it(unsigned month);

// Parses "yyyy-mm-dd"; nullopt when malformed or when the day does not exist.
std::optional<Date> parse_iso_date(std::string_view text);

}  // namespace scadenzario
