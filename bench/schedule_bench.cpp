// Schedule expansion at scale: the default acts for N synthetic bodies (each with its
// own patron-saint day, council mandates and shift rule) over 10 years, on one core.
// Prints step occurrences per second and peak resident memory.
//
//   ./build/bench/schedule_bench [BODIES=8000] [YEARS=10] [REPEAT=5]
#include "config/rule_loader.hpp"
#include "core/schedule.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace scadenzario;

struct Body {
  CalendarConfig calendar;
  std::vector<Mandate> mandates;
};

// Patron days of real seats (domain-it.md §4), fixed and movable.
std::vector<PatronDay> patron_table() {
  const auto fixed = [](const char* name, unsigned m, unsigned d) {
    return PatronDay{.name = name, .month = m, .day = d, .weekday = {}, .nth = 0};
  };
  return {fixed("SS. Pietro e Paolo", 6, 29), fixed("Sant'Ambrogio", 12, 7),
          fixed("San Giovanni Battista", 6, 24), fixed("San Gennaro", 9, 19),
          fixed("San Nicola", 12, 6), fixed("Sant'Antonio", 6, 13),
          fixed("San Prospero", 11, 24), fixed("San Gaudenzio", 1, 22),
          PatronDay{.name = "San Secondo", .month = 5, .day = 0,
                    .weekday = std::chrono::Tuesday, .nth = 1}};
}

std::vector<Body> synthetic_bodies(int count) {
  std::mt19937 random(20271031);  // fixed seed: the same set every run
  const auto patrons = patron_table();
  std::uniform_int_distribution<std::size_t> pick_patron(0, patrons.size() - 1);
  std::uniform_int_distribution<int> start_offset(0, 5 * 365);
  std::uniform_int_distribution<int> shift(0, 9);
  std::vector<Body> bodies(static_cast<std::size_t>(count));
  for (Body& body : bodies) {
    body.calendar.patron_days = {patrons[pick_patron(random)]};
    body.calendar.shift_rule = shift(random) == 0 ? ShiftRule::next_business_day
                                                  : ShiftRule::previous_business_day;
    Date start = add_days(make_date(2020, 1, 1), start_offset(random));
    for (int i = 0; i < 3; ++i) {
      const Date end = add_days(start + std::chrono::years{5}, -1);
      body.mandates.push_back({start, end});
      start = add_days(end, 1);
    }
  }
  return bodies;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

struct Totals {
  std::size_t occurrences = 0;
  std::size_t steps = 0;
};

Totals expand_all(RuleSet& rules, const std::vector<Body>& bodies, Date first, Date last,
                  bool retain) {
  Totals totals;
  std::vector<std::vector<Occurrence>> kept;
  if (retain) kept.reserve(bodies.size());
  for (const Body& body : bodies) {
    rules.config.mandates = body.mandates;
    const Calendar calendar(body.calendar);
    auto schedule = expand_schedule(rules, calendar, first, last);
    totals.occurrences += schedule.size();
    for (const Occurrence& occurrence : schedule) totals.steps += occurrence.steps.size();
    if (retain) kept.push_back(std::move(schedule));
  }
  return totals;
}

int arg_or(int argc, char** argv, int index, int fallback) {
  return argc > index ? std::atoi(argv[index]) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int body_count = arg_or(argc, argv, 1, 8000);
  const int years = arg_or(argc, argv, 2, 10);
  const int repeat = arg_or(argc, argv, 3, 5);
  auto loaded = load_rule_set(std::string(SCADENZARIO_SOURCE_DIR) + "/rules/scadenzario.toml");
  if (!loaded) {
    for (const auto& error : loaded.error()) std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 1;
  }
  RuleSet rules = *std::move(loaded);
  const std::vector<Body> bodies = synthetic_bodies(body_count);
  const Date first = make_date(2026, 1, 1);
  const Date last = make_date(2026 + years - 1, 12, 31);

  std::printf("bodies                  %d\n", body_count);
  std::printf("years                   %d (%s .. %s)\n", years, format_iso(first).c_str(),
              format_iso(last).c_str());
  std::printf("acts per body           %zu\n", rules.acts.size());
  // Streamed: each body's 10-year schedule is built, counted and dropped, as one service
  // instance per body does. Retained: all bodies' schedules are kept until the end.
  for (const bool retain : {false, true}) {
    std::vector<double> seconds;
    Totals totals;
    for (int run = 0; run < repeat; ++run) {
      const auto start = std::chrono::steady_clock::now();
      totals = expand_all(rules, bodies, first, last, retain);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::ranges::sort(seconds);
    const double median = seconds[seconds.size() / 2];
    std::printf("\n[%s]\n", retain ? "retained: every schedule kept" : "streamed: one body at a time");
    std::printf("occurrences             %zu\n", totals.occurrences);
    std::printf("step occurrences        %zu\n", totals.steps);
    std::printf("runs                    %d, median %.3f s, best %.3f s\n", repeat, median,
                seconds.front());
    std::printf("step occurrences/s      %.2f million (median run, one core)\n",
                static_cast<double>(totals.steps) / median / 1e6);
    std::printf("peak RSS so far         %.1f MiB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  }
  return 0;
}
