// The Italian working calendar: Easter, national holidays, patron days, business days
// and the three rules for a due date on a non-working day.
#include "core/calendar.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace scadenzario {
namespace {

Date d(int y, unsigned m, unsigned day) { return make_date(y, m, day); }

Calendar italian(ShiftRule rule = ShiftRule::previous_business_day) {
  CalendarConfig config;
  config.shift_rule = rule;
  return Calendar(config);
}

}  // namespace

TEST_CASE("easter_sunday matches the published table of Easter dates", "[calendar]") {
  // Gregorian Easter Sundays, as published (e.g. the tables of the Osservatorio
  // astronomico and every almanac); includes the earliest (22/3) and latest (25/4) cases.
  const std::vector<std::pair<int, Date>> table = {
      {1900, d(1900, 4, 15)}, {1913, d(1913, 3, 23)}, {1943, d(1943, 4, 25)}, {1954, d(1954, 4, 18)},
      {1961, d(1961, 4, 2)},  {1981, d(1981, 4, 19)}, {1985, d(1985, 4, 7)},  {2000, d(2000, 4, 23)},
      {2001, d(2001, 4, 15)}, {2002, d(2002, 3, 31)}, {2003, d(2003, 4, 20)}, {2004, d(2004, 4, 11)},
      {2005, d(2005, 3, 27)}, {2006, d(2006, 4, 16)}, {2007, d(2007, 4, 8)},  {2008, d(2008, 3, 23)},
      {2009, d(2009, 4, 12)}, {2010, d(2010, 4, 4)},  {2011, d(2011, 4, 24)}, {2012, d(2012, 4, 8)},
      {2013, d(2013, 3, 31)}, {2014, d(2014, 4, 20)}, {2015, d(2015, 4, 5)},  {2016, d(2016, 3, 27)},
      {2017, d(2017, 4, 16)}, {2018, d(2018, 4, 1)},  {2019, d(2019, 4, 21)}, {2020, d(2020, 4, 12)},
      {2021, d(2021, 4, 4)},  {2022, d(2022, 4, 17)}, {2023, d(2023, 4, 9)},  {2024, d(2024, 3, 31)},
      {2025, d(2025, 4, 20)}, {2026, d(2026, 4, 5)},  {2027, d(2027, 3, 28)}, {2028, d(2028, 4, 16)},
      {2029, d(2029, 4, 1)},  {2030, d(2030, 4, 21)}, {2031, d(2031, 4, 13)}, {2032, d(2032, 3, 28)},
      {2033, d(2033, 4, 17)}, {2034, d(2034, 4, 9)},  {2035, d(2035, 3, 25)}, {2038, d(2038, 4, 25)},
      {2049, d(2049, 4, 18)}, {2100, d(2100, 3, 28)}, {2200, d(2200, 4, 6)},
  };
  REQUIRE(table.size() >= 30);
  for (const auto& [year, easter] : table) {
    INFO("year " << year);
    CHECK(easter_sunday(year) == easter);
  }
}

TEST_CASE("easter_sunday: every year 1900-2200 is a Sunday between 22 March and 25 April",
          "[calendar]") {
  for (int year = 1900; year <= 2200; ++year) {
    const Date easter = easter_sunday(year);
    INFO("year " << year);
    CHECK(std::chrono::weekday{std::chrono::sys_days{easter}} == std::chrono::Sunday);
    CHECK(easter >= d(year, 3, 22));
    CHECK(easter <= d(year, 4, 25));
  }
}

TEST_CASE("holiday_name: every national holiday of 2025-2030", "[calendar]") {
  const Calendar calendar = italian();
  const std::vector<Date> pasquetta = {d(2025, 4, 21), d(2026, 4, 6), d(2027, 3, 29),
                                       d(2028, 4, 17), d(2029, 4, 2), d(2030, 4, 22)};
  for (int year = 2025; year <= 2030; ++year) {
    INFO("year " << year);
    std::vector<Date> expected = {d(year, 1, 1),  d(year, 1, 6),   d(year, 4, 25), d(year, 5, 1),
                                  d(year, 6, 2),  d(year, 8, 15),  d(year, 11, 1), d(year, 12, 8),
                                  d(year, 12, 25), d(year, 12, 26),
                                  pasquetta[static_cast<std::size_t>(year - 2025)]};
    if (year >= 2026) expected.push_back(d(year, 10, 4));  // L. 151/2025
    std::vector<Date> found;
    for (Date day = d(year, 1, 1); day <= d(year, 12, 31); day = add_days(day, 1)) {
      if (calendar.is_holiday(day)) found.push_back(day);
    }
    std::ranges::sort(expected);
    CHECK(found == expected);
  }
}

TEST_CASE("holiday_name: names in Italian", "[calendar]") {
  const Calendar calendar = italian();
  CHECK(calendar.holiday_name(d(2027, 3, 29)) == "Lunedì dell'Angelo (Pasquetta)");
  CHECK(calendar.holiday_name(d(2027, 10, 4)) == "San Francesco d'Assisi, patrono d'Italia");
  CHECK(calendar.holiday_name(d(2027, 11, 2)) == std::nullopt);
}

TEST_CASE("holiday_name: 4 October is a holiday only from 2026", "[calendar]") {
  const Calendar calendar = italian();
  CHECK_FALSE(calendar.is_holiday(d(2025, 10, 4)));
  CHECK(calendar.is_holiday(d(2026, 10, 4)));
  CHECK_FALSE(calendar.is_business_day(d(2027, 10, 4)));  // the first weekday case, a Monday
}

TEST_CASE("holiday_name: the holidays changed by L. 54/1977, DPR 792/1985 and L. 336/2000",
          "[calendar]") {
  const Calendar calendar = italian();
  CHECK(calendar.is_holiday(d(1976, 3, 19)));   // San Giuseppe, until 1976
  CHECK_FALSE(calendar.is_holiday(d(1977, 3, 19)));
  CHECK_FALSE(calendar.is_holiday(d(1980, 1, 6)));  // Epifania, restored in 1986
  CHECK(calendar.is_holiday(d(1986, 1, 6)));
  CHECK_FALSE(calendar.is_holiday(d(1990, 6, 2)));  // Festa della Repubblica, restored in 2001
  CHECK(calendar.is_holiday(d(2001, 6, 2)));
}

TEST_CASE("holiday_name: the 1949 set also covers 1900-1948, with Easter Monday", "[calendar]") {
  const Calendar calendar = italian();
  CHECK(calendar.is_holiday(d(1930, 12, 25)));
  CHECK(calendar.is_holiday(d(1930, 1, 1)));
  CHECK(calendar.is_holiday(d(1930, 4, 21)));  // Easter 20/04/1930
  CHECK_FALSE(calendar.is_business_day(d(1930, 12, 25)));
}

TEST_CASE("is_business_day: 29 February of a leap year is an ordinary day", "[calendar]") {
  const Calendar calendar = italian();
  CHECK(calendar.is_business_day(d(2028, 2, 29)));  // Tuesday
  CHECK_FALSE(calendar.is_business_day(d(2032, 2, 29)));  // Sunday
  CHECK(calendar.shift(d(2032, 2, 29)) == d(2032, 2, 27));
  CHECK(calendar.add_business_days(d(2028, 3, 1), -1) == d(2028, 2, 29));
}

TEST_CASE("is_business_day: Saturday is non-working unless configured", "[calendar]") {
  CalendarConfig config;
  CHECK_FALSE(Calendar(config).is_business_day(d(2027, 7, 31)));
  config.saturday_is_business_day = true;
  CHECK(Calendar(config).is_business_day(d(2027, 7, 31)));
  CHECK_FALSE(Calendar(config).is_business_day(d(2027, 8, 1)));  // Sunday stays non-working
}

TEST_CASE("shift: a due date on Easter Monday 29/03/2027", "[calendar]") {
  const Date pasquetta = d(2027, 3, 29);
  CHECK(italian(ShiftRule::previous_business_day).shift(pasquetta) == d(2027, 3, 26));  // Friday
  CHECK(italian(ShiftRule::next_business_day).shift(pasquetta) == d(2027, 3, 30));      // Tuesday
  CHECK(italian(ShiftRule::none).shift(pasquetta) == pasquetta);
}

TEST_CASE("shift: 31 October 2027 is a Sunday and 1 November a holiday", "[calendar]") {
  const Date rpp = d(2027, 10, 31);
  CHECK(italian(ShiftRule::previous_business_day).shift(rpp) == d(2027, 10, 29));
  CHECK(italian(ShiftRule::next_business_day).shift(rpp) == d(2027, 11, 2));
  CHECK(italian(ShiftRule::none).shift(rpp) == rpp);
}

TEST_CASE("shift: a business day never moves, whatever the rule", "[calendar]") {
  for (ShiftRule rule : {ShiftRule::none, ShiftRule::previous_business_day,
                         ShiftRule::next_business_day}) {
    CHECK(italian(rule).shift(d(2027, 6, 30)) == d(2027, 6, 30));
  }
}

TEST_CASE("shift: across the year end, 26/12 to 6/1", "[calendar]") {
  // 2027: Sat 25, Sun 26 Dec; 2028: Sat 1 Jan, Thu 6 Jan.
  CHECK(italian(ShiftRule::previous_business_day).shift(d(2027, 12, 26)) == d(2027, 12, 24));
  CHECK(italian(ShiftRule::next_business_day).shift(d(2028, 1, 1)) == d(2028, 1, 3));
  CHECK(italian(ShiftRule::next_business_day).shift(d(2028, 1, 6)) == d(2028, 1, 7));
}

TEST_CASE("add_business_days: counts only working days, both directions", "[calendar]") {
  const Calendar calendar = italian();
  // Back from Thursday 1 April 2027 over Easter Monday (29/3) and the weekend.
  CHECK(calendar.add_business_days(d(2027, 4, 1), -3) == d(2027, 3, 26));
  CHECK(calendar.add_business_days(d(2027, 3, 26), 3) == d(2027, 4, 1));
  CHECK(calendar.add_business_days(d(2027, 4, 1), 0) == d(2027, 4, 1));
  // Ten business days before Friday 31/12/2027: 30, 29, 28, 27, (25-26 weekend), 24, 23,
  // 22, 21, 20, 17.
  CHECK(calendar.add_business_days(d(2027, 12, 31), -10) == d(2027, 12, 17));
}

TEST_CASE("patron day: a fixed date is a holiday of the body", "[calendar]") {
  CalendarConfig config;
  config.patron_days.push_back(PatronDay{.name = "San Giovanni Battista", .month = 6, .day = 24,
                                         .weekday = {}, .nth = 0});
  const Calendar calendar(config);
  CHECK(calendar.holiday_name(d(2027, 6, 24)) == "San Giovanni Battista");
  CHECK(calendar.shift(d(2027, 6, 24)) == d(2027, 6, 23));
  CHECK_FALSE(italian().is_holiday(d(2027, 6, 24)));
}

TEST_CASE("patron day: Asti's San Secondo, the first Tuesday of May", "[calendar]") {
  CalendarConfig config;
  config.patron_days.push_back(PatronDay{.name = "San Secondo", .month = 5, .day = 0,
                                         .weekday = std::chrono::Tuesday, .nth = 1});
  const Calendar calendar(config);
  CHECK(calendar.is_holiday(d(2027, 5, 4)));
  CHECK(calendar.is_holiday(d(2028, 5, 2)));
  CHECK_FALSE(calendar.is_holiday(d(2027, 5, 11)));
}

TEST_CASE("patron day: the last weekday of a month, and a fifth weekday that is missing",
          "[calendar]") {
  const PatronDay last{.name = "x", .month = 2, .day = 0, .weekday = std::chrono::Monday, .nth = -1};
  CHECK(last.date_in(2027) == d(2027, 2, 22));
  const PatronDay fifth{.name = "y", .month = 2, .day = 0, .weekday = std::chrono::Monday, .nth = 5};
  CHECK(fifth.date_in(2027) == std::nullopt);
}

TEST_CASE("pentecost monday: a holiday only where configured (Alto Adige)", "[calendar]") {
  CalendarConfig config;
  config.pentecost_monday = true;
  CHECK(Calendar(config).is_holiday(d(2027, 5, 17)));  // Easter 28/3 + 50 days
  CHECK_FALSE(italian().is_holiday(d(2027, 5, 17)));
}

TEST_CASE("parse_shift_rule: the three names and nothing else", "[calendar]") {
  CHECK(parse_shift_rule("none") == ShiftRule::none);
  CHECK(parse_shift_rule("previous-business-day") == ShiftRule::previous_business_day);
  CHECK(parse_shift_rule("next-business-day") == ShiftRule::next_business_day);
  CHECK(parse_shift_rule("anticipate") == std::nullopt);
  CHECK(to_string(ShiftRule::next_business_day) == "next-business-day");
}

}  // namespace scadenzario
