#include "config/rule_loader.hpp"

#include "core/config_parser.hpp"
#include "core/rule_parser.hpp"
#include "core/rule_validator.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <system_error>
#include <thread>

#include <sched.h>

namespace scadenzario {

namespace {

namespace fs = std::filesystem;

// Rule files are written by hand: the whole default rule set is 47 KB, its largest file
// 11 KB. Parsing takes about 40 times a file's size in memory (measured: 16 MiB of
// `a = [1, 1, ...]` took 600 MB), so the limit keeps a reload within tens of MB per
// parsing thread.
constexpr std::uintmax_t k_max_file_bytes = 1024u * 1024u;

std::expected<std::string, Diagnostic> read_file(const fs::path& path) {
  const SourceLocation where{path.string()};
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return std::unexpected(Diagnostic{where, "cannot read file: " + ec.message()});
  if (size > k_max_file_bytes) {
    return std::unexpected(Diagnostic{where, "file is larger than 1 MiB (" + std::to_string(size) +
                                                 " bytes): expected a hand-written rule file"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // error_code, not strerror: files are read on several threads at once.
    return std::unexpected(
        Diagnostic{where, "cannot read file: " + std::error_code(errno, std::generic_category()).message()});
  }
  // At most the size checked above, even if the file grows meanwhile.
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad()) return std::unexpected(Diagnostic{where, "cannot read file: I/O error"});
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// True when `name` is a zone of the system's tz database: a TZif file under TZDIR
// (default /usr/share/zoneinfo). Reading one file, not loading the whole database,
// keeps every command's start-up short.
bool is_known_time_zone(const std::string& name) {
  const bool well_formed = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
  if (!well_formed) return false;
  const char* tz_dir = std::getenv("TZDIR");
  const fs::path file = fs::path(tz_dir && *tz_dir ? tz_dir : "/usr/share/zoneinfo") / name;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

void check_time_zone(const Config& config, Diagnostics& errors) {
  if (is_known_time_zone(config.time_zone)) return;
  errors.push_back({config.time_zone_where, "unknown time zone \"" + config.time_zone +
                                                "\": expected an IANA name such as \"Europe/Rome\""});
}

// One rule file, read and parsed, before it joins the set.
struct ParsedFile {
  RuleFile rules;
  Diagnostics errors;
};

ParsedFile parse_file(const fs::path& path) {
  ParsedFile parsed;
  auto text = read_file(path);
  if (!text) {
    parsed.errors.push_back(std::move(text.error()));
    return parsed;
  }
  parsed.rules = parse_rule_file(*text, path.string(), parsed.errors);
  return parsed;
}

// A hand-written set has a dozen files and is parsed on this thread; a large one (a
// body per file, thousands of files) is parsed on every core, since parsing TOML is
// most of its start-up. Either way the files join the set in the order of `files`, so
// the result and its diagnostics do not depend on the threads.
constexpr std::size_t k_files_per_thread = 64;

}  // namespace

std::size_t usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<std::size_t>(CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

std::vector<ParsedFile> parse_files(const std::vector<fs::path>& files) {
  std::vector<ParsedFile> parsed(files.size());
  const std::size_t threads = std::clamp<std::size_t>(files.size() / k_files_per_thread, 1, usable_cores());
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> failures(threads);
  auto work = [&](std::size_t worker) {
    try {
      for (std::size_t i = next++; i < files.size(); i = next++) parsed[i] = parse_file(files[i]);
    } catch (...) {
      failures[worker] = std::current_exception();  // e.g. bad_alloc: rethrown on the caller's thread
      next = files.size();
    }
  };
  {
    std::vector<std::jthread> helpers;
    helpers.reserve(threads - 1);
    for (std::size_t worker = 1; worker < threads; ++worker) {
      try {
        helpers.emplace_back(work, worker);
      } catch (const std::system_error&) {
        break;  // no thread to be had (a task limit): the threads started parse every file
      }
    }
    work(0);
  }  // joins the helpers
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return parsed;
}

void merge_files(std::vector<ParsedFile> parsed, RuleSet& rules, Diagnostics& errors) {
  std::size_t acts = rules.acts.size();
  for (const ParsedFile& file : parsed) acts += file.rules.acts.size();
  if (acts > rules.acts.capacity()) {
    // Geometric, as push_back would grow it, but once per batch of files.
    rules.acts.reserve(std::max(acts, 2 * rules.acts.capacity()));
    rules.act_index.reserve(rules.acts.capacity());
  }
  for (ParsedFile& file : parsed) {
    std::ranges::move(file.errors, std::back_inserter(errors));
    merge(rules, std::move(file.rules));
  }
}

void load_rule_file(const fs::path& path, RuleSet& rules, Diagnostics& errors) {
  merge_files(parse_files({path}), rules, errors);
}

}  // namespace

std::expected<std::vector<fs::path>, Diagnostic> list_rule_files(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (name.starts_with('.') || path.extension() != ".toml") continue;
    // Everything else named *.toml is a rule file: a broken link or an unreadable file
    // is reported when it is read, never skipped in silence.
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) files.push_back(path);
  }
  if (ec) {
    return std::unexpected(Diagnostic{{dir.string()}, "cannot read rules directory: " + ec.message()});
  }
  std::ranges::sort(files, [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

namespace {

// Reads the rule files of `dir`. A missing directory named by the configuration is
// reported at the configuration's `rules_dir`.
void load_rules_dir(const fs::path& dir, const SourceLocation& named_at, RuleSet& rules,
                    Diagnostics& errors) {
  auto files = list_rule_files(dir);
  if (!files) {
    Diagnostic error = std::move(files.error());
    if (named_at.line != 0) {
      error = Diagnostic{named_at, "cannot read rules directory " + dir.string() + ": " +
                                       error.message.substr(error.message.find(": ") + 2)};
    }
    errors.push_back(std::move(error));
    return;
  }
  if (files->empty()) {
    errors.push_back({{dir.string()}, "no rule files (*.toml) in the rules directory"});
  }
  // In batches, so that only one batch of parsed files waits to be merged at a time.
  constexpr std::size_t k_batch = 16 * k_files_per_thread;
  for (std::size_t first = 0; first < files->size(); first += k_batch) {
    const std::vector<fs::path> batch(files->begin() + static_cast<std::ptrdiff_t>(first),
                                      files->begin() + static_cast<std::ptrdiff_t>(std::min(first + k_batch, files->size())));
    merge_files(parse_files(batch), rules, errors);
  }
}

void load_actors_file(const fs::path& path, const SourceLocation& named_at, RuleSet& rules,
                      Diagnostics& errors) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    errors.push_back({named_at, "cannot read actors_file " + path.string() +
                                    ": No such file or directory"});
    return;
  }
  load_rule_file(path, rules, errors);
}

}  // namespace

std::expected<RuleSet, Diagnostics> load_rule_set(const fs::path& config_path,
                                                  const std::optional<fs::path>& rules_dir) {
  Diagnostics errors;
  auto config_text = read_file(config_path);
  if (!config_text) return std::unexpected(Diagnostics{std::move(config_text.error())});
  RuleSet rules;
  rules.config = parse_config(*config_text, config_path.string(), errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  check_time_zone(rules.config, errors);

  const fs::path base = config_path.parent_path();
  if (rules_dir) {
    load_rules_dir(*rules_dir, SourceLocation{}, rules, errors);
  } else {
    load_rules_dir(base / rules.config.rules_dir, rules.config.rules_dir_where, rules, errors);
  }
  if (!rules.config.actors_file.empty()) {
    load_actors_file(base / rules.config.actors_file, rules.config.actors_file_where, rules, errors);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));

  validate_rule_set(rules, errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return rules;
}

std::vector<FileStamp> stamp_rule_files(const fs::path& config_path, const Config& config) {
  const fs::path base = config_path.parent_path();
  std::vector<fs::path> paths = {config_path};
  if (!config.actors_file.empty()) paths.push_back(base / config.actors_file);
  if (auto files = list_rule_files(base / config.rules_dir)) paths.insert(paths.end(), files->begin(), files->end());
  std::vector<FileStamp> stamps;
  for (const fs::path& path : paths) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error) continue;
    const auto modified = fs::last_write_time(path, error);
    if (!error) stamps.push_back({path, size, modified});
  }
  return stamps;
}

}  // namespace scadenzario
