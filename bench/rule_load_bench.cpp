// Where a large rule set's start-up goes: each stage the service passes before its first
// plan, timed alone, so that a start-up target can be weighed against its parts.
//
//   ./build/bench/rule_load_bench CONFIG [REPEAT=3] [TODAY=2027-01-15]
//
// The stages:
//   read       every rule file of the rules directory into memory, one thread
//   toml-1     toml++ alone on those texts (no rule parser), one thread
//   toml-N     the same on every usable core
//   load       load_rule_set(CONFIG), as the service does: read, parse, merge, validate
//   model      a deep copy of the loaded RuleSet into memory just given back to the
//              system: about the least any loader, even one reading a binary cache,
//              pays to build the model
//   plan       the schedule ±400 days around TODAY with each occurrence's key and
//              prerequisites: the service's first plan without the database
#include "config/rule_loader.hpp"
#include "core/progress.hpp"
#include "core/schedule.hpp"

#include <toml++/toml.h>

#include <malloc.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace scadenzario;
using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Resident memory of this process, from /proc/self/status, in kB.
long resident_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::size_t usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<std::size_t>(CPU_COUNT(&set));
  }
  return 1;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Parses every text with toml++ on `threads` threads; returns how many failed.
std::size_t parse_with_tomlplusplus(const std::vector<std::string>& texts, std::size_t threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed{0};
  auto work = [&] {
    for (std::size_t i = next++; i < texts.size(); i = next++) {
      try {
        const toml::table table = toml::parse(texts[i]);
      } catch (const toml::parse_error&) {
        ++failed;
      }
    }
  };
  std::vector<std::jthread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  return failed;
}

struct Stage {
  std::string name;
  std::vector<double> ms;
};

void print(const Stage& stage) {
  std::vector<double> sorted = stage.ms;
  std::ranges::sort(sorted);
  std::printf("%-8s median %8.1f ms   min %8.1f ms   (%zu runs)\n", stage.name.c_str(),
              sorted[sorted.size() / 2], sorted.front(), sorted.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rule_load_bench CONFIG [REPEAT=3] [TODAY=2027-01-15]\n");
    return 2;
  }
  const std::filesystem::path config = argv[1];
  const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  int y = 2027;
  unsigned m = 1;
  unsigned d = 15;
  if (argc > 3 && std::sscanf(argv[3], "%d-%u-%u", &y, &m, &d) != 3) {
    std::fprintf(stderr, "TODAY: expected YYYY-MM-DD\n");
    return 2;
  }
  const Date today = make_date(y, m, d);

  auto loaded = load_rule_set(config);
  if (!loaded) {
    for (const Diagnostic& error : loaded.error()) std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 1;
  }
  const RuleSet& rules = *loaded;
  auto files = list_rule_files(config.parent_path() / rules.config.rules_dir);
  if (!files) return 1;
  const std::size_t cores = usable_cores();

  Stage read{"read", {}}, toml_one{"toml-1", {}}, toml_all{"toml-" + std::to_string(cores), {}},
      load{"load", {}}, model{"model", {}}, plan{"plan", {}};
  std::vector<std::unique_ptr<RuleSet>> copies;  // kept, so every copy lands in fresh memory
  std::size_t bytes = 0;
  long model_kb = 0;
  std::size_t occurrences = 0;
  std::size_t prerequisites = 0;
  for (int run = 0; run < repeat; ++run) {
    auto start = Clock::now();
    std::vector<std::string> texts;
    texts.reserve(files->size());
    for (const auto& file : *files) texts.push_back(read_text(file));
    read.ms.push_back(milliseconds_since(start));
    bytes = 0;
    for (const std::string& text : texts) bytes += text.size();

    start = Clock::now();
    const std::size_t failed_one = parse_with_tomlplusplus(texts, 1);
    toml_one.ms.push_back(milliseconds_since(start));
    start = Clock::now();
    const std::size_t failed_all = parse_with_tomlplusplus(texts, cores);
    toml_all.ms.push_back(milliseconds_since(start));
    if (failed_one + failed_all != 0) {
      std::fprintf(stderr, "toml++ rejected %zu files\n", failed_one);
      return 1;
    }

    start = Clock::now();
    auto again = load_rule_set(config);
    load.ms.push_back(milliseconds_since(start));
    if (!again || again->acts.size() != rules.acts.size()) return 1;

    // Freed memory goes back to the system first, so the copy faults in its pages as a
    // fresh process would, instead of reusing what the earlier stages freed.
    malloc_trim(0);
    const long before = resident_kb();
    start = Clock::now();
    copies.push_back(std::make_unique<RuleSet>(rules));
    model.ms.push_back(milliseconds_since(start));
    if (run == 0) model_kb = resident_kb() - before;

    start = Clock::now();
    const Calendar calendar(rules.config.calendar);
    const auto schedule = expand_schedule(rules, calendar, add_days(today, -400), add_days(today, 400));
    std::vector<std::string> keys;
    keys.reserve(2 * schedule.size());
    prerequisites = 0;
    for (const Occurrence& occurrence : schedule) {
      keys.push_back(occurrence.key());
      for (const Occurrence& p : prerequisites_of(rules, calendar, occurrence)) {
        keys.push_back(p.key());
        ++prerequisites;
      }
    }
    plan.ms.push_back(milliseconds_since(start));
    occurrences = schedule.size();
  }

  std::printf("%zu rule files, %.1f MB; %zu acts; %zu usable cores\n", files->size(),
              static_cast<double>(bytes) / 1e6, rules.acts.size(), cores);
  std::printf("one model in memory: %ld kB resident; plan: %zu occurrences, %zu prerequisites\n",
              model_kb, occurrences, prerequisites);
  for (const Stage* stage : {&read, &toml_one, &toml_all, &load, &model, &plan}) print(*stage);
  return 0;
}
