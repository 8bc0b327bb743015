// Where a large rule set's start-up goes. The service's start-up is about `load` plus
// `plan` plus the database; the other stages are parts or floors of those, timed alone.
//
//   ./build/bench/rule_load_bench CONFIG [REPEAT=3] [TODAY=2027-01-15]
//
// The stages:
//   read       every rule file of the rules directory into memory, one thread
//   toml-1     toml++ alone on those texts (no rule parser), one thread
//   toml-N     the same on every usable core: the floor of any loader that uses toml++
//   load       load_rule_set(CONFIG), as the service does: read, parse, merge, validate
//   model      a deep copy of the loaded RuleSet: the floor of any loader that builds
//              today's model (strings, vectors, hash maps), even from a binary cache
//   touch      a first write to as much new memory as one model takes: what this
//              machine charges for the page faults alone
//   plan       the schedule ±400 days around TODAY with each occurrence's key, index
//              and prerequisites: the service's first plan without the database, so
//              a floor of it
// Before each stage, freed memory goes back to the system (malloc_trim), so every run
// faults in its pages as a new process would.
#include "config/rule_loader.hpp"
#include "core/progress.hpp"
#include "core/schedule.hpp"

#include <toml++/toml.h>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
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

// As the loader reads a file: its size first, then one read into a string of that size.
std::string read_text(const std::filesystem::path& path) {
  std::string text(static_cast<std::size_t>(std::filesystem::file_size(path)), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
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
  std::vector<double> faults;

  // Runs `work` once, timed, after giving freed memory back to the system.
  template <class Work>
  void measure(Work&& work) {
    malloc_trim(0);
    const long faults_before = minor_faults();
    const auto start = Clock::now();
    work();
    ms.push_back(milliseconds_since(start));
    faults.push_back(static_cast<double>(minor_faults() - faults_before));
  }
};

double median(std::vector<double> values) {
  std::ranges::sort(values);
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void print(const Stage& stage) {
  std::printf("%-8s median %8.1f ms   min %8.1f ms   page faults %9.0f   (%zu runs)\n",
              stage.name.c_str(), median(stage.ms), std::ranges::min(stage.ms), median(stage.faults),
              stage.ms.size());
}

int fail(const std::string& what) {
  std::fprintf(stderr, "rule_load_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: rule_load_bench CONFIG [REPEAT=3] [TODAY=2027-01-15]\n");
    return 2;
  }
  const std::filesystem::path config = argv[1];
  int repeat = 3;
  if (argc > 2) {
    const std::string_view text = argv[2];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), repeat);
    if (error != std::errc{} || end != text.data() + text.size() || repeat < 1 || repeat > 100) {
      std::fprintf(stderr, "REPEAT: expected a whole number from 1 to 100\n");
      return 2;
    }
  }
  const auto today = parse_iso_date(argc > 3 ? argv[3] : "2027-01-15");
  if (!today) {
    std::fprintf(stderr, "TODAY: expected a date YYYY-MM-DD\n");
    return 2;
  }

  auto loaded = load_rule_set(config);
  if (!loaded) {
    for (const Diagnostic& error : loaded.error()) std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 1;
  }
  const RuleSet& rules = *loaded;
  auto files = list_rule_files(config.parent_path() / rules.config.rules_dir);
  if (!files) return fail(files.error().to_string());
  const std::size_t cores = usable_cores();

  Stage read{"read"}, toml_one{"toml-1"}, toml_all{"toml-" + std::to_string(cores)}, load{"load"},
      model{"model"}, touch{"touch"}, plan{"plan"};
  std::vector<std::unique_ptr<RuleSet>> copies;  // kept: a copy must not reuse an earlier one
  std::size_t bytes = 0;
  long model_kb = 0;
  std::size_t occurrences = 0;
  std::size_t prerequisites = 0;
  for (int run = 0; run < repeat; ++run) {
    std::vector<std::string> texts;
    read.measure([&] {
      texts.reserve(files->size());
      for (const auto& file : *files) texts.push_back(read_text(file));
    });
    bytes = 0;
    for (const std::string& text : texts) bytes += text.size();

    std::size_t rejected = 0;
    toml_one.measure([&] { rejected += parse_with_tomlplusplus(texts, 1); });
    toml_all.measure([&] { rejected += parse_with_tomlplusplus(texts, cores); });
    if (rejected != 0) return fail("toml++ rejected " + std::to_string(rejected) + " parses");
    texts = {};

    std::size_t acts = 0;
    load.measure([&] {
      auto again = load_rule_set(config);
      acts = again ? again->acts.size() : 0;
    });
    if (acts != rules.acts.size()) return fail("the second load differs from the first");

    malloc_trim(0);  // as measure() does, so that its trim does not hide the copy's growth
    const long resident_before = resident_kb();
    model.measure([&] { copies.push_back(std::make_unique<RuleSet>(rules)); });
    if (run == 0) model_kb = resident_kb() - resident_before;

    touch.measure([&] {
      const std::size_t size = static_cast<std::size_t>(model_kb) * 1024;
      const std::unique_ptr<char[]> memory(new char[size]);
      for (std::size_t i = 0; i < size; i += 4096) memory[i] = 1;
      // The memory escapes, so the compiler may not drop the writes or the allocation.
      asm volatile("" : : "g"(memory.get()) : "memory");
    });

    plan.measure([&] {
      // As Service::build_plan: keys, an index by key, and each occurrence's prerequisites.
      const Calendar calendar(rules.config.calendar);
      const auto schedule = expand_schedule(rules, calendar, add_days(*today, -400), add_days(*today, 400));
      std::vector<std::string> keys;
      keys.reserve(2 * schedule.size());
      std::unordered_map<std::string, std::size_t> index;
      index.reserve(schedule.size());
      std::vector<std::vector<Occurrence>> prerequisites_by_occurrence;
      prerequisites_by_occurrence.reserve(schedule.size());
      prerequisites = 0;
      for (std::size_t i = 0; i < schedule.size(); ++i) {
        keys.push_back(schedule[i].key());
        index.emplace(keys.back(), i);
        prerequisites_by_occurrence.push_back(prerequisites_of(rules, calendar, schedule[i]));
        for (const Occurrence& p : prerequisites_by_occurrence.back()) keys.push_back(p.key());
        prerequisites += prerequisites_by_occurrence.back().size();
      }
      occurrences = schedule.size();
    });
  }

  std::printf("%zu rule files, %.1f MB; %zu acts; %zu usable cores\n", files->size(),
              static_cast<double>(bytes) / 1e6, rules.acts.size(), cores);
  std::printf("one model in memory: %ld kB resident; plan: %zu occurrences, %zu prerequisites\n",
              model_kb, occurrences, prerequisites);
  for (const Stage* stage : {&read, &toml_one, &toml_all, &load, &model, &touch, &plan}) print(*stage);
  return 0;
}
